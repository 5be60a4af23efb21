from django.contrib import admin

from samsyn.observations.models import Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "starts_on", "ends_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]

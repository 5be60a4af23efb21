from django.contrib import admin

from samsyn.frameworks.models import Framework, FrameworkVersion


class VersionInline(admin.TabularInline):
    model = FrameworkVersion
    fields = ["number", "status", "name_sv", "name_en", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["slug", "organisation", "created_at"]
    search_fields = ["slug"]
    inlines = [VersionInline]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriadsConfig(AppConfig):
    name = "samsyn.triads"
    verbose_name = _("Triads and peer observations")

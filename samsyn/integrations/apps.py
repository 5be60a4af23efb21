from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "samsyn.integrations"
    verbose_name = _("Single sign-on and API tokens")

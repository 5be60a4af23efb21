from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "samsyn.integrations"
    verbose_name = _("Single sign-on and API tokens")

    def ready(self) -> None:
        from samsyn.integrations import home  # noqa: F401  (registers the home-page actions)

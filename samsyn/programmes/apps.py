from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "samsyn.programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from samsyn.programmes import home  # noqa: F401  (registers the home-page actions)

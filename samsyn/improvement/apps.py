from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "samsyn.improvement"
    verbose_name = _("Development projects, quality cycle and library")

    def ready(self) -> None:
        from samsyn.improvement import home  # noqa: F401  (registers the home-page actions)

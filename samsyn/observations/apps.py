from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "samsyn.observations"
    verbose_name = _("Observations")

    def ready(self) -> None:
        from samsyn.observations import home, summaries  # noqa: F401

        summaries.connect()

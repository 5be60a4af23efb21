from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "samsyn.indicators"
    verbose_name = _("National indicators and surveys")

    def ready(self) -> None:
        from samsyn.indicators import home  # noqa: F401  (registers the home-page actions)

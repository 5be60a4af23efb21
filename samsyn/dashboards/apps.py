from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "samsyn.dashboards"
    verbose_name = _("Dashboards and reports")

    def ready(self) -> None:
        from samsyn.dashboards import home  # noqa: F401  (registers the home-page actions)

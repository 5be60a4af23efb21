from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "samsyn.workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from samsyn.dashboards import hooks
        from samsyn.workshops import home  # noqa: F401  (registers the home-page actions)
        from samsyn.workshops.selectors import workshop_teams_unscoped

        hooks.register_teams(workshop_teams_unscoped)

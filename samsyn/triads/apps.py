from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriadsConfig(AppConfig):
    name = "samsyn.triads"
    verbose_name = _("Triads and peer observations")

    def ready(self) -> None:
        from samsyn.observations import hooks
        from samsyn.triads import home  # noqa: F401  (registers the home-page actions)
        from samsyn.triads.selectors import round_teacher_details_unscoped

        hooks.register_teacher_details(round_teacher_details_unscoped)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "samsyn.coaching"
    verbose_name = _("Coaching, my teaching and support plans")

    def ready(self) -> None:
        from samsyn.coaching import home  # noqa: F401

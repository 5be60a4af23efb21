from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "samsyn.frameworks"
    verbose_name = _("Observation frameworks")

    def ready(self) -> None:
        from samsyn.frameworks import home  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "samsyn.public"
    label = "public"
    verbose_name = _("Public progress pages")

    def ready(self) -> None:
        from samsyn.public import home  # noqa: F401  (registers the home-page actions)

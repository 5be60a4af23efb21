from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "samsyn.privacy"
    verbose_name = _("Data protection and portability")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from samsyn.privacy import home  # noqa: F401  (registers the home-page actions)

        # Every app's `privacy.py` registers its record types, mentions and exclusions.
        autodiscover_modules("privacy")

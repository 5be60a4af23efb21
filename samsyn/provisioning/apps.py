from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    name = "samsyn.provisioning"
    verbose_name = _("Onboarding and SS 12000 provisioning")

    def ready(self) -> None:
        from samsyn.provisioning import home  # noqa: F401  (registers the home-page actions)

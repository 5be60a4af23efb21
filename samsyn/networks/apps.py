from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "samsyn.networks"
    verbose_name = _("Networks, peer review and best practice")

    def ready(self) -> None:
        from samsyn.improvement import hooks
        from samsyn.networks import home  # noqa: F401  (registers the home-page actions)
        from samsyn.networks.selectors import exchanges_of_owner_unscoped

        hooks.register_exchanges(exchanges_of_owner_unscoped)

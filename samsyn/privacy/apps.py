from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "samsyn.privacy"
    verbose_name = _("Data protection and portability")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliabilityConfig(AppConfig):
    name = "samsyn.reliability"
    verbose_name = _("Measurement quality: profile reliability, observer severity, certification")

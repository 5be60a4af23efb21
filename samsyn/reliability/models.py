from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.frameworks.models import FrameworkVersion
from samsyn.observations.models import CalibrationExercise


class BankExercise(models.Model):
    """A calibration exercise installed from the vignette bank (`data/vignettes.json`)."""

    exercise = models.OneToOneField(
        CalibrationExercise, on_delete=models.CASCADE, related_name="bank_entry"
    )
    key = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.key


class Certification(models.Model):
    """One attempt at certification against the vignette bank; the latest one counts."""

    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications"
    )
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("framework")
    )
    passed = models.BooleanField(_("certified"))
    exact = models.FloatField(_("exact agreement"))
    within_one = models.FloatField(_("agreement within one step"))
    n = models.PositiveIntegerField(_("ratings compared"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.observer} · {self.created_at:%Y-%m-%d}"

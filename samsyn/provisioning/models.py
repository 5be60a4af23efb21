"""What an SS 12000 import created, keyed on the source's ids, so a re-import is idempotent.

Samsyn keeps staff only: for each person the name and an e-mail address (or the
eduPersonPrincipalName), never a civic number. A duty (tjänstgöring) gives a role in a school
while it lasts; when it ends, the role ends and the person's account and data stay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation


class ImportedOrganisation(models.Model):
    """A school (Skolenhet) of the owner, and its id in the owner's SS 12000 system."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(_("SS 12000 id"), max_length=64)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="ss12000_links"
    )

    class Meta:
        verbose_name = _("imported school")
        verbose_name_plural = _("imported schools")
        constraints = [
            models.UniqueConstraint(fields=["owner", "source_id"], name="imported_org_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.organisation}"


class ImportedPerson(models.Model):
    """A member of staff of the owner, and their id in the owner's SS 12000 system."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(_("SS 12000 id"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ss12000_links"
    )

    class Meta:
        verbose_name = _("imported person")
        verbose_name_plural = _("imported people")
        constraints = [
            models.UniqueConstraint(fields=["owner", "source_id"], name="imported_person_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.user}"


class ImportedDuty(models.Model):
    """A duty (tjänstgöring): a person's role in a school from its first to its last day."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(_("SS 12000 id"), max_length=64)
    person = models.ForeignKey(ImportedPerson, on_delete=models.CASCADE, related_name="duties")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    duty_role = models.CharField(_("duty role"), max_length=60)
    role = models.CharField(_("role in Samsyn"), max_length=32, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), null=True, blank=True)
    # Whether the duty currently gives its role (set by the import; ended duties are kept).
    is_active = models.BooleanField(_("gives its role"), default=False)
    ended_at = models.DateTimeField(_("role ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("imported duty")
        verbose_name_plural = _("imported duties")
        constraints = [
            models.UniqueConstraint(fields=["owner", "source_id"], name="imported_duty_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}: {self.duty_role} @ {self.school}"


class ImportRun(models.Model):
    """One import: read and compared first (dry run), saved only when confirmed."""

    class Source(models.TextChoices):
        FILE = "file", _("SS 12000 JSON file")
        API = "api", _("SS 12000 API")
        CSV = "csv", _("CSV file")

    class Status(models.TextChoices):
        READING = "reading", _("Reading")
        PREVIEW = "preview", _("Ready to review")
        SAVING = "saving", _("Saving")
        DONE = "done", _("Saved")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    source_label = models.CharField(_("from"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.READING
    )
    # The records as read (normalised; no civic numbers), kept until the run is saved.
    payload = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_label = models.CharField(max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("saved"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

"""Models of samsyn.privacy: retention settings and runs, subject requests (erasure and
rectification), pseudonymised research exports and the owner's pseudonym key.

The owner (huvudman, an Organisation of kind "owner") is the data controller: every row here
belongs to one owner.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation


class RetentionSetting(models.Model):
    """How long one owner keeps one record type, and what happens after that."""

    class Action(models.TextChoices):
        DELETE = "delete", _("Delete")
        AGGREGATE = "aggregate", _("Keep anonymised aggregates, delete the rows")

    owner = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_settings"
    )
    record_type = models.CharField(_("record type"), max_length=40)
    months = models.PositiveSmallIntegerField(
        _("retention period (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    action = models.CharField(
        _("after the period"), max_length=16, choices=Action.choices, default=Action.DELETE
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("retention setting")
        verbose_name_plural = _("retention settings")
        ordering = ["owner", "record_type"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "record_type"], name="retention_unique_type")
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.record_type} · {self.months}"


class RetentionRun(models.Model):
    """One pass of the retention job (or a dry run): what it removed, per owner and type."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{"owner": id, "owner_name": str, "record_type": key, "action": str, "cutoff": iso,
    #   "removed": n, "aggregates": n}]
    summary = models.JSONField(_("summary"), default=list)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"retention {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def removed(self) -> int:
        return sum(entry.get("removed", 0) for entry in self.summary)


class RetainedAggregate(models.Model):
    """Counts kept when rows past their retention period were replaced by aggregates.

    `key` names the group (e.g. round, school, dimension, step) without any person in it.
    """

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=40)
    run = models.ForeignKey(RetentionRun, null=True, on_delete=models.SET_NULL, related_name="+")
    key = models.JSONField(default=dict)
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("retained aggregate")
        verbose_name_plural = _("retained aggregates")
        indexes = [models.Index(fields=["owner", "record_type"])]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.count}"


class SubjectRequest(models.Model):
    """A data subject's request handled by the owner: erasure or rectification.

    Requested → approved or rejected (review) → executed. Execution runs in one transaction and
    stores what was erased, what was kept and why, or which values changed.
    """

    class Kind(models.TextChoices):
        ERASURE = "erasure", _("Erasure")
        RECTIFICATION = "rectification", _("Rectification")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting review")
        APPROVED = "approved", _("Approved, not yet carried out")
        REJECTED = "rejected", _("Rejected")
        EXECUTED = "executed", _("Carried out")

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="privacy_requests",
        verbose_name=_("person"),
    )
    subject_label = models.CharField(_("person"), max_length=254)
    # Erasure: record type keys. Rectification: [{"field": key, "new": value}].
    scope = models.JSONField(_("what"), default=list)
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True, max_length=2000)
    executed_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    # Erasure: [{"record_type", "erased", "kept", "reason"}]; rectification:
    # [{"field", "old", "new"}].
    result = models.JSONField(_("result"), default=list, blank=True)

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject_label}"


class OwnerKey(models.Model):
    """The owner's secret for pseudonyms (HMAC-SHA256). Never shown to anyone."""

    owner = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=128, default=secrets.token_hex, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key of {self.owner}"


class ResearchExport(models.Model):
    """A researcher's request for pseudonymised observation data, and its review."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.CharField(
        _("project"),
        max_length=120,
        help_text=_("Exports of the same project share pseudonyms; other projects get others."),
    )
    purpose = models.TextField(_("purpose"), max_length=2000)
    rounds = models.ManyToManyField(
        "observations.Round", related_name="+", verbose_name=_("rounds")
    )
    schools = models.ManyToManyField(Organisation, related_name="+", verbose_name=_("schools"))
    fields = models.JSONField(_("fields"), default=list)
    notes_requested = models.BooleanField(_("free-text notes requested"), default=False)
    notes_approved = models.BooleanField(_("free-text notes approved"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("research export")
        verbose_name_plural = _("research exports")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} ({self.get_status_display()})"


class ResearchDownload(models.Model):
    """Each file handed out for an approved research export."""

    export = models.ForeignKey(ResearchExport, on_delete=models.CASCADE, related_name="downloads")
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    file_format = models.CharField(_("format"), max_length=10)
    rows = models.PositiveIntegerField(_("rows"))
    dropped_rows = models.PositiveIntegerField(_("rows left out (small groups)"))
    generalised_rows = models.PositiveIntegerField(_("rows generalised"))

    class Meta:
        verbose_name = _("research export download")
        verbose_name_plural = _("research export downloads")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.export_id} {self.file_format} {self.at:%Y-%m-%d}"

"""A public progress page of an owner (municipality) or a network (the collaboration).

Off by default (`enabled`), prepared as a draft, submitted by one manager and approved by
another; approval freezes the computed content (`snapshot`, both languages), which is what the
public reads until the page is withdrawn. See docs/public.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.observations.models import Round


class ProgressPage(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner or network"),
        on_delete=models.CASCADE,
        related_name="progress_pages",
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    enabled = models.BooleanField(
        _("public page turned on"),
        default=False,
        help_text=_("Off by default: nothing is public until this is on and the page approved."),
    )
    indicator_codes = models.JSONField(_("indicators"), default=list, blank=True)
    baseline_round = models.ForeignKey(
        Round,
        verbose_name=_("baseline round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latest_round = models.ForeignKey(
        Round,
        verbose_name=_("latest round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro_sv = models.TextField(_("introduction in Swedish"), blank=True)
    intro_en = models.TextField(_("introduction in English"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The content as approved, {"sv": {...}, "en": {...}}: the public never sees live data.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("progress page")
        verbose_name_plural = _("progress pages")
        ordering = ["organisation__name", "slug"]

    def __str__(self) -> str:
        return f"{self.organisation.name} ({self.slug})"

    @property
    def is_public(self) -> bool:
        return self.enabled and self.state == self.State.PUBLISHED and bool(self.snapshot)

    @property
    def was_published(self) -> bool:
        """Published once and not now: its address answers that it was withdrawn (410)."""
        return self.approved_at is not None and not self.is_public

"""Triads: small groups of teachers in one school who learn with and from each other.

A principal saves a named `TriadSet` for a school (e.g. "HT 2026"); the newest saved set is the
current one, older ones are kept as history (and the proposer avoids repeating their pairs).
While the principal edits a proposal it is a set with status DRAFT, seen by school leadership
only. Each triad may get one peer round (`Round.is_peer`), created when its first peer visit
is planned: visible to the triad's members only.

`TeacherDetails` holds what the proposer needs beyond ratings: subject area, grade span and
line manager, per teacher and school (kept by the principal).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.observations.models import Round


class TriadSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Proposal (not saved)")
        SAVED = "saved", _("Saved")

    school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="triad_sets", verbose_name=_("school")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    source_round = models.ForeignKey(
        Round,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("round the profiles come from"),
    )
    same_subject_area = models.BooleanField(
        _("only teachers of the same subject area"), default=False
    )
    same_grade_span = models.BooleanField(_("only teachers of the same grade span"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    saved_at = models.DateTimeField(_("saved"), null=True, blank=True)

    class Meta:
        verbose_name = _("triad set")
        verbose_name_plural = _("triad sets")
        ordering = ["-saved_at", "-created_at"]

    def __str__(self) -> str:
        return self.name or str(_("Proposal"))


class Triad(models.Model):
    triad_set = models.ForeignKey(TriadSet, on_delete=models.CASCADE, related_name="triads")
    number = models.PositiveSmallIntegerField(_("number"))
    peer_round = models.OneToOneField(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="triad"
    )

    class Meta:
        verbose_name = _("triad")
        verbose_name_plural = _("triads")
        ordering = ["triad_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["triad_set", "number"], name="triad_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.triad_set} · {self.number}"

    @property
    def teachers(self) -> list:
        """The members as users, by name (uses prefetched `members__teacher` when present)."""
        return sorted((m.teacher for m in self.members.all()), key=lambda u: u.full_name)


class TriadMember(models.Model):
    triad = models.ForeignKey(Triad, on_delete=models.CASCADE, related_name="members")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="triad_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["triad", "teacher"], name="triad_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.triad}"


class TeacherDetails(models.Model):
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    subject_area = models.CharField(_("subject area"), max_length=60, blank=True)
    grade_span = models.CharField(_("grade span"), max_length=30, blank=True)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("line manager"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "teacher"], name="teacher_details_unique")
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.school}"

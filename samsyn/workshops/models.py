"""Workshops on "our teaching" and the collective actions they decide.

A workshop belongs to one school (optionally a team: a chosen subset of its teachers) and looks
at one non-peer round, optionally beside a comparison round (baseline → follow-up). Its slides
(`WorkshopItem`) are charts from the dashboards' chart catalogue and discussion questions, in
the order the principal chose; the group's notes are kept per question. Notes and actions are
collective: they describe what the group saw and decided, never an individual.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.observations.models import Round

DEFAULT_DURATION = 180


class Workshop(models.Model):
    school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("school")
    )
    title = models.CharField(_("title"), max_length=200)
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("round")
    )
    compare_round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compared with round"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team")
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=DEFAULT_DURATION
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.ends_at >= timezone.now()


class WorkshopItem(models.Model):
    """One slide of a workshop: a chart or a discussion question (with the group's notes)."""

    class Kind(models.TextChoices):
        CHART = "chart", _("Chart")
        QUESTION = "question", _("Question")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    chart_key = models.CharField(_("chart"), max_length=64, blank=True)
    text = models.CharField(_("question"), max_length=500, blank=True)
    notes = models.TextField(_("the group's notes"), blank=True)
    notes_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text or self.chart_key


class Action(models.Model):
    """A collective action decided in a workshop: what, who (a person or all of us), by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workshop_actions"
    )
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("decided in"),
    )
    what = models.CharField(_("what we do"), max_length=300)
    # No owner: the whole group ("all of us") carries the action.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshop_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    # The last workshop whose follow-up slide looked at this action.
    reviewed_in = models.ForeignKey(
        Workshop, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_actions"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.what

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

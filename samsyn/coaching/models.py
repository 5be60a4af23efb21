"""Coaching conversations, self-ratings, next steps and support plans.

A conversation belongs to one teacher and one coach and is private to the two of them: the
school's leadership sees only that it happened and when. A support plan is seen by its teacher,
the school's principal and the plan's coach, and every read by someone other than the teacher
is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samsyn.accounts.models import Organisation
from samsyn.frameworks.models import Dimension, FrameworkVersion, Step
from samsyn.observations.models import Observation


class Conversation(models.Model):
    """A coaching conversation on one or more of the teacher's released observations."""

    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coaching_as_teacher",
        verbose_name=_("teacher"),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="coaching_as_coach",
        verbose_name=_("coach"),
    )
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="+"
    )
    observations = models.ManyToManyField(
        Observation, related_name="+", verbose_name=_("observations")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    # The teacher's part, before the talk.
    reflection = models.TextField(_("self-reflection"), blank=True, max_length=5000)
    reflected_at = models.DateTimeField(null=True, blank=True)
    # The coach's preparation.
    strengths = models.TextField(_("strengths seen"), blank=True, max_length=5000)
    suggested_focus = models.ForeignKey(
        Dimension,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("suggested focus"),
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    # The conversation record.
    held_on = models.DateField(_("date of the conversation"), null=True, blank=True)
    went_well = models.TextField(_("what went well"), blank=True, max_length=5000)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coaching conversation")
        verbose_name_plural = _("coaching conversations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "created_at"])]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.coach} · {self.created_at:%Y-%m-%d}"

    @property
    def is_held(self) -> bool:
        return self.recorded_at is not None


class SelfRating(models.Model):
    """The teacher's own rating of one dimension: a step, or "not rated" (step empty)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="self_ratings"
    )
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "dimension"], name="coaching_self_rating_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.dimension_id}: {self.step_id or '-'}"


class NextStep(models.Model):
    """The one next step agreed in a conversation, with its follow-up date and status."""

    class Status(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        SET_ASIDE = "set_aside", _("Set aside")

    OPEN = (Status.AGREED, Status.IN_PROGRESS)

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="next_step"
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, related_name="+", verbose_name=_("dimension")
    )
    action = models.TextField(_("concrete action"), max_length=2000)
    follow_up_on = models.DateField(_("follow-up date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.AGREED
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        ordering = ["follow_up_on"]
        indexes = [models.Index(fields=["status", "follow_up_on"])]

    def __str__(self) -> str:
        return self.action[:60]


class SupportPlan(models.Model):
    """A time-boxed plan for a teacher rated below satisfactory in several dimensions."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", pgettext_lazy("support plan", "Closed")

    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="support_plans",
        verbose_name=_("teacher"),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="support_plans_coached",
        verbose_name=_("coach"),
    )
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="+"
    )
    focus_dimensions = models.ManyToManyField(
        Dimension, related_name="+", verbose_name=_("focus dimensions")
    )
    actions = models.TextField(_("actions"), max_length=5000)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    # Why the plan was offered: the dimensions below satisfactory when it started.
    reason = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    outcome = models.TextField(
        pgettext_lazy("support plan", "outcome"), blank=True, max_length=5000
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.starts_on}"


class CheckIn(models.Model):
    """A planned check-in visit of a support plan, and the observation made, once linked."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="check_ins")
    planned_on = models.DateField(_("planned for"))
    observation = models.ForeignKey(
        Observation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("observation made"),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.planned_on}"

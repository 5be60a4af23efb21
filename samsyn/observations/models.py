"""Observation rounds, assignments, observations and their ratings.

An observation is identified by a UUID its capturing device generates, so a re-sent submission
stores once. `revision` counts accepted saves; a device sends the revision it started from, and
a save from an older revision with other content is a conflict, kept for review (never a silent
overwrite). Ratings point at the exact framework version's dimension and step rows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.frameworks.models import Criterion, Dimension, FrameworkVersion, Step


class Round(models.Model):
    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        FOLLOW_UP = "follow_up", _("Follow-up")
        ONGOING = "ongoing", _("Ongoing")

    class Release(models.TextChoices):
        BY_OBSERVER = "observer", _("The observer releases each observation after submitting it")
        AT_CLOSE = "close", _("All observations are released when the round closes")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("organiser")
    )
    schools = models.ManyToManyField(
        Organisation, related_name="school_rounds", verbose_name=_("schools")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BASELINE)
    framework_version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("framework"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    target_lessons = models.PositiveSmallIntegerField(_("lessons per teacher"), default=2)
    release_mode = models.CharField(
        _("release to teachers"),
        max_length=16,
        choices=Release.choices,
        default=Release.BY_OBSERVER,
    )
    # A triad's peer observations: visible to the triad's members only, never to school
    # leadership, and left out of every dashboard, measurement and aggregate.
    is_peer = models.BooleanField(_("peer observations within a triad"), default=False)
    ask_proposals = models.BooleanField(
        _("ask teachers to propose a lesson and a focus dimension"), default=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("observation round")
        verbose_name_plural = _("observation rounds")
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class RoundTeacher(models.Model):
    """A teacher taking part in a round, with their proposal for the lesson to observe."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_teachers")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="round_entries"
    )
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    proposed_lesson = models.CharField(_("proposed lesson"), max_length=300, blank=True)
    focus_dimension = models.ForeignKey(
        Dimension,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("focus dimension"),
    )
    proposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "teacher"], name="round_teacher_unique")
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.round}"


class RoundObserver(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_observers")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observer_entries"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "observer"], name="round_observer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.observer} · {self.round}"


class Assignment(models.Model):
    """A planned visit: this observer observes a lesson of this teacher."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments_to_observe",
        verbose_name=_("observer"),
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments_observed",
        verbose_name=_("teacher"),
    )
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    planned_at = models.DateTimeField(_("planned for"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    group_name = models.CharField(_("group or class"), max_length=60, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["planned_at", "pk"]
        indexes = [models.Index(fields=["observer", "planned_at"])]

    def __str__(self) -> str:
        return f"{self.observer} → {self.teacher}"


class Observation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RELEASED = "released", _("Released to the teacher")

    # The observations that count in measurement, dashboards and coaching (never drafts).
    COUNTED = (Status.SUBMITTED, Status.RELEASED)

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="observations")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="observations"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations_made"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations_received"
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(default=1)
    payload_hash = models.CharField(max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    group_size = models.PositiveSmallIntegerField(_("group size"), null=True, blank=True)
    minutes_observed = models.PositiveSmallIntegerField(
        _("minutes observed"), null=True, blank=True
    )
    observed_on = models.DateField(_("date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    teacher_comment = models.TextField(_("teacher's comment"), blank=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_on", "-created_at"]
        indexes = [
            models.Index(fields=["round", "status"]),
            models.Index(fields=["teacher", "status"]),
            models.Index(fields=["observer", "status"]),
        ]

    def __str__(self) -> str:
        return str(self.uuid)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The status as loaded: a save that takes a counted observation back to draft must
        # update the dashboards' summaries (`samsyn.observations.summaries`).
        instance.loaded_status = instance.__dict__.get("status")
        return instance


class Rating(models.Model):
    """The answer for one dimension: a step, or "not observed" (step empty), never a zero."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="+")
    note = models.TextField(_("evidence"), blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["observation", "dimension"], name="rating_unique")
        ]

    def __str__(self) -> str:
        return f"{self.observation_id}/{self.dimension_id}: {self.step_id or '-'}"

    @property
    def not_observed(self) -> bool:
        return self.step_id is None


class Conflict(models.Model):
    """A save that started from an older revision with different content: both are kept."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="conflicts")
    base_revision = models.PositiveIntegerField()
    server_revision = models.PositiveIntegerField()
    incoming = models.JSONField()
    server = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"conflict on {self.observation_id} ({self.base_revision}→{self.server_revision})"


class ObservationEvent(models.Model):
    """What happened to an observation after capture: submit, release, reopen (with reason)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted")
        RELEASE = "release", _("released")
        REOPEN = "reopen", _("reopened")
        ACKNOWLEDGE = "acknowledge", _("acknowledged")

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.action} {self.observation_id}"


class CalibrationExercise(models.Model):
    """All observers rate the same lesson (a description or a video) against a reference."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="calibrations",
        verbose_name=_("organiser"),
    )
    framework_version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="calibrations",
        verbose_name=_("framework"),
    )
    title = models.CharField(_("title"), max_length=200)
    lesson_description = models.TextField(_("the lesson, described"), blank=True)
    video_url = models.URLField(_("video of the lesson"), blank=True)
    # dimension id (as text) → step id, or None for "not observed"
    reference = models.JSONField(_("reference rating"), default=dict)
    is_open = models.BooleanField(_("open for answers"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calibration exercise")
        verbose_name_plural = _("calibration exercises")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CalibrationResponse(models.Model):
    exercise = models.ForeignKey(
        CalibrationExercise, on_delete=models.CASCADE, related_name="responses"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calibration_responses"
    )
    ratings = models.JSONField(default=dict)  # same shape as the reference
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "observer"], name="calibration_one_answer")
        ]

    def __str__(self) -> str:
        return f"{self.observer} · {self.exercise}"


class RoundMeasurement(models.Model):
    """The round's fitted scale (see `measurement.py`), kept until its observations change."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="measurement")
    signature = models.CharField(max_length=80)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"scale of {self.round}"


class RatingSummary(models.Model):
    """Derived, never edited by hand: the counted ratings of one teacher in one round, per
    school × subject × grade span, as step counts per dimension. Dashboards read these rows
    instead of every rating (`samsyn.observations.summaries`, docs/dashboards.md).

    `counts` is a little-endian int32 array of shape (dimensions of the round's framework
    version in their order, `summaries.STEP_SLOTS`): how many ratings at step order 1..7.
    `observers` holds the distinct observer ids (int64) for the coverage figures."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=100, blank=True)
    grade_span = models.CharField(max_length=8)
    lessons = models.PositiveIntegerField()
    counts = models.BinaryField()
    observers = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "teacher", "school", "subject", "grade_span"],
                name="rating_summary_unique",
            )
        ]
        indexes = [models.Index(fields=["school", "round"])]

    def __str__(self) -> str:
        return (
            f"{self.round_id}/{self.teacher_id}/{self.school_id}/{self.subject}/{self.grade_span}"
        )


class RatingSummaryPending(models.Model):
    """A (round, teacher) whose summary must be recomputed: written in the same transaction
    as the change, consumed by `summaries.flush()` before any dashboard read."""

    round_pk = models.BigIntegerField()
    teacher_pk = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round_pk", "teacher_pk"], name="summary_pending_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_pk}/{self.teacher_pk}"

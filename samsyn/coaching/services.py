"""Writes for coaching conversations, next steps, reminders and support plans."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.accounts.models import Organisation, User
from samsyn.coaching import selectors
from samsyn.coaching.models import CheckIn, Conversation, NextStep, SelfRating, SupportPlan
from samsyn.frameworks.models import Dimension, Step
from samsyn.observations.models import Observation

ERR_PLAN_TOO_LONG = gettext_lazy(
    "A support plan is time-boxed: from 1 to %(max)s weeks (about %(usual)s is usual). "
    "If the teacher needs more, close the plan with its outcome and start a new one."
)


def plan_weeks_error() -> str:
    return ERR_PLAN_TOO_LONG % {
        "max": settings.SAMSYN_SUPPORT_PLAN_MAX_WEEKS,
        "usual": settings.SAMSYN_SUPPORT_PLAN_WEEKS,
    }


def _check_dimension(dimension: Dimension, version_id: int, field: str) -> None:
    if dimension.version_id != version_id:
        raise ValidationError({field: _("Choose a dimension of the observations' framework.")})


NOT_OBSERVED = gettext_lazy(
    "A coach can start a conversation only with a teacher whose lesson they observed; "
    "otherwise the teacher starts it and names the coach."
)


@transaction.atomic
def conversation_start(
    *,
    actor: User,
    teacher: User,
    coach: User,
    school: Organisation,
    observations: list[Observation],
) -> Conversation:
    """Start a conversation; `actor` must be its teacher or its coach. A coach may start one
    only with a teacher whose lesson they observed, on observations they may already read
    (the teacher asks for coaching by starting it herself)."""
    if actor.pk not in (teacher.pk, coach.pk):
        raise ValidationError(_("You can only start a conversation as its teacher or its coach."))
    if teacher.pk == coach.pk:
        raise ValidationError({"coach": _("Choose someone else than the teacher as coach.")})
    if coach not in selectors.coaches_for_unscoped(school):
        raise ValidationError(
            {"coach": _("The coach needs the observer or principal role at the school.")}
        )
    if not observations:
        raise ValidationError({"observations": _("Choose at least one released observation.")})
    if (
        actor.pk == coach.pk
        and not selectors.coached_teachers(user=coach).filter(pk=teacher.pk).exists()
    ):
        raise ValidationError(NOT_OBSERVED)
    readable = selectors.coachable_observations_unscoped(
        teacher=teacher, coach=coach if actor.pk == coach.pk else None
    )
    allowed = set(readable.values_list("pk", flat=True))
    if any(o.pk not in allowed for o in observations):
        raise ValidationError(
            {"observations": _("Only the teacher's released observations can be chosen.")}
        )
    versions = {o.framework_version_id for o in observations}
    if len(versions) != 1:
        raise ValidationError(
            {"observations": _("Choose observations made with the same framework version.")}
        )
    conversation = Conversation.objects.create(
        school=school,
        teacher=teacher,
        coach=coach,
        framework_version_id=versions.pop(),
        started_by=actor,
    )
    conversation.observations.set(observations)
    return conversation


@transaction.atomic
def conversation_reflect(
    *, conversation: Conversation, actor: User, reflection: str, self_ratings: dict[int, int | None]
) -> Conversation:
    """The teacher's self-reflection, and optionally a self-rating: dimension id → step id (or
    None for "not rated"). Replaces an earlier one."""
    if actor.pk != conversation.teacher_id:
        raise ValidationError(_("Only the teacher writes the self-reflection."))
    if not reflection.strip():
        raise ValidationError({"reflection": _("Write a few words of reflection.")})
    dimensions = {
        d.pk: d for d in Dimension.objects.filter(version_id=conversation.framework_version_id)
    }
    steps = {s.pk: s for s in Step.objects.filter(dimension__in=dimensions.values())}
    rows = []
    for dimension_id, step_id in self_ratings.items():
        if dimension_id not in dimensions:
            raise ValidationError(_("A self-rating names a dimension of another framework."))
        if step_id is not None and steps.get(step_id) is None:
            raise ValidationError(_("A self-rating names a step of another dimension."))
        if step_id is not None and steps[step_id].dimension_id != dimension_id:
            raise ValidationError(_("A self-rating names a step of another dimension."))
        rows.append(
            SelfRating(conversation=conversation, dimension_id=dimension_id, step_id=step_id)
        )
    conversation.reflection = reflection.strip()
    conversation.reflected_at = timezone.now()
    conversation.save(update_fields=["reflection", "reflected_at"])
    SelfRating.objects.filter(conversation=conversation).delete()
    SelfRating.objects.bulk_create(rows)
    return conversation


@transaction.atomic
def conversation_prepare(
    *, conversation: Conversation, actor: User, strengths: str, suggested_focus: Dimension
) -> Conversation:
    """The coach's preparation: strengths seen and ONE suggested focus."""
    if actor.pk != conversation.coach_id:
        raise ValidationError(_("Only the coach prepares the conversation."))
    if not strengths.strip():
        raise ValidationError({"strengths": _("Name at least one strength you saw.")})
    _check_dimension(suggested_focus, conversation.framework_version_id, "suggested_focus")
    conversation.strengths = strengths.strip()
    conversation.suggested_focus = suggested_focus
    conversation.prepared_at = timezone.now()
    conversation.save(update_fields=["strengths", "suggested_focus", "prepared_at"])
    return conversation


@transaction.atomic
def conversation_record(
    *,
    conversation: Conversation,
    actor: User,
    held_on: dt.date,
    went_well: str,
    dimension: Dimension,
    action: str,
    follow_up_on: dt.date,
) -> NextStep:
    """The record of the talk: what went well and exactly one next step with its follow-up date.
    Recording again corrects the record (the next step keeps its status)."""
    if actor.pk != conversation.coach_id:
        raise ValidationError(_("Only the coach records the conversation."))
    errors = {}
    if not went_well.strip():
        errors["went_well"] = _("Write what went well.")
    if not action.strip():
        errors["action"] = _("Describe the next step as a concrete action.")
    if follow_up_on < held_on:
        errors["follow_up_on"] = _("The follow-up date cannot be before the conversation.")
    if errors:
        raise ValidationError(errors)
    _check_dimension(dimension, conversation.framework_version_id, "dimension")
    conversation.held_on = held_on
    conversation.went_well = went_well.strip()
    conversation.recorded_at = timezone.now()
    conversation.save(update_fields=["held_on", "went_well", "recorded_at"])
    step, created = NextStep.objects.get_or_create(
        conversation=conversation,
        defaults={"dimension": dimension, "action": action.strip(), "follow_up_on": follow_up_on},
    )
    if not created:
        if step.follow_up_on != follow_up_on:
            step.reminder_sent_at = None  # a new date earns a new reminder
        step.dimension = dimension
        step.action = action.strip()
        step.follow_up_on = follow_up_on
        step.save(update_fields=["dimension", "action", "follow_up_on", "reminder_sent_at"])
    return step


@transaction.atomic
def next_step_set_status(*, next_step: NextStep, actor: User, status: str) -> NextStep:
    conversation = next_step.conversation
    if actor.pk not in (conversation.teacher_id, conversation.coach_id):
        raise ValidationError(_("Only the teacher and the coach update the next step."))
    if status not in NextStep.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses offered.")})
    next_step.status = status
    next_step.status_changed_at = timezone.now()
    next_step.save(update_fields=["status", "status_changed_at"])
    return next_step


# ----------------------------------------------------------------------------- reminders


def _send_reminder(step: NextStep, recipient: User) -> None:
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        path = reverse("coaching:conversation", args=[step.conversation_id])
        context = {
            "recipient": recipient,
            "step": step,
            "teacher": step.conversation.teacher,
            "is_teacher": recipient.pk == step.conversation.teacher_id,
            "url": f"{settings.SITE_URL}{path}",
        }
        if context["is_teacher"]:
            subject = _("Follow-up of your next step on %(date)s") % {
                "date": step.follow_up_on.isoformat()
            }
        else:
            subject = _("Follow-up with %(teacher)s on %(date)s") % {
                "teacher": step.conversation.teacher.full_name,
                "date": step.follow_up_on.isoformat(),
            }
        body = render_to_string("coaching/emails/reminder.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])


def reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail the teacher and the coach of each open next step whose follow-up is due within
    REMINDER_DAYS (or overdue), once per next step; returns how many next steps were reminded.
    Run daily (`manage.py coaching_reminders`); running it again sends nothing new."""
    today = today or timezone.localdate()
    due = NextStep.objects.filter(
        status__in=NextStep.OPEN,
        reminder_sent_at__isnull=True,
        follow_up_on__lte=today + dt.timedelta(days=selectors.REMINDER_DAYS),
    ).select_related("conversation__teacher", "conversation__coach")
    count = 0
    for step in due:
        with transaction.atomic():
            # Claim the row first, so two runs at once never send twice.
            claimed = NextStep.objects.filter(pk=step.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue
            for person in (step.conversation.teacher, step.conversation.coach):
                if person is not None and person.is_active:
                    _send_reminder(step, person)
        count += 1
    return count


# ----------------------------------------------------------------------------- support plans


@transaction.atomic
def support_plan_start(
    *,
    actor: User,
    school: Organisation,
    teacher: User,
    coach: User | None,
    focus_dimensions: list[Dimension],
    actions: str,
    starts_on: dt.date,
    weeks: int | None = None,
    check_in_dates: list[dt.date] = (),
) -> SupportPlan:
    """Start a plan for an eligible teacher (see `selectors.support_eligible`)."""
    eligible = selectors.support_eligible_unscoped(school)
    entry = next((e for e in eligible["teachers"] if e["teacher"].pk == teacher.pk), None)
    if entry is None:
        raise ValidationError(
            _("This teacher is not below the satisfactory step in enough dimensions.")
        )
    if entry["has_plan"]:
        raise ValidationError(_("This teacher already has an active support plan."))
    errors = {}
    if not focus_dimensions:
        errors["focus_dimensions"] = _("Choose at least one focus dimension.")
    if not actions.strip():
        errors["actions"] = _("Describe the actions of the plan.")
    weeks = settings.SAMSYN_SUPPORT_PLAN_WEEKS if weeks is None else weeks
    if not 1 <= weeks <= settings.SAMSYN_SUPPORT_PLAN_MAX_WEEKS:
        errors["weeks"] = plan_weeks_error()
    if coach is not None and (
        coach.pk == teacher.pk or coach not in selectors.coaches_for_unscoped(school)
    ):
        errors["coach"] = _("The coach needs the observer or principal role at the school.")
    if errors:
        raise ValidationError(errors)
    version = eligible["round"].framework_version
    for d in focus_dimensions:
        _check_dimension(d, version.pk, "focus_dimensions")
    ends_on = starts_on + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    for day in check_in_dates:
        if not starts_on <= day <= ends_on:
            raise ValidationError({"check_ins": _("Check-ins must lie within the plan's weeks.")})
    plan = SupportPlan.objects.create(
        school=school,
        teacher=teacher,
        coach=coach,
        framework_version=version,
        actions=actions.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        started_by=actor,
        reason={
            "round": eligible["round"].pk,
            "round_name": eligible["round"].name,
            "satisfactory_step": eligible["satisfactory"],
            "below": [
                {"dimension": b["code"], "mean": round(b["mean"], 2), "lessons": b["lessons"]}
                for b in entry["below"]
            ],
        },
    )
    plan.focus_dimensions.set(focus_dimensions)
    CheckIn.objects.bulk_create(CheckIn(plan=plan, planned_on=day) for day in check_in_dates)
    return plan


@transaction.atomic
def support_plan_check_in_add(
    *, plan: SupportPlan, planned_on: dt.date, observation: Observation | None, note: str = ""
) -> CheckIn:
    if plan.status != SupportPlan.Status.ACTIVE:
        raise ValidationError(_("The plan is closed."))
    if observation is not None and observation.pk not in set(
        selectors.check_in_observations_unscoped(plan).values_list("pk", flat=True)
    ):
        raise ValidationError(
            {"observation": _("Choose an observation of this teacher made during the plan.")}
        )
    return CheckIn.objects.create(
        plan=plan, planned_on=planned_on, observation=observation, note=note
    )


@transaction.atomic
def support_plan_close(*, plan: SupportPlan, outcome: str) -> SupportPlan:
    if plan.status != SupportPlan.Status.ACTIVE:
        raise ValidationError(_("The plan is already closed."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Describe the outcome of the plan.")})
    plan.status = SupportPlan.Status.CLOSED
    plan.outcome = outcome.strip()
    plan.closed_at = timezone.now()
    plan.save(update_fields=["status", "outcome", "closed_at"])
    return plan

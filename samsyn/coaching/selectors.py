"""Reads for coaching, "my teaching" and support plans, scoped to the acting user.

Coaching conversations are seen by their teacher and coach only; everyone else gets 404 (the
school's leadership sees a list of dates, `school_conversation_dates`). Support plans are seen
by their teacher, the school's principals (Perm.SUPPORT_PLANS_MANAGE) and the plan's coach;
the views audit every read by anyone but the teacher.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samsyn.accounts.access import (
    Perm,
    get_object_for_user,
    get_party_object_for_user,
    permissions_at,
    require,
)
from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.coaching.models import CheckIn, Conversation, NextStep, SelfRating, SupportPlan
from samsyn.frameworks.models import Dimension, FrameworkVersion, Step
from samsyn.observations.models import Observation, Rating, Round

# A teacher is offered a support plan when below the satisfactory step in at least this many
# dimensions of the latest closed round.
SUPPORT_MIN_DIMENSIONS = 2
# Follow-ups due within this many days show on the home page and are reminded by e-mail.
REMINDER_DAYS = 3
COACH_ROLES = (Role.OBSERVER, Role.PRINCIPAL)


# ----------------------------------------------------------------------------- people


def teacher_schools(user: User) -> list[Organisation]:
    """Schools where `user` teaches."""
    return [
        m.organisation
        for m in Membership.objects.filter(
            user=user, role=Role.TEACHER, organisation__kind=Organisation.Kind.SCHOOL
        ).select_related("organisation")
    ]


def coach_schools(user: User) -> list[Organisation]:
    """Schools where `user` may coach: observer or principal there or in the owner above."""
    from samsyn.observations.selectors import schools_under_unscoped

    found: dict[int, Organisation] = {}
    for m in Membership.objects.filter(user=user, role__in=COACH_ROLES).select_related(
        "organisation"
    ):
        for school in schools_under_unscoped(m.organisation):
            found[school.pk] = school
    return sorted(found.values(), key=lambda s: s.name)


def coaching_perms(user: User) -> frozenset[Perm]:
    """COACHING_START for those who teach or may coach at some school."""
    if teacher_schools(user) or coach_schools(user):
        return frozenset({Perm.COACHING_START})
    return frozenset()


def coaches_for_unscoped(school: Organisation) -> QuerySet[User]:
    """People with the observer/coach or principal role in `school` or the organisations above
    it."""
    from samsyn.accounts.access import ancestor_ids

    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=ancestor_ids(school),
            memberships__role__in=COACH_ROLES,
        )
        .distinct()
        .order_by("full_name")
    )


def _teachers_at(schools: list[Organisation]) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__in=schools,
            memberships__role=Role.TEACHER,
        )
        .distinct()
        .order_by("full_name")
    )


def conversation_measures(
    *, user: User, conversation: Conversation, observations: list[Observation]
) -> list[dict]:
    """The teacher's measures for a conversation's page, for its teacher and coach only."""
    from samsyn.observations.selectors import teacher_measures_unscoped

    if user.pk not in (conversation.teacher_id, conversation.coach_id):
        raise Http404
    return teacher_measures_unscoped(teacher=conversation.teacher, observations=observations)


def coaches_at(*, user: User, school: Organisation) -> QuerySet[User]:
    """`coaches_for`, for those with a role reaching the school."""
    require(user, school, Perm.VIEW)
    return coaches_for_unscoped(school)


def observations_for_conversation(*, user: User, teacher: User) -> QuerySet[Observation]:
    """What a conversation between `user` and `teacher` can be about: all of the teacher's
    coachable observations when the user is the teacher, else only those the user (as coach)
    may already read (`coachable_observations`)."""
    if teacher.pk == user.pk:
        return coachable_observations_unscoped(teacher=user)
    return coachable_observations_unscoped(teacher=teacher, coach=user)


def coachable_observations_unscoped(
    *, teacher: User, coach: User | None = None
) -> QuerySet[Observation]:
    """The teacher's released observations a conversation can be about (peer observations of a
    triad stay within the triad). When a coach starts the conversation (`coach`), only those
    the coach may already read: the ones they observed, or all at a school where they hold
    the leadership's right to read observations."""
    found = Observation.objects.filter(
        teacher=teacher, status=Observation.Status.RELEASED, round__is_peer=False
    )
    if coach is not None and coach.pk != teacher.pk:
        schools = Organisation.objects.filter(pk__in=found.values("school_id").distinct())
        leading = [s.pk for s in schools if Perm.VIEW_OBSERVATIONS in permissions_at(coach, s)]
        found = found.filter(Q(observer=coach) | Q(school_id__in=leading))
    return found.select_related("round", "observer", "framework_version").order_by(
        "-observed_on", "-released_at"
    )


def coached_teachers(*, user: User) -> QuerySet[User]:
    """The teachers a coach may start a conversation with: those at the coach's schools whose
    lesson the coach observed (released, outside triads). Anyone else asks for coaching by
    starting the conversation herself and naming the coach."""
    coach = user
    observed = Observation.objects.filter(
        observer=coach, status=Observation.Status.RELEASED, round__is_peer=False
    ).values("teacher_id")
    schools = coach_schools(coach)
    if not schools:
        return User.objects.none()
    return _teachers_at(schools).filter(pk__in=observed).exclude(pk=coach.pk)


# ----------------------------------------------------------------------------- conversations


def conversations_for(*, user: User) -> dict[str, list[Conversation]]:
    """The user's conversations as teacher and as coach."""
    base = Conversation.objects.select_related("teacher", "coach", "school", "next_step")
    return {
        "as_teacher": list(base.filter(teacher=user)),
        "as_coach": list(base.filter(coach=user)),
    }


def get_conversation_for_user(*, user: User, pk: int) -> Conversation:
    """The conversation for its teacher or coach; 404 for everyone else, whatever their role
    (leadership learns only that it exists from `school_conversation_dates`)."""
    return get_party_object_for_user(
        user=user,
        queryset=Conversation.objects.select_related(
            "teacher", "coach", "school", "framework_version", "suggested_focus"
        ),
        parties=lambda conversation: (conversation.teacher_id, conversation.coach_id),
        pk=pk,
    )


def school_conversation_dates(*, user: User, school: Organisation) -> list[dict]:
    """For the school's leadership: who had a conversation and when, no content."""
    require(user, school, Perm.VIEW_OBSERVATIONS)
    return list(
        Conversation.objects.filter(school=school)
        .order_by("-created_at")
        .values("teacher__full_name", "created_at", "held_on", "recorded_at")
    )


def conversation_ratings(*, user: User, conversation: Conversation) -> list[dict]:
    """Per dimension of the conversation's framework: the observers' steps in the linked
    observations, their mean, and the teacher's self-rating (for its teacher and coach only)."""
    if user.pk not in (conversation.teacher_id, conversation.coach_id):
        raise Http404
    dimensions = list(
        Dimension.objects.filter(version_id=conversation.framework_version_id)
        .order_by("order")
        .prefetch_related("steps")
    )
    observations = list(conversation.observations.order_by("observed_on"))
    ratings = Rating.objects.filter(observation__in=observations).select_related("step")
    by_dim: dict[int, list[int]] = defaultdict(list)
    for r in ratings:
        if r.step_id is not None:
            by_dim[r.dimension_id].append(r.step.order)
    own = {
        s.dimension_id: s.step
        for s in SelfRating.objects.filter(conversation=conversation).select_related("step")
    }
    rows = []
    for d in dimensions:
        steps = by_dim.get(d.pk, [])
        rows.append(
            {
                "dimension": d,
                "observed": sorted(steps),
                "mean": sum(steps) / len(steps) if steps else None,
                "self": own.get(d.pk),
                "self_given": d.pk in own,
            }
        )
    return rows


def follow_ups_due(*, user: User, today: dt.date | None = None) -> list[NextStep]:
    """Open next steps of the user (as teacher or coach) due within REMINDER_DAYS or overdue."""
    today = today or timezone.localdate()
    return list(
        NextStep.objects.filter(
            Q(conversation__teacher=user) | Q(conversation__coach=user),
            status__in=NextStep.OPEN,
            follow_up_on__lte=today + dt.timedelta(days=REMINDER_DAYS),
        )
        .select_related("conversation__teacher", "conversation__coach", "dimension")
        .order_by("follow_up_on")
    )


def next_steps_for(*, user: User) -> list[NextStep]:
    """The next steps of the user's own conversations as a teacher."""
    return list(
        NextStep.objects.filter(conversation__teacher=user)
        .select_related("conversation__coach", "dimension")
        .order_by("-follow_up_on")
    )


def next_open_step_for_unscoped(*, teacher: User) -> NextStep | None:
    """The teacher's own open next step that is followed up first, or None."""
    return (
        NextStep.objects.filter(conversation__teacher=teacher, status__in=NextStep.OPEN)
        .select_related("conversation__coach", "dimension")
        .order_by("follow_up_on", "pk")
        .first()
    )


def get_next_step_for_user(*, user: User, pk: int) -> NextStep:
    """A conversation's next step, for the conversation's teacher and coach only (404)."""
    return get_party_object_for_user(
        user=user,
        queryset=NextStep.objects.select_related("conversation"),
        parties=lambda step: (step.conversation.teacher_id, step.conversation.coach_id),
        pk=pk,
    )


# ----------------------------------------------------------------------------- my teaching


@dataclass(frozen=True)
class ProfileCell:
    round: Round
    dimension_code: str
    dimension_name: str
    mean: float | None
    lessons: int


def teaching_profile(*, user: User) -> dict:
    """The teacher's mean step per dimension per round (released, non-peer observations), and
    the change between the last two rounds (with at least two lessons each, where there are
    such) per dimension with its 95 % interval
    (`samsyn.analysis.change.independent_change`: Welch interval for the difference of the
    mean step, lessons as the units)."""
    observations = list(coachable_observations_unscoped(teacher=user))
    rounds = sorted({o.round_id: o.round for o in observations}.values(), key=lambda r: r.starts_on)
    ratings = (
        Rating.objects.filter(observation__in=observations, step__isnull=False)
        .select_related("dimension", "step", "observation")
        .order_by("dimension__order")
    )
    steps: dict[tuple[int, str], list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    order: dict[str, int] = {}
    for r in ratings:
        code = r.dimension.code
        names.setdefault(code, r.dimension.short_name)
        order.setdefault(code, r.dimension.order)
        steps[(r.observation.round_id, code)].append(r.step.order)
    codes = sorted(names, key=lambda c: order[c])
    lessons = defaultdict(int)
    for o in observations:
        lessons[o.round_id] += 1
    top_step = (
        Step.objects.filter(
            dimension__version_id__in={o.framework_version_id for o in observations}
        ).aggregate(top=Max("order"))["top"]
        or 4
    )
    table = []
    for code in codes:
        cells = []
        for round_ in rounds:
            values = steps.get((round_.pk, code), [])
            cells.append(
                ProfileCell(
                    round=round_,
                    dimension_code=code,
                    dimension_name=names[code],
                    mean=sum(values) / len(values) if values else None,
                    lessons=len(values),
                )
            )
        table.append({"code": code, "name": names[code], "cells": cells})
    changes = []
    if len(rounds) >= 2:
        from samsyn.analysis.change import independent_change
        from samsyn.analysis.results import AnalysisError
        from samsyn.observations.readable import change_interval

        # The latest two rounds with at least two lessons each, where there are such: with one
        # lesson in a round there is no interval to give.
        enough = [r for r in rounds if lessons[r.pk] >= 2]
        before, after = enough[-2:] if len(enough) >= 2 else rounds[-2:]
        for code in codes:
            b = steps.get((before.pk, code), [])
            a = steps.get((after.pk, code), [])
            row = {
                "name": names[code],
                "before_n": len(b),
                "after_n": len(a),
                "result": None,
                # Why there is no interval: too few lessons, or the same step in every lesson.
                "reason": "few" if min(len(b), len(a)) < 2 else "",
            }
            try:
                result = independent_change(b, a)
            except AnalysisError:
                result = None  # too few lessons, or no variation: no interval, so no statement
            # No variation at all within either round gives a zero-width interval from two or
            # three lessons: that would claim a certainty we do not have, so no statement.
            if result is not None and result.se > 0:
                row["result"] = result
                row["includes_zero"] = result.ci_low <= 0 <= result.ci_high
                # A difference of mean steps cannot leave ±(top − 1): the interval is cut there
                # and the page says so.
                row["interval"] = change_interval(result.ci_low, result.ci_high, top_step=top_step)
            elif not row["reason"]:
                row["reason"] = "same"
                row["difference"] = (sum(a) / len(a)) - (sum(b) / len(b))
            changes.append(row)
        return {
            "rounds": rounds,
            "table": table,
            "changes": changes,
            "clipped": any(c.get("interval") and c["interval"].clipped for c in changes),
            "before": before,
            "after": after,
            "lessons": lessons,
            "top_step": top_step,
        }
    return {
        "rounds": rounds,
        "table": table,
        "changes": [],
        "lessons": lessons,
        "top_step": top_step,
    }


def current_triad(*, user: User):
    """The user's current triad (as a teacher), from the triads app once it is there."""
    try:
        from samsyn.triads.selectors import current_triad_for_unscoped
    except (ImportError, AttributeError):
        return None
    return current_triad_for_unscoped(teacher=user)


def my_teaching_export_unscoped(*, teacher: User) -> dict:
    """Everything coaching holds about `teacher` (JSON-serialisable), for the personal data
    export: conversations as teacher or coach, self-ratings, next steps and support plans."""

    def conversation(c: Conversation) -> dict:
        step = getattr(c, "next_step", None)
        return {
            "id": c.pk,
            "school": c.school.name,
            "teacher": c.teacher.full_name,
            "coach": c.coach.full_name if c.coach else None,
            "started": c.created_at.isoformat(),
            "observations": [str(o.uuid) for o in c.observations.all()],
            "self_reflection": c.reflection,
            "self_ratings": [
                {
                    "dimension": s.dimension.code,
                    "step": s.step.order if s.step else None,
                }
                for s in c.self_ratings.all()
            ],
            "strengths_seen": c.strengths,
            "suggested_focus": c.suggested_focus.code if c.suggested_focus else None,
            "held_on": c.held_on.isoformat() if c.held_on else None,
            "what_went_well": c.went_well,
            "next_step": {
                "dimension": step.dimension.code,
                "action": step.action,
                "follow_up_on": step.follow_up_on.isoformat(),
                "status": step.status,
            }
            if step
            else None,
        }

    conversations = (
        Conversation.objects.filter(Q(teacher=teacher) | Q(coach=teacher))
        .select_related("school", "teacher", "coach", "suggested_focus", "next_step__dimension")
        .prefetch_related(
            "observations",
            Prefetch(
                "self_ratings", queryset=SelfRating.objects.select_related("dimension", "step")
            ),
        )
        .order_by("created_at")
    )
    plans = (
        SupportPlan.objects.filter(teacher=teacher)
        .select_related("school", "coach")
        .prefetch_related("focus_dimensions", "check_ins__observation")
    )
    return {
        "conversations_as_teacher": [
            conversation(c) for c in conversations if c.teacher_id == teacher.pk
        ],
        "conversations_as_coach": [
            conversation(c) for c in conversations if c.coach_id == teacher.pk
        ],
        "support_plans": [
            {
                "school": p.school.name,
                "coach": p.coach.full_name if p.coach else None,
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(),
                "focus_dimensions": [d.code for d in p.focus_dimensions.all()],
                "actions": p.actions,
                "status": p.status,
                "outcome": p.outcome,
                "check_ins": [
                    {
                        "planned_on": ci.planned_on.isoformat(),
                        "observation": str(ci.observation.uuid) if ci.observation else None,
                        "note": ci.note,
                    }
                    for ci in p.check_ins.all()
                ],
            }
            for p in plans
        ],
    }


# ----------------------------------------------------------------------------- support plans


def _latest_closed_round(school: Organisation) -> Round | None:
    """The latest closed, non-peer round that covered `school`."""
    return (
        Round.objects.filter(schools=school, status=Round.Status.CLOSED, is_peer=False)
        .select_related("framework_version")
        .order_by("-ends_on", "-closed_at")
        .first()
    )


def support_eligible(*, user: User, school: Organisation) -> dict:
    require(user, school, Perm.SUPPORT_PLANS_MANAGE)
    return support_eligible_unscoped(school)


def support_eligible_unscoped(school: Organisation) -> dict:
    """Teachers of `school` whose mean step in the latest closed round is below the framework's
    satisfactory step in at least SUPPORT_MIN_DIMENSIONS dimensions, each with the reason (which
    dimensions, their mean step, from how many lessons). Alphabetical: never a ranking."""
    round_ = _latest_closed_round(school)
    if round_ is None:
        return {"round": None, "teachers": [], "satisfactory": None}
    version: FrameworkVersion = round_.framework_version
    satisfactory = version.satisfactory_order
    ratings = (
        Rating.objects.filter(
            observation__round=round_,
            observation__school=school,
            observation__status__in=Observation.COUNTED,
            step__isnull=False,
        )
        .values_list("observation__teacher_id", "dimension_id", "step__order")
        .order_by()
    )
    steps: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for teacher_id, dimension_id, order in ratings:
        steps[teacher_id][dimension_id].append(order)
    dimensions = {d.pk: d for d in Dimension.objects.filter(version=version)}
    teachers = {u.pk: u for u in User.objects.filter(pk__in=steps)}
    active = set(
        SupportPlan.objects.filter(school=school, status=SupportPlan.Status.ACTIVE).values_list(
            "teacher_id", flat=True
        )
    )
    found = []
    for teacher_id, per_dim in steps.items():
        below = []
        for dimension_id, values in per_dim.items():
            mean = sum(values) / len(values)
            if mean < satisfactory:
                d = dimensions[dimension_id]
                below.append({"dimension": d, "code": d.code, "mean": mean, "lessons": len(values)})
        if len(below) >= SUPPORT_MIN_DIMENSIONS:
            below.sort(key=lambda b: b["dimension"].order)
            found.append(
                {
                    "teacher": teachers[teacher_id],
                    "below": below,
                    "has_plan": teacher_id in active,
                }
            )
    found.sort(key=lambda f: f["teacher"].full_name)
    return {"round": round_, "teachers": found, "satisfactory": satisfactory}


def support_plans_at(*, user: User, school: Organisation) -> QuerySet[SupportPlan]:
    require(user, school, Perm.SUPPORT_PLANS_MANAGE)
    return (
        SupportPlan.objects.filter(school=school)
        .select_related("teacher", "coach")
        .order_by("-status", "teacher__full_name")
    )


def can_view_support_plan(user: User, plan: SupportPlan) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk in (plan.teacher_id, plan.coach_id):
        return True
    return Perm.SUPPORT_PLANS_MANAGE in permissions_at(user, plan.school)


def support_plan_perms(user: User, plan: SupportPlan) -> frozenset[Perm]:
    """Those at the plan's school, SUPPORT_PLAN_VIEW for its teacher, coach and principals, and
    SUPPORT_PLAN_CHECK_IN for all of them but its teacher."""
    perms = set(permissions_at(user, plan.school))
    if can_view_support_plan(user, plan):
        perms.add(Perm.SUPPORT_PLAN_VIEW)
        if user.pk != plan.teacher_id:
            perms.add(Perm.SUPPORT_PLAN_CHECK_IN)
    return frozenset(perms)


def get_support_plan_for_user(
    *, user: User, pk: int, perm: Perm = Perm.SUPPORT_PLAN_VIEW
) -> SupportPlan:
    """The plan if the user holds `perm` on it (`support_plan_perms`; SUPPORT_PLANS_MANAGE:
    principals only). Members of the school without the right get 403, everyone else 404."""
    return get_object_for_user(
        user=user,
        queryset=SupportPlan.objects.select_related(
            "teacher", "coach", "school", "framework_version"
        ),
        perm=perm,
        org_of=lambda plan: plan.school,
        perms_of=lambda plan: support_plan_perms(user, plan),
        pk=pk,
    )


def support_plans_for(*, user: User) -> dict[str, list[SupportPlan]]:
    base = SupportPlan.objects.select_related("teacher", "coach", "school")
    return {
        "as_teacher": list(base.filter(teacher=user)),
        "as_coach": list(base.filter(coach=user)),
    }


def check_in_observations(*, user: User, plan: SupportPlan) -> QuerySet[Observation]:
    if Perm.SUPPORT_PLAN_VIEW not in support_plan_perms(user, plan):
        raise Http404
    return check_in_observations_unscoped(plan)


def check_in_observations_unscoped(plan: SupportPlan) -> QuerySet[Observation]:
    """Observations of the plan's teacher since it started that a check-in can point at."""
    return (
        Observation.objects.filter(
            teacher=plan.teacher,
            school=plan.school,
            round__is_peer=False,
            status__in=Observation.COUNTED,
            observed_on__gte=plan.starts_on,
        )
        .select_related("observer", "round")
        .order_by("observed_on")
    )


def check_ins(*, user: User, plan: SupportPlan) -> list[CheckIn]:
    if Perm.SUPPORT_PLAN_VIEW not in support_plan_perms(user, plan):
        raise Http404
    return list(plan.check_ins.select_related("observation__observer"))

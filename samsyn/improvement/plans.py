"""A school's plan for skilled teaching in every classroom: access, reads and writes.

Who does what (docs/improvement.md, "School plans"):
- A principal of the school (`Perm.PROJECTS_MANAGE`) drafts a plan from a baseline round and
  may name people of the school who also edit it (`SchoolPlan.editors`, delegated drafting).
- Only a principal of the school approves it (a role held at the school or above it that is
  `Role.PRINCIPAL`); a delegated editor cannot, and nobody approves another school's plan.
- Editing an approved plan makes it a draft again: the revision needs a new approval.
- Everyone with a role at the school (teachers, observers, researchers, and the owner's
  administrators above it) reads the approved plan; drafts are seen by their editors only.
  Outsiders get 404, members without the right 403.

Figures: each goal dimension's mean of the teachers' mean steps with a Student-t interval
(`samsyn.analysis.strengths.mean_interval`), hidden when fewer than `SAMSYN_MIN_GROUP`
teachers were rated in it, whoever looks (the plan is read by the school's teachers). A
term's follow-up adds the later round's values and the dashboard's change with its
cluster-robust interval (`samsyn.dashboards.selectors.school_dashboard`, staff view). The
figures describe; they do not show that the plan's actions caused a change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, get_object_for_user, permissions_at, roles_at
from samsyn.accounts.models import Organisation, Role, User
from samsyn.analysis.results import AnalysisError
from samsyn.analysis.strengths import mean_interval
from samsyn.coaching.models import Conversation, SupportPlan
from samsyn.dashboards import selectors as dashboards
from samsyn.improvement.models import PlanAction, PlanFollowUp, PlanGoal, SchoolPlan
from samsyn.observations import summaries
from samsyn.observations.models import Round
from samsyn.triads.models import TriadSet
from samsyn.workshops.models import Workshop

N_WEAKEST = 2
N_STRONGEST = 2


# ---------------------------------------------------------------- access


def is_principal(user: User, school: Organisation) -> bool:
    return user.is_authenticated and Role.PRINCIPAL in roles_at(user, school)


def plan_perms(user: User, plan: SchoolPlan) -> frozenset[Perm]:
    """The user's permissions on a school plan: those at its school, PLAN_EDIT (and VIEW) for
    its principals and delegated editors, PLAN_VIEW for the school's people once approved,
    PLAN_APPROVE for its principals. Linking coaching and support plans is PROJECTS_MANAGE."""
    school = plan.school
    perms = set(permissions_at(user, school))
    edit = Perm.PROJECTS_MANAGE in perms or (
        bool(perms) and plan.editors.filter(pk=user.pk).exists()
    )
    if edit:
        perms |= {Perm.PLAN_EDIT, Perm.PLAN_VIEW}
    if roles_at(user, school) and plan.status == SchoolPlan.Status.APPROVED:
        perms.add(Perm.PLAN_VIEW)
    if is_principal(user, school):
        perms.add(Perm.PLAN_APPROVE)
    return frozenset(perms)


def get_plan_for_user(*, user: User, pk: int, perm: Perm = Perm.PLAN_VIEW) -> SchoolPlan:
    """The plan if the user holds `perm` on it: 404 for outsiders, 403 for members who may not
    (a draft, or a plan of their school's when they hold no role there)."""
    return get_object_for_user(
        user=user,
        queryset=SchoolPlan.objects.select_related("school", "baseline_round"),
        perm=perm,
        org_of=lambda plan: plan.school,
        perms_of=lambda plan: plan_perms(user, plan),
        pk=pk,
    )


def get_goal_for_user(*, user: User, pk: int, perm: Perm, plan: SchoolPlan) -> PlanGoal:
    """A goal of `plan` if the user holds `perm` on the plan (editing is PLAN_EDIT): 404 for
    outsiders and for another plan's goal, 403 for members without `perm`."""
    return get_object_for_user(
        user=user,
        queryset=PlanGoal.objects.filter(plan=plan),
        perm=perm,
        org_of=lambda goal: plan.school,
        perms_of=lambda goal: plan_perms(user, plan),
        pk=pk,
    )


def get_action_for_user(*, user: User, pk: int, perm: Perm, plan: SchoolPlan) -> PlanAction:
    """An action of `plan` if the user holds `perm` on the plan (editing is PLAN_EDIT): 404 for
    outsiders and for another plan's action, 403 for members without `perm`."""
    return get_object_for_user(
        user=user,
        queryset=PlanAction.objects.filter(plan=plan),
        perm=perm,
        org_of=lambda action: plan.school,
        perms_of=lambda action: plan_perms(user, plan),
        pk=pk,
    )


def plans_at(user: User, school: Organisation) -> QuerySet[SchoolPlan]:
    """The school's plans the user sees: all of them for principals, their own drafts for
    delegated editors, approved plans for everyone else with a role at the school."""
    plans = SchoolPlan.objects.filter(school=school).select_related("approved_by", "drafted_by")
    if Perm.PROJECTS_MANAGE in permissions_at(user, school):
        return plans
    if not roles_at(user, school):
        return plans.none()
    return plans.filter(Q(status=SchoolPlan.Status.APPROVED) | Q(editors=user)).distinct()


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class DimensionValue:
    code: str
    name: str
    order: int
    mean: float | None
    low: float | None
    high: float | None
    teachers: int
    hidden: str = ""


def rounds_of(school: Organisation) -> list[Round]:
    """The school's observation rounds with counted observations (peer rounds left out),
    oldest first."""
    summaries.flush()  # observations changed since the last read (usually nothing to do)
    return dashboards.counted_rounds_unscoped([school.pk])


def dimension_values(school: Organisation, round: Round) -> list[DimensionValue]:
    """Each dimension of the round at the school: the mean of the teachers' mean steps with
    its 95 % interval, or the reason it is hidden."""
    min_group = int(settings.SAMSYN_MIN_GROUP)
    summaries.flush()
    dims, means = dashboards.teacher_means_unscoped(school.pk, round)
    out = []
    for i, d in enumerate(dims):
        values = [float(v) for v in means[:, i] if not np.isnan(v)] if means.size else []
        n = len(values)
        base = dict(code=d.code, name=d.name, order=d.order, teachers=n)
        if n < min_group:
            hidden = _("Hidden: fewer than %(n)s teachers.") % {"n": min_group}
            out.append(DimensionValue(**base, mean=None, low=None, high=None, hidden=hidden))
            continue
        try:
            est = mean_interval(values)
            out.append(DimensionValue(**base, mean=est.estimate, low=est.ci_low, high=est.ci_high))
        except AnalysisError:
            out.append(DimensionValue(**base, mean=sum(values) / n, low=None, high=None, hidden=""))
    return out


def ranked(values: list[DimensionValue]) -> tuple[list[DimensionValue], list[DimensionValue]]:
    """The weakest and the strongest shown dimensions (ties by the framework's order)."""
    shown = [v for v in values if v.mean is not None and not v.hidden]
    if len(shown) < 2:
        return [], []
    order = sorted(shown, key=lambda v: (v.mean, v.order))
    weakest = order[:N_WEAKEST]
    strongest = [v for v in order[::-1][:N_STRONGEST] if v not in weakest]
    return weakest, strongest


# ---------------------------------------------------------------- drawing stored figures
#
# Goals keep their baseline and follow-ups a snapshot of their figures, computed when they were
# recorded. A figure stored from a cell below SAMSYN_MIN_GROUP (before a small-cell fix, or by
# any future bug) must never be drawn: the plan's pages and PDF show stored figures only through
# these, which apply the rule again with today's setting. A figure whose number of teachers is
# not known is hidden too.

FIGURES = ("mean", "low", "high", "estimate")


def _small(teachers: object) -> bool:
    return not isinstance(teachers, int) or teachers < int(settings.SAMSYN_MIN_GROUP)


def _hidden_text() -> str:
    return _("Hidden: fewer than %(n)s teachers.") % {"n": int(settings.SAMSYN_MIN_GROUP)}


def figure_shown(value: dict | None) -> dict | None:
    """One stored figure (a baseline, follow-up or change of a follow-up row) as it may be
    drawn: without its numbers, and saying why, when it rests on too few teachers."""
    if not isinstance(value, dict):
        return value
    if not any(value.get(name) is not None for name in FIGURES):
        return value  # nothing to show (already hidden, or not rated)
    if not _small(value.get("teachers")):
        return value
    guarded = {k: v for k, v in value.items() if k not in FIGURES}
    guarded["hidden"] = value.get("hidden") or _hidden_text()
    return guarded


def follow_ups_shown(plan: SchoolPlan) -> list[PlanFollowUp]:
    """The plan's follow-ups with their stored figures guarded (`figure_shown`); nothing is
    saved."""
    out = []
    for follow_up in plan.follow_ups.select_related("round"):
        follow_up.values = [
            {
                k: figure_shown(v) if k in ("baseline", "followup", "change") else v
                for k, v in row.items()
            }
            if isinstance(row, dict)
            else row
            for row in follow_up.values or []
        ]
        out.append(follow_up)
    return out


def goal_shown(goal: PlanGoal) -> PlanGoal:
    """The goal with its stored baseline hidden when it rests on too few teachers (in memory;
    nothing is saved)."""
    if goal.baseline_mean is not None and _small(goal.baseline_teachers):
        goal.baseline_mean = goal.baseline_low = goal.baseline_high = None
        goal.baseline_hidden = goal.baseline_hidden or _hidden_text()
    return goal


def goals_shown(plan: SchoolPlan) -> list[PlanGoal]:
    return [goal_shown(goal) for goal in plan.goals.all()]


# ---------------------------------------------------------------- writes


def _goal_from(plan: SchoolPlan, value: DimensionValue, origin: str, order: int) -> PlanGoal:
    return PlanGoal.objects.create(
        plan=plan,
        dimension_code=value.code,
        dimension_name=value.name,
        origin=origin,
        baseline_mean=value.mean,
        baseline_low=value.low,
        baseline_high=value.high,
        baseline_teachers=value.teachers,
        baseline_hidden=value.hidden,
        order=order,
    )


@transaction.atomic
def plan_draft(
    *, school: Organisation, baseline_round: Round, title: str, actor: User
) -> SchoolPlan:
    """A new draft with the baseline's weakest and strongest dimensions as its first goals."""
    if baseline_round.pk not in {r.pk for r in rounds_of(school)}:
        raise ValidationError({"baseline_round": _("Choose one of the school's rounds.")})
    plan = SchoolPlan.objects.create(
        school=school, baseline_round=baseline_round, title=title, drafted_by=actor
    )
    weakest, strongest = ranked(dimension_values(school, baseline_round))
    for i, value in enumerate(weakest):
        _goal_from(plan, value, PlanGoal.Origin.WEAKEST, i)
    for i, value in enumerate(strongest):
        _goal_from(plan, value, PlanGoal.Origin.STRONGEST, len(weakest) + i)
    return plan


def _revised(plan: SchoolPlan) -> None:
    """Any edit of an approved plan makes it a draft that needs a new approval."""
    if plan.status == SchoolPlan.Status.APPROVED:
        plan.status = SchoolPlan.Status.DRAFT
        plan.approved_by = None
        plan.approved_at = None
    plan.save()


@transaction.atomic
def plan_update(*, plan: SchoolPlan, title: str, follow_up: str) -> SchoolPlan:
    plan.title = title
    plan.follow_up = follow_up
    _revised(plan)
    return plan


@transaction.atomic
def editors_set(*, plan: SchoolPlan, editors: list[User]) -> None:
    school_people = set(
        User.objects.filter(memberships__organisation=plan.school).values_list("pk", flat=True)
    )
    if any(u.pk not in school_people for u in editors):
        raise ValidationError(_("Choose people of the school."))
    plan.editors.set(editors)


@transaction.atomic
def goal_add(*, plan: SchoolPlan, code: str, goal: str = "") -> PlanGoal:
    values = {v.code: v for v in dimension_values(plan.school, plan.baseline_round)}
    if code not in values:
        raise ValidationError({"dimension_code": _("Choose a dimension of the baseline round.")})
    if plan.goals.filter(dimension_code=code).exists():
        raise ValidationError({"dimension_code": _("The plan already has a goal for it.")})
    created = _goal_from(plan, values[code], PlanGoal.Origin.CHOSEN, plan.goals.count())
    created.goal = goal
    created.save(update_fields=["goal"])
    _revised(plan)
    return created


@transaction.atomic
def goal_update(*, goal: PlanGoal, text: str) -> PlanGoal:
    goal.goal = text
    goal.save(update_fields=["goal"])
    _revised(goal.plan)
    return goal


@transaction.atomic
def goal_remove(*, goal: PlanGoal) -> None:
    plan = goal.plan
    goal.delete()
    _revised(plan)


def link_choices(school: Organisation, personal: bool) -> dict[str, QuerySet]:
    """The school's own records an action may link to. Coaching conversations and support
    plans are offered to principals only, and labelled without the teacher's name."""
    choices: dict[str, QuerySet] = {
        "triad_set": TriadSet.objects.filter(school=school).order_by("-created_at"),
        "workshop": Workshop.objects.filter(school=school).order_by("-starts_at"),
    }
    if personal:
        choices["conversation"] = Conversation.objects.filter(school=school).order_by("-created_at")
        choices["support_plan"] = SupportPlan.objects.filter(school=school).order_by("-starts_on")
    return choices


LINKS = ("conversation", "triad_set", "workshop", "support_plan")


@transaction.atomic
def action_save(
    *, plan: SchoolPlan, action: PlanAction | None = None, personal: bool, **fields
) -> PlanAction:
    """Save an action; a linked record must be one of the plan's school's own (and, for
    coaching and support, linked by a principal)."""
    action = action or PlanAction(plan=plan)
    allowed = link_choices(plan.school, personal)
    for name in LINKS:
        record = fields.get(name)
        if (
            record is not None
            and not allowed.get(name, TriadSet.objects.none()).filter(pk=record.pk).exists()
        ):
            raise ValidationError({name: _("Choose one of the school's own records.")})
    goal = fields.get("goal")
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError({"goal": _("Choose one of the plan's goals.")})
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    _revised(plan)
    return action


@transaction.atomic
def action_remove(*, action: PlanAction) -> None:
    plan = action.plan
    action.delete()
    _revised(plan)


@transaction.atomic
def plan_approve(*, plan: SchoolPlan, actor: User) -> SchoolPlan:
    """Approval by a principal of the plan's school, and nobody else."""
    if not is_principal(actor, plan.school):
        raise ValidationError(_("Only a principal of the school approves its plan."))
    if not plan.goals.exists():
        raise ValidationError(_("The plan needs at least one goal."))
    plan.status = SchoolPlan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save()
    return plan


def _number(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def follow_up_values(plan: SchoolPlan, round: Round, actor: User) -> list[dict]:
    """Per goal dimension: the baseline (as in the plan), the follow-up round's value, and
    the change between the rounds with its cluster-robust interval, as teachers see them."""
    later = {v.code: v for v in dimension_values(plan.school, round)}
    board = dashboards.school_dashboard(
        user=actor,
        school=plan.school,
        round=round,
        compare_round=plan.baseline_round,
        staff_view=True,
    )
    changes = {c.dimension.code: c for c in board.changes}
    out = []
    for goal in plan.goals.all():
        now = later.get(goal.dimension_code)
        change = changes.get(goal.dimension_code)
        out.append(
            {
                "code": goal.dimension_code,
                "name": goal.dimension_name,
                "baseline": {
                    "mean": goal.baseline_mean,
                    "low": goal.baseline_low,
                    "high": goal.baseline_high,
                    "teachers": goal.baseline_teachers,
                    "hidden": goal.baseline_hidden,
                },
                "followup": (
                    {k: _number(v) if isinstance(v, float) else v for k, v in asdict(now).items()}
                    if now
                    else {"hidden": _("Not rated in this round."), "teachers": 0}
                ),
                "change": (
                    {
                        "estimate": _number(change.change),
                        "low": _number(change.ci_low),
                        "high": _number(change.ci_high),
                        "teachers": change.n_teachers,
                        "method": change.method,
                        "hidden": str(change.hidden) if change.hidden else "",
                    }
                    if change
                    else {"hidden": _("No change can be computed.")}
                ),
            }
        )
    return out


@transaction.atomic
def follow_up_record(
    *, plan: SchoolPlan, round: Round, term: str, note: str, actor: User
) -> PlanFollowUp:
    if plan.status != SchoolPlan.Status.APPROVED:
        raise ValidationError(_("Only an approved plan is followed up."))
    rounds = {r.pk: r for r in rounds_of(plan.school)}
    if round.pk not in rounds or round.pk == plan.baseline_round_id:
        raise ValidationError({"round": _("Choose a later round of the school.")})
    if round.starts_on < plan.baseline_round.starts_on:
        raise ValidationError({"round": _("Choose a later round of the school.")})
    return PlanFollowUp.objects.create(
        plan=plan,
        round=round,
        term=term,
        note=note,
        values=follow_up_values(plan, round, actor),
        created_by=actor,
    )

"""The owner's annual quality cycle (SKA): services and reads, kept apart from projects.

A cycle is a year wheel of steps (follow-up, analysis, planning, implementation), each with a
responsible person, a deadline and linked evidence. A step is the owner's own, one school's,
or done by every school (each school's progress kept in `StepSchoolStatus`). Reminders go to
the responsible person and, for steps every school does, to the principals of schools that are
not done; the annual quality report is assembled from what was done.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.improvement import hooks
from samsyn.improvement.models import (
    CycleStep,
    Project,
    QualityCycle,
    Report,
    StepEvidence,
    StepSchoolStatus,
)
from samsyn.indicators.selectors import indicators_for_unscoped
from samsyn.observations.models import Round
from samsyn.observations.selectors import schools_under_unscoped

REMIND_DAYS = 14
Kind = CycleStep.Kind


def default_steps(year: int) -> list[dict]:
    """A year wheel to start from; the owner changes it as they like."""
    return [
        {
            "kind": Kind.FOLLOW_UP,
            "title": _("Follow-up of last year's results"),
            "deadline": date(year, 2, 15),
            "every_school": True,
        },
        {
            "kind": Kind.ANALYSIS,
            "title": _("Analysis of results and teaching in each school"),
            "deadline": date(year, 3, 31),
            "every_school": True,
        },
        {
            "kind": Kind.ANALYSIS,
            "title": _("The owner's analysis across the schools"),
            "deadline": date(year, 5, 15),
            "every_school": False,
        },
        {
            "kind": Kind.PLANNING,
            "title": _("Priorities and development areas for the coming year"),
            "deadline": date(year, 6, 15),
            "every_school": True,
        },
        {
            "kind": Kind.IMPLEMENTATION,
            "title": _("Development work in the schools"),
            "deadline": date(year, 11, 30),
            "every_school": True,
        },
        {
            "kind": Kind.FOLLOW_UP,
            "title": _("Annual quality report"),
            "deadline": date(year, 12, 15),
            "every_school": False,
        },
    ]


def schools_of(owner: Organisation) -> list[Organisation]:
    """The owner's schools, by name."""
    return list(schools_under_unscoped(owner))


# ---------------------------------------------------------------- writes


@transaction.atomic
def cycle_create(
    *, owner: Organisation, year: int, title: str, actor: User, template: bool = True
) -> QualityCycle:
    if owner.kind != Organisation.Kind.OWNER:
        raise ValidationError(_("A quality cycle belongs to a school owner."))
    if QualityCycle.objects.filter(owner=owner, year=year).exists():
        raise ValidationError({"year": _("There is already a quality cycle for this year.")})
    cycle = QualityCycle.objects.create(owner=owner, year=year, title=title)
    if template:
        for fields in default_steps(year):
            CycleStep.objects.create(cycle=cycle, responsible=actor, **fields)
    return cycle


@transaction.atomic
def step_save(*, cycle: QualityCycle, step: CycleStep | None = None, **fields) -> CycleStep:
    step = step or CycleStep(cycle=cycle)
    for name, value in fields.items():
        setattr(step, name, value)
    if step.school_id and step.school.parent_id != cycle.owner_id:
        raise ValidationError({"school": _("Choose one of the owner's schools.")})
    if step.school_id and step.every_school:
        raise ValidationError(
            {"every_school": _("A step is either one school's or every school's.")}
        )
    step.save()
    return step


@transaction.atomic
def step_remove(*, step: CycleStep) -> None:
    step.delete()


@transaction.atomic
def step_status_set(
    *,
    step: CycleStep,
    status: str,
    outcome: str = "",
    school: Organisation | None = None,
    on: date | None = None,
) -> None:
    """Record how far a step has come: the step itself, or one school's part of it."""
    if status not in CycleStep.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    done_on = (on or timezone.localdate()) if status == CycleStep.Status.DONE else None
    if school is not None:
        # A school marks its part of an every-school step, or its own step; never the
        # owner's steps nor another owner's.
        if school.parent_id != step.cycle.owner_id:
            raise ValidationError(_("Choose one of the owner's schools."))
        if not step.every_school and step.school_id != school.pk:
            raise ValidationError(_("This step is not the school's to mark."))
    if school is not None and step.every_school:
        StepSchoolStatus.objects.update_or_create(
            step=step,
            school=school,
            defaults={"status": status, "outcome": outcome, "done_on": done_on},
        )
        return
    step.status = status
    step.outcome = outcome
    step.done_on = done_on
    step.save(update_fields=["status", "outcome", "done_on"])


@transaction.atomic
def step_evidence_add(*, step: CycleStep, kind: str, label: str, **target) -> StepEvidence:
    round_ = target.get("round")
    if round_ is not None and round_.is_peer:
        raise ValidationError(_("Peer observations within a triad cannot be linked."))
    return StepEvidence.objects.create(step=step, kind=kind, label=label, **target)


# ---------------------------------------------------------------- reads


@dataclass
class SchoolRow:
    school: Organisation
    done: int
    due: int
    overdue: int
    steps: list[tuple[CycleStep, str, str]]  # (step, status, outcome)


def _school_steps(
    steps: list[CycleStep], statuses: dict[int, StepSchoolStatus], school: Organisation
) -> list[tuple[CycleStep, str, str]]:
    """The steps that concern `school`, with its status and outcome (`statuses`: the school's
    StepSchoolStatus rows by step id)."""
    rows = []
    for step in steps:
        if step.every_school:
            mine = statuses.get(step.pk)
            rows.append(
                (
                    step,
                    mine.status if mine else CycleStep.Status.PLANNED,
                    mine.outcome if mine else "",
                )
            )
        elif step.school_id == school.pk:
            rows.append((step, step.status, step.outcome))
    return rows


def steps_for_school(cycle: QualityCycle, school: Organisation) -> list[tuple[CycleStep, str, str]]:
    """The steps that concern a school, each with the school's status and outcome."""
    steps = cycle.steps.filter(Q(every_school=True) | Q(school=school)).select_related(
        "responsible"
    )
    own = {s.step_id: s for s in StepSchoolStatus.objects.filter(step__cycle=cycle, school=school)}
    return _school_steps(list(steps), own, school)


def status_by_school(cycle: QualityCycle, today: date | None = None) -> list[SchoolRow]:
    """Each of the owner's schools with its steps' progress (three queries in all)."""
    today = today or timezone.localdate()
    all_steps = list(cycle.steps.select_related("responsible"))
    statuses: dict[int, dict[int, StepSchoolStatus]] = defaultdict(dict)
    for status in StepSchoolStatus.objects.filter(step__cycle=cycle):
        statuses[status.school_id][status.step_id] = status
    rows = []
    for school in schools_of(cycle.owner):
        steps = _school_steps(all_steps, statuses[school.pk], school)
        done = sum(1 for _s, status, _o in steps if status == CycleStep.Status.DONE)
        overdue = sum(
            1 for s, status, _o in steps if status != CycleStep.Status.DONE and s.deadline < today
        )
        rows.append(SchoolRow(school, done, len(steps) - done - overdue, overdue, steps))
    return rows


def months(cycle: QualityCycle) -> list[tuple[date, list[CycleStep]]]:
    """The year wheel as twelve months with their steps (by deadline)."""
    steps = list(cycle.steps.select_related("responsible", "school").prefetch_related("evidence"))
    return [
        (
            date(cycle.year, m, 1),
            [s for s in steps if s.deadline.year == cycle.year and s.deadline.month == m],
        )
        for m in range(1, 13)
    ]


def evidence_choices(owner: Organisation) -> dict:
    schools = schools_of(owner)
    ids = [s.pk for s in schools]
    from samsyn.workshops.models import Workshop

    return {
        "indicators": [(i.code, i.name) for i in indicators_for_unscoped(organisation=owner)],
        "rounds": Round.objects.filter(
            Q(organisation=owner) | Q(schools__in=ids) | Q(organisation_id__in=ids),
            is_peer=False,
        )
        .distinct()
        .order_by("-starts_on"),
        "workshops": Workshop.objects.filter(school_id__in=ids).order_by("-starts_at"),
        "projects": Project.objects.filter(school_id__in=ids).order_by("-created_at"),
    }


def due_steps(user: User, today: date | None = None) -> list[tuple[CycleStep, Organisation | None]]:
    """This year's steps not done whose deadline is near or past that the user should act on: as the
    responsible person, or as a principal of a school that has not done a step every school
    does. (step, school or None)."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=REMIND_DAYS)
    found: list[tuple[CycleStep, Organisation | None]] = []
    for step in (
        CycleStep.objects.filter(responsible=user, deadline__lte=horizon, every_school=False)
        .exclude(status=CycleStep.Status.DONE)
        .select_related("cycle__owner", "school")
    ):
        found.append((step, step.school))
    schools = [
        m.organisation
        for m in Membership.objects.filter(user=user, role=Role.PRINCIPAL).select_related(
            "organisation"
        )
        if m.organisation.kind == Organisation.Kind.SCHOOL and m.organisation.parent_id
    ]
    if schools:
        done = set(
            StepSchoolStatus.objects.filter(
                school__in=schools, status=CycleStep.Status.DONE
            ).values_list("step_id", "school_id")
        )
        steps = list(
            CycleStep.objects.filter(
                cycle__owner_id__in={s.parent_id for s in schools},
                cycle__year=today.year,
                every_school=True,
                deadline__lte=horizon,
            ).select_related("cycle__owner")
        )
        for school in schools:
            for step in steps:
                if step.cycle.owner_id == school.parent_id and (step.pk, school.pk) not in done:
                    found.append((step, school))
    return sorted(found, key=lambda pair: pair[0].deadline)


def reminders_send(*, today: date | None = None) -> int:
    """E-mail each person their due steps, in their own language, once a week at most."""
    today = today or timezone.localdate()
    sent = 0
    people = set(
        CycleStep.objects.exclude(status=CycleStep.Status.DONE)
        .exclude(responsible=None)
        .values_list("responsible_id", flat=True)
    ) | set(
        Membership.objects.filter(
            role=Role.PRINCIPAL,
            organisation__parent__quality_cycles__steps__every_school=True,
        ).values_list("user_id", flat=True)
    )
    week_ago = today - timedelta(days=7)
    reminded: set[int] = set()
    for user in User.objects.filter(pk__in=people, is_active=True):
        # Decided before anything is marked, so every recipient of a step hears of it.
        steps = [
            (step, school)
            for step, school in due_steps(user, today)
            if step.reminded_on is None or step.reminded_on <= week_ago
        ]
        if not steps:
            continue
        with translation.override(user.language):
            rows = [
                {
                    "title": step.title,
                    "school": school.name if school else step.cycle.owner.name,
                    "deadline": step.deadline,
                    "overdue": step.deadline < today,
                    "url": settings.SITE_URL
                    + (
                        reverse("improvement:cycle_school", args=[step.cycle_id, school.pk])
                        if school
                        else reverse("improvement:cycle", args=[step.cycle_id])
                    ),
                }
                for step, school in steps
            ]
            subject = _("Quality work: %(n)s steps to do") % {"n": len(rows)}
            body = render_to_string(
                "improvement/emails/cycle_reminder.txt", {"user": user, "rows": rows}
            )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        reminded.update(s.pk for s, _school in steps)
        sent += 1
    CycleStep.objects.filter(pk__in=reminded).update(reminded_on=today)
    return sent


def annual_report(cycle: QualityCycle) -> dict:
    """What the annual quality report is assembled from."""
    schools = schools_of(cycle.owner)
    ids = [s.pk for s in schools]
    year_start, year_end = date(cycle.year, 1, 1), date(cycle.year, 12, 31)
    projects = (
        Project.objects.filter(school_id__in=ids)
        .filter(
            Q(starts_on__lte=year_end) | Q(starts_on=None),
        )
        .filter(Q(ends_on__gte=year_start) | Q(ends_on=None))
        .select_related("school", "lead")
    )
    published = Report.objects.filter(
        project__school_id__in=ids,
        status=Report.Status.PUBLISHED,
        published_at__year=cycle.year,
    ).select_related("project__school")
    return {
        "cycle": cycle,
        "months": [m for m in months(cycle) if m[1]],
        "schools": status_by_school(cycle),
        "projects": projects,
        "published": published,
        "exchanges": hooks.exchanges_of(cycle.owner, year_start, year_end),
    }

"""Reads for triads, scoped to the acting user.

Who sees what: the school's leadership (Perm.TRIADS_MANAGE) sees and edits the school's triad
sets; a teacher sees the triads they belong to, with their members; nobody outside the school
sees anything (404). Peer observations within a triad are the triad's own (see
`samsyn.observations.selectors.can_view_observation`), never the principal's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from samsyn.accounts.access import (
    Perm,
    get_object_for_user,
    get_party_object_for_user,
    organisations_with_perm,
    require,
)
from samsyn.accounts.models import Organisation, Role, User
from samsyn.analysis import triads as proposer
from samsyn.frameworks.models import Dimension
from samsyn.observations.models import Assignment, Observation, Rating, Round
from samsyn.triads.models import TeacherDetails, Triad, TriadMember, TriadSet

DONE = Observation.COUNTED


def schools_for_manager(user: User) -> list[Organisation]:
    """Schools where the user forms triads."""
    return [
        o
        for o in organisations_with_perm(user, Perm.TRIADS_MANAGE)
        if o.kind == Organisation.Kind.SCHOOL
    ]


def get_triad_set_for_user(*, user: User, pk: int, perm: Perm = Perm.TRIADS_MANAGE) -> TriadSet:
    """A school's triad set, for its principals (404 outsiders, 403 members without `perm`)."""
    return get_object_for_user(
        user=user,
        queryset=TriadSet.objects.select_related("school", "source_round"),
        perm=perm,
        org_of=lambda triad_set: triad_set.school,
        pk=pk,
    )


def school_teachers(*, user: User, school: Organisation) -> QuerySet[User]:
    require(user, school, Perm.TRIADS_MANAGE)
    return school_teachers_unscoped(school)


def school_teachers_unscoped(school: Organisation) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, memberships__organisation=school, memberships__role=Role.TEACHER
        )
        .distinct()
        .order_by("full_name")
    )


def latest_round(*, user: User, school: Organisation) -> Round | None:
    require(user, school, Perm.TRIADS_MANAGE)
    return latest_round_unscoped(school)


def latest_round_unscoped(school: Organisation) -> Round | None:
    """The school's latest closed round that is not a triad's peer round."""
    return (
        Round.objects.filter(schools=school, status=Round.Status.CLOSED, is_peer=False)
        .select_related("framework_version")
        .order_by("-closed_at", "-ends_on", "-pk")
        .first()
    )


def _profiles(school: Organisation, round_: Round | None) -> dict[int, dict[int, float]]:
    """Teacher id → dimension id → mean step (1 = the first step) in the round's lessons at
    the school (submitted or released; "not observed" left out)."""
    if round_ is None:
        return {}
    sums: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for teacher_id, dimension_id, order in Rating.objects.filter(
        observation__round=round_,
        observation__school=school,
        observation__status__in=DONE,
        step__isnull=False,
    ).values_list("observation__teacher_id", "dimension_id", "step__order"):
        cell = sums[teacher_id][dimension_id]
        cell[0] += order
        cell[1] += 1
    return {t: {d: round(s / n, 3) for d, (s, n) in dims.items()} for t, dims in sums.items()}


def teacher_details(*, user: User, school: Organisation) -> dict[int, TeacherDetails]:
    require(user, school, Perm.TRIADS_MANAGE)
    return teacher_details_unscoped(school)


def teacher_details_unscoped(school: Organisation) -> dict[int, TeacherDetails]:
    return {d.teacher_id: d for d in TeacherDetails.objects.filter(school=school)}


def proposer_teachers_unscoped(
    school: Organisation, round_: Round | None, teachers: list[User] | None = None
) -> list[proposer.Teacher]:
    teachers = list(school_teachers_unscoped(school)) if teachers is None else teachers
    found = _profiles(school, round_)
    details = teacher_details_unscoped(school)
    out = []
    for t in teachers:
        d = details.get(t.pk)
        out.append(
            proposer.Teacher(
                id=t.pk,
                profile=found.get(t.pk, {}),
                subject_area=(d.subject_area or None) if d else None,
                grade_span=(d.grade_span or None) if d else None,
                line_manager=d.line_manager_id if d else None,
            )
        )
    return out


def last_saved_set_unscoped(
    school: Organisation, *, before: TriadSet | None = None
) -> TriadSet | None:
    sets = TriadSet.objects.filter(school=school, status=TriadSet.Status.SAVED)
    if before is not None and before.status == TriadSet.Status.SAVED:
        sets = sets.filter(saved_at__lt=before.saved_at)
    return sets.order_by("-saved_at").first()


def groups_of_unscoped(triad_set: TriadSet | None) -> list[list[int]]:
    if triad_set is None:
        return []
    groups: dict[int, list[int]] = defaultdict(list)
    for triad_id, teacher_id in TriadMember.objects.filter(triad__triad_set=triad_set).values_list(
        "triad_id", "teacher_id"
    ):
        groups[triad_id].append(teacher_id)
    return list(groups.values())


def _options_for(triad_set: TriadSet) -> proposer.Options:
    return proposer.Options(
        same_subject_area=triad_set.same_subject_area, same_grade_span=triad_set.same_grade_span
    )


@dataclass
class SetView:
    """A triad set with everything its page shows: per triad the members, the explanation
    (whose weakest dimension is whose strength) and the problems found."""

    triad_set: TriadSet
    triads: list[dict]
    unplaced: list[User]
    hard: list[dict]
    soft: list[dict]
    covered: int
    coverable: int
    previous: TriadSet | None
    dimensions: dict[int, Dimension]


def set_view(*, user: User, triad_set: TriadSet) -> SetView:
    require(user, triad_set.school, Perm.TRIADS_MANAGE)
    return set_view_unscoped(triad_set)


def set_view_unscoped(triad_set: TriadSet) -> SetView:
    triads = list(
        triad_set.triads.prefetch_related(
            Prefetch("members", queryset=TriadMember.objects.select_related("teacher"))
        )
    )
    members = {m.teacher_id: m.teacher for t in triads for m in t.members.all()}
    school_people = {u.pk: u for u in school_teachers_unscoped(triad_set.school)}
    people = {**school_people, **members}
    teachers = proposer_teachers_unscoped(
        triad_set.school, triad_set.source_round, list(people.values())
    )
    previous = last_saved_set_unscoped(triad_set.school, before=triad_set)
    if previous is not None and previous.pk == triad_set.pk:
        previous = None
    groups = [[m.teacher_id for m in t.members.all()] for t in triads]
    result = proposer.evaluate(
        teachers, groups, _options_for(triad_set), groups_of_unscoped(previous)
    )
    dimensions = (
        {
            d.pk: d
            for d in Dimension.objects.filter(
                version_id=triad_set.source_round.framework_version_id
            )
        }
        if triad_set.source_round
        else {}
    )
    rows = []
    for triad, group in zip(triads, result.groups, strict=True):
        needs = []
        for cover in group.covers:
            needs.append(
                {
                    "teacher": people[cover.teacher],
                    "dimension": dimensions.get(cover.dimension),
                    "partners": [people[p] for p in cover.partners],
                }
            )
        rows.append(
            {
                "triad": triad,
                "members": [
                    {
                        "user": people[m],
                        "weakest": [dimensions.get(d) for d in result.weakest.get(m, ())],
                        "strong": [dimensions.get(d) for d in result.strong.get(m, ())],
                        "has_data": bool(result.weakest.get(m)),
                    }
                    for m in group.members
                ],
                "needs": needs,
                "repeated": [(people[a], people[b]) for a, b in group.repeated_pairs],
                "same_as_before": group.same_as_before,
                "covered": len(group.covered),
            }
        )
    hard = [
        {
            "kind": v.kind,
            "number": triads[v.group].number if v.group is not None else None,
            "teachers": [people[t] for t in v.teachers if t in people],
        }
        for v in result.violations
        if v.hard
    ]
    soft = [
        {"kind": "repeated", "number": row["triad"].number, "pair": pair}
        for row in rows
        for pair in row["repeated"]
    ] + [{"kind": "same", "number": row["triad"].number} for row in rows if row["same_as_before"]]
    placed = {m for g in groups for m in g}
    return SetView(
        triad_set=triad_set,
        triads=rows,
        unplaced=[u for pk, u in school_people.items() if pk not in placed],
        hard=hard,
        soft=soft,
        covered=result.covered,
        coverable=sum(1 for g in groups for m in g if result.weakest.get(m)),
        previous=previous,
        dimensions=dimensions,
    )


def sets_for_school(*, user: User, school: Organisation) -> QuerySet[TriadSet]:
    require(user, school, Perm.TRIADS_MANAGE)
    return TriadSet.objects.filter(school=school).order_by("status", "-saved_at", "-created_at")


def current_set_unscoped(school_id: int) -> TriadSet | None:
    return (
        TriadSet.objects.filter(school_id=school_id, status=TriadSet.Status.SAVED)
        .order_by("-saved_at")
        .first()
    )


def _with_members(qs: QuerySet[Triad]) -> QuerySet[Triad]:
    return qs.select_related("triad_set__school", "peer_round").prefetch_related(
        Prefetch("members", queryset=TriadMember.objects.select_related("teacher"))
    )


def current_triads_for(*, user: User) -> list[Triad]:
    """The user's triads (as a teacher) in the current (newest saved) set of each of their
    schools."""
    teacher = user
    schools = (
        TriadMember.objects.filter(teacher=teacher, triad__triad_set__status=TriadSet.Status.SAVED)
        .values_list("triad__triad_set__school_id", flat=True)
        .distinct()
    )
    current_ids = [s.pk for s in (current_set_unscoped(school_id) for school_id in schools) if s]
    return list(
        _with_members(
            Triad.objects.filter(triad_set_id__in=current_ids, members__teacher=teacher)
        ).order_by("triad_set__school__name")
    )


def current_triad_for_unscoped(*, teacher: User) -> Triad | None:
    """The teacher's current triad (the first by school name if they teach in several), with
    `members` prefetched: `triad.teachers` lists the users, `triad.triad_set` names the set.
    None when the teacher is in no current triad. For the teacher's own pages."""
    found = current_triads_for(user=teacher)
    return found[0] if found else None


def get_triad_for_user(*, user: User, pk: int) -> Triad:
    """A triad of a saved set that the user belongs to; 404 for everyone else (the principal
    too: what a triad does among itself is the triad's)."""
    return get_party_object_for_user(
        user=user,
        queryset=_with_members(Triad.objects.filter(triad_set__status=TriadSet.Status.SAVED)),
        parties=lambda triad: [m.teacher_id for m in triad.members.all()],
        pk=pk,
    )


def peer_visits(*, user: User, triad: Triad) -> list[Assignment]:
    """The triad's planned peer visits with their observation (if captured), newest first
    (for the triad's members: 404 for everyone else)."""
    if user.pk not in {m.teacher_id for m in triad.members.all()}:
        raise Http404
    if triad.peer_round_id is None:
        return []
    visits = list(
        Assignment.objects.filter(round_id=triad.peer_round_id)
        .select_related("observer", "teacher")
        .prefetch_related("observations")
        .order_by("-planned_at", "-pk")
    )
    for visit in visits:
        visit.observation = next(iter(visit.observations.all()), None)
    return visits


def round_teacher_details_unscoped(round_: Round) -> dict[tuple[int, int], dict[str, str]]:
    """Subject and grade to pre-fill a round's planned visits with, from the teacher's details
    (kept by the principal or filled in by an SS 12000 import): the first subject and the grade
    span (registered with `samsyn.observations.hooks`)."""
    rows = TeacherDetails.objects.filter(
        teacher__round_entries__round=round_, school__in=round_.schools.all()
    ).values_list("teacher_id", "school_id", "subject_area", "grade_span")
    return {
        (teacher, school): {
            "subject": subject.split(",")[0].strip()[:100],
            "grade": grade.split(",")[0].strip()[:20],
        }
        for teacher, school, subject, grade in rows
    }

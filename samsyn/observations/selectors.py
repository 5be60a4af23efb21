"""Reads for rounds and observations, scoped to the acting user.

Who sees an individual observation: its teacher (once released), its observer, and the
school's leadership (Perm.VIEW_OBSERVATIONS at the observation's school). Everyone else sees
aggregates only. Reads by anyone but the teacher are audited by the views.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from samsyn.accounts.access import (
    Perm,
    ancestor_ids,
    get_object_for_user,
    get_party_object_for_user,
    organisations_with_perm,
    permissions_at,
    refuse,
    require,
)
from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.frameworks.models import Criterion, Dimension, FrameworkVersion, Step
from samsyn.observations.models import (
    Assignment,
    CalibrationExercise,
    Conflict,
    Observation,
    Round,
    RoundTeacher,
)


def round_organisations_for(user: User) -> list[Organisation]:
    """Organisations where the user may plan rounds."""
    return organisations_with_perm(user, Perm.MANAGE_ROUNDS)


def schools_under_unscoped(organisation: Organisation) -> QuerySet[Organisation]:
    if organisation.kind == Organisation.Kind.SCHOOL:
        return Organisation.objects.filter(pk=organisation.pk)
    ids = [organisation.pk]
    frontier = [organisation.pk]
    while frontier:
        frontier = list(
            Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids += frontier
    return Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.SCHOOL).order_by("name")


def round_observer_candidates(*, user: User, round_: Round) -> list[User]:
    """Who may observe in a round, for its planners: observers and principals of its schools
    and of the owner above, and those already observing in it."""
    require(user, round_.organisation, Perm.MANAGE_ROUNDS)
    organisation = round_.organisation
    owner = organisation.parent if organisation.kind == Organisation.Kind.SCHOOL else organisation
    found = people_with_role_unscoped(
        list(round_.schools.all()),
        [Role.OBSERVER, Role.PRINCIPAL],
        extra_orgs=[owner] if owner else [],
    )
    current = User.objects.filter(observer_entries__round=round_)
    return sorted(set(found) | set(current), key=lambda u: (u.full_name, u.pk))


def people_with_role_unscoped(schools, roles: list[str], extra_orgs=()) -> QuerySet[User]:
    org_ids = [s.pk for s in schools] + [o.pk for o in extra_orgs]
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=org_ids,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("full_name")
    )


def published_versions_for(user: User) -> QuerySet[FrameworkVersion]:
    from samsyn.frameworks.selectors import can_read

    versions = FrameworkVersion.objects.filter(status="published").select_related(
        "framework", "framework__organisation"
    )
    return [
        v for v in versions.order_by("framework__slug", "-number") if can_read(user, v.framework)
    ]


def get_round_for_user(*, user: User, pk: int, perm: Perm = Perm.MANAGE_ROUNDS) -> Round:
    """The round for its planners (404 outsiders, 403 members without `perm`). Observers and
    teachers of the round are members somewhere below: not outsiders (Perm.VIEW). Peer rounds
    (triads) have no planner's pages: they belong to the triad (samsyn.triads)."""
    return get_object_for_user(
        user=user,
        queryset=Round.objects.select_related(
            "organisation", "framework_version__framework"
        ).filter(is_peer=False),
        perm=perm,
        org_of=lambda round_: round_.organisation,
        pk=pk,
    )


def get_observed_round_for_user(*, user: User, pk: int) -> Round:
    """A round the user observed in (a counted observation of theirs), for their own view of
    it; 404 for everyone else and for peer rounds."""
    return get_party_object_for_user(
        user=user,
        queryset=Round.objects.filter(is_peer=False),
        parties=lambda round_: round_.observations.filter(
            observer=user, status__in=Observation.COUNTED
        ).values_list("observer_id", flat=True),
        pk=pk,
    )


def get_assignment_for_user(*, user: User, pk: int, perm: Perm = Perm.MANAGE_ROUNDS) -> Assignment:
    """A visit of a round, for the round's planners (see `get_round_for_user`)."""
    return get_object_for_user(
        user=user,
        queryset=Assignment.objects.select_related("round__organisation").filter(
            round__is_peer=False
        ),
        perm=perm,
        org_of=lambda assignment: assignment.round.organisation,
        pk=pk,
    )


def get_proposal_for_user(*, user: User, round_pk: int) -> RoundTeacher:
    """The teacher's own entry in a round (their lesson proposal), addressed by the round: an
    entry is the pair (round, teacher), and its only party is the teacher, so there is no
    `perm` to ask for. 403 for the round's other members, 404 for everyone else and for peer
    rounds."""
    entry = (
        RoundTeacher.objects.select_related("round__framework_version")
        .filter(round_id=round_pk, teacher=user, round__is_peer=False)  # not for triads
        .first()
    )
    if entry is None:
        round_ = Round.objects.filter(pk=round_pk, is_peer=False).first()
        if round_ is None:
            raise Http404
        refuse(user, round_.organisation)
    return entry


def rounds_for_user(*, user: User) -> dict[str, list]:
    managed_orgs = round_organisations_for(user)
    managed: list[Round] = []
    if managed_orgs:
        org_ids: set[int] = set()
        for org in managed_orgs:
            org_ids.add(org.pk)
            org_ids.update(schools_under_unscoped(org).values_list("pk", flat=True))
        managed = list(
            Round.objects.filter(Q(organisation_id__in=org_ids) | Q(schools__in=org_ids))
            .filter(is_peer=False)  # a triad's peer round is never shown to school leadership
            .distinct()
            .select_related("organisation")
            .annotate(n_observations=Count("observations", distinct=True))
            .order_by("-starts_on")
        )
        # A round of the school's owner that covers the school is listed, but only its
        # planners open it (get_round_for_user): no link the reader would get a 403 from.
        can_plan: dict[int, bool] = {}
        for round_ in managed:
            org = round_.organisation
            if org.pk not in can_plan:
                can_plan[org.pk] = Perm.MANAGE_ROUNDS in permissions_at(user, org)
            round_.can_open = can_plan[org.pk]
    observing = list(
        Round.objects.filter(round_observers__observer=user, is_peer=False)
        .order_by("-starts_on")
        .distinct()
    )
    teaching = list(
        RoundTeacher.objects.filter(teacher=user, round__is_peer=False)
        .select_related("round")
        .order_by("-round__starts_on")
    )
    return {"managed": managed, "observing": observing, "teaching": teaching}


def assignments_for_observer(*, user: User, day: date | None = None) -> QuerySet[Assignment]:
    """The observer's visits in open rounds: today's first, then those not yet planned."""
    assignments = (
        Assignment.objects.filter(observer=user, round__status=Round.Status.OPEN)
        .select_related("teacher", "school", "round")
        .prefetch_related(
            Prefetch(
                "observations",
                queryset=Observation.objects.filter(observer=user).only(
                    "uuid", "status", "assignment_id"
                ),
            )
        )
        .order_by("planned_at", "teacher__full_name")
    )
    if day is not None:
        assignments = assignments.filter(Q(planned_at__date=day) | Q(planned_at__isnull=True))
    return assignments


def get_assignment_for_observer(*, user: User, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("round", "teacher", "school", "round__framework_version")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if assignment.observer_id != user.pk:
        if assignment.round.is_peer:
            raise Http404  # a triad's peer visit: nobody else learns that it exists
        # Planners of the round may see that it exists; everyone else gets 404.
        refuse(user, assignment.round.organisation)
    return assignment


def can_view_observation(user: User, observation: Observation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if observation.observer_id == user.pk:
        return True
    if observation.teacher_id == user.pk:
        return observation.status == Observation.Status.RELEASED
    if observation.round.is_peer:
        # A triad's peer observation: its members (the round's teachers, see samsyn.triads)
        # read it once released; never school leadership, owners or anyone else.
        return (
            observation.status == Observation.Status.RELEASED
            and RoundTeacher.objects.filter(round_id=observation.round_id, teacher=user).exists()
        )
    if observation.status == Observation.Status.DRAFT:
        return False  # a draft is the observer's own until submitted, whoever leads the school
    return Perm.VIEW_OBSERVATIONS in permissions_at(user, observation.school)


def observation_perms(user: User, observation: Observation) -> frozenset[Perm]:
    """The user's permissions on an observation: those at its school, and the object's own
    (READ per `can_view_observation`, OBSERVE for its observer, ACKNOWLEDGE for its teacher,
    REOPEN for its observer and the school's leadership)."""
    # Acknowledging is the observed teacher's own act: no role at the school gives it (a
    # platform administrator holding every permission there would otherwise be let through).
    perms = set(permissions_at(user, observation.school)) - {Perm.OBSERVATION_ACKNOWLEDGE}
    if can_view_observation(user, observation):
        perms.add(Perm.OBSERVATION_READ)
    if user.pk == observation.observer_id:
        perms |= {Perm.OBSERVATION_OBSERVE, Perm.OBSERVATION_REOPEN}
    if user.pk == observation.teacher_id:
        perms.add(Perm.OBSERVATION_ACKNOWLEDGE)
    if Perm.VIEW_OBSERVATIONS in perms:
        perms.add(Perm.OBSERVATION_REOPEN)
    return frozenset(perms)


def get_observation_for_user(
    *, user: User, uuid, perm: Perm = Perm.OBSERVATION_READ
) -> Observation:
    """The observation if the user may read it and holds `perm` on it (403 otherwise). Those
    who may not read it: its teacher before release 403; peer observations (not even their
    existence outside the triad) and drafts (the observer's own work in progress) 404; others
    403 at the school, else 404."""
    observation = (
        Observation.objects.select_related(
            "round", "teacher", "observer", "school", "framework_version"
        )
        .filter(uuid=uuid)
        .first()
    )
    if observation is None:
        raise Http404
    perms = observation_perms(user, observation)
    if Perm.OBSERVATION_READ in perms:
        if perm not in perms:
            raise PermissionDenied
        return observation
    if observation.teacher_id == user.pk:
        raise PermissionDenied  # their own, not released yet
    if observation.round.is_peer or observation.status == Observation.Status.DRAFT:
        raise Http404
    refuse(user, observation.school)


def get_conflict_for_user(*, user: User, pk: int) -> Conflict:
    """A sync conflict, for the observation's observer (403 for others who may read it)."""
    conflict = Conflict.objects.select_related("observation").filter(pk=pk).first()
    if conflict is None:
        raise Http404
    get_observation_for_user(
        user=user, uuid=conflict.observation.uuid, perm=Perm.OBSERVATION_OBSERVE
    )
    return conflict


def observations_released_to(*, user: User) -> QuerySet[Observation]:
    """The released observations of the user's own lessons."""
    return (
        Observation.objects.filter(teacher=user, status=Observation.Status.RELEASED)
        .select_related("round", "observer", "framework_version__framework")
        .order_by("-observed_on", "-released_at")
    )


def observation_detail(*, user: User, observation: Observation) -> list[dict]:
    """Per dimension of the observation's version: the step chosen (or not observed), the
    criteria seen and the evidence note, with the exact texts of that version (for those who
    may read the observation: `observation_perms`)."""
    if Perm.OBSERVATION_READ not in observation_perms(user, observation):
        raise Http404
    ratings = {
        r.dimension_id: r
        for r in observation.ratings.select_related("step").prefetch_related("criteria")
    }
    dimensions = (
        Dimension.objects.filter(version_id=observation.framework_version_id)
        .order_by("order")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("order")),
        )
    )
    rows = []
    for dimension in dimensions:
        rating = ratings.get(dimension.pk)
        rows.append(
            {
                "dimension": dimension,
                "rating": rating,
                "steps": list(dimension.steps.all()),
                "criteria": list(rating.criteria.all()) if rating else [],
            }
        )
    return rows


def assignment_capture_framework(*, user: User, assignment: Assignment) -> dict:
    """`capture_framework_unscoped` for the visit's observer (404 for everyone else)."""
    if assignment.observer_id != user.pk:
        raise Http404
    return capture_framework_unscoped(assignment.round.framework_version)


def round_capture_framework(*, user: User, round_pk: int) -> dict:
    """`capture_framework_unscoped` of a round the user observes in (404 for everyone else)."""
    round_ = get_party_object_for_user(
        user=user,
        queryset=Round.objects.select_related("framework_version"),
        parties=lambda round_: round_.round_observers.values_list("observer_id", flat=True),
        pk=round_pk,
    )
    return capture_framework_unscoped(round_.framework_version)


def capture_framework_unscoped(version: FrameworkVersion) -> dict:
    """The framework as the capture page needs it: ids and texts in both languages."""
    dimensions = (
        Dimension.objects.filter(version=version)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=Step.objects.order_by("order").prefetch_related(
                    Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
                ),
            )
        )
    )
    return {
        "id": version.pk,
        "name": version.name,
        "dimensions": [
            {
                "id": d.pk,
                "code": d.code,
                "name": d.name,
                "short_name": d.short_name,
                "description": d.description,
                "steps": [
                    {
                        "id": s.pk,
                        "order": s.order,
                        "label": s.label,
                        "description": s.description,
                        "criteria": [{"id": c.pk, "text": c.text} for c in s.criteria.all()],
                    }
                    for s in d.steps.all()
                ],
            }
            for d in dimensions
        ],
    }


def _observer_org_ids(user: User) -> set[int]:
    """Organisations where the user observes or leads, and those above them."""
    ids: set[int] = set()
    for m in Membership.objects.filter(
        user=user, role__in=[Role.OBSERVER, Role.PRINCIPAL]
    ).select_related("organisation"):
        ids.update(ancestor_ids(m.organisation))
    return ids


def calibration_organisations_for(user: User) -> list[Organisation]:
    """Organisations where the user runs calibration exercises."""
    return organisations_with_perm(user, Perm.RUN_CALIBRATION)


def calibrations_for_user(*, user: User) -> list[CalibrationExercise]:
    """Exercises the user runs, or may answer as an observer in the organiser's area."""
    exercises = CalibrationExercise.objects.select_related("organisation", "framework_version")
    reach = _observer_org_ids(user)
    return [
        e
        for e in exercises
        if Perm.RUN_CALIBRATION in permissions_at(user, e.organisation)
        or e.organisation_id in reach
    ]


def calibration_perms(user: User, exercise: CalibrationExercise) -> frozenset[Perm]:
    """Those in the organiser, and CALIBRATION_TAKE for observers and leaders in its area and
    for those who run it."""
    perms = set(permissions_at(user, exercise.organisation))
    if Perm.RUN_CALIBRATION in perms or exercise.organisation_id in _observer_org_ids(user):
        perms.add(Perm.CALIBRATION_TAKE)
    return frozenset(perms)


def get_calibration_for_user(
    *, user: User, pk: int, perm: Perm = Perm.CALIBRATION_TAKE
) -> CalibrationExercise:
    return get_object_for_user(
        user=user,
        queryset=CalibrationExercise.objects.select_related("organisation", "framework_version"),
        perm=perm,
        org_of=lambda exercise: exercise.organisation,
        perms_of=lambda exercise: calibration_perms(user, exercise),
        pk=pk,
    )


def own_measures(*, user: User, observations: list[Observation]) -> list[dict]:
    """`teacher_measures_unscoped` of the user's own lessons (only their own observations count)."""
    return teacher_measures_unscoped(
        teacher=user, observations=[o for o in observations if o.teacher_id == user.pk]
    )


def teacher_measures_unscoped(*, teacher: User, observations: list[Observation]) -> list[dict]:
    """Per round with one of `observations` (released to `teacher`): the teacher's measure with
    its interval, or how many more lessons are needed first, and the steps just above it. The caller checks that the
    reader may see this teacher's data (the teacher, or their coach)."""
    from samsyn.observations import measurement, readable  # numerical: loaded on first use

    rows = []
    # Peer observations (triads) are never measured.
    for round_ in {o.round_id: o.round for o in observations if not o.round.is_peer}.values():
        stored, _fresh = measurement.current(round_)
        mine = (stored.data.get("teachers") or {}).get(str(teacher.pk)) if stored else None
        if not mine:
            continue
        names = {d.pk: d for d in round_.framework_version.dimensions.prefetch_related("steps")}
        steps = []
        for s in mine["next_steps"]:
            dimension = names.get(s["dimension_id"])
            step = next((x for x in dimension.steps.all() if x.order == s["step_order"]), None)
            steps.append({"dimension": dimension, "step": step, "probability": s["probability"]})
        meaningful = mine["se"] is not None and mine["se"] <= stored.data["max_se"]
        position = (
            readable.position_on_steps(stored.data, mine["measure"], mine["se"])
            if meaningful
            else None
        )
        rows.append(
            {
                "round": round_,
                "measure": mine["measure"],
                "low": mine["measure"] - 1.96 * mine["se"] if meaningful else None,
                "high": mine["measure"] + 1.96 * mine["se"] if meaningful else None,
                # The position in the framework's language: the mean expected step over the
                # dimensions, on the 1…top scale (logits are for the researcher's page).
                "position": position,
                "top_step": max((len(d.steps.all()) for d in names.values()), default=4),
                "meaningful": meaningful and position is not None,
                "lessons": mine["lessons"],
                # 0 when the fit could not say how many more: the page then says so in words.
                "needed": mine["needed"],
                "next_steps": steps,
            }
        )
    return rows

"""Writes for rounds and observations, including the idempotent, conflict-aware save.

The save protocol (used by the capture page and the API):
- the device sends the whole current state of the observation with the `base_revision` it was
  built on (0 for a new one);
- the same content as stored → nothing changes, the stored state is returned (a re-sent request
  stores once, whatever revision it names);
- a draft whose revision equals `base_revision` → saved, revision + 1;
- otherwise (another device saved in between, or the observation is locked) → a `Conflict` row
  keeps both versions for review and the caller answers 409 with both.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.frameworks.layout import Layout, version_layout
from samsyn.frameworks.models import Dimension, FrameworkVersion
from samsyn.lib.prepared import Prepared, statement_cursor
from samsyn.observations import capture_writes, hooks
from samsyn.observations.capture_writes import CONTEXT_FIELDS, LINKS, RATINGS
from samsyn.observations.models import (
    Assignment,
    Conflict,
    Observation,
    ObservationEvent,
    Rating,
    Round,
    RoundObserver,
    RoundTeacher,
)

ERR_NOT_PUBLISHED = gettext_lazy("Choose a published framework version.")
ERR_DATES = gettext_lazy("The last day cannot be before the first day.")
ERR_ROUND_CLOSED = gettext_lazy("The round is closed.")
ERR_REASON = gettext_lazy("Give a reason for reopening: it is kept in the observation's log.")
ERR_NOT_SUBMITTED = gettext_lazy("Only a submitted observation can be released.")
ERR_NOT_RELEASED = gettext_lazy("The observation has not been released to you.")


class ObservationConflict(Exception):
    """The save could not be applied; both versions are kept (`conflict`)."""

    def __init__(self, reason: str, observation: Observation, conflict: Conflict | None):
        super().__init__(reason)
        self.reason = reason
        self.observation = observation
        self.conflict = conflict


class PayloadError(ValidationError):
    """Invalid content; `errors` maps a field path (e.g. `ratings[2].step_id`) to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__([f"{path}: {message}" for path, message in errors.items()])


# ----------------------------------------------------------------------------- rounds


@transaction.atomic
def round_create(
    *,
    actor: User,
    organisation: Organisation,
    schools: list[Organisation],
    name: str,
    kind: str,
    framework_version: FrameworkVersion,
    starts_on: date,
    ends_on: date,
    target_lessons: int,
    release_mode: str,
    ask_proposals: bool,
    teachers: list[User],
    observers: list[User],
) -> Round:
    errors = {}
    if framework_version.status != FrameworkVersion.Status.PUBLISHED:
        errors["framework_version"] = ERR_NOT_PUBLISHED
    if ends_on < starts_on:
        errors["ends_on"] = ERR_DATES
    if errors:
        raise ValidationError(errors)
    round_ = Round(
        organisation=organisation,
        name=name.strip(),
        kind=kind,
        framework_version=framework_version,
        starts_on=starts_on,
        ends_on=ends_on,
        target_lessons=target_lessons,
        release_mode=release_mode,
        ask_proposals=ask_proposals,
        created_by=actor,
    )
    round_.full_clean()
    round_.save()
    round_.schools.set(schools)
    school_of = teacher_schools(teachers, schools)
    RoundTeacher.objects.bulk_create(
        RoundTeacher(round=round_, teacher=t, school_id=school_of[t.pk]) for t in teachers
    )
    RoundObserver.objects.bulk_create(RoundObserver(round=round_, observer=o) for o in observers)
    return round_


def teacher_schools(teachers: list[User], schools: list[Organisation]) -> dict[int, int]:
    """Each teacher's school among `schools` (the first where they hold the teacher role)."""
    school_ids = [s.pk for s in schools]
    rows = (
        Membership.objects.filter(
            user__in=teachers, organisation_id__in=school_ids, role=Role.TEACHER
        )
        .order_by("organisation__name")
        .values_list("user_id", "organisation_id")
    )
    found: dict[int, int] = {}
    for user_id, org_id in rows:
        found.setdefault(user_id, org_id)
    missing = [t for t in teachers if t.pk not in found]
    if missing:
        raise ValidationError(
            {
                "teachers": _("Not a teacher at the chosen schools: %(names)s")
                % {"names": ", ".join(str(t) for t in missing)}
            }
        )
    return found


@transaction.atomic
def assignments_generate(*, round_: Round) -> int:
    """Plan visits so every teacher gets `target_lessons`, spread evenly over the observers,
    never a teacher observing themself. Returns how many assignments were added."""
    observers = list(round_.round_observers.select_related("observer"))
    if not observers:
        raise ValidationError(_("Add observers to the round first."))
    load = Counter(a.observer_id for a in round_.assignments.all())
    for entry in observers:
        load.setdefault(entry.observer_id, 0)
    have = Counter(a.teacher_id for a in round_.assignments.all())
    seen_pairs = {(a.observer_id, a.teacher_id) for a in round_.assignments.all()}
    details = hooks.teacher_details(round_)
    new: list[Assignment] = []
    for entry in round_.round_teachers.order_by("school_id", "teacher_id"):
        for _i in range(max(0, round_.target_lessons - have[entry.teacher_id])):
            candidates = [o for o in load if o != entry.teacher_id]
            if not candidates:
                break
            # Least-loaded observer, preferring one who has not visited this teacher yet.
            observer_id = min(
                candidates,
                key=lambda o: ((o, entry.teacher_id) in seen_pairs, load[o], o),
            )
            load[observer_id] += 1
            seen_pairs.add((observer_id, entry.teacher_id))
            new.append(
                Assignment(
                    round=round_,
                    observer_id=observer_id,
                    teacher_id=entry.teacher_id,
                    school_id=entry.school_id,
                    **details.get((entry.teacher_id, entry.school_id), {}),
                )
            )
    Assignment.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def assignment_update(*, assignment: Assignment, **fields: Any) -> Assignment:
    if assignment.round.status == Round.Status.CLOSED:
        raise ValidationError(ERR_ROUND_CLOSED)
    for name, value in fields.items():
        setattr(assignment, name, value)
    if assignment.observer_id == assignment.teacher_id:
        raise ValidationError({"observer": _("A teacher cannot observe their own lesson here.")})
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_double(*, assignment: Assignment, observer: User) -> Assignment:
    """Plan a double observation: a second observer visits the same lesson, so the round can
    measure how well observers agree (see `calibration.round_reliability`)."""
    if assignment.round.status == Round.Status.CLOSED:
        raise ValidationError(ERR_ROUND_CLOSED)
    if observer.pk in (assignment.observer_id, assignment.teacher_id):
        raise ValidationError({"observer": _("Choose another observer than the first one.")})
    if not assignment.round.round_observers.filter(observer=observer).exists():
        raise ValidationError({"observer": _("Choose an observer of this round.")})
    return Assignment.objects.create(
        round=assignment.round,
        observer=observer,
        teacher_id=assignment.teacher_id,
        school_id=assignment.school_id,
        planned_at=assignment.planned_at,
        subject=assignment.subject,
        group_name=assignment.group_name,
        grade=assignment.grade,
    )


@transaction.atomic
def proposal_save(
    *, entry: RoundTeacher, proposed_lesson: str, focus_dimension: Dimension | None
) -> RoundTeacher:
    if (
        focus_dimension is not None
        and focus_dimension.version_id != entry.round.framework_version_id
    ):
        raise ValidationError(
            {"focus_dimension": _("Choose a dimension of the round's framework.")}
        )
    entry.proposed_lesson = proposed_lesson.strip()
    entry.focus_dimension = focus_dimension
    entry.proposed_at = timezone.now()
    entry.save(update_fields=["proposed_lesson", "focus_dimension", "proposed_at"])
    return entry


@transaction.atomic
def round_close(*, actor: User, round_: Round) -> int:
    """Close the round; with release at close, every submitted observation is released.
    Returns how many were released."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    round_.status = Round.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    released = 0
    if round_.release_mode == Round.Release.AT_CLOSE:
        for observation in round_.observations.filter(status=Observation.Status.SUBMITTED):
            _release(observation, actor)
            released += 1
    return released


# ----------------------------------------------------------------------------- observations


def observation_state(observation: Observation) -> dict[str, Any]:
    """The observation as the capture page and the API see it (one query for the ratings)."""
    return _state(observation, _rating_rows(observation.pk))


_RATING_ROWS = Prepared(
    lambda param: (
        Rating.objects.filter(observation_id=param("observation", Observation._meta.pk))
        .values_list("dimension_id", "dimension__order", "step_id", "note", "criteria")
        .order_by()
    )
)


def _rating_rows(observation_id: int) -> list[dict[str, Any]]:
    """The stored ratings as `observation_state` lists them, in the dimensions' order."""
    rows: dict[int, dict[str, Any]] = {}
    order: dict[int, int] = {}
    for dimension_id, dimension_order, step_id, note, criteria in _stored_ratings(observation_id):
        row = rows.get(dimension_id)
        if row is None:
            order[dimension_id] = dimension_order
            row = rows[dimension_id] = {
                "dimension_id": dimension_id,
                "step_id": step_id,
                "not_observed": step_id is None,
                "criteria": [],
                "note": note,
            }
        row["criteria"].extend(criteria)
    for row in rows.values():
        row["criteria"].sort()
    return sorted(rows.values(), key=lambda r: order[r["dimension_id"]])


# PostgreSQL's read of the ratings (see _stored_ratings), written once. Its plan reaches
# the growing tables through indexes (a subquery on the rating's id, not a join:
# samsyn/observations/tests/test_query_plans.py); the writes are in capture_writes.
_PG_RATING_ROWS = f"""
SELECT r.dimension_id, d."order", r.step_id, r.note,
    ARRAY(SELECT c.criterion_id FROM {LINKS} c WHERE c.rating_id = r.id)
FROM {RATINGS} r JOIN {Dimension._meta.db_table} d ON d.id = r.dimension_id
WHERE r.observation_id = %s
"""  # noqa: S608


def _stored_ratings(observation_id: int) -> Iterator[tuple[int, int, int | None, str, list[int]]]:
    """(dimension, its order, step, note, criteria) of each stored rating.

    On PostgreSQL the statement is prepared once per connection and its plan may be kept for
    the connection's life (generic plan), made while the tables were small: a join to the
    criteria may then scan the whole table however large it has grown (measured: 2.4 ms of
    server CPU per save; samsyn/observations/tests/test_query_plans.py). A criteria list per
    rating, read by a subquery on the rating's id, is an index lookup in every plan (see
    _PG_RATING_ROWS). SQLite plans each run."""
    if connection.vendor != "postgresql":
        for dimension_id, order, step_id, note, criterion_id in _RATING_ROWS.all(
            observation=observation_id
        ):
            yield dimension_id, order, step_id, note, [] if criterion_id is None else [criterion_id]
        return
    with statement_cursor(connection) as cursor:
        cursor.execute(_PG_RATING_ROWS, [observation_id])
        yield from cursor.fetchall()


def _state(observation: Observation, ratings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uuid": str(observation.uuid),
        "revision": observation.revision,
        "status": observation.status,
        "round_id": observation.round_id,
        "assignment_id": observation.assignment_id,
        "teacher_id": observation.teacher_id,
        "framework_version_id": observation.framework_version_id,
        **_context(observation),
        "ratings": ratings,
    }


def _state_from(observation: Observation, layout: Layout, ratings: list[dict[str, Any]]):
    """The state after a save, from the ratings it stored (or found stored, same content hash),
    written exactly as `capture_writes` stores them: no second read of what was just written."""
    position = {pk: i for i, pk in enumerate(layout.dimensions)}
    rows = [
        {
            "dimension_id": r["dimension_id"],
            "step_id": r.get("step_id"),
            "not_observed": r.get("step_id") is None,
            "criteria": capture_writes.stored_criteria(r),
            "note": capture_writes.stored_note(r),
        }
        for r in ratings
    ]
    return _state(observation, sorted(rows, key=lambda r: position[r["dimension_id"]]))


def _context(observation: Observation) -> dict[str, Any]:
    values = {name: getattr(observation, name) for name in CONTEXT_FIELDS}
    if isinstance(values["observed_on"], date):
        values["observed_on"] = values["observed_on"].isoformat()
    return values


def _content_hash(context: dict[str, Any], ratings: list[dict[str, Any]]) -> str:
    canonical = {
        "context": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in context.items()},
        "ratings": sorted(
            (
                {
                    "dimension_id": r["dimension_id"],
                    "step_id": r.get("step_id"),
                    "criteria": sorted(r.get("criteria") or []),
                    "note": (r.get("note") or "").strip(),
                }
                for r in ratings
            ),
            key=lambda r: r["dimension_id"],
        ),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _layout(version: FrameworkVersion) -> Layout:
    """The version's layout, from the per-process cache when the version is published."""
    published = version.status == FrameworkVersion.Status.PUBLISHED
    return version_layout(version.pk, published_at=version.published_at if published else None)


def _check_ratings(layout: Layout, ratings: list[dict[str, Any]]) -> dict[str, str]:
    """Every rating must name a dimension of this version and one of its steps (or none)."""
    dimensions, steps, criteria = (
        layout.dimension_ids,
        layout.step_dimension,
        layout.criterion_dimension,
    )
    errors: dict[str, str] = {}
    seen: dict[int, int] = {}
    for i, rating in enumerate(ratings):
        path = f"ratings[{i}]"
        dim_id = rating["dimension_id"]
        if dim_id not in dimensions:
            errors[f"{path}.dimension_id"] = _(
                "dimension %(id)s is not part of the framework version this round uses"
            ) % {"id": dim_id}
            continue
        if dim_id in seen:
            errors[f"{path}.dimension_id"] = _(
                "dimension %(id)s is rated twice (also ratings[%(other)d])"
            ) % {"id": dim_id, "other": seen[dim_id]}
        seen[dim_id] = i
        step_id = rating.get("step_id")
        if step_id is None and not rating.get("not_observed"):
            errors[f"{path}.step_id"] = _('choose a step, or mark the dimension "not observed"')
        elif step_id is not None and rating.get("not_observed"):
            errors[f"{path}.not_observed"] = _('a rated dimension cannot also be "not observed"')
        elif step_id is not None and steps.get(step_id) != dim_id:
            errors[f"{path}.step_id"] = _(
                "step %(step)s is not a step of dimension %(dim)s in this framework version"
            ) % {"step": step_id, "dim": dim_id}
        for k, criterion_id in enumerate(rating.get("criteria") or []):
            if criteria.get(criterion_id) != dim_id:
                errors[f"{path}.criteria[{k}]"] = _(
                    "criterion %(id)s does not belong to dimension %(dim)s"
                ) % {"id": criterion_id, "dim": dim_id}
    return errors


def _resolve_target(actor: User, data: dict[str, Any]) -> tuple[Round, Assignment | None, int, int]:
    """(round, assignment, teacher id, school id) for a new observation, checked for `actor`."""
    assignment_id = data.get("assignment_id")
    if assignment_id is not None:
        assignment = _OWN_ASSIGNMENT.first(pk=assignment_id, observer=actor.pk)
        if assignment is None:
            raise PayloadError({"assignment_id": _("no such assignment of yours")})
        return assignment.round, assignment, assignment.teacher_id, assignment.school_id
    round_id, teacher_id = data.get("round_id"), data.get("teacher_id")
    if round_id is None or teacher_id is None:
        raise PayloadError({"assignment_id": _("give an assignment, or a round and a teacher")})
    round_ = (
        Round.objects.select_related("framework_version")
        .filter(pk=round_id, round_observers__observer=actor)
        .first()
    )
    if round_ is None:
        raise PayloadError({"round_id": _("you are not an observer in this round")})
    entry = RoundTeacher.objects.filter(round=round_, teacher_id=teacher_id).first()
    if entry is None:
        raise PayloadError({"teacher_id": _("this teacher is not part of the round")})
    if teacher_id == actor.pk:
        raise PayloadError({"teacher_id": _("you cannot observe your own lesson")})
    return round_, None, teacher_id, entry.school_id


def _observation_by_uuid(param, *, own: bool, locked: bool) -> QuerySet:
    """An observation by UUID (and observer, `own`) with its framework version (`locked`: for
    update, for the rare saves decided under the lock)."""
    field = Observation._meta.get_field
    lookups = {"uuid": param("uuid", field("uuid"))}
    if own:
        lookups["observer_id"] = param("observer", User._meta.pk)
    queryset = Observation.objects.all()
    if locked:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.select_related("framework_version").filter(**lookups).order_by()[:1]


# The reads every capture save makes, compiled once per process (samsyn.lib.prepared).
_OBSERVATION_BY_UUID = Prepared(lambda p: _observation_by_uuid(p, own=False, locked=False))
_OWN_OBSERVATION_BY_UUID = Prepared(lambda p: _observation_by_uuid(p, own=True, locked=False))
_OBSERVATION_BY_UUID_LOCKED = Prepared(lambda p: _observation_by_uuid(p, own=False, locked=True))
_OWN_OBSERVATION_BY_UUID_LOCKED = Prepared(lambda p: _observation_by_uuid(p, own=True, locked=True))
_OWN_ASSIGNMENT = Prepared(
    lambda param: (
        Assignment.objects.select_related("round__framework_version")
        .filter(pk=param("pk", Assignment._meta.pk), observer_id=param("observer", User._meta.pk))
        .order_by()[:1]
    )
)


@dataclass(frozen=True)
class SaveResult:
    observation: Observation
    created: bool
    changed: bool
    conflict: str = ""  # "conflict" or "locked" when the save was not applied
    # The observation's state after the save (as `observation_state` gives it), when it is
    # known without reading the ratings back; `state()` reads it otherwise.
    known_state: dict[str, Any] | None = None

    def state(self) -> dict[str, Any]:
        return self.known_state or observation_state(self.observation)


class NotYours(PayloadError):
    """The UUID is another observer's observation (the API answers 404)."""

    def __init__(self) -> None:
        super().__init__({"uuid": _("this observation belongs to another observer")})


def observation_save(
    *, actor: User, uuid: uuid_module.UUID, data: dict[str, Any], base_revision: int
) -> SaveResult:
    """Create or update a draft observation idempotently (see the module docstring).

    Read, checked, then written with a compare-and-set on the revision it was checked against
    (`capture_writes`): no lock is held while the save is checked. When another save came in
    between, or the observation is not a draft at `base_revision`, the save is decided again
    with the observation locked."""
    result = _observation_save(
        actor=actor, uuid=uuid, data=data, base_revision=base_revision, locked=False
    )
    if result is None:
        result = _observation_save_locked(
            actor=actor, uuid=uuid, data=data, base_revision=base_revision
        )
    if result.conflict:
        # Kept in its own transaction: the refused save must still leave its trace for review.
        conflict = Conflict.objects.create(
            observation=result.observation,
            base_revision=base_revision,
            server_revision=result.observation.revision,
            incoming=json.loads(json.dumps(data, default=str)),
            server=observation_state(result.observation),
        )
        raise ObservationConflict(result.conflict, result.observation, conflict)
    return result


@transaction.atomic
def _observation_save_locked(**kwargs: Any) -> SaveResult:
    result = _observation_save(**kwargs, locked=True)
    if result is None:  # cannot happen: under the lock every save is decided
        raise RuntimeError("a locked save was left undecided")
    return result


def _observation_save(
    *,
    actor: User,
    uuid: uuid_module.UUID,
    data: dict[str, Any],
    base_revision: int,
    locked: bool,
) -> SaveResult | None:
    """One save. The observation is read with its framework version in one query (`locked`:
    for update); the version's layout comes from the per-process cache. None, with nothing
    written, when the save must be decided under the lock (only when not `locked`)."""
    context = {name: data.get(name) for name in CONTEXT_FIELDS}
    for name in ("subject", "grade"):
        context[name] = (context[name] or "").strip()
    ratings = data.get("ratings") or []
    content_hash = _content_hash(context, ratings)
    reader = _OBSERVATION_BY_UUID_LOCKED if locked else _OBSERVATION_BY_UUID
    observation = reader.first(uuid=uuid)

    if observation is None:
        round_, assignment, teacher_id, school_id = _resolve_target(actor, data)
        if round_.status == Round.Status.CLOSED:
            raise PayloadError({"round_id": str(ERR_ROUND_CLOSED)})
        layout = _layout(round_.framework_version)
        errors = _check_ratings(layout, ratings)
        if errors:
            raise PayloadError(errors)
        if assignment is not None and not context["subject"]:
            context["subject"] = assignment.subject
        observation = Observation(
            uuid=uuid,
            round=round_,
            assignment=assignment,
            framework_version_id=round_.framework_version_id,
            observer=actor,
            teacher_id=teacher_id,
            school_id=school_id,
            payload_hash=content_hash,
            **context,
        )
        try:
            capture_writes.create(observation, ratings)
        except IntegrityError:
            if locked:
                raise
            return None  # another first save of this UUID came first: decided under the lock
        state = _state_from(observation, layout, ratings)
        return SaveResult(observation, created=True, changed=True, known_state=state)

    if observation.observer_id != actor.pk:
        raise NotYours()
    layout = _layout(observation.framework_version)
    if observation.payload_hash == content_hash:
        # The same content as stored (a re-sent request): nothing is written.
        state = _state_from(observation, layout, ratings)
        return SaveResult(observation, created=False, changed=False, known_state=state)
    errors = _check_ratings(layout, ratings)
    if errors:
        raise PayloadError(errors)
    if observation.status != Observation.Status.DRAFT or base_revision != observation.revision:
        if not locked:
            return None  # a conflict, or a save after a reopen: decided under the lock
        reason = "locked" if observation.status != Observation.Status.DRAFT else "conflict"
        return SaveResult(observation, created=False, changed=False, conflict=reason)
    for name, value in context.items():
        setattr(observation, name, value)
    observation.revision += 1
    observation.payload_hash = content_hash
    if not capture_writes.update_draft(observation, ratings, base=base_revision):
        return None  # another save came in between
    state = _state_from(observation, layout, ratings)
    return SaveResult(observation, created=False, changed=True, known_state=state)


@transaction.atomic
def observation_submit(*, actor: User, observation: Observation) -> Observation:
    """Lock the observation. Every dimension needs a step or "not observed"."""
    observation = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("framework_version")
        .get(pk=observation.pk)
    )
    if observation.status != Observation.Status.DRAFT:
        return observation  # submitting twice is not an error
    answered = set(observation.ratings.values_list("dimension_id", flat=True))
    _submit_locked(actor, observation, answered)
    return observation


def observation_submit_own(*, actor: User, uuid: uuid_module.UUID) -> dict[str, Any] | None:
    """The API's submit: `observation_submit` of the actor's observation `uuid`, read once
    with one read of its ratings, which also give the state it returns; submitted with a
    compare-and-set on the revision read (`capture_writes.submit`), or under the lock when
    another save came in between. None when the actor has no observation with that UUID."""
    observation = _OWN_OBSERVATION_BY_UUID.first(uuid=uuid, observer=actor.pk)
    if observation is None:
        return None
    rows = _rating_rows(observation.pk)
    if observation.status != Observation.Status.DRAFT:  # submitting twice is not an error
        return _state(observation, rows)
    if _submit(actor, observation, {row["dimension_id"] for row in rows}):
        return _state(observation, rows)
    return _observation_submit_own_locked(actor=actor, uuid=uuid)


@transaction.atomic
def _observation_submit_own_locked(*, actor: User, uuid: uuid_module.UUID) -> dict[str, Any] | None:
    observation = _OWN_OBSERVATION_BY_UUID_LOCKED.first(uuid=uuid, observer=actor.pk)
    if observation is None:  # removed in between
        return None
    rows = _rating_rows(observation.pk)
    if observation.status == Observation.Status.DRAFT:
        _submit_locked(actor, observation, {row["dimension_id"] for row in rows})
    return _state(observation, rows)


def _submit_locked(actor: User, observation: Observation, answered: set[int]) -> None:
    if not _submit(actor, observation, answered):  # cannot happen: the caller holds the lock
        raise RuntimeError("a locked submit was not applied")


def _submit(actor: User, observation: Observation, answered: set[int]) -> bool:
    """Submit the draft `observation` whose ratings name `answered`, if it is still at the
    revision it was read with (always, when the caller holds its lock); False otherwise."""
    if answered.issuperset(_layout(observation.framework_version).dimensions):
        missing = []
    else:  # names only when something is missing
        missing = [
            d.name
            for d in Dimension.objects.filter(version_id=observation.framework_version_id).order_by(
                "order"
            )
            if d.pk not in answered
        ]
    if missing:
        raise PayloadError(
            {
                "ratings": _('not answered yet: %(names)s (choose a step or "not observed")')
                % {"names": ", ".join(missing)}
            }
        )
    if not capture_writes.submit(observation, actor.pk):
        return False
    _round_changed(observation.round_id)
    return True


def _round_changed(round_id: int) -> None:
    """With a task worker, refit the round's scale right after the change is committed; inline
    (the default) the scale refits lazily when someone next looks at it."""
    from django.conf import settings

    if settings.TASKS_BACKEND == "database":
        from samsyn.observations.tasks import refresh_round_measurement

        transaction.on_commit(lambda: refresh_round_measurement.enqueue(round_id))


def _release(observation: Observation, actor: User) -> None:
    observation.status = Observation.Status.RELEASED
    observation.released_at = timezone.now()
    observation.save(update_fields=["status", "released_at", "updated_at"])
    ObservationEvent.objects.create(observation=observation, actor=actor, action="release")


@transaction.atomic
def observation_release(*, actor: User, observation: Observation) -> Observation:
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.status == Observation.Status.RELEASED:
        return observation
    if observation.status != Observation.Status.SUBMITTED:
        raise ValidationError(ERR_NOT_SUBMITTED)
    _release(observation, actor)
    return observation


@transaction.atomic
def observation_reopen(*, actor: User, observation: Observation, reason: str) -> Observation:
    """Back to draft (and no longer visible to the teacher); the reason is logged."""
    if not reason.strip():
        raise ValidationError({"reason": ERR_REASON})
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    observation.status = Observation.Status.DRAFT
    observation.released_at = None
    observation.submitted_at = None
    observation.revision += 1
    observation.save(
        update_fields=["status", "released_at", "submitted_at", "revision", "updated_at"]
    )
    ObservationEvent.objects.create(
        observation=observation, actor=actor, action="reopen", reason=reason.strip()
    )
    _round_changed(observation.round_id)
    return observation


@transaction.atomic
def observation_acknowledge(
    *, teacher: User, observation: Observation, comment: str
) -> Observation:
    if observation.teacher_id != teacher.pk or observation.status != Observation.Status.RELEASED:
        raise ValidationError(ERR_NOT_RELEASED)
    observation.acknowledged_at = observation.acknowledged_at or timezone.now()
    observation.teacher_comment = comment.strip()
    observation.save(update_fields=["acknowledged_at", "teacher_comment", "updated_at"])
    ObservationEvent.objects.create(observation=observation, actor=teacher, action="acknowledge")
    return observation


@transaction.atomic
def conflict_resolve(*, conflict: Conflict) -> None:
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["resolved_at"])


def coverage_rows(round_: Round) -> dict[str, list[dict[str, Any]]]:
    """Observed / planned / missing per school, observer and teacher (computed in 3 queries)."""
    done_statuses = Observation.COUNTED
    observations = list(
        round_.observations.values("teacher_id", "observer_id", "school_id", "status")
    )
    assignments = list(
        round_.assignments.values("teacher_id", "observer_id", "school_id", "planned_at", "pk")
    )
    done_by_assignment = set(
        round_.observations.filter(status__in=done_statuses, assignment__isnull=False).values_list(
            "assignment_id", flat=True
        )
    )
    now = timezone.now()
    per: dict[str, dict[int, Counter]] = {
        "school": defaultdict(Counter),
        "observer": defaultdict(Counter),
        "teacher": defaultdict(Counter),
    }
    for o in observations:
        if o["status"] in done_statuses:
            for key in per:
                per[key][o[f"{key}_id"]]["observed"] += 1
    for a in assignments:
        overdue = a["pk"] not in done_by_assignment and (
            (a["planned_at"] is not None and a["planned_at"] < now)
            or round_.ends_on < timezone.localdate()
        )
        for key in per:
            per[key][a[f"{key}_id"]]["planned"] += 1
            if overdue:
                per[key][a[f"{key}_id"]]["overdue"] += 1
    teachers = {e.teacher_id: e for e in round_.round_teachers.select_related("teacher", "school")}
    target = round_.target_lessons
    for teacher_id in teachers:
        per["teacher"][teacher_id]["target"] = target
    for entry in teachers.values():
        per["school"][entry.school_id]["target"] += target
    names = {
        "school": dict(Organisation.objects.filter(pk__in=per["school"]).values_list("pk", "name")),
        "observer": dict(
            User.objects.filter(pk__in=per["observer"]).values_list("pk", "full_name")
        ),
        "teacher": {pk: str(e.teacher) for pk, e in teachers.items()},
    }
    result: dict[str, list[dict[str, Any]]] = {}
    for key, counters in per.items():
        rows = []
        for pk, counts in counters.items():
            planned_or_target = max(counts["target"], counts["planned"])
            rows.append(
                {
                    "id": pk,
                    "name": names[key].get(pk, "?"),
                    "observed": counts["observed"],
                    "planned": counts["planned"],
                    "target": counts["target"],
                    "missing": max(0, planned_or_target - counts["observed"]),
                    "overdue": counts["overdue"],
                }
            )
        result[key] = sorted(rows, key=lambda r: r["name"])
    return result

"""The capture's writes: each one short, and each applied only while the observation is still
as the save read it (compare-and-set on its revision and status).

A capture save reads the observation without a lock, checks the content against the framework
and the revision the device built on, and only then writes (`services.observation_save`).
The write names the revision it was checked against: `update_draft` and `submit` change
nothing and answer False when another save came in between (the caller then decides again
under a lock). Every save bumps the revision, so an unchanged revision means unchanged ratings.

- **PostgreSQL**: each write is one statement (data-modifying CTEs), so outside a transaction
  it needs no BEGIN and COMMIT: a create is 1 round trip instead of 4, an update 1 instead of
  5, a submit 1 instead of 5 (measured before: the transaction's two round trips and one
  statement per table were most of the server's CPU per save, `benchmarks/
  profile_capture_save.py`). An update keeps the ratings that stay (upsert on the rating's
  unique observation and dimension), removes those no longer sent and changes only the
  criteria that changed, so no row is ever deleted and inserted again in one statement (the
  order in which a statement's parts run is not defined). The criteria's foreign key to their
  rating is checked at the end of the statement (Django's constraints are deferred).
- **SQLite**: the same steps as several statements in one short transaction. The write lock
  (`transaction_mode` IMMEDIATE) is now held only for the statements, not while the save is
  checked (before: the whole save, about 1 ms of Python, and a re-sent save took the lock
  without writing anything).

PostgreSQL's statements send no `pre_save` or `post_save`: the one receiver of either for
observations and their events (the dashboards' summaries, `summaries._observation_saved`)
marks a (round, teacher) pending when an observation is counted, which only a submit does
here, and `submit` marks it in the same statement (and keeps `loaded_status` as the receiver
does). `samsyn/observations/tests/test_capture_writes.py` fails when another receiver is
connected.
"""

from __future__ import annotations

import functools
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from samsyn.lib.prepared import PreparedSave, statement_cursor
from samsyn.observations.models import (
    Observation,
    ObservationEvent,
    Rating,
    RatingSummaryPending,
)

CONTEXT_FIELDS = ("subject", "grade", "group_size", "minutes_observed", "observed_on")
DRAFT = Observation.Status.DRAFT
RATINGS, LINKS = Rating._meta.db_table, Rating.criteria.through._meta.db_table


def _all_fields(model: type) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


# What `save()` would write, as one statement each (SQLite; their columns and values build the
# PostgreSQL statements below).
INSERT_OBSERVATION = PreparedSave(Observation, _all_fields(Observation))
UPDATE_DRAFT = PreparedSave(
    Observation, [*CONTEXT_FIELDS, "revision", "payload_hash", "updated_at"]
)
UPDATE_SUBMITTED = PreparedSave(Observation, ["status", "submitted_at", "revision", "updated_at"])
INSERT_EVENT = PreparedSave(ObservationEvent, _all_fields(ObservationEvent))


@functools.cache
def _pg_statements() -> dict[str, str]:
    """PostgreSQL's three writes, made once. Every plan reaches a growing table through an
    index, also as a generic plan (samsyn/observations/tests/test_query_plans.py)."""
    observations = Observation._meta.db_table
    values = ", ".join(["%s"] * len(INSERT_OBSERVATION.fields))
    event_values = ", ".join(["%s"] * len(INSERT_EVENT.fields))
    pending = RatingSummaryPending._meta.db_table
    new_ratings = "unnest(%s::bigint[], %s::bigint[], %s::text[]) AS n(dimension_id, step_id, note)"
    new_links = "unnest(%s::bigint[], %s::bigint[]) AS link(dimension_id, criterion_id)"
    create = f"""
WITH obs AS (
    INSERT INTO {observations} ({INSERT_OBSERVATION.columns()}) VALUES ({values}) RETURNING id
), new AS (
    INSERT INTO {RATINGS} (observation_id, dimension_id, step_id, note)
    SELECT obs.id, n.dimension_id, n.step_id, n.note FROM obs, {new_ratings}
    RETURNING id, dimension_id
), links AS (
    INSERT INTO {LINKS} (rating_id, criterion_id)
    SELECT new.id, link.criterion_id
    FROM new JOIN {new_links} ON link.dimension_id = new.dimension_id
)
SELECT id FROM obs
"""  # noqa: S608
    update = f"""
WITH upd AS (
    UPDATE {observations} SET {UPDATE_DRAFT.set_clause()}
    WHERE id = %s AND revision = %s AND status = %s
    RETURNING id
), kept AS (
    INSERT INTO {RATINGS} AS r (observation_id, dimension_id, step_id, note)
    SELECT upd.id, n.dimension_id, n.step_id, n.note FROM upd, {new_ratings}
    ON CONFLICT (observation_id, dimension_id)
        DO UPDATE SET step_id = EXCLUDED.step_id, note = EXCLUDED.note
    RETURNING r.id, r.dimension_id
), gone AS (
    DELETE FROM {RATINGS}
    WHERE observation_id = (SELECT id FROM upd) AND dimension_id <> ALL(%s::bigint[])
), links AS (
    SELECT kept.id AS rating_id, link.criterion_id
    FROM kept JOIN {new_links} ON link.dimension_id = kept.dimension_id
), added AS (
    INSERT INTO {LINKS} (rating_id, criterion_id)
    SELECT rating_id, criterion_id FROM links
    ON CONFLICT DO NOTHING
), dropped AS (
    DELETE FROM {LINKS} c
    WHERE c.rating_id = ANY(ARRAY(
            SELECT r.id FROM {RATINGS} r WHERE r.observation_id = (SELECT id FROM upd)))
        AND NOT EXISTS (
            SELECT 1 FROM links
            WHERE links.rating_id = c.rating_id AND links.criterion_id = c.criterion_id)
)
SELECT count(*) FROM upd
"""  # noqa: S608
    submit = f"""
WITH upd AS (
    UPDATE {observations} SET {UPDATE_SUBMITTED.set_clause()}
    WHERE id = %s AND revision = %s AND status = %s
    RETURNING id, round_id, teacher_id
), pending AS (
    INSERT INTO {pending} (round_pk, teacher_pk)
    SELECT round_id, teacher_id FROM upd
    ON CONFLICT DO NOTHING
), event AS (
    INSERT INTO {ObservationEvent._meta.db_table} ({INSERT_EVENT.columns()})
    SELECT {event_values} FROM upd
)
SELECT count(*) FROM upd
"""  # noqa: S608
    return {"create": create, "update": update, "submit": submit}


def stored_note(rating: dict[str, Any]) -> str:
    """A rating's note as it is stored (and as a save answers with it)."""
    return (rating.get("note") or "").strip()[:2000]


def stored_criteria(rating: dict[str, Any]) -> list[int]:
    """A rating's criteria as they are stored: each once, in order."""
    return sorted(set(rating.get("criteria") or []))


def _criteria_pairs(ratings: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(dimension, criterion) for every criterion of every rating."""
    return [(r["dimension_id"], c) for r in ratings for c in stored_criteria(r)]


def _rating_arrays(ratings: list[dict[str, Any]]) -> list[Any]:
    """The ratings as the PostgreSQL statements take them: three arrays for the ratings
    (dimension, step, note) and two for their criteria (dimension, criterion)."""
    links = _criteria_pairs(ratings)
    return [
        [r["dimension_id"] for r in ratings],
        [r.get("step_id") for r in ratings],
        [stored_note(r) for r in ratings],
        [link[0] for link in links],
        [link[1] for link in links],
    ]


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def create(observation: Observation, ratings: list[dict[str, Any]]) -> None:
    """Insert the new `observation` (its primary key is set) with its ratings. A second
    observation with the same UUID raises IntegrityError, and nothing is written."""
    if not _postgresql():
        with transaction.atomic():
            INSERT_OBSERVATION.insert(observation)
            _write_ratings_sqlite(observation, ratings, replace=False)
        return
    values = INSERT_OBSERVATION.values(observation, add=True)
    # In a caller's transaction (tests, the demo), a savepoint keeps it usable after a clash.
    block = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with block, statement_cursor(connection) as cursor:
        cursor.execute(_pg_statements()["create"], [*values, *_rating_arrays(ratings)])
        observation.pk = cursor.fetchone()[0]
    observation._state.adding = False
    observation._state.db = "default"
    observation.loaded_status = observation.status  # as the summaries' receiver sets it


def update_draft(observation: Observation, ratings: list[dict[str, Any]], *, base: int) -> bool:
    """Store `observation`'s context fields, revision and hash, and replace its ratings with
    `ratings`, if it is still a draft at revision `base`; False (nothing written) otherwise."""
    expected = {"revision": base, "status": DRAFT}
    if not _postgresql():
        with transaction.atomic():
            if not UPDATE_DRAFT.update(observation, expected=expected):
                return False
            _write_ratings_sqlite(observation, ratings, replace=True)
        return True
    values = UPDATE_DRAFT.values(observation, add=False)
    arrays = _rating_arrays(ratings)
    params = [*values, observation.pk, base, DRAFT, *arrays[:3], arrays[0], *arrays[3:]]
    with statement_cursor(connection) as cursor:
        cursor.execute(_pg_statements()["update"], params)
        return cursor.fetchone()[0] == 1  # loaded_status: still a draft, as read


def submit(observation: Observation, actor_id: int) -> bool:
    """Submit the draft `observation` (its status, time and revision are set here) with its
    event, and mark its summary pending, if it is still a draft at the revision it was read
    with; False (nothing written, `observation` unchanged) otherwise."""
    base = observation.revision
    observation.status = Observation.Status.SUBMITTED
    observation.submitted_at = timezone.now()
    observation.revision = base + 1
    expected = {"revision": base, "status": DRAFT}
    event = ObservationEvent(observation=observation, actor_id=actor_id, action="submit")
    if not _postgresql():
        with transaction.atomic():
            done = UPDATE_SUBMITTED.update(observation, expected=expected)
            if done:
                INSERT_EVENT.insert(event)
    else:
        params = [
            *UPDATE_SUBMITTED.values(observation, add=False),
            observation.pk,
            base,
            DRAFT,
            *INSERT_EVENT.values(event, add=True),
        ]
        with statement_cursor(connection) as cursor:
            cursor.execute(_pg_statements()["submit"], params)
            done = cursor.fetchone()[0] == 1
    if not done:
        observation.status, observation.submitted_at, observation.revision = DRAFT, None, base
    else:
        observation.loaded_status = observation.status  # as the summaries' receiver sets it
    return done


def _write_ratings_sqlite(
    observation: Observation, ratings: list[dict[str, Any]], *, replace: bool
) -> None:
    """SQLite: two DELETEs (the old ratings' criteria, then the ratings) and two INSERTs (the
    ratings, whose ids come back with their dimension, then their criteria), written out: no
    collector, no model instances, no query compiled on every save."""
    through = Rating.criteria.through
    qn = connection.ops.quote_name
    ratings_table, links_table = qn(RATINGS), qn(LINKS)
    with statement_cursor(connection) as cursor:
        if replace:
            cursor.execute(
                f"DELETE FROM {links_table} WHERE {qn('rating_id')} IN "  # noqa: S608
                f"(SELECT {qn('id')} FROM {ratings_table} WHERE {qn('observation_id')} = %s)",
                [observation.pk],
            )
            cursor.execute(
                f"DELETE FROM {ratings_table} WHERE {qn('observation_id')} = %s",  # noqa: S608
                [observation.pk],
            )
        if not ratings:
            return
        rows = [
            (observation.pk, r["dimension_id"], r.get("step_id"), stored_note(r)) for r in ratings
        ]
        columns = ", ".join(qn(c) for c in ("observation_id", "dimension_id", "step_id", "note"))
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        cursor.execute(
            f"INSERT INTO {ratings_table} ({columns}) VALUES {values} "  # noqa: S608
            f"RETURNING {qn('id')}, {qn('dimension_id')}",
            [value for row in rows for value in row],
        )
        rating_ids = {dimension_id: pk for pk, dimension_id in cursor.fetchall()}
        links = [(rating_ids[dimension], c) for dimension, c in _criteria_pairs(ratings)]
        if links:
            pairs = ", ".join(["(%s, %s)"] * len(links))
            cursor.execute(
                f"INSERT INTO {qn(through._meta.db_table)} "  # noqa: S608
                f"({qn('rating_id')}, {qn('criterion_id')}) VALUES {pairs}",
                [value for link in links for value in link],
            )

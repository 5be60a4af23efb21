"""The capture's prepared statements keep reaching the observation tables through indexes as
the tables grow.

On PostgreSQL the capture's hot statements are prepared on the server once per connection
(samsyn.lib.prepared.statement_cursor), and the server may keep one generic plan for all later
runs. A generic plan made while the tables are small (a new installation, the first minutes of
an observation day) may scan a whole table; the plan is kept while the table grows by thousands
of rows a minute, until the connection ends or the table is next analyzed. Measured before the
fix (benchmarks/bench_capture_load.py, 1,000 observers on a fresh PostgreSQL database): the
rating criteria were read by sequential scans on every update and submit, and the server's CPU
per save grew to 2.4 ms, three times what the same statements cost through their indexes.

The test makes the worst case certain: every statement is planned generically on its first run,
while the tables hold one day's first observation, then the tables grow by thousands of rows
without an ANALYZE, and each prepared statement's plan is read with EXPLAIN.
"""

from __future__ import annotations

import json
import unittest
import uuid

from django.conf import settings
from django.db import connection

from samsyn.observations.models import Observation, Rating
from samsyn.observations.tests.factories import default_version, full_ratings, make_round
from samsyn.test import BaseTestCase

# The tables a capture day fills; reference data (frameworks, the round, its people) stays small.
GROWING = ("observations_", "accounts_session")


@unittest.skipUnless(
    connection.vendor == "postgresql" and getattr(settings, "SAMSYN_PG_PREPARE", True),
    "PostgreSQL prepares statements",
)
class GenericPlanTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.round = make_round(self)
        self.assignment = self.round.assignments.first()
        self.ratings = full_ratings(default_version())
        self.client.force_login(self.oscar)
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                self.skipTest("PostgreSQL as a superuser only: it resets the tables' statistics")
            # Undone with the test's transaction: plan every statement once, generically, now.
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            # ... on the statistics of a new installation (never analyzed), whatever the tests
            # before this one left: ANALYZE in a rolled-back test (the demo's build runs it)
            # still leaves its page and row counts in pg_class, and the plans then depended on
            # which tests a worker had run before (a seq scan of each table in one CI run).
            cursor.execute(
                "SELECT oid FROM pg_class WHERE relkind = 'r' AND relname LIKE ANY(%s)",
                [[f"{prefix}%" for prefix in GROWING]],
            )
            tables = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "UPDATE pg_class SET relpages = 0, reltuples = -1 WHERE oid = ANY(%s)", [tables]
            )
            cursor.execute("DELETE FROM pg_statistic WHERE starelid = ANY(%s)", [tables])

    def capture_cycle(self) -> Observation:
        uid = uuid.uuid4()
        path = f"/api/v1/observations/{uid}"
        body = {"assignment_id": self.assignment.pk, "subject": "Matematik"}
        steps = [
            (self.client.put, path, {**body, "base_revision": 0, "ratings": self.ratings[1:]}),
            (self.client.put, path, {**body, "base_revision": 1, "ratings": self.ratings}),
            (self.client.put, path, {**body, "base_revision": 1, "ratings": self.ratings}),
            (self.client.post, f"{path}/submit", None),
        ]
        for send, url, payload in steps:
            data = json.dumps(payload) if payload is not None else ""
            response = send(url, data=data, content_type="application/json")
            self.assertIn(response.status_code, (200, 201), response.content)
        return Observation.objects.get(uuid=uid)

    def grow(self, template: Observation, observations: int) -> None:
        """Copies of the template observation, each with its ratings and their criteria."""
        fields = [
            f.column
            for f in Observation._meta.concrete_fields
            if f.column not in ("id", "uuid", "status", "submitted_at")
        ]
        columns = ", ".join(f'"{c}"' for c in fields)
        observation = Observation._meta.db_table
        rating = Rating._meta.db_table
        criteria = Rating.criteria.through._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO {observation} ("uuid", "status", {columns}) '  # noqa: S608
                f"SELECT gen_random_uuid(), 'draft', {columns} "
                f"FROM {observation}, generate_series(1, %s) WHERE id = %s",
                [observations, template.pk],
            )
            cursor.execute(
                f"INSERT INTO {rating} (observation_id, dimension_id, step_id, note) "  # noqa: S608
                f"SELECT o.id, r.dimension_id, r.step_id, r.note FROM {observation} o "
                f"CROSS JOIN {rating} r WHERE o.id <> %s AND r.observation_id = %s",
                [template.pk, template.pk],
            )
            cursor.execute(
                f"INSERT INTO {criteria} (rating_id, criterion_id) "  # noqa: S608
                f"SELECT copy.id, link.criterion_id FROM {criteria} link "
                f"JOIN {rating} r ON r.id = link.rating_id AND r.observation_id = %s "
                f"JOIN {rating} copy ON copy.dimension_id = r.dimension_id "
                "AND copy.observation_id <> %s",
                [template.pk, template.pk],
            )

    def test_the_prepared_statements_read_the_growing_tables_through_indexes(self):
        template = self.capture_cycle()
        self.grow(template, 3000)
        self.assertGreater(Rating.objects.count(), 20_000)
        self.capture_cycle()  # the plans made on the small tables are the ones used now
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, statement, cardinality(parameter_types) FROM pg_prepared_statements"
            )
            prepared = cursor.fetchall()
            self.assertGreaterEqual(len(prepared), 8, prepared)  # the cycle's hot statements
            scans = {}
            for name, sql, arity in prepared:
                args = f"({', '.join(['NULL'] * arity)})" if arity else ""
                cursor.execute(f"EXPLAIN EXECUTE {name}{args}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                if any(f"Seq Scan on {table}" in plan for table in GROWING):
                    scans[sql] = plan
        self.assertEqual(scans, {}, "\n\n".join(f"{sql}\n{plan}" for sql, plan in scans.items()))

"""What a capture save costs: the frozen framework version's layout is read once per process,
a draft's every time; a save answers from what it stored instead of reading it back."""

from __future__ import annotations

import json
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samsyn.api import api
from samsyn.frameworks import layout
from samsyn.frameworks import services as framework_services
from samsyn.frameworks.models import Dimension, Step
from samsyn.observations import services
from samsyn.observations.models import Observation
from samsyn.observations.tests.factories import default_version, full_ratings, make_round
from samsyn.test import BaseTestCase

FRAMEWORK_TABLES = ("frameworks_dimension", "frameworks_step", "frameworks_criterion")


def framework_reads(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and any(t in q["sql"] for t in FRAMEWORK_TABLES)
    ]


class LayoutCacheTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        layout.cache_clear()

    def test_a_published_versions_layout_is_read_once(self):
        version = default_version()
        with self.assertNumQueries(3):
            first = layout.version_layout(version.pk, published_at=version.published_at)
        with self.assertNumQueries(0):
            again = layout.version_layout(version.pk, published_at=version.published_at)
        self.assertIs(first, again)
        self.assertEqual(
            list(first.dimensions),
            list(version.dimensions.order_by("order").values_list("pk", flat=True)),
        )
        self.assertEqual(layout.cache_info().hits, 1)

    def test_a_drafts_layout_is_not_cached(self):
        draft = framework_services.version_new_draft(
            framework=default_version().framework, actor=self.pia
        )
        self.assertIsNone(draft.published_at)
        before = layout.version_layout(draft.pk, published_at=None)
        dimension = Dimension.objects.filter(version=draft).order_by("order").first()
        step = framework_services.step_add(dimension=dimension)
        with self.assertNumQueries(3):
            after = layout.version_layout(draft.pk, published_at=None)
        self.assertNotIn(step.pk, before.step_dimension)
        self.assertEqual(after.step_dimension[step.pk], dimension.pk)
        self.assertEqual(layout.cache_info().currsize, 0)

    def test_a_published_draft_gets_its_own_entry(self):
        """The cache key includes the publication time: what was read as a draft is not reused."""
        draft = framework_services.version_new_draft(
            framework=default_version().framework, actor=self.pia
        )
        layout.version_layout(draft.pk, published_at=None)
        published = framework_services.version_publish(version=draft, actor=self.pia)
        with self.assertNumQueries(3):
            layout.version_layout(published.pk, published_at=published.published_at)
        self.assertEqual(layout.cache_info().currsize, 1)


class SaveQueriesTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        layout.cache_clear()
        self.round = make_round(self)
        self.assignment = self.round.assignments.first()
        self.ratings = full_ratings(default_version())
        self.client.force_login(self.oscar)

    def put(self, uid, ratings, base_revision):
        body = {"base_revision": base_revision, "assignment_id": self.assignment.pk}
        return self.client.put(
            f"/api/v1/observations/{uid}",
            data=json.dumps({**body, "ratings": ratings}),
            content_type="application/json",
        )

    def test_saves_after_the_first_do_not_read_the_framework(self):
        first = uuid.uuid4()
        self.assertEqual(self.put(first, self.ratings[:3], 0).status_code, 201)
        with CaptureQueriesContext(connection) as queries:
            second = uuid.uuid4()
            self.assertEqual(self.put(second, self.ratings[:3], 0).status_code, 201)
            self.assertEqual(self.put(second, self.ratings, 1).status_code, 200)
            self.assertEqual(self.put(second, self.ratings, 1).status_code, 200)
        self.assertEqual(framework_reads(queries), [])

    def test_a_draft_versions_round_reads_the_framework_every_save(self):
        draft = framework_services.version_new_draft(
            framework=default_version().framework, actor=self.pia
        )
        self.round.framework_version = draft  # a round on a draft (not allowed by the forms)
        self.round.save(update_fields=["framework_version"])
        ratings = full_ratings(draft)
        uid = uuid.uuid4()
        self.assertEqual(self.put(uid, ratings[:2], 0).status_code, 201)
        dimension = Dimension.objects.get(pk=ratings[0]["dimension_id"])
        new_step = framework_services.step_add(dimension=dimension)
        changed = [{**ratings[0], "step_id": new_step.pk, "criteria": []}, *ratings[1:]]
        with CaptureQueriesContext(connection) as queries:
            response = self.put(uid, changed, 1)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertTrue(framework_reads(queries))
        self.assertEqual(response.json()["ratings"][0]["step_id"], new_step.pk)
        self.assertTrue(Step.objects.filter(pk=new_step.pk).exists())

    def test_the_answer_is_what_is_stored(self):
        """The state a save answers with (built from what it wrote) equals a fresh read."""
        uid = uuid.uuid4()
        messy = [
            {**r, "criteria": list(reversed(r["criteria"])) * 2, "note": "  i par  "}
            for r in reversed(self.ratings)
        ]
        messy[0] = {**messy[0], "step_id": None, "not_observed": True, "criteria": []}
        for base, ratings in ((0, messy[:4]), (1, messy), (1, messy)):
            response = self.put(uid, ratings, base)
            self.assertIn(response.status_code, (200, 201))
            stored = services.observation_state(Observation.objects.get(uuid=uid))
            self.assertEqual(response.json(), stored)
        self.assertEqual(stored["revision"], 2)
        self.assertEqual(stored["ratings"][0]["note"], "i par")


class QueriesPerRequestTests(BaseTestCase):
    """Every statement one capture request sends, session and authentication included (#24):
    the session row with its user in one read, then the save itself. The rate window is
    written once in ten requests (`ApiRateThrottle`'s lease): the warm-up request writes it."""

    # create: session+user, observation, assignment, then the write: PostgreSQL one statement
    #   (the observation, its ratings and their criteria), SQLite 3 INSERTs
    # update: session+user, observation, then the write: PostgreSQL one statement (the
    #   observation's revision compared and set, its ratings and criteria changed), SQLite an
    #   UPDATE, 2 DELETEs, 2 INSERTs
    # resend: session+user, observation (the same content: nothing written)
    # submit: session+user, observation, its ratings, then the write: PostgreSQL one statement
    #   (status, summary mark, event), SQLite an UPDATE, the summary mark, the event
    MAXIMUM = (
        {"create": 4, "update": 3, "resend": 2, "submit": 4}
        if connection.vendor == "postgresql"
        else {"create": 6, "update": 7, "resend": 2, "submit": 6}
    )

    def setUp(self):
        super().setUp()
        layout.cache_clear()
        api.throttle._leases.clear()  # no allowance left from another test
        self.round = make_round(self)
        self.assignment = self.round.assignments.first()
        self.ratings = full_ratings(default_version())
        self.client.force_login(self.oscar)

    def statements(self, method, path, body=None) -> tuple[int, list[str]]:
        data = json.dumps(body) if body is not None else ""
        with CaptureQueriesContext(connection) as queries:
            response = getattr(self.client, method)(
                path, data=data, content_type="application/json"
            )
        sql = [q["sql"] for q in queries.captured_queries]
        # The test case's own transaction turns each atomic block into savepoints.
        self.savepoints = [s for s in sql if "SAVEPOINT" in s]
        return response.status_code, [s for s in sql if "SAVEPOINT" not in s]

    def test_each_request_stays_within_its_statements(self):
        warm = f"/api/v1/observations/{uuid.uuid4()}"
        self.client.put(
            warm,
            data=json.dumps({"base_revision": 0, "assignment_id": self.assignment.pk}),
            content_type="application/json",
        )  # the layout cache, and the rate window's row: ten requests counted
        path = f"/api/v1/observations/{uuid.uuid4()}"
        body = {"base_revision": 0, "assignment_id": self.assignment.pk, "subject": "Matematik"}
        steps = [
            ("create", "put", path, {**body, "ratings": self.ratings[1:]}, 201),
            ("update", "put", path, {**body, "base_revision": 1, "ratings": self.ratings}, 200),
            ("resend", "put", path, {**body, "base_revision": 1, "ratings": self.ratings}, 200),
            ("submit", "post", f"{path}/submit", None, 200),
        ]
        for kind, method, url, data, want in steps:
            status, sql = self.statements(method, url, data)
            self.assertEqual(status, want, kind)
            self.assertLessEqual(len(sql), self.MAXIMUM[kind], f"{kind}: " + "\n".join(sql))
            self.assertIn("accounts_user", sql[0], "the session is read with its user")
            self.assertFalse(
                any(s.startswith("SELECT") and '"accounts_user"."id" = ' in s for s in sql[1:]),
                f"{kind}: the user is read again",
            )
            if kind == "resend" or (connection.vendor == "postgresql" and kind != "create"):
                # No transaction: one statement (PostgreSQL), or nothing written. A
                # PostgreSQL create has a savepoint only inside a caller's transaction.
                self.assertEqual(self.savepoints, [], kind)

    def test_another_observers_uuid_cannot_be_submitted(self):
        path = f"/api/v1/observations/{uuid.uuid4()}"
        body = {"base_revision": 0, "assignment_id": self.assignment.pk, "ratings": self.ratings}
        self.assertEqual(self.statements("put", path, body)[0], 201)
        self.client.force_login(self.charlie)
        self.assertEqual(self.statements("post", f"{path}/submit")[0], 404)
        self.assertEqual(Observation.objects.get().status, Observation.Status.DRAFT)

"""The capture API: idempotent saves, conflicts kept for review, validation naming the field."""

from __future__ import annotations

import json
import uuid

from samsyn.observations.models import Conflict, Observation, Rating
from samsyn.observations.tests.factories import default_version, full_ratings, make_round
from samsyn.test import BaseTestCase


class CaptureApiTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.round = make_round(self)
        self.assignment = self.round.assignments.first()
        self.version = default_version()
        self.ratings = full_ratings(self.version)
        self.uuid = uuid.uuid4()
        self.client.force_login(self.oscar)

    def put(self, body: dict, *, uid=None, client=None):
        return (client or self.client).put(
            f"/api/v1/observations/{uid or self.uuid}",
            data=json.dumps(body),
            content_type="application/json",
        )

    def body(self, ratings, base_revision=0, **extra):
        return {
            "base_revision": base_revision,
            "assignment_id": self.assignment.pk,
            "ratings": ratings,
            **extra,
        }

    def test_it_creates_then_updates_a_draft(self):
        response = self.put(self.body(self.ratings[:3], subject="Matematik"))
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["revision"], 1)
        response = self.put(self.body(self.ratings[:4], base_revision=1))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["revision"], 2)
        observation = Observation.objects.get(uuid=self.uuid)
        self.assertEqual(observation.ratings.count(), 4)
        self.assertEqual(observation.framework_version, self.version)
        self.assertEqual(observation.teacher, self.alice)

    def test_a_resent_request_stores_exactly_once(self):
        body = self.body(self.ratings[:3])
        first = self.put(body)
        second = self.put(body)  # the response to the first was lost; the device retries
        self.assertEqual((first.status_code, second.status_code), (201, 200))
        self.assertEqual(second.json()["revision"], 1)
        self.assertEqual(Observation.objects.count(), 1)
        self.assertEqual(Rating.objects.count(), 3)
        # The retry of an update (same content, old base revision) is not a conflict either.
        update = self.body(self.ratings[:5], base_revision=1)
        self.assertEqual(self.put(update).status_code, 200)
        again = self.put(update)
        self.assertEqual((again.status_code, again.json()["revision"]), (200, 2))
        self.assertFalse(Conflict.objects.exists())

    def test_a_conflicting_edit_from_another_device_is_kept_not_overwritten(self):
        self.put(self.body(self.ratings[:3]))
        tablet = self.body(self.ratings[:4], base_revision=1)
        self.assertEqual(self.put(tablet).status_code, 200)  # revision 2 from the tablet
        phone = self.body(self.ratings[:2], base_revision=1, subject="Svenska")  # stale phone
        response = self.put(phone)
        self.assertEqual(response.status_code, 409)
        payload = response.json()
        self.assertEqual(payload["reason"], "conflict")
        self.assertEqual(len(payload["server"]["ratings"]), 4)
        self.assertEqual(len(payload["yours"]["ratings"]), 2)
        self.assertEqual(payload["yours"]["subject"], "Svenska")
        self.assertEqual(Observation.objects.get().ratings.count(), 4)
        conflict = Conflict.objects.get()
        self.assertEqual((conflict.base_revision, conflict.server_revision), (1, 2))
        self.assertEqual(len(conflict.incoming["ratings"]), 2)
        # The observer chooses "keep mine": resend on top of the server's revision.
        response = self.put(self.body(self.ratings[:2], base_revision=2, subject="Svenska"))
        self.assertEqual((response.status_code, response.json()["revision"]), (200, 3))

    def test_it_refuses_a_step_outside_the_framework(self):
        other_step = self.version.dimensions.get(order=2).steps.first()
        bad = [dict(self.ratings[0], step_id=other_step.pk)]
        response = self.put(self.body(bad))
        self.assertEqual(response.status_code, 422)
        self.assertIn("ratings[0].step_id", response.json()["errors"])
        self.assertFalse(Observation.objects.exists())

    def test_it_refuses_a_dimension_of_another_framework_version(self):
        from samsyn.frameworks import services as framework_services

        draft = framework_services.version_new_draft(framework=self.version.framework, actor=None)
        foreign = draft.dimensions.first()
        bad = [{"dimension_id": foreign.pk, "step_id": foreign.steps.first().pk}]
        response = self.put(self.body(bad))
        self.assertEqual(response.status_code, 422)
        self.assertIn("ratings[0].dimension_id", response.json()["errors"])

    def test_not_observed_is_an_answer_not_a_zero(self):
        ratings = [dict(self.ratings[0], step_id=None, not_observed=True, criteria=[])]
        self.assertEqual(self.put(self.body(ratings)).status_code, 201)
        rating = Rating.objects.get()
        self.assertIsNone(rating.step_id)
        self.assertTrue(rating.not_observed)
        missing = [dict(self.ratings[1], step_id=None, not_observed=False)]
        response = self.put(self.body(missing), uid=uuid.uuid4())
        self.assertIn("ratings[0].step_id", response.json()["errors"])

    def test_schema_errors_name_the_field(self):
        response = self.put(
            {"base_revision": -1, "assignment_id": self.assignment.pk, "group_size": "many"}
        )
        self.assertEqual(response.status_code, 422)
        text = json.dumps(response.json())
        self.assertIn("base_revision", text)
        self.assertIn("group_size", text)

    def test_submit_locks_and_is_idempotent(self):
        self.put(self.body(self.ratings[:3]))
        response = self.client.post(f"/api/v1/observations/{self.uuid}/submit")
        self.assertEqual(response.status_code, 422)
        self.assertIn("ratings", response.json()["errors"])
        self.put(self.body(self.ratings, base_revision=1))
        first = self.client.post(f"/api/v1/observations/{self.uuid}/submit")
        second = self.client.post(f"/api/v1/observations/{self.uuid}/submit")
        self.assertEqual((first.status_code, second.status_code), (200, 200))
        self.assertEqual(first.json()["status"], "submitted")
        # A late edit from a device that did not know: locked, kept for review.
        late = self.put(self.body(self.ratings[:1], base_revision=2))
        self.assertEqual((late.status_code, late.json()["reason"]), (409, "locked"))
        self.assertEqual(Observation.objects.get().ratings.count(), 10)
        self.assertEqual(Conflict.objects.count(), 1)

    def test_another_observer_cannot_touch_it(self):
        self.put(self.body(self.ratings[:3]))
        self.client.force_login(self.pia)
        response = self.put(self.body(self.ratings[:1], base_revision=1))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/observations/{self.uuid}").status_code, 404)
        self.assertEqual(
            self.client.post(f"/api/v1/observations/{self.uuid}/submit").status_code, 404
        )

    def test_an_observer_cannot_use_someone_elses_assignment(self):
        self.client.force_login(self.pia)
        response = self.put(self.body(self.ratings[:1]))
        self.assertEqual(response.status_code, 422)
        self.assertIn("assignment_id", response.json()["errors"])

    def test_it_lists_my_assignments_and_the_round_framework(self):
        response = self.client.get("/api/v1/assignments")
        self.assertEqual(len(response.json()), 2)
        self.assertEqual(response.json()[0]["teacher_name"], "Alice Teacher")
        framework = self.client.get(f"/api/v1/rounds/{self.round.pk}/framework").json()
        self.assertEqual(len(framework["dimensions"]), 10)
        self.client.force_login(self.charlie)
        self.assertEqual(
            self.client.get(f"/api/v1/rounds/{self.round.pk}/framework").status_code, 404
        )

"""Attack (issue 24, found beside the role homes): the coach reads a teacher's next steps
through the JSON API. The conversation's page audits each read of the teacher's coaching
record by the coach; `GET /api/v1/coaching/next-steps` gave the coach the step's text with
no audit row."""

from __future__ import annotations

from samsyn.accounts.models import AuditEvent
from samsyn.coaching.tests import factories
from samsyn.integrations import services as tokens
from samsyn.test import BaseTestCase

URL = "/api/v1/coaching/next-steps"


class NextStepApiAuditTests(BaseTestCase):
    def get(self, user):
        _token, secret = tokens.api_token_create(user=user, name="t", scopes=["read"])
        return self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}")

    def test_the_coachs_read_of_the_teachers_step_is_audited(self):
        conversation = factories.recorded(self)
        response = self.get(self.oscar)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([s["action"] for s in response.json()], ["Exit tickets varje lektion"])
        event = AuditEvent.objects.filter(actor=self.oscar, subject=self.alice).last()
        self.assertIsNotNone(event, "the coach read the teacher's next step unaudited")
        self.assertEqual(event.action, AuditEvent.Action.READ)
        self.assertEqual(event.object_id, str(conversation.next_step.pk))

    def test_the_teachers_own_read_is_not_audited_and_others_see_nothing(self):
        factories.recorded(self)
        before = AuditEvent.objects.count()
        self.assertEqual(len(self.get(self.alice).json()), 1)
        self.assertEqual(AuditEvent.objects.count(), before)
        for user in (self.pia, self.olle, self.bob):
            with self.subTest(user=user.email):
                self.assertEqual(self.get(user).json(), [])

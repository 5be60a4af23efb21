"""Attacks on the role homes (issue 24): a home page shows no one else's individual data that
is not audited where it is read, and no figure of a small group outside the school leadership.

Personas (samsyn/test.py): Oscar coaches Alice (a teacher at School A); Pia leads School A;
Olle administers the owner; Nina coordinates the network; Rita is a researcher.
"""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.models import AuditEvent
from samsyn.coaching.tests import factories
from samsyn.test import BaseTestCase


class CoachHomeTests(BaseTestCase):
    def test_the_coachs_home_does_not_read_out_the_teachers_next_step(self):
        """The next step agreed in Alice's coaching conversation is her coaching record: the
        conversation's page audits the coach's every read of it. The coach's home listed the
        follow-up with the step's text, read on every visit and never audited."""
        factories.recorded(self, follow_up_on=timezone.localdate())
        self.login(self.oscar)
        before = AuditEvent.objects.filter(actor=self.oscar, subject=self.alice).count()
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        conversation = reverse(
            "coaching:conversation", args=[self.alice.coaching_as_teacher.get().pk]
        )
        self.assertContains(response, conversation)  # the follow-up is still listed, linked
        shown = "Exit tickets varje lektion" in response.content.decode()
        audited = AuditEvent.objects.filter(actor=self.oscar, subject=self.alice).count() > before
        self.assertFalse(shown and not audited, "the step's text on the coach's home, unaudited")

    def test_the_teacher_still_sees_her_own_next_step(self):
        factories.recorded(self, follow_up_on=timezone.localdate())
        self.login(self.alice)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Exit tickets varje lektion")

    def test_no_one_elses_step_on_the_principals_owners_or_researchers_home(self):
        factories.recorded(self, follow_up_on=timezone.localdate())
        for user in (self.pia, self.olle, self.nina, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                body = self.client.get(reverse("home")).content.decode()
                self.assertNotIn("Exit tickets", body)
                self.assertIsNone(re.search(r"Alice Teacher", body))

"""Attack (issue 19, finding 3): coaching as a back door to someone else's observations.

Otto is an observer at School A who never observed Alice. Oscar observed three of her lessons.
Otto used to POST /coaching/conversations/new/ with teacher=Alice and Oscar's observation ids,
then open the conversation and read every rating. Played over HTTP with real sessions.
"""

from __future__ import annotations

from django.urls import reverse

from samsyn.accounts.models import AuditEvent, Membership, Role
from samsyn.coaching.models import Conversation
from samsyn.coaching.tests import factories
from samsyn.test import BaseTestCase, make_user


class CoachingBackDoorTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.otto = make_user("otto", "Otto Observer")
        Membership.objects.create(user=cls.otto, organisation=cls.school, role=Role.OBSERVER)

    def start_url(self) -> str:
        return reverse("coaching:conversation_start")

    def test_an_observer_cannot_open_a_conversation_on_lessons_they_may_not_read(self) -> None:
        lessons = factories.released(self, lessons=3, steps=[1, 3, 4])
        self.login(self.otto)
        listing = self.client.get(self.start_url(), {"teacher": self.alice.pk})
        self.assertIn(listing.status_code, (403, 404))
        response = self.client.post(
            self.start_url(),
            {
                "teacher": self.alice.pk,
                "coach": self.otto.pk,
                "observations": [o.pk for o in lessons],
            },
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(Conversation.objects.filter(teacher=self.alice).exists())
        # and no way round it through the teacher list either
        page = self.client.get(self.start_url())
        self.assertNotContains(page, "Alice Teacher", status_code=page.status_code)

    def test_the_observer_of_a_lesson_may_start_and_sees_only_their_own(self) -> None:
        mine = factories.released(self, lessons=1)  # Oscar observed Alice
        self.login(self.oscar)
        page = self.client.get(self.start_url())
        self.assertContains(page, "Alice Teacher")
        response = self.client.get(self.start_url(), {"teacher": self.alice.pk})
        self.assertEqual(response.status_code, 200)
        offered = list(response.context["form"].fields["observations"].queryset)
        self.assertEqual(offered, mine)
        event = AuditEvent.objects.get(object_type="coaching_start", actor=self.oscar)
        self.assertEqual(event.subject, self.alice)
        response = self.client.post(
            self.start_url(),
            {"teacher": self.alice.pk, "coach": self.oscar.pk, "observations": [mine[0].pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Conversation.objects.filter(teacher=self.alice, coach=self.oscar).exists())

    def test_the_teacher_asks_any_coach_of_her_school(self) -> None:
        lessons = factories.released(self, lessons=1)
        self.login(self.alice)
        response = self.client.post(
            self.start_url(),
            {"teacher": self.alice.pk, "coach": self.otto.pk, "observations": [lessons[0].pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Conversation.objects.filter(teacher=self.alice, coach=self.otto).exists())

    def test_the_service_refuses_it_too(self) -> None:
        from django.core.exceptions import ValidationError

        from samsyn.coaching import services

        lessons = factories.released(self, lessons=1)
        for coach in (self.otto, self.pia):  # the principal may read them, but did not observe
            with self.assertRaisesMessage(ValidationError, str(services.NOT_OBSERVED)):
                services.conversation_start(
                    actor=coach,
                    teacher=self.alice,
                    coach=coach,
                    school=self.school,
                    observations=lessons,
                )
        self.assertFalse(Conversation.objects.exists())

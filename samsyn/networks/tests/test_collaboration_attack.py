"""Attacks on the collaboration's groups over HTTP (issue 25): a member of one working group
reaching another group's meetings, decisions or assignments through the decision log, the
forms' ids, or another collaboration's ids.

The world is `CollaborationCase`'s (test_collaboration.py); here Pia is the working group's
secretary (she records in it), and the steering group has a meeting with minutes she may not
read.
"""

from __future__ import annotations

from django.urls import reverse

from samsyn.networks import governance
from samsyn.networks.models import GroupAssignment, GroupDecision, GroupMember
from samsyn.networks.tests.test_collaboration import DAY, CollaborationCase

SECRET = "Protokollet om budgeten för nästa år"


class GroupAttackTests(CollaborationCase):
    def setUp(self) -> None:
        super().setUp()
        governance.group_member_set(
            group=self.working, user=self.pia, role=GroupMember.GroupRole.SECRETARY
        )
        self.steering_meeting = governance.meeting_save(
            group=self.steering, held_on=DAY, agenda="Budget", minutes=SECRET
        )
        governance.decision_create(
            actor=self.nina,
            group=self.steering,
            decided_on=DAY,
            text="Budgeten för studiero fördelas lika.",
            meeting=self.steering_meeting,
        )
        self.login(self.pia)

    def test_the_decision_log_search_gives_no_text_or_count_of_other_groups(self):
        governance.decision_create(
            actor=self.nina, group=self.working, decided_on=DAY, text="Studiero vid besöken."
        )
        url = reverse("networks:decisions", args=[self.network.pk])
        response = self.client.get(url, {"q": "studiero"})
        self.assertEqual(len(response.context["decisions"]), 1)  # not 3
        body = response.content.decode()
        for text in ("Budgeten", "Nästa utbytesperiod", "eleverna upplever oro", SECRET):
            self.assertNotIn(text, body)
        self.assertNotIn(reverse("networks:group", args=[self.steering.pk]), body)
        # a word only the steering group's decisions hold: nothing, not even a count
        response = self.client.get(url, {"q": "budgeten"})
        self.assertEqual(list(response.context["decisions"]), [])
        self.assertNotIn("Budgeten", response.content.decode())

    def test_a_recorder_cannot_hang_a_decision_on_another_groups_meeting(self):
        response = self.client.post(
            reverse("networks:decision_add", args=[self.working.pk]),
            {
                "decided_on": "2026-03-12",
                "text": "Vårt beslut",
                "meeting": self.steering_meeting.pk,
            },
        )
        self.assertEqual(response.status_code, 200)  # the form again, with its error
        self.assertFalse(GroupDecision.objects.filter(text="Vårt beslut").exists())
        self.assertNotContains(response, SECRET)
        self.assertNotContains(response, "Budget<")

    def test_a_recorder_cannot_give_an_assignment_to_another_collaborations_group(self):
        response = self.client.post(
            reverse("networks:assignment_add", args=[self.working.pk]),
            {"to_group": self.other_group.pk, "description": "Gör det här"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(GroupAssignment.objects.filter(description="Gör det här").exists())
        self.assertNotContains(response, "Deras styrgrupp")

    def test_the_giving_group_cannot_close_the_assignment_it_gave(self):
        given = governance.assignment_create(
            from_group=self.working, to_group=self.steering, description="Besluta om budget"
        )
        url = reverse("networks:assignment_status", args=[given.pk])
        self.assertEqual(self.client.post(url, {"status": "done"}).status_code, 403)
        given.refresh_from_db()
        self.assertEqual(given.status, GroupAssignment.Status.OPEN)
        elsewhere = governance.assignment_create(
            from_group=self.other_group,
            to_group=governance.group_save(
                network=self.other_network, kind="working", name="Deras arbetsgrupp"
            ),
            description="Deras uppdrag",
        )
        self.login(self.nina)
        url = reverse("networks:assignment_status", args=[elsewhere.pk])
        self.assertEqual(self.client.post(url, {"status": "done"}).status_code, 404)

    def test_the_coordinator_cannot_seat_an_outsider(self):
        self.login(self.nina)
        response = self.client.post(
            reverse("networks:group_member_add", args=[self.working.pk]),
            {"user": self.charlie.pk, "role": "member"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.working.members.filter(user=self.charlie).exists())
        self.login(self.charlie)
        url = reverse("networks:group", args=[self.working.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_another_groups_page_and_minutes_stay_closed(self):
        url = reverse("networks:group", args=[self.steering.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
        own = self.client.get(reverse("networks:group", args=[self.working.pk]))
        self.assertEqual(own.status_code, 200)
        self.assertNotContains(own, SECRET)
        for name in ("networks:meeting_add", "networks:decision_add"):
            response = self.client.post(
                reverse(name, args=[self.steering.pk]), {"held_on": "2026-03-12", "text": "x"}
            )
            self.assertEqual(response.status_code, 403)

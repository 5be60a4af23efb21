from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from samsyn.accounts.models import Membership, Role
from samsyn.observations.models import Round
from samsyn.observations.tests.factories import make_round
from samsyn.test import BaseTestCase
from samsyn.workshops import selectors, services
from samsyn.workshops.models import Action, WorkshopItem
from samsyn.workshops.tests.helpers import make_rounds, make_workshop


class WorkshopCreateTests(BaseTestCase):
    def test_it_creates_charts_then_the_default_questions(self):
        workshop = make_workshop(self)
        items = list(workshop.items.all())
        self.assertEqual(
            [(i.kind, i.chart_key) for i in items[:2]],
            [("chart", "distribution"), ("chart", "comparison")],
        )
        questions = [i.text for i in items if i.kind == WorkshopItem.Kind.QUESTION]
        self.assertEqual(questions, services.default_questions())
        self.assertEqual(len(questions), 4)
        self.assertEqual([i.position for i in items], list(range(6)))
        self.assertEqual(workshop.duration_minutes, 180)

    def test_it_writes_the_default_questions_in_the_active_language(self):
        from django.utils import translation

        with translation.override("sv"):
            texts = services.default_questions()
        self.assertTrue(texts[0].startswith("Vad ser vi?"), texts[0])

    def test_it_refuses_a_peer_round(self):
        peer = make_round(self, name="Triad")
        Round.objects.filter(pk=peer.pk).update(is_peer=True)
        peer.refresh_from_db()
        with self.assertRaises(ValidationError) as caught:
            make_workshop(self, round=peer, compare_round=None)
        self.assertIn("round", caught.exception.message_dict)
        self.assertEqual(self.school.workshops.count(), 0)

    def test_it_refuses_a_round_of_another_school(self):
        other = make_round(
            self, schools=[self.school_b], teachers=[self.bob], observers=[self.oscar]
        )
        with self.assertRaises(ValidationError) as caught:
            make_workshop(self, compare_round=other)
        self.assertIn("compare_round", caught.exception.message_dict)

    def test_it_refuses_comparing_a_round_with_itself(self):
        baseline, _follow_up = make_rounds(self)
        with self.assertRaises(ValidationError) as caught:
            make_workshop(self, round=baseline, compare_round=baseline)
        self.assertEqual(
            caught.exception.message_dict["compare_round"], [str(services.ERR_SAME_ROUND)]
        )

    def test_it_refuses_a_team_member_from_elsewhere_and_saves_nothing(self):
        with self.assertRaises(ValidationError) as caught:
            make_workshop(self, team=[self.alice, self.bob])
        self.assertIn("Bob Teacher", caught.exception.message_dict["team"][0])
        self.assertEqual(self.school.workshops.count(), 0)

    def test_it_keeps_a_team(self):
        workshop = make_workshop(self, team=[self.alice])
        self.assertEqual(list(workshop.team.all()), [self.alice])

    def test_it_refuses_unknown_or_repeated_charts(self):
        with self.assertRaises(ValidationError) as caught:
            make_workshop(self, chart_keys=["nope"])
        self.assertIn("charts", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            make_workshop(self, chart_keys=["distribution", "distribution"])
        with self.assertRaises(ValidationError):
            make_workshop(self, chart_keys=[])
        # Area-only charts (each school's trend) have no place in a school's workshop.
        with self.assertRaises(ValidationError):
            make_workshop(self, chart_keys=["school_trends"])

    def test_it_refuses_an_unreasonable_duration(self):
        with self.assertRaises(ValidationError) as caught:
            make_workshop(self, duration_minutes=5)
        self.assertIn("duration_minutes", caught.exception.message_dict)


class SlideTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.workshop = make_workshop(self)

    def kinds(self):
        return [i.chart_key or i.text for i in self.workshop.items.all()]

    def test_it_moves_a_slide_and_keeps_positions_dense(self):
        last = self.workshop.items.last()
        services.item_move(item=last, offset=-1)
        services.item_move(item=last, offset=-1)
        items = list(self.workshop.items.all())
        self.assertEqual(items[3].pk, last.pk)
        self.assertEqual([i.position for i in items], list(range(len(items))))
        first = items[0]
        services.item_move(item=first, offset=-1)  # already first: stays
        self.assertEqual(self.workshop.items.first().pk, first.pk)

    def test_it_adds_edits_and_removes_slides(self):
        question = services.item_add_question(workshop=self.workshop, text="  Vad tar vi med oss? ")
        self.assertEqual(question.text, "Vad tar vi med oss?")
        self.assertEqual(question.position, 6)
        services.item_update_question(item=question, text="Vad tar vi med oss hem?")
        with self.assertRaises(ValidationError):
            services.item_update_question(item=question, text="  ")
        chart = services.item_add_chart(workshop=self.workshop, chart_key="change")
        self.assertEqual(chart.position, 7)
        with self.assertRaises(ValidationError) as caught:
            services.item_add_chart(workshop=self.workshop, chart_key="change")
        self.assertIn("chart_key", caught.exception.message_dict)
        services.item_remove(item=self.workshop.items.first())
        self.assertEqual([i.position for i in self.workshop.items.all()], list(range(7)))
        self.assertEqual(self.kinds()[0], "comparison")

    def test_it_saves_the_groups_notes(self):
        question = self.workshop.items.filter(kind="question").first()
        services.item_notes_save(item=question, notes=" Mer fokus på mål. ")
        question.refresh_from_db()
        self.assertEqual(question.notes, "Mer fokus på mål.")
        self.assertIsNotNone(question.notes_updated_at)


class ActionTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.workshop = make_workshop(self, days=-30)

    def test_it_records_an_action_for_all_of_us_or_a_colleague(self):
        together = services.action_create(
            workshop=self.workshop, what="Gemensamma mål", owner=None, due_on=dt.date(2027, 1, 1)
        )
        self.assertIsNone(together.owner)
        self.assertEqual(together.school, self.school)
        mine = services.action_create(
            workshop=self.workshop, what="Auskultera", owner=self.alice, due_on=dt.date(2027, 1, 1)
        )
        self.assertEqual(mine.status, Action.Status.OPEN)

    def test_it_refuses_an_owner_from_another_school(self):
        with self.assertRaises(ValidationError) as caught:
            services.action_create(
                workshop=self.workshop, what="x", owner=self.bob, due_on=dt.date(2027, 1, 1)
            )
        self.assertEqual(caught.exception.message_dict["owner"], [str(services.ERR_OWNER)])
        with self.assertRaises(ValidationError) as caught:
            services.action_create(
                workshop=self.workshop, what=" ", owner=None, due_on=dt.date(2027, 1, 1)
            )
        self.assertIn("what", caught.exception.message_dict)
        self.assertEqual(Action.objects.count(), 0)

    def test_the_next_workshop_follows_up_the_open_actions(self):
        due = dt.date(2027, 1, 1)
        open_one = services.action_create(workshop=self.workshop, what="A", owner=None, due_on=due)
        done = services.action_create(workshop=self.workshop, what="B", owner=None, due_on=due)
        services.action_set_status(action=done, status=Action.Status.DONE)
        later = make_workshop(self, days=10)
        self.assertEqual(selectors.followup_actions(user=self.pia, workshop=later), [open_one])
        # The earlier workshop does not follow up its own actions, nor later ones.
        services.action_create(workshop=later, what="C", owner=None, due_on=due)
        self.assertEqual(selectors.followup_actions(user=self.pia, workshop=self.workshop), [])
        # Marked done in the follow-up, it stays on that slide (and leaves the open list).
        services.action_set_status(action=open_one, status=Action.Status.DONE, reviewed_in=later)
        self.assertEqual(selectors.followup_actions(user=self.pia, workshop=later), [open_one])
        self.assertEqual(
            [
                a.what
                for a in selectors.actions_of(user=self.pia, school=self.school, open_only=True)
            ],
            ["C"],
        )

    def test_it_refuses_an_unknown_status(self):
        action = services.action_create(
            workshop=self.workshop, what="A", owner=None, due_on=dt.date(2027, 1, 1)
        )
        with self.assertRaises(ValidationError):
            services.action_set_status(action=action, status="maybe")

    def test_owned_open_actions_follow_the_owners_membership(self):
        services.action_create(
            workshop=self.workshop, what="A", owner=self.alice, due_on=dt.date(2027, 1, 1)
        )
        self.assertEqual(len(selectors.owned_open_actions(self.alice)), 1)
        Membership.objects.filter(user=self.alice, role=Role.TEACHER).delete()
        self.assertEqual(len(selectors.owned_open_actions(self.alice)), 0)


class UpcomingTests(BaseTestCase):
    def test_it_lists_workshops_not_yet_over_soonest_first(self):
        make_workshop(self, days=-3)
        soon = make_workshop(self, days=2)
        later = make_workshop(self, days=20)
        running = make_workshop(self, days=0)
        running.starts_at = timezone.now() - dt.timedelta(minutes=30)
        running.save(update_fields=["starts_at"])
        self.assertEqual(selectors.upcoming_workshops_for(self.pia), [running, soon, later])
        self.assertEqual(selectors.upcoming_workshops_for(self.alice), [])

"""Conversations, next steps, reminders, my teaching, support plans and their audit."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import AuditEvent
from samsyn.coaching import selectors, services
from samsyn.coaching.models import NextStep, SelfRating
from samsyn.coaching.tests import factories
from samsyn.observations.tests.factories import default_version
from samsyn.test import BaseTestCase


class ConversationTests(BaseTestCase):
    def test_it_is_started_by_the_teacher_or_the_coach_only(self):
        observations = factories.released(self)
        with self.assertRaises(ValidationError):
            services.conversation_start(
                actor=self.pia,
                teacher=self.alice,
                coach=self.oscar,
                school=self.school,
                observations=observations,
            )
        c = services.conversation_start(
            actor=self.oscar,
            teacher=self.alice,
            coach=self.oscar,
            school=self.school,
            observations=observations,
        )
        self.assertEqual(list(c.observations.all()), observations)

    def test_the_coach_needs_a_coaching_role_at_the_school(self):
        with self.assertRaisesMessage(ValidationError, "rollen observatör eller rektor"):
            services.conversation_start(
                actor=self.alice,
                teacher=self.alice,
                coach=self.bob,
                school=self.school,
                observations=factories.released(self),
            )

    def test_the_teacher_reflects_and_rates_herself(self):
        c = factories.conversation(self)
        goals = default_version().dimensions.get(code="goals")
        step = goals.steps.get(order=3)
        services.conversation_reflect(
            conversation=c,
            actor=self.alice,
            reflection="Jag provade",
            self_ratings={goals.pk: step.pk},
        )
        self.assertEqual(SelfRating.objects.get(conversation=c).step, step)
        rows = selectors.conversation_ratings(user=self.alice, conversation=c)
        row = next(r for r in rows if r["dimension"] == goals)
        self.assertEqual((row["self"], row["observed"]), (step, [2]))
        other = default_version().dimensions.get(code="feedback").steps.first()
        with self.assertRaises(ValidationError):
            services.conversation_reflect(
                conversation=c, actor=self.alice, reflection="x", self_ratings={goals.pk: other.pk}
            )

    def test_the_record_has_exactly_one_next_step_that_the_teacher_updates(self):
        c = factories.recorded(self)
        self.assertEqual(NextStep.objects.filter(conversation=c).count(), 1)
        # Recording again corrects the same next step.
        services.conversation_record(
            conversation=c,
            actor=self.oscar,
            held_on=dt.date(2026, 11, 20),
            went_well="Bra",
            dimension=default_version().dimensions.get(code="goals"),
            action="Mål på tavlan",
            follow_up_on=dt.date(2026, 12, 1),
        )
        self.assertEqual(NextStep.objects.filter(conversation=c).count(), 1)
        self.login(self.alice)
        response = self.client.post(
            reverse("coaching:next_step_status", args=[c.next_step.pk]), {"status": "in_progress"}
        )
        self.assertEqual(response.status_code, 302)
        c.next_step.refresh_from_db()
        self.assertEqual(c.next_step.status, "in_progress")

    def test_a_follow_up_before_the_talk_is_refused_naming_the_field(self):
        c = factories.conversation(self)
        self.login(self.oscar)
        response = self.client.post(
            reverse("coaching:record", args=[c.pk]),
            {
                "held_on": "2026-11-20",
                "went_well": "Bra",
                "dimension": default_version().dimensions.get(code="goals").pk,
                "action": "Mål",
                "follow_up_on": "2026-11-01",
            },
        )
        self.assertContains(response, "Uppföljningen kan inte ligga före samtalet.")
        self.assertFalse(NextStep.objects.exists())

    def test_the_principal_sees_dates_but_never_the_content(self):
        factories.recorded(self)
        self.login(self.pia)
        response = self.client.get(reverse("coaching:school_conversations", args=[self.school.pk]))
        self.assertContains(response, "Alice Teacher")
        self.assertNotContains(response, "Exit tickets")
        self.assertNotContains(response, "Tydlig start")

    def test_the_coach_sees_the_measures_or_how_many_more_lessons_are_needed(self):
        c = factories.conversation(self)
        self.login(self.oscar)
        response = self.client.get(reverse("coaching:conversation", args=[c.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("measures", response.context)
        event = AuditEvent.objects.get(actor=self.oscar, object_type="coaching_conversation")
        self.assertEqual(event.subject, self.alice)
        self.login(self.alice)
        response = self.client.get(reverse("coaching:conversation", args=[c.pk]))
        self.assertEqual(response.context["measures"], [])
        self.assertFalse(AuditEvent.objects.filter(actor=self.alice).exists())


class ReminderTests(BaseTestCase):
    def test_it_reminds_once_per_next_step_in_each_persons_language(self):
        self.alice.language = "en"
        self.alice.save(update_fields=["language"])
        self.oscar.language = "sv"
        self.oscar.save(update_fields=["language"])
        factories.recorded(self, follow_up_on=dt.date(2026, 12, 10))
        self.assertEqual(services.reminders_send(today=dt.date(2026, 12, 1)), 0)  # not yet due
        self.assertEqual(services.reminders_send(today=dt.date(2026, 12, 8)), 1)
        self.assertEqual(len(mail.outbox), 2)
        english = next(m for m in mail.outbox if m.to == [self.alice.email])
        swedish = next(m for m in mail.outbox if m.to == [self.oscar.email])
        self.assertIn("Follow-up of your next step", english.subject)
        self.assertIn("you agreed with your coach", english.body)
        self.assertIn("/en/", english.body)
        self.assertIn("Uppföljning", swedish.subject)
        self.assertIn("Alice Teacher", swedish.body)
        call_command("coaching_reminders", stdout=io.StringIO())
        self.assertEqual(services.reminders_send(today=dt.date(2026, 12, 9)), 0)
        self.assertEqual(len(mail.outbox), 2)

    def test_the_reminder_leaves_what_was_agreed_behind_the_login(self):
        """An e-mail leaves the platform (mail servers, forwarding, a shared inbox): it says
        when and links to the conversation, but not the next step's text or dimension."""
        c = factories.recorded(self, follow_up_on=dt.date(2026, 12, 10))
        step = c.next_step
        self.assertEqual(services.reminders_send(today=dt.date(2026, 12, 8)), 1)
        self.assertEqual(len(mail.outbox), 2)
        for message in mail.outbox:
            self.assertNotIn(step.action, message.body)
            self.assertNotIn(step.action, message.subject)
            self.assertNotIn(step.dimension.name, message.body)
            self.assertIn(
                reverse("coaching:conversation", args=[c.pk]).split("/", 2)[2], message.body
            )

    def test_done_next_steps_are_not_reminded_and_due_ones_show_at_home(self):
        c = factories.recorded(self, follow_up_on=dt.date(2026, 12, 10))
        due = selectors.follow_ups_due(user=self.alice, today=dt.date(2026, 12, 9))
        self.assertEqual(due, [c.next_step])
        self.assertEqual(selectors.follow_ups_due(user=self.pia, today=dt.date(2026, 12, 9)), [])
        services.next_step_set_status(next_step=c.next_step, actor=self.alice, status="done")
        self.assertEqual(services.reminders_send(today=dt.date(2026, 12, 9)), 0)

    def test_the_home_page_shows_the_follow_up(self):
        factories.recorded(self, follow_up_on=dt.date.today())
        self.login(self.alice)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Exit tickets varje lektion")


class MyTeachingTests(BaseTestCase):
    def test_it_shows_profile_change_with_its_interval_and_next_steps(self):
        factories.released(self, steps=[2, 3], name="Höst")
        factories.released(
            self,
            steps=[3, 4],
            name="Vår",
            starts_on=dt.date(2027, 3, 1),
            ends_on=dt.date(2027, 4, 1),
        )
        factories.recorded(self)
        profile = selectors.teaching_profile(user=self.alice)
        self.assertEqual([r.name for r in profile["rounds"]][-2:], ["Höst", "Vår"])
        change = profile["changes"][0]
        self.assertAlmostEqual(change["result"].estimate, 1.0)
        self.login(self.alice)
        response = self.client.get(reverse("coaching:my_teaching"))
        self.assertContains(response, "95 %-intervall")
        self.assertContains(response, "Exit tickets varje lektion")
        self.assertContains(response, 'data-vega-spec="profile-spec"')
        spec = response.context["profile_spec"]
        self.assertEqual(spec["mark"]["type"], "line")

    def test_an_interval_that_includes_zero_is_said_so(self):
        factories.released(self, steps=[2, 3], name="Höst")
        factories.released(
            self,
            steps=[2, 4],
            name="Vår",
            starts_on=dt.date(2027, 3, 1),
            ends_on=dt.date(2027, 4, 1),
        )
        profile = selectors.teaching_profile(user=self.alice)
        self.assertTrue(profile["changes"])
        self.assertTrue(all(c["includes_zero"] for c in profile["changes"]))
        self.login(self.alice)
        response = self.client.get(reverse("coaching:my_teaching"))
        self.assertContains(
            response,
            "Intervallet innehåller noll: de här lektionerna kan inte skilja en förändring "
            "från slumpen.",
        )

    def test_an_interval_never_leaves_the_scale_and_the_page_says_so(self):
        factories.released(self, steps=[2, 3], name="Höst")
        factories.released(
            self,
            steps=[2, 4],
            name="Vår",
            starts_on=dt.date(2027, 3, 1),
            ends_on=dt.date(2027, 4, 1),
        )
        profile = selectors.teaching_profile(user=self.alice)
        for change in profile["changes"]:
            # Welch's interval from 2 + 2 lessons is far wider than the 1–4 scale allows.
            self.assertLess(change["result"].ci_low, -3)
            self.assertEqual((change["interval"].low, change["interval"].high), (-3, 3))
            self.assertTrue(change["interval"].clipped)
        self.login(self.alice)
        response = self.client.get(reverse("coaching:my_teaching"))
        self.assertContains(response, "\u22123,00 till 3,00")
        self.assertContains(response, "Intervallet är avskuret där skalan tar slut")
        self.assertNotContains(response, "-7,")
        self.assertNotContains(response, "\u22127,")

    def test_the_same_step_in_every_lesson_is_not_called_too_few_lessons(self):
        factories.released(self, steps=[2, 2], name="Höst")
        factories.released(
            self,
            steps=[3, 3],
            name="Vår",
            starts_on=dt.date(2027, 3, 1),
            ends_on=dt.date(2027, 4, 1),
        )
        self.login(self.alice)
        response = self.client.get(reverse("coaching:my_teaching"))
        self.assertContains(response, "<td>2 → 2</td>", html=False)
        self.assertContains(response, "Samma steg i varje lektion i båda rundorna")
        self.assertNotContains(response, "För få lektioner i någon av rundorna")

    def test_each_dimension_in_the_frameworks_language(self):
        factories.released(self, steps=[2, 3], name="Höst")
        self.login(self.alice)
        response = self.client.get(reverse("coaching:my_teaching"))
        reading = response.context["reading"]
        first = reading["dimensions"][0]
        # Two lessons at steps 2 and 3: both reached step 2, one of two reached 3.
        self.assertEqual((first["reached"].order, first["reached_by"]), (2, 2))
        self.assertEqual(first["next"].order, 3)
        self.assertContains(response, "Steget de flesta lektionerna nådde")
        self.assertContains(response, "(2 av 2 lektioner)")
        # Both lessons by one observer: what is missing is said, never a position from nothing.
        self.assertEqual(reading["certainty"].level, "indicative")
        self.assertIn("annan observatör", reading["certainty"].missing + reading["certainty"].words)
        self.assertNotRegex(response.content.decode(), r"ungefär 0 (observerade )?lektion")

    def test_a_round_with_one_lesson_is_not_the_one_compared(self):
        factories.released(self, steps=[2, 3], name="Höst")
        factories.released(
            self,
            steps=[3, 4],
            name="Vår",
            starts_on=dt.date(2027, 3, 1),
            ends_on=dt.date(2027, 4, 1),
        )
        factories.released(
            self, steps=[4], name="Ny", starts_on=dt.date(2027, 9, 1), ends_on=dt.date(2027, 10, 1)
        )
        profile = selectors.teaching_profile(user=self.alice)
        self.assertEqual((profile["before"].name, profile["after"].name), ("Höst", "Vår"))
        self.assertEqual(len(profile["rounds"]), 3)

    def test_no_variation_gives_no_statement_rather_than_a_crash(self):
        factories.released(self, steps=[2, 2], name="Höst")
        factories.released(
            self,
            steps=[3, 3],
            name="Vår",
            starts_on=dt.date(2027, 3, 1),
            ends_on=dt.date(2027, 4, 1),
        )
        profile = selectors.teaching_profile(user=self.alice)
        self.assertTrue(all(c["result"] is None for c in profile["changes"]))

    def test_an_empty_page_for_a_teacher_without_observations(self):
        self.login(self.bob)
        response = self.client.get(reverse("coaching:my_teaching"))
        self.assertContains(response, "Ingen observation av dina lektioner")

    def test_the_export_holds_my_conversations_and_next_steps(self):
        c = factories.recorded(self)
        data = selectors.my_teaching_export_unscoped(teacher=self.alice)
        json.dumps(data)
        self.assertEqual(data["conversations_as_teacher"][0]["id"], c.pk)
        self.assertEqual(
            data["conversations_as_teacher"][0]["next_step"]["action"], "Exit tickets varje lektion"
        )
        self.assertEqual(
            selectors.my_teaching_export_unscoped(teacher=self.oscar)["conversations_as_coach"][0][
                "id"
            ],
            c.pk,
        )
        self.assertEqual(
            selectors.my_teaching_export_unscoped(teacher=self.bob)["conversations_as_teacher"], []
        )


class SupportPlanTests(BaseTestCase):
    def test_eligibility_names_the_dimensions_and_lessons(self):
        factories.released(self, step_order=1, close=True, lessons=2)
        eligible = selectors.support_eligible_unscoped(self.school)
        self.assertEqual(eligible["satisfactory"], 2)
        (entry,) = eligible["teachers"]
        self.assertEqual(entry["teacher"], self.alice)
        self.assertEqual(len(entry["below"]), 10)
        self.assertEqual(entry["below"][0]["lessons"], 2)

    def test_satisfactory_teachers_and_peer_rounds_are_not_eligible(self):
        factories.released(self, step_order=2, close=True)
        self.assertEqual(selectors.support_eligible_unscoped(self.school)["teachers"], [])

    def test_a_plan_lasts_ten_weeks_by_default_and_every_read_by_others_is_audited(self):
        plan = factories.support_plan(self)
        self.assertEqual(plan.ends_on - plan.starts_on, dt.timedelta(weeks=10, days=-1))
        with self.assertRaisesMessage(ValidationError, "redan en pågående stödplan"):
            factories.support_plan(self)
        url = reverse("coaching:support_plan", args=[plan.pk])
        for person in (self.pia, self.oscar):
            before = AuditEvent.objects.filter(actor=person, object_type="support_plan").count()
            self.login(person)
            self.assertEqual(self.client.get(url).status_code, 200)
            event = AuditEvent.objects.filter(actor=person, object_type="support_plan").latest("pk")
            self.assertEqual(event.subject, self.alice)
            self.assertEqual(
                AuditEvent.objects.filter(actor=person, object_type="support_plan").count(),
                before + 1,
            )
        self.login(self.alice)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertFalse(AuditEvent.objects.filter(actor=self.alice).exists())

    def test_the_principals_list_is_audited(self):
        factories.released(self, step_order=1, close=True, lessons=2)
        self.login(self.pia)
        response = self.client.get(reverse("coaching:support_plans", args=[self.school.pk]))
        self.assertContains(response, "Alice Teacher")
        self.assertTrue(
            AuditEvent.objects.filter(actor=self.pia, object_type="support_eligibility").exists()
        )

    def test_check_ins_and_closing(self):
        plan = factories.support_plan(self)
        services.support_plan_check_in_add(
            plan=plan, planned_on=dt.date(2026, 12, 1), observation=None
        )
        services.support_plan_close(plan=plan, outcome="Alla mål nådda")
        with self.assertRaises(ValidationError):
            services.support_plan_check_in_add(
                plan=plan, planned_on=dt.date(2026, 12, 2), observation=None
            )
        self.assertEqual(plan.check_ins.count(), 1)

    def test_starting_a_plan_through_the_page(self):
        factories.released(self, step_order=1, close=True, lessons=2)
        self.login(self.pia)
        url = reverse("coaching:support_plan_create", args=[self.school.pk, self.alice.pk])
        version = default_version()
        response = self.client.post(
            url,
            {
                "focus_dimensions": [version.dimensions.get(code="goals").pk],
                "actions": "Veckovis handledning",
                "coach": self.oscar.pk,
                "starts_on": "2026-11-23",
                "weeks": 10,
                "check_ins": "2026-12-07, 2027-01-18",
            },
        )
        self.assertEqual(response.status_code, 302)
        plan = self.alice.support_plans.get()
        self.assertEqual(plan.check_ins.count(), 2)
        response = self.client.post(
            url, {"actions": "", "starts_on": "2026-11-23", "weeks": 10, "check_ins": "snart"}
        )
        self.assertEqual(response.status_code, 200)


class SupportPlanLengthTests(BaseTestCase):
    """A support plan is a time-boxed programme: 52 weeks used to be accepted."""

    def start(self, weeks):
        factories.released(self, step_order=1, close=True, lessons=2)
        version = default_version()
        return services.support_plan_start(
            actor=self.pia,
            school=self.school,
            teacher=self.alice,
            coach=self.oscar,
            focus_dimensions=list(version.dimensions.filter(code="goals")),
            actions="Veckovis handledning",
            starts_on=dt.date(2026, 11, 23),
            weeks=weeks,
        )

    def test_the_service_refuses_more_than_the_maximum(self):
        for weeks in (13, 52):
            with self.subTest(weeks=weeks), self.assertRaises(ValidationError) as caught:
                self.start(weeks)
            self.assertIn("från 1 till 12 veckor", str(caught.exception.message_dict["weeks"]))
        plan = self.start(12)
        self.assertEqual(plan.ends_on - plan.starts_on, dt.timedelta(weeks=12, days=-1))

    @override_settings(SAMSYN_SUPPORT_PLAN_MAX_WEEKS=8, SAMSYN_SUPPORT_PLAN_WEEKS=6)
    def test_the_maximum_and_the_default_are_settings(self):
        with self.assertRaises(ValidationError):
            self.start(9)
        plan = self.start(None)
        self.assertEqual(plan.ends_on - plan.starts_on, dt.timedelta(weeks=6, days=-1))

    def test_the_page_says_why_52_weeks_is_refused(self):
        factories.released(self, step_order=1, close=True, lessons=2)
        self.login(self.pia)
        url = reverse("coaching:support_plan_create", args=[self.school.pk, self.alice.pk])
        page = self.client.get(url)
        self.assertContains(page, 'value="10"')
        self.assertContains(page, 'max="12"')
        version = default_version()
        response = self.client.post(
            url,
            {
                "focus_dimensions": [version.dimensions.get(code="goals").pk],
                "actions": "Veckovis handledning",
                "starts_on": "2026-11-23",
                "weeks": 52,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "En stödplan är tidsbegränsad: från 1 till 12 veckor")
        self.assertFalse(self.alice.support_plans.exists())


class TriadTests(BaseTestCase):
    def test_my_teaching_names_my_triad_partners(self):
        from django.utils import timezone

        from samsyn.accounts.models import Membership, Role
        from samsyn.test import make_user
        from samsyn.triads.models import Triad, TriadMember, TriadSet

        partner = make_user("tove", "Tove Partner")
        Membership.objects.create(user=partner, organisation=self.school, role=Role.TEACHER)
        triad_set = TriadSet.objects.create(
            school=self.school, name="HT", status=TriadSet.Status.SAVED, saved_at=timezone.now()
        )
        triad = Triad.objects.create(triad_set=triad_set, number=1)
        for teacher in (self.alice, partner, self.oscar):
            TriadMember.objects.create(triad=triad, teacher=teacher)
        self.login(self.alice)
        response = self.client.get(reverse("coaching:my_teaching"))
        self.assertEqual(response.context["triad"], triad)
        self.assertContains(response, "Tove Partner")
        self.assertContains(response, "Oscar Observer")


class ApiTests(BaseTestCase):
    def test_my_next_steps_and_their_status(self):
        c = factories.recorded(self)
        self.login(self.alice)
        data = self.client.get(reverse("api:coaching_next_steps")).json()
        self.assertEqual([d["id"] for d in data], [c.next_step.pk])
        self.assertEqual(data[0]["dimension_code"], "feedback")
        url = reverse("api:coaching_next_step_status", args=[c.next_step.pk])
        response = self.client.post(url, {"status": "done"}, content_type="application/json")
        self.assertEqual(response.json()["status"], "done")
        response = self.client.post(url, {"status": "maybe"}, content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.login(self.pia)
        self.assertEqual(self.client.get(reverse("api:coaching_next_steps")).json(), [])
        response = self.client.post(url, {"status": "done"}, content_type="application/json")
        self.assertEqual(response.status_code, 404)

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from samsyn.accounts import selectors
from samsyn.accounts.home import home_actions
from samsyn.accounts.models import Membership
from samsyn.dashboards.tests.world import make_teachers, observe
from samsyn.test import BaseTestCase
from samsyn.workshops import services
from samsyn.workshops.models import Action, Workshop, WorkshopItem
from samsyn.workshops.tests.helpers import make_rounds, make_workshop

HTMX = {"HTTP_HX_REQUEST": "true"}


class PrepareTests(BaseTestCase):
    def test_it_prepares_a_workshop_from_the_form(self):
        baseline, follow_up = make_rounds(self)
        self.login(self.pia)
        url = reverse("workshops:workshop_create", args=[self.school.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        # Defaults: the latest round against its baseline, every school chart, three hours.
        form = page.context["form"]
        self.assertEqual(form.initial["round"], follow_up.pk)
        self.assertEqual(form.initial["compare_round"], baseline.pk)
        self.assertEqual(form["duration_minutes"].value(), 180)
        self.assertIn("distribution", form.initial["charts"])
        self.assertNotIn("school_trends", [k for k, _ in form.fields["charts"].choices])
        response = self.client.post(
            url,
            {
                "title": "Vår undervisning",
                "round": follow_up.pk,
                "compare_round": baseline.pk,
                "team": [self.alice.pk],
                "date": "2027-05-20",
                "time": "13:00",
                "duration_minutes": 180,
                "place": "Aulan",
                "charts": ["comparison", "change"],
            },
        )
        workshop = Workshop.objects.get()
        self.assertRedirects(
            response, reverse("workshops:workshop_detail", args=[self.school.pk, workshop.pk])
        )
        self.assertEqual(list(workshop.team.all()), [self.alice])
        self.assertEqual(workshop.items.count(), 6)
        self.assertEqual(workshop.created_by, self.pia)

    def test_it_names_the_field_that_is_wrong(self):
        baseline, _follow_up = make_rounds(self)
        self.login(self.pia)
        response = self.client.post(
            reverse("workshops:workshop_create", args=[self.school.pk]),
            {
                "title": "X",
                "round": baseline.pk,
                "compare_round": baseline.pk,
                "date": "2027-05-20",
                "time": "13:00",
                "duration_minutes": 180,
                "charts": ["distribution"],
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["compare_round"], [str(services.ERR_SAME_ROUND)]
        )
        self.assertFalse(Workshop.objects.exists())

    def test_it_starts_from_the_dashboards_selection(self):
        baseline, follow_up = make_rounds(self)
        self.login(self.pia)
        url = reverse("workshops:workshop_create", args=[self.school.pk])
        form = self.client.get(url, {"round": baseline.pk, "compare": ""}).context["form"]
        self.assertEqual(form.initial["round"], baseline.pk)
        self.assertIsNone(form.initial["compare_round"])
        form = self.client.get(url, {"round": "999999"}).context["form"]
        self.assertEqual(form.initial["round"], follow_up.pk)

    def test_a_round_that_is_not_a_number_is_ignored(self):
        _baseline, follow_up = make_rounds(self)
        self.login(self.pia)
        url = reverse("workshops:workshop_create", args=[self.school.pk])
        response = self.client.get(url, {"round": "²", "compare": "٣"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].initial["round"], follow_up.pk)

    def test_a_school_without_rounds_says_so(self):
        self.login(self.pia)
        response = self.client.get(reverse("workshops:workshop_create", args=[self.school.pk]))
        self.assertContains(response, 'class="empty"')
        self.assertNotContains(response, '<form method="post" class="card workshop-form"')

    def test_it_edits_reorders_and_removes_slides(self):
        workshop = make_workshop(self)
        self.login(self.pia)
        last = workshop.items.last()
        args = [self.school.pk, workshop.pk, last.pk]
        self.client.post(reverse("workshops:item_move", args=args), {"direction": "up"})
        self.assertEqual(list(workshop.items.all())[-2].pk, last.pk)
        self.client.post(reverse("workshops:item_edit", args=args), {"text": "Vad gör vi nu?"})
        last.refresh_from_db()
        self.assertEqual(last.text, "Vad gör vi nu?")
        self.client.post(
            reverse("workshops:item_add", args=[self.school.pk, workshop.pk]),
            {"kind": "chart", "chart_key": "coverage"},
        )
        self.assertTrue(workshop.items.filter(chart_key="coverage").exists())
        response = self.client.post(
            reverse("workshops:item_add", args=[self.school.pk, workshop.pk]),
            {"kind": "chart", "chart_key": "coverage"},
            follow=True,
        )
        self.assertContains(response, str(services.ERR_CHART_TWICE))
        self.client.post(reverse("workshops:item_remove", args=args))
        self.assertFalse(WorkshopItem.objects.filter(pk=last.pk).exists())

    def test_it_edits_the_details(self):
        workshop = make_workshop(self)
        self.login(self.pia)
        url = reverse("workshops:workshop_edit", args=[self.school.pk, workshop.pk])
        form = self.client.get(url).context["form"]
        self.assertNotIn("charts", form.fields)
        data = {
            "title": "Ny titel",
            "round": workshop.round_id,
            "compare_round": "",
            "date": "2027-06-01",
            "time": "09:30",
            "duration_minutes": 120,
            "place": "Biblioteket",
        }
        self.client.post(url, data)
        workshop.refresh_from_db()
        self.assertEqual(
            (workshop.title, workshop.compare_round, workshop.duration_minutes),
            ("Ny titel", None, 120),
        )


class PresentTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.workshop = make_workshop(self)
        teachers = [self.alice, *make_teachers(self.school, "t", 6)]
        for round_ in self._rounds:
            observe(round_, self.school, teachers, self.oscar)
        self.question = self.workshop.items.filter(kind="question").first()
        self.login(self.pia)

    def test_it_shows_one_section_per_slide_with_charts_and_tables(self):
        response = self.client.get(
            reverse("workshops:present", args=[self.school.pk, self.workshop.pk])
        )
        # title + 2 charts + 4 questions + actions
        self.assertEqual(response.content.decode().count("data-slide "), 8)
        self.assertEqual(response.context["slide_count"], 8)
        self.assertContains(response, 'id="chart-comparison-spec"')
        self.assertContains(response, "chart-table")
        self.assertRegex(response.content.decode(), r"js/workshop-present\.([0-9a-f]{12}\.)?js")
        # Never a per-teacher table in front of the staff.
        self.assertNotContains(response, "Alice Teacher</th>")

    def test_it_saves_notes_with_htmx(self):
        url = reverse(
            "workshops:notes_save", args=[self.school.pk, self.workshop.pk, self.question.pk]
        )
        response = self.client.post(
            url, {f"item{self.question.pk}-notes": "Målen syns tydligare."}, **HTMX
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="saved"')
        self.question.refresh_from_db()
        self.assertEqual(self.question.notes, "Målen syns tydligare.")

    def test_it_records_an_action_with_htmx_and_names_missing_fields(self):
        url = reverse("workshops:action_add", args=[self.school.pk, self.workshop.pk])
        response = self.client.post(url, {"what": "", "due_on": ""}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["action_form"].errors.keys() >= {"what", "due_on"})
        self.assertFalse(Action.objects.exists())
        response = self.client.post(
            url, {"what": "Auskultera", "owner": self.alice.pk, "due_on": "2027-01-15"}, **HTMX
        )
        action = Action.objects.get()
        self.assertEqual((action.owner, action.due_on), (self.alice, dt.date(2027, 1, 15)))
        self.assertContains(response, "Auskultera")
        response = self.client.post(url, {"what": "Alla", "owner": "", "due_on": "2027-01-15"})
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(Action.objects.get(what="Alla").owner)

    def test_the_next_workshop_opens_with_the_follow_up(self):
        earlier = make_workshop(self, days=-40)
        action = services.action_create(
            workshop=earlier, what="Gemensamma mål", owner=None, due_on=dt.date(2027, 1, 1)
        )
        url = reverse("workshops:present", args=[self.school.pk, self.workshop.pk])
        response = self.client.get(url)
        self.assertContains(response, 'id="slide-followup"')
        self.assertEqual(response.context["slide_count"], 9)
        response = self.client.post(
            reverse("workshops:action_status", args=[self.school.pk, action.pk]),
            {"status": "done", "workshop": self.workshop.pk},
            **HTMX,
        )
        self.assertContains(response, 'class="saved"')
        action.refresh_from_db()
        self.assertEqual((action.status, action.reviewed_in), ("done", self.workshop))
        self.assertContains(self.client.get(url), "Gemensamma mål")


class ReadingTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.workshop = make_workshop(self, days=-10)
        question = self.workshop.items.filter(kind="question").first()
        services.item_notes_save(item=question, notes="Vi ser mer återkoppling.")
        self.action = services.action_create(
            workshop=self.workshop,
            what="Gemensamma mål",
            owner=self.alice,
            due_on=dt.date(2027, 1, 1),
        )

    def test_teachers_read_notes_and_actions_but_do_not_edit(self):
        self.login(self.alice)
        detail = self.client.get(
            reverse("workshops:workshop_detail", args=[self.school.pk, self.workshop.pk])
        )
        self.assertContains(detail, "Vi ser mer återkoppling.")
        self.assertContains(detail, "Gemensamma mål")
        self.assertNotContains(
            detail, reverse("workshops:present", args=[self.school.pk, self.workshop.pk])
        )
        actions = self.client.get(reverse("workshops:action_list", args=[self.school.pk]))
        self.assertContains(actions, "Gemensamma mål")

    def test_an_owner_updates_their_own_action_and_no_one_elses(self):
        url = reverse("workshops:action_status", args=[self.school.pk, self.action.pk])
        self.login(self.alice)
        self.assertEqual(self.client.post(url, {"status": "in_progress"}).status_code, 302)
        self.action.refresh_from_db()
        self.assertEqual(self.action.status, "in_progress")
        other = services.action_create(
            workshop=self.workshop, what="Alla", owner=None, due_on=dt.date(2027, 1, 1)
        )
        response = self.client.post(
            reverse("workshops:action_status", args=[self.school.pk, other.pk]), {"status": "done"}
        )
        self.assertEqual(response.status_code, 403)

    def test_a_teacher_who_left_sees_nothing(self):
        Membership.objects.filter(user=self.alice).delete()
        self.login(self.alice)
        response = self.client.get(reverse("workshops:action_list", args=[self.school.pk]))
        self.assertEqual(response.status_code, 404)

    def test_the_schools_page_lists_its_open_actions(self):
        url = reverse("accounts:organisation_detail", args=[self.school.pk])
        self.login(self.alice)
        self.assertContains(self.client.get(url), "Gemensamma mål")
        self.login(self.olle)
        self.assertNotContains(self.client.get(url), "Gemensamma mål")

    def test_the_school_block_shows_open_actions_to_its_people_only(self):
        template = Template("{% load workshops %}{% school_workshop_actions school %}")
        request = RequestFactory().get("/")
        request.user = self.alice
        html = template.render(Context({"request": request, "school": self.school}))
        self.assertIn("Gemensamma mål", html)
        request.user = self.olle
        html = template.render(Context({"request": request, "school": self.school}))
        self.assertNotIn("Gemensamma mål", html)


class HomeTests(BaseTestCase):
    def titles(self, user):
        organisations = selectors.organisations_for_user(user=user)
        return [a.title for a in home_actions(user, organisations)]

    def test_the_principal_sees_the_next_workshop_and_a_teacher_their_actions(self):
        self.assertTrue(any(str(self.school.name) in t for t in self.titles(self.pia)))
        workshop = make_workshop(self, days=3)
        services.action_create(
            workshop=workshop, what="Auskultera", owner=self.alice, due_on=dt.date(2027, 1, 1)
        )
        self.assertTrue(any(workshop.title in t for t in self.titles(self.pia)))
        self.assertTrue(any("Auskultera" in t for t in self.titles(self.alice)))
        self.assertFalse(any("Auskultera" in t for t in self.titles(self.oscar)))


class ApiTests(BaseTestCase):
    def test_it_lists_the_schools_workshops_and_open_actions(self):
        workshop = make_workshop(self, team=[self.alice])
        services.action_create(
            workshop=workshop, what="Alla", owner=None, due_on=dt.date(2027, 1, 1)
        )
        done = services.action_create(
            workshop=workshop, what="Klar", owner=self.alice, due_on=dt.date(2027, 1, 2)
        )
        services.action_set_status(action=done, status="done")
        self.login(self.alice)
        body = self.client.get(f"/api/v1/workshops/schools/{self.school.pk}/workshops").json()
        self.assertEqual(
            [(w["title"], w["team_size"], w["upcoming"]) for w in body],
            [("Vår undervisning", 1, True)],
        )
        url = f"/api/v1/workshops/schools/{self.school.pk}/actions"
        self.assertEqual([a["what"] for a in self.client.get(url).json()], ["Alla", "Klar"])
        body = self.client.get(url, {"open": "true"}).json()
        self.assertEqual([(a["what"], a["owner"]) for a in body], [("Alla", None)])

"""The owner's annual quality cycle: year wheel, status per school, reminders, annual report."""

from __future__ import annotations

from datetime import date

import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from samsyn.improvement import cycle, services
from samsyn.improvement.models import CycleStep, QualityCycle
from samsyn.observations.tests.factories import make_round
from samsyn.test import BaseTestCase


class CycleTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.cycle = cycle.cycle_create(
            owner=self.owner, year=2026, title="SKA 2026", actor=self.olle
        )
        self.every = self.cycle.steps.filter(every_school=True).order_by("deadline")
        self.own = self.cycle.steps.filter(every_school=False).order_by("deadline")

    def test_it_starts_from_the_usual_year_wheel(self):
        kinds = {s.kind for s in self.cycle.steps.all()}
        self.assertEqual(kinds, set(CycleStep.Kind.values))
        with self.assertRaises(ValidationError):
            cycle.cycle_create(owner=self.owner, year=2026, title="Igen", actor=self.olle)
        with self.assertRaises(ValidationError):
            cycle.cycle_create(owner=self.school, year=2027, title="Skola", actor=self.olle)

    def test_the_owner_creates_a_cycle_on_the_page(self):
        self.login(self.olle)
        response = self.client.post(
            reverse("improvement:cycles", args=[self.owner.pk]),
            {"year": "2027", "title": "SKA 2027", "template": ""},
        )
        created = QualityCycle.objects.get(year=2027)
        self.assertRedirects(response, reverse("improvement:cycle", args=[created.pk]))
        self.assertEqual(created.steps.count(), 0)
        response = self.client.post(
            reverse("improvement:cycles", args=[self.owner.pk]), {"year": "2027", "title": "x"}
        )
        self.assertIn("year", response.context["form"].errors)

    def test_status_per_school_follows_each_schools_progress(self):
        first = self.every[0]
        cycle.step_status_set(
            step=first, school=self.school, status="done", outcome="Resultaten genomgångna."
        )
        rows = {r.school: r for r in cycle.status_by_school(self.cycle, today=date(2026, 4, 15))}
        # Two every-school steps are past their deadline on 15 April; School A did one of them.
        self.assertEqual((rows[self.school].done, rows[self.school].overdue), (1, 1))
        self.assertEqual((rows[self.school_b].done, rows[self.school_b].overdue), (0, 2))

    def test_a_principal_marks_the_schools_part_but_not_the_owners_steps(self):
        self.login(self.pia)
        step = self.every[0]
        response = self.client.post(
            reverse("improvement:step_status", args=[self.cycle.pk, step.pk]),
            {"school": self.school.pk, "status": "done", "outcome": "Klart"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(step.school_statuses.get(school=self.school).status, "done")
        response = self.client.post(
            reverse("improvement:step_status", args=[self.cycle.pk, step.pk]),
            {"school": self.school_b.pk, "status": "done"},
        )
        self.assertIn(response.status_code, (403, 404))
        response = self.client.post(
            reverse("improvement:step_status", args=[self.cycle.pk, self.own[0].pk]),
            {"status": "done"},
        )
        self.assertEqual(response.status_code, 403)
        page = self.client.get(
            reverse("improvement:cycle_school", args=[self.cycle.pk, self.school.pk])
        )
        self.assertContains(page, "Klart")

    def test_no_school_marks_the_owners_own_steps_or_another_owners(self):
        step = self.own[0]
        url = reverse("improvement:step_status", args=[self.cycle.pk, step.pk])
        # A principal elsewhere, naming their own school: not this owner's school.
        self.login(self.charlie)
        response = self.client.post(url, {"school": self.other_school.pk, "status": "done"})
        self.assertEqual(response.status_code, 404)
        # This owner's principal, naming their school for the owner's own step.
        self.login(self.pia)
        self.client.post(url, {"school": self.school.pk, "status": "done"})
        step.refresh_from_db()
        self.assertEqual(step.status, CycleStep.Status.PLANNED)
        with self.assertRaises(ValidationError):
            cycle.step_status_set(step=step, school=self.school, status="done")

    def test_steps_link_evidence_but_never_peer_rounds(self):
        round_ = make_round(self)
        step = self.own[0]
        self.login(self.olle)
        url = reverse("improvement:step_evidence", args=[self.cycle.pk, step.pk])
        self.client.post(url, {"round": round_.pk})
        self.assertEqual(step.evidence.get().label, round_.name)
        round_.is_peer = True
        round_.save()
        response = self.client.post(url, {"round": round_.pk})
        self.assertEqual(response.status_code, 200)  # no longer a choice
        with self.assertRaises(ValidationError):
            cycle.step_evidence_add(step=step, kind="round", label="x", round=round_)

    def test_a_deadline_outside_the_year_is_refused(self):
        self.login(self.olle)
        response = self.client.post(
            reverse("improvement:step_create", args=[self.cycle.pk]),
            {"kind": "analysis", "title": "Analys", "deadline": "2025-05-01"},
        )
        self.assertIn("deadline", response.context["form"].errors)

    @time_machine.travel("2026-05-05 08:00", tick=False)
    def test_reminders_go_once_a_week_in_the_persons_language(self):
        self.olle.language = "en"
        self.olle.save()
        self.assertEqual(cycle.reminders_send(), 2)  # pia (the school's steps), olle (owner's)
        by_person = {m.to[0]: m for m in mail.outbox}
        to_pia, to_olle = by_person["pia@example.org"], by_person["olle@example.org"]
        self.assertIn(self.every[1].title, to_pia.body)
        self.assertIn("Skola A", to_pia.body)
        self.assertNotIn("Skola B", to_pia.body)
        with translation.override("sv"):
            self.assertIn(gettext("past the deadline"), to_pia.body)
        self.assertIn(self.own[0].title, to_olle.body)
        self.assertIn("steps to do", to_olle.subject)
        self.assertEqual(cycle.reminders_send(), 0)  # not again within the week
        # The home page shows the same steps.
        self.login(self.pia)
        self.assertContains(self.client.get("/"), self.every[1].title)

    def test_the_annual_report_is_a_pdf_of_what_was_done(self):
        cycle.step_status_set(step=self.own[0], status="done", outcome="Analys klar.")
        project = services.project_create(school=self.school, lead=self.pia, title="Läsprojekt")
        cycle.step_evidence_add(
            step=self.every[3], kind="project", label=project.title, project=project
        )
        data = cycle.annual_report(self.cycle)
        self.assertIn(project, list(data["projects"]))
        self.login(self.olle)
        response = self.client.get(reverse("improvement:cycle_report", args=[self.cycle.pk]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_the_annual_report_includes_the_regional_exchanges_the_owner_took_part_in(self):
        import pypdfium2

        from samsyn.accounts.models import Organisation
        from samsyn.networks.models import Exchange, ExchangeVisit

        neighbour = Organisation.objects.create(
            kind=Organisation.Kind.OWNER, name="Grannkommunen", parent=self.region
        )
        exchange = Exchange.objects.create(
            organiser=self.owner,
            title="Kritiska vänner 2026",
            starts_on=date(2026, 2, 1),
            ends_on=date(2026, 5, 31),
            development_area="Ledning av undervisningen",
            analysis="Besöken visade hur rektorerna följer undervisningen.",
        )
        exchange.owners.set([self.owner, neighbour])
        visit = ExchangeVisit.objects.create(
            exchange=exchange,
            host=neighbour,
            starts_on=date(2026, 3, 10),
            ends_on=date(2026, 3, 11),
        )
        visit.visitors.set([self.owner])
        elsewhere = Exchange.objects.create(
            organiser=neighbour,
            title="Utan oss",
            starts_on=date(2026, 2, 1),
            ends_on=date(2026, 5, 31),
            development_area="x",
        )
        elsewhere.owners.set([neighbour, self.other_owner])
        self.assertEqual(cycle.annual_report(self.cycle)["exchanges"], [exchange])
        self.login(self.olle)
        response = self.client.get(reverse("improvement:cycle_report", args=[self.cycle.pk]))
        pdf = pypdfium2.PdfDocument(response.content)
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
        self.assertIn("Kritiska vänner 2026", text)
        self.assertIn("Grannkommunen", text)
        self.assertNotIn("Utan oss", text)

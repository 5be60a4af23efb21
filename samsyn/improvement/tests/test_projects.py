"""Development projects from the starting analysis to a published report, through the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse

from samsyn.accounts.models import Membership, Role
from samsyn.improvement import selectors, services
from samsyn.improvement.models import Evidence, LibraryEntry, Project, Report
from samsyn.improvement.tests.helpers import SECTIONS, published_project
from samsyn.indicators import services as indicator_services
from samsyn.observations.tests.factories import make_round
from samsyn.test import BaseTestCase, make_user


class ProjectPageTests(BaseTestCase):
    def test_a_principal_creates_a_project_with_a_staff_group(self):
        self.login(self.pia)
        response = self.client.post(
            reverse("improvement:project_create", args=[self.school.pk]),
            {
                "title": "Studiero i åk 7",
                "school_form": "compulsory",
                "area": "safety",
                "analysis": "Enkäten visar låg studiero.",
                "question": "Hur skapar vi studiero?",
                "staff": [self.alice.pk],
                "starts_on": "2026-08-20",
                "ends_on": "2027-12-20",
            },
        )
        project = Project.objects.get(title="Studiero i åk 7")
        self.assertRedirects(response, reverse("improvement:project", args=[project.pk]))
        self.assertEqual(project.lead, self.pia)
        self.assertEqual(list(project.staff.all()), [self.alice])
        self.assertEqual(project.phase_changes.count(), 1)
        # Alice is in the staff group: she reads the project.
        self.login(self.alice)
        self.assertContains(
            self.client.get(reverse("improvement:project", args=[project.pk])), "Studiero i åk 7"
        )

    def test_the_form_names_a_bad_field(self):
        self.login(self.pia)
        response = self.client.post(
            reverse("improvement:project_create", args=[self.school.pk]),
            {
                "title": "X",
                "school_form": "compulsory",
                "area": "safety",
                "starts_on": "2026-08-20",
                "ends_on": "2026-01-01",
                "staff": [self.charlie.pk],  # not of the school
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("ends_on", response.context["form"].errors)
        self.assertIn("staff", response.context["form"].errors)
        self.assertFalse(Project.objects.exists())

    def test_evidence_comes_from_the_school_and_never_from_peer_rounds(self):
        project = services.project_create(school=self.school, lead=self.pia, title="P")
        open_round = make_round(self)
        peer_round = make_round(self, name="Triadens runda")
        peer_round.is_peer = True
        peer_round.save()
        survey = indicator_services.survey_create(
            organisation=self.school, actor=self.pia, title="Trygghet", audience="students"
        )
        indicator_services.survey_create(
            organisation=self.other_school, actor=self.charlie, title="Annan", audience="students"
        )
        rounds = list(selectors.round_choices_unscoped(self.school))
        self.assertIn(open_round, rounds)
        self.assertNotIn(peer_round, rounds)
        self.assertEqual(list(selectors.survey_choices_unscoped(self.school)), [survey])
        with self.assertRaises(ValidationError):
            services.project_evidence_add(
                project=project, kind="round", label="x", round=peer_round
            )

        self.login(self.pia)
        url = reverse("improvement:evidence_add", args=[project.pk])
        response = self.client.post(url, {"round": peer_round.pk})
        self.assertEqual(response.status_code, 200)  # not a valid choice
        response = self.client.post(url, {"round": open_round.pk, "survey": survey.pk})
        self.assertTrue(response.context["form"].non_field_errors())
        response = self.client.post(url, {"survey": survey.pk, "note": "Låg trygghet i åk 8"})
        self.assertEqual(response.status_code, 302)
        evidence = Evidence.objects.get(project=project)
        self.assertEqual((evidence.kind, evidence.label), ("survey", "Trygghet"))
        response = self.client.post(url, {"indicator": "grade9-merit"})
        self.assertEqual(project.evidence.count(), 2)

    def test_evidence_links_only_to_pages_the_reader_may_open(self):
        """(Found by the crawl.) An owner's round as evidence is linked to its planners only,
        and an indicator only where the school has a municipality its figures are about."""
        project = services.project_create(school=self.school, lead=self.pia, title="P")
        owners_round = make_round(self, actor=self.olle, organisation=self.owner, name="Kommunens")
        schools_round = make_round(self, name="Skolans")
        for round_ in (owners_round, schools_round):
            services.project_evidence_add(
                project=project, kind="round", label=round_.name, round=round_
            )
        services.project_evidence_add(
            project=project, kind="indicator", label="Meritvärde", indicator_code="grade9-merit"
        )
        self.login(self.pia)
        page = self.client.get(reverse("improvement:project", args=[project.pk]))
        html = page.content.decode()
        owners_url = reverse("observations:round", args=[owners_round.pk])
        self.assertEqual(self.client.get(owners_url).status_code, 403)
        self.assertNotIn(f'href="{owners_url}"', html)
        self.assertIn(f'href="{reverse("observations:round", args=[schools_round.pk])}"', html)
        indicator_url = reverse(
            "indicators:indicator_detail", args=[self.school.pk, "grade9-merit"]
        )
        self.assertEqual(self.client.get(indicator_url).status_code, 404)  # no municipality code
        self.assertNotIn(f'href="{indicator_url}"', html)
        self.assertIn("Meritvärde", html)

    def test_measures_keep_their_interval_whole(self):
        project = services.project_create(school=self.school, lead=self.pia, title="P")
        self.login(self.pia)
        url = reverse("improvement:measure_create", args=[project.pk])
        response = self.client.post(url, {"name": "Andel", "baseline": "40", "interval_low": "3"})
        self.assertIn("interval_high", response.context["form"].errors)
        response = self.client.post(
            url, {"name": "Andel", "baseline": "40", "target": "60", "n": "120"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(project.measures.get().target, 60)

    def test_phases_are_recorded_with_dates(self):
        project = services.project_create(school=self.school, lead=self.pia, title="P")
        self.login(self.pia)
        self.client.post(
            reverse("improvement:phase_set", args=[project.pk]),
            {"phase": "implementation", "on": "2026-09-01"},
        )
        project.refresh_from_db()
        self.assertEqual(project.phase, "implementation")
        self.assertEqual(
            (lambda c: (c.phase, c.on))(project.phase_changes.latest("pk")),
            ("implementation", date(2026, 9, 1)),
        )


class SupervisionTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.project = services.project_create(
            school=self.school, lead=self.pia, title="Läsning", staff=[self.alice]
        )
        # An explicitly assigned supervisor: no researcher role, only the group.
        self.sara = make_user("sara", "Sara Supervisor")
        Membership.objects.create(user=self.sara, organisation=self.region, role=Role.TEACHER)
        self.group = services.group_create(
            organisation=self.owner, supervisor=self.sara, name="Grupp"
        )

    def test_a_supervisor_sees_the_log_only_after_the_project_joins_the_group(self):
        url = reverse("improvement:project", args=[self.project.pk])
        self.login(self.sara)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login(self.pia)
        self.client.post(
            reverse("improvement:group_set", args=[self.project.pk]), {"group": self.group.pk}
        )
        self.login(self.sara)
        self.assertEqual(self.client.get(url).status_code, 200)
        # …but not the school's other data.
        self.assertEqual(
            self.client.get(
                reverse("improvement:school_projects", args=[self.school.pk])
            ).status_code,
            403,
        )
        self.assertEqual(
            self.client.get(reverse("indicators:survey_list", args=[self.school.pk])).status_code,
            403,
        )

    def test_the_supervisor_logs_sessions_and_comments(self):
        services.project_group_set(project=self.project, group=self.group)
        self.login(self.sara)
        response = self.client.post(
            reverse("improvement:session_create", args=[self.project.pk]),
            {
                "held_on": "2026-10-05",
                "kind": "literature",
                "participants": [self.pia.pk, self.sara.pk],
                "notes": "Vi läste om formativ bedömning.",
                "decisions": "Pröva exit tickets.",
                "literature": "Wiliam, D. (2011). Embedded formative assessment.\nHattie (2009)",
            },
        )
        self.assertEqual(response.status_code, 302)
        session = self.project.sessions.get()
        self.assertEqual(set(session.participants.all()), {self.pia, self.sara})
        self.assertEqual(len(session.references), 2)
        self.client.post(
            reverse("improvement:comment_add", args=[self.project.pk]), {"text": "Bra start!"}
        )
        page = self.client.get(reverse("improvement:project", args=[self.project.pk]))
        self.assertContains(page, "Embedded formative assessment")
        self.assertContains(page, "Bra start!")
        # The staff member reads but does not write the log.
        self.login(self.alice)
        response = self.client.get(reverse("improvement:session_create", args=[self.project.pk]))
        self.assertEqual(response.status_code, 403)

    def test_the_supervisor_plans_group_sessions(self):
        services.project_group_set(project=self.project, group=self.group)
        self.login(self.sara)
        url = reverse("improvement:group", args=[self.group.pk])
        response = self.client.post(url, {"planned_on": "2026-11-03", "agenda": "Läsloggar"})
        self.assertEqual(response.status_code, 302)
        page = self.client.get(url)
        self.assertContains(page, "Läsloggar")
        self.assertContains(page, "Läsning")
        self.assertIn(self.group, selectors.groups_for_user(self.sara))
        # A researcher in the region sees the groups below it; a principal does not.
        self.assertIn(self.group, selectors.groups_for_user(self.rita))
        self.login(self.pia)
        self.assertEqual(self.client.get(url).status_code, 403)


class ReportTests(BaseTestCase):
    def test_the_report_starts_from_the_projects_material(self):
        project = services.project_create(
            school=self.school,
            lead=self.pia,
            title="P",
            analysis="Låga resultat i läsförståelse.",
            question="Hur läser eleverna?",
            methods="Läsloggar",
        )
        services.project_evidence_add(project=project, kind="survey", label="Läsvanor")
        services.measure_save(
            project=project, name="Läsförståelse", baseline=50, target=60, outcome=57, n=40
        )
        services.session_log(
            project=project,
            actor=self.pia,
            held_on=date(2026, 9, 1),
            kind="method",
            decisions="Börja med läsloggar",
        )
        report = services.report_start(project=project)
        self.assertIn("Låga resultat", report.background)
        self.assertIn("Läsvanor", report.background)
        self.assertIn("Hur läser eleverna?", report.area)
        self.assertIn("Läsloggar", report.method)
        self.assertIn("Börja med läsloggar", report.what_happened)
        self.assertIn("Läsförståelse", report.results)
        self.assertIn("n = 40", report.results)

    def test_publishing_needs_review_and_consent(self):
        project = services.project_create(school=self.school, lead=self.pia, title="P")
        report = services.report_start(project=project)
        with self.assertRaises(ValidationError):
            services.report_submit(report=report)  # sections missing
        services.report_save(report=report, **SECTIONS)
        with self.assertRaises(ValidationError):
            services.report_submit(report=report)  # no supervision group
        group = services.group_create(organisation=self.region, supervisor=self.rita, name="G")
        services.project_group_set(project=project, group=group)
        with self.assertRaises(ValidationError):
            services.report_publish(report=report, actor=self.pia, consent=True)
        services.report_submit(report=report)
        with self.assertRaises(ValidationError):
            services.report_review(report=report, reviewer=self.rita, approve=False)
        services.report_review(report=report, reviewer=self.rita, approve=False, comment="Mer!")
        self.assertEqual(report.status, Report.Status.CHANGES)
        services.report_submit(report=report)
        services.report_review(report=report, reviewer=self.rita, approve=True)
        with self.assertRaises(ValidationError):
            services.report_publish(report=report, actor=self.pia, consent=False)
        self.assertFalse(LibraryEntry.objects.exists())
        entry = services.report_publish(report=report, actor=self.pia, consent=True)
        self.assertEqual(entry.organisation_name, "Skola A, Testkommun")
        project.refresh_from_db()
        self.assertEqual(project.phase, Project.Phase.FINISHED)
        with self.assertRaises(ValidationError):
            services.report_save(report=report, lessons="x")

    def test_the_review_and_publication_through_the_pages(self):
        project = services.project_create(school=self.school, lead=self.pia, title="P")
        group = services.group_create(organisation=self.region, supervisor=self.rita, name="G")
        services.project_group_set(project=project, group=group)
        self.login(self.pia)
        self.client.get(reverse("improvement:report_edit", args=[project.pk]))
        response = self.client.post(
            reverse("improvement:report_edit", args=[project.pk]), {"language": "sv", **SECTIONS}
        )
        self.assertEqual(response.status_code, 302)
        self.client.post(reverse("improvement:report_submit", args=[project.pk]))
        self.login(self.rita)
        self.client.post(
            reverse("improvement:report_review", args=[project.pk]), {"decision": "approve"}
        )
        self.login(self.pia)
        response = self.client.post(reverse("improvement:report_publish", args=[project.pk]))
        self.assertFalse(LibraryEntry.objects.exists())  # no consent ticked
        response = self.client.post(
            reverse("improvement:report_publish", args=[project.pk]), {"consent": "on"}
        )
        entry = LibraryEntry.objects.get()
        self.assertRedirects(response, reverse("improvement:library_entry", args=[entry.pk]))

    def test_the_pdf_is_shared_once_published(self):
        project, _report, entry = published_project(self)
        self.login(self.charlie)
        response = self.client.get(reverse("improvement:report_pdf", args=[project.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        page = self.client.get(reverse("improvement:library_entry", args=[entry.pk]))
        self.assertContains(page, "Elever som får återkoppling")
        self.assertContains(page, "56")  # the interval is part of the evidence
        # The project page itself stays with the school.
        response = self.client.get(reverse("improvement:project", args=[project.pk]))
        self.assertEqual(response.status_code, 404)

    def test_another_principal_of_the_school_cannot_consent_for_the_author(self):
        project, _report, _entry = published_project(self)
        other = make_user("petra", "Petra Principal")
        Membership.objects.create(user=other, organisation=self.school, role=Role.PRINCIPAL)
        self.login(other)
        response = self.client.post(
            reverse("improvement:report_publish", args=[project.pk]), {"consent": "on"}
        )
        self.assertEqual(response.status_code, 403)


class LibraryEntryTests(BaseTestCase):
    def test_related_entries_share_area_or_dimension(self):
        a = services.library_entry_publish(
            kind="practice", source="t", source_id=1, title="A", body="x", area="safety"
        )
        b = services.library_entry_publish(
            kind="practice", source="t", source_id=2, title="B", body="y", area="safety"
        )
        c = services.library_entry_publish(
            kind="practice", source="t", source_id=3, title="C", body="z", area="literacy"
        )
        d = services.library_entry_publish(
            kind="excellence", source="t", source_id=4, title="D", body="w", related=[c]
        )
        self.assertEqual(selectors.related_entries(user=self.pia, entry=a), [b])
        self.assertEqual(selectors.related_entries(user=self.pia, entry=d), [c])
        self.assertEqual(selectors.related_entries(user=self.pia, entry=c), [d])  # symmetrical

    def test_an_unknown_language_is_refused(self):
        with self.assertRaises(ValidationError):
            services.library_entry_publish(
                kind="practice", source="t", source_id=1, title="A", body="x", language="de"
            )

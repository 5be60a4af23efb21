"""The home page as a working surface: what needs a person now comes first (owner, network
coordinator), everything else sits in a compact menu; nothing urgent for those without it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from samsyn.integrations import services as integration_services
from samsyn.networks import services as network_services
from samsyn.privacy import services as privacy_services
from samsyn.test import BaseTestCase


class NeedsYouNowTests(BaseTestCase):
    def needs(self, user) -> str:
        self.login(user)
        html = self.client.get("/").content.decode()
        if 'id="needs-heading"' not in html:
            return ""
        return html.split('id="needs-heading"', 1)[1].split("</section>", 1)[0]

    def test_the_owner_sees_a_waiting_request_and_a_failing_provider(self):
        self.assertEqual(self.needs(self.olle), "")
        privacy_services.request_create(
            owner=self.owner,
            actor=self.olle,
            subject=self.alice,
            kind="erasure",
            scope=[privacy_services.erasure_scopes()[0][0]],
            reason="Har slutat",
        )
        integration_services.sso_provider_save(
            owner=self.owner,
            name="Testkommun-ID",
            issuer="http://127.0.0.1:9",
            client_id="samsyn",
            client_secret="s3cret",
            email_domains="testkommun.example",
            is_active=True,
        )
        needs = self.needs(self.olle)
        self.assertIn("En begäran från en person väntar på granskning", needs)
        self.assertIn(reverse("privacy:requests", args=[self.owner.pk]), needs)
        self.assertIn("Enkel inloggning för Testkommun erbjuds inte", needs)
        # Not for a teacher of the same owner.
        self.assertEqual(self.needs(self.alice), "")

    def test_the_coordinator_sees_the_reviews_in_progress(self):
        self.assertEqual(self.needs(self.nina), "")
        network_services.review_create(
            actor=self.nina,
            network=self.network,
            school=self.school,
            year=dt.date.today().year,
        )
        needs = self.needs(self.nina)
        self.assertIn("En kollegial granskning pågår i Testnätverk", needs)
        self.assertIn(reverse("networks:network", args=[self.network.pk]), needs)

    def test_the_supervisor_sees_a_report_waiting_for_review(self):
        from samsyn.improvement import services as improvement_services
        from samsyn.improvement.tests.helpers import SECTIONS

        self.assertEqual(self.needs(self.rita), "")
        project = improvement_services.project_create(
            school=self.school, lead=self.pia, title="Studiero", area="assessment"
        )
        group = improvement_services.group_create(
            organisation=self.region, supervisor=self.rita, name="Ignite"
        )
        improvement_services.project_group_set(project=project, group=group)
        report = improvement_services.report_start(project=project)
        improvement_services.report_save(report=report, **SECTIONS)
        improvement_services.report_submit(report=report)
        needs = self.needs(self.rita)
        self.assertIn("Granska slutrapporten: Studiero", needs)
        self.assertIn(reverse("improvement:report", args=[project.pk]), needs)

    def test_the_researcher_sees_an_approved_export_until_downloaded(self):
        from samsyn.privacy.models import ResearchDownload
        from samsyn.privacy.tests.helpers import make_plain_round

        self.assertEqual(self.needs(self.rita), "")
        export = privacy_services.research_request_create(
            researcher=self.rita,
            owner=self.owner,
            project="Studie A",
            purpose="Analys",
            rounds=[make_plain_round(self)],
            schools=[self.school],
            fields=["subject"],
            notes_requested=False,
        )
        self.assertIn("Ett forskningsuttag väntar på granskning", self.needs(self.olle))
        self.assertEqual(self.needs(self.rita), "")
        privacy_services.research_review(export=export, actor=self.olle, approve=True)
        self.assertIn("Ett godkänt forskningsuttag kan laddas ner", self.needs(self.rita))
        ResearchDownload.objects.create(
            export=export,
            downloaded_by=self.rita,
            file_format="csv",
            rows=0,
            dropped_rows=0,
            generalised_rows=0,
        )
        self.assertEqual(self.needs(self.rita), "")

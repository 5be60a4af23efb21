"""The owner administrator's, the network coordinator's and the researcher's homes open with
a panel of what needs them now (issue #24), each figure counted from the database and linking
to where it is acted on; nobody else gets these panels."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from samsyn.networks import services as network_services
from samsyn.observations.tests.factories import make_round
from samsyn.privacy import services as privacy_services
from samsyn.test import BaseTestCase


class RolePanelTests(BaseTestCase):
    def figures(self, user, panel: str) -> dict[str, str]:
        self.login(user)
        html = self.client.get("/").content.decode()
        if f"{panel}" not in html:
            return {}
        section = html.split(panel, 1)[1].split("</section>", 1)[0]
        return {
            key: re.sub(r"<[^>]+>", "", value).strip()
            for key, value in re.findall(r'data-figure="([^"]+)">(.*?)</dd>', section, re.S)
        }

    def test_the_owner_panel_counts_what_waits(self):
        figures = self.figures(self.olle, "owner-panel")
        self.assertEqual(figures["requests"], "0")
        self.assertEqual(figures["no-round"], "2 av 2 skolor")
        self.assertEqual(figures["no-plan"], "2 av 2 skolor")
        privacy_services.request_create(
            owner=self.owner,
            actor=self.olle,
            subject=self.alice,
            kind="erasure",
            scope=[privacy_services.erasure_scopes()[0][0]],
            reason="Har slutat",
        )
        round_ = make_round(self)
        unscheduled = round_.assignments.filter(planned_at=None).count()
        figures = self.figures(self.olle, "owner-panel")
        self.assertEqual(figures["requests"], "1")
        self.assertEqual(figures["no-round"], f"{2 - round_.schools.count()} av 2 skolor")
        self.assertEqual(figures["unscheduled"], str(unscheduled))
        html = self.client.get("/").content.decode()
        self.assertIn(reverse("privacy:requests", args=[self.owner.pk]), html)

    def test_the_coordinator_panel_follows_the_reviews(self):
        figures = self.figures(self.nina, "coordinator-panel")
        self.assertEqual(figures["in-progress"], "0")
        self.assertEqual(figures["next-visit"], "Inget planerat")
        visit = dt.date.today() + dt.timedelta(days=10)
        review = network_services.review_create(
            actor=self.nina,
            network=self.network,
            school=self.school,
            year=dt.date.today().year,
            visit_starts_on=visit,
            visit_ends_on=visit,
        )
        figures = self.figures(self.nina, "coordinator-panel")
        self.assertEqual(figures["in-progress"], "1")
        self.assertEqual(figures["no-visit"], "0")
        self.assertTrue(figures["next-visit"].endswith(f"· {self.school.name}"))
        html = self.client.get("/").content.decode()
        self.assertIn(reverse("networks:review", args=[review.pk]), html)

    def test_the_researcher_panel_counts_their_exports(self):
        figures = self.figures(self.rita, "researcher-panel")
        self.assertEqual(figures, {"ready": "0", "pending": "0", "rejected": "0"})

    def test_nobody_else_gets_these_panels(self):
        for user in (self.alice, self.oscar, self.pia, self.bob, self.charlie):
            self.login(user)
            html = self.client.get("/").content.decode()
            for panel in ("owner-panel", "coordinator-panel", "researcher-panel"):
                self.assertNotIn(panel, html, (user.email, panel))
        # The owner's panel only for the owner administrator's own owner.
        self.login(self.olle)
        self.assertNotIn(f'id="owner-{self.other_owner.pk}"', self.client.get("/").content.decode())

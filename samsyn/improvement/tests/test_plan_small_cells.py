"""Attack: a school plan's stored figures computed from a cell below SAMSYN_MIN_GROUP.

Goals keep their baseline and follow-ups keep a snapshot of their figures (`PlanFollowUp.values`),
so a figure stored before a small-cell fix, or by any future bug, would be shown for ever. The
plan's pages re-apply the rule when they draw: a stored figure resting on fewer than
`SAMSYN_MIN_GROUP` teachers (or on an unknown number) is never shown, on the page, the goal's
edit page or the PDF.
"""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from samsyn.improvement import plans
from samsyn.improvement.models import PlanFollowUp, PlanGoal
from samsyn.improvement.tests.plan_world import plan_world
from samsyn.test import BaseTestCase

# Figures as a 2-teacher cell gave them, chosen so that no other figure on the page has them.
LEAKED = {"mean": 3.777, "low": 3.123, "high": 3.911, "estimate": 1.666, "base": 2.333}


def leaked_row(code: str, name: str) -> dict:
    """A follow-up row as stored before the fix: figures of 2 teachers, nothing hidden."""
    return {
        "code": code,
        "name": name,
        "baseline": {
            "mean": LEAKED["base"],
            "low": None,
            "high": None,
            "teachers": 2,
            "hidden": "",
        },
        "followup": {
            "code": code,
            "name": name,
            "order": 1,
            "mean": LEAKED["mean"],
            "low": LEAKED["low"],
            "high": LEAKED["high"],
            "teachers": 2,
            "hidden": "",
        },
        "change": {
            "estimate": LEAKED["estimate"],
            "low": 0.5,
            "high": 2.9,
            "teachers": 2,
            "method": "paired",
            "hidden": "",
        },
    }


def shown(text: str) -> list[str]:
    """The leaked figures (as the page formats them, in Swedish or English) found in `text`."""
    found = []
    for value in LEAKED.values():
        for form in (f"{value:.2f}", f"{value:.2f}".replace(".", ",")):
            if form in text:
                found.append(form)
    return found


class StoredSmallCellTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.baseline, cls.follow, cls.teachers = plan_world(cls)
        cls.plan = plans.plan_draft(
            school=cls.school, baseline_round=cls.baseline, title="Plan", actor=cls.pia
        )
        plans.plan_approve(plan=cls.plan, actor=cls.pia)
        dimension = cls.baseline.framework_version.dimensions.order_by("order").first()
        # A goal whose stored baseline came from 2 teachers, not marked hidden.
        cls.goal = PlanGoal.objects.create(
            plan=cls.plan,
            dimension_code=dimension.code,
            dimension_name=dimension.name,
            goal="Fler elever deltar",
            baseline_mean=LEAKED["base"],
            baseline_low=None,
            baseline_high=None,
            baseline_teachers=2,
            baseline_hidden="",
            order=9,
        )
        PlanFollowUp.objects.create(
            plan=cls.plan,
            round=cls.follow,
            term="VT 2026",
            values=[leaked_row(dimension.code, dimension.name)],
            created_by=cls.pia,
        )

    def test_the_plan_page_does_not_show_a_stored_small_cell_figure(self):
        self.login(self.pia)
        page = self.client.get(reverse("improvement:plan", args=[self.plan.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "VT 2026")  # the follow-up is there, its figures are not
        self.assertEqual(shown(page.content.decode()), [])

    def test_the_teachers_reading_the_plan_do_not_see_it_either(self):
        self.login(self.teachers[1])
        page = self.client.get(reverse("improvement:plan", args=[self.plan.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertEqual(shown(page.content.decode()), [])

    def test_the_pdf_does_not_show_it(self):
        rendered = []

        def capture(*, string: str, base_url: str, **_options):
            rendered.append(string)
            return mock.Mock(write_pdf=lambda: b"%PDF-1.7 stub")

        self.login(self.pia)
        with mock.patch("weasyprint.HTML", side_effect=capture):
            response = self.client.get(reverse("improvement:plan_pdf", args=[self.plan.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("VT 2026", rendered[0])
        self.assertEqual(shown(rendered[0]), [])

    def test_the_goal_page_does_not_show_it(self):
        self.login(self.pia)
        page = self.client.get(reverse("improvement:plan_goal", args=[self.plan.pk, self.goal.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertEqual(shown(page.content.decode()), [])

    def test_a_figure_of_enough_teachers_is_still_shown(self):
        # The guard hides small cells only: the plan's own goals (8 teachers) keep their figures.
        self.login(self.pia)
        page = self.client.get(reverse("improvement:plan", args=[self.plan.pk]))
        drafted = self.plan.goals.exclude(pk=self.goal.pk).first()
        self.assertGreaterEqual(drafted.baseline_teachers, 5)
        self.assertContains(page, f"{drafted.baseline_mean:.2f}".replace(".", ","))

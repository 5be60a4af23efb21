"""Attack (issue 19): a school plan's figures against the staff's other views, by subtraction.

The school has 9 teachers observed in the baseline and the follow-up round: 7 maths teachers
(grade 8), who are also the team of a workshop whose slides every staff member sees, and 2 NO
teachers (grade 5). The plan's figures are over the whole school (9); the staff dashboard
filtered to maths, and the workshop's slides, are over the 7. Shown side by side, 9 − 7 = 2
teachers' mean steps would follow by subtraction. Played over HTTP with a real session as a
teacher of the school: every figure the plan shows may differ from every other view the
teacher can obtain of the same dimension and round by 0 or at least SAMSYN_MIN_GROUP teachers.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from samsyn.dashboards.tests.test_subtraction import distribution_rows
from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.improvement import plans
from samsyn.improvement.tests.plan_world import BASE, FOLLOW, after, before
from samsyn.observations.models import Round
from samsyn.test import BaseTestCase
from samsyn.workshops.charts import workshop_dashboard
from samsyn.workshops.models import Workshop

BASELINE_CELL = re.compile(
    r'<th scope="row">(?P<name>[^<]+)<br>.*?</th>\s*<td>(?P<cell>.*?)</td>', re.S
)
TEACHERS = re.compile(r"\((\d+) (?:teachers|lärare)\)")


class PlanSubtractionAttackTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.maths = [cls.alice, *make_teachers(cls.school, "ma", 6)]
        cls.no = make_teachers(cls.school, "no", 2)
        cls.rounds = []
        for name, kind, start, steps in (
            ("Höst", Round.Kind.BASELINE, BASE, before),
            ("Vår", Round.Kind.FOLLOW_UP, FOLLOW, after),
        ):
            round_ = make_round(cls.school, [cls.school], name, kind, start)
            observe(round_, cls.school, cls.maths, cls.oscar, step_for=steps, grade="8")
            observe(round_, cls.school, cls.no, cls.oscar, step_for=steps, subject="NO", grade="5")
            workshop = Workshop.objects.create(
                school=cls.school, title=f"Matte {name}", round=round_, starts_at=timezone.now()
            )
            workshop.team.set(cls.maths)
            cls.rounds.append((round_, workshop))

    def plan_page(self) -> tuple[object, str]:
        """The principal drafts a plan from the baseline with a goal for every dimension,
        approves it and follows it up; the teacher reads the plan page."""
        baseline, follow = self.rounds[0][0], self.rounds[1][0]
        plan = plans.plan_draft(
            school=self.school, baseline_round=baseline, title="Plan", actor=self.pia
        )
        have = set(plan.goals.values_list("dimension_code", flat=True))
        for dimension in baseline.framework_version.dimensions.order_by("order"):
            if dimension.code not in have:
                plans.goal_add(plan=plan, code=dimension.code)
        plans.plan_approve(plan=plan, actor=self.pia)
        plans.follow_up_record(plan=plan, round=follow, term="VT", note="", actor=self.pia)
        self.login(self.alice)
        with translation.override("en"):
            response = self.client.get(reverse("improvement:plan", args=[plan.pk]))
        self.assertEqual(response.status_code, 200)
        return plan, response.content.decode()

    def staff_export(self, round_: Round, **query: str) -> dict:
        """The staff dashboard's distribution table (dimension → (ratings, teachers) or None),
        as the teacher downloads it."""
        url = reverse("dashboards:school_export", args=[self.school.pk, "csv"])
        response = self.client.get(url, {"round": str(round_.pk), "compare": "", **query})
        self.assertEqual(response.status_code, 200)
        return distribution_rows(response.content.decode("utf-8-sig"))

    def other_views(self, round_: Round, workshop: Workshop) -> dict[str, list[int]]:
        """Dimension name → the teacher counts of every other view of the round the teacher
        obtains: the staff dashboard whole and filtered, and the workshop's slides."""
        views: dict[str, list[int]] = {}
        for query in ({}, {"subject": "Matematik"}, {"subject": "NO"}, {"grade_span": "79"}):
            for name, shown in self.staff_export(round_, **query).items():
                if shown is not None:
                    views.setdefault(name, []).append(shown[1])
        slides = workshop_dashboard(user=self.alice, workshop=workshop)
        if slides.hidden is None and slides.round is not None:
            for d in slides.distribution_for(slides.round.pk):
                if d.hidden is None:
                    views.setdefault(d.dimension.name, []).append(d.n_teachers)
        return views

    def codes(self) -> dict[str, str]:
        """Every name a dimension is shown under (plan: full name; exports: short name, in
        either language) → its code."""
        out = {}
        for d in self.rounds[0][0].framework_version.dimensions.all():
            for name in (d.name_sv, d.name_en, d.short_name_sv, d.short_name_en):
                if name:
                    out[name] = d.code
        return out

    def assert_no_small_difference(self, shown: dict[str, int], views: dict, what: str) -> None:
        k = settings.SAMSYN_MIN_GROUP
        codes = self.codes()
        by_code: dict[str, list[int]] = {}
        for name, counts in views.items():
            by_code.setdefault(codes[name], []).extend(counts)
        self.assertTrue(set(shown) <= set(codes), f"unknown dimension names: {shown}")
        for name, n in shown.items():
            self.assertGreaterEqual(n, k, f"{what}: {name} rests on {n} teachers")
            for m in by_code.get(codes[name], []):
                self.assertFalse(
                    0 < abs(n - m) < k, f"{what}: {name}: {n} − {m} teachers by subtraction"
                )

    def test_the_world_is_the_attack(self) -> None:
        """Without complementary suppression, the plan and the maths views would differ by two
        teachers: 9 rated in the whole school, 7 in the team."""
        self.assertLess(len(self.no), settings.SAMSYN_MIN_GROUP)
        self.assertGreaterEqual(len(self.maths), settings.SAMSYN_MIN_GROUP)
        values = plans.dimension_values(self.school, self.rounds[0][0])
        self.assertTrue(values)

    def test_the_plan_baseline_gives_no_small_group_away(self) -> None:
        _plan, page = self.plan_page()
        shown = {}
        for row in BASELINE_CELL.finditer(page):
            counted = TEACHERS.search(row["cell"])
            if counted:
                shown[row["name"].strip()] = int(counted.group(1))
        views = self.other_views(*self.rounds[0])
        self.assertTrue(shown or views, "neither the plan nor the dashboard shows anything")
        self.assert_no_small_difference(shown, views, "baseline")

    def test_the_plan_follow_up_gives_no_small_group_away(self) -> None:
        plan, page = self.plan_page()
        shown = {}
        for row in plan.follow_ups.get().values:
            value = row["followup"]
            if not value.get("hidden") and value.get("mean") is not None:
                self.assertIn(f"{value['mean']:.2f}", page)  # the page shows it
                shown[row["name"]] = value["teachers"]
        views = self.other_views(*self.rounds[1])
        self.assert_no_small_difference(shown, views, "follow-up")

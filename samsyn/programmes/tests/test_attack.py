"""Attacks on a programme evaluation over HTTP (issue 25): no figure per school from fewer than
SAMSYN_MIN_GROUP teachers, no difference of two obtainable figures that rests on fewer, one
threshold for the whole product.

The world: the owner's schools A and B with six teachers each, observed in both rounds; school
D with four teachers in both rounds (4 + 4: too few); school E with five teachers in each round
of whom only one was observed in both (a teacher seen once on each side, four left and four
joined). SAMSYN_MIN_GROUP is 5.
"""

from __future__ import annotations

import datetime as dt
import re

from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import Membership, Organisation, Role
from samsyn.analysis.programme import compare_baseline_outcome
from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.observations.models import Round
from samsyn.programmes import selectors, services
from samsyn.programmes.models import ProgrammeMeasure
from samsyn.test import BaseTestCase

Kind = ProgrammeMeasure.Kind
DECIMAL = re.compile(r"\d[.,]\d")


def _step(k: int):
    """Steps that differ between teachers and lessons (never all equal)."""
    return lambda t, order, lesson: 1 + (t * 3 + order + lesson + k) % 4


def _programme(case, name: str, schools: list[Organisation]):
    programme = services.programme_create(
        organisation=case.owner,
        name=name,
        start_year=2025,
        end_year=2027,
        schools=schools,
        actor=case.olle,
    )
    services.measure_set(
        measure=programme.measures.get(kind=Kind.TEACHING),
        baseline_round=case.baseline,
        outcome_round=case.outcome,
    )
    return programme


@override_settings(SAMSYN_MIN_GROUP=5)
class ProgrammeAttackTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.school_d = Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, name="Skola D", parent=cls.owner
        )
        cls.school_e = Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, name="Skola E", parent=cls.owner
        )
        staff_a = [cls.alice, *make_teachers(cls.school, "pa", 5)]
        staff_b = [cls.bob, *make_teachers(cls.school_b, "pb", 5)]
        staff_d = make_teachers(cls.school_d, "pd", 4)
        cls.staff_e = make_teachers(cls.school_e, "pe", 9)
        cls.principal_d = make_teachers(cls.school_d, "rd", 1)[0]
        Membership.objects.filter(user=cls.principal_d).update(role=Role.PRINCIPAL)
        schools = [cls.school, cls.school_b, cls.school_d, cls.school_e]
        cls.baseline = make_round(
            cls.owner, schools, "Höst 2025", Round.Kind.BASELINE, dt.date(2025, 9, 1)
        )
        cls.outcome = make_round(
            cls.owner, schools, "Vår 2027", Round.Kind.FOLLOW_UP, dt.date(2027, 3, 1)
        )
        sides = {
            cls.school: (staff_a, staff_a),
            cls.school_b: (staff_b, staff_b),
            cls.school_d: (staff_d, staff_d),
            # E: teacher 0 in both rounds, 1–4 left, 5–8 joined
            cls.school_e: (cls.staff_e[:5], [cls.staff_e[0], *cls.staff_e[5:]]),
        }
        for k, (school, (before, after)) in enumerate(sides.items()):
            observe(cls.baseline, school, before, cls.oscar, seed=k, step_for=_step(k))
            observe(cls.outcome, school, after, cls.oscar, seed=9 + k, step_for=_step(k + 1))
        cls.programme = _programme(cls, "Med alla", schools)
        cls.without_d = _programme(cls, "Utan D", [cls.school, cls.school_b, cls.school_e])

    def teaching(self, response):
        evaluation = response.context["evaluation"]
        return next(r for r in evaluation.measures if r.measure.kind == Kind.TEACHING)

    def row_html(self, body: str, name: str) -> str:
        rows = re.findall(r"<tr[ >].*?</tr>", body, re.S)
        return next(r for r in rows if re.search(rf">\s*{re.escape(name)}\s*<", r))

    def test_the_four_and_four_school_shows_no_figure_on_the_page_or_in_the_pdf(self):
        for user in (self.olle, self.pia, self.principal_d):
            with self.subTest(user=user.email):
                self.login(user)
                url = reverse("programmes:detail", args=[self.programme.pk])
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                rows = {r["name"]: r for r in self.teaching(response).rows}
                self.assertIsNone(rows["Skola D"]["baseline"])
                self.assertIsNone(rows["Skola D"]["change"])
                cells = re.sub(r"<[^>]+>", "|", self.row_html(response.content.decode(), "Skola D"))
                self.assertIsNone(DECIMAL.search(cells), cells)
                pdf = self.client.get(reverse("programmes:pdf", args=[self.programme.pk]))
                self.assertEqual(pdf.status_code, 200)
                rows = {r["name"]: r for r in self.teaching(pdf).rows}
                self.assertIsNone(rows["Skola D"]["baseline"])

    def test_the_programme_with_and_without_the_small_school_gives_the_same_figures(self):
        """A manager may build two programmes that differ by one school: the difference of
        their programme-level figures would be school D's four teachers."""
        self.login(self.olle)
        figures = []
        for programme in (self.programme, self.without_d):
            response = self.client.get(reverse("programmes:detail", args=[programme.pk]))
            self.assertContains(response, '<tr class="total">')
            total = self.teaching(response).rows[0]
            self.assertTrue(total["programme"])
            figures.append(
                (
                    total["n_baseline"],
                    total["n_outcome"],
                    round(total["baseline"].estimate, 12),
                    round(total["outcome"].estimate, 12),
                    round(total["change"].estimate, 12),
                )
            )
        self.assertEqual(figures[0], figures[1])

    def test_a_school_with_one_teacher_in_both_rounds_is_hidden(self):
        """docs/programmes.md: a school with fewer than SAMSYN_MIN_GROUP teachers in both
        rounds shows nothing. Its change interval pairs the one teacher seen twice (a cluster
        of her two values): which outcome value is hers moves the interval, with every
        per-side figure unchanged, so the interval speaks of that one teacher."""
        before = [2.0, 2.5, 3.0, 2.0, 3.5]
        after = [3.5, 2.5, 2.0, 3.0, 2.5]
        common = dict(
            schools_baseline=["e"] * 5,
            schools_outcome=["e"] * 5,
            ids_baseline=[1, 2, 3, 4, 5],
            min_group=5,
        )
        first = compare_baseline_outcome(before, after, ids_outcome=[1, 6, 7, 8, 9], **common)
        other = compare_baseline_outcome(before, after, ids_outcome=[6, 7, 8, 9, 1], **common)
        a, b = first.schools[0], other.schools[0]
        for side in (a, b):
            self.assertEqual((side.n_pairs, side.hidden), (1, "too_few"))
        self.login(self.olle)
        response = self.client.get(reverse("programmes:detail", args=[self.programme.pk]))
        rows = {r["name"]: r for r in self.teaching(response).rows}
        self.assertEqual(rows["Skola E"]["n_pairs"], 1)
        self.assertIsNone(rows["Skola E"]["change"])
        cells = re.sub(r"<[^>]+>", "|", self.row_html(response.content.decode(), "Skola E"))
        self.assertIsNone(DECIMAL.search(cells), cells)

    @override_settings(SAMSYN_MIN_GROUP=7)
    def test_the_threshold_is_samsyn_min_group(self):
        """One rule: at 7 the six-teacher schools are hidden too, and nothing is left."""
        self.login(self.olle)
        response = self.client.get(reverse("programmes:detail", args=[self.programme.pk]))
        result = self.teaching(response)
        self.assertEqual(response.context["evaluation"].min_group, 7)
        # (the schools' own dashboards hide their figures at 7 as well: no value reaches the
        # programme at all, or none is shown)
        self.assertTrue(all(r["baseline"] is None for r in result.rows))
        self.assertTrue(result.comparison is None or result.comparison.change is None)
        self.assertNotContains(response, '<tr class="total">')

    def test_who_reads_the_programme(self):
        """Principals of its schools read aggregates; teachers and observers of its schools
        403; another owner's principal 404; the evaluation is the selector's, not a bypass."""
        url = reverse("programmes:detail", args=[self.programme.pk])
        for user, status in (
            (self.principal_d, 200),
            (self.staff_e[0], 403),
            (self.oscar, 403),
            (self.charlie, 404),
        ):
            with self.subTest(user=user.email):
                self.client.logout()
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, status)
        self.assertEqual(
            selectors.get_programme_for_user(user=self.principal_d, pk=self.programme.pk),
            self.programme,
        )


def _only_first_for_teacher_zero(t, order, lesson):
    """Baseline: teacher 0 rated on the first dimension only (a short visit), always step 4;
    the others on every dimension."""
    if t == 0:
        return 4 if order == 1 else None
    return 1 + (t + order + lesson) % 3


@override_settings(SAMSYN_MIN_GROUP=5)
class UnevenCoverageAttackTests(BaseTestCase):
    """School F: six teachers in both rounds; at baseline one of them (T) was rated on the
    first dimension only. The owner's administrator reads the school's dashboard (each
    dimension's mean over the teachers rated on it: the first over six, the others over
    five) and the programme's baseline for the school. Each teacher's mean over the
    dimensions weighed T's one dimension as much as the others' k: so
    d_T = (6·k·B − 6·m₁ − 5·Σ m_c) / (k − 1) gave T's own mean on the first dimension."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from samsyn.dashboards.selectors import school_dashboard

        cls.school_f = Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, name="Skola F", parent=cls.owner
        )
        staff = make_teachers(cls.school_f, "pf", 6)
        cls.baseline = make_round(
            cls.owner, [cls.school_f], "Höst 2025", Round.Kind.BASELINE, dt.date(2025, 9, 1)
        )
        cls.outcome = make_round(
            cls.owner, [cls.school_f], "Vår 2027", Round.Kind.FOLLOW_UP, dt.date(2027, 3, 1)
        )
        observe(cls.baseline, cls.school_f, staff, cls.oscar, step_for=_only_first_for_teacher_zero)
        observe(cls.outcome, cls.school_f, staff, cls.oscar, step_for=_step(2))
        cls.programme = _programme(cls, "Ojämn täckning", [cls.school_f])
        cls.dashboard = school_dashboard(user=cls.olle, school=cls.school_f, round=cls.baseline.pk)

    def test_the_programme_and_the_dashboard_do_not_give_one_teachers_dimension(self):
        means = [d.mean for d in self.dashboard.distribution_for(self.baseline.pk)]
        self.assertTrue(all(m is not None for m in means), means)  # every dimension shown
        k = len(means)
        self.login(self.olle)
        response = self.client.get(reverse("programmes:detail", args=[self.programme.pk]))
        result = next(
            r for r in response.context["evaluation"].measures if r.measure.kind == Kind.TEACHING
        )
        school = result.comparison.schools[0]
        self.assertEqual(school.n_baseline, 6)
        b = school.baseline.estimate
        derived = (6 * k * b - 6 * means[0] - 5 * sum(means[1:])) / (k - 1)
        self.assertNotAlmostEqual(derived, 4.0, places=6, msg="teacher T's own mean, derived")

"""Programme evaluations: the figures from the source rows, the rules of the services, the
pages and who may see them (outsiders 404, members without the right 403)."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from samsyn.indicators.models import Answer
from samsyn.indicators.surveys import STEP
from samsyn.observations.models import Rating
from samsyn.programmes import selectors, services
from samsyn.programmes.models import Programme, ProgrammeMeasure
from samsyn.programmes.tests.world import programme_world
from samsyn.test import BaseTestCase

Kind = ProgrammeMeasure.Kind


def composites(round_) -> dict[int, tuple[int, float]]:
    """teacher id → (school id, mean over dimensions of the teacher's mean step), by hand."""
    steps: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for teacher, school, dim, step in Rating.objects.filter(
        observation__round=round_, step__isnull=False
    ).values_list(
        "observation__teacher_id", "observation__school_id", "dimension_id", "step__order"
    ):
        steps[(teacher, school, dim)].append(step)
    per: dict[int, tuple[int, list[float]]] = {}
    for (teacher, school, _dim), values in steps.items():
        per.setdefault(teacher, (school, []))[1].append(sum(values) / len(values))
    return {t: (s, sum(v) / len(v)) for t, (s, v) in per.items()}


class EvaluationTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        programme_world(cls)

    def result(self, kind: str):
        evaluation = selectors.evaluation_unscoped(self.programme)
        return next(r for r in evaluation.measures if r.measure.kind == kind), evaluation

    def test_teaching_change_is_paired_on_teachers_and_leaves_the_small_school_out(self):
        result, _ev = self.result(Kind.TEACHING)
        before, after = composites(self.baseline), composites(self.outcome)
        diffs = defaultdict(list)
        for teacher, (school, value) in after.items():
            diffs[school].append(value - before[teacher][1])
        c = result.comparison
        by_school = {s.school: s for s in c.schools}
        self.assertEqual(by_school[self.school_c.pk].hidden, "too_few")
        self.assertIsNone(by_school[self.school_c.pk].change)
        for school in (self.school, self.school_b):
            self.assertAlmostEqual(
                by_school[school.pk].change.estimate, statistics.mean(diffs[school.pk])
            )
        shown = diffs[self.school.pk] + diffs[self.school_b.pk]
        self.assertAlmostEqual(c.change.estimate, statistics.mean(shown))
        self.assertEqual((c.n_schools, c.n_hidden, c.change.n), (2, 1, 2))
        self.assertAlmostEqual(
            c.baseline.estimate,
            statistics.mean(v for t, (s, v) in before.items() if s != self.school_c.pk),
        )

    def test_a_dimension_missing_in_one_round_is_left_out_of_both(self):
        from samsyn.observations import summaries

        first = self.outcome.framework_version.dimensions.order_by("order").first()
        gone = Rating.objects.filter(
            observation__round=self.outcome, observation__school=self.school, dimension=first
        )
        teachers = set(gone.values_list("observation__teacher_id", flat=True))
        gone.delete()
        summaries.mark({(self.outcome.pk, t) for t in teachers})
        result, _ev = self.result(Kind.TEACHING)
        # each teacher's mean step per dimension, then over the remaining dimensions
        by_dim: dict[tuple[int, int], list[int]] = defaultdict(list)
        for teacher, dim, step in (
            Rating.objects.filter(
                observation__round=self.baseline,
                observation__school=self.school,
                step__isnull=False,
            )
            .exclude(dimension=first)
            .values_list("observation__teacher_id", "dimension_id", "step__order")
        ):
            by_dim[(teacher, dim)].append(step)
        teacher_means: dict[int, list[float]] = defaultdict(list)
        for (teacher, _d), steps in by_dim.items():
            teacher_means[teacher].append(sum(steps) / len(steps))
        expected = statistics.mean(sum(v) / len(v) for v in teacher_means.values())
        school = next(s for s in result.comparison.schools if s.school == self.school.pk)
        self.assertAlmostEqual(school.baseline.estimate, expected)

    def test_survey_measure_is_the_mean_of_the_statement_indexes_its_survey_page_shows(self):
        """Each respondent's index over the measure's statements, a statement they took no
        position on counting at its index (the survey page's rule): so a school's figure is
        the mean of the statement indexes on its survey page, over the same respondents."""
        from samsyn.indicators.surveys import survey_results

        result, _ev = self.result(Kind.SAFETY)
        base, out = self.survey_pairs[self.school.pk]
        expected, respondents = {}, {}
        for survey in (base, out):
            per = defaultdict(list)
            people = set()
            for response, question, value in Answer.objects.filter(
                response__survey=survey, question__area__in=["safety", "study_peace"]
            ).values_list("response_id", "question_id", "value"):
                if value in STEP:
                    per[question].append(STEP[value])
                    people.add(response)
            shown = [v for v in per.values() if len(v) >= 5]
            expected[survey.pk] = statistics.mean(sum(v) / len(v) for v in shown)
            respondents[survey.pk] = len(people)
            page = survey_results(survey)
            self.assertAlmostEqual(
                expected[survey.pk],
                statistics.mean(q.index for q in page.questions if not q.hidden),
            )
        school = next(s for s in result.comparison.schools if s.school == self.school.pk)
        self.assertAlmostEqual(school.baseline.estimate, expected[base.pk])
        self.assertAlmostEqual(school.outcome.estimate, expected[out.pk])
        self.assertAlmostEqual(school.change.estimate, expected[out.pk] - expected[base.pk])
        self.assertEqual(
            (school.n_baseline, school.n_outcome), (respondents[base.pk], respondents[out.pk])
        )
        self.assertFalse(result.comparison.paired)

    def test_a_statement_hidden_on_one_side_is_left_out_of_both(self):
        from samsyn.indicators.surveys import survey_results

        base, out = self.survey_pairs[self.school.pk]
        gone = out.questions.first()
        Answer.objects.filter(response__survey=out, question=gone).update(value=0)
        result, _ev = self.result(Kind.SAFETY)
        school = next(s for s in result.comparison.schools if s.school == self.school.pk)
        page = survey_results(base)
        kept = [q.index for q in page.questions if q.question.text != gone.text]
        self.assertEqual(len(kept), 5)
        self.assertAlmostEqual(school.baseline.estimate, statistics.mean(kept))
        after = survey_results(out)
        self.assertAlmostEqual(
            school.outcome.estimate, statistics.mean(q.index for q in after.questions[1:])
        )

    def test_relation_needs_three_schools_and_says_so(self):
        with translation.override("en"):
            _result, ev = self.result(Kind.TEACHING)
        relation = ev.relations[0]
        self.assertEqual(len(relation.points), 2)  # A and B; C hidden
        self.assertIsNone(relation.slope)
        self.assertIn("three schools", relation.reason)

    def test_unset_measures_say_what_is_missing(self):
        result, _ev = self.result(Kind.ATTAINMENT)
        self.assertTrue(result.missing)
        result, _ev = self.result(Kind.WORKLOAD)
        self.assertTrue(result.missing)


class ServiceTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        programme_world(cls)

    def create(self, **extra) -> Programme:
        args = dict(
            organisation=self.owner,
            name="P",
            start_year=2025,
            end_year=2027,
            schools=[self.school],
            actor=self.olle,
        )
        args.update(extra)
        return services.programme_create(**args)

    def test_schools_must_belong_to_the_owner(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(schools=[self.school, self.other_school])
        self.assertIn(services.ERR_SCHOOLS, caught.exception.message_dict["schools"])

    def test_a_school_cannot_own_a_programme_and_years_are_ordered(self):
        with self.assertRaises(ValidationError):
            self.create(organisation=self.school)
        with self.assertRaises(ValidationError) as caught:
            self.create(start_year=2027, end_year=2025)
        self.assertIn(services.ERR_YEARS, caught.exception.message_dict["end_year"])

    def test_a_network_programme_takes_its_member_schools_only(self):
        programme = self.create(organisation=self.network, actor=self.nina)
        self.assertEqual(programme.measures.count(), 4)
        with self.assertRaises(ValidationError):
            self.create(organisation=self.network, schools=[self.school_b])

    def test_rounds_and_surveys_must_be_the_programmes(self):
        programme = self.create(schools=[self.school_b])
        measures = {m.kind: m for m in programme.measures.all()}
        import datetime as dt

        from samsyn.dashboards.tests.world import make_round

        elsewhere = make_round(
            self.other_owner, [self.other_school], "X", "baseline", dt.date(2025, 1, 1)
        )
        with self.assertRaises(ValidationError) as caught:
            services.measure_set(measure=measures[Kind.TEACHING], baseline_round=elsewhere)
        self.assertIn(services.ERR_ROUND, caught.exception.message_dict["baseline_round"])
        school_a_survey = self.survey_pairs[self.school.pk][0]  # not a school of this programme
        with self.assertRaises(ValidationError):
            services.measure_set(measure=measures[Kind.SAFETY], baseline_surveys=[school_a_survey])
        # a student survey is not a teachers' measure
        with self.assertRaises(ValidationError):
            services.measure_set(
                measure=self.measures[Kind.WORKLOAD], baseline_surveys=[school_a_survey]
            )

    def test_rounds_in_order_and_one_survey_per_school_and_side(self):
        with self.assertRaises(ValidationError) as caught:
            services.measure_set(
                measure=self.measures[Kind.TEACHING],
                baseline_round=self.outcome,
                outcome_round=self.baseline,
            )
        self.assertIn(services.ERR_ROUND_ORDER, caught.exception.message_dict["outcome_round"])
        base, out = self.survey_pairs[self.school.pk]
        with self.assertRaises(ValidationError):
            services.measure_set(measure=self.measures[Kind.SAFETY], baseline_surveys=[base, out])

    def test_taking_a_school_out_drops_its_surveys(self):
        services.programme_update(
            programme=self.programme,
            name=self.programme.name,
            start_year=2025,
            end_year=2027,
            schools=[self.school_b, self.school_c],
        )
        safety = self.programme.measures.get(kind=Kind.SAFETY)
        self.assertEqual(
            {s.organisation_id for s in safety.baseline_surveys.all()}, {self.school_b.pk}
        )


class PageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        programme_world(cls)

    def status(self, user, name: str, pk: int, method: str = "get") -> int:
        self.client.logout()
        if user is not None:
            self.login(user)
        url = reverse(name, args=[pk])
        return getattr(self.client, method)(url).status_code

    def test_owner_admin_sees_four_measures_and_manages(self):
        self.login(self.olle)
        response = self.client.get(reverse("programmes:detail", args=[self.programme.pk]))
        self.assertEqual(response.status_code, 200)
        for kind in Kind:
            self.assertContains(response, f'data-measure="{kind.value}"')
        self.assertContains(response, reverse("programmes:measures", args=[self.programme.pk]))
        self.assertEqual(self.status(self.olle, "programmes:measures", self.programme.pk), 200)

    def test_principal_of_a_member_school_reads_but_does_not_manage(self):
        self.assertEqual(self.status(self.pia, "programmes:detail", self.programme.pk), 200)
        for name in ("programmes:edit", "programmes:measures"):
            self.assertEqual(self.status(self.pia, name, self.programme.pk), 403)
            self.assertEqual(self.status(self.pia, name, self.programme.pk, "post"), 403)

    def test_teachers_get_403_and_outsiders_404(self):
        for user in (self.alice, self.oscar, self.bob, self.rita):
            with self.subTest(user=user.email):
                self.assertEqual(self.status(user, "programmes:detail", self.programme.pk), 403)
                self.assertEqual(self.status(user, "programmes:pdf", self.programme.pk), 403)
        self.assertEqual(self.status(self.charlie, "programmes:detail", self.programme.pk), 404)
        self.assertEqual(self.status(self.charlie, "programmes:pdf", self.programme.pk), 404)

    def test_another_owners_programme_is_not_found(self):
        for name in (
            "programmes:detail",
            "programmes:edit",
            "programmes:measures",
            "programmes:pdf",
        ):
            self.assertEqual(self.status(self.olle, name, self.foreign.pk), 404)
        self.assertEqual(self.status(self.olle, "programmes:create", self.other_owner.pk), 404)
        self.assertEqual(self.status(self.pia, "programmes:create", self.owner.pk), 403)

    def test_a_principal_cannot_change_the_points_by_posting(self):
        self.login(self.pia)
        url = reverse("programmes:measures", args=[self.programme.pk])
        response = self.client.post(url, {"teaching-baseline_round": self.outcome.pk})
        self.assertEqual(response.status_code, 403)
        teaching = self.programme.measures.get(kind=Kind.TEACHING)
        self.assertEqual(teaching.baseline_round_id, self.baseline.pk)

    def test_lists_show_only_ones_own_programmes(self):
        self.login(self.olle)
        response = self.client.get(reverse("programmes:list"))
        self.assertContains(response, self.programme.name)
        self.assertNotContains(response, self.foreign.name)
        self.login(self.alice)
        self.assertNotContains(self.client.get(reverse("programmes:list")), self.programme.name)

    def test_owner_admin_creates_a_programme_and_fixes_its_points(self):
        self.login(self.olle)
        response = self.client.post(
            reverse("programmes:create", args=[self.owner.pk]),
            {
                "name": "Nytt program",
                "start_year": 2025,
                "end_year": 2028,
                "schools": [self.school.pk, self.school_b.pk],
            },
        )
        programme = Programme.objects.get(name="Nytt program")
        self.assertRedirects(response, reverse("programmes:measures", args=[programme.pk]))
        base, out = self.survey_pairs[self.school.pk]
        response = self.client.post(
            reverse("programmes:measures", args=[programme.pk]),
            {
                "teaching-baseline_round": self.baseline.pk,
                "teaching-outcome_round": self.outcome.pk,
                "safety-baseline_surveys": [base.pk],
                "safety-outcome_surveys": [out.pk],
            },
        )
        self.assertRedirects(response, reverse("programmes:detail", args=[programme.pk]))
        teaching = programme.measures.get(kind=Kind.TEACHING)
        self.assertEqual(teaching.outcome_round_id, self.outcome.pk)

    def test_pdf_in_a_few_seconds_in_both_languages(self):
        self.login(self.olle)
        for prefix in ("", "/en"):
            start = time.perf_counter()
            response = self.client.get(prefix + reverse("programmes:pdf", args=[self.programme.pk]))
            elapsed = time.perf_counter() - start
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Content-Type"], "application/pdf")
            self.assertTrue(response.content.startswith(b"%PDF"))
            self.assertLess(elapsed, 10)


class NetworkAndHomeTests(BaseTestCase):
    def test_a_network_coordinator_creates_a_collaboration_programme(self):
        self.login(self.nina)
        url = reverse("programmes:create", args=[self.network.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url,
            {
                "name": "Nätverkets program",
                "start_year": 2025,
                "end_year": 2027,
                "schools": [self.school.pk],
            },
        )
        programme = Programme.objects.get(name="Nätverkets program")
        self.assertRedirects(response, reverse("programmes:measures", args=[programme.pk]))
        # the member school's principal reads it; the owner's administrator does not manage it
        self.login(self.pia)
        self.assertEqual(
            self.client.get(reverse("programmes:detail", args=[programme.pk])).status_code, 200
        )
        self.login(self.olle)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("programmes:edit", args=[programme.pk])).status_code, 403
        )

    def test_home_offers_programmes_to_managers_and_not_to_teachers(self):
        link = f'href="{reverse("programmes:list")}"'
        self.login(self.olle)
        self.assertContains(self.client.get(reverse("home")), link)
        self.login(self.alice)
        self.assertNotContains(self.client.get(reverse("home")), link)

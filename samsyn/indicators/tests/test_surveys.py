"""Surveys: building, anonymous answers (one per link), indices, small groups, comparison."""

from __future__ import annotations

import csv
import io
import math

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from samsyn.accounts.models import User
from samsyn.indicators import services
from samsyn.indicators.models import Answer, AnswerLink, Response, Survey
from samsyn.indicators.surveys import compare, survey_results
from samsyn.test import BaseTestCase


def answer_all(survey: Survey, patterns: list[list[int]]) -> None:
    """One response per pattern (values per question in order) through real links."""
    questions = list(survey.questions.all())
    tokens = services.survey_links_create(survey=survey, count=len(patterns))
    for token, pattern in zip(tokens, patterns, strict=True):
        services.survey_answer_submit(
            token=token, answers={q.pk: v for q, v in zip(questions, pattern, strict=True)}
        )


class SurveyServiceTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.survey = services.survey_create(
            organisation=self.school, actor=self.pia, title="Trygghet", audience="students"
        )

    def test_the_template_gives_safety_and_study_peace_statements(self):
        areas = list(self.survey.questions.values_list("area", flat=True))
        self.assertEqual(areas, ["safety"] * 3 + ["study_peace"] * 3)

    def test_a_link_takes_one_answer_and_stores_nothing_about_the_person(self):
        (token,) = services.survey_links_create(survey=self.survey, count=1)
        answers = {q.pk: 4 for q in self.survey.questions.all()}
        services.survey_answer_submit(token=token, answers=answers)
        with self.assertRaisesMessage(ValidationError, str(services.ERR_SURVEY_CLOSED)):
            services.survey_answer_submit(token=token, answers=answers)
        self.assertEqual(Response.objects.count(), 1)
        # Only the day is kept; no user, address or link on the response.
        fields = {f.name for f in Response._meta.get_fields()}
        self.assertEqual(fields, {"id", "survey", "submitted_on", "answers"})
        link = AnswerLink.objects.get()
        self.assertNotEqual(link.token_hash, token)
        self.assertIsNotNone(link.used_at)

    def test_every_statement_needs_an_answer(self):
        (token,) = services.survey_links_create(survey=self.survey, count=1)
        first = self.survey.questions.first()
        with self.assertRaisesMessage(ValidationError, str(services.ERR_ANSWER_MISSING)):
            services.survey_answer_submit(token=token, answers={first.pk: 3})
        self.assertFalse(Response.objects.exists())
        self.assertIsNone(AnswerLink.objects.get().used_at)

    def test_statements_are_fixed_once_answers_exist(self):
        answer_all(self.survey, [[4] * 6])
        with self.assertRaisesMessage(ValidationError, str(services.ERR_HAS_ANSWERS)):
            services.survey_question_add(survey=self.survey, text="Ny fråga")

    def test_indices_and_shares_follow_the_scale(self):
        # Five respondents; "don't know" (0) is left out of index and share.
        patterns = [
            [4, 4, 4, 1, 1, 1],
            [4, 3, 4, 2, 1, 0],
            [3, 3, 4, 2, 2, 0],
            [3, 4, 0, 3, 2, 0],
            [4, 4, 4, 4, 1, 0],
        ]
        answer_all(self.survey, patterns)
        results = survey_results(self.survey, min_group=5)
        first = results.questions[0]
        self.assertEqual(first.n, 5)
        self.assertAlmostEqual(first.index, (10 + 10 + 20 / 3 + 20 / 3 + 10) / 5)
        self.assertEqual(first.share_positive, 1.0)
        third = results.questions[2]
        self.assertEqual((third.n, third.dont_know), (4, 1))
        self.assertTrue(third.hidden)  # four who took a position: below the minimum of five
        safety = results.area("safety")
        # The hidden third statement is left out of the area: its index is over the two
        # shown statements, each respondent's mean over them (everyone answered both here),
        # which is also the mean of the two statements' indexes.
        step = {1: 0, 2: 10 / 3, 3: 20 / 3, 4: 10}
        scores = [(step[p[0]] + step[p[1]]) / 2 for p in patterns]
        self.assertAlmostEqual(safety.index, sum(scores) / 5)
        self.assertAlmostEqual(safety.index, (first.index + results.questions[1].index) / 2)
        self.assertEqual((safety.statements, safety.of), (2, 3))
        self.assertEqual(safety.n, 5)
        self.assertLess(safety.ci_low, safety.index)
        self.assertGreater(safety.ci_high, safety.index)
        study_peace = results.area("study_peace")
        self.assertEqual(study_peace.n, 5)
        self.assertFalse(study_peace.hidden)

    def test_fewer_than_the_minimum_hides_everything(self):
        answer_all(self.survey, [[4] * 6] * 4)
        results = survey_results(self.survey, min_group=5)
        self.assertTrue(results.hidden)
        self.assertTrue(all(q.hidden and q.index is None for q in results.questions))
        self.assertTrue(all(a.hidden and a.index is None for a in results.areas))

    def test_the_outcome_is_compared_with_the_baseline(self):
        answer_all(self.survey, [[2] * 6] * 3 + [[3] * 6] * 3)
        outcome = services.survey_outcome_create(
            baseline=self.survey, actor=self.pia, title="Uppföljning"
        )
        self.assertEqual(
            list(outcome.questions.values_list("text", flat=True)),
            list(self.survey.questions.values_list("text", flat=True)),
        )
        answer_all(outcome, [[3] * 6] * 3 + [[4] * 6] * 3)
        rows = compare(survey_results(self.survey), survey_results(outcome))
        safety = next(r for r in rows if r.baseline.area == "safety")
        self.assertAlmostEqual(safety.change, 10 / 3)
        low, high = safety.change_interval
        # Welch by hand: both groups have sd of 10/3·sqrt(3/10) … compare with scipy.
        from scipy.stats import ttest_ind

        test = ttest_ind([20 / 3] * 3 + [10] * 3, [10 / 3] * 3 + [20 / 3] * 3, equal_var=False)
        ci = test.confidence_interval(0.95)
        self.assertAlmostEqual(low, ci.low)
        self.assertAlmostEqual(high, ci.high)
        with self.assertRaisesMessage(ValidationError, str(services.ERR_NOT_BASELINE)):
            services.survey_outcome_create(baseline=outcome, actor=self.pia, title="x")

    def test_an_area_is_compared_only_over_the_same_statements(self):
        answer_all(self.survey, [[2] * 6] * 6)
        outcome = services.survey_outcome_create(
            baseline=self.survey, actor=self.pia, title="Uppföljning"
        )
        # the third safety statement: two of six take a position (hidden in the outcome)
        answer_all(outcome, [[3, 3, 0, 3, 3, 3]] * 4 + [[3] * 6] * 2)
        after = survey_results(outcome)
        self.assertTrue(after.questions[2].hidden)
        self.assertEqual((after.area("safety").statements, after.area("safety").of), (2, 3))
        rows = {r.baseline.area: r for r in compare(survey_results(self.survey), after)}
        self.assertFalse(rows["safety"].shown)
        self.assertTrue(rows["safety"].different_statements)
        self.assertIsNone(rows["safety"].change)
        self.assertTrue(rows["study_peace"].shown)
        self.assertAlmostEqual(rows["study_peace"].change, 10 / 3)


class SurveyPagesTests(BaseTestCase):
    """A principal builds a survey, hands out links, people answer anonymously, results."""

    def setUp(self):
        super().setUp()
        User.objects.update(language="en")
        translation.activate("en")

    def test_the_principals_path(self):
        self.login(self.pia)
        response = self.client.post(
            reverse("indicators:survey_create", args=[self.school.pk]),
            {"title": "Trygghet vt", "audience": "students", "use_template": "on"},
        )
        survey = Survey.objects.get(title="Trygghet vt")
        self.assertRedirects(
            response, reverse("indicators:survey_detail", args=[self.school.pk, survey.pk])
        )
        self.client.post(
            reverse("indicators:survey_question_add", args=[self.school.pk, survey.pk]),
            {"text": "Jag får hjälp när jag behöver.", "area": "own"},
        )
        self.assertEqual(survey.questions.count(), 7)
        response = self.client.post(
            reverse("indicators:survey_links", args=[self.school.pk, survey.pk]), {"count": 6}
        )
        urls = response.context["urls"]
        self.assertEqual(len(urls), 6)

        # Anyone with a link answers, without logging in.
        self.client.logout()
        questions = list(survey.questions.all())
        for i, url in enumerate(urls):
            path = url.replace("http://testserver", "")
            page = self.client.get(path)
            self.assertEqual(page.status_code, 200)
            data = {f"q{q.pk}": str(4 if i % 2 else 3) for q in questions}
            data[f"q{questions[-1].pk}"] = "0"  # don't know
            done = self.client.post(path, data, REMOTE_ADDR="10.1.2.3")
            self.assertContains(done, "Thank you")
        self.assertEqual(self.client.post(path, data).status_code, 410)  # the link is used
        self.assertEqual(self.client.get("/en/indicators/s/not-a-token/").status_code, 404)
        self.assertEqual(Answer.objects.count(), 6 * 7)

        self.login(self.pia)
        response = self.client.get(
            reverse("indicators:survey_results", args=[self.school.pk, survey.pk])
        )
        results = response.context["results"]
        self.assertEqual(results.responses, 6)
        self.assertTrue(math.isclose(results.area("safety").index, (3 * 20 / 3 + 3 * 10) / 6))
        self.assertTrue(results.questions[-1].hidden)  # everyone answered "don't know"
        self.assertContains(response, "hidden: too few answers")

        export = self.client.get(
            reverse("indicators:survey_export", args=[self.school.pk, survey.pk])
        )
        rows = list(csv.DictReader(io.StringIO(export.content.decode())))
        statements = [r for r in rows if r["kind"] == "statement"]
        self.assertEqual(len(statements), 7)
        self.assertEqual(statements[-1]["hidden"], "1")
        self.assertEqual(statements[-1]["n"], "")
        self.assertEqual(statements[0]["n"], "6")

    def test_a_closed_survey_takes_no_answers(self):
        survey = services.survey_create(
            organisation=self.school, actor=self.pia, title="T", audience="teachers"
        )
        (token,) = services.survey_links_create(survey=survey, count=1)
        self.login(self.pia)
        self.client.post(
            reverse("indicators:survey_open", args=[self.school.pk, survey.pk]), {"open": "0"}
        )
        self.client.logout()
        response = self.client.get(reverse("indicators:survey_answer", args=[token]))
        self.assertEqual(response.status_code, 410)

    def test_bad_link_counts_are_refused(self):
        survey = services.survey_create(
            organisation=self.school, actor=self.pia, title="T", audience="teachers"
        )
        with pytest.raises(ValidationError):
            services.survey_links_create(survey=survey, count=0)
        self.login(self.pia)
        response = self.client.post(
            reverse("indicators:survey_links", args=[self.school.pk, survey.pk]),
            {"count": 1000},
            follow=True,
        )
        self.assertContains(response, "less than or equal to 500")

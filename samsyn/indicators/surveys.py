"""Survey results: indices 0–10 and shares of positive answers, with small groups hidden.

Scale: 1 "strongly disagree" … 4 "strongly agree", 0 "don't know". As in Skolinspektionen's
school survey, the four steps map to 0, 3.33, 6.67 and 10 and an index is the mean of the
mapped answers; "don't know" is left out of both the index and the share. The share of
positive answers is (somewhat + strongly agree) / all who took a position, with a Wilson
interval. An area index is the mean over respondents of each respondent's mean over the
area's statements, with a t interval over respondents.

Small groups: a question or area answered by fewer than `SAMSYN_MIN_GROUP` respondents is not
shown (nor exported), and the page says why. No count table per answer option is published:
with the index and n beside it, the hidden counts of such a table could be worked out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from samsyn.analysis.results import wilson_interval
from samsyn.indicators.models import Answer, Question, Survey

STEP = {1: 0.0, 2: 10 / 3, 3: 20 / 3, 4: 10.0}


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    n: int  # took a position (1–4)
    dont_know: int
    hidden: bool
    index: float | None = None
    share_positive: float | None = None
    share_low: float | None = None
    share_high: float | None = None


@dataclass(frozen=True)
class AreaResult:
    area: str
    label: str
    n: int
    hidden: bool
    index: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    sd: float | None = None


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    responses: int
    min_group: int
    questions: list[QuestionResult]
    areas: list[AreaResult]

    @property
    def hidden(self) -> bool:
        return self.responses < self.min_group

    def area(self, key: str) -> AreaResult | None:
        return next((a for a in self.areas if a.area == key), None)


def _t_interval(values: list[float]) -> tuple[float, float, float, float]:
    from scipy.stats import t

    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return mean, max(0.0, mean - half), min(10.0, mean + half), sd


def survey_results(survey: Survey, *, min_group: int | None = None) -> SurveyResults:
    min_group = max(3, min_group if min_group is not None else settings.SAMSYN_MIN_GROUP)
    questions = list(survey.questions.all())
    answers = Answer.objects.filter(response__survey=survey).values_list(
        "response_id", "question_id", "value"
    )
    by_question: dict[int, list[int]] = defaultdict(list)
    by_respondent_area: dict[tuple[int, str], list[float]] = defaultdict(list)
    area_of = {q.pk: q.area for q in questions}
    for response_id, question_id, value in answers:
        by_question[question_id].append(value)
        if value in STEP:
            by_respondent_area[(response_id, area_of[question_id])].append(STEP[value])
    responses = survey.responses.count()

    results = []
    for q in questions:
        values = by_question.get(q.pk, [])
        positions = [v for v in values if v in STEP]
        n = len(positions)
        hidden = n < min_group or responses < min_group
        if hidden:
            results.append(QuestionResult(q, n, len(values) - n, True))
            continue
        positive = sum(1 for v in positions if v >= 3)
        low, high = wilson_interval(positive, n)
        results.append(
            QuestionResult(
                q,
                n,
                len(values) - n,
                False,
                index=sum(STEP[v] for v in positions) / n,
                share_positive=positive / n,
                share_low=low,
                share_high=high,
            )
        )

    areas = []
    labels = dict(Question.Area.choices)
    for area in dict.fromkeys(q.area for q in questions):
        scores = [sum(v) / len(v) for (_r, a), v in by_respondent_area.items() if a == area]
        n = len(scores)
        if n < min_group or responses < min_group:
            areas.append(AreaResult(area, str(labels[area]), n, True))
            continue
        mean, low, high, sd = _t_interval(scores)
        areas.append(AreaResult(area, str(labels[area]), n, False, mean, low, high, sd))
    return SurveyResults(survey, responses, min_group, results, areas)


@dataclass(frozen=True)
class AreaComparison:
    label: str
    baseline: AreaResult | None
    outcome: AreaResult | None

    @property
    def shown(self) -> bool:
        return bool(
            self.baseline and self.outcome and not (self.baseline.hidden or self.outcome.hidden)
        )

    @property
    def change(self) -> float | None:
        return self.outcome.index - self.baseline.index if self.shown else None

    @property
    def change_interval(self) -> tuple[float, float] | None:
        """Welch's 95 % interval for the difference of two independent means.

        The two rounds are independent samples: answers are anonymous and not linked.
        Reference: Welch, B. L. (1947). *Biometrika* 34, 28-35.
        """
        if not self.shown:
            return None
        from scipy.stats import t

        a, b = self.baseline, self.outcome
        va, vb = a.sd**2 / a.n, b.sd**2 / b.n
        se = math.sqrt(va + vb)
        if se == 0:
            return (self.change, self.change)
        df = (va + vb) ** 2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))
        half = float(t.ppf(0.975, df)) * se
        return (self.change - half, self.change + half)


def compare(baseline: SurveyResults, outcome: SurveyResults) -> list[AreaComparison]:
    keys = list(dict.fromkeys([a.area for a in baseline.areas] + [a.area for a in outcome.areas]))
    labels = dict(Question.Area.choices)
    return [AreaComparison(str(labels[k]), baseline.area(k), outcome.area(k)) for k in keys]

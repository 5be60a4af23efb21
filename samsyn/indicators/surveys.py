"""Survey results: indices 0–10 and shares of positive answers, with small groups hidden.

Scale: 1 "strongly disagree" … 4 "strongly agree", 0 "don't know". As in Skolinspektionen's
school survey, the four steps map to 0, 3.33, 6.67 and 10 and an index is the mean of the
mapped answers; "don't know" is left out of both the index and the share. The share of
positive answers is (somewhat + strongly agree) / all who took a position, with a Wilson
interval.

Small groups: a statement on which fewer than `SAMSYN_MIN_GROUP` respondents took a position
(or any statement of a survey with fewer answers) is not shown (nor exported), and the page
says why. No count table per answer option is published: with the index and n beside it,
the hidden counts of such a table could be worked out.

Areas: an area index is the mean over respondents of each one's mean over the area's *shown*
statements, where a statement the respondent took no position on counts at that statement's
index (the mean of those who did), with a t interval over those respondents. So the area
index equals the mean of its shown statements' indexes: it rests on exactly the respondents
the statement figures rest on, and no difference of published figures isolates anyone. (A
mean over only the statements each respondent answered gave away, beside the statements'
indexes, the answer of someone who answered one statement of an area.) The programme's
survey measures use the same scores (`respondent_scores`).
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
    statements: int = 0  # shown statements the index is over
    of: int = 0  # statements of the area
    texts: tuple[str, ...] = ()  # the shown statements' wording, to match an outcome survey


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


def _statement_indexes(
    questions: list[Question], positions: dict[int, dict[int, int]], responses: int, min_group: int
) -> dict[int, float]:
    """Question pk → index over the respondents who took a position on it, for the statements
    shown (at least `min_group` of them, in a survey with at least `min_group` answers)."""
    return {
        q.pk: sum(STEP[v] for v in values.values()) / len(values)
        for q in questions
        if (values := positions.get(q.pk, {}))
        and len(values) >= min_group
        and responses >= min_group
    }


def _filled_scores(
    statements: list[int], positions: dict[int, dict[int, int]], means: dict[int, float]
) -> list[float]:
    """Each respondent's mean over `statements` (shown ones), a statement they took no
    position on counting at its index (`means`); respondents with no position left out."""
    respondents = sorted({r for q in statements for r in positions.get(q, {})})
    return [
        sum(STEP[positions[q][r]] if r in positions.get(q, {}) else means[q] for q in statements)
        / len(statements)
        for r in respondents
    ]


def _positions(rows) -> tuple[dict[int, dict[int, int]], dict[int, int]]:
    positions: dict[int, dict[int, int]] = defaultdict(dict)
    dont_know: dict[int, int] = defaultdict(int)
    for response_id, question_id, value in rows:
        if value in STEP:
            positions[question_id][response_id] = value
        else:
            dont_know[question_id] += 1
    return positions, dont_know


def _min(min_group: int | None) -> int:
    return max(3, min_group if min_group is not None else settings.SAMSYN_MIN_GROUP)


def _rows(survey: Survey, areas: tuple[str, ...] | None = None):
    answers = Answer.objects.filter(response__survey=survey)
    if areas is not None:
        answers = answers.filter(question__area__in=areas)
    return answers.values_list("response_id", "question_id", "value")


def shown_statements(
    survey: Survey, areas: tuple[str, ...], *, min_group: int | None = None
) -> set[str]:
    """The wording of the statements of `areas` the survey's results show."""
    results = survey_results(survey, min_group=min_group)
    return {q.question.text for q in results.questions if q.question.area in areas and not q.hidden}


def respondent_scores(
    survey: Survey,
    areas: tuple[str, ...],
    *,
    texts: set[str] | None = None,
    min_group: int | None = None,
) -> list[float]:
    """Each respondent's index (0–10) over the shown statements of `areas` (and, if given,
    only those worded as in `texts`), the one rule of the survey's area indexes
    (`survey_results`): a statement the respondent took no position on counts at its index,
    so the mean of these scores is the mean of the statements' published indexes and rests
    on no other respondents than they do."""
    questions = [
        q for q in survey.questions.all() if q.area in areas and (texts is None or q.text in texts)
    ]
    return scores_from_rows(
        questions, list(_rows(survey, areas)), survey.responses.count(), min_group=_min(min_group)
    )


def scores_from_rows(
    questions: list[Question], rows: list[tuple[int, int, int]], responses: int, *, min_group: int
) -> list[float]:
    """`respondent_scores` over answer rows (response id, question id, value)."""
    positions, _dk = _positions(rows)
    means = _statement_indexes(questions, positions, responses, min_group)
    return _filled_scores([q.pk for q in questions if q.pk in means], positions, means)


def survey_results(survey: Survey, *, min_group: int | None = None) -> SurveyResults:
    return results_from_rows(
        survey,
        list(survey.questions.all()),
        list(_rows(survey)),
        survey.responses.count(),
        min_group=_min(min_group),
    )


def results_from_rows(
    survey: Survey,
    questions: list[Question],
    rows: list[tuple[int, int, int]],
    responses: int,
    *,
    min_group: int,
) -> SurveyResults:
    """The survey's figures from its answer rows (response id, question id, value).

    A statement is shown when at least `min_group` respondents took a position on it; its
    index and share are over them. An area's index is the mean over respondents of their
    mean over the area's *shown* statements, a statement a respondent took no position on
    counting at its index: so it equals the mean of the shown statements' indexes and no
    difference of published figures isolates anyone (see docs/indicators.md)."""
    positions, dont_know = _positions(rows)
    means = _statement_indexes(questions, positions, responses, min_group)
    results = []
    for q in questions:
        values = list(positions.get(q.pk, {}).values())
        n = len(values)
        if q.pk not in means:
            results.append(QuestionResult(q, n, dont_know.get(q.pk, 0), True))
            continue
        positive = sum(1 for v in values if v >= 3)
        low, high = wilson_interval(positive, n)
        results.append(
            QuestionResult(
                q,
                n,
                dont_know.get(q.pk, 0),
                False,
                index=means[q.pk],
                share_positive=positive / n,
                share_low=low,
                share_high=high,
            )
        )

    areas = []
    labels = dict(Question.Area.choices)
    for area in dict.fromkeys(q.area for q in questions):
        statements = [q.pk for q in questions if q.area == area]
        shown = [pk for pk in statements if pk in means]
        scores = _filled_scores(shown, positions, means)
        n = len(scores)
        if not shown or n < min_group:
            areas.append(AreaResult(area, str(labels[area]), n, True, of=len(statements)))
            continue
        mean, low, high, sd = _t_interval(scores)
        areas.append(
            AreaResult(
                area,
                str(labels[area]),
                n,
                False,
                mean,
                low,
                high,
                sd,
                statements=len(shown),
                of=len(statements),
                texts=tuple(q.text for q in questions if q.pk in means and q.area == area),
            )
        )
    return SurveyResults(survey, responses, min_group, results, areas)


@dataclass(frozen=True)
class AreaComparison:
    label: str
    baseline: AreaResult | None
    outcome: AreaResult | None

    @property
    def shown(self) -> bool:
        """Both areas shown and over the same statements (a statement hidden in one survey
        only would make the change partly a change of statements)."""
        return bool(
            self.baseline
            and self.outcome
            and not (self.baseline.hidden or self.outcome.hidden)
            and self.baseline.texts == self.outcome.texts
        )

    @property
    def different_statements(self) -> bool:
        return bool(
            self.baseline
            and self.outcome
            and not (self.baseline.hidden or self.outcome.hidden)
            and self.baseline.texts != self.outcome.texts
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

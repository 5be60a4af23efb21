"""Attack: one respondent's answer by subtraction of a survey's published figures.

A teachers' survey with 6 respondents. Five answer every statement; the sixth ("Frida")
takes a position on the first job-satisfaction statement only ("don't know" to the rest). If
the area index were the mean over respondents of each one's mean over the statements they
answered, while each statement's index is over its own answerers, then

    18 · area = 6 · q1 + 5 · q2 + 5 · q3 + 2 · f

and Frida's answer f falls out of the results page and its CSV export. The programme's
job-satisfaction-and-workload measure (each respondent over the measure's six statements)
gives it away the same way beside the area and statement figures:

    36 · P = 6 · q1 + 5 · q2 + 5 · q3 + 15 · workload + 5 · f.

Played over HTTP with real sessions: the principal builds the survey and hands out links,
the teachers answer anonymously, and the principal (who also reads the programme) and the
owner's administrator read every figure they can obtain.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from django.conf import settings
from django.urls import reverse

from samsyn.indicators import services as survey_services
from samsyn.indicators.models import Survey
from samsyn.indicators.surveys import STEP
from samsyn.programmes import services as programme_services
from samsyn.programmes.models import ProgrammeMeasure
from samsyn.test import BaseTestCase

FRIDA = 4  # strongly agree: 10 on the index
OTHERS = [  # five colleagues, every statement (3 job satisfaction, then 3 workload)
    [2, 1, 2, 2, 1, 2],
    [2, 2, 1, 1, 2, 2],
    [1, 2, 2, 2, 2, 1],
    [2, 2, 2, 1, 1, 2],
    [2, 1, 2, 2, 2, 2],
]


def csv_figures(text: str) -> tuple[dict[str, float], list[float | None]]:
    """Area index by area key, and the statement indexes in order (None if hidden)."""
    areas: dict[str, float] = {}
    statements: list[float | None] = []
    for row in csv.DictReader(io.StringIO(text)):
        value = float(row["index_0_10"]) if row["index_0_10"] else None
        if row["kind"] == "area" and value is not None:
            areas[row["area"]] = value
        elif row["kind"] == "statement":
            statements.append(value)
    return areas, statements


def nearest_step(x: float) -> int:
    return min(STEP, key=lambda v: abs(STEP[v] - x))


class SurveySubtractionAttackTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.pia)
        self.client.post(
            reverse("indicators:survey_create", args=[self.school.pk]),
            {"title": "Arbetsmiljö ht", "audience": "teachers", "use_template": "on"},
        )
        self.survey = Survey.objects.get(title="Arbetsmiljö ht")
        links = self.client.post(
            reverse("indicators:survey_links", args=[self.school.pk, self.survey.pk]),
            {"count": 6},
        ).context["urls"]
        questions = list(self.survey.questions.all())
        self.assertEqual([q.area for q in questions], ["job_satisfaction"] * 3 + ["workload"] * 3)
        self.client.logout()
        frida = [FRIDA, 0, 0, 0, 0, 0]
        for url, pattern in zip(links, [*OTHERS, frida], strict=True):
            data = {f"q{q.pk}": str(v) for q, v in zip(questions, pattern, strict=True)}
            page = self.client.post(url.replace("http://testserver", ""), data)
            self.assertEqual(page.status_code, 200)
        # An outcome survey and a programme whose workload measure reads both.
        outcome = survey_services.survey_outcome_create(
            baseline=self.survey, actor=self.pia, title="Arbetsmiljö vt"
        )
        for token in survey_services.survey_links_create(survey=outcome, count=6):
            survey_services.survey_answer_submit(
                token=token, answers={q.pk: 3 for q in outcome.questions.all()}
            )
        self.programme = programme_services.programme_create(
            organisation=self.owner,
            name="Arbetsmiljö 2025–2027",
            start_year=2025,
            end_year=2027,
            schools=[self.school, self.school_b],
            actor=self.olle,
        )
        programme_services.measure_set(
            measure=self.programme.measures.get(kind=ProgrammeMeasure.Kind.WORKLOAD),
            baseline_surveys=[self.survey],
            outcome_surveys=[outcome],
        )

    def obtain(self) -> tuple[dict[str, float], list[float | None], float | None]:
        """What the principal can read: the CSV export, the page, the programme's figure."""
        export = self.client.get(
            reverse("indicators:survey_export", args=[self.school.pk, self.survey.pk])
        )
        self.assertEqual(export.status_code, 200)
        areas, statements = csv_figures(export.content.decode("utf-8-sig"))
        page = self.client.get(
            reverse("indicators:survey_results", args=[self.school.pk, self.survey.pk])
        )
        self.assertEqual(page.status_code, 200)
        shown = page.context["results"]
        for a in shown.areas:  # the page shows the same figures as the export
            if not a.hidden:
                self.assertAlmostEqual(a.index, areas[a.area], places=3)
        programme = self.client.get(reverse("programmes:detail", args=[self.programme.pk]))
        self.assertEqual(programme.status_code, 200)
        measure = next(
            r
            for r in programme.context["evaluation"].measures
            if r.measure.kind == ProgrammeMeasure.Kind.WORKLOAD
        )
        row = next(r for r in measure.rows if r["name"] == self.school.name)
        figure = None if row["hidden"] else round(row["baseline"].estimate, 2)  # as shown
        return areas, statements, figure

    def test_no_published_figures_give_fridas_answer_away(self) -> None:
        k = settings.SAMSYN_MIN_GROUP
        leaks = []
        for user in (self.pia, self.olle):
            self.login(user)
            areas, (q1, q2, q3, *_workload), programme = self.obtain()
            job = areas.get("job_satisfaction")
            if None not in (job, q1, q2, q3):
                # 18 · area = 6 · q1 + 5 · q2 + 5 · q3 + 2 · f
                f = (18 * job - 6 * q1 - 5 * q2 - 5 * q3) / 2
                if nearest_step(f) == FRIDA:
                    leaks.append(f"{user}: area and statements give {f:.3f}")
            workload = areas.get("workload")
            if None not in (programme, q1, q2, q3, workload):
                f = (36 * programme - 6 * q1 - 5 * q2 - 5 * q3 - 15 * workload) / 5
                if nearest_step(f) == FRIDA:
                    leaks.append(f"{user}: programme and page give {f:.3f}")
            # Each figure's respondents: the area's statements must all rest on at least k.
            results = self.client.get(
                reverse("indicators:survey_results", args=[self.school.pk, self.survey.pk])
            ).context["results"]
            for q in results.questions:
                if not q.hidden:
                    self.assertGreaterEqual(q.n, k)
        self.assertEqual(leaks, [], f"Frida answered {STEP[FRIDA]:.3f}")


# ------------------------------------------------------------------ property: any survey

MEASURE = ("job_satisfaction", "workload")  # the programme's teachers' measure


def _figures(questions, rows, responses, k) -> dict[tuple, float]:
    """Every figure of one survey anyone can obtain: per shown statement its index and share
    (the Wilson interval and n follow from these), per shown area its index and spread (the
    t interval follows), and the programme's measure: the mean and spread of the respondents'
    scores over its areas (`respondent_scores`, the programme's only input from a survey)."""
    import statistics

    from samsyn.indicators.surveys import results_from_rows, scores_from_rows

    results = results_from_rows(Survey(title="s"), questions, rows, responses, min_group=k)
    out: dict[tuple, float] = {}
    for q in results.questions:
        if not q.hidden:
            out[("index", q.question.pk)] = q.index
            out[("share", q.question.pk)] = q.share_positive
    for a in results.areas:
        if not a.hidden:
            out[("area", a.area)] = a.index
            out[("area sd", a.area)] = a.sd
            shown = [
                q.index for q in results.questions if q.question.area == a.area and not q.hidden
            ]
            assert abs(a.index - statistics.mean(shown)) < 1e-9  # the statements' mean
    measured = [q for q in questions if q.area in MEASURE]
    scores = scores_from_rows(measured, rows, responses, min_group=k)
    if len(scores) >= k:
        out[("programme",)] = statistics.mean(scores)
        out[("programme sd",)] = statistics.stdev(scores)
    return out


def _probe(answers: list[list[int]], areas: list[str], k: int):
    """Change each answer that took a position to each other position and see which figures
    move and by how much: (figure → statement → respondents it moves with, linear
    coefficients of the means on (respondent, statement), and of the shares on agreeing)."""
    from samsyn.indicators.models import Question

    questions = [Question(pk=j + 1, area=a, text=str(j)) for j, a in enumerate(areas)]

    def rows(table):
        return [(r, j + 1, v) for r, row in enumerate(table) for j, v in enumerate(row)]

    base = _figures(questions, rows(answers), len(answers), k)
    moves: dict[tuple, dict[int, set[int]]] = {f: defaultdict(set) for f in base}
    means: dict[tuple, dict[tuple[int, int], float]] = {f: {} for f in base}
    shares: dict[tuple, dict[tuple[int, int], float]] = {f: {} for f in base}
    for r, row in enumerate(answers):
        for j, v in enumerate(row):
            if v == 0:
                continue
            for w in (1, 2, 3, 4):
                if w == v:
                    continue
                changed = [list(x) for x in answers]
                changed[r][j] = w
                after = _figures(questions, rows(changed), len(answers), k)
                assert after.keys() == base.keys()  # what is shown depends on counts only
                for f, value in after.items():
                    delta = value - base[f]
                    if abs(delta) > 1e-9:
                        moves[f][j + 1].add(r)
                    if f[0] == "share" and (w >= 3) != (v >= 3):
                        shares[f][(r, j)] = delta / ((w >= 3) - (v >= 3))
                    elif f[0] in ("index", "area", "programme"):
                        means[f][(r, j)] = delta / (STEP[w] - STEP[v])
    return base, moves, means, shares


def _isolates(coefficients: dict[tuple, dict[tuple[int, int], float]], n: int, k: int):
    """A group of 1 to k−1 respondents whose answers some linear combination of the figures
    determines (a combination zero on everyone else's answers), or None."""
    import itertools

    import numpy as np

    cells = sorted({c for per in coefficients.values() for c in per})
    rows = [per for per in coefficients.values() if per]
    if not rows:
        return None
    matrix = np.array([[per.get(c, 0.0) for c in cells] for per in rows])
    rank = np.linalg.matrix_rank(matrix)
    for size in range(1, k):
        for group in itertools.combinations(range(n), size):
            keep = [i for i, (r, _j) in enumerate(cells) if r not in group]
            if np.linalg.matrix_rank(matrix[:, keep]) < rank:
                return group
    return None


def surveys_strategy():
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        n = draw(st.integers(6, 12))
        m = draw(st.integers(2, 6))
        areas = draw(st.lists(st.sampled_from([*MEASURE, "own"]), min_size=m, max_size=m))
        missing = draw(st.sampled_from([0.0, 0.1, 0.25, 0.5]))
        answers = [
            [0 if draw(st.floats(0, 1)) < missing else draw(st.integers(1, 4)) for _ in range(m)]
            for _ in range(n)
        ]
        return answers, areas

    return build()


def test_no_two_figures_of_a_survey_single_anyone_out() -> None:
    """Random surveys of 6–12 respondents with random "don't know": every figure (and the
    programme's measure) rests, statement by statement, on no fewer than k respondents and
    on the same ones as every other figure on that statement (the symmetric difference of
    two figures' respondents is empty); and no linear combination of the published means or
    shares determines the answers of 1 to k−1 respondents."""
    from hypothesis import given
    from hypothesis import settings as hsettings

    k = settings.SAMSYN_MIN_GROUP

    @hsettings(max_examples=60, deadline=None)
    @given(surveys_strategy())
    def check(survey) -> None:
        answers, areas = survey
        _base, moves, means, shares = _probe(answers, areas, k)
        for statement in range(1, len(areas) + 1):
            sets = {f: frozenset(per[statement]) for f, per in moves.items() if per[statement]}
            for f, people in sets.items():
                assert len(people) >= k, (f, statement, sorted(people))
            for f, g in [(f, g) for f in sets for g in sets if f < g]:
                apart = len(sets[f] ^ sets[g])
                assert apart == 0 or apart >= k, (f, g, statement, apart)
        for family in (means, shares):
            assert _isolates(family, len(answers), k) is None

    check()

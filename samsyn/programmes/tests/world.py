"""A programme world on the personas: the owner's schools A and B with seven teachers each,
school C with three (too few: hidden), two owner rounds and student surveys at A and B."""

from __future__ import annotations

import datetime as dt
import random

from samsyn.accounts.models import Organisation
from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.indicators import services as surveys
from samsyn.observations.models import Round
from samsyn.programmes import services
from samsyn.programmes.models import ProgrammeMeasure


def programme_world(case) -> None:
    case.school_c = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="Skola C", parent=case.owner
    )
    staff = {
        case.school: [case.alice, *make_teachers(case.school, "pa", 6)],
        case.school_b: [case.bob, *make_teachers(case.school_b, "pb", 6)],
        case.school_c: make_teachers(case.school_c, "pc", 3),
    }
    schools = list(staff)
    case.baseline = make_round(
        case.owner, schools, "Höst 2025", Round.Kind.BASELINE, dt.date(2025, 9, 1)
    )
    case.outcome = make_round(
        case.owner, schools, "Vår 2027", Round.Kind.FOLLOW_UP, dt.date(2027, 3, 1)
    )
    for k, (school, people) in enumerate(staff.items()):
        observe(case.baseline, school, people, case.oscar, seed=10 + k)
        lift = 1 if k == 0 else 0  # school A rises in some lessons
        observe(
            case.outcome,
            school,
            people,
            case.oscar,
            seed=20 + k,
            step_for=lambda t, order, lesson, lift=lift, k=k: min(
                4, 1 + (t + order + lesson + k) % 4 + lift * ((t + lesson) % 2)
            ),
        )
    case.survey_pairs = {}
    rng = random.Random(5)
    for school, lift in ((case.school, 0.6), (case.school_b, 0.0)):
        base = surveys.survey_create(
            organisation=school, actor=case.pia, title="Trygghet höst", audience="students"
        )
        out = surveys.survey_outcome_create(baseline=base, actor=case.pia, title="Trygghet vår")
        for survey, shift, n in ((base, 0.0, 12), (out, lift, 10)):
            questions = list(survey.questions.all())
            for token in surveys.survey_links_create(survey=survey, count=n):
                answers = {
                    q.pk: (
                        0
                        if rng.random() < 0.05
                        else min(4, max(1, round(rng.gauss(2.6 + shift, 0.9))))
                    )
                    for q in questions
                }
                surveys.survey_answer_submit(token=token, answers=answers)
        case.survey_pairs[school.pk] = (base, out)
    case.programme = services.programme_create(
        organisation=case.owner,
        name="Undervisning i fokus 2025–2027",
        start_year=2025,
        end_year=2027,
        schools=schools,
        actor=case.olle,
    )
    measures = {m.kind: m for m in case.programme.measures.all()}
    services.measure_set(
        measure=measures[ProgrammeMeasure.Kind.TEACHING],
        baseline_round=case.baseline,
        outcome_round=case.outcome,
    )
    services.measure_set(
        measure=measures[ProgrammeMeasure.Kind.SAFETY],
        baseline_surveys=[p[0] for p in case.survey_pairs.values()],
        outcome_surveys=[p[1] for p in case.survey_pairs.values()],
    )
    case.measures = measures
    # another owner's programme (the outsider's)
    case.foreign = services.programme_create(
        organisation=case.other_owner,
        name="Annan kommuns program",
        start_year=2025,
        end_year=2027,
        schools=[case.other_school],
        actor=case.charlie,
    )

"""Demo: Sjöviks kommun's three-year programme "Undervisning i fokus" over its three schools,
with a baseline and an outcome point on the four measures.

- Teaching: the owner's baseline round (autumn 2025) and follow-up round (spring 2026) that
  `samsyn/observations/demo.py` creates.
- Pupils' safety and study peace: Strandskolan's student survey (`samsyn/indicators/demo.py`)
  plus a baseline and an outcome student survey at Björkhagens skola and Fyrtornsskolan,
  added here.
- Teachers' job satisfaction and workload: a baseline and an outcome teacher survey at each
  of the three schools, added here.
- Goal attainment: the national indicator "passing all subjects in grade 9" for 2023 and
  2025. Sjöviks kommun is fictional; the indicators demo links it to Falkenberg's code (1382,
  `samsyn.indicators.demo.SJOVIK_STAND_IN`), so the page shows Skolverket's real figures,
  labelled Falkenberg, with their source and import date.

The answers are drawn from a seeded generator (their own, so other steps are unaffected).
"""

from __future__ import annotations

import random

from samsyn.accounts.models import Membership, Role
from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, cleanup, step
from samsyn.indicators import services as surveys
from samsyn.indicators.models import Question, Survey
from samsyn.observations.models import Round
from samsyn.programmes import services
from samsyn.programmes.models import Programme, ProgrammeMeasure

OWNER = "Sjöviks kommun"
SEED = 2525
# (school, baseline → outcome shift in the answers' centre) for pupils and for teachers
STUDENT_SHIFT = {"Björkhagens skola": 0.1, "Fyrtornsskolan": 0.3}
TEACHER_SHIFT = {"Strandskolan": 0.35, "Björkhagens skola": -0.05, "Fyrtornsskolan": 0.2}


def _answer(
    rng: random.Random, survey: Survey, respondents: int, centre: float, spread: float = 0.8
) -> None:
    questions = list(survey.questions.all())
    for token in surveys.survey_links_create(survey=survey, count=respondents):
        answers = {}
        for q in questions:
            if rng.random() < 0.05:
                answers[q.pk] = 0  # don't know
                continue
            lean = -0.25 if q.area == Question.Area.WORKLOAD else 0.0
            answers[q.pk] = min(4, max(1, round(rng.gauss(centre + lean, spread))))
        surveys.survey_answer_submit(token=token, answers=answers)


def _pair(rng, *, school, actor, audience, title, sizes, centre, shift) -> tuple[Survey, Survey]:
    baseline = surveys.survey_create(
        organisation=school, actor=actor, title=f"{title}, hösten 2025", audience=audience
    )
    outcome = surveys.survey_outcome_create(
        baseline=baseline, actor=actor, title=f"{title}, våren 2026"
    )
    _answer(rng, baseline, sizes[0], centre)
    _answer(rng, outcome, sizes[1], centre + shift)
    surveys.survey_set_open(survey=baseline, is_open=False)
    return baseline, outcome


@step
def programme(world: DemoWorld) -> None:
    rng = random.Random(SEED)
    owner = world.owners[OWNER]
    admin = world.users[f"huvudman@{DEMO_DOMAIN}"]
    schools = [s for s in world.schools.values() if s.parent_id == owner.pk]
    principals = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(organisation__in=schools, role=Role.PRINCIPAL)
    }
    student: dict[str, list[Survey]] = {"b": [], "o": []}
    teacher: dict[str, list[Survey]] = {"b": [], "o": []}
    for school in schools:
        actor = principals.get(school.pk, admin)
        existing = Survey.objects.filter(
            organisation=school, audience=Survey.Audience.STUDENTS, phase=Survey.Phase.OUTCOME
        ).first()
        if existing is not None:  # Strandskolan's survey from the indicators demo
            student["b"].append(existing.baseline)
            student["o"].append(existing)
        elif school.name in STUDENT_SHIFT:
            b, o = _pair(
                rng,
                school=school,
                actor=actor,
                audience=Survey.Audience.STUDENTS,
                title="Trygghet och studiero",
                sizes=(rng.randint(22, 30), rng.randint(20, 28)),
                centre=2.7,
                shift=STUDENT_SHIFT[school.name],
            )
            student["b"].append(b)
            student["o"].append(o)
        b, o = _pair(
            rng,
            school=school,
            actor=actor,
            audience=Survey.Audience.TEACHERS,
            title="Arbetsglädje och arbetsbelastning",
            sizes=(rng.randint(14, 18), rng.randint(13, 17)),
            centre=2.6,
            shift=TEACHER_SHIFT.get(school.name, 0.0),
        )
        teacher["b"].append(b)
        teacher["o"].append(o)

    created = services.programme_create(
        organisation=owner,
        name="Undervisning i fokus 2025–2027",
        start_year=2025,
        end_year=2027,
        schools=schools,
        actor=admin,
        description=(
            "Ett treårigt utvecklingsprogram i Sjöviks tre skolor: lektionsobservationer, "
            "kollegialt lärande i triader och gemensam analys. Nulägesbild hösten 2025, "
            "uppföljning våren 2026 (programmets utfallsmätning hittills)."
        ),
    )
    measures = {m.kind: m for m in created.measures.all()}
    rounds = Round.objects.filter(organisation=owner, is_peer=False)
    services.measure_set(
        measure=measures[ProgrammeMeasure.Kind.TEACHING],
        baseline_round=rounds.filter(kind=Round.Kind.BASELINE).order_by("starts_on").first(),
        outcome_round=rounds.filter(kind=Round.Kind.FOLLOW_UP).order_by("starts_on").last(),
    )
    services.measure_set(
        measure=measures[ProgrammeMeasure.Kind.SAFETY],
        baseline_surveys=student["b"],
        outcome_surveys=student["o"],
    )
    services.measure_set(
        measure=measures[ProgrammeMeasure.Kind.WORKLOAD],
        baseline_surveys=teacher["b"],
        outcome_surveys=teacher["o"],
    )
    services.measure_set(
        measure=measures[ProgrammeMeasure.Kind.ATTAINMENT],
        indicator_code="grade9-all-subjects",
        baseline_year=2023,
        outcome_year=2025,
    )


@cleanup
def _remove(organisation_ids: list[int]) -> None:
    Programme.objects.filter(organisation_id__in=organisation_ids).delete()

"""Demo: the vignette bank installed for Strandskolan's municipality; Oskar Berg (observer at
Strandskolan) is certified, the municipality's coach Nils Wallin answered but is not."""

from __future__ import annotations

from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, cleanup, step
from samsyn.frameworks.models import FrameworkVersion


def answer_bank(observer, shift: int = 0) -> None:
    """Answer every bank vignette: the reference moved `shift` steps (kept within 1-4)."""
    from samsyn.observations import calibration
    from samsyn.reliability import certification

    for exercise in certification.bank_exercises(observer):
        steps = {
            d.pk: {s.order: s.pk for s in d.steps.all()}
            for d in exercise.framework_version.dimensions.prefetch_related("steps")
        }
        orders = {pk: o for by in steps.values() for o, pk in by.items()}
        ratings = {}
        for dim_id, step_id in exercise.reference.items():
            order = min(4, max(1, orders[step_id] + shift))
            ratings[int(dim_id)] = steps[int(dim_id)][order]
        calibration.response_save(exercise=exercise, observer=observer, ratings=ratings)


@step
def certification_bank(world: DemoWorld) -> None:
    from samsyn.reliability import certification

    school = world.schools["Strandskolan"]
    owner = school.parent
    version = FrameworkVersion.objects.get(
        framework__slug="samsyn-undervisning",
        status=FrameworkVersion.Status.PUBLISHED,
        number=1,
    )
    certification.bank_install(
        actor=world.users.get(f"huvudman@{DEMO_DOMAIN}"),
        organisation=owner,
        framework_version=version,
    )
    oskar = world.users[f"observator@{DEMO_DOMAIN}"]
    answer_bank(oskar)
    certification.certify(observer=oskar)
    coach = world.users.get(f"coach.sjovik@{DEMO_DOMAIN}")
    if coach is not None:
        answer_bank(coach, shift=1)  # a lenient rater: within one step, rarely exact
        certification.certify(observer=coach)


@cleanup
def remove_bank(organisation_ids: list[int]) -> None:
    from samsyn.observations.models import CalibrationExercise

    CalibrationExercise.objects.filter(organisation_id__in=organisation_ids).delete()

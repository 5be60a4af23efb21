"""A round in the personas' world, on the default framework."""

from __future__ import annotations

import datetime as dt

from samsyn.frameworks.models import FrameworkVersion
from samsyn.observations import services
from samsyn.observations.models import Round


def default_version() -> FrameworkVersion:
    return FrameworkVersion.objects.get(framework__slug="samsyn-undervisning", number=1)


def make_round(case, **overrides) -> Round:
    """School A's round: teacher alice, observer oscar, two lessons each."""
    args = dict(
        actor=case.pia,
        organisation=case.school,
        schools=[case.school],
        name="Höstens runda",
        kind=Round.Kind.BASELINE,
        framework_version=default_version(),
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 12, 20),
        target_lessons=2,
        release_mode=Round.Release.BY_OBSERVER,
        ask_proposals=True,
        teachers=[case.alice],
        observers=[case.oscar],
    )
    args.update(overrides)
    round_ = services.round_create(**args)
    services.assignments_generate(round_=round_)
    return round_


def full_ratings(version: FrameworkVersion, step_order: int = 2) -> list[dict]:
    ratings = []
    for dimension in version.dimensions.order_by("order").prefetch_related("steps__criteria"):
        step = next(s for s in dimension.steps.all() if s.order == step_order)
        ratings.append(
            {
                "dimension_id": dimension.pk,
                "step_id": step.pk,
                "not_observed": False,
                "criteria": [c.pk for c in step.criteria.all()][:1],
                "note": "",
            }
        )
    return ratings

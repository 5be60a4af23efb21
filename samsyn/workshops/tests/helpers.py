"""Workshops in the personas' world: School A's baseline and follow-up rounds."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samsyn.observations.models import Round
from samsyn.observations.tests.factories import make_round
from samsyn.workshops import services
from samsyn.workshops.models import Workshop


def make_rounds(case) -> tuple[Round, Round]:
    baseline = make_round(case, name="Nollmätning", kind=Round.Kind.BASELINE)
    follow_up = make_round(
        case,
        name="Eftermätning",
        kind=Round.Kind.FOLLOW_UP,
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 4, 20),
    )
    return baseline, follow_up


def make_workshop(case, *, days: int = 14, **overrides) -> Workshop:
    if not hasattr(case, "_rounds"):
        case._rounds = make_rounds(case)
    baseline, follow_up = case._rounds
    args = dict(
        actor=case.pia,
        school=case.school,
        title="Vår undervisning",
        round=follow_up,
        compare_round=baseline,
        starts_at=timezone.now() + dt.timedelta(days=days),
        place="Aulan",
        chart_keys=["distribution", "comparison"],
    )
    args.update(overrides)
    return services.workshop_create(**args)

"""A school with a baseline and a follow-up round, for the school-plan tests and access rows."""

from __future__ import annotations

import datetime as dt

from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.observations.models import Round

BASE = dt.date(2025, 9, 1)
FOLLOW = dt.date(2026, 3, 1)


def before(t: int, order: int, lesson: int) -> int:
    """Dimension 1 weakest (mostly step 1), dimension 2 strongest (mostly 4)."""
    if order == 1:
        return 1 + (t + lesson) % 2 * (t % 2)
    if order == 2:
        return 4 - (t + lesson) % 2 * (t % 2)
    return 2 + (t + lesson) % 2


def after(t: int, order: int, lesson: int) -> int:
    """Dimension 1 rises by a step in two lessons of three; the rest stay."""
    step = before(t, order, lesson)
    return min(4, step + 1) if order == 1 and (t + lesson) % 3 else step


def plan_world(case, teachers: int = 7) -> tuple[Round, Round, list]:
    people = [case.alice, *make_teachers(case.school, "pt", teachers)]
    baseline = make_round(case.school, [case.school], "Höst", Round.Kind.BASELINE, BASE)
    follow = make_round(case.school, [case.school], "Vår", Round.Kind.FOLLOW_UP, FOLLOW)
    observe(baseline, case.school, people, case.oscar, step_for=before)
    observe(follow, case.school, people, case.oscar, step_for=after)
    return baseline, follow, people

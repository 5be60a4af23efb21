"""An owner with two schools observed in a baseline and a follow-up round, and a second
manager of the owner and of the network, for the progress-page tests."""

from __future__ import annotations

import datetime as dt

from samsyn.accounts.models import Membership, Role
from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.observations.models import Round
from samsyn.public import services
from samsyn.test import make_user

BASE = dt.date(2025, 9, 1)
FOLLOW = dt.date(2026, 3, 1)


def before(t: int, order: int, lesson: int) -> int:
    return 1 + (t + order + lesson) % 3


def after(t: int, order: int, lesson: int) -> int:
    step = before(t, order, lesson)
    return min(4, step + 1) if order == 1 and (t + lesson) % 3 else step


def second_managers(case) -> None:
    case.ove = make_user("ove", "Ove Owner")
    Membership.objects.create(user=case.ove, organisation=case.owner, role=Role.OWNER_ADMIN)
    case.nils = make_user("nils", "Nils Network")
    Membership.objects.create(
        user=case.nils, organisation=case.network, role=Role.NETWORK_COORDINATOR
    )


def rounds(case, per_school: int = 8, step_before=before, step_after=after):
    """Three schools of the owner (School A, School B and a third) in both rounds."""
    from samsyn.accounts.models import Organisation

    case.school_c = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="Skola C", parent=case.owner
    )
    schools = [case.school, case.school_b, case.school_c]
    baseline = make_round(case.owner, schools, "Höst", Round.Kind.BASELINE, BASE)
    follow = make_round(case.owner, schools, "Vår", Round.Kind.FOLLOW_UP, FOLLOW)
    for k, school in enumerate(schools):
        people = make_teachers(school, f"s{k}n{per_school}t", per_school)

        def shifted(func, k=k):
            return lambda t, order, lesson: func(t + 2 * k, order, lesson)

        observe(baseline, school, people, case.oscar, step_for=shifted(step_before))
        observe(follow, school, people, case.oscar, step_for=shifted(step_after))
    return baseline, follow


def page(case, baseline, follow, *, slug: str = "testkommun", enabled: bool = True):
    page = services.page_create(organisation=case.owner, actor=case.olle, slug=slug)
    return services.page_update(
        page=page,
        actor=case.olle,
        enabled=enabled,
        indicator_codes=[],
        baseline_round=baseline,
        latest_round=follow,
        intro_sv="Så går det för oss.",
        intro_en="How we are doing.",
    )


def published(case, baseline, follow, **kwargs):
    p = page(case, baseline, follow, **kwargs)
    services.page_submit(page=p, actor=case.olle)
    return services.page_approve(page=p, actor=case.ove)

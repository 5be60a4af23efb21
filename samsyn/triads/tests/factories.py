"""A saved triad set at School A in the personas' world."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samsyn.accounts.models import Membership, Role
from samsyn.test import make_user
from samsyn.triads import services
from samsyn.triads.models import Triad, TriadSet


def add_teachers(case, count: int = 2) -> list:
    made = []
    for k in range(count):
        key = f"t{k}x{timezone.now().timestamp()}".replace(".", "")
        user = make_user(key, f"Teacher {k}")
        Membership.objects.create(user=user, organisation=case.school, role=Role.TEACHER)
        made.append(user)
    return made


def saved_set(case, name: str = "HT 2026") -> tuple[TriadSet, Triad]:
    """alice and two more teachers of School A in one saved triad; returns (set, alice's triad)."""
    add_teachers(case, 2)
    triad_set = services.triad_set_propose(actor=case.pia, school=case.school)
    services.triad_set_save(triad_set=triad_set, name=name)
    triad = Triad.objects.get(triad_set=triad_set, members__teacher=case.alice)
    return triad_set, triad


def planned_visit(case, triad: Triad, observer, teacher):
    return services.peer_visit_plan(
        actor=observer,
        triad=triad,
        observer=observer,
        teacher=teacher,
        planned_at=timezone.now() + dt.timedelta(days=1),
    )

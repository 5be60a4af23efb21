"""The demo's workshop part: at Strandskolan a held workshop with notes and actions (one done,
two open) and an upcoming one that opens with their follow-up; removed again by demo_delete."""

from __future__ import annotations

from samsyn.accounts.models import User
from samsyn.demo.services import DEMO_DOMAIN, demo_delete
from samsyn.workshops import selectors
from samsyn.workshops.models import Workshop


def test_the_demo_has_a_held_and_an_upcoming_workshop(demo_db):
    held, upcoming = Workshop.objects.filter(school__name="Strandskolan").order_by("starts_at")
    assert not held.is_upcoming and upcoming.is_upcoming
    assert held.round.kind == "follow_up" and held.compare_round.kind == "baseline"
    assert all(item.notes for item in held.items.filter(kind="question"))
    statuses = sorted(held.actions.values_list("status", flat=True))
    assert statuses == ["done", "in_progress", "open"]
    followup = selectors.followup_actions(
        user=User.objects.get(email=f"rektor@{DEMO_DOMAIN}"), workshop=upcoming
    )
    assert sorted(a.status for a in followup) == ["in_progress", "open"]
    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
    assert [a.what for a in selectors.owned_open_actions(teacher)] == [
        a.what for a in followup if a.owner == teacher
    ]
    principal = User.objects.get(email=f"rektor@{DEMO_DOMAIN}")
    assert selectors.upcoming_workshops_for(principal) == [upcoming]
    demo_delete()
    assert not Workshop.objects.exists()

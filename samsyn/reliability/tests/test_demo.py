"""The demo shows certified and uncertified observers, severity and profile reliability."""

from __future__ import annotations

from samsyn.accounts.models import User
from samsyn.demo.services import DEMO_DOMAIN
from samsyn.observations.models import Round
from samsyn.reliability import certification, profiles, severity


def test_certified_and_uncertified_observers(demo_db):
    oskar = User.objects.get(email=f"observator@{DEMO_DOMAIN}")
    coach = User.objects.get(email=f"coach.sjovik@{DEMO_DOMAIN}")
    assert len(certification.bank_exercises(oskar)) == 12
    assert certification.status(oskar).state in ("certified", "recertify")
    assert certification.status(coach).state == "failed"


def test_severity_and_profile_reliability_are_there(demo_db):
    rounds = Round.objects.filter(is_peer=False, status=Round.Status.CLOSED)
    fitted = [r for r in rounds if not severity.compute(r).error]
    assert fitted, "no closed demo round gives observer severities"
    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
    assert profiles.for_teacher(teacher)

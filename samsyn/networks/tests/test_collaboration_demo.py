"""The demo's collaboration: the Sjöviks/Ekbacka network's four groups, a steering meeting
with a decision and an assignment, a seminar series with an answered evaluation that the
regional yearly documentation shows; removed again by demo_delete."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.models import User
from samsyn.demo.services import DEMO_DOMAIN, demo_delete
from samsyn.networks import competence, governance
from samsyn.networks.models import CollaborationGroup, CompetenceEffort, GroupDecision


def test_the_demo_has_the_collaborations_groups_decision_and_effort(demo_db):
    groups = CollaborationGroup.objects.filter(network__name="Nätverket Lärande kust")
    assert sorted(groups.values_list("kind", flat=True)) == [
        "process",
        "reference",
        "steering",
        "working",
    ]
    network = groups.first().network
    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
    assert [g.kind for g in governance.visible_groups(teacher, network)] == ["working"]
    director = User.objects.get(email=f"huvudman.ekbacka@{DEMO_DOMAIN}")
    assert governance.visible_groups(director, network).count() == 4
    found = governance.decisions_for_user(director, network, query="seminarieserien")
    assert [d.group.kind for d in governance.decisions_for_user(teacher, network)] == ["working"]
    assert [d.group.kind for d in found] == ["steering"]
    assert not governance.decisions_for_user(teacher, network, query="seminarieserien")
    effort = CompetenceEffort.objects.get(network=network)
    summary = competence.summary(effort)
    assert summary.participants == 8
    assert summary.results.responses == 7 and not summary.results.hidden

    client = Client()
    client.force_login(User.objects.get(email=f"huvudman@{DEMO_DOMAIN}"))
    year = effort.starts_on.year
    organiser = effort.exchange.organiser_id
    page = client.get(reverse("networks:regional_year", args=[organiser, year]))
    assert effort.title in page.content.decode()
    assert timezone.localdate().year in {effort.starts_on.year, effort.ends_on.year}

    demo_delete()
    assert not CollaborationGroup.objects.exists()
    assert not GroupDecision.objects.exists()
    assert not CompetenceEffort.objects.exists()

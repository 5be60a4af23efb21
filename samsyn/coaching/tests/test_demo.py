"""The demo's coaching part: larare@ coached by observator@ with next steps done, in progress
and due soon (shown on the home page), next steps in every state, one support plan at
Strandskolan; removed again by demo_delete."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from samsyn.accounts.models import User
from samsyn.coaching import selectors
from samsyn.coaching.models import Conversation, NextStep, SupportPlan
from samsyn.demo.services import DEMO_DOMAIN, demo_delete


def test_the_demo_has_coaching_records_and_a_support_plan(demo_db):
    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
    coach = User.objects.get(email=f"observator@{DEMO_DOMAIN}")
    mine = Conversation.objects.filter(teacher=teacher, coach=coach)
    assert mine.count() == 3
    statuses = set(
        NextStep.objects.filter(conversation__teacher=teacher).values_list("status", flat=True)
    )
    assert statuses == {"done", "in_progress"}
    (due,) = selectors.follow_ups_due(user=teacher)
    assert due.status == "in_progress"
    assert set(NextStep.objects.values_list("status", flat=True)) == set(NextStep.Status.values)
    plan = SupportPlan.objects.get()
    assert plan.school.name == "Strandskolan" and plan.coach == coach
    client = Client()
    client.force_login(teacher)
    assert due.action in client.get(reverse("home")).content.decode()
    demo_delete()
    assert not Conversation.objects.exists() and not SupportPlan.objects.exists()

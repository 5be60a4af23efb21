"""The demo world: its shape, its logins, the command, and that loading it again is harmless and
a reset rebuilds the same world. The world is built once for the run (tests/demo_world.py:
`demo_db`); only the reset test builds it a second time."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.asserts import assertContains

from samsyn.accounts.models import Membership, NetworkMembership, Organisation, Role, User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD, KEY_USERS, demo_load
from samsyn.observations.models import Observation, Rating, Round


def test_it_builds_the_demo_world(demo_db):
    assert demo_db.loaded is True  # demo_load() into the empty test database said it built
    kinds = list(Organisation.objects.values_list("kind", flat=True))
    assert kinds.count("region") == 1
    # The two fictional municipalities (other apps may add more owners to the region).
    assert (
        Organisation.objects.filter(
            kind="owner", name__in=["Sjöviks kommun", "Ekbacka kommun"]
        ).count()
        == 2
    )
    base = Organisation.objects.filter(
        kind="school", parent__name__in=["Sjöviks kommun", "Ekbacka kommun"]
    )
    assert base.count() == 6  # other apps' steps may onboard more schools
    assert kinds.count("network") == 1
    teachers = (
        Membership.objects.filter(role=Role.TEACHER, organisation__in=base)
        .values("user")
        .distinct()
    )
    assert 115 <= teachers.count() <= 125
    for role in Role.values:
        assert Membership.objects.filter(role=role).exists(), role
    assert NetworkMembership.objects.filter(is_hub=True).count() == 1
    assert User.objects.filter(is_superuser=True).exists()


def test_it_is_idempotent_and_resets(demo_db):
    """Loading again changes nothing; `manage.py demo --reset` rebuilds the same world (the
    users, and the observation rounds with their observations and ratings)."""

    def counts():
        return (
            User.objects.count(),
            Round.objects.count(),
            Observation.objects.count(),
            Rating.objects.count(),
        )

    before = counts()
    assert demo_load() is False
    assert counts() == before
    out = StringIO()
    call_command("demo", "--reset", stdout=out)
    assert "Demo data loaded." in out.getvalue()
    assert counts() == before
    assert Organisation.objects.filter(kind="region").count() == 1


@pytest.mark.parametrize("key,name,role,org_name", KEY_USERS, ids=[u[0] for u in KEY_USERS])
def test_each_demo_login_reaches_a_home_page_for_its_role(demo_db, key, name, role, org_name):
    client = Client()
    response = client.post(
        "/en/accounts/login/",
        {"username": f"{key}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    User.objects.filter(email=f"{key}@{DEMO_DOMAIN}").update(language="en")
    home = client.get("/en/")
    assertContains(home, org_name)
    assertContains(home, str(role.label))


def test_the_admin_login_reaches_the_audit_log(demo_db):
    client = Client()
    client.post("/accounts/login/", {"username": f"admin@{DEMO_DOMAIN}", "password": DEMO_PASSWORD})
    assertContains(client.get("/"), "/accounts/audit/")


def test_the_command_prints_the_logins(demo_db):
    out = StringIO()
    call_command("demo", stdout=out)
    call_command("demo", "--if-empty", stdout=out)
    text = out.getvalue()
    assert "Demo data already present" in text
    assert f"rektor@{DEMO_DOMAIN}" in text
    assert DEMO_PASSWORD in text
    assert Organisation.objects.filter(kind="region").count() == 1

"""Named personas for tests, after healthchecks' `hc/test.py`.

One small world: a region with an owner (municipality) and two schools, a network with one of
them as member, and an outsider organisation elsewhere. Every role has a person:

- alice   teacher at School A            - oscar   observer at School A
- pia     principal of School A          - olle    owner administrator of the municipality
- nina    network coordinator            - rita    researcher in the region
- adam    platform admin                 - bob     teacher at School B (same owner)
- charlie principal elsewhere (the outsider: another region, owner and school)
"""

from __future__ import annotations

from django.conf import settings
from django.test import TestCase
from django.utils import translation

from samsyn.accounts.models import (
    Membership,
    NetworkMembership,
    Organisation,
    Role,
    User,
)

PASSWORD = "persona-password"


def make_user(key: str, name: str, **extra) -> User:
    return User.objects.create_user(f"{key}@example.org", PASSWORD, full_name=name, **extra)


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        Kind = Organisation.Kind
        cls.region = Organisation.objects.create(kind=Kind.REGION, name="Testregion")
        cls.owner = Organisation.objects.create(
            kind=Kind.OWNER, name="Testkommun", parent=cls.region, owner_type="municipal"
        )
        cls.school = Organisation.objects.create(kind=Kind.SCHOOL, name="Skola A", parent=cls.owner)
        cls.school_b = Organisation.objects.create(
            kind=Kind.SCHOOL, name="Skola B", parent=cls.owner
        )
        cls.network = Organisation.objects.create(
            kind=Kind.NETWORK, name="Testnätverk", parent=cls.region
        )
        NetworkMembership.objects.create(network=cls.network, school=cls.school, is_hub=True)

        cls.other_region = Organisation.objects.create(kind=Kind.REGION, name="Annan region")
        cls.other_owner = Organisation.objects.create(
            kind=Kind.OWNER, name="Annan kommun", parent=cls.other_region
        )
        cls.other_school = Organisation.objects.create(
            kind=Kind.SCHOOL, name="Annan skola", parent=cls.other_owner
        )

        cls.alice = make_user("alice", "Alice Teacher")
        cls.oscar = make_user("oscar", "Oscar Observer")
        cls.pia = make_user("pia", "Pia Principal")
        cls.olle = make_user("olle", "Olle Owner")
        cls.nina = make_user("nina", "Nina Network")
        cls.rita = make_user("rita", "Rita Researcher")
        cls.bob = make_user("bob", "Bob Teacher")
        cls.charlie = make_user("charlie", "Charlie Outsider")
        cls.adam = make_user("adam", "Adam Admin", is_staff=True, is_superuser=True)
        for user, org, role in [
            (cls.alice, cls.school, Role.TEACHER),
            (cls.oscar, cls.school, Role.OBSERVER),
            (cls.pia, cls.school, Role.PRINCIPAL),
            (cls.olle, cls.owner, Role.OWNER_ADMIN),
            (cls.nina, cls.network, Role.NETWORK_COORDINATOR),
            (cls.rita, cls.region, Role.RESEARCHER),
            (cls.bob, cls.school_b, Role.TEACHER),
            (cls.charlie, cls.other_school, Role.PRINCIPAL),
        ]:
            Membership.objects.create(user=user, organisation=org, role=role)

    def setUp(self) -> None:
        super().setUp()
        # reverse() follows the active language; start every test in the default one.
        translation.activate(settings.LANGUAGE_CODE)

    def login(self, user: User) -> None:
        self.client.force_login(user)

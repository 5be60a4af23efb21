"""The demo world: a fictional region, two municipalities, a network, six schools, ~140 people.

Everything is fictional (names are generated from common Swedish names). Each app adds its part
in `samsyn/<app>/demo.py` with the `@step` decorator; steps run in INSTALLED_APPS order after
the ones here, each receiving the `DemoWorld` built so far.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from samsyn.accounts.models import (
    AuditEvent,
    Membership,
    NetworkMembership,
    Organisation,
    Role,
    User,
)
from samsyn.accounts.services import audit_record

DEMO_DOMAIN = "samsyn.example"
DEMO_PASSWORD = "samsyn-demo"  # noqa: S105 (the published demo login, printed by make run)
REGION_NAME = "Region Havsbandet"
NETWORK_NAME = "Nätverket Lärande kust"
TEACHERS_PER_SCHOOL = 20

MUNICIPALITIES = {
    "Sjöviks kommun": ["Strandskolan", "Björkhagens skola", "Fyrtornsskolan"],
    "Ekbacka kommun": ["Ekbacka centralskola", "Ängsskolan", "Kvarnbyskolan"],
}
NETWORK_SCHOOLS = ["Strandskolan", "Fyrtornsskolan", "Ängsskolan", "Kvarnbyskolan"]
HUB_SCHOOL = "Strandskolan"

FIRST_NAMES = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Emma",
    "Kerstin",
    "Ingrid",
    "Linnea",
    "Elin",
    "Hanna",
    "Ida",
    "Johanna",
    "Malin",
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Nils",
    "Mikael",
    "Jonas",
    "Oskar",
    "Ali",
    "Fatima",
    "Amir",
    "Leila",
    "Mohammed",
    "Sofia",
    "Maja",
    "Noah",
    "Hugo",
    "Ella",
    "Alva",
    "Liam",
    "Astrid",
    "Omar",
    "Yasmin",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Holm",
    "Sandberg",
    "Ahmadi",
    "Hassan",
    "Nyström",
    "Lund",
    "Ek",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Danielsson",
]

# The accounts printed by `make run`, one per role.
KEY_USERS = [
    ("larare", "Anna Lindqvist", Role.TEACHER, "Strandskolan"),
    ("observator", "Oskar Berg", Role.OBSERVER, "Strandskolan"),
    ("rektor", "Karin Holm", Role.PRINCIPAL, "Strandskolan"),
    ("huvudman", "Per Sandberg", Role.OWNER_ADMIN, "Sjöviks kommun"),
    ("natverk", "Leila Hassan", Role.NETWORK_COORDINATOR, NETWORK_NAME),
    ("forskare", "Ingrid Ek", Role.RESEARCHER, REGION_NAME),
]


@dataclass
class DemoWorld:
    region: Organisation
    network: Organisation
    owners: dict[str, Organisation] = field(default_factory=dict)
    schools: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    teachers: dict[str, list[User]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))


Step = Callable[[DemoWorld], None]
STEPS: list[Step] = []
Cleanup = Callable[[list[int]], None]
CLEANUPS: list[Cleanup] = []


def step(func: Step) -> Step:
    STEPS.append(func)
    return func


def cleanup(func: Cleanup) -> Cleanup:
    """Register what an app must delete before the demo organisations (ids given) can go;
    cleanups run in reverse order, so later apps clear their rows first."""
    CLEANUPS.append(func)
    return func


def cleanups_in_order() -> list[Cleanup]:
    """Every app's cleanup, the later apps' first. The apps' demo modules are imported here:
    a process that never built the demo (a test worker that loaded another's copy) has not
    registered them yet."""
    autodiscover_modules("demo")
    return list(reversed(_in_app_order(CLEANUPS)))


def _in_app_order(funcs: list) -> list:
    """Steps in INSTALLED_APPS order (the base demo first), whatever order their modules were
    imported in: a test importing one app's demo module must not make it run first."""
    from django.apps import apps

    names = [config.name for config in apps.get_app_configs()]

    def position(func) -> int:
        if func.__module__ == __name__:
            return -1
        return next(
            (i for i, name in enumerate(names) if func.__module__.startswith(name + ".")),
            len(names),
        )

    return sorted(funcs, key=position)  # sorted() is stable: registration order within an app


def demo_exists() -> bool:
    return Organisation.objects.filter(kind=Organisation.Kind.REGION, name=REGION_NAME).exists()


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, e-mail, organisation) for each key demo account plus the platform admin."""
    rows = [
        (str(role.label), f"{key}@{DEMO_DOMAIN}", org_name)
        for key, _name, role, org_name in KEY_USERS
    ]
    rows.append(("Platform admin", f"admin@{DEMO_DOMAIN}", "—"))
    return rows


@transaction.atomic
def demo_delete() -> None:
    """Remove the demo world: each app's demo rows, its people (by their e-mail domain) and its
    organisations."""
    region = Organisation.objects.filter(kind=Organisation.Kind.REGION, name=REGION_NAME).first()
    levels = [[region.pk]] if region else [[]]
    # Leaves come last in `levels`: parents are protected while they have children.
    while levels[-1]:
        levels.append(
            list(Organisation.objects.filter(parent_id__in=levels[-1]).values_list("pk", flat=True))
        )
    all_ids = [pk for ids in levels for pk in ids]
    # App rows first: they protect the people and organisations they point at.
    for func in cleanups_in_order():
        func(all_ids)
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
    for ids in reversed(levels):
        Organisation.objects.filter(pk__in=ids).delete()


@transaction.atomic
def demo_load(*, reset: bool = False) -> bool:
    """Build the demo world; returns False when it was already there (and `reset` not set)."""
    if reset:
        demo_delete()
    elif demo_exists():
        return False
    region = Organisation.objects.create(kind=Organisation.Kind.REGION, name=REGION_NAME)
    network = Organisation.objects.create(
        kind=Organisation.Kind.NETWORK, name=NETWORK_NAME, parent=region
    )
    world = DemoWorld(region=region, network=network)
    # Each app adds its demo part in `samsyn/<app>/demo.py` with @step; import them all.
    autodiscover_modules("demo")
    for func in _in_app_order(STEPS):
        func(world)
        refresh_planner_statistics()
    return True


def refresh_planner_statistics() -> None:
    """PostgreSQL plans from table statistics, which bulk inserts inside this one transaction
    leave empty: later steps' aggregate queries (dashboards over the demo's ratings) then got
    nested-loop plans that ran for minutes. ANALYZE sees this transaction's rows."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@step
def _organisations(world: DemoWorld) -> None:
    unit = 91000001
    for owner_name, school_names in MUNICIPALITIES.items():
        owner = Organisation.objects.create(
            kind=Organisation.Kind.OWNER,
            name=owner_name,
            parent=world.region,
            owner_type=Organisation.OwnerType.MUNICIPAL,
        )
        world.owners[owner_name] = owner
        for school_name in school_names:
            world.schools[school_name] = Organisation.objects.create(
                kind=Organisation.Kind.SCHOOL,
                name=school_name,
                parent=owner,
                unit_code=str(unit),
            )
            unit += 1
    NetworkMembership.objects.bulk_create(
        NetworkMembership(
            network=world.network, school=world.schools[name], is_hub=name == HUB_SCHOOL
        )
        for name in NETWORK_SCHOOLS
    )


@step
def _people(world: DemoWorld) -> None:
    password = make_password(DEMO_PASSWORD)  # hashed once: argon2 is slow on purpose
    orgs = {**world.owners, **world.schools, NETWORK_NAME: world.network, REGION_NAME: world.region}
    users: list[User] = []
    memberships: list[tuple[str, str, str]] = []  # (email, org name, role)

    for key, name, role, org_name in KEY_USERS:
        users.append(User(email=f"{key}@{DEMO_DOMAIN}", full_name=name, password=password))
        memberships.append((f"{key}@{DEMO_DOMAIN}", org_name, role))
    admin = User(
        email=f"admin@{DEMO_DOMAIN}",
        full_name="Plattformsadministratör",
        password=password,
        is_staff=True,
        is_superuser=True,
    )
    users.append(admin)

    rng = world.rng
    taken = {u.full_name for u in users}
    counter = 0
    for school_name in world.schools:
        for i in range(TEACHERS_PER_SCHOOL):
            if school_name == "Strandskolan" and i == 0:
                continue  # the key teacher "larare" is one of Strandskolan's twenty
            while True:
                full_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                if full_name not in taken:
                    taken.add(full_name)
                    break
            counter += 1
            email = f"teacher{counter:03d}@{DEMO_DOMAIN}"
            users.append(User(email=email, full_name=full_name, password=password))
            memberships.append((email, school_name, Role.TEACHER))
        if school_name != "Strandskolan":
            for role, label in ((Role.PRINCIPAL, "rektor"), (Role.OBSERVER, "observator")):
                email = f"{label}.{_slug(school_name)}@{DEMO_DOMAIN}"
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                users.append(User(email=email, full_name=f"{first} {last}", password=password))
                memberships.append((email, school_name, role))
    # The second municipality's administrator and a coach employed by each owner.
    for email, name, org_name, role in [
        (f"huvudman.ekbacka@{DEMO_DOMAIN}", "Maja Forsberg", "Ekbacka kommun", Role.OWNER_ADMIN),
        (f"coach.sjovik@{DEMO_DOMAIN}", "Nils Wallin", "Sjöviks kommun", Role.OBSERVER),
        (f"coach.ekbacka@{DEMO_DOMAIN}", "Fatima Ahmadi", "Ekbacka kommun", Role.OBSERVER),
    ]:
        users.append(User(email=email, full_name=name, password=password))
        memberships.append((email, org_name, role))

    User.objects.bulk_create(users)
    by_email = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
    Membership.objects.bulk_create(
        Membership(user=by_email[email], organisation=orgs[org_name], role=role)
        for email, org_name, role in memberships
    )
    # The key observer also teaches at the school, as a förstelärare often does.
    Membership.objects.create(
        user=by_email[f"observator@{DEMO_DOMAIN}"],
        organisation=world.schools["Strandskolan"],
        role=Role.TEACHER,
    )
    world.users = by_email
    for school_name, school in world.schools.items():
        world.teachers[school_name] = [
            m.user
            for m in Membership.objects.filter(organisation=school, role=Role.TEACHER)
            .select_related("user")
            .order_by("user__email")
        ]


@step
def _audit_examples(world: DemoWorld) -> None:
    """A few audited reads, so the audit log page shows what it records."""
    principal = world.users[f"rektor@{DEMO_DOMAIN}"]
    school = world.schools["Strandskolan"]
    for teacher in world.teachers["Strandskolan"][:3]:
        audit_record(
            actor=principal,
            action=AuditEvent.Action.READ,
            subject=teacher,
            organisation=school,
            object_type="person",
            object_id=teacher.pk,
        )


def _slug(name: str) -> str:
    table = str.maketrans("åäöÅÄÖ ", "aaoAAO-")
    return name.translate(table).lower()

"""Demo: Norrviks kommun, onboarded from an SS 12000 file made here (three schools, their
principals and teachers, with subjects and grades), ready for its first round; and a second
file from the staff system waiting for review (one teacher has left, one has joined).

Log in as huvudman.norrvik@samsyn.example to see the import history and the waiting dry run.
"""

from __future__ import annotations

import copy
import logging

from django.contrib.auth.hashers import make_password

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD, DemoWorld, cleanup, step
from samsyn.provisioning import generate, runs
from samsyn.provisioning.models import ImportedDuty, ImportedOrganisation, ImportedPerson, ImportRun

logger = logging.getLogger(__name__)

NORRVIK = "Norrviks kommun"
SCHOOLS = ["Norrviksskolan", "Hamnskolan", "Tallbackens skola"]


def norrvik_export(*, staff: int = 45) -> dict:
    """The municipality's (fictional) SS 12000 export, as its staff system would send it."""
    return generate.export(
        owner_name=NORRVIK,
        municipality_code="",
        schools=len(SCHOOLS),
        staff=staff,
        domain=DEMO_DOMAIN,
        unit_code_start=92000001,
        seed=2026,
        school_names=SCHOOLS,
    )


@step
def provisioning_demo(world: DemoWorld) -> None:
    owner = Organisation.objects.create(
        kind=Organisation.Kind.OWNER,
        name=NORRVIK,
        parent=world.region,
        owner_type=Organisation.OwnerType.MUNICIPAL,
    )
    world.owners[NORRVIK] = owner
    admin = User.objects.create(
        email=f"huvudman.norrvik@{DEMO_DOMAIN}",
        full_name="Sofia Lind",
        password=make_password(DEMO_PASSWORD),
    )
    Membership.objects.create(user=admin, organisation=owner, role=Role.OWNER_ADMIN)
    world.users[admin.email] = admin
    export = norrvik_export()
    run = runs.run_from_export(
        owner=owner,
        actor=admin,
        source=ImportRun.Source.FILE,
        file_name="norrvik-ss12000.json",
        export=export,
    )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.SAVING)
    runs.save_now(run.pk)
    for school in Organisation.objects.filter(parent=owner):
        world.schools[school.name] = school
    # A later file: one teacher has left (their duty ended), one has joined. Waiting for review.
    later = copy.deepcopy(export)
    later["duties"][len(SCHOOLS)]["endDate"] = "2026-06-30"
    newcomer = copy.deepcopy(norrvik_export(staff=len(later["duties"]) + 1)["persons"][-4])
    later["persons"].append(newcomer)
    later["duties"].append(
        {
            "id": f"{newcomer['id']}-duty",
            "person": {"id": newcomer["id"]},
            "dutyAt": {"id": later["organisations"][1]["id"]},
            "dutyRole": "Lärare",
            "startDate": "2026-08-01",
        }
    )
    runs.run_from_export(
        owner=owner,
        actor=admin,
        source=ImportRun.Source.FILE,
        file_name="norrvik-ss12000-ht.json",
        export=later,
    )
    logger.info("Demo: %s onboarded from SS 12000 (%s).", NORRVIK, admin.email)


# The staff systems' SS 12000 APIs the two demo municipalities tried to read (fictional).
STAFF_APIS = {
    "Sjöviks kommun": "https://personal.sjovik.example/ss12000/v2",
    "Ekbacka kommun": "https://hr.ekbacka.example/ss12000/v2",
}


@step
def failed_api_imports(world: DemoWorld) -> None:
    """Sjövik's and Ekbacka's administrators each tried to read their staff system's API once;
    it did not answer, so the import failed and nothing was saved (the run page shows why).
    Written as `runs.read_api_now` records a failure: the demo never calls out."""
    for owner_name, base_url in STAFF_APIS.items():
        owner = world.owners[owner_name]
        admin = (
            Membership.objects.filter(organisation=owner, role=Role.OWNER_ADMIN)
            .order_by("user__email")
            .first()
        )
        ImportRun.objects.create(
            owner=owner,
            started_by=admin.user if admin else None,
            source=ImportRun.Source.API,
            source_label=base_url,
            status=ImportRun.Status.FAILED,
            error=f"{base_url}/organisations: HTTP 503",
        )


@cleanup
def provisioning_cleanup(organisation_ids: list[int]) -> None:
    ImportedDuty.objects.filter(owner_id__in=organisation_ids).delete()
    ImportedPerson.objects.filter(owner_id__in=organisation_ids).delete()
    ImportedOrganisation.objects.filter(owner_id__in=organisation_ids).delete()
    ImportRun.objects.filter(owner_id__in=organisation_ids).delete()

"""Access-matrix rows for samsyn.provisioning (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from samsyn.provisioning.models import ImportRun

ANON = "anon"
# Owner administrators only: principals (members below) 403, outsiders 404.
OWNER_GET = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 200, "adam": 200}
OWNER_POST = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 302}


def rows(case) -> dict:
    owner = lambda: [case.owner.pk]  # noqa: E731

    def run():
        made = ImportRun.objects.create(
            owner=case.owner, source=ImportRun.Source.FILE, status=ImportRun.Status.DONE
        )
        return [case.owner.pk, made.pk]

    return setup_rows(case) | {
        "provisioning:import": ("get", owner, OWNER_GET),
        "provisioning:csv_template": ("get", owner, OWNER_GET),
        "provisioning:run": ("get", run, OWNER_GET),
        "provisioning:run_progress": ("get", run, OWNER_GET),
        "provisioning:run_save": ("post", run, OWNER_POST),
    }


def setup_rows(case) -> dict:
    import datetime as dt

    from samsyn.accounts.models import NetworkMembership, Organisation
    from samsyn.networks.models import ConflictOfInterest
    from samsyn.observations.tests.factories import make_round

    owner = lambda: [case.owner.pk]  # noqa: E731
    network = lambda: [case.network.pk]  # noqa: E731
    round_ = make_round(case, starts_on=dt.date(2026, 11, 1))

    def member():
        school = Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL,
            name=f"Ny {Organisation.objects.count()}",
            parent=case.owner,
        )
        return [
            case.network.pk,
            NetworkMembership.objects.create(network=case.network, school=school).pk,
        ]

    def conflict():
        made, _created = ConflictOfInterest.objects.get_or_create(user=case.bob, school=case.school)
        return [case.network.pk, made.pk]

    coordinator = {ANON: 302, "charlie": 404, "alice": 403, "olle": 404, "nina": 200, "adam": 200}
    coordinator_post = {ANON: 302, "charlie": 404, "alice": 403, "nina": 302}
    return {
        "provisioning:schools": ("get", owner, OWNER_GET),
        "provisioning:school_edit": ("get", lambda: [case.owner.pk, case.school.pk], OWNER_GET),
        "provisioning:round_edit": (
            "get",
            lambda: [round_.pk],
            {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "pia": 200, "olle": 200},
        ),
        "provisioning:network_members": ("get", network, coordinator),
        "provisioning:network_member_remove": ("post", member, coordinator_post),
        "provisioning:conflicts": ("get", network, coordinator),
        # Anyone with a role in the network or a member school declares their own.
        "provisioning:my_conflicts": (
            "get",
            network,
            {ANON: 302, "charlie": 404, "alice": 200, "nina": 200, "bob": 404},
        ),
        "provisioning:my_conflict_remove": (
            "post",
            lambda: [
                case.network.pk,
                ConflictOfInterest.objects.get_or_create(user=case.alice, school=case.school)[0].pk,
            ],
            {ANON: 302, "charlie": 404, "bob": 404, "nina": 404, "alice": 302},
        ),
        "provisioning:paperwork": ("get", owner, OWNER_GET),
        "provisioning:paperwork_download": ("get", lambda: [case.owner.pk, "dpia"], OWNER_GET),
        "provisioning:conflict_remove": ("post", conflict, coordinator_post),
    }

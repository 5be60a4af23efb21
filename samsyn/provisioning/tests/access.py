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

    return {
        "provisioning:import": ("get", owner, OWNER_GET),
        "provisioning:csv_template": ("get", owner, OWNER_GET),
        "provisioning:run": ("get", run, OWNER_GET),
        "provisioning:run_progress": ("get", run, OWNER_GET),
        "provisioning:run_save": ("post", run, OWNER_POST),
    }

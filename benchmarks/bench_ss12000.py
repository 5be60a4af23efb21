"""SS 12000 import speed: 50 schools and 3,000 staff (a script, not a test).

    .venv/bin/python benchmarks/bench_ss12000.py [--keep]

Builds a fresh SQLite database in a temporary directory (never the configured one), generates
a fictional export (`samsyn.provisioning.generate`, with groups and activities), and times:
the first import (read the JSON, compare, save: target < 30 s) and an import of the same file
again, which finds nothing to change (target < 10 s). Prints each figure, its ratio to the
target and PASS/FAIL; exits non-zero when a target is missed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TMP = tempfile.mkdtemp(prefix="bench-ss12000-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from samsyn.accounts.models import Membership, Organisation, User  # noqa: E402
from samsyn.provisioning import generate, services, ss12000  # noqa: E402

SCHOOLS, STAFF = 50, 3000
TARGET_FIRST, TARGET_AGAIN = 30.0, 10.0


def run_import(owner: Organisation, raw: bytes) -> tuple[float, services.Plan]:
    start = time.perf_counter()
    snapshot = ss12000.normalise(json.loads(raw))
    plan = services.import_save(owner=owner, snapshot=snapshot, actor=None)
    return time.perf_counter() - start, plan


def main() -> int:
    call_command("migrate", verbosity=0)
    region = Organisation.objects.create(kind=Organisation.Kind.REGION, name="Benchregion")
    owner = Organisation.objects.create(
        kind=Organisation.Kind.OWNER, name="Benchkommun", parent=region, municipality_code="1380"
    )
    raw = json.dumps(generate.export(schools=SCHOOLS, staff=STAFF, domain="bench.example"))
    raw = raw.encode()
    print(f"export: {SCHOOLS} schools, {STAFF} staff, {len(raw) // 1024} KiB of JSON")
    first, plan = run_import(owner, raw)
    summary = plan.summary()
    ok_data = (
        summary["schools_new"] == SCHOOLS
        and summary["people_new"] == STAFF
        and User.objects.count() == STAFF
        and Membership.objects.count() == STAFF
    )
    again, plan_again = run_import(owner, raw)
    ok_again = not plan_again.has_changes
    results = [
        ("first import", first, TARGET_FIRST, ok_data),
        ("same file again (nothing to change)", again, TARGET_AGAIN, ok_again),
    ]
    failed = False
    for label, seconds, target, correct in results:
        passed = seconds < target and correct
        failed |= not passed
        verdict = "PASS" if passed else "FAIL"
        note = "" if correct else " (wrong result)"
        print(
            f"{label}: {seconds:.2f} s, target < {target:.0f} s, "
            f"{seconds / target:.2f}× the target: {verdict}{note}"
        )
    print(f"first import summary: {summary}")
    if "--keep" not in sys.argv:
        for path in Path(TMP).iterdir():
            path.unlink()
        os.rmdir(TMP)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

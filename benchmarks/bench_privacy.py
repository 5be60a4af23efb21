"""Personal data export and research export on the demo world.

The issue asks for a person's export "within seconds": baseline 2 s. Prints the time of the
JSON export for the demo's key teacher (with its PDF) and of an approved research export, and
their ratio to that baseline. Run after `manage.py demo` (uses the configured database).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
django.setup()

from django.template.loader import render_to_string  # noqa: E402
from weasyprint import HTML  # noqa: E402

from samsyn.accounts.models import User  # noqa: E402
from samsyn.demo.services import DEMO_DOMAIN  # noqa: E402
from samsyn.privacy import personal, research  # noqa: E402
from samsyn.privacy.models import ResearchExport  # noqa: E402

BASELINE = 2.0
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def timed(func):
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


teacher = User.objects.filter(email=f"larare@{DEMO_DOMAIN}").first()
if teacher is None:
    print("no demo world in this database: run `manage.py demo` first")
    sys.exit(0)
seconds, data = timed(lambda: personal.dumps(personal.personal_export(teacher)))
print(
    f"personal export JSON: {seconds:.3f} s ({len(data) // 1024} KiB), {seconds / BASELINE:.2f}× the 2 s budget"
)
seconds, _pdf = timed(
    lambda: HTML(
        string=render_to_string(
            "privacy/export_print.html", {"data": personal.personal_export(teacher)}
        )
    ).write_pdf()
)
print(f"personal export PDF:  {seconds:.3f} s, {seconds / BASELINE:.2f}× the 2 s budget")
export = ResearchExport.objects.filter(status=ResearchExport.Status.APPROVED).first()
if export is not None:
    seconds, (columns, rows, stats) = timed(lambda: research.build_rows(export))
    seconds_pq, _ = timed(lambda: research.to_parquet(columns, rows))
    print(
        f"research export: {stats.rows} rows in {seconds:.3f} s (+{seconds_pq:.3f} s Parquet), "
        f"{(seconds + seconds_pq) / BASELINE:.2f}× the 2 s budget"
    )

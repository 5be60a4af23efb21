"""`manage.py rebuild_summaries [--round ID ...]`: recompute the dashboards' rating summaries."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from samsyn.observations import summaries


class Command(BaseCommand):
    help = (
        "Recompute the rating summaries dashboards read (all rounds, or the rounds given) "
        "from the observations. Normally they are kept current as observations change; run "
        "this after restoring an old backup or after writing observations in bulk by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--round", type=int, action="append", dest="rounds", help="Only this round (repeat)."
        )

    def handle(self, *args, rounds=None, **options):
        start = time.perf_counter()
        written = summaries.rebuild(round_ids=rounds)
        pending = summaries.flush()
        self.stdout.write(
            f"Rating summaries rebuilt: {written:,} rows"
            + (f", {pending:,} pending pairs recomputed" if pending else "")
            + f" in {time.perf_counter() - start:.1f} s."
        )

"""`manage.py retention_run [--dry-run]`: the daily retention job."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samsyn.privacy.services import retention_run


class Command(BaseCommand):
    help = "Delete or aggregate records past their owner's retention period."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        run = retention_run(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for line in run.summary:
            self.stdout.write(
                f"{line['owner_name']}: {line['record_type']} {verb} {line['removed']} "
                f"(older than {line['cutoff'][:10]}, {line['action']})"
            )
        self.stdout.write(f"Run {run.pk}: {verb} {run.removed} records in total.")

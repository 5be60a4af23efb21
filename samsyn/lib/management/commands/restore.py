"""`manage.py restore FILE --yes`: replace the database's contents with a backup."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samsyn.lib import backup


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup`, replacing the current data."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that the current data is replaced."
        )

    def handle(self, *args, file: Path, yes=False, **options):
        if not yes:
            raise CommandError(
                "This replaces everything in the database with the backup. "
                "Stop the app servers and task workers, then run again with --yes."
            )
        try:
            counts = backup.restore(file)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(counts.values())
        self.stdout.write(f"Restored {file}: {len(counts)} tables, {rows:,} rows.")

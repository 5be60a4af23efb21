"""`manage.py backup [--output FILE] [--drill]`: an online backup of the whole database."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samsyn.lib import backup


class Command(BaseCommand):
    help = (
        "Back up the database while the app runs (SQLite online backup with an integrity "
        "check, or pg_dump). --drill also restores the backup into a scratch database and "
        "compares it with the live one, table by table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="File to write (default: in DATA_DIR).")
        parser.add_argument("--drill", action="store_true", help="Run a restore drill after.")

    def handle(self, *args, output=None, drill=False, **options):
        try:
            result = backup.backup(output)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {result.path} ({result.size:,} bytes, {result.vendor})")
        if not drill:
            return
        with tempfile.TemporaryDirectory() as scratch:
            try:
                differences = backup.drill(result.path, Path(scratch))
            except (backup.BackupError, OSError) as error:
                raise CommandError(f"Restore drill failed: {error}") from error
        if differences:
            lines = [f"  {t}: live {a}, restored {b}" for t, (a, b) in differences.items()]
            raise CommandError("Restore drill: the restored copy differs:\n" + "\n".join(lines))
        self.stdout.write("Restore drill passed: the restored copy matches the live database.")

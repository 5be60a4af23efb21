"""Backup, restore and the restore drill, on the database the suite runs on (SQLite or
PostgreSQL), with committed data (TransactionTestCase: pg_dump sees only committed rows)."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TransactionTestCase

from samsyn.accounts.models import Organisation, User
from samsyn.lib import backup


class BackupTests(TransactionTestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.tmp = Path(self._tmp.name)

    def test_backup_then_drill_matches_the_live_database(self):
        Organisation.objects.create(kind="owner", name="Backupkommun")
        User.objects.create_user("b@example.org", "pw-long-enough-1", full_name="B")
        out = StringIO()
        call_command("backup", "--output", str(self.tmp / "b.bak"), "--drill", stdout=out)
        self.assertIn("Restore drill passed", out.getvalue())
        self.assertGreater((self.tmp / "b.bak").stat().st_size, 0)

    def test_restore_brings_back_what_was_deleted(self):
        org = Organisation.objects.create(kind="owner", name="Återställningskommun")
        path = backup.backup(self.tmp / "r.bak").path
        org.delete()
        Organisation.objects.create(kind="owner", name="Efter säkerhetskopian")
        with self.assertRaises(CommandError):  # needs --yes
            call_command("restore", str(path))
        call_command("restore", str(path), "--yes", stdout=StringIO())
        connection.close()  # a fresh connection sees the restored database
        names = set(Organisation.objects.values_list("name", flat=True))
        self.assertIn("Återställningskommun", names)
        self.assertNotIn("Efter säkerhetskopian", names)
        if connection.vendor == "sqlite":
            self.assertEqual(backup.sqlite_integrity(path), "ok")

    def test_it_refuses_to_overwrite_and_names_missing_files(self):
        path = backup.backup(self.tmp / "x.bak").path
        with self.assertRaisesMessage(CommandError, "exists already"):
            call_command("backup", "--output", str(path), stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "does not exist"):
            call_command("restore", str(self.tmp / "missing.bak"), "--yes")

    def test_a_damaged_sqlite_backup_is_refused(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite's integrity check")
        bad = self.tmp / "bad.sqlite3"
        bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
        with self.assertRaises(CommandError):
            call_command("restore", str(bad), "--yes")


class BackupPrivacyTests(TransactionTestCase):
    """Issue 19: backups were world-readable (0644) and held live session keys."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.tmp = Path(self._tmp.name)

    def test_attack_a_backup_is_private_and_logs_nobody_in(self):
        import sqlite3

        user = User.objects.create_user("s@example.org", "pw-long-enough-1", full_name="S")
        self.client.force_login(user)
        table = backup.excluded_tables()[0]
        live = backup.live_counts()
        self.assertGreaterEqual(live[table], 1)
        out = StringIO()
        call_command("backup", "--output", str(self.tmp / "s.bak"), "--drill", stdout=out)
        self.assertIn("Restore drill passed", out.getvalue())
        path = self.tmp / "s.bak"
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        if connection.vendor != "sqlite":
            return
        copy = sqlite3.connect(path)
        try:
            self.assertEqual(copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0], 0)  # noqa: S608
            self.assertEqual(
                copy.execute('SELECT COUNT(*) FROM "accounts_user"').fetchone()[0],
                live["accounts_user"],
            )
        finally:
            copy.close()
        # Not even in free pages of the file.
        self.assertNotIn(self.client.session.session_key.encode(), path.read_bytes())

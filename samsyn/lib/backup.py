"""Backups and restores of the whole database, online, with an integrity check.

SQLite: the online backup API copies the live database page by page while the app keeps
running (readers and writers are not stopped), then `PRAGMA integrity_check` runs on the copy.
PostgreSQL: `pg_dump --format=custom` (a consistent snapshot from one transaction) and
`pg_restore --clean --if-exists`; the restore drill restores into a fresh database and
compares row counts table by table.

Backup files are readable by their owner only (0600, in a 0700 folder) and hold no live
sessions: the rows of the session table are left out (PostgreSQL: `--exclude-table-data`;
SQLite: deleted from the copy with `secure_delete` and a VACUUM, so no page keeps them), so a
stolen backup logs nobody in. The drill compares every other table.

Used by `manage.py backup` and `manage.py restore`; docs/operations.md describes the routine.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    size: int
    tables: dict[str, int]  # row counts at backup time (SQLite) or of the restored copy


def excluded_tables() -> list[str]:
    """Tables whose rows are never written to a backup: live sessions."""
    from django.apps import apps

    return [apps.get_model("accounts", "Session")._meta.db_table]


def _private_file(path: Path) -> None:
    """Create `path` empty, readable and writable by its owner only, in a private folder."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)  # whatever the umask


def _drop_excluded_rows(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA secure_delete = ON")
    for table in excluded_tables():
        conn.execute(f'DELETE FROM "{table}"')  # noqa: S608 (our own table names)
    conn.commit()
    conn.execute("VACUUM")


def default_path(vendor: str) -> Path:
    from django.utils import timezone

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if vendor == "sqlite" else "dump"
    return Path(settings.DATA_DIR) / "backups" / f"samsyn-{stamp}.{suffix}"


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def sqlite_integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        conn.close()


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def _run(cmd: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True)  # noqa: S603
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{Path(cmd[0]).name} failed: {error.stderr.strip()[-500:]}") from error
    return done.stdout


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools.")
    return path


def _sqlite_backup(path: Path) -> dict[str, int]:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target, pages=1024)
        _drop_excluded_rows(target)
        counts = _sqlite_counts(target)
    finally:
        target.close()
    check = sqlite_integrity(path)
    if check != "ok":
        raise BackupError(f"The copy failed its integrity check: {check}")
    return counts


def _pg_backup(path: Path) -> dict[str, int]:
    env, args = _pg_env()
    name = settings.DATABASES["default"]["NAME"]
    excluded = [f"--exclude-table-data={table}" for table in excluded_tables()]
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", *excluded]
    _run([*command, "--file", str(path), *args, name], env)
    return {}


def backup(path: Path | None = None) -> BackupResult:
    """Copy the live database to `path` (default: DATA_DIR/backups/samsyn-<time>.*)."""
    vendor = connection.vendor
    path = Path(path or default_path(vendor))
    if path.exists():
        raise BackupError(f"{path} exists already; choose another file.")
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    _private_file(path)
    try:
        counts = _sqlite_backup(path) if vendor == "sqlite" else _pg_backup(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)
    return BackupResult(path=path, vendor=vendor, size=path.stat().st_size, tables=counts)


def restore(path: Path, *, database: str | None = None) -> dict[str, int]:
    """Restore a backup. SQLite: into the live database (replacing it, online) or into the
    file `database`; PostgreSQL: into the database named `database` (default: the live one),
    dropping what is there first. Returns the restored row counts per table."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    vendor = connection.vendor
    if vendor == "sqlite":
        check = sqlite_integrity(path)
        if check != "ok":
            raise BackupError(f"{path} is not a sound SQLite database: {check}")
        source = sqlite3.connect(path)
        try:
            if database:
                target = sqlite3.connect(database)
                try:
                    source.backup(target)
                    return _sqlite_counts(target)
                finally:
                    target.close()
            connection.ensure_connection()
            source.backup(connection.connection)
            return _sqlite_counts(connection.connection)
        finally:
            source.close()
    if vendor == "postgresql":
        env, args = _pg_env()
        name = database or settings.DATABASES["default"]["NAME"]
        if database is None:
            connection.close()
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                name,
                *args,
                str(path),
            ],
            env,
        )
        return pg_counts(name)
    raise BackupError(f"Restores of {vendor} databases are not supported.")


def pg_counts(name: str) -> dict[str, int]:
    """Row counts per table of the PostgreSQL database `name` (exact, via psql)."""
    env, args = _pg_env()
    sql = (
        "SELECT table_name, (xpath('/row/c/text()', query_to_xml("
        "format('SELECT COUNT(*) AS c FROM %I', table_name), false, true, '')))[1]::text::int "
        "FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' ORDER BY 1"
    )
    out = _run([_tool("psql"), "--no-psqlrc", "-At", "-F", "\t", "-c", sql, *args, name], env)
    return {line.split("\t")[0]: int(line.split("\t")[1]) for line in out.splitlines() if line}


def live_counts() -> dict[str, int]:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return _sqlite_counts(connection.connection)
    return pg_counts(settings.DATABASES["default"]["NAME"])


def drill(path: Path, scratch_dir: Path) -> dict[str, tuple[int, int]]:
    """Restore `path` into a scratch database beside the live one and compare row counts with
    the live database table by table (but the session table, left out of backups). Returns {table: (live, restored)} for tables that differ
    (empty: the drill passed). The scratch database is removed afterwards."""
    live = live_counts()
    if connection.vendor == "sqlite":
        scratch = Path(scratch_dir) / "restore-drill.sqlite3"
        scratch.unlink(missing_ok=True)
        try:
            restored = restore(path, database=str(scratch))
            if sqlite_integrity(scratch) != "ok":
                raise BackupError("The restored copy failed its integrity check.")
        finally:
            scratch.unlink(missing_ok=True)
    else:
        name = f"{settings.DATABASES['default']['NAME']}_restore_drill"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            restored = restore(path, database=name)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    tables = (set(live) | set(restored)) - set(excluded_tables())
    return {
        t: (live.get(t, -1), restored.get(t, -1))
        for t in sorted(tables)
        if live.get(t, -1) != restored.get(t, -1)
    }

"""The demo world for every test that needs it, built once per test run (a pytest plugin,
loaded by the root conftest.py).

Building the demo takes 10 to 50 s of CPU; the tests that look at it used to build it each.
Now `demo_snapshot` builds it once per run: under pytest-xdist the first worker to get there
builds it and writes it to a folder the workers share (SQLite: a database file; PostgreSQL: a
COPY of each table), and the others load that instead of building it again. Each worker keeps
its copy and leaves its test database as it was; a test then asks for the world in one of two
ways:

- `demo_db`: the demo put back once for the module and kept there while its
  tests run, each in a transaction rolled back at its end, as `db` does; the database is put
  back as it was after the module (so every test of such a module should use it). For tests that read the demo or change it inside their
  transaction (a `demo_delete()`, a rebuild with `demo_load(reset=True)`).
- `demo_world`: the demo put back for this test alone, with real commits (`transactional_db`):
  for a live server and a browser, or anything that needs `on_commit`.

SQLite copies the whole in-memory database with its backup API, PostgreSQL copies every table
from a snapshot schema.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from pathlib import Path

import pytest


class DatabaseSnapshot:
    """The whole test database, copied aside, and put back on demand (same schema)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.copy = sqlite3.connect(":memory:")
            connection.connection.backup(self.copy)
        else:
            self.schema = f"samsyn_snapshot_{id(self)}"
            self.tables = connection.introspection.table_names(include_views=False)
            qn = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {self.schema}")
                for table in self.tables:
                    cursor.execute(f"CREATE TABLE {self.schema}.{qn(table)} AS TABLE {qn(table)}")

    def save(self, folder: Path) -> None:
        """Write the copy to `folder` (for another process's `load`)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.connection.vendor == "sqlite":
            target = sqlite3.connect(folder / "database.sqlite3")
            self.copy.backup(target)
            target.close()
            return
        qn = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for number, table in enumerate(self.tables):
                sql = f"COPY {self.schema}.{qn(table)} TO STDOUT"
                with open(folder / f"{number}.copy", "wb") as out, cursor.copy(sql) as copy:
                    for data in copy:
                        out.write(data)
        (folder / "tables.json").write_text(json.dumps(self.tables), encoding="utf-8")

    @classmethod
    def load(cls, connection, folder: Path):
        """The copy another process saved to `folder`, for this process's test database (of
        the same schema: the same migrations)."""
        self = cls.__new__(cls)
        self.connection = connection
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.copy = sqlite3.connect(":memory:")
            source = sqlite3.connect(folder / "database.sqlite3")
            source.backup(self.copy)
            source.close()
            return self
        self.schema = f"samsyn_snapshot_{id(self)}"
        self.tables = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {self.schema}")
            for number, table in enumerate(self.tables):
                cursor.execute(f"CREATE TABLE {self.schema}.{qn(table)} (LIKE {qn(table)})")
                sql = f"COPY {self.schema}.{qn(table)} FROM STDIN"
                with open(folder / f"{number}.copy", "rb") as data, cursor.copy(sql) as copy:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
        return self

    def restore(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        connection = self.connection
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.copy.backup(connection.connection)
        else:
            self._restore_postgresql()
        ContentType.objects.clear_cache()  # the ids may differ from the flushed database's

    def _restore_postgresql(self) -> None:
        """Every table emptied and filled from the snapshot schema, in one transaction. The
        planner keeps the column statistics demo_load's ANALYZE gathered (TRUNCATE does not
        drop them) and sizes the tables from their pages, so no ANALYZE here."""
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import transaction

        connection = self.connection
        qn = connection.ops.quote_name
        models = apps.get_models(include_auto_created=True)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SHOW is_superuser")
            if cursor.fetchone()[0] == "on":
                # The copy is of a consistent database: skip the foreign-key triggers (else
                # the deferred checks of 100 000 rows take seconds at the commit).
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("TRUNCATE " + ", ".join(qn(t) for t in self.tables))
            for table in self.tables:  # (names from the database's own catalogue, quoted)
                copy = f"INSERT INTO {qn(table)} SELECT * FROM {self.schema}.{qn(table)}"  # noqa: S608
                cursor.execute(copy)
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)

    def drop(self) -> None:
        if self.connection.vendor == "sqlite":
            self.copy.close()
        else:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {self.schema} CASCADE")


class DemoSnapshot(DatabaseSnapshot):
    """The database with the demo world in it. `loaded` is what demo_load() answered when it
    built the world into the empty test database; `data_dir` is the DATA_DIR it wrote to (the
    observation model's truth file, written when the build committed); `empty` is the test
    database as it was before."""

    loaded: bool
    data_dir: Path
    empty: DatabaseSnapshot


def _shared_folder(tmp_path_factory) -> Path:
    """A folder of this run's, the same for each of its xdist workers (whose temporary folders
    are side by side in the run's)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / "demo-world"


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo world, loaded once for the run (20 to 50 s; the other xdist workers read the
    first one's copy in a second or two) and kept as a snapshot; the test database is left as
    it was."""
    from django.db import connection

    folder = _shared_folder(tmp_path_factory)
    folder.mkdir(parents=True, exist_ok=True)
    with django_db_blocker.unblock(), open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds; the others wait for it
        before = DatabaseSnapshot(connection)
        try:
            if (folder / "built.json").exists():
                demo = _load_demo(connection, folder)
            else:
                demo = _build_demo(connection, folder)
        finally:
            before.restore()
        fcntl.flock(lock, fcntl.LOCK_UN)
        demo.empty = before
    yield demo
    with django_db_blocker.unblock():
        demo.drop()
        before.drop()
        connection.close()  # PostgreSQL will not drop a test database still in use


def _build_demo(connection, folder: Path) -> DemoSnapshot:
    """demo_load() into the empty test database, kept as a snapshot and saved to `folder`."""
    from django.test.utils import override_settings

    from samsyn.demo.services import demo_load

    data_dir = folder / "demo-data"
    data_dir.mkdir(exist_ok=True)
    with override_settings(DATA_DIR=data_dir):
        loaded = demo_load()
    demo = DemoSnapshot(connection)
    demo.loaded, demo.data_dir = loaded, data_dir
    demo.save(folder / "database")
    (folder / "built.json").write_text(json.dumps({"loaded": loaded}), encoding="utf-8")
    return demo


def _load_demo(connection, folder: Path) -> DemoSnapshot:
    """The demo another worker built (`_build_demo`). On PostgreSQL its rows are put into the
    test database once for an ANALYZE: the planner needs statistics of the demo's tables, as
    demo_load() gathers in the worker that builds it (without them, the dashboards' aggregate
    queries get nested-loop plans that run for minutes)."""
    demo = DemoSnapshot.load(connection, folder / "database")
    demo.loaded = json.loads((folder / "built.json").read_text(encoding="utf-8"))["loaded"]
    demo.data_dir = folder / "demo-data"
    if connection.vendor == "postgresql":
        demo.restore()
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:  # (the test database's tables, not the snapshots)
            cursor.execute("ANALYZE " + ", ".join(qn(table) for table in demo.tables))
    return demo


@pytest.fixture
def demo_world(demo_snapshot, transactional_db):
    """The demo world, fresh for this test (the database is emptied after it, as usual)."""
    demo_snapshot.restore()
    yield True
    if demo_snapshot.connection.vendor == "sqlite":
        # Emptied by copying the empty database back (9 ms of CPU) before the usual flush,
        # which would otherwise delete the demo's rows one by one (0.7 s).
        demo_snapshot.empty.restore()


@pytest.fixture(scope="module")
def _demo_in_database(demo_snapshot, django_db_blocker):
    """The demo world put into the database for a module's tests, and taken out after them."""
    with django_db_blocker.unblock():
        try:
            demo_snapshot.restore()
            yield demo_snapshot
        finally:
            demo_snapshot.empty.restore()


@pytest.fixture
def demo_db(_demo_in_database, db) -> DemoSnapshot:
    """The demo world, shared by the module's tests; this test's changes are rolled back."""
    return _demo_in_database

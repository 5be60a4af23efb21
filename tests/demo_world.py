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
from a snapshot schema. On PostgreSQL (as a superuser, as make test runs it), a `demo_world`
test followed by another keeps the demo in the database instead of the usual flush, and the
next one puts back only the tables written since (`DirtyTables`: a statement trigger on
every table names it in a small table of its own); any other test that follows gets the usual
flush.
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
        DirtyTables.kept = None  # (whatever was kept is gone)
        if connection.vendor == "sqlite":
            self.copy.backup(connection.connection)
        else:
            self._restore_postgresql(self.tables)
        ContentType.objects.clear_cache()  # the ids may differ from the flushed database's

    def _restore_postgresql(self, tables: list[str], *, delete: bool = False) -> None:
        """`tables` emptied and filled from the snapshot schema, in one transaction, and every
        sequence set after its table's rows; the record of written tables (`DirtyTables`)
        emptied with them. The planner keeps the column statistics demo_load's ANALYZE
        gathered (TRUNCATE does not drop them) and sizes the tables from their pages, so no
        ANALYZE here. `delete`: emptied by DELETE (with the foreign-key triggers off: a
        superuser's), so that tables not put back may keep referring to their rows."""
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import transaction

        connection = self.connection
        qn = connection.ops.quote_name
        models = apps.get_models(include_auto_created=True)
        with transaction.atomic(), connection.cursor() as cursor:
            if _is_superuser(cursor):
                # The copy is of a consistent database: skip the foreign-key triggers (else
                # the deferred checks of 100 000 rows take seconds at the commit).
                cursor.execute("SET LOCAL session_replication_role = replica")
            elif delete:
                raise RuntimeError("restoring some tables needs a superuser")
            if delete:
                for table in tables:
                    cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
            else:
                cursor.execute("TRUNCATE " + ", ".join(qn(t) for t in tables))
            for table in tables:  # (names from the database's own catalogue, quoted)
                copy = f"INSERT INTO {qn(table)} SELECT * FROM {self.schema}.{qn(table)}"  # noqa: S608
                cursor.execute(copy)
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            DirtyTables.forget(cursor)

    def drop(self) -> None:
        if self.connection.vendor == "sqlite":
            self.copy.close()
        else:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {self.schema} CASCADE")


def _is_superuser(cursor) -> bool:
    cursor.execute("SHOW is_superuser")
    return cursor.fetchone()[0] == "on"


class DirtyTables:
    """Which tables of a PostgreSQL test database were written (INSERT, UPDATE, DELETE,
    TRUNCATE) since the demo was last put back: a statement trigger on each table names it in
    `samsyn_dirty.written`. Writes that roll back take their mark with them; the restores
    themselves, as a superuser's, fire no triggers and empty the record. `kept`: the demo
    snapshot left in the database by the last `demo_world` test (instead of the flush), or
    None when the database holds anything else (every whole restore sets None)."""

    kept: DemoSnapshot | None = None
    skip_flush = False  # (the next flush only: set by demo_world's teardown)

    @classmethod
    def install(cls, connection, tables: list[str]) -> bool:
        """The trigger on every table of `tables` (once per test database); False when the
        database user may not skip triggers (not a superuser): then every restore is whole."""
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if not _is_superuser(cursor):
                return False
            cursor.execute("CREATE SCHEMA IF NOT EXISTS samsyn_dirty")
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS samsyn_dirty.written (name text PRIMARY KEY)"
            )
            cursor.execute(
                "CREATE OR REPLACE FUNCTION samsyn_dirty.mark() RETURNS trigger LANGUAGE plpgsql"
                " AS $$ BEGIN INSERT INTO samsyn_dirty.written VALUES (TG_TABLE_NAME)"
                " ON CONFLICT DO NOTHING; RETURN NULL; END $$"
            )
            for table in tables:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER samsyn_dirty AFTER INSERT OR UPDATE OR DELETE"
                    f" OR TRUNCATE ON {qn(table)} FOR EACH STATEMENT"
                    f" EXECUTE FUNCTION samsyn_dirty.mark()"
                )
        return True

    @classmethod
    def written(cls, connection, tables: list[str]) -> list[str] | None:
        """The tables of `tables` written since the last restore, or None when that cannot be
        told (a table lost its trigger: dropped and made again)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE t.tgname = 'samsyn_dirty' AND c.relname = ANY(%s)"
                " AND pg_table_is_visible(c.oid)",
                [tables],
            )
            if cursor.fetchone()[0] != len(tables):
                return None
            cursor.execute("SELECT name FROM samsyn_dirty.written")
            written = {name for (name,) in cursor.fetchall()}
        return [table for table in tables if table in written]

    @classmethod
    def forget(cls, cursor) -> None:
        cursor.execute("SELECT to_regclass('samsyn_dirty.written')")
        if cursor.fetchone()[0] is not None:
            cursor.execute("DELETE FROM samsyn_dirty.written")


class DemoSnapshot(DatabaseSnapshot):
    """The database with the demo world in it. `loaded` is what demo_load() answered when it
    built the world into the empty test database; `data_dir` is the DATA_DIR it wrote to (the
    observation model's truth file, written when the build committed); `empty` is the test
    database as it was before."""

    loaded: bool
    data_dir: Path
    empty: DatabaseSnapshot
    tracked: bool = False  # (DirtyTables installed: PostgreSQL, as a superuser)

    def put_back(self) -> list[str]:
        """The demo in the database for a `demo_world` test: only the tables written since,
        when the last one left it there (`DirtyTables.kept`), else the whole. The tables put
        back."""
        from django.contrib.contenttypes.models import ContentType

        written = None
        if self.tracked and DirtyTables.kept is self:
            self.connection.ensure_connection()
            written = DirtyTables.written(self.connection, self.tables)
        if written is None:
            self.restore()
            return list(getattr(self, "tables", []))
        DirtyTables.kept = None
        self._restore_postgresql(written, delete=True)
        ContentType.objects.clear_cache()
        return written


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
        if connection.vendor == "postgresql":
            demo.tracked = DirtyTables.install(connection, demo.tables)
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
def demo_world(request, demo_snapshot, transactional_db):
    """The demo world, fresh for this test (the database is emptied after it, as usual; on
    PostgreSQL, when the next test asks for the demo world too, the demo stays instead and
    that test puts back only the tables this one wrote: `DirtyTables`)."""
    demo_snapshot.put_back()
    yield True
    if demo_snapshot.connection.vendor == "sqlite":
        # Emptied by copying the empty database back (9 ms of CPU) before the usual flush,
        # which would otherwise delete the demo's rows one by one (0.7 s).
        demo_snapshot.empty.restore()
    elif demo_snapshot.tracked and getattr(request.node, "_samsyn_next_uses_demo_world", False):
        DirtyTables.kept = demo_snapshot
        DirtyTables.skip_flush = True  # (see _fixture_teardown below)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Tells `demo_world`'s teardown whether the next test (in this process) asks for the
    demo world too."""
    item._samsyn_next_uses_demo_world = nextitem is not None and "demo_world" in getattr(
        nextitem, "fixturenames", ()
    )
    yield


def _keep_the_demo_instead_of_flushing() -> None:
    """TransactionTestCase's flush after a test (pytest-django's transactional_db) is left
    out once after a `demo_world` test whose demo stays for the next (`DirtyTables`)."""
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown
    if getattr(flush, "_samsyn_keeps_demo", False):
        return

    def _fixture_teardown(self) -> None:
        if DirtyTables.skip_flush:
            DirtyTables.skip_flush = False
            return
        DirtyTables.kept = None
        flush(self)

    _fixture_teardown._samsyn_keeps_demo = True
    TransactionTestCase._fixture_teardown = _fixture_teardown


def pytest_configure(config) -> None:
    if config.pluginmanager.hasplugin("django"):
        _keep_the_demo_instead_of_flushing()


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

"""The demo world's restore (tests/demo_world.py) gives back the whole demo, also when it puts
back only the tables a test wrote (PostgreSQL: `DirtyTables`)."""

from __future__ import annotations

import pytest
from django.db import connection

from samsyn.accounts.models import AuditEvent, Membership, User
from tests.demo_world import DirtyTables


def _fingerprints(tables: list[str], schema: str = "public") -> dict[str, tuple]:
    """Each table's row count and a digest of its rows, in a stable order."""
    qn = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
                f" FROM {schema}.{qn(table)} t"
            )
            result[table] = cursor.fetchone()
    return result


def _write_some_tables() -> None:
    user = User.objects.order_by("pk").first()
    User.objects.filter(pk=user.pk).update(full_name="Changed")
    Membership.objects.filter(pk=Membership.objects.order_by("pk").first().pk).delete()
    AuditEvent.objects.create(actor=user, actor_label="t", action="read", object_type="test")


def test_putting_back_the_written_tables_gives_the_whole_demo(demo_world, demo_snapshot):
    if connection.vendor != "postgresql" or not demo_snapshot.tracked:
        pytest.skip("PostgreSQL as a superuser only: SQLite copies the whole database back")
    demo = _fingerprints(demo_snapshot.tables, demo_snapshot.schema)
    assert _fingerprints(demo_snapshot.tables) == demo
    _write_some_tables()
    written = set(DirtyTables.written(connection, demo_snapshot.tables))
    assert {User._meta.db_table, Membership._meta.db_table, AuditEvent._meta.db_table} <= written
    assert len(written) < len(demo_snapshot.tables) / 2
    assert _fingerprints(demo_snapshot.tables) != demo

    DirtyTables.kept = demo_snapshot  # (as a demo_world test followed by another leaves it)
    put_back = demo_snapshot.put_back()
    assert set(put_back) == written
    assert _fingerprints(demo_snapshot.tables) == demo
    assert DirtyTables.written(connection, demo_snapshot.tables) == []
    assert DirtyTables.kept is None


def test_a_table_that_lost_its_trigger_means_a_whole_restore(demo_world, demo_snapshot):
    if connection.vendor != "postgresql" or not demo_snapshot.tracked:
        pytest.skip("PostgreSQL as a superuser only: SQLite copies the whole database back")
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER samsyn_dirty ON {table}")
    try:
        AuditEvent.objects.all().delete()  # (not recorded)
        DirtyTables.kept = demo_snapshot
        assert set(demo_snapshot.put_back()) == set(demo_snapshot.tables)
        assert _fingerprints(demo_snapshot.tables) == _fingerprints(
            demo_snapshot.tables, demo_snapshot.schema
        )
    finally:
        DirtyTables.install(connection, demo_snapshot.tables)

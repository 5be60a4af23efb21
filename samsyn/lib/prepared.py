"""SELECTs compiled once per process and run with new values: for the few reads every capture
save makes (the session with its user, the observation with its framework version).

Building a QuerySet and compiling it to SQL costs more CPU than running it: on a capture save,
profiled, the ORM's `filter()`/`select_related()` and the compiler's `as_sql()` and
`get_converters()` were about 40 % of the request (`benchmarks/profile_capture_save.py`). A
`Prepared` query is built by Django's ORM as usual, once, with a `Param` placeholder for each
value that changes; its SQL, column converters and the way its rows become model instances
(select_related included) are kept per database alias. Each run then only prepares the values
as the field would (`get_db_prep_value`), executes the same SQL and builds the same objects as
the QuerySet would have.

    _SESSION = Prepared(
        lambda p: Session.objects.select_related("user").filter(
            session_key=p("key", Session._meta.get_field("session_key")),
            expire_date__gt=p("now", Session._meta.get_field("expire_date")),
        )[:1]
    )
    session = _SESSION.first(key=key, now=timezone.now())

Model QuerySets and `values_list()` of fields (rows as tuples); no values(), no
prefetch_related, no related manager's QuerySet. A query
with `select_for_update()` refuses to run outside a transaction, as Django's does.

On PostgreSQL these statements (and `PreparedSave`'s, and any caller's of `statement_cursor`)
run through a cursor that sends the values apart from the SQL (server-side binding) and has
the server prepare each statement once per connection: the server then parses and plans it once
instead of on every request, and psycopg does not quote the values into the text. Django's
other queries keep Django's default, client-side binding. `SAMSYN_PG_PREPARE=False` (e.g.
behind a connection pooler in transaction mode without prepared-statement support) turns it off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.models import Field, QuerySet, Value
from django.db.models.query import (
    ModelIterable,
    ValuesListIterable,
    _get_from_db,
    get_related_populators,
)
from django.db.transaction import TransactionManagementError


@dataclass(frozen=True)
class _Slot:
    """Where a value goes in the compiled parameters, and the field that prepares it."""

    name: str
    field: Field


class Param(Value):
    """A value given when the prepared query runs; compiles to one placeholder."""

    def __init__(self, name: str, field: Field) -> None:
        super().__init__(None, output_field=field)
        self.name = name

    def as_sql(self, compiler, connection, **extra_context):
        return "%s", (_Slot(self.name, self.output_field),)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # constants, and a _Slot for each Param
    converters: list[tuple[int, list, Any]]  # (column, converters, expression)
    klass_info: dict
    select: list
    fetch_mode: Any
    for_update: bool
    tuples: bool  # values_list(): rows as tuples, in the order of the names given


_PREPARING_CURSOR: type | None = None


def _preparing_cursor_class() -> type:
    """psycopg's server-binding cursor, with Django's additions, preparing every statement."""
    global _PREPARING_CURSOR
    if _PREPARING_CURSOR is None:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparingCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(
                    query, params, prepare=True if prepare is None else prepare, binary=binary
                )

        _PREPARING_CURSOR = PreparingCursor
    return _PREPARING_CURSOR


def statement_cursor(connection):
    """A cursor for the hot statements written with `%s` placeholders: on PostgreSQL with
    psycopg 3, bound on the server and prepared once per connection; elsewhere (or with
    `SAMSYN_PG_PREPARE` off) Django's own cursor. Django's wrapper (query logging, execute
    wrappers, error translation) is the same either way."""
    from django.conf import settings
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if (
        connection.vendor != "postgresql"
        or not is_psycopg3
        or not getattr(settings, "SAMSYN_PG_PREPARE", True)
    ):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
        from django.db.backends.postgresql.psycopg_any import register_tzloader
        from psycopg.pq import Format

        cursor = _preparing_cursor_class()(connection.connection)
        # As Django's create_cursor(): the connection's time zone for timestamptz values.
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)


class Prepared:
    """A model SELECT built once by `build(param)` and compiled once per database alias."""

    def __init__(self, build: Callable[[Callable[[str, Field], Param]], QuerySet]) -> None:
        self.build = build
        # Per database alias. Two threads compiling at once both store the same thing.
        self._compiled: dict[str, _Compiled] = {}

    def queryset(self) -> QuerySet:
        """The QuerySet with its placeholders (for tests: the SQL Django would run)."""
        return self.build(Param)

    def _compile(self, alias: str) -> _Compiled:
        queryset = self.queryset()
        query = queryset.query
        tuples = queryset._iterable_class is ValuesListIterable
        if (
            queryset._iterable_class not in (ModelIterable, ValuesListIterable)
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
            or (tuples and (query.extra_select or query.annotation_select))
        ):
            raise TypeError("Prepared runs model and values_list() QuerySets only")
        compiler = queryset.query.get_compiler(using=alias)
        for_update = bool(queryset.query.select_for_update)
        # Django compiles FOR UPDATE only inside a transaction (once per process here).
        with transaction.atomic(using=alias, savepoint=False) if for_update else nullcontext():
            sql, params = compiler.as_sql()
        if compiler.annotation_col_map and not tuples:
            raise TypeError("Prepared runs model and values_list() QuerySets only")
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        converters = [
            (pos, convs, expression)
            for pos, (convs, expression) in compiler.get_converters(fields).items()
        ]
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            converters=converters,
            klass_info=compiler.klass_info,
            select=compiler.select,
            fetch_mode=queryset._fetch_mode,
            for_update=for_update,
            tuples=tuples,
        )
        self._compiled[alias] = compiled
        return compiled

    def all(self, using: str = "default", **values: Any) -> list[Any]:
        """The model instances the QuerySet would give for these values."""
        connection = connections[using]
        compiled = self._compiled.get(using) or self._compile(using)
        if (
            compiled.for_update
            and connection.features.has_select_for_update
            and connection.get_autocommit()
        ):  # as Django's compiler refuses it
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = [
            p.field.get_db_prep_value(values[p.name], connection) if type(p) is _Slot else p
            for p in compiled.params
        ]
        with statement_cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        if compiled.tuples:
            return [tuple(row) for row in self._converted(compiled, rows, connection)]
        return self._objects(compiled, rows, using, connection)

    def first(self, using: str = "default", **values: Any) -> Any:
        """The first instance, or None (the QuerySet should end in `[:1]`)."""
        found = self.all(using, **values)
        return found[0] if found else None

    @staticmethod
    def _converted(compiled: _Compiled, rows: list, connection) -> Iterator[list]:
        for raw in rows:
            row = list(raw)
            for pos, convs, expression in compiled.converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
            yield row

    @staticmethod
    def _objects(compiled: _Compiled, rows: list, using: str, connection) -> list[Any]:
        klass_info, select, fetch_mode = compiled.klass_info, compiled.select, compiled.fetch_mode
        model_cls = klass_info["model"]
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        from_db = _get_from_db(model_cls, fetch_mode)
        populators = get_related_populators(klass_info, select, using, fetch_mode)
        objects = []
        peers: list = []
        for row in Prepared._converted(compiled, rows, connection):
            obj = from_db(using, init_list, row[start:end])
            if fetch_mode.track_peers:
                from weakref import ref

                peers.append(ref(obj))
                obj._state.peers = peers
            for populator in populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


# --------------------------------------------------------------------------- writes


class PreparedSave:
    """`Model.save()` of one model for a fixed list of fields, as one written-out statement.

    `insert(obj)` is `obj.save()` of a new object (INSERT … RETURNING its primary key) and
    `update(obj)` is `obj.save(update_fields=fields)` (UPDATE … WHERE pk): the statement's text
    is made once per database alias; each save only prepares the values as the fields would
    (`pre_save`, so `auto_now`/`auto_now_add` stamp as usual, and `get_db_prep_save`). Django's
    `pre_save` and `post_save` signals are sent as `Model.save()` sends them, so every receiver
    still runs. Not for models with parents (multi-table inheritance) or without an auto
    primary key; no `full_clean()`, as `save()` does none either; a model with its own `save()`
    is refused (its code would not run)."""

    def __init__(self, model: type, fields: list[str]) -> None:
        self.model = model
        opts = model._meta
        if opts.parents or not opts.pk.db_returning:
            raise TypeError("PreparedSave saves models without parents, with an auto primary key")
        from django.db.models import Model

        if model.save is not Model.save or model.save_base is not Model.save_base:
            raise TypeError("PreparedSave would skip the model's own save()")
        self.fields = [opts.get_field(name) for name in fields]
        self.update_fields = frozenset(f.name for f in self.fields)
        self._sql: dict[tuple[str, str, tuple[str, ...]], str] = {}

    def _text(self, kind: str, alias: str, expected: tuple[str, ...] = ()) -> str:
        found = self._sql.get((kind, alias, expected))
        if found is not None:
            return found
        qn = connections[alias].ops.quote_name
        opts = self.model._meta
        table, pk = qn(opts.db_table), qn(opts.pk.column)
        if kind == "insert":
            marks = ", ".join(["%s"] * len(self.fields))
            sql = (
                f"INSERT INTO {table} ({self.columns(alias)}) VALUES ({marks}) "  # noqa: S608
                f"RETURNING {pk}"
            )
        else:
            where = "".join(f" AND {qn(opts.get_field(name).column)} = %s" for name in expected)
            sql = f"UPDATE {table} SET {self.set_clause(alias)} WHERE {pk} = %s{where}"  # noqa: S608
        self._sql[(kind, alias, expected)] = sql
        return sql

    def set_clause(self, alias: str = "default") -> str:
        """`"column" = %s, …` for this save's fields, in the order `values()` gives them."""
        qn = connections[alias].ops.quote_name
        return ", ".join(f"{qn(f.column)} = %s" for f in self.fields)

    def columns(self, alias: str = "default") -> str:
        """`"column", …` for this save's fields, in the order `values()` gives them."""
        qn = connections[alias].ops.quote_name
        return ", ".join(qn(f.column) for f in self.fields)

    def values(self, obj: Any, *, add: bool, using: str = "default") -> list[Any]:
        """The values this save writes, prepared as the fields prepare them (`pre_save` first,
        so `auto_now` and `auto_now_add` stamp `obj`): for a caller's own statement built
        from `columns()` or `set_clause()`."""
        return self._values(obj, add, connections[using])

    def _values(self, obj: Any, add: bool, connection) -> list[Any]:
        return [f.get_db_prep_save(f.pre_save(obj, add), connection) for f in self.fields]

    def insert(self, obj: Any, using: str = "default") -> Any:
        """Save the new `obj` (all of this save's fields); sets its primary key."""
        from django.db.models.signals import post_save, pre_save

        connection = connections[using]
        cls = self.model
        pre_save.send(sender=cls, instance=obj, raw=False, using=using, update_fields=None)
        with transaction.mark_for_rollback_on_error(using), statement_cursor(connection) as cursor:
            cursor.execute(self._text("insert", using), self._values(obj, True, connection))
            row = cursor.fetchone()
        obj.pk = cls._meta.pk.to_python(row[0])
        obj._state.adding = False
        obj._state.db = using
        post_save.send(
            sender=cls, instance=obj, created=True, update_fields=None, raw=False, using=using
        )
        return obj

    def update(
        self, obj: Any, using: str = "default", *, expected: dict[str, Any] | None = None
    ) -> bool:
        """`obj.save(update_fields=fields)`; a row that is gone is an error, as in Django.

        With `expected` (field name → value), the row is updated only while it still holds
        those values (compare-and-set, e.g. the revision a save was checked against): False,
        with nothing written and no `post_save`, when it no longer does."""
        from django.db import DatabaseError
        from django.db.models.signals import post_save, pre_save

        connection = connections[using]
        cls, fields = self.model, self.update_fields
        pre_save.send(sender=cls, instance=obj, raw=False, using=using, update_fields=fields)
        values = self._values(obj, False, connection)
        names = tuple(expected or ())
        checks = [
            self.model._meta.get_field(name).get_db_prep_value(expected[name], connection)
            for name in names
        ]
        with transaction.mark_for_rollback_on_error(using), statement_cursor(connection) as cursor:
            cursor.execute(self._text("update", using, names), [*values, obj.pk, *checks])
            updated = cursor.rowcount
        if updated != 1:
            if expected is not None and updated == 0:
                return False
            raise DatabaseError("Save with update_fields did not affect any rows.")
        obj._state.db = using
        post_save.send(
            sender=cls, instance=obj, created=False, update_fields=fields, raw=False, using=using
        )
        return True

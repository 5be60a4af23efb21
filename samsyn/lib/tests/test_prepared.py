"""Prepared SELECTs (samsyn.lib.prepared) run the SQL Django compiles and give the objects a
QuerySet gives: the session read on every request and the capture save's reads."""

from __future__ import annotations

import datetime as dt
import unittest
import uuid

import time_machine
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test import override_settings
from django.utils import timezone

from samsyn.accounts import sessions
from samsyn.accounts.models import Session
from samsyn.lib.prepared import Prepared, statement_cursor
from samsyn.observations import capture_writes, services
from samsyn.observations.models import Assignment, Observation
from samsyn.observations.tests.factories import full_ratings, make_round
from samsyn.test import BaseTestCase


def sql_of(run) -> tuple[object, list[tuple[str, tuple]]]:
    """What `run` returns, and each statement it sent with its values, as the database driver
    received them (the same on every database and with either way of binding)."""
    sent: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = run()
    return result, sent


class PreparedSessionTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.alice)
        self.key = self.client.session.session_key

    def test_same_sql_and_objects_as_the_queryset(self):
        now = timezone.now()
        prepared, prepared_sql = sql_of(
            lambda: sessions._SESSION_WITH_USER.first(key=self.key, now=now)
        )
        orm, orm_sql = sql_of(
            lambda: next(
                iter(
                    Session.objects.select_related("user").filter(
                        session_key=self.key, expire_date__gt=now
                    )[:1]
                )
            )
        )
        self.assertEqual(prepared_sql, orm_sql)
        self.assertEqual(
            [(f.attname, getattr(prepared, f.attname)) for f in Session._meta.concrete_fields],
            [(f.attname, getattr(orm, f.attname)) for f in Session._meta.concrete_fields],
        )
        self.assertIsInstance(prepared.expire_date, dt.datetime)
        self.assertIsNotNone(prepared.expire_date.tzinfo)
        with self.assertNumQueries(0):  # the user came with the row
            self.assertEqual(prepared.user.email, self.alice.email)
            self.assertEqual(prepared.user.password, self.alice.password)

    def test_attack_an_expired_session_is_not_read(self):
        Session.objects.filter(session_key=self.key).update(
            expire_date=timezone.now() - dt.timedelta(seconds=1)
        )
        self.assertIsNone(sessions._SESSION_WITH_USER.first(key=self.key, now=timezone.now()))
        self.assertEqual(self.client.get("/api/v1/assignments").status_code, 401)

    def test_attack_an_unknown_key_is_not_read(self):
        other = sessions.SessionStore()._get_new_session_key()
        self.assertIsNone(sessions._SESSION_WITH_USER.first(key=other, now=timezone.now()))


class PreparedCaptureReadTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.round = make_round(self)
        self.assignment = Assignment.objects.filter(round=self.round).first()
        self.uuid = uuid.uuid4()
        services.observation_save(
            actor=self.oscar,
            uuid=self.uuid,
            data={
                "assignment_id": self.assignment.pk,
                "ratings": full_ratings(self.round.framework_version),
            },
            base_revision=0,
        )

    def test_the_locked_observation_read_is_djangos_sql(self):
        with transaction.atomic():
            prepared, prepared_sql = sql_of(
                lambda: services._OWN_OBSERVATION_BY_UUID_LOCKED.first(
                    uuid=self.uuid, observer=self.oscar.pk
                )
            )
            orm, orm_sql = sql_of(
                lambda: next(
                    iter(
                        Observation.objects.select_for_update(of=("self",))
                        .select_related("framework_version")
                        .filter(uuid=self.uuid, observer_id=self.oscar.pk)
                        .order_by()[:1]
                    )
                )
            )
        self.assertEqual(prepared_sql, orm_sql)
        self.assertEqual(prepared.pk, orm.pk)
        self.assertEqual(prepared.uuid, self.uuid)
        self.assertEqual(prepared.created_at, orm.created_at)
        with self.assertNumQueries(0):
            self.assertEqual(prepared.framework_version.pk, self.round.framework_version_id)

    def test_attack_another_observers_uuid_is_not_read(self):
        with transaction.atomic():
            self.assertIsNone(
                services._OWN_OBSERVATION_BY_UUID.first(uuid=self.uuid, observer=self.pia.pk)
            )
            self.assertIsNone(
                services._OWN_ASSIGNMENT.first(pk=self.assignment.pk, observer=self.pia.pk)
            )
            found = services._OWN_ASSIGNMENT.first(pk=self.assignment.pk, observer=self.oscar.pk)
        self.assertEqual(found.pk, self.assignment.pk)
        with self.assertNumQueries(0):
            self.assertEqual(found.round.framework_version.pk, self.round.framework_version_id)

    def test_rating_rows_are_the_querysets_rows(self):
        observation = Observation.objects.get(uuid=self.uuid)
        prepared, prepared_sql = sql_of(
            lambda: services._RATING_ROWS.all(observation=observation.pk)
        )
        orm, orm_sql = sql_of(
            lambda: list(
                observation.ratings.values_list(
                    "dimension_id", "dimension__order", "step_id", "note", "criteria"
                ).order_by()
            )
        )
        self.assertEqual(prepared_sql, orm_sql)
        self.assertEqual(prepared, orm)
        self.assertEqual(len({row[0] for row in prepared}), 10)

    def test_values_querysets_are_refused(self):
        prepared = Prepared(
            lambda param: Observation.objects.filter(
                uuid=param("uuid", Observation._meta.get_field("uuid"))
            ).values("pk")
        )
        with self.assertRaises(TypeError):
            prepared.first(uuid=self.uuid)


class PreparedSaveTests(BaseTestCase):
    """The capture's written-out INSERT/UPDATE store what `save()` stores and send its signals."""

    def setUp(self):
        super().setUp()
        self.round = make_round(self)
        self.assignment = Assignment.objects.filter(round=self.round).first()
        self.signals: list[tuple[str, bool | None, frozenset | None]] = []

        def pre(sender, instance, update_fields, **kwargs):
            self.signals.append(("pre", None, update_fields))

        def post(sender, instance, created, update_fields, **kwargs):
            self.signals.append(("post", created, update_fields))

        pre_save.connect(pre, sender=Observation, weak=False, dispatch_uid="test-pre")
        post_save.connect(post, sender=Observation, weak=False, dispatch_uid="test-post")
        self.addCleanup(pre_save.disconnect, sender=Observation, dispatch_uid="test-pre")
        self.addCleanup(post_save.disconnect, sender=Observation, dispatch_uid="test-post")

    def new_observation(self) -> Observation:
        return Observation(
            uuid=uuid.uuid4(),
            round=self.round,
            assignment=self.assignment,
            framework_version_id=self.round.framework_version_id,
            observer=self.oscar,
            teacher_id=self.assignment.teacher_id,
            school_id=self.assignment.school_id,
            subject="Matematik",
            group_size=24,
        )

    def test_insert_stores_every_field_as_save_would(self):
        prepared = self.new_observation()
        capture_writes.INSERT_OBSERVATION.insert(prepared)
        self.assertEqual(self.signals, [("pre", None, None), ("post", True, None)])
        self.assertFalse(prepared._state.adding)
        self.assertIsNotNone(prepared.created_at)  # auto_now_add stamped
        orm = self.new_observation()
        orm.save()
        stored = Observation.objects.values().get(pk=prepared.pk)
        expected = Observation.objects.values().get(pk=orm.pk)
        for name in ("id", "uuid", "created_at", "updated_at"):
            stored.pop(name), expected.pop(name)
        self.assertEqual(stored, expected)

    def test_update_writes_its_fields_only_and_stamps_updated_at(self):
        observation = self.new_observation()
        observation.save()
        before = Observation.objects.get(pk=observation.pk)
        self.signals.clear()
        observation.subject = "Svenska"
        observation.grade = "7"  # a context field: written
        observation.teacher_comment = "not written"  # not one of the update's fields
        observation.revision = 2
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
            capture_writes.UPDATE_DRAFT.update(observation)
        after = Observation.objects.get(pk=observation.pk)
        self.assertEqual((after.subject, after.grade, after.revision), ("Svenska", "7", 2))
        self.assertEqual(after.teacher_comment, "")
        self.assertGreater(after.updated_at, before.updated_at)
        fields = frozenset(capture_writes.UPDATE_DRAFT.update_fields)
        self.assertEqual(self.signals, [("pre", None, fields), ("post", False, fields)])

    def test_updating_a_row_that_is_gone_is_an_error(self):
        observation = self.new_observation()
        observation.save()
        Observation.objects.filter(pk=observation.pk).delete()
        with self.assertRaises(DatabaseError):
            capture_writes.UPDATE_DRAFT.update(observation)

    def test_an_expected_value_that_no_longer_holds_writes_nothing(self):
        """Compare-and-set: the row is written only while it holds the values it was read with."""
        observation = self.new_observation()
        observation.save()
        Observation.objects.filter(pk=observation.pk).update(revision=5)  # another save
        self.signals.clear()
        observation.subject, observation.revision = "Svenska", 2
        update = capture_writes.UPDATE_DRAFT.update
        self.assertFalse(update(observation, expected={"revision": 1, "status": "draft"}))
        stored = Observation.objects.get(pk=observation.pk)
        self.assertEqual((stored.subject, stored.revision), ("Matematik", 5))
        self.assertEqual(self.signals, [("pre", None, frozenset(update.__self__.update_fields))])
        observation.revision = 6
        self.assertTrue(update(observation, expected={"revision": 5, "status": "draft"}))
        stored = Observation.objects.get(pk=observation.pk)
        self.assertEqual((stored.subject, stored.revision), ("Svenska", 6))
        Observation.objects.filter(pk=observation.pk).update(status="submitted")
        observation.revision = 7
        self.assertFalse(update(observation, expected={"revision": 6, "status": "draft"}))

    def test_a_model_with_its_own_save_is_refused(self):
        from samsyn.accounts.models import User
        from samsyn.lib.prepared import PreparedSave

        with self.assertRaises(TypeError):
            PreparedSave(User, ["email"])  # AbstractBaseUser.save() has work of its own


class ServerPreparedTests(BaseTestCase):
    """On PostgreSQL the hot statements are prepared on the server; Django's own are not."""

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL prepares statements")
    def test_only_the_hot_statements_are_prepared(self):
        self.client.force_login(self.alice)
        key = self.client.session.session_key
        for _ in range(6):
            self.assertIsNotNone(sessions._SESSION_WITH_USER.first(key=key, now=timezone.now()))
            self.assertTrue(Session.objects.filter(session_key=key).exists())  # Django's
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        self.assertTrue(any('JOIN "accounts_user"' in sql for sql in prepared), prepared)
        self.assertFalse(any("SELECT 1 AS" in sql for sql in prepared), prepared)

    def test_it_can_be_turned_off(self):
        with override_settings(SAMSYN_PG_PREPARE=False), statement_cursor(connection) as cursor:
            self.assertNotIn("Preparing", type(cursor.cursor).__name__)
        with statement_cursor(connection) as cursor:
            expected = "PreparingCursor" if connection.vendor == "postgresql" else "SQLite"
            self.assertIn(expected, type(cursor.cursor).__name__)

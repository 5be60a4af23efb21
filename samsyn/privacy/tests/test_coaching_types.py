"""The coaching record types (registered while coaching has no privacy.py of its own)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.apps import apps

from samsyn.observations.tests.factories import default_version
from samsyn.privacy import services
from samsyn.test import BaseTestCase


class CoachingRecordTypeTests(BaseTestCase):
    def _plan(self, teacher, ends_on):
        SupportPlan = apps.get_model("coaching.SupportPlan")
        return SupportPlan.objects.create(
            school=self.school,
            teacher=teacher,
            coach=self.oscar,
            framework_version=default_version(),
            actions="Tydliga mål",
            starts_on=ends_on - dt.timedelta(days=70),
            ends_on=ends_on,
            started_by=self.pia,
        )

    def test_support_plans_expire_by_their_last_day(self):
        old = self._plan(self.alice, dt.date(2023, 5, 31))
        new = self._plan(self.alice, dt.date(2023, 6, 2))
        services.retention_setting_save(
            owner=self.owner,
            record_type="support_plans",
            months=36,
            action="aggregate",
            actor=self.olle,
        )
        with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
            run = services.retention_run()
        SupportPlan = apps.get_model("coaching.SupportPlan")
        assert list(SupportPlan.objects.values_list("pk", flat=True)) == [new.pk]
        assert (
            old.pk != new.pk
            and run.summary[0]["removed"] == 1
            and run.summary[0]["aggregates"] == 1
        )

    def test_erasure_removes_the_teachers_plans_and_unlinks_the_coach(self):
        self._plan(self.alice, dt.date(2026, 1, 1))
        coached = self._plan(self.bob, dt.date(2026, 1, 1))
        req = services.request_create(
            owner=self.owner,
            actor=self.olle,
            subject=self.alice,
            kind="erasure",
            scope=["support_plans"],
            reason="x",
        )
        services.request_review(request=req, actor=self.adam, approve=True)
        services.request_execute(request=req, actor=self.olle)
        SupportPlan = apps.get_model("coaching.SupportPlan")
        assert list(SupportPlan.objects.values_list("pk", flat=True)) == [coached.pk]
        req2 = services.request_create(
            owner=self.owner,
            actor=self.olle,
            subject=self.oscar,
            kind="erasure",
            scope=["support_plans"],
            reason="x",
        )
        services.request_review(request=req2, actor=self.adam, approve=True)
        services.request_execute(request=req2, actor=self.olle)
        coached.refresh_from_db()
        assert coached.coach_id is None

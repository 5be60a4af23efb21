"""Retention removes exactly what has passed its period, no more."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.urls import reverse

from samsyn.accounts.models import AuditEvent
from samsyn.indicators import services as indicator_services
from samsyn.indicators.models import Answer, Response
from samsyn.observations.models import Observation, Rating
from samsyn.privacy import selectors, services
from samsyn.privacy.models import RetainedAggregate, RetentionRun, RetentionSetting
from samsyn.privacy.tests.helpers import make_observation, make_plain_round
from samsyn.test import BaseTestCase

UTC = dt.UTC


class RetentionTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.round = make_plain_round(self)
        self.old = make_observation(
            self.round,
            teacher=self.alice,
            observer=self.oscar,
            school=self.school,
            observed_on=dt.date(2024, 3, 31),
        )
        self.edge = make_observation(
            self.round,
            teacher=self.alice,
            observer=self.oscar,
            school=self.school,
            observed_on=dt.date(2024, 4, 1),
        )
        self.new = make_observation(
            self.round,
            teacher=self.alice,
            observer=self.oscar,
            school=self.school,
            observed_on=dt.date(2025, 9, 1),
        )
        other_round = make_plain_round(self, school=self.other_school)
        self.elsewhere = make_observation(
            other_round,
            teacher=self.charlie,
            observer=self.charlie,
            school=self.other_school,
            observed_on=dt.date(2020, 1, 1),
        )

    def _set(self, record_type, months, action=RetentionSetting.Action.DELETE, owner=None):
        return services.retention_setting_save(
            owner=owner or self.owner,
            record_type=record_type,
            months=months,
            action=action,
            actor=self.olle,
        )

    @time_machine.travel(dt.datetime(2026, 4, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_it_removes_exactly_the_expired_observations(self):
        self._set("observations", 24)  # cutoff 2024-04-01 12:00
        run = services.retention_run()
        remaining = set(Observation.objects.values_list("pk", flat=True))
        assert remaining == {self.edge.pk, self.new.pk, self.elsewhere.pk}
        assert not Rating.objects.filter(observation_id=self.old.pk).exists()
        assert run.summary[0]["removed"] == 1 and run.removed == 1
        assert AuditEvent.objects.filter(
            object_type="privacy.retention_run", organisation=self.owner
        ).exists()

    def test_a_day_later_the_edge_goes_too(self):
        self._set("observations", 24)
        with time_machine.travel(dt.datetime(2026, 4, 2, 12, 0, tzinfo=UTC), tick=False):
            services.retention_run()
        assert set(Observation.objects.values_list("pk", flat=True)) == {
            self.new.pk,
            self.elsewhere.pk,
        }

    @time_machine.travel(dt.datetime(2026, 4, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_preview_and_dry_run_count_without_removing(self):
        self._set("observations", 24)
        preview = {row["key"]: row for row in selectors.retention_preview_unscoped(self.owner)}
        assert preview["observations"]["due"] == 1
        assert preview["observations"]["soon"] == 1  # the edge expires tomorrow
        assert preview["surveys"]["due"] is None
        out = StringIO()
        call_command("retention_run", "--dry-run", stdout=out)
        assert "would remove 1" in out.getvalue()
        assert Observation.objects.count() == 4
        assert RetentionRun.objects.get().dry_run

    @time_machine.travel(dt.datetime(2026, 4, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_aggregate_mode_keeps_counts_without_people(self):
        self._set("observations", 24, RetentionSetting.Action.AGGREGATE)
        call_command("retention_run", stdout=StringIO())
        assert not Observation.objects.filter(pk=self.old.pk).exists()
        kept = RetainedAggregate.objects.filter(owner=self.owner, record_type="observations")
        assert sum(a.count for a in kept) == self.old.framework_version.dimensions.count()
        for aggregate in kept:
            assert set(aggregate.key) == {"round", "round_id", "school_id", "dimension", "step"}

    def test_no_setting_removes_nothing(self):
        with time_machine.travel(dt.datetime(2040, 1, 1, tzinfo=UTC), tick=False):
            services.retention_run()
        assert Observation.objects.count() == 4

    def test_surveys_and_audit_log_expire_by_their_own_dates(self):
        survey = indicator_services.survey_create(
            organisation=self.school, actor=self.pia, title="Trygghet", audience="students"
        )
        question = indicator_services.survey_question_add(survey=survey, text="Jag trivs.")
        for day in (dt.date(2025, 1, 10), dt.date(2026, 1, 10)):
            response = Response.objects.create(survey=survey, submitted_on=day)
            Answer.objects.create(response=response, question=question, value=3)
        with time_machine.travel(dt.datetime(2023, 6, 1, tzinfo=UTC), tick=False):
            old_event = AuditEvent.objects.create(
                actor_label="x", action="read", object_type="observation", organisation=self.school
            )
        new_event = AuditEvent.objects.create(
            actor_label="x", action="read", object_type="observation", organisation=self.school
        )
        self._set("surveys", 12, RetentionSetting.Action.AGGREGATE)
        self._set("audit_log", 24)
        with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=UTC), tick=False):
            services.retention_run()
        assert list(Response.objects.values_list("submitted_on", flat=True)) == [
            dt.date(2026, 1, 10)
        ]
        assert RetainedAggregate.objects.get(record_type="surveys").count == 1
        assert not AuditEvent.objects.filter(pk=old_event.pk).exists()
        assert AuditEvent.objects.filter(pk=new_event.pk).exists()

    def test_months_before_keeps_month_ends(self):
        moment = dt.datetime(2026, 3, 31, 8, 0, tzinfo=UTC)
        assert selectors.months_before(moment, 1) == dt.datetime(2026, 2, 28, 8, 0, tzinfo=UTC)
        assert selectors.months_before(moment, 12) == dt.datetime(2025, 3, 31, 8, 0, tzinfo=UTC)

    def test_the_page_saves_periods_and_shows_the_preview(self):
        from samsyn.privacy import registry

        self.login(self.olle)
        url = reverse("privacy:retention", args=[self.owner.pk])
        data = {}
        for key in registry.RECORD_TYPES:
            data[f"{key}__months"] = ""
            data[f"{key}__action"] = "delete"
        data.update({"observations__months": "24", "observations__action": "aggregate"})
        response = self.client.post(url, {**data, "audit_log__months": "0"})
        assert response.status_code == 200  # 0 months is refused, nothing saved
        assert not RetentionSetting.objects.exists()
        self.assertContains(response, "audit_log__months")
        response = self.client.post(url, {**data, "audit_log__months": "36"})
        assert response.status_code == 302
        assert set(RetentionSetting.objects.values_list("record_type", "months")) == {
            ("observations", 24),
            ("audit_log", 36),
        }
        assert self.client.get(url).status_code == 200

    def test_run_now_from_the_page(self):
        self._set("observations", 1)
        self.login(self.olle)
        response = self.client.post(reverse("privacy:retention_run", args=[self.owner.pk]))
        assert response.status_code == 302
        assert Observation.objects.filter(school=self.school).count() == 0
        assert Observation.objects.filter(pk=self.elsewhere.pk).exists()


class RegisteredTypesTests(BaseTestCase):
    def test_every_record_type_answers_its_queries_on_an_empty_owner(self):
        import datetime as dt

        from samsyn.privacy import registry

        now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        ids = selectors.owner_org_ids_unscoped(self.owner)
        for entry in registry.RECORD_TYPES.values():
            expired = entry.expired(ids, now)
            assert expired.count() == 0
            if entry.aggregate:
                assert entry.aggregate(expired) == []
            if entry.erase:
                assert entry.erase(ids, self.alice, None).erased == 0

"""Erasure and rectification: request → review → execution, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from samsyn.accounts.models import AuditEvent, Membership, User
from samsyn.accounts.services import audit_record
from samsyn.observations.models import Observation
from samsyn.privacy import services
from samsyn.privacy.models import SubjectRequest
from samsyn.privacy.tests.helpers import make_observation, make_plain_round
from samsyn.test import BaseTestCase

UTC = dt.UTC


class RequestTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.round = make_plain_round(self)
        self.hers = make_observation(
            self.round, teacher=self.alice, observer=self.oscar, school=self.school
        )
        self.made_by_her = make_observation(
            self.round, teacher=self.bob, observer=self.alice, school=self.school
        )

    def _request(self, kind, scope, subject=None):
        return services.request_create(
            owner=self.owner,
            actor=self.olle,
            subject=subject or self.alice,
            kind=kind,
            scope=scope,
            reason="Begäran via e-post",
        )

    def test_erasure_erases_and_keeps_what_must_be_kept_with_the_reason(self):
        with time_machine.travel(dt.datetime(2025, 1, 1, tzinfo=UTC), tick=False):
            old = audit_record(
                actor=self.pia,
                action="read",
                object_type="observation",
                subject=self.alice,
                organisation=self.school,
            )
        recent = audit_record(
            actor=self.pia,
            action="read",
            object_type="observation",
            subject=self.alice,
            organisation=self.school,
        )
        services.retention_setting_save(
            owner=self.owner, record_type="audit_log", months=12, action="delete", actor=self.olle
        )
        req = self._request("erasure", ["observations", "audit_log"])
        with pytest.raises(ValidationError):
            services.request_execute(request=req, actor=self.olle)  # not yet approved
        services.request_review(request=req, actor=self.adam, approve=True)
        services.request_execute(request=req, actor=self.olle)
        req.refresh_from_db()
        assert req.status == SubjectRequest.Status.EXECUTED
        result = {line["record_type"]: line for line in req.result}
        assert not Observation.objects.filter(pk=self.hers.pk).exists()
        assert Observation.objects.filter(pk=self.made_by_her.pk).exists()
        assert result["observations"]["erased"] == 1 and result["observations"]["kept"] == 1
        assert result["observations"]["reason"]
        assert not AuditEvent.objects.filter(pk=old.pk).exists()
        assert AuditEvent.objects.filter(pk=recent.pk).exists()
        assert result["audit_log"]["kept"] >= 1 and "2025-" in result["audit_log"]["reason"]

    def test_without_an_audit_period_the_audit_log_is_kept(self):
        audit_record(
            actor=self.pia,
            action="read",
            object_type="observation",
            subject=self.alice,
            organisation=self.school,
        )
        req = self._request("erasure", ["audit_log"])
        services.request_review(request=req, actor=self.adam, approve=True)
        services.request_execute(request=req, actor=self.olle)
        line = req.result[0]
        assert line["erased"] == 0 and line["kept"] >= 1 and line["reason"]

    def test_account_erasure_anonymises_a_person_with_no_other_roles(self):
        req = self._request("erasure", ["account"])
        services.request_review(request=req, actor=self.adam, approve=True)
        services.request_execute(request=req, actor=self.olle)
        alice = User.objects.get(pk=self.alice.pk)
        assert (
            not alice.is_active
            and "alice" not in alice.email
            and alice.full_name != "Alice Teacher"
        )
        assert not Membership.objects.filter(user=alice).exists()

    def test_rectification_records_what_changed(self):
        req = self._request("rectification", [{"field": "full_name", "new": "Alice Lärare"}])
        services.request_review(request=req, actor=self.adam, approve=True)
        services.request_execute(request=req, actor=self.olle)
        assert User.objects.get(pk=self.alice.pk).full_name == "Alice Lärare"
        assert req.result == [{"field": "full_name", "old": "Alice Teacher", "new": "Alice Lärare"}]

    def test_a_failing_rectification_changes_nothing(self):
        req = self._request(
            "rectification",
            [{"field": "full_name", "new": "Ny"}, {"field": "email", "new": self.bob.email}],
        )
        services.request_review(request=req, actor=self.adam, approve=True)
        with pytest.raises(ValidationError):
            services.request_execute(request=req, actor=self.olle)
        alice = User.objects.get(pk=self.alice.pk)
        assert alice.full_name == "Alice Teacher"
        req.refresh_from_db()
        assert req.status == SubjectRequest.Status.APPROVED and req.result == []

    def test_rejection_needs_a_reason_and_people_must_belong_to_the_owner(self):
        req = self._request("erasure", ["observations"])
        with pytest.raises(ValidationError):
            services.request_review(request=req, actor=self.adam, approve=False)
        services.request_review(request=req, actor=self.adam, approve=False, note="Arkivlagen")
        with pytest.raises(ValidationError):
            services.request_execute(request=req, actor=self.olle)
        with pytest.raises(ValidationError):
            self._request("erasure", ["observations"], subject=self.charlie)

    def test_the_pages_walk_the_whole_workflow(self):
        self.login(self.olle)
        url = reverse("privacy:requests", args=[self.owner.pk])
        response = self.client.post(
            url, {"person": self.alice.pk, "kind": "erasure", "reason": "x"}
        )
        assert response.status_code == 200  # nothing chosen to erase
        self.assertContains(response, "errorlist")
        response = self.client.post(
            url,
            {"person": self.alice.pk, "kind": "erasure", "scope": ["observations"], "reason": "x"},
        )
        req = SubjectRequest.objects.get()
        assert response.status_code == 302
        detail = reverse("privacy:request_detail", args=[self.owner.pk, req.pk])
        self.login(self.adam)  # someone else than the requester reviews
        assert self.client.post(detail, {"decision": "approve"}).status_code == 302
        execute = reverse("privacy:request_execute", args=[self.owner.pk, req.pk])
        assert self.client.post(execute).status_code == 302
        req.refresh_from_db()
        assert req.status == "executed"
        self.assertContains(self.client.get(detail), str(req.result[0]["label"]))
        assert (
            AuditEvent.objects.filter(object_type="privacy.request", subject=self.alice).count()
            == 3
        )

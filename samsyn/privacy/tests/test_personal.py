"""Right of access: the personal export holds every row linked to the person."""

from __future__ import annotations

import json

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from samsyn.accounts.models import AuditEvent
from samsyn.accounts.services import audit_record
from samsyn.indicators import services as indicator_services
from samsyn.privacy import personal, registry
from samsyn.privacy.models import SubjectRequest
from samsyn.privacy.tests.helpers import make_observation, make_plain_round
from samsyn.test import BaseTestCase


class PersonalExportTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.round = make_plain_round(self)
        self.as_teacher = make_observation(
            self.round, teacher=self.alice, observer=self.oscar, school=self.school, note="Bra"
        )
        self.as_observer = make_observation(
            self.round, teacher=self.bob, observer=self.alice, school=self.school
        )
        self.other = make_observation(
            self.round, teacher=self.bob, observer=self.oscar, school=self.school
        )
        audit_record(actor=self.pia, action="read", object_type="observation", subject=self.alice)
        indicator_services.survey_create(
            organisation=self.school, actor=self.pia, title="Trygghet", audience="students"
        )
        SubjectRequest.objects.create(
            owner=self.owner,
            kind="rectification",
            subject=self.alice,
            subject_label=self.alice.email,
            scope=[{"field": "full_name", "new": "Alice T"}],
            reason="Fel namn",
            requested_by=self.olle,
        )

    def _exported(self, data) -> dict[str, set]:
        return {ds["model"]: {row["id"] for row in ds["rows"]} for ds in data["datasets"]}

    def test_it_contains_every_row_linked_to_the_person_checked_against_the_database(self):
        data = personal.personal_export(self.alice)
        exported = self._exported(data)
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        checked = 0
        for model in apps.get_models():
            for f in [*model._meta.local_fields, *model._meta.local_many_to_many]:
                if not (f.is_relation and f.related_model is user_model):
                    continue
                if f"{model._meta.label}.{f.name}" in registry.EXCLUDED:
                    continue
                in_db = set(
                    model._default_manager.filter(**{f.name: self.alice.pk}).values_list(
                        "pk", flat=True
                    )
                )
                missing = in_db - exported.get(model._meta.label, set())
                assert not missing, f"{model._meta.label}.{f.name}: rows {missing} not exported"
                checked += len(in_db)
        assert checked >= 5
        # Rows of others are not in it.
        assert self.other.pk not in exported["observations.Observation"]
        assert exported["observations.Observation"] == {self.as_teacher.pk, self.as_observer.pk}
        assert exported["accounts.User"] == {self.alice.pk}
        assert "accounts.AuditEvent" in exported and "privacy.SubjectRequest" in exported

    def test_rows_linked_only_through_a_parent_are_not_claimed(self):
        # Ratings belong to observations; the export holds the observations that link to her.
        data = personal.personal_export(self.alice)
        assert "observations.Rating" not in self._exported(data)

    def test_it_names_fields_and_the_link_and_leaves_secrets_out(self):
        data = personal.personal_export(self.alice)
        users = next(ds for ds in data["datasets"] if ds["model"] == "accounts.User")
        names = {f["name"] for f in users["fields"]}
        assert {"email", "full_name"} <= names and "password" not in names
        assert "password" not in users["rows"][0]
        observations = next(
            ds for ds in data["datasets"] if ds["model"] == "observations.Observation"
        )
        by_id = {row["id"]: row for row in observations["rows"]}
        assert by_id[self.as_teacher.pk]["_linked_by"] == ["teacher"]
        assert by_id[self.as_observer.pk]["_linked_by"] == ["observer"]
        json.loads(personal.dumps(data))
        assert "pbkdf2" not in personal.dumps(data) and "argon2" not in personal.dumps(data)

    def test_a_teacher_downloads_json_and_pdf(self):
        self.login(self.alice)
        page = self.client.get(reverse("privacy:my_data"))
        self.assertContains(page, reverse("privacy:my_data_download", args=["json"]))
        response = self.client.get(reverse("privacy:my_data_download", args=["json"]))
        assert response.status_code == 200
        data = json.loads(response.content)
        assert data["person"]["email"] == self.alice.email
        pdf = self.client.get(reverse("privacy:my_data_download", args=["pdf"]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert self.client.get(reverse("privacy:my_data_download", args=["xml"])).status_code == 404

    def test_an_owner_admin_produces_it_for_a_person_audited(self):
        self.login(self.olle)
        url = reverse("privacy:person_export", args=[self.owner.pk])
        response = self.client.get(url, {"person": self.alice.pk, "format": "json"})
        assert response.status_code == 200
        assert json.loads(response.content)["person"]["id"] == self.alice.pk
        assert AuditEvent.objects.filter(
            actor=self.olle,
            subject=self.alice,
            action="export",
            object_type="privacy.personal_export",
        ).exists()

    def test_an_admin_cannot_export_someone_outside_the_owner(self):
        self.login(self.olle)
        url = reverse("privacy:person_export", args=[self.owner.pk])
        response = self.client.get(url, {"person": self.charlie.pk, "format": "json"})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert not AuditEvent.objects.filter(subject=self.charlie).exists()

    def test_outsiders_get_404_and_members_403(self):
        url = reverse("privacy:person_export", args=[self.owner.pk])
        self.login(self.charlie)
        assert self.client.get(url, {"person": self.alice.pk, "format": "json"}).status_code == 404
        self.login(self.pia)
        assert self.client.get(url, {"person": self.alice.pk, "format": "json"}).status_code == 403


class PersonalExportApiTests(BaseTestCase):
    def test_the_api_returns_the_same_export(self):
        self.login(self.alice)
        response = self.client.get("/api/v1/me/data")
        assert response.status_code == 200
        data = response.json()
        assert data["person"]["id"] == self.alice.pk
        assert any(ds["model"] == "accounts.User" for ds in data["datasets"])
        self.client.logout()
        assert self.client.get("/api/v1/me/data").status_code == 401

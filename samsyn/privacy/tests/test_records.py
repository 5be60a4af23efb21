"""The controller's record of processing follows the actual configuration."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from samsyn.privacy import records, registry, services
from samsyn.test import BaseTestCase


class RecordTests(BaseTestCase):
    def test_it_lists_every_personal_model_roles_and_retention(self):
        services.retention_setting_save(
            owner=self.owner,
            record_type="observations",
            months=60,
            action="aggregate",
            actor=self.olle,
        )
        record = records.controller_record(self.owner)
        names = {m["name"] for cat in record["categories"] for m in cat["models"]}
        for model in registry.personal_models():
            assert records.model_label(model) in names
        teacher = next(r for r in record["roles"] if r["label"] == "Lärare")
        assert teacher["people"] == 2  # alice and bob
        obs = next(r for r in record["retention"] if r["setting"])
        assert obs["setting"].months == 60
        assert record["subprocessors"] == []

    @override_settings(SAMSYN_SUBPROCESSORS=["Driftbolaget AB (drift, Sverige)"])
    def test_page_and_pdf(self):
        self.login(self.olle)
        page = self.client.get(reverse("privacy:records", args=[self.owner.pk]))
        self.assertContains(page, "Driftbolaget AB")
        self.assertContains(page, "Lärare")
        pdf = self.client.get(reverse("privacy:records_pdf", args=[self.owner.pk]))
        assert pdf.content.startswith(b"%PDF")

    def test_a_school_is_not_an_owner(self):
        self.login(self.olle)
        assert self.client.get(reverse("privacy:records", args=[self.school.pk])).status_code == 404

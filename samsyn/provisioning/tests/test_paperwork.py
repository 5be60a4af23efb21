"""The onboarding paperwork: Swedish, editable (.odt), pre-filled, marked as drafts."""

from __future__ import annotations

import io
import zipfile

from django.urls import reverse

from samsyn.provisioning import odt
from samsyn.test import BaseTestCase


def content_of(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names[0] == "mimetype"
        assert archive.read("mimetype").decode() == odt.MIMETYPE
        return archive.read("content.xml").decode()


class PaperworkTests(BaseTestCase):
    def download(self, document: str, language: str = ""):
        url = reverse("provisioning:paperwork_download", args=[self.owner.pk, document])
        return self.client.get(f"/{language}{url}" if language else url)

    def test_the_dpia_is_a_swedish_pre_filled_draft(self):
        self.login(self.olle)
        response = self.download("dpia")
        self.assertEqual(response["Content-Type"], odt.MIMETYPE)
        self.assertIn(".odt", response["Content-Disposition"])
        text = content_of(response.content)
        self.assertIn("UTKAST", text)
        self.assertIn("Konsekvensbedömning", text)
        self.assertIn("Testkommun", text)
        self.assertIn("Lärare", text)  # roles from the record of processing
        self.assertIn("Rektor", text)
        self.assertIn("[…]", text)
        self.assertIn("hantera skolor och importera personal", text)
        self.assertNotIn("organisations.manage", text)

    def test_the_staff_information_is_swedish_even_from_the_english_site(self):
        self.olle.language = "en"
        self.olle.save()
        self.login(self.olle)
        response = self.client.get(
            reverse("provisioning:paperwork_download", args=[self.owner.pk, "staff-information"]),
            follow=True,
        )
        self.assertTrue(response.redirect_chain[-1][0].startswith("/en/"))
        text = content_of(response.content)
        self.assertIn("Information till personal och fackliga organisationer", text)
        self.assertIn("Vem ser vad", text)
        self.assertIn("Hur länge", text)
        self.assertNotIn("Who sees what", text)

    def test_access(self):
        self.login(self.pia)
        self.assertEqual(self.download("dpia").status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.download("dpia").status_code, 404)
        self.login(self.olle)
        self.assertEqual(self.download("secrets").status_code, 404)
        school = reverse("provisioning:paperwork_download", args=[self.school.pk, "dpia"])
        self.assertEqual(self.client.get(school).status_code, 404)

    def test_the_record_of_processing_links_to_the_paperwork(self):
        self.login(self.olle)
        page = self.client.get(reverse("privacy:records", args=[self.owner.pk]))
        self.assertContains(page, reverse("provisioning:paperwork", args=[self.owner.pk]))

"""The reader, the import page and the editor, as their users walk them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samsyn.frameworks.models import Framework, FrameworkVersion
from samsyn.frameworks.tests.factories import changed, framework_data, framework_json
from samsyn.test import BaseTestCase


class ReaderTests(BaseTestCase):
    def test_a_teacher_reads_the_default_framework(self):
        self.client.force_login(self.alice)
        response = self.client.get("/frameworks/samsyn-undervisning/")
        version = FrameworkVersion.objects.get(framework__slug="samsyn-undervisning")
        for dimension in version.dimensions.all():
            self.assertContains(response, dimension.name_sv)
        self.assertContains(response, "/pdf/")

    def test_it_lists_the_framework(self):
        self.client.force_login(self.alice)
        response = self.client.get(reverse("frameworks:list"))
        self.assertContains(response, "samsyn-undervisning")
        self.assertNotContains(response, reverse("frameworks:import"))

    def test_it_downloads_a_pdf(self):
        self.client.force_login(self.alice)
        response = self.client.get("/frameworks/samsyn-undervisning/v1/pdf/")
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertGreater(len(response.content), 10_000)

    def test_it_downloads_json(self):
        self.client.force_login(self.alice)
        response = self.client.get("/frameworks/samsyn-undervisning/v1/json/")
        self.assertEqual(response.json()["slug"], "samsyn-undervisning")


class ImportPageTests(BaseTestCase):
    def upload(self, content: str, organisation=None):
        self.client.force_login(self.olle)
        return self.client.post(
            reverse("frameworks:import"),
            {
                "organisation": str((organisation or self.owner).pk),
                "file": SimpleUploadedFile("f.json", content.encode(), "application/json"),
            },
        )

    def test_it_imports_a_draft(self):
        response = self.upload(framework_json())
        self.assertRedirects(response, reverse("frameworks:draft", args=["test-framework"]))
        framework = Framework.objects.get(slug="test-framework")
        self.assertEqual(framework.organisation, self.owner)

    def test_it_shows_every_problem_with_its_path_and_saves_nothing(self):
        raw = changed(framework_data(), lambda d: d["dimensions"][1]["steps"][0]["label"].pop("en"))
        response = self.upload(raw)
        self.assertEqual(response.status_code, 200)
        # In the reader's language (Swedish here); the path stays as written in the file.
        self.assertContains(response, "dimensions[1].steps[0].label.en: saknas")
        self.assertFalse(Framework.objects.filter(slug="test-framework").exists())

    def test_it_refuses_an_organisation_the_user_cannot_manage(self):
        response = self.upload(framework_json(), organisation=self.other_owner)
        self.assertIn("organisation", response.context["form"].errors)
        self.assertFalse(Framework.objects.filter(slug="test-framework").exists())

    def test_only_platform_admins_import_global_frameworks(self):
        self.client.force_login(self.olle)
        response = self.client.post(
            reverse("frameworks:import"),
            {"organisation": "", "file": SimpleUploadedFile("f.json", framework_json().encode())},
        )
        self.assertIn("organisation", response.context["form"].errors)
        self.client.force_login(self.adam)
        response = self.client.post(
            reverse("frameworks:import"),
            {"organisation": "", "file": SimpleUploadedFile("f.json", framework_json().encode())},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(Framework.objects.get(slug="test-framework").organisation)


class EditorTests(BaseTestCase):
    def test_an_owner_admin_builds_and_publishes_a_framework(self):
        self.client.force_login(self.olle)
        response = self.client.post(
            reverse("frameworks:create"),
            {
                "organisation": str(self.owner.pk),
                "slug": "lasning",
                "name_sv": "Läsning",
                "name_en": "Reading",
            },
        )
        self.assertRedirects(response, reverse("frameworks:draft", args=["lasning"]))
        page = self.client.get(reverse("frameworks:draft", args=["lasning"]))
        self.assertContains(page, "dimensions: minst en dimension behövs")

        self.client.post(
            reverse("frameworks:dimension_create", args=["lasning"]),
            {
                "code": "textsamtal",
                "name_sv": "Textsamtal",
                "name_en": "Talking about texts",
                "steps": 3,
            },
        )
        url = reverse("frameworks:dimension", args=["lasning", "textsamtal"])
        data = {
            "name_sv": "Textsamtal",
            "name_en": "Talking about texts",
            "references": "Ref A\nRef B",
        }
        for n in (1, 2, 3):
            data.update(
                {
                    f"step{n}_label_sv": f"Steg {n}",
                    f"step{n}_label_en": f"Step {n}",
                    f"step{n}_criteria_sv": "Eleverna samtalar\nLäraren frågar",
                    f"step{n}_criteria_en": "Students talk",
                }
            )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("step1_criteria_en", response.context["form"].errors)

        for n in (1, 2, 3):
            data[f"step{n}_criteria_en"] = "Students talk\nThe teacher asks"
        self.assertEqual(self.client.post(url, data).status_code, 302)

        response = self.client.post(reverse("frameworks:draft_publish", args=["lasning"]))
        self.assertRedirects(
            response,
            reverse("frameworks:version", args=["lasning", 1]),
            fetch_redirect_response=False,
        )
        version = FrameworkVersion.objects.get(framework__slug="lasning")
        self.assertEqual(version.status, "published")
        step = version.dimensions.get().steps.get(order=2)
        self.assertEqual(
            list(step.criteria.values_list("text_sv", "text_en")),
            [("Eleverna samtalar", "Students talk"), ("Läraren frågar", "The teacher asks")],
        )
        self.assertEqual(version.dimensions.get().references, ["Ref A", "Ref B"])

        # A teacher of the municipality's school now reads it.
        self.client.force_login(self.alice)
        self.assertContains(self.client.get("/frameworks/lasning/"), "Textsamtal")

    def test_publishing_with_problems_keeps_the_draft(self):
        self.client.force_login(self.olle)
        self.client.post(
            reverse("frameworks:create"),
            {"organisation": str(self.owner.pk), "slug": "tom", "name_sv": "Tom", "name_en": ""},
        )
        response = self.client.post(reverse("frameworks:draft_publish", args=["tom"]), follow=True)
        self.assertContains(response, "dimensions: minst en dimension behövs")
        self.assertEqual(FrameworkVersion.objects.get(framework__slug="tom").status, "draft")

    def test_it_previews_the_draft_as_an_observer_sees_it(self):
        self.client.force_login(self.adam)
        self.client.post(reverse("frameworks:draft_create", args=["samsyn-undervisning"]))
        response = self.client.get(
            reverse("frameworks:draft_preview", args=["samsyn-undervisning"])
        )
        self.assertContains(response, 'type="radio"', count=10 * 5)

    def test_reserved_and_taken_identifiers_are_refused(self):
        self.client.force_login(self.olle)
        for slug in ("new", "samsyn-undervisning"):
            response = self.client.post(
                reverse("frameworks:create"),
                {"organisation": str(self.owner.pk), "slug": slug, "name_sv": "X"},
            )
            self.assertIn("slug", response.context["form"].errors, slug)

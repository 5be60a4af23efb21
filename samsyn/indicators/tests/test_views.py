"""The user's paths through the indicator pages (Django test client, real Skolverket data)."""

from __future__ import annotations

import json
import re

from django.urls import reverse
from django.utils import translation

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.indicators import services
from samsyn.indicators.models import Indicator
from samsyn.indicators.tests.helpers import GRADE9_XLSX, kolada_dir, real_file
from samsyn.test import BaseTestCase


class IndicatorPagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        services.skolverket_import(files=[real_file(GRADE9_XLSX)])
        if (kolada_dir() / "municipalities.csv").exists():
            services.municipalities_load(path=kolada_dir() / "municipalities.csv")
            services.groups_load(path=kolada_dir() / "municipality_groups.csv")
        cls.owner.municipality_code = "1384"
        cls.owner.save(update_fields=["municipality_code"])

    def test_it_lists_indicators_with_first_and_latest_values(self):
        self.login(self.olle)
        response = self.client.get(reverse("indicators:overview", args=[self.owner.pk]))
        self.assertContains(response, "Kungsbacka")
        self.assertContains(
            response, reverse("indicators:indicator_detail", args=[self.owner.pk, "grade9-merit"])
        )
        self.assertContains(response, "236,3")  # latest merit value (2025), Swedish format

    def test_it_shows_own_trend_change_band_and_residual(self):
        self.login(self.alice)  # a teacher sees her municipality through her school
        url = reverse("indicators:indicator_detail", args=[self.school.pk, "grade9-merit"])
        response = self.client.get(url, {"base_year": 2016, "group": "county"})
        self.assertEqual(response.status_code, 200)
        ctx = response.context
        self.assertEqual(ctx["base_year"], 2016)
        self.assertEqual(ctx["group"].key, "county")
        self.assertEqual(len(ctx["group"].codes), 6)  # Halland's six municipalities
        spec = json.loads(
            re.search(r'id="trend-spec"[^>]*>(.*?)</script>', response.content.decode(), re.S)[1]
        )
        own = next(
            layer
            for layer in spec["layer"]
            if layer["mark"]["type"] == "line" and "color" in layer["encoding"]
        )
        values = {row["year"]: row["value"] for row in own["data"]["values"]}
        self.assertEqual(values[2025], 236.3)
        self.assertEqual(values[2016], 239.6)
        first_row = next(r for r in ctx["table"] if r["point"].year == 2025)
        self.assertAlmostEqual(first_row["change"], 236.3 - 239.6)
        self.assertIsNotNone(first_row["band"])
        # Residuals for every year, each from a model across the municipalities with complete
        # background shares and at least 15 pupils (246 to 282 of 290, by year).
        expected = ctx["expected"]
        self.assertEqual([y.year for y in expected.years], list(range(2016, 2026)))
        self.assertTrue(all(240 < y.units <= 290 for y in expected.years))
        self.assertIsNotNone(expected.trend)
        self.assertContains(response, 'id="residual-spec"')
        self.assertContains(response, 'id="residual-trend"')

    def test_the_default_comparison_is_similar_municipalities_and_never_a_ranking(self):
        self.login(self.olle)
        response = self.client.get(
            reverse("indicators:indicator_detail", args=[self.owner.pk, "grade9-merit"])
        )
        group = response.context["group"]
        if not (kolada_dir() / "municipality_groups.csv").exists():
            self.skipTest("Kolada groups not in shared data")
        self.assertEqual(group.key, "similar")
        self.assertIn("Kungsbacka", group.label)
        self.assertNotContains(response, "rank")

    def test_municipal_schools_only(self):
        self.login(self.olle)
        url = reverse("indicators:indicator_detail", args=[self.owner.pk, "grade9-merit"])
        response = self.client.get(url, {"owner_type": "municipal"})
        values = {p.year: p.value for p in response.context["series"][0].points}
        self.assertEqual(values[2019], 238.0)
        response = self.client.get(url, {"group": ""})  # "no comparison" is honoured
        self.assertIsNone(response.context["group"])

    def test_an_indicator_without_values_says_so(self):
        self.login(self.olle)
        url = reverse("indicators:indicator_detail", args=[self.owner.pk, "diploma-within-3-years"])
        response = self.client.get(url)
        self.assertIsNone(response.context["trend_spec"])
        self.assertIsNone(response.context["expected"])

    def test_an_unknown_indicator_is_404(self):
        self.login(self.olle)
        url = reverse("indicators:indicator_detail", args=[self.owner.pk, "no-such"])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_api_gives_the_same_series(self):
        self.login(self.olle)
        data = self.client.get(
            reverse("api:indicator_series", args=[self.owner.pk, "grade9-merit"])
        ).json()
        self.assertEqual(data["municipality_code"], "1384")
        points = {p["year"]: p["value"] for p in data["series"][0]["points"]}
        self.assertEqual(points[2025], 236.3)
        self.assertEqual(len(data["residuals"]), 10)


class ManagePagesTests(BaseTestCase):
    """In English, so that messages are asserted in the source language."""

    def setUp(self):
        super().setUp()
        User.objects.update(language="en")
        translation.activate("en")

    def test_an_owner_admin_adds_an_own_indicator(self):
        self.login(self.olle)
        url = reverse("indicators:indicator_create", args=[self.owner.pk])
        response = self.client.post(
            url,
            {
                "code": "merit-16",
                "name_sv": "Meritvärde 16 ämnen",
                "name_en": "Merit value 16 subjects",
                "unit": "points",
                "higher_is_better": "on",
                "skolverket_report": "Grundskola - Jämförelse av betygsresultat över tid",
                "skolverket_measure": "Genomsnittligt meritvärde (16 ämnen)",
            },
        )
        self.assertRedirects(response, reverse("indicators:overview", args=[self.owner.pk]))
        indicator = Indicator.objects.get(owner=self.owner, code="merit-16")
        self.assertEqual(indicator.unit, "points")
        # The school below sees it; another owner's school does not.
        Organisation.objects.filter(pk=self.owner.pk).update(municipality_code="1384")
        self.login(self.pia)
        response = self.client.get(reverse("indicators:overview", args=[self.school.pk]))
        codes = [row["indicator"].code for row in response.context["rows"]]
        self.assertIn("merit-16", codes)
        self.assertIn("grade9-merit", codes)
        Organisation.objects.filter(pk=self.other_owner.pk).update(municipality_code="1383")
        self.login(self.charlie)
        response = self.client.get(reverse("indicators:overview", args=[self.other_school.pk]))
        codes = [row["indicator"].code for row in response.context["rows"]]
        self.assertNotIn("merit-16", codes)
        self.assertIn("grade9-merit", codes)

    def test_an_indicator_needs_a_source(self):
        self.login(self.olle)
        response = self.client.post(
            reverse("indicators:indicator_create", args=[self.owner.pk]),
            {"code": "x", "name_sv": "x", "name_en": "x", "unit": "percent"},
        )
        self.assertContains(response, "Name a Skolverket measure or a Kolada KPI.")

    def test_a_platform_admin_uploads_files_and_a_bad_one_is_refused(self):
        self.login(self.adam)
        url = reverse("indicators:import")
        from django.core.files.uploadedfile import SimpleUploadedFile

        from samsyn.indicators.tests.helpers import PER_YEAR_CSV

        good = SimpleUploadedFile("g6.csv", PER_YEAR_CSV.encode())
        response = self.client.post(url, {"files": [good]}, follow=True)
        self.assertContains(response, "g6.csv: 8 values added, 0 changed, 0 already there.")
        bad = SimpleUploadedFile("bad.csv", b"Hello;World\n")
        response = self.client.post(url, {"files": [bad]})
        self.assertContains(response, "bad.csv: no header row was found.")

    def test_an_owner_admin_links_the_owner_to_a_municipality(self):
        services.municipalities_load(path=kolada_dir() / "municipalities.csv") if (
            kolada_dir() / "municipalities.csv"
        ).exists() else None
        from samsyn.indicators.models import Municipality

        Municipality.objects.get_or_create(code="1383", defaults={"name": "Varberg"})
        self.login(self.olle)
        url = reverse("indicators:municipality_link", args=[self.owner.pk])
        response = self.client.post(url, {"code": "1383"})
        self.assertRedirects(response, reverse("indicators:overview", args=[self.owner.pk]))
        self.owner.refresh_from_db()
        self.assertEqual(self.owner.municipality_code, "1383")

    def test_a_region_lists_its_owners_by_name(self):
        Membership.objects.create(user=self.rita, organisation=self.region, role=Role.OWNER_ADMIN)
        Organisation.objects.create(kind="owner", name="Alfakommun", parent=self.region)
        self.login(self.rita)
        response = self.client.get(reverse("indicators:overview", args=[self.region.pk]))
        names = [o.name for o in response.context["owners"]]
        self.assertEqual(names, sorted(names))
        self.assertIn("Testkommun", names)


class HomeActionsTests(BaseTestCase):
    def test_the_home_page_offers_indicators_and_surveys_to_whom_they_apply(self):
        self.login(self.pia)
        response = self.client.get(reverse("home"))
        self.assertContains(response, reverse("indicators:overview", args=[self.school.pk]))
        self.assertContains(response, reverse("indicators:survey_list", args=[self.school.pk]))
        self.assertNotContains(response, reverse("indicators:import"))
        self.login(self.alice)
        response = self.client.get(reverse("home"))
        self.assertContains(response, reverse("indicators:overview", args=[self.school.pk]))
        self.assertNotContains(response, reverse("indicators:survey_list", args=[self.school.pk]))
        self.login(self.adam)
        self.assertContains(self.client.get(reverse("home")), reverse("indicators:import"))

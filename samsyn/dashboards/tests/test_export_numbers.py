"""Exports hold numbers as numbers: intervals in two numeric columns, read back with openpyxl."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from samsyn.dashboards.charts import CHARTS
from samsyn.dashboards.tests.test_dashboards import SchoolWorld

# The headers' endings in either language (the reader's profile decides).
LOWER = (", lower", ", nedre gräns")
UPPER = (", upper", ", övre gräns")


class ExportNumberTests(SchoolWorld):
    def url(self, fmt: str) -> str:
        return reverse("dashboards:school_export", args=[self.school.pk, fmt])

    def change_rows(self) -> tuple[tuple, list[tuple]]:
        from openpyxl import load_workbook

        self.login(self.pia)
        response = self.client.get(self.url("xlsx"))
        self.assertEqual(response.status_code, 200)
        book = load_workbook(io.BytesIO(response.content))
        rows = list(book[str(CHARTS["change"].title)[:28]].iter_rows(values_only=True))
        header = rows[1]
        body = [r for r in rows[2:] if r and r[0] and isinstance(r[1], int | float)]
        return header, body

    def test_intervals_are_two_numeric_columns(self) -> None:
        header, body = self.change_rows()
        self.assertTrue(body, "the change sheet has rows with numbers")
        lower = [i for i, name in enumerate(header) if str(name).endswith(LOWER)]
        upper = [i for i, name in enumerate(header) if str(name).endswith(UPPER)]
        self.assertEqual(len(lower), 2)  # the change's interval and the effect size's
        self.assertEqual([i + 1 for i in lower], upper)
        change = lower[0] - 1
        for row in body:
            for i in lower[:1] + upper[:1]:  # (the effect size has no interval without spread)
                self.assertIsInstance(row[i], int | float, (header[i], row[i]))
            self.assertLessEqual(row[lower[0]], row[change])
            self.assertLessEqual(row[change], row[upper[0]])

    def test_no_number_is_stored_as_text(self) -> None:
        from openpyxl import load_workbook

        self.login(self.pia)
        response = self.client.get(self.url("xlsx"))
        book = load_workbook(io.BytesIO(response.content))
        numeric_text = []
        for sheet in book.worksheets[1:]:
            for row in sheet.iter_rows(min_row=3, values_only=True):
                for cell in row[1:]:
                    text = str(cell).replace("−", "-").replace(",", ".").replace(" – ", " ")
                    if isinstance(cell, str) and all(
                        part.lstrip("-").replace(".", "", 1).isdigit() for part in text.split()
                    ):
                        numeric_text.append((sheet.title, cell))
        self.assertEqual(numeric_text, [])

    def test_csv_has_the_same_columns(self) -> None:
        self.login(self.pia)
        response = self.client.get(self.url("csv"))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header = next(r for r in rows if any(c.endswith(LOWER) for c in r))
        self.assertEqual(sum(c.endswith(UPPER) for c in header), 2)


class PdfPagesTests(SchoolWorld):
    def test_no_page_is_blank_or_a_lone_heading(self) -> None:
        """A tall figure kept with its table was pushed past the page its heading started on:
        page 2 held only a heading."""
        import pypdfium2

        self.login(self.pia)
        response = self.client.get(
            reverse("dashboards:school_export", args=[self.school.pk, "pdf"])
        )
        self.assertEqual(response.status_code, 200)
        pdf = pypdfium2.PdfDocument(response.content)
        lonely = []
        for i in range(len(pdf)):
            text = pdf[i].get_textpage().get_text_range()
            lines = [line for line in text.splitlines() if line.strip()]
            if len(lines) <= 2:  # a heading and the page number, or nothing
                lonely.append((i + 1, lines))
        self.assertEqual(lonely, [])

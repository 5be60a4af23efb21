"""Kolada from a file (v3 JSON, Kolada's CSV/Excel export) and a fetch that fails visibly."""

from __future__ import annotations

import io
import json
import urllib.error
from decimal import Decimal
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from samsyn.indicators import services
from samsyn.indicators.kolada_files import KoladaFileRefused, parse
from samsyn.indicators.models import KoladaFetch, Municipality, StatValue
from samsyn.indicators.tests.test_kolada import Recorded
from samsyn.test import BaseTestCase

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def cells(values) -> dict:
    return {(v.kpi, v.municipality, v.year, v.gender): (v.value, v.status) for v in values}


def test_the_api_json_gives_the_same_values_as_the_file_holds():
    pages = [json.loads((FIXTURES / f"kolada_page{n}.json").read_text()) for n in (1, 2)]
    data = json.dumps(pages).encode()  # the pages one after the other, as saved from the API
    expected = {}
    for row in [r for page in pages for r in page["values"]]:
        if row.get("isdeleted") or row.get("is_deleted"):
            continue
        for item in row["values"]:
            if item.get("isdeleted") or item.get("is_deleted"):
                continue
            raw = item["value"]
            value = None if raw is None else Decimal(str(raw))
            status = item["status"] or ("Missing" if raw is None else "")
            expected[(row["kpi"], row["municipality"], int(row["period"]), item["gender"])] = (
                value,
                status,
            )
    assert cells(parse("kolada.json", data)) == expected
    assert any(v[0] is None for v in expected.values())  # a null stays missing


LONG_CSV = (
    "Nyckeltal;Kommun;År;Kön;Värde\n"
    "N15419;Kungsbacka;2024;Totalt;81,5\n"
    "N15419;1383;2024;Kvinnor;-\n"
    "N15419;Varberg;2023;T;77\n"
    "N15419;Varberg;2022;T;\n"
)


def test_a_long_table_with_names_dashes_and_empty_cells():
    got = cells(parse("k.csv", LONG_CSV.encode(), names={"Kungsbacka": "1384", "Varberg": "1383"}))
    assert got == {
        ("N15419", "1384", 2024, "T"): (Decimal("81.5"), ""),
        ("N15419", "1383", 2024, "K"): (None, "Missing"),
        ("N15419", "1383", 2023, "T"): (Decimal("77"), ""),
    }


def wide_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["N15504 Elever i åk 9: genomsnittligt meritvärde, lägeskommun"])
    sheet.append([None])
    sheet.append(["Kommun", "2022", "2023", "2024"])
    sheet.append(["Kungsbacka", 238.5, 240.2, 241.8])
    sheet.append(["1383", None, 229.9, "–"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_wide_excel_export_with_the_kpi_above_the_table():
    got = cells(parse("k.xlsx", wide_xlsx(), names={"kungsbacka": "1384"}))
    assert got == {
        ("N15504", "1384", 2022, "T"): (Decimal("238.5"), ""),
        ("N15504", "1384", 2023, "T"): (Decimal("240.2"), ""),
        ("N15504", "1384", 2024, "T"): (Decimal("241.8"), ""),
        ("N15504", "1383", 2023, "T"): (Decimal("229.9"), ""),
        ("N15504", "1383", 2024, "T"): (None, "Missing"),
    }


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.json", b'{"values": [{"foo": 1}]}', "expected Kolada's v3 data"),
        ("a.json", b"{not json", "is not readable JSON"),
        ("a.csv", b"Hello;World\n1;2\n", "no header row was found"),
        ("a.csv", b"Kommun;2024\n1384;5\n", "no column “Nyckeltal” and no KPI id"),
        ("a.csv", LONG_CSV.replace("Kungsbacka", "Atlantis").encode(), "“Atlantis” is neither"),
        ("a.csv", LONG_CSV.replace("81,5", "abc").encode(), "row 2, column “Värde”"),
        ("a.csv", LONG_CSV.replace("Totalt", "X").encode(), "unknown gender “X”"),
    ],
)
def test_what_is_not_understood_is_named(name, data, message):
    with pytest.raises(KoladaFileRefused) as caught:
        parse(name, data, names={"Kungsbacka": "1384", "Varberg": "1383"})
    assert message in str(caught.value)


class KoladaFileImportTests(BaseTestCase):
    def test_files_are_stored_all_or_none_and_idempotently(self):
        Municipality.objects.create(code="1384", name="Kungsbacka")
        Municipality.objects.create(code="1383", name="Varberg")
        files = [("k.csv", LONG_CSV.encode()), ("k.xlsx", wide_xlsx())]
        first = services.kolada_file_import(files=files)
        self.assertEqual([r.created for r in first], [3, 5])
        again = services.kolada_file_import(files=files)
        self.assertEqual([r.created for r in again], [0, 0])
        value = StatValue.objects.get(measure="N15419", municipality_code="1384", group="T")
        self.assertEqual(value.value, Decimal("81.5"))
        with self.assertRaises(KoladaFileRefused):
            services.kolada_file_import(
                files=[("new.csv", LONG_CSV.replace("2024", "2030").encode()), ("bad.csv", b"x")]
            )
        self.assertFalse(StatValue.objects.filter(year=2030).exists())

    def test_an_admin_uploads_a_file_and_a_bad_one_is_named_on_the_page(self):
        self.login(self.adam)
        upload = io.BytesIO((FIXTURES / "kolada_page1.json").read_bytes())
        upload.name = "kolada.json"
        response = self.client.post(reverse("indicators:kolada_upload"), {"kolada_files": upload})
        self.assertRedirects(response, reverse("indicators:import"))
        self.assertTrue(StatValue.objects.filter(source="kolada").exists())
        bad = io.BytesIO(b"Hello;World\n")
        bad.name = "bad.csv"
        with translation.override("en"):
            response = self.client.post(
                reverse("indicators:kolada_upload"),
                {"kolada_files": bad},
                HTTP_ACCEPT_LANGUAGE="en",
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("bad.csv", response.content.decode())


class FailedFetchTests(BaseTestCase):
    def fetch(self, opener):
        self.login(self.adam)
        with (
            mock.patch("samsyn.indicators.kolada.urllib.request.urlopen", opener),
            mock.patch("samsyn.indicators.kolada.time.sleep"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            return self.client.post(
                reverse("indicators:kolada_fetch"),
                {"municipalities": "1384", "first_year": 2023, "last_year": 2024},
            )

    def test_a_failed_fetch_shows_its_reason_and_can_be_retried(self):
        def down(request, timeout):
            raise urllib.error.URLError("no route to api.kolada.se")

        self.fetch(down)
        fetch = KoladaFetch.objects.get()
        self.assertEqual(fetch.state, KoladaFetch.State.FAILED)
        self.assertIn("no route to api.kolada.se", fetch.error)
        page = self.client.get(reverse("indicators:import")).content.decode()
        self.assertIn("no route to api.kolada.se", page)
        self.assertIn(reverse("indicators:kolada_retry", args=[fetch.pk]), page)

        recorded = Recorded({"*": "kolada_group.json"})
        with (
            mock.patch("samsyn.indicators.kolada.urllib.request.urlopen", recorded),
            mock.patch("samsyn.indicators.kolada.time.sleep"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(reverse("indicators:kolada_retry", args=[fetch.pk]))
        self.assertRedirects(response, reverse("indicators:import"))
        fetch.refresh_from_db()
        self.assertEqual((fetch.state, fetch.error), (KoladaFetch.State.DONE, ""))
        self.assertGreater(fetch.created, 0)
        page = self.client.get(reverse("indicators:import")).content.decode()
        self.assertNotIn("no route to api.kolada.se", page)

    def test_only_a_failed_fetch_can_be_retried(self):
        self.fetch(Recorded({"*": "kolada_group.json"}))
        fetch = KoladaFetch.objects.get()
        self.assertEqual(fetch.state, KoladaFetch.State.DONE)
        response = self.client.post(reverse("indicators:kolada_retry", args=[fetch.pk]))
        self.assertEqual(response.status_code, 404)

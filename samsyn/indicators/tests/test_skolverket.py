"""Skolverket's exports: the parser (synthetic files for each rule) and the import service."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from samsyn.indicators import services
from samsyn.indicators.models import ImportBatch, Municipality, StatValue
from samsyn.indicators.skolverket import ImportRefused, parse, parse_number, year_of
from samsyn.indicators.tests.helpers import (
    GRADE6_2024,
    OVER_TIME_CSV,
    PER_YEAR_CSV,
    TESTS_2019,
    TWO_ROW_CSV,
    real_file,
)
from samsyn.test import BaseTestCase


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


def cells(parsed):
    return {
        (v.municipality_code, v.owner_type, v.measure, v.subject, v.group, v.year): (
            v.value,
            v.status,
        )
        for v in parsed.values
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("74,9", (Decimal("74.9"), "")),
        ("4 102", (Decimal("4102"), "")),
        ("4\u00a0102", (Decimal("4102"), "")),
        ("12 345,5", (Decimal("12345.5"), "")),
        ("..", (None, "..")),
        (".", (None, ".")),
        ("~100", (None, "~100")),
        ("*", (None, "*")),
        ("-", (None, "-")),
        (224.5, (Decimal("224.5"), "")),
        (434, (Decimal("434"), "")),
        ("", None),
        (None, None),
    ],
)
def test_it_parses_numbers_and_keeps_markers_as_status(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["7 4,9", "abc", "1,2,3", "~99", "--", "- 3"])
def test_it_refuses_what_is_not_a_number(raw):
    with pytest.raises(ValueError):
        parse_number(raw)


def test_a_school_year_is_its_spring_term():
    assert year_of("2023/24") == 2024
    assert year_of("1999/00") == 2000
    with pytest.raises(ValueError):
        year_of("2023/25")


def test_it_reads_the_per_school_year_layout():
    parsed = parse("g6.csv", PER_YEAR_CSV.encode())
    assert parsed.report == "Grundskola - Betyg årskurs 6, testrapport"
    got = cells(parsed)
    assert got[("1440", "all", "Antal elever", "", "", 2024)] == (Decimal("4102"), "")
    assert got[("1440", "all", "Andel (%) godkänt", "", "", 2024)] == (Decimal("74.9"), "")
    assert got[("1440", "independent", "Andel (%) godkänt", "", "", 2024)] == (None, "~100")
    assert got[("1489", "all", "Antal elever", "", "", 2024)] == (None, "..")
    assert got[("1489", "all", "Andel (%) godkänt", "", "", 2024)] == (None, ".")
    assert got[("1489", "municipal", "Antal elever", "", "", 2024)] == (None, "*")
    assert len(parsed.values) == 8  # the notes after the blank line are not data
    assert parsed.municipalities["1440"] == ("Ale", "14")


def test_it_reads_two_header_rows():
    got = cells(parse("np.csv", TWO_ROW_CSV.encode()))
    measure = "Andel (%) med provbetyg A-E"
    assert got[("1440", "all", measure, "Engelska", "Totalt", 2019)] == (Decimal("96.0"), "")
    assert got[("1440", "all", measure, "Engelska", "Pojkar", 2019)] == (None, "~100")
    assert got[("1440", "all", measure, "Matematik", "Flickor", 2019)] == (None, "..")


def test_it_reads_the_over_time_layout_with_a_measure_heading():
    got = cells(parse("amne.csv", OVER_TIME_CSV.encode()))
    measure = "Andel (%) godkänt i ämnet"
    assert got[("1440", "all", measure, "Bild", "", 2025)] == (Decimal("100.0"), "")
    assert got[("1440", "all", measure, "Bild", "", 2024)] == (None, ".")
    assert got[("1440", "municipal", measure, "Matematik", "", 2024)] == (None, "..")


def test_it_reads_csv_without_bom_and_with_tabs():
    text = PER_YEAR_CSV.lstrip("\ufeff").replace(";", "\t")
    assert len(parse("tabs.csv", text.encode("utf-8")).values) == 8
    assert len(parse("latin.csv", PER_YEAR_CSV.lstrip("\ufeff").encode("cp1252")).values) == 8


def xlsx(rows_by_sheet: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in rows_by_sheet.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_reads_xlsx_with_one_sheet_per_owner_type():
    def sheet(owner, value):
        return [
            [None],
            ["Grundskola - Jämförelse av betygsresultat över tid"],
            [f"Typ av huvudman: {owner}"],
            ["Valt läsår: 2024/25"],
            [None],
            ["Kommun", "Kommunkod", "Län", "Länskod", "Uppgift", "2024/25", "2023/24"],
            ["Ale", "1440", "Västra Götalands län", "14", "Genomsnittligt meritvärde", value, ".."],
            ["Salem", 128, "Stockholms län", 1, "Genomsnittligt meritvärde", 230, 228.5],
        ]

    data = xlsx(
        {
            "Samtliga": sheet("Samtliga", 224.5),
            "Enskild": sheet("Enskild", "~100"),
            "Rapportbeskrivning": [["Rapportbeskrivning och definitioner"]],
        }
    )
    parsed = parse("g9.xlsx", data)
    got = cells(parsed)
    assert got[("1440", "all", "Genomsnittligt meritvärde", "", "", 2025)] == (Decimal("224.5"), "")
    assert got[("1440", "independent", "Genomsnittligt meritvärde", "", "", 2025)] == (None, "~100")
    assert got[("1440", "all", "Genomsnittligt meritvärde", "", "", 2024)] == (None, "..")
    assert got[("0128", "all", "Genomsnittligt meritvärde", "", "", 2024)] == (Decimal("228.5"), "")
    assert parsed.sheets_skipped == ["Rapportbeskrivning"]


def test_it_reads_xlsx_in_the_per_year_layout_with_two_header_rows():
    rows = [
        ["Statistik från Skolverket, https://www.skolverket.se"],
        [None],
        ["Grundskola - Resultat nationella prov årskurs 9"],
        ["Valt läsår: 2023/24"],
        [None],
        [
            None,
            None,
            None,
            None,
            None,
            None,
            "Andel (%) med provbetyg A-E",
            "Andel (%) med provbetyg A-E",
        ],
        ["Kommun", "Kommun-kod", "Län", "Läns-kod", "Typ av huvudman", "Ämne", "Flickor", "Pojkar"],
        ["Ale", "1440", "Västra Götalands län", "14", "Samtliga", "Engelska", "~100", 96.5],
        ["Ale", "1440", "Västra Götalands län", "14", "Kommunal", "Engelska", 95, "*"],
        [None],
        ["Rapportbeskrivning och definitioner etc."],
    ]
    got = cells(parse("np.xlsx", xlsx({"Sheet": rows})))
    measure = "Andel (%) med provbetyg A-E"
    assert got == {
        ("1440", "all", measure, "Engelska", "Flickor", 2024): (None, "~100"),
        ("1440", "all", measure, "Engelska", "Pojkar", 2024): (Decimal("96.5"), ""),
        ("1440", "municipal", measure, "Engelska", "Flickor", 2024): (Decimal("95"), ""),
        ("1440", "municipal", measure, "Engelska", "Pojkar", 2024): (None, "*"),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hello;World\n1;2\n", "no header row"),
        (PER_YEAR_CSV.replace("Valt läsår: 2023/24\n", ""), "line 5: expected a line “Valt läsår"),
        (PER_YEAR_CSV.replace("4 102;74,9", "4 102;abc"), "line 7, column “Andel (%) godkänt”"),
        (
            PER_YEAR_CSV.replace(
                "Ale;1440;Västra Götalands län;14;Samtliga", "Ale;14x0;V;14;Samtliga"
            ),
            "line 7: expected a four-digit municipality code",
        ),
        (PER_YEAR_CSV.replace("Enskild;24", "Privat;24"), "line 8: unknown owner type “Privat”"),
        (PER_YEAR_CSV.replace("Kommun-kod;", "Kod;"), "expected a column “Kommun-kod”"),
        (PER_YEAR_CSV.replace("4 102;74,9;", "4 102;74,9;12;"), "line 7: expected 7 columns"),
        (
            OVER_TIME_CSV.replace("2024/25;2023/24;", "2024/25;Kommentar;"),
            "comes after the school-year",
        ),
    ],
)
def test_it_refuses_unknown_shapes_naming_line_and_expectation(text, message):
    with pytest.raises(ImportRefused) as caught:
        parse("bad.csv", text.encode())
    assert message in str(caught.value)
    assert "bad.csv" in str(caught.value)


class ImportTests(BaseTestCase):
    def test_it_imports_idempotently_and_records_one_batch(self):
        first = services.skolverket_import(files=[("g6.csv", PER_YEAR_CSV.encode())])
        assert (first[0].created, first[0].updated, first[0].unchanged) == (8, 0, 0)
        before = list(StatValue.objects.order_by("pk").values())
        again = services.skolverket_import(files=[("g6.csv", PER_YEAR_CSV.encode())])
        assert (again[0].created, again[0].updated, again[0].unchanged) == (0, 0, 8)
        assert again[0].batch is None
        assert list(StatValue.objects.order_by("pk").values()) == before
        assert ImportBatch.objects.count() == 1

    def test_a_changed_value_is_updated_not_duplicated(self):
        services.skolverket_import(files=[("g6.csv", PER_YEAR_CSV.encode())])
        changed = PER_YEAR_CSV.replace("4 102;74,9", "4 102;75,1")
        result = services.skolverket_import(files=[("g6b.csv", changed.encode())])[0]
        assert (result.created, result.updated, result.unchanged) == (0, 1, 7)
        value = StatValue.objects.get(
            municipality_code="1440", owner_type="all", measure="Andel (%) godkänt"
        )
        assert value.value == Decimal("75.1")

    def test_a_refused_file_leaves_nothing_half_imported(self):
        bad = PER_YEAR_CSV.replace(
            "Alingsås;1489;Västra Götalands län;14;Kommunal;*", "X;1489;V;14;Kommunal;abc"
        )
        with translation.override("en"), pytest.raises(ImportRefused, match="line 10"):
            services.skolverket_import(
                files=[("ok.csv", TWO_ROW_CSV.encode()), ("bad.csv", bad.encode())]
            )
        assert not StatValue.objects.exists()
        assert not ImportBatch.objects.exists()
        assert not Municipality.objects.exists()

    def test_markers_are_stored_as_status_never_as_numbers(self):
        services.skolverket_import(files=[("g6.csv", PER_YEAR_CSV.encode())])
        markers = StatValue.objects.exclude(status="")
        assert sorted(markers.values_list("status", flat=True)) == ["*", ".", "..", "~100"]
        assert not markers.exclude(value=None).exists()


class OtherRealFilesTests(BaseTestCase):
    def test_grade6_and_national_tests_cells(self):
        services.skolverket_import(files=[real_file(GRADE6_2024), real_file(TESTS_2019)])
        g6 = StatValue.objects.get(
            measure="Andel (%) elever som fått godkänt betyg i alla ämnen",
            municipality_code="1440",
            owner_type="all",
            year=2024,
        )
        self.assertEqual((g6.value, g6.school_year), (Decimal("74.9"), "2023/24"))
        np = StatValue.objects.get(
            measure="Andel (%) med provbetyg A-E",
            subject="Svenska som andraspråk",
            group="Flickor",
            municipality_code="1440",
            owner_type="all",
            year=2019,
        )
        self.assertEqual((np.value, np.status), (None, "~100"))

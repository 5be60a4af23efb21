"""One file of every Skolverket layout, imported into the database and checked cell by cell
(the real files: all of shared/'s exports imported together, once, in `RealFilesTests`).

The expected cells are read here straight from the file with `csv`/`openpyxl`, from a layout
written down by hand for each file (which row holds the measures, which the categories, which
column the subject…); the importer has to work that out from the content. The real exports
come from ../shared/data (skipped, saying why, where it is absent); the layouts Skolverket
publishes that shared/ lacks are synthesised below: categories *above* measures (grade 6 per
gender, teachers' certification), merged XLSX headers, a "Kommun" cell spanning two rows and
the economic reports ("Valt år: 2024"). Runs on SQLite and, with DATABASE_URL, PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import random
import unittest
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from samsyn.indicators import services
from samsyn.indicators.models import StatValue
from samsyn.indicators.skolverket import ImportRefused, parse
from samsyn.indicators.tests.helpers import real_file, skolverket_dir
from samsyn.test import BaseTestCase

MARKERS = {"..", ".", "-", "~100", "*"}
OWNERS = {"Samtliga": "all", "Kommunal": "municipal", "Enskild": "independent"}
ALL_OWNERS = OWNERS | {
    "Internationella skolor": "international",
    "Statlig": "state",
    "Region": "region",
}


@dataclass
class Layout:
    """Where things are, 0-based, as seen by a person reading the file."""

    kommun_row: int  # the row starting with "Kommun"
    measure_row: int | None = None  # None: the measures are on the "Kommun" row
    group_row: int | None = None
    data_from: int | None = None  # default: the row after the last header row
    owner_col: int | None = 4
    owner: str = ""  # fixed owner type when there is no column
    code_col: int = 1
    first_value_col: int = 5
    subject_col: int | None = None
    group_col: int | None = None
    uppgift_col: int | None = None  # the row's measure (over time)
    heading_col: int | None = None  # heading = measure, cells = subject (over time)
    year: int | None = None  # per school year; None: the value columns are years
    school_year: str = ""
    extra: dict = field(default_factory=dict)


def _expected_value(raw) -> tuple[Decimal | None, str] | None:
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return Decimal(str(raw)), ""
    text = str(raw).replace("\u00a0", " ").strip()
    if not text:
        return None
    if text in MARKERS:
        return None, text
    return Decimal(text.replace(" ", "").replace(",", ".")), ""


def _year(label: str) -> int:
    return int(label[:4]) + 1 if "/" in label else int(label)


def expected_cells(rows: list[list], layout: Layout, owner: str = "") -> dict:
    """(code, owner, measure, subject, group, year) → (value, status), read by hand."""

    def label(row: int | None, col: int) -> str:
        if row is None:
            return ""
        cells = rows[row]
        # a merged XLSX cell holds its text in the first cell only: look left
        for c in range(col, layout.first_value_col - 1, -1):
            if c < len(cells) and cells[c] not in (None, ""):
                return str(cells[c]).strip()
        return ""

    kommun = rows[layout.kommun_row]
    width = max(
        len(rows[r] or []) for r in (layout.kommun_row, layout.measure_row) if r is not None
    )
    last_header = max(
        r for r in (layout.kommun_row, layout.measure_row, layout.group_row) if r is not None
    )
    start = layout.data_from if layout.data_from is not None else last_header + 1
    out = {}
    for cells in rows[start:]:
        cells = list(cells) + [None] * (width - len(cells))
        if not any(c not in (None, "") for c in cells):
            break
        code = str(cells[layout.code_col]).zfill(4)
        own = owner or layout.owner or ALL_OWNERS[cells[layout.owner_col]]
        subject = cells[layout.subject_col] if layout.subject_col is not None else ""
        group_dim = cells[layout.group_col] if layout.group_col is not None else ""
        measure_dim = cells[layout.uppgift_col] if layout.uppgift_col is not None else ""
        if layout.heading_col is not None:
            measure_dim, subject = kommun[layout.heading_col], cells[layout.heading_col]
        for col in range(layout.first_value_col, width):
            value = _expected_value(cells[col])
            if value is None:
                continue
            if layout.year is None:
                year = _year(str(kommun[col]))
                measure = label(layout.measure_row, col) or measure_dim
            else:
                year = layout.year
                measure_row = layout.measure_row
                measure = label(measure_row if measure_row is not None else layout.kommun_row, col)
                if measure_row is not None and not measure:
                    measure = str(kommun[col]).strip()
            group = label(layout.group_row, col) or group_dim
            out[(code, own, measure, subject or "", group or "", year)] = value
    return out


def csv_rows(data: bytes) -> list[list]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def stored(name: str) -> dict:
    """The cells the import stored from file `name` (rows, not model instances: up to 141,000)."""
    rows = StatValue.objects.filter(batch__name=name).values_list(
        "municipality_code", "owner_type", "measure", "subject", "group", "year", "value", "status"
    )
    return {tuple(row[:6]): (row[6], row[7]) for row in rows}


def normalised(cells: dict) -> dict:
    """Decimals compared by value (the database pads to four decimals)."""
    return {k: (None if v is None else v.normalize(), s) for k, (v, s) in cells.items()}


# Synthesised exports ----------------------------------------------------------------------------

PREAMBLE = ["Statistik från Skolverket, https://www.skolverket.se", ""]
KEYS = ["Kommun", "Kommun-kod", "Län", "Läns-kod", "Typ av huvudman"]
PLACES = [
    ("Ale", "1440", "Västra Götalands län", "14"),
    ("Kungsbacka", "1384", "Hallands län", "13"),
    ("Upplands Väsby", "0114", "Stockholms län", "01"),
]


def _cell(rng: random.Random, *, text: bool) -> object:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(sorted(MARKERS))
    number = round(rng.uniform(0, 100), 1)
    return f"{number}".replace(".", ",") if text else number


def categories_above_csv(seed: int = 1) -> tuple[str, bytes, Layout]:
    """Grade 6 per gender: Totalt/Flickor/Pojkar *above* the measures."""
    rng = random.Random(seed)
    measures = [
        "Andel (%) elever som fått godkänt betyg i alla ämnen",
        "Antal elever",
    ]
    groups = ["Totalt", "Flickor", "Pojkar"]
    lines = [
        *PREAMBLE,
        "Grundskola - Betyg årskurs 6, andel som fått godkänt betyg (A-E), per kön",
        "Valt läsår: 2024/25",
        "",
        ";" * 5 + ";".join(g for g in groups for _m in measures) + ";",
        ";".join(KEYS) + ";" + ";".join(m for _g in groups for m in measures) + ";",
    ]
    for place in PLACES:
        for owner in OWNERS:
            cells = [_cell(rng, text=True) for _ in range(6)]
            lines.append(";".join([*place, owner, *cells]) + ";")
    lines += ["", "Rapportbeskrivning och definitioner etc."]
    data = ("\ufeff" + "\n".join(lines) + "\n").encode()
    layout = Layout(kommun_row=6, measure_row=6, group_row=5, year=2025)
    return "Grundskola - Betyg årskurs 6 per kön 2025 Kommun.csv", data, layout


def teachers_csv(seed: int = 2) -> tuple[str, bytes, Layout]:
    """Personalstatistik: the categories above long measure labels (> 40 characters)."""
    rng = random.Random(seed)
    measures = [
        "Antal lärare (heltidstjänster)",
        "Andel (%) lärare med lärarlegitimation och behörighet i minst ett ämne",
    ]
    groups = ["Samtliga", "Kvinnor", "Män"]
    lines = [
        *PREAMBLE,
        "Grundskola - Personalstatistik med lärarlegitimation och behörighet",
        "Valt läsår: 2023/24",
        "",
        ";" * 5 + ";".join(g for g in groups for _m in measures) + ";",
        ";".join(KEYS) + ";" + ";".join(m for _g in groups for m in measures) + ";",
    ]
    for place in PLACES:
        for owner in OWNERS:
            lines.append(";".join([*place, owner, *(_cell(rng, text=True) for _ in range(6))]))
    data = ("\ufeff" + "\n".join(lines) + "\n").encode()
    layout = Layout(kommun_row=6, measure_row=6, group_row=5, year=2024)
    return "Personalstatistik 2024 Kommun.csv", data, layout


def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def merged_xlsx(seed: int = 3) -> tuple[str, bytes, Layout]:
    """Per gender in XLSX: each measure merged over its Totalt/Flickor/Pojkar columns."""
    rng = random.Random(seed)
    measures = ["Andel (%) med provbetyg A-E", "Genomsnittlig betygspoäng"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Samtliga"
    for row in [
        [PREAMBLE[0]],
        [None],
        ["Grundskola - Resultat nationella prov årskurs 9, provbetyg per kön"],
        ["Valt läsår: 2024/25"],
        [None],
    ]:
        sheet.append(row)
    upper = [None] * 6
    lower = [*KEYS, "Ämne"]
    for measure in measures:
        upper += [measure, None, None]
        lower += ["Totalt", "Flickor", "Pojkar"]
    sheet.append(upper)
    sheet.append(lower)
    sheet.merge_cells(start_row=6, start_column=7, end_row=6, end_column=9)
    sheet.merge_cells(start_row=6, start_column=10, end_row=6, end_column=12)
    for place in PLACES:
        for owner in OWNERS:
            for subject in ("Engelska", "Matematik"):
                cells = [_cell(rng, text=False) for _ in range(6)]
                sheet.append([*place, owner, subject, *cells])
    layout = Layout(kommun_row=6, measure_row=5, group_row=6, subject_col=5, first_value_col=6)
    layout.year = 2025
    return "Nationella prov per kön 2025 Kommun.xlsx", _save(book), layout


def tall_kommun_xlsx(seed: int = 4) -> tuple[str, bytes, Layout]:
    """ "Kommun" merged over two rows: measures beside it, the categories on the row below."""
    rng = random.Random(seed)
    measures = ["Antal elever", "Andel (%) behöriga till yrkesprogram"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kommunal"
    for row in [
        [PREAMBLE[0]],
        ["Grundskola - Behörighet per kön"],
        ["Typ av huvudman: Kommunal"],
        ["Valt läsår: 2024/25"],
        [None],
    ]:
        sheet.append(row)
    upper = ["Kommun", "Kommunkod", "Län", "Länskod"]
    lower = [None] * 4
    for measure in measures:
        upper += [measure, None]
        lower += ["Flickor", "Pojkar"]
    sheet.append(upper)
    sheet.append(lower)
    for col in range(1, 5):
        sheet.merge_cells(start_row=6, start_column=col, end_row=7, end_column=col)
    sheet.merge_cells(start_row=6, start_column=5, end_row=6, end_column=6)
    sheet.merge_cells(start_row=6, start_column=7, end_row=6, end_column=8)
    for place in PLACES:
        sheet.append(
            [place[0], int(place[1]), place[2], place[3]]
            + [_cell(rng, text=False) for _ in range(4)]
        )
    layout = Layout(
        kommun_row=5,
        measure_row=5,
        group_row=6,
        owner_col=None,
        owner="municipal",
        first_value_col=4,
        year=2025,
    )
    return "Behörighet per kön 2025.xlsx", _save(book), layout


def costs_csv(seed: int = 5) -> tuple[str, bytes, Layout]:
    """An economic report: "Valt år: 2024", no owner type (the municipality as a whole)."""
    rng = random.Random(seed)
    measures = [
        "Kostnad totalt (tkr)",
        "Kostnad per elev (kr)",
        "Undervisning, kostnad per elev (kr)",
    ]
    lines = [
        *PREAMBLE,
        "Grundskola - Kostnader per kommun",
        "Valt år: 2024",
        "",
        "Kommun;Kommun-kod;Län;Läns-kod;" + ";".join(measures) + ";",
    ]
    for place in PLACES:
        cells = [f"{rng.randint(1000, 999999):,}".replace(",", " ") for _ in measures]
        cells[1] = rng.choice(sorted(MARKERS)) if rng.random() < 0.3 else cells[1]
        lines.append(";".join([*place, *cells]) + ";")
    data = ("\ufeff" + "\n".join(lines) + "\n").encode()
    layout = Layout(kommun_row=5, owner_col=None, owner="all", first_value_col=4, year=2024)
    return "Grundskola - Kostnader 2024 Kommun.csv", data, layout


SYNTHESISED = [categories_above_csv, teachers_csv, merged_xlsx, tall_kommun_xlsx, costs_csv]


def xlsx_rows(data: bytes) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


class SynthesisedLayoutTests(BaseTestCase):
    def test_every_synthesised_layout_lands_cell_for_cell(self):
        for make in SYNTHESISED:
            name, data, layout = make()
            with self.subTest(file=name):
                services.skolverket_import(files=[(name, data)])
                if name.endswith(".xlsx"):
                    rows = next(iter(xlsx_rows(data).values()))
                else:
                    rows = csv_rows(data)
                expected = expected_cells(rows, layout)
                self.assertGreaterEqual(len(expected), 8)
                self.assertEqual(normalised(stored(name)), normalised(expected))

    def test_categories_land_in_the_group_never_in_the_measure(self):
        name, data, _layout = categories_above_csv()
        services.skolverket_import(files=[(name, data)])
        values = StatValue.objects.filter(batch__name=name)
        self.assertEqual(
            set(values.values_list("group", flat=True)), {"Totalt", "Flickor", "Pojkar"}
        )
        self.assertEqual(
            set(values.values_list("measure", flat=True)),
            {"Andel (%) elever som fått godkänt betyg i alla ämnen", "Antal elever"},
        )

    def test_a_long_label_fits(self):
        name, data, _layout = teachers_csv()
        services.skolverket_import(files=[(name, data)])
        longest = max(len(m) for m in StatValue.objects.values_list("measure", flat=True))
        self.assertGreater(longest, 40)


# Real exports -----------------------------------------------------------------------------------

ANTAL_2024 = "Grundskola - Antal elever per årskurs 2024 Kommun.csv"
NP = (
    "Grundskola - Resultat nationella prov årskurs 9, provbetyg per kön - Engelska, Matematik "
    "och Svenska_svenska som andraspråk {year} Kommun.csv"
)
AMNESBETYG = "Grundskola - Jämförelse av ämnesbetyg över tid 2025 Kommun_Åk9.csv"
BEHORIGHET = "behorighet_grundskola_2024_25.csv"
GRADE9 = "Grundskola - Jämförelse av betygsresultat över tid 2025 Kommun_Åk9.xlsx"


def _kommun_row(rows: list[list]) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] == "Kommun")


class RealFilesTests(BaseTestCase):
    """Every real export in shared/ imported in one go, once for this class (about 430,000
    values: importing the same files again for each test was a minute of CPU per database);
    the tests read it. The files' values do not overlap (each one is created by its own file's
    batch, checked below), so a file's batch holds exactly that file's cells."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        folder = skolverket_dir()
        cls.paths = (
            sorted(p for p in folder.glob("*") if p.suffix in (".csv", ".xlsx"))
            if folder.is_dir()
            else []
        )
        if not cls.paths:
            raise unittest.SkipTest(f"no Skolverket files in {folder}")
        cls.results = services.skolverket_import(
            files=[(p.name, p.read_bytes()) for p in cls.paths]
        )
        cls.result = {r.name: r for r in cls.results}.get(GRADE9)

    def test_every_shared_file_imports_in_one_go(self):
        self.assertEqual(len(self.results), len(self.paths))
        self.assertEqual(sum(r.created for r in self.results), StatValue.objects.count())
        self.assertTrue(all(r.created > 0 for r in self.results))
        statuses = set(StatValue.objects.values_list("status", flat=True).distinct())
        self.assertEqual(statuses, {"", "..", ".", "~100"})  # no "*" in these files
        self.assertFalse(StatValue.objects.exclude(status="").exclude(value=None).exists())

    # One file of each layout, cell by cell ------------------------------------------------

    def check_csv(self, name: str, **layout) -> None:
        _name, data = real_file(name)
        rows = csv_rows(data)
        at = _kommun_row(rows)
        if layout.pop("measure_above", False):
            layout.update(measure_row=at - 1, group_row=at)
        expected = expected_cells(rows, Layout(kommun_row=at, **layout))
        self.assertGreater(len(expected), 1000)
        self.assertEqual(normalised(stored(name)), normalised(expected))

    def test_per_school_year(self):
        self.check_csv(ANTAL_2024, year=2025)

    def test_measures_above_categories_with_a_subject(self):
        self.check_csv(
            NP.format(year=2019),
            measure_above=True,
            subject_col=5,
            first_value_col=6,
            year=2019,
        )

    def test_notes_between_preamble_and_header(self):
        self.check_csv(
            NP.format(year=2018), measure_above=True, subject_col=5, first_value_col=6, year=2018
        )

    def test_a_gender_column(self):
        self.check_csv(BEHORIGHET, group_col=5, first_value_col=6, year=2025)

    def test_over_time_with_a_measure_heading(self):
        self.check_csv(AMNESBETYG, heading_col=5, first_value_col=6)

    def test_over_time_xlsx_one_sheet_per_owner_type(self):
        _name, data = real_file(GRADE9)
        expected = {}
        for title, rows in xlsx_rows(data).items():
            if title not in OWNERS:
                continue
            layout = Layout(kommun_row=_kommun_row(rows), owner_col=None, uppgift_col=4)
            expected |= expected_cells(rows, layout, owner=OWNERS[title])
        self.assertGreater(len(expected), 10000)
        self.assertEqual(normalised(stored(GRADE9)), normalised(expected))

    # The grade-9 over-time file -------------------------------------------------------------
    # Done when: it gives the values in the file for every municipality, year and owner type
    # (a sample of cells, and the markers).

    def cell(self, code, owner, measure, year):
        v = StatValue.objects.get(
            report="Grundskola - Jämförelse av betygsresultat över tid",
            municipality_code=code,
            owner_type=owner,
            measure=measure,
            year=year,
        )
        return (v.value, v.status)

    def test_it_holds_the_files_values(self):
        merit = "Genomsnittligt meritvärde (17 ämnen)"
        samples = [
            ("1440", "all", merit, 2025, Decimal("224.5"), ""),
            ("1440", "all", merit, 2016, Decimal("204.3"), ""),
            ("1384", "all", merit, 2025, Decimal("236.3"), ""),
            ("1384", "municipal", merit, 2019, Decimal("238.0"), ""),
            ("1384", "independent", merit, 2020, Decimal("255.9"), ""),
            ("1384", "all", "Totalt antal elever årskurs 9", 2025, Decimal("1299"), ""),
            (
                "1384",
                "all",
                "- andel (%) med föräldrar med eftergymnasial utbildning",
                2024,
                Decimal("78.1"),
                "",
            ),
            ("1440", "municipal", "- andel (%) flickor", 2017, Decimal("40.3"), ""),
            (
                "2518",
                "all",
                "Andel (%) som fått godkänt betyg i alla ämnen",
                2025,
                Decimal("58.1"),
                "",
            ),
            # markers
            ("1440", "independent", "- andel (%) elever med utländsk bakgrund", 2025, None, ".."),
            ("1440", "independent", "- andel (%) elever med utländsk bakgrund", 2022, None, "."),
            ("1440", "independent", "Andel (%) behöriga till yrkesprogram", 2025, None, "~100"),
            (
                "1440",
                "independent",
                "Andel (%) behöriga till yrkesprogram",
                2023,
                Decimal("100"),
                "",
            ),
            ("1384", "independent", "- andel (%) elever med utländsk bakgrund", 2023, None, ".."),
            ("2518", "municipal", "- andel (%) pojkar", 2023, None, ".."),
        ]
        for code, owner, measure, year, value, status in samples:
            with self.subTest(code=code, owner=owner, measure=measure, year=year):
                self.assertEqual(self.cell(code, owner, measure, year), (value, status))

    def test_it_covers_every_municipality_year_and_owner_type(self):
        values = StatValue.objects.filter(
            report="Grundskola - Jämförelse av betygsresultat över tid"
        )
        self.assertEqual(
            values.filter(owner_type="all").values("municipality_code").distinct().count(), 290
        )
        self.assertEqual(
            sorted(values.values_list("year", flat=True).distinct()), list(range(2016, 2026))
        )
        self.assertEqual(
            set(values.values_list("owner_type", flat=True).distinct()),
            {"all", "municipal", "independent"},
        )
        self.assertEqual(self.result.created, values.count())

    def test_reimporting_changes_nothing(self):
        again = services.skolverket_import(files=[real_file(GRADE9)])[0]
        self.assertEqual((again.created, again.updated), (0, 0))
        self.assertEqual(again.unchanged, self.result.created)


# What we cannot read is named -------------------------------------------------------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_two_header_rows_nobody_can_tell_apart_are_refused_naming_them(english):
    text = "\n".join(
        [
            *PREAMBLE,
            "Grundskola - Något",
            "Valt läsår: 2024/25",
            "",
            ";;;;;Vår;Höst;",
            "Kommun;Kommun-kod;Län;Läns-kod;Typ av huvudman;Norr;Söder;",
            "Ale;1440;V;14;Samtliga;1;2;",
        ]
    )
    with pytest.raises(ImportRefused) as caught:
        parse("odd.csv", text.encode())
    message = str(caught.value)
    assert "odd.csv, line 7" in message
    assert "“Vår” above “Norr”" in message


def test_a_missing_period_names_both_forms(english):
    name, data, _layout = costs_csv()
    with pytest.raises(ImportRefused, match=r"Valt läsår: 2023/24.*Valt år: 2024"):
        parse(name, data.replace("Valt år: 2024".encode(), b""))

"""The cell and encoding handling Skolverket's and Kolada's readers share (cells.py)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from samsyn.indicators import cells

MARKERS = {"..": "..", ".": ".", "saknas": "Missing"}


def test_text_with_or_without_a_bom_and_windows_1252():
    assert cells.decode_text("\ufeffKommun;Värde".encode()) == "Kommun;Värde"
    assert cells.decode_text("Kommun;Värde".encode()) == "Kommun;Värde"
    assert cells.decode_text("Kommun;Värde".encode("cp1252")) == "Kommun;Värde"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (12, (Decimal(12), "")),
        (74.9, (Decimal("74.9"), "")),
        ("74,9", (Decimal("74.9"), "")),
        ("4 102", (Decimal(4102), "")),
        ("4\u00a0102,5", (Decimal("4102.5"), "")),
        ("4\u202f102", (Decimal(4102), "")),
        ("..", (None, "..")),
        (".", (None, ".")),
        ("Saknas", (None, "Missing")),
    ],
)
def test_numbers_and_markers(raw, expected):
    assert cells.parse_number(raw, markers=MARKERS) == expected


@pytest.mark.parametrize("raw", [True, "12 %", "abc", "1,2,3"])
def test_anything_else_is_refused_naming_the_cell(raw):
    with pytest.raises(ValueError) as caught:
        cells.parse_number(raw, markers=MARKERS)
    assert caught.value.args[0] == raw


def test_a_pattern_refuses_what_decimal_would_take():
    assert cells.parse_number("1e3", markers=MARKERS) == (Decimal(1000), "")
    with pytest.raises(ValueError):
        cells.parse_number("1e3", markers=MARKERS, pattern=re.compile(r"^\d+$"))


def test_cell_text():
    assert cells.cell_text(None) == ""
    assert cells.cell_text(180.0) == "180"
    assert cells.cell_text("\u00a0Kommun\u2009") == "Kommun"


class Refused(ValueError):
    pass


def test_a_workbook_is_read_and_a_broken_one_refused_with_the_callers_error():
    book = openpyxl.Workbook()
    book.active.append(["Kommun", 2024])
    out = io.BytesIO()
    book.save(out)
    with cells.workbook("a.xlsx", out.getvalue(), refused=Refused) as read:
        assert [list(r) for r in read.worksheets[0].iter_rows(values_only=True)] == [
            ["Kommun", 2024]
        ]
    broken = cells.workbook("b.xlsx", b"PK\x03\x04 not a zip", refused=Refused)
    with translation.override("en"), pytest.raises(Refused, match=r"^b\.xlsx is not a readable"):
        broken.__enter__()

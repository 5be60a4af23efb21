"""What Skolverket's and Kolada's exports share: reading the bytes and the cells.

- `decode_text`: UTF-8 (with or without a byte-order mark), else Windows-1252 (older exports
  saved by Excel);
- `workbook`: an XLSX file opened read-only with cached values, closed afterwards; a broken
  file is refused with the importer's own exception;
- `cell_text`: a cell as trimmed text (no-break and thin spaces as plain spaces, 12.0 as "12");
- `parse_number`: a cell as (value, status) with a decimal comma and spaces between
  thousands; markers (`..` suppressed, `.` no data, …) become a status, never a number.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def decode_text(data: bytes) -> str:
    """The file's text: UTF-8 (a BOM dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


@contextmanager
def workbook(name: str, data: bytes, *, refused: type[Exception]) -> Iterator[Any]:
    """The XLSX workbook in `data`, read-only with cached formula values; `refused(message)`
    is raised when it cannot be opened."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise refused(
            _("%(file)s is not a readable XLSX file (%(error)s).")
            % {"file": name, "error": error.__class__.__name__}
        ) from None
    try:
        yield book
    finally:
        book.close()


def cell_text(cell: object) -> str:
    """A cell as trimmed text: "" for an empty cell, 12 for an XLSX 12.0."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).translate(SPACES).strip()


def parse_number(
    raw: object, *, markers: Mapping[str, str], pattern: re.Pattern[str] | None = None
) -> tuple[Decimal | None, str] | None:
    """A cell → (value, "") or, for a marker (looked up in lower case), (None, its status);
    None for an empty cell; ValueError (its argument the cell) for anything else, and for text
    that does not match `pattern` when one is given."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        return Decimal(raw), ""
    if isinstance(raw, float):
        return Decimal(repr(raw)), ""
    text = cell_text(raw)
    if not text:
        return None
    if (status := markers.get(text.lower())) is not None:
        return None, status
    if pattern is not None and not pattern.match(text):
        raise ValueError(text)
    try:
        return Decimal(text.replace(" ", "").replace(",", ".")), ""
    except InvalidOperation:
        raise ValueError(text) from None

"""Kolada's values from a file: the v3 JSON as the API returns it, or Kolada's CSV/Excel export.

No database here: `parse(name, data, names=…)` gives `kolada.KoladaValue`s or raises
`KoladaFileRefused` naming what was not understood.

- JSON: a page of the API (`{"values": [rows], "next_url": …}`), a list of such pages or a
  bare list of rows; each row `{"kpi", "municipality", "period", "values": [{"gender",
  "value", "status", "count"}]}` (see `kolada.parse_rows`).
- CSV/XLSX, long: a header row with columns for the KPI ("Nyckeltal", "KPI", "kpi_id"),
  the municipality ("Kommun-id", "Kommun", "municipality"), the year ("År", "period"), the
  value ("Värde", "value") and optionally the gender ("Kön", "gender": T/K/M or
  Totalt/Kvinnor/Män).
- CSV/XLSX, wide: a header row with the municipality and one column per year; the KPI from a
  "Nyckeltal" column or, above the header, a line naming one id such as "N15419 …".
A municipality may be given by its four-digit id or by its name (`names`: name → code).
Empty cells are skipped; a dash or ".." is a value Kolada does not have ("Missing"), never 0.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from samsyn.indicators.cells import cell_text, decode_text, parse_number, workbook
from samsyn.indicators.kolada import KoladaValue, parse_rows

KPI_ID = re.compile(r"\b([NU]\d{5})\b")
YEAR = re.compile(r"^(19|20)\d{2}$")
COLUMNS = {
    "kpi": {"nyckeltal", "kpi", "kpi_id", "kpi-id", "nyckeltals-id", "id nyckeltal"},
    "municipality": {
        "kommun",
        "kommun-id",
        "kommunid",
        "kommunkod",
        "kommun-kod",
        "municipality",
        "municipality_id",
        "område",
        "organisation",
    },
    "year": {"år", "period", "year"},
    "value": {"värde", "value"},
    "gender": {"kön", "gender"},
}
GENDERS = {
    "t": "T",
    "k": "K",
    "m": "M",
    "totalt": "T",
    "kvinnor": "K",
    "män": "M",
    "flickor": "K",
    "pojkar": "M",
}
MISSING = {"-", "–", "..", ".", "saknas", "missing"}
_MISSING_STATUS = dict.fromkeys(MISSING, "Missing")  # Kolada's own status for no value


class KoladaFileRefused(ValueError):
    """The file is not of a shape we know; the message says what was not understood."""


def parse(name: str, data: bytes, *, names: dict[str, str] | None = None) -> list[KoladaValue]:
    names = {k.lower(): v for k, v in (names or {}).items()}
    suffix = Path(name).suffix.lower()
    if suffix == ".json" or data.lstrip()[:1] in (b"{", b"["):
        return _parse_json(name, data)
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(name, data)
    else:
        rows = _csv_rows(data)
    return _parse_table(name, rows, names)


def _parse_json(name: str, data: bytes) -> list[KoladaValue]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KoladaFileRefused(
            _("%(file)s is not readable JSON (%(error)s).") % {"file": name, "error": error}
        ) from None
    pages = document if isinstance(document, list) else [document]
    rows: list[dict] = []
    for page in pages:
        if isinstance(page, dict) and "values" in page and "kpi" not in page:
            rows += page.get("values") or []
        elif isinstance(page, dict):
            rows.append(page)
    bad = [
        r
        for r in rows
        if not isinstance(r, dict) or not {"kpi", "municipality", "period"} <= set(r)
    ]
    if bad or not rows:
        raise KoladaFileRefused(
            _(
                "%(file)s: expected Kolada's v3 data, rows with “kpi”, “municipality”, "
                "“period” and “values” (as /v3/data/kpi/… returns them)."
            )
            % {"file": name}
        )
    try:
        return list(parse_rows(rows))
    except (ValueError, InvalidOperation, TypeError) as error:
        raise KoladaFileRefused(
            _("%(file)s: a row could not be read (%(error)s).") % {"file": name, "error": error}
        ) from None


def _csv_rows(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    sample = "\n".join(text.splitlines()[:30])
    delimiter = max((";", ",", "\t"), key=sample.count)
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(name: str, data: bytes) -> list[list]:
    with workbook(name, data, refused=KoladaFileRefused) as book:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def _roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for i, label in enumerate(header):
        low = label.lower()
        for role, labels in COLUMNS.items():
            if low in labels and role not in roles:
                roles[role] = i
    return roles


def _number(raw: object) -> tuple[Decimal | None, str] | None:
    return parse_number(raw, markers=_MISSING_STATUS)


def _find_header(name: str, rows: list[list]) -> tuple[int, list[str], dict, dict]:
    for at, cells in enumerate(rows):
        header = [cell_text(c) for c in cells]
        roles = _roles(header)
        years = {i: int(h) for i, h in enumerate(header) if YEAR.match(h)}
        if "municipality" in roles and ("value" in roles or years):
            return at, header, roles, years
    raise KoladaFileRefused(
        _(
            "%(file)s: no header row was found. Expected columns such as “Nyckeltal”, "
            "“Kommun”, “År”, “Värde” (one row per value) or “Kommun” followed by one "
            "column per year."
        )
        % {"file": name}
    )


def _parse_table(name: str, rows: list[list], names: dict[str, str]) -> list[KoladaValue]:
    at, header, roles, years = _find_header(name, rows)
    kpi_above = ""
    for cells in rows[:at]:
        for cell in cells:
            if match := KPI_ID.search(cell_text(cell)):
                kpi_above = kpi_above or match[1]
    if "kpi" not in roles and not kpi_above:
        raise KoladaFileRefused(
            _(
                "%(file)s, row %(row)s: no column “Nyckeltal” and no KPI id (such as N15419) "
                "above the header, so the key figure is not known."
            )
            % {"file": name, "row": at + 1}
        )
    columns = {roles["value"]: None} if "value" in roles else years
    out = []
    for n, cells in enumerate(rows[at + 1 :], start=at + 2):
        cells = list(cells) + [None] * (len(header) - len(cells))
        if not any(cell_text(c) for c in cells):
            continue
        where = _("%(file)s, row %(row)s") % {"file": name, "row": n}
        kpi = cell_text(cells[roles["kpi"]]) if "kpi" in roles else kpi_above
        if match := KPI_ID.search(kpi):
            kpi = match[1]
        else:
            raise KoladaFileRefused(
                _("%(where)s: “%(value)s” is not a Kolada KPI id such as N15419.")
                % {"where": where, "value": kpi}
            )
        municipality = _municipality(where, cell_text(cells[roles["municipality"]]), names)
        gender = _gender(where, cell_text(cells[roles["gender"]])) if "gender" in roles else "T"
        for i, year in columns.items():
            if year is None:
                year_text = cell_text(cells[roles["year"]]) if "year" in roles else ""
                if not YEAR.match(year_text):
                    raise KoladaFileRefused(
                        _("%(where)s: expected a year such as 2024, found “%(value)s”.")
                        % {"where": where, "value": year_text}
                    )
                year = int(year_text)
            try:
                number = _number(cells[i])
            except ValueError as error:
                raise KoladaFileRefused(
                    _("%(where)s, column “%(col)s”: expected a number, found “%(value)s”.")
                    % {"where": where, "col": header[i], "value": error.args[0]}
                ) from None
            if number is None:
                continue
            out.append(KoladaValue(kpi, municipality, year, gender, number[0], number[1], None))
    if not out:
        raise KoladaFileRefused(_("%(file)s: no values below the header.") % {"file": name})
    return out


def _gender(where: str, text: str) -> str:
    if text.lower() not in GENDERS:
        raise KoladaFileRefused(
            _("%(where)s: unknown gender “%(value)s”; expected T, K or M.")
            % {"where": where, "value": text}
        )
    return GENDERS[text.lower()]


def _municipality(where: str, text: str, names: dict[str, str]) -> str:
    if text.isdigit() and len(text) <= 4:
        return text.zfill(4)
    if re.match(r"^G\d+$", text):
        return text
    code = names.get(text.lower())
    if code is None:
        raise KoladaFileRefused(
            _("%(where)s: “%(value)s” is neither a municipality id such as 1384 nor a known name.")
            % {"where": where, "value": text}
        )
    return code

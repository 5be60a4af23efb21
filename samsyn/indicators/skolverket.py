"""Reading Skolverket's statistics exports (CSV and XLSX) into plain values.

No database here: `parse(name, data)` turns one file into a `ParsedFile` or raises
`ImportRefused` with a message naming the line (or sheet and row) and what was expected. The
service in `services.py` writes the result in one transaction.

What the exports look like (see docs/indicators.md):
- a preamble: "Statistik från Skolverket…", the report's title, "Valt läsår: 2023/24" and, in
  XLSX sheets, "Typ av huvudman: Samtliga";
- a header row starting with "Kommun", sometimes with a second header row *above* it naming
  the measure over "Totalt/Flickor/Pojkar" columns;
- either one column per measure (the per-school-year layout, the school year from the
  preamble) or one column per school year "2024/25", "2023/24", … (the over-time layout, the
  measure in an "Uppgift" column or, when the column has another heading, that heading with
  the cell naming the subject);
- numbers with a decimal comma and a space between thousands; markers `..` (suppressed),
  `.` (no data), `~100` (rounded: 1–4 pupils fall outside) and `*` (excluded), which are kept
  as a status and never become numbers;
- notes after a blank line at the end.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

MARKERS = ("..", ".", "~100", "*")

# Skolverket's owner types ("Typ av huvudman") → our codes.
OWNER_TYPES = {
    "samtliga": "all",
    "kommunal": "municipal",
    "enskild": "independent",
    "internationella skolor": "international",
    "statlig": "state",
    "region": "region",
}
OWNER_TYPE_LABELS = {
    "all": "Samtliga",
    "municipal": "Kommunal",
    "independent": "Enskild",
    "international": "Internationella skolor",
    "state": "Statlig",
    "region": "Region",
}
KEY_COLUMNS = {
    "kommun": "name",
    "kommun-kod": "code",
    "kommunkod": "code",
    "län": "county",
    "läns-kod": "county_code",
    "länskod": "county_code",
    "typ av huvudman": "owner_type",
}
DIMENSION_COLUMNS = {"ämne": "subject", "kön": "group", "uppgift": "measure"}
SCHOOL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
SELECTED_YEAR = re.compile(r"^valt läsår:\s*(\d{4}/\d{2})\s*$", re.I)
SHEET_OWNER = re.compile(r"^typ av huvudman:\s*(.+?)\s*$", re.I)
NUMBER = re.compile(r"^-?(\d{1,3}( \d{3})+|\d+)([,.]\d+)?$")
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


class ImportRefused(ValueError):
    """The file is not of a shape we know; the message says where and what was expected."""


@dataclass(frozen=True, slots=True)
class ParsedValue:
    municipality_code: str
    owner_type: str
    measure: str
    subject: str
    group: str
    school_year: str
    year: int
    value: Decimal | None
    status: str
    where: str


@dataclass
class ParsedFile:
    name: str
    report: str
    values: list[ParsedValue] = field(default_factory=list)
    municipalities: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → name, county
    sheets_skipped: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({v.year for v in self.values})


def year_of(school_year: str) -> int:
    """'2023/24' → 2024: Skolverket's school year is reported as its spring term's year."""
    match = SCHOOL_YEAR.match(school_year.strip())
    if not match:
        raise ValueError(school_year)
    start, end = int(match[1]), int(match[2])
    if (start + 1) % 100 != end:
        raise ValueError(school_year)
    return start + 1


def parse_number(raw: object) -> tuple[Decimal | None, str] | None:
    """A cell → (value, status); None for an empty cell; ValueError for anything else."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        return Decimal(raw), ""
    if isinstance(raw, float):
        return Decimal(repr(raw)), ""
    text = str(raw).translate(SPACES).strip()
    if not text:
        return None
    if text in MARKERS:
        return None, text
    if not NUMBER.match(text):
        raise ValueError(text)
    try:
        return Decimal(text.replace(" ", "").replace(",", ".")), ""
    except InvalidOperation:
        raise ValueError(text) from None


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).translate(SPACES).strip()


Row = tuple[str, list[object]]  # (where, cells)


def parse(name: str, data: bytes) -> ParsedFile:
    """Parse one export; `name` decides CSV or XLSX (by its ending) and labels messages."""
    if Path(name).suffix.lower() == ".xlsx" or data[:4] == b"PK\x03\x04":
        return _parse_xlsx(name, data)
    return _parse_csv(name, data)


def _parse_csv(name: str, data: bytes) -> ParsedFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # older exports were saved by Excel in Windows-1252
    lines = text.splitlines()
    delimiter = ";"
    for line in lines:
        for candidate in (";", "\t", ","):
            if line.split(candidate, 1)[0].strip().lower() == "kommun" and candidate in line:
                delimiter = candidate
                break
        else:
            continue
        break
    rows = [
        (_("line %(n)s") % {"n": i + 1}, cells)
        for i, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter))
    ]
    result = _parse_table(name, rows, sheet_owner=None)
    if result is None:
        raise ImportRefused(
            _(
                "%(file)s: no header row was found. Expected a line starting with "
                "“Kommun;Kommun-kod;…” after Skolverket's preamble."
            )
            % {"file": name}
        )
    return result


def _parse_xlsx(name: str, data: bytes) -> ParsedFile:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportRefused(
            _("%(file)s is not a readable XLSX file (%(error)s).")
            % {"file": name, "error": error.__class__.__name__}
        ) from None
    combined: ParsedFile | None = None
    skipped = []
    try:
        for sheet in book.worksheets:
            rows = [
                (_("sheet “%(sheet)s”, row %(n)s") % {"sheet": sheet.title, "n": i + 1}, list(r))
                for i, r in enumerate(sheet.iter_rows(values_only=True))
            ]
            parsed = _parse_table(name, rows, sheet_owner=sheet.title)
            if parsed is None:
                skipped.append(sheet.title)
                continue
            if combined is None:
                combined = parsed
            elif parsed.report != combined.report:
                raise ImportRefused(
                    _("%(file)s: sheet “%(sheet)s” holds another report (%(report)s).")
                    % {"file": name, "sheet": sheet.title, "report": parsed.report}
                )
            else:
                combined.values.extend(parsed.values)
                combined.municipalities.update(parsed.municipalities)
    finally:
        book.close()
    if combined is None:
        raise ImportRefused(
            _(
                "%(file)s: no sheet has a header row. Expected a row starting with "
                "“Kommun”, “Kommunkod” after Skolverket's preamble."
            )
            % {"file": name}
        )
    combined.sheets_skipped = skipped
    return combined


def _parse_table(name: str, rows: list[Row], *, sheet_owner: str | None) -> ParsedFile | None:
    """One table (a CSV file or one sheet); None when it has no header row at all."""
    header_at = next(
        (i for i, (_w, cells) in enumerate(rows) if cells and _text(cells[0]).lower() == "kommun"),
        None,
    )
    if header_at is None:
        return None
    report = ""
    school_year = ""
    owner_from_preamble = ""
    for _where, cells in rows[:header_at]:
        first = _text(cells[0]) if cells else ""
        if not first:
            continue
        if match := SELECTED_YEAR.match(first):
            school_year = match[1]
        elif match := SHEET_OWNER.match(first):
            owner_from_preamble = match[1]
        elif not report and not first.lower().startswith("statistik från"):
            report = first
    where_header, header_cells = rows[header_at]
    if not report:
        raise ImportRefused(
            _("%(file)s, %(where)s: expected the report's title above the header.")
            % {"file": name, "where": where_header}
        )
    header = [_text(c) for c in header_cells]
    while header and not header[-1]:
        header.pop()  # the trailing ";"
    upper: list[str] = []
    if header_at > 0:
        above = [_text(c) for c in rows[header_at - 1][1]]
        if above and not above[0] and any(above):
            upper = above + [""] * (len(header) - len(above))

    roles: dict[int, str] = {}
    year_cols: dict[int, str] = {}
    other_cols: list[int] = []
    for i, title in enumerate(header):
        low = title.lower()
        if low in KEY_COLUMNS:
            roles[i] = KEY_COLUMNS[low]
        elif SCHOOL_YEAR.match(title):
            year_cols[i] = title
        elif not title:
            raise ImportRefused(
                _("%(file)s, %(where)s: column %(col)s has no heading.")
                % {"file": name, "where": where_header, "col": i + 1}
            )
        else:
            other_cols.append(i)
    if "code" not in roles.values():
        raise ImportRefused(
            _("%(file)s, %(where)s: expected a column “Kommun-kod” (or “Kommunkod”) in the header.")
            % {"file": name, "where": where_header}
        )
    fixed_owner = ""
    if "owner_type" not in roles.values():
        candidate = owner_from_preamble or (sheet_owner or "")
        if candidate.lower() not in OWNER_TYPES:
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: expected a column “Typ av huvudman” or a line "
                    "“Typ av huvudman: …” above the header."
                )
                % {"file": name, "where": where_header}
            )
        fixed_owner = OWNER_TYPES[candidate.lower()]

    over_time = bool(year_cols)
    dims: dict[int, str] = {}  # column → "subject" | "group" | "measure" | "measure-header"
    values: dict[int, tuple[str, str, str]] = {}  # column → (measure, group, school year)
    if over_time:
        first_year = min(year_cols)
        late = [i for i in other_cols if i > first_year]
        if late:
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: column “%(col)s” comes after the school-year "
                    "columns; expected only school years (e.g. 2024/25) there."
                )
                % {"file": name, "where": where_header, "col": header[late[0]]}
            )
        for i in other_cols:
            dims[i] = DIMENSION_COLUMNS.get(header[i].lower(), "measure-header")
        if sum(1 for d in dims.values() if d in ("measure", "measure-header")) != 1:
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: expected exactly one column naming the measure "
                    "(“Uppgift”) before the school-year columns."
                )
                % {"file": name, "where": where_header}
            )
        for i, school in year_cols.items():
            values[i] = ("", "", school)
    else:
        if not school_year:
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: expected a line “Valt läsår: 2023/24” above the "
                    "header (the columns are measures, not school years)."
                )
                % {"file": name, "where": where_header}
            )
        for i in other_cols:
            low = header[i].lower()
            if low in DIMENSION_COLUMNS and DIMENSION_COLUMNS[low] != "measure":
                dims[i] = DIMENSION_COLUMNS[low]
            elif upper and i < len(upper) and upper[i]:
                values[i] = (upper[i], header[i], school_year)
            else:
                values[i] = (header[i], "", school_year)
        if not values:
            raise ImportRefused(
                _("%(file)s, %(where)s: the header names no measure columns.")
                % {"file": name, "where": where_header}
            )

    years = {}
    for i, (_m, _g, school) in values.items():
        try:
            years[i] = year_of(school)
        except ValueError:
            raise ImportRefused(
                _("%(file)s, %(where)s: “%(value)s” is not a school year like 2023/24.")
                % {"file": name, "where": where_header, "value": school}
            ) from None

    col = {role: i for i, role in roles.items()}
    parsed = ParsedFile(name=name, report=report)
    seen: dict[tuple, tuple[str, Decimal | None, str]] = {}
    width = len(header)
    for where, cells in rows[header_at + 1 :]:
        cells = list(cells)
        if not any(_text(c) for c in cells):
            break  # the notes start after a blank line
        extra = cells[width:]
        if any(_text(c) for c in extra):
            raise ImportRefused(
                _("%(file)s, %(where)s: expected %(n)s columns as in the header, found more.")
                % {"file": name, "where": where, "n": width}
            )
        cells = cells[:width] + [None] * (width - len(cells))
        code = _text(cells[col["code"]])
        if code.isdigit() and len(code) < 4:
            code = code.zfill(4)  # an XLSX cell may hold 180 for "0180"
        if not (len(code) == 4 and code.isdigit()):
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: expected a four-digit municipality code, found “%(value)s”."
                )
                % {"file": name, "where": where, "value": code}
            )
        if fixed_owner:
            owner = fixed_owner
        else:
            owner_text = _text(cells[col["owner_type"]])
            if owner_text.lower() not in OWNER_TYPES:
                raise ImportRefused(
                    _(
                        "%(file)s, %(where)s: unknown owner type “%(value)s”; expected one of "
                        "%(known)s."
                    )
                    % {
                        "file": name,
                        "where": where,
                        "value": owner_text,
                        "known": ", ".join(OWNER_TYPE_LABELS.values()),
                    }
                )
            owner = OWNER_TYPES[owner_text.lower()]
        if "name" in col:
            county = _text(cells[col["county_code"]]) if "county_code" in col else ""
            parsed.municipalities[code] = (_text(cells[col["name"]]), county.zfill(2))
        subject = group_dim = measure_dim = ""
        for i, dim in dims.items():
            cell = _text(cells[i])
            if dim == "subject":
                subject = cell
            elif dim == "group":
                group_dim = cell
            elif dim == "measure":
                measure_dim = cell
            else:  # the column's heading is the measure, its cells name the subject
                measure_dim, subject = header[i], cell
            if not cell:
                raise ImportRefused(
                    _("%(file)s, %(where)s: column “%(col)s” is empty.")
                    % {"file": name, "where": where, "col": header[i]}
                )
        for i, (measure, group, school) in values.items():
            try:
                number = parse_number(cells[i])
            except ValueError as error:
                raise ImportRefused(
                    _(
                        "%(file)s, %(where)s, column “%(col)s”: expected a number (like 74,9 "
                        "or 4 102) or one of Skolverket's markers .., ., ~100, *; found "
                        "“%(value)s”."
                    )
                    % {"file": name, "where": where, "col": header[i], "value": error.args[0]}
                ) from None
            if number is None:
                continue
            value = ParsedValue(
                municipality_code=code,
                owner_type=owner,
                measure=measure or measure_dim,
                subject=subject,
                group=group or group_dim,
                school_year=school,
                year=years[i],
                value=number[0],
                status=number[1],
                where=where,
            )
            key = (code, owner, value.measure, subject, value.group, value.year)
            previous = seen.get(key)
            if previous is not None and previous[1:] != (value.value, value.status):
                raise ImportRefused(
                    _("%(file)s, %(where)s: repeats %(other)s with another value.")
                    % {"file": name, "where": where, "other": previous[0]}
                )
            if previous is None:
                seen[key] = (where, value.value, value.status)
                parsed.values.append(value)
    if not parsed.values:
        raise ImportRefused(
            _("%(file)s, %(where)s: no values below the header.")
            % {"file": name, "where": where_header}
        )
    return parsed

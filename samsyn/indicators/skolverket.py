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
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from samsyn.indicators.cells import cell_text, decode_text, workbook
from samsyn.indicators.cells import parse_number as _parse_cell

MARKERS = ("..", ".", "-", "–", "~100", "*")
_MARKER_STATUS = {marker: marker for marker in MARKERS}  # kept as the value's status

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
SELECTED_CALENDAR_YEAR = re.compile(r"^valt år:\s*(\d{4})\s*$", re.I)
CALENDAR_YEAR = re.compile(r"^(19|20)\d{2}$")
# Labels of a header row that names groups of pupils or staff, not measures.
CATEGORIES = {
    "totalt",
    "samtliga",
    "flickor",
    "pojkar",
    "kvinnor",
    "män",
    "elever med svensk bakgrund",
    "elever med utländsk bakgrund",
    "svensk bakgrund",
    "utländsk bakgrund",
    "födda i sverige",
    "födda utomlands",
    "nyinvandrade",
    "övriga",
}
MEASURE_WORDS = re.compile(
    r"andel|antal|genomsnitt|\(%\)|kostnad|poäng|meritvärde|per elev|tkr|kr\b", re.I
)
SHEET_OWNER = re.compile(r"^typ av huvudman:\s*(.+?)\s*$", re.I)
NUMBER = re.compile(r"^-?(\d{1,3}( \d{3})+|\d+)([,.]\d+)?$")


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
    return _parse_cell(raw, markers=_MARKER_STATUS, pattern=NUMBER)


Row = tuple[str, list[object]]  # (where, cells)


def parse(name: str, data: bytes) -> ParsedFile:
    """Parse one export; `name` decides CSV or XLSX (by its ending) and labels messages."""
    if Path(name).suffix.lower() == ".xlsx" or data[:4] == b"PK\x03\x04":
        return _parse_xlsx(name, data)
    return _parse_csv(name, data)


def _parse_csv(name: str, data: bytes) -> ParsedFile:
    text = decode_text(data)
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
    combined: ParsedFile | None = None
    skipped = []
    with workbook(name, data, refused=ImportRefused) as book:
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


def _header_rows(rows: list[Row], header_at: int) -> tuple[int, int | None]:
    """(the "Kommun" row, the second header row above or below it, or None).

    A second header row has an empty first cell and labels over the value columns: a
    measure row above Totalt/Flickor/Pojkar, the categories above the measures, or (in XLSX
    with merged cells) the row under a "Kommun" cell that spans two rows.
    """

    def second(i: int) -> bool:
        if not 0 <= i < len(rows):
            return False
        cells = [cell_text(c) for c in rows[i][1]]
        if not cells or cells[0] or not any(cells):
            return False
        code_like = [c for c in cells if len(c) == 4 and c.isdigit()]
        return not code_like

    if second(header_at - 1):
        return header_at, header_at - 1
    if second(header_at + 1):
        return header_at, header_at + 1
    return header_at, None


def _row_role(labels: list[str]) -> str:
    """ "year", "group" or "measure": what one header row's value labels name."""
    present = [label for label in labels if label]
    if present and all(SCHOOL_YEAR.match(x) or CALENDAR_YEAR.match(x) for x in present):
        return "year"
    if present and all(x.lower() in CATEGORIES for x in present):
        return "group"
    return "measure"


def _period(label: str) -> tuple[str, int]:
    """A column's or the preamble's period → (school year as in the file or "", year)."""
    if CALENDAR_YEAR.match(label):
        return "", int(label)
    return label, year_of(label)


@dataclass
class _Header:
    labels: list[str]  # one label per column (the key/dimension heading or the lower label)
    values: dict[int, tuple[str, str, str]]  # column → (measure, group, period)
    dims: dict[int, str]
    roles: dict[int, str]
    data_from: int
    periods: dict[int, tuple[str, int]] = field(default_factory=dict)


def _read_header(name: str, rows: list[Row], header_at: int, where_header: str) -> _Header:
    """Work out from the labels which header row names what (see the module docstring)."""
    kommun_at, other_at = _header_rows(rows, header_at)
    lines = [[cell_text(c) for c in rows[kommun_at][1]]]
    if other_at is not None:
        other = [cell_text(c) for c in rows[other_at][1]]
        lines = [other, lines[0]] if other_at < kommun_at else [lines[0], other]
    width = max(len(line) for line in lines)
    lines = [line + [""] * (width - len(line)) for line in lines]
    while width and not any(line[width - 1] for line in lines):
        width -= 1  # the trailing ";"
    lines = [line[:width] for line in lines]

    def fixed(i: int) -> str:
        found = [line[i] for line in lines if line[i].lower() in KEY_COLUMNS | DIMENSION_COLUMNS]
        return found[0] if found else ""

    roles: dict[int, str] = {}
    dims: dict[int, str] = {}
    value_cols: list[int] = []
    labels = [""] * width
    for i in range(width):
        heading = fixed(i)
        low = heading.lower()
        if low in KEY_COLUMNS:
            roles[i] = KEY_COLUMNS[low]
        elif low in DIMENSION_COLUMNS:
            dims[i] = DIMENSION_COLUMNS[low]
        else:
            value_cols.append(i)
        labels[i] = heading or lines[-1][i] or lines[0][i]
    if len(lines) == 2:  # a merged cell in XLSX leaves only its first cell filled
        top = lines[0]
        carry = ""
        for i in range(width):
            if i not in value_cols:
                carry = ""
            elif top[i]:
                carry = top[i]
            else:
                top[i] = carry
    for i in value_cols:
        if not any(line[i] for line in lines):
            raise ImportRefused(
                _("%(file)s, %(where)s: column %(col)s has no heading.")
                % {"file": name, "where": where_header, "col": i + 1}
            )
    both = [i for i in value_cols if len(lines) == 2 and all(line[i] for line in lines)]
    row_roles = [_row_role([line[i] for i in both]) for line in lines]
    if both and row_roles[0] == row_roles[1]:
        row_roles = _tie_break(name, where_header, lines, both, row_roles[0])
    values: dict[int, tuple[str, str, str]] = {}
    for i in value_cols:
        got = {"measure": "", "group": "", "year": ""}
        if i in both:
            for line, role in zip(lines, row_roles, strict=True):
                got[role] = line[i]
        else:  # one label only (a heading spanning both rows)
            label = next(line[i] for line in lines if line[i])
            got[_row_role([label])] = label
        values[i] = (got["measure"], got["group"], got["year"])
    below = other_at is not None and other_at > kommun_at
    return _Header(labels, values, dims, roles, (other_at if below else kommun_at) + 1)


def _tie_break(
    name: str, where: str, lines: list[list[str]], cols: list[int], role: str
) -> list[str]:
    """Two header rows that look alike: the one with measure words names the measure."""
    wordy = [all(MEASURE_WORDS.search(line[i]) for i in cols if line[i]) for line in lines]
    if role == "measure" and wordy[0] != wordy[1]:
        return ["measure", "group"] if wordy[0] else ["group", "measure"]
    samples = [next((line[i] for i in cols if line[i]), "") for line in lines]
    raise ImportRefused(
        _(
            "%(file)s, %(where)s: could not tell which of the two header rows names the "
            "measure and which the group of pupils (“%(upper)s” above “%(lower)s”). Expected "
            "one of them to hold groups such as Totalt, Flickor, Pojkar."
        )
        % {"file": name, "where": where, "upper": samples[0], "lower": samples[1]}
    )


def _preamble(rows: list[Row]) -> tuple[str, str, str]:
    """(report title, period "2023/24" or "2024", owner type line) from above the header."""
    report = period = owner = ""
    for _where, cells in rows:
        first = cell_text(cells[0]) if cells else ""
        if not first:
            continue
        if (match := SELECTED_YEAR.match(first)) or (match := SELECTED_CALENDAR_YEAR.match(first)):
            period = match[1]
        elif match := SHEET_OWNER.match(first):
            owner = match[1]
        elif not report and not first.lower().startswith("statistik från"):
            report = first
    return report, period, owner


def _parse_table(name: str, rows: list[Row], *, sheet_owner: str | None) -> ParsedFile | None:
    """One table (a CSV file or one sheet); None when it has no header row at all."""
    header_at = next(
        (
            i
            for i, (_w, cells) in enumerate(rows)
            if cells and cell_text(cells[0]).lower() == "kommun"
        ),
        None,
    )
    if header_at is None:
        return None
    report, period, owner_from_preamble = _preamble(rows[:header_at])
    where_header = rows[header_at][0]
    if not report:
        raise ImportRefused(
            _("%(file)s, %(where)s: expected the report's title above the header.")
            % {"file": name, "where": where_header}
        )
    head = _read_header(name, rows, header_at, where_header)
    if "code" not in head.roles.values():
        raise ImportRefused(
            _("%(file)s, %(where)s: expected a column “Kommun-kod” (or “Kommunkod”) in the header.")
            % {"file": name, "where": where_header}
        )
    _assign_periods(name, head, period, where_header)
    fixed_owner = ""
    if "owner_type" not in head.roles.values():
        candidate = (owner_from_preamble or (sheet_owner or "")).lower()
        if candidate in OWNER_TYPES:
            fixed_owner = OWNER_TYPES[candidate]
        elif CALENDAR_YEAR.match(period):
            fixed_owner = "all"  # economic reports ("Valt år") cover the whole municipality
        else:
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: expected a column “Typ av huvudman” or a line "
                    "“Typ av huvudman: …” above the header."
                )
                % {"file": name, "where": where_header}
            )
    parsed = ParsedFile(name=name, report=report)
    _read_rows(name, parsed, head, rows[head.data_from :], fixed_owner)
    if not parsed.values:
        raise ImportRefused(
            _("%(file)s, %(where)s: no values below the header.")
            % {"file": name, "where": where_header}
        )
    return parsed


def _assign_periods(name: str, head: _Header, period: str, where: str) -> None:
    """Over time: the columns are periods; per school year: the period is the preamble's."""
    year_cols = [i for i, (_m, _g, p) in head.values.items() if p]
    others = [i for i in head.values if i not in year_cols]
    if year_cols:
        late = [i for i in others if i > min(year_cols)]
        if late:
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: column “%(col)s” comes after the school-year "
                    "columns; expected only school years (e.g. 2024/25) there."
                )
                % {"file": name, "where": where, "col": head.labels[late[0]]}
            )
        for i in others:
            head.dims[i] = "measure-header"
            del head.values[i]
        named = sum(1 for d in head.dims.values() if d in ("measure", "measure-header"))
        labelled = all(head.values[i][0] for i in year_cols)
        if not (named == 1 or (named == 0 and labelled)):
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: expected exactly one column naming the measure "
                    "(“Uppgift”) before the school-year columns."
                )
                % {"file": name, "where": where}
            )
    elif not period:
        raise ImportRefused(
            _(
                "%(file)s, %(where)s: expected a line “Valt läsår: 2023/24” (or “Valt år: "
                "2024”) above the header (the columns are measures, not school years)."
            )
            % {"file": name, "where": where}
        )
    else:
        for i, (measure, group, _p) in list(head.values.items()):
            if not measure:
                raise ImportRefused(
                    _(
                        "%(file)s, %(where)s: column %(col)s (“%(label)s”) names no measure, "
                        "only a group."
                    )
                    % {"file": name, "where": where, "col": i + 1, "label": group}
                )
            head.values[i] = (measure, group, period)
    if not head.values:
        raise ImportRefused(
            _("%(file)s, %(where)s: the header names no measure columns.")
            % {"file": name, "where": where}
        )
    head.periods = {}
    for i, (_m, _g, label) in head.values.items():
        try:
            head.periods[i] = _period(label)
        except ValueError:
            raise ImportRefused(
                _("%(file)s, %(where)s: “%(value)s” is not a school year like 2023/24.")
                % {"file": name, "where": where, "value": label}
            ) from None


def _owner_of(name: str, where: str, text: str) -> str:
    if text.lower() not in OWNER_TYPES:
        raise ImportRefused(
            _("%(file)s, %(where)s: unknown owner type “%(value)s”; expected one of %(known)s.")
            % {
                "file": name,
                "where": where,
                "value": text,
                "known": ", ".join(OWNER_TYPE_LABELS.values()),
            }
        )
    return OWNER_TYPES[text.lower()]


def _dimensions(name: str, where: str, head: _Header, cells: list) -> tuple[str, str, str]:
    """(subject, group, measure) named by the row's dimension columns."""
    subject = group = measure = ""
    for i, dim in head.dims.items():
        cell = cell_text(cells[i])
        if dim == "subject":
            subject = cell
        elif dim == "group":
            group = cell
        elif dim == "measure":
            measure = cell
        else:  # the column's heading is the measure, its cells name the subject
            measure, subject = head.labels[i], cell
        if not cell:
            raise ImportRefused(
                _("%(file)s, %(where)s: column “%(col)s” is empty.")
                % {"file": name, "where": where, "col": head.labels[i]}
            )
    return subject, group, measure


def _read_rows(
    name: str, parsed: ParsedFile, head: _Header, rows: list[Row], fixed_owner: str
) -> None:
    col = {role: i for i, role in head.roles.items()}
    seen: dict[tuple, tuple[str, Decimal | None, str]] = {}
    width = len(head.labels)
    for where, cells in rows:
        cells = list(cells)
        if not any(cell_text(c) for c in cells):
            break  # the notes start after a blank line
        if any(cell_text(c) for c in cells[width:]):
            raise ImportRefused(
                _("%(file)s, %(where)s: expected %(n)s columns as in the header, found more.")
                % {"file": name, "where": where, "n": width}
            )
        cells = cells[:width] + [None] * (width - len(cells))
        code = cell_text(cells[col["code"]])
        if code.isdigit() and len(code) < 4:
            code = code.zfill(4)  # an XLSX cell may hold 180 for "0180"
        if not (len(code) == 4 and code.isdigit()):
            raise ImportRefused(
                _(
                    "%(file)s, %(where)s: expected a four-digit municipality code, found “%(value)s”."
                )
                % {"file": name, "where": where, "value": code}
            )
        owner = fixed_owner or _owner_of(name, where, cell_text(cells[col["owner_type"]]))
        if "name" in col:
            county = cell_text(cells[col["county_code"]]) if "county_code" in col else ""
            parsed.municipalities[code] = (cell_text(cells[col["name"]]), county.zfill(2))
        subject, group_dim, measure_dim = _dimensions(name, where, head, cells)
        for i, (measure, group, _label) in head.values.items():
            try:
                number = parse_number(cells[i])
            except ValueError as error:
                raise ImportRefused(
                    _(
                        "%(file)s, %(where)s, column “%(col)s”: expected a number (like 74,9 "
                        "or 4 102) or one of Skolverket's markers .., ., -, ~100, *; found "
                        "“%(value)s”."
                    )
                    % {"file": name, "where": where, "col": head.labels[i], "value": error.args[0]}
                ) from None
            if number is None:
                continue
            school, year = head.periods[i]
            value = ParsedValue(
                municipality_code=code,
                owner_type=owner,
                measure=measure or measure_dim,
                subject=subject,
                group=group or group_dim,
                school_year=school,
                year=year,
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

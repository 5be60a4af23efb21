"""Exports of a dashboard: PDF (WeasyPrint, charts as server-rendered SVG), XLSX and CSV.

Every export holds the same tables as the page's table views -- so the small-cell rules are
already applied -- with the n and the method notes, in the reader's language.
"""

from __future__ import annotations

import base64
import io

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samsyn.dashboards.charts import Chart, ChartTable, Interval
from samsyn.dashboards.selectors import Dashboard, Hidden, TeacherRow
from samsyn.lib import pdf, spreadsheet


def _cell(value):
    if isinstance(value, Hidden):
        return value.reason
    return "" if value is None else value


def _split_intervals(table: ChartTable) -> tuple[list[str], list[list]]:
    """The table with each interval column as two numeric columns, lower and upper (the page
    and the PDF show "low – high"; a spreadsheet needs numbers)."""
    split = {i for row in table.rows for i, c in enumerate(row) if isinstance(c, Interval)}
    if not split:
        return table.columns, table.rows
    columns: list[str] = []
    for i, name in enumerate(table.columns):
        if i in split:
            columns += [
                _("%(interval)s, lower") % {"interval": name},
                _("%(interval)s, upper") % {"interval": name},
            ]
        else:
            columns.append(name)
    rows = []
    for row in table.rows:
        cells: list = []
        for i, cell in enumerate(row):
            if i not in split:
                cells.append(cell)
            elif isinstance(cell, Interval):
                cells += [cell.low, cell.high]
            else:  # hidden (its reason in both) or empty
                cells += [cell, cell]
        rows.append(cells)
    return columns, rows


def filename(dashboard: Dashboard, ext: str) -> str:
    stamp = timezone.localdate().isoformat()
    return f"{slugify(dashboard.organisation.name) or 'dashboard'}-{stamp}.{ext}"


def _selection_lines(dashboard: Dashboard) -> list[str]:
    lines = [dashboard.organisation.name]
    if dashboard.round:
        lines.append(_("Round: %(round)s") % {"round": dashboard.round.label})
    if dashboard.compare_round:
        lines.append(_("Compared with: %(round)s") % {"round": dashboard.compare_round.label})
    if dashboard.filters.get("subject"):
        lines.append(_("Subject: %(subject)s") % {"subject": dashboard.filters["subject"]})
    if dashboard.filters.get("grade_span"):
        spans = dict(dashboard.grade_spans)
        lines.append(
            _("Grades: %(span)s")
            % {"span": spans.get(dashboard.filters["grade_span"], dashboard.filters["grade_span"])}
        )
    return lines


def _teacher_table(dashboard: Dashboard, rows: list[TeacherRow]) -> tuple[list[str], list[list]]:
    columns = [_("Teacher"), _("Lessons")] + [d.short_name for d in dashboard.dimensions]
    body = [
        [r.name, r.lessons, *[None if m is None else round(m, 2) for m in r.means]] for r in rows
    ]
    return columns, body


def csv_response(dashboard: Dashboard, charts: list[Chart], teachers: bool) -> HttpResponse:
    out = io.StringIO()
    writer = spreadsheet.csv_writer(out)
    for line in _selection_lines(dashboard):
        writer.writerow([line])
    writer.writerow([_("Exported %(when)s") % {"when": _now()}])
    for chart in charts:
        writer.writerow([])
        writer.writerow([chart.title])
        writer.writerow([chart.table.caption])
        columns, rows = _split_intervals(chart.table)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(c) for c in row])
        for note in chart.notes:
            writer.writerow([note])
    if teachers and dashboard.teacher_rows is not None:
        columns, body = _teacher_table(dashboard, dashboard.teacher_rows)
        writer.writerow([])
        writer.writerow([_("Per teacher (school leadership only)")])
        writer.writerow(columns)
        writer.writerows([[_cell(c) for c in row] for row in body])
    writer.writerow([])
    writer.writerow([_("Method notes")])
    for note in dashboard.method_notes:
        writer.writerow([note])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(dashboard, "csv")}"'
    return response


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


def xlsx_response(dashboard: Dashboard, charts: list[Chart], teachers: bool) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = _("About")[:31]
    for line in _selection_lines(dashboard):
        about.append([line])
    about.append([_("Exported %(when)s") % {"when": _now()}])
    about.append([])
    about.append([_("Method notes")])
    about.cell(row=about.max_row, column=1).font = Font(bold=True)
    for note in dashboard.method_notes:
        about.append([note])
    about.column_dimensions["A"].width = 100
    used: set[str] = {about.title}
    for chart in charts:
        title = _sheet_title(chart.title, used)
        sheet = book.create_sheet(title)
        sheet.append([chart.table.caption])
        sheet.cell(row=1, column=1).font = Font(bold=True)
        columns, rows = _split_intervals(chart.table)
        sheet.append(columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(c) for c in row])
        sheet.append([])
        for note in chart.notes:
            sheet.append([note])
        sheet.column_dimensions["A"].width = 34
    if teachers and dashboard.teacher_rows is not None:
        sheet = book.create_sheet(_sheet_title(_("Per teacher"), used))
        columns, body = _teacher_table(dashboard, dashboard.teacher_rows)
        sheet.append(columns)
        for row in body:
            sheet.append(row)
    buffer = io.BytesIO()
    spreadsheet.neutralise_workbook(book)
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(dashboard, "xlsx")}"'
    return response


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, i = base, 2
    while name in used:
        name = f"{base[:26]} {i}"
        i += 1
    used.add(name)
    return name


def pdf_response(
    request: HttpRequest, dashboard: Dashboard, charts: list[Chart], teachers: bool
) -> HttpResponse:
    drawn = [
        {"chart": chart, "svg": None if chart.empty else _data_uri(chart.svg())} for chart in charts
    ]
    teacher_columns, teacher_body = ([], [])
    if teachers and dashboard.teacher_rows is not None:
        teacher_columns, teacher_body = _teacher_table(dashboard, dashboard.teacher_rows)
    out = pdf.render_pdf(
        request,
        "dashboards/report.html",
        {
            "dashboard": dashboard,
            "charts": drawn,
            "selection": _selection_lines(dashboard),
            "exported": _now(),
            "teacher_columns": teacher_columns,
            "teacher_body": teacher_body,
        },
    )
    return pdf.pdf_response(out, filename(dashboard, "pdf"))


def _data_uri(svg: str) -> str:
    """The server-rendered SVG as an image source (never pasted into the HTML as markup)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

"""Template helpers for dashboards: the table view's rows, built in Python.

An owner's dashboard has tables with hundreds of rows (schools × subject groups, schools ×
rounds); rendering their cells through nested template loops took longer than computing the
figures. The output is the same markup the template wrote, with values localised and escaped
exactly as `{{ value }}` would."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from samsyn.lib.templatetags.numbers import real_minus

register = template.Library()


def _cell(cell: Any, first: bool, context) -> SafeString:
    if first:
        return format_html('<th scope="row">{}</th>', render_value_in_context(cell, context))
    reason = getattr(cell, "reason", None)
    if reason:
        text = render_value_in_context(reason, context)
        return format_html(
            '<td class="hidden-cell"><abbr title="{}">–</abbr> '
            '<span class="visually-hidden">{}</span></td>',
            text,
            text,
        )
    value = "" if cell is None else render_value_in_context(cell, context)
    if isinstance(cell, int | float):
        value = real_minus(value)
    return format_html("<td>{}</td>", value)


@register.simple_tag(takes_context=True)
def chart_table_rows(context, table) -> SafeString:
    """`<tr>` rows of a ChartTable: the first cell a row header, a hidden cell with its
    reason (abbr title + visually hidden text), else the value ("" for None)."""
    rows = []
    for row in table.rows:
        cells = "".join(_cell(cell, i == 0, context) for i, cell in enumerate(row))
        rows.append(f"<tr>{cells}</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 - every piece above is format_html-escaped

"""The change per dimension with its interval as an inline SVG, drawn on the server from the
page's frozen content (no script: the public page loads none). The table beside it is the
text alternative and holds the same numbers."""

from __future__ import annotations

import math

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from samsyn.lib.templatetags.numbers import floatformat

register = template.Library()

LABEL_W, PLOT_W, ROW_H, TOP, BOTTOM = 330, 380, 28, 10, 34
INK, OWN, MUTED = "#1b1f24", "#0b5a7a", "#4d5560"


def _x(value: float, limit: float) -> float:
    return LABEL_W + (value + limit) / (2 * limit) * PLOT_W


@register.simple_tag
def change_figure(changes: list[dict]) -> SafeString:
    """Each shown dimension's change (dot) and 95 % interval (line) around zero."""
    shown = [c for c in changes or [] if "hidden" not in c]
    if not shown:
        return mark_safe("")
    widest = max(max(abs(c["ci_low"]), abs(c["ci_high"])) for c in shown)
    limit = max(0.5, math.ceil(widest * 2) / 2)
    height = TOP + ROW_H * len(shown) + BOTTOM
    width = LABEL_W + PLOT_W + 20
    title = _("Change per dimension with its interval; the table below holds the numbers.")
    parts = [
        f'<svg class="progress-figure" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{_x(0, limit):.1f}" x2="{_x(0, limit):.1f}" y1="{TOP}" '
        f'y2="{height - BOTTOM}" stroke="{MUTED}" stroke-width="1"/>',
    ]
    for i, c in enumerate(shown):
        y = TOP + ROW_H * i + ROW_H / 2
        colour = OWN if c["direction"] != "unclear" else MUTED
        parts += [
            f'<text x="{LABEL_W - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(c["dimension"])}</text>',
            f'<line x1="{_x(c["ci_low"], limit):.1f}" x2="{_x(c["ci_high"], limit):.1f}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" stroke-width="3"/>',
            f'<circle cx="{_x(c["change"], limit):.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>',
        ]
    for tick in (-limit, 0.0, limit):
        parts.append(
            f'<text x="{_x(tick, limit):.1f}" y="{height - BOTTOM + 18}" text-anchor="middle" '
            f'font-size="12" fill="{INK}">{escape(floatformat(tick, 1))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (numbers and escaped text only)

"""The exploratory scatter (teaching change vs an outcome's change across schools) as a small
SVG drawn on the server, the same for the page and the PDF (no script needed). The page
shows the same numbers in a table beside it."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from samsyn.lib.templatetags.numbers import floatformat
from samsyn.programmes.selectors import Relation

W, H = 420, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44


def _range(values: list[float]) -> tuple[float, float]:
    low, high = min([*values, 0.0]), max([*values, 0.0])
    pad = (high - low) * 0.12 or 0.5
    return low - pad, high + pad


def scatter_svg(relation: Relation) -> SafeString:
    """Points (one per school, labelled), the zero lines, and the fitted line over the
    schools' range when a slope was fitted."""
    xs = [p["x"] for p in relation.points]
    ys = [p["y"] for p in relation.points]
    if not xs:
        return mark_safe("")
    x0, x1 = _range(xs)
    y0, y1 = _range(ys)

    def sx(v: float) -> float:
        return LEFT + (v - x0) / (x1 - x0) * (W - LEFT - RIGHT)

    def sy(v: float) -> float:
        return H - BOTTOM - (v - y0) / (y1 - y0) * (H - TOP - BOTTOM)

    title = escape(
        _("Teaching change and %(outcome)s change, per school")
        % {"outcome": relation.outcome.lower()}
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
        f'height="{H}" role="img" aria-label="{title}" class="programme-scatter">',
        f"<title>{title}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}" '
        'fill="none" stroke="#999"/>',
        f'<line x1="{sx(0):.1f}" y1="{TOP}" x2="{sx(0):.1f}" y2="{H - BOTTOM}" stroke="#bbb" '
        'stroke-dasharray="3 3"/>',
        f'<line x1="{LEFT}" y1="{sy(0):.1f}" x2="{W - RIGHT}" y2="{sy(0):.1f}" stroke="#bbb" '
        'stroke-dasharray="3 3"/>',
    ]
    for value, anchor_x in ((x0, LEFT), (x1, W - RIGHT)):
        parts.append(
            f'<text x="{anchor_x}" y="{H - BOTTOM + 14}" font-size="10" '
            f'text-anchor="{"start" if anchor_x == LEFT else "end"}">'
            f"{escape(floatformat(value, 2))}</text>"
        )
    for value in (y0, y1):
        parts.append(
            f'<text x="{LEFT - 4}" y="{sy(value) + 4:.1f}" font-size="10" text-anchor="end">'
            f"{escape(floatformat(value, 1))}</text>"
        )
    parts.append(
        f'<text x="{(LEFT + W - RIGHT) / 2}" y="{H - 6}" font-size="11" text-anchor="middle">'
        f"{escape(_('Change in teaching (steps)'))}</text>"
    )
    parts.append(
        f'<text x="12" y="{(TOP + H - BOTTOM) / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 12 {(TOP + H - BOTTOM) / 2})">'
        f"{escape(_('Change in the index (0–10)'))}</text>"
    )
    if relation.slope is not None:
        a, b = relation.slope.intercept, relation.slope.estimate
        lo, hi = min(xs), max(xs)
        parts.append(
            f'<line x1="{sx(lo):.1f}" y1="{sy(a + b * lo):.1f}" x2="{sx(hi):.1f}" '
            f'y2="{sy(a + b * hi):.1f}" stroke="#555"/>'
        )
    middle = (LEFT + W - RIGHT) / 2
    for p in relation.points:
        right = sx(p["x"]) > middle  # label to the left of points in the right half
        parts.append(
            f'<circle cx="{sx(p["x"]):.1f}" cy="{sy(p["y"]):.1f}" r="4" fill="#1f5f8b"/>'
            f'<text x="{sx(p["x"]) + (-6 if right else 6):.1f}" y="{sy(p["y"]) - 6:.1f}" '
            f'font-size="10" text-anchor="{"end" if right else "start"}">'
            f"{escape(p['school'])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)

"""The Vega-Lite spec of a teacher's profile, drawn by static/js/charts.js.

The page hands the spec over with `json_script` and has a table with the same numbers beside it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def profile_spec(profile: dict) -> dict:
    """Mean step per dimension (rows) and round (columns) as small lines, one per dimension."""
    values = [
        {
            "round": cell.round.name,
            "dimension": row["name"],
            "mean": round(cell.mean, 2),
            "lessons": cell.lessons,
        }
        for row in profile["table"]
        for cell in row["cells"]
        if cell.mean is not None
    ]
    rounds = [r.name for r in profile["rounds"]]
    title = _("My mean step per dimension, round by round")
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "width": "container",
        "height": 280,
        "config": {
            "aria": False,  # Vega's own ARIA labels are English only; the table has the data
            "mark": {"aria": False},  # marks too: hidden from the accessibility tree
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
        },
        "data": {"values": values},
        "mark": {"type": "line", "point": {"filled": True, "size": 50}, "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "round",
                "type": "ordinal",
                "sort": rounds,
                "title": _("Round"),
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "mean",
                "type": "quantitative",
                "title": _("Mean step"),
                "scale": {"domain": [1, profile.get("top_step", 4)], "nice": False},
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "color": {
                "field": "dimension",
                "type": "nominal",
                "title": _("Dimension"),
                "legend": {"orient": "bottom", "columns": 2},
            },
        },
    }

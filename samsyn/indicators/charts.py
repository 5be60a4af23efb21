"""Vega-Lite specs for the indicator pages, built here and drawn by static/js/charts.js.

The page hands each spec to the browser with `json_script`; every chart has a table beside it
with the same numbers. Specs avoid anything that needs Vega's expression compiler at run time
beyond simple field access (the page runs Vega's CSP-safe interpreter, see docs/indicators.md).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from samsyn.indicators.selectors import BandPoint, ExpectedYear, Series

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
OWN = "#1f5f8b"
BAND = "#9aa9b8"


def _base(title: str) -> dict:
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 260,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "config": {
            "aria": False,  # Vega's own ARIA labels are English only; the table has the data
            "mark": {"aria": False},  # marks too: hidden from the accessibility tree
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
        },
        "description": title,
    }


def trend_spec(
    *,
    title: str,
    unit_label: str,
    series: list[Series],
    band: list[BandPoint],
    band_label: str,
    base_year: int | None,
) -> dict:
    """Own trend first (lines with points), the group's middle half as a grey band behind."""
    own = [
        {"year": p.year, "value": p.value, "series": s.label}
        for s in series
        for p in s.points
        if p.value is not None
    ]
    years = sorted({p["year"] for p in own} | {b.year for b in band})
    x = {
        "field": "year",
        "type": "quantitative",
        "title": _("Year"),
        "axis": {"format": "d", "values": years, "labelAngle": 0},
        "scale": {"domain": [years[0], years[-1]]} if years else {},
    }
    layers: list[dict] = []
    if band:
        band_rows = [
            {"year": b.year, "low": b.low, "high": b.high, "median": b.median, "group": band_label}
            for b in band
        ]
        layers.append(
            {
                "data": {"values": band_rows},
                "mark": {"type": "area", "opacity": 0.35, "color": BAND},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "type": "quantitative", "title": unit_label},
                    "y2": {"field": "high"},
                },
            }
        )
        layers.append(
            {
                "data": {"values": band_rows},
                "mark": {"type": "line", "strokeDash": [4, 3], "color": "#5b6b7b"},
                "encoding": {"x": x, "y": {"field": "median", "type": "quantitative"}},
            }
        )
    if base_year is not None:
        layers.append(
            {
                "data": {"values": [{"year": base_year}]},
                "mark": {"type": "rule", "color": "#b0b0b0", "strokeDash": [2, 2]},
                "encoding": {"x": x},
            }
        )
    layers.append(
        {
            "data": {"values": own},
            "mark": {"type": "line", "point": {"filled": True, "size": 50}, "strokeWidth": 2.5},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": unit_label,
                    "scale": {"zero": False},
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"range": [OWN, "#c0392b", "#2e8b57"]},
                    "legend": {"orient": "bottom"},
                },
            },
        }
    )
    spec = _base(title)
    spec["layer"] = layers
    return spec


def residual_spec(*, title: str, years: list[ExpectedYear], unit_label: str) -> dict:
    """Residual (actual − expected) per year with its prediction interval, and the zero line."""
    rows = [
        {
            "year": y.year,
            "residual": round(y.residual, 3),
            "low": round(y.residual_low, 3),
            "high": round(y.residual_high, 3),
        }
        for y in years
    ]
    all_years = [y.year for y in years]
    x = {
        "field": "year",
        "type": "quantitative",
        "title": _("Year"),
        "axis": {"format": "d", "values": all_years, "labelAngle": 0},
        "scale": {"domain": [min(all_years) - 0.5, max(all_years) + 0.5]} if years else {},
    }
    spec = _base(title)
    spec["layer"] = [
        {
            "data": {"values": [{"zero": 0}]},
            "mark": {"type": "rule", "color": "#555"},
            "encoding": {"y": {"field": "zero", "type": "quantitative"}},
        },
        {
            "data": {"values": rows},
            "mark": {"type": "rule", "color": OWN, "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": {"field": "low", "type": "quantitative", "title": unit_label},
                "y2": {"field": "high"},
            },
        },
        {
            "data": {"values": rows},
            "mark": {"type": "point", "filled": True, "size": 70, "color": OWN},
            "encoding": {"x": x, "y": {"field": "residual", "type": "quantitative"}},
        },
    ]
    return spec

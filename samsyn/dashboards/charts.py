"""The dashboard charts: one definition, two outputs.

Each chart is a `ChartDef` in `CHARTS` (key → definition). `build(dashboard)` returns a
`Chart` holding

- `spec`: a Vega-Lite dict, drawn in the browser by the vendored vega-embed
  (`dashboards/_chart.html` + static/js/dashboards.js) and on the server by `svg()`
  (vl-convert-python) for PDF reports;
- `table`: the same numbers as a table (caption, column headers, rows) -- the chart's text
  alternative on the page, and what CSV/XLSX exports write;
- `notes`: method notes and the n behind the figures.

Hidden (suppressed) figures never reach the spec; in the table they are `Hidden` cells whose
text is the reason. The contract (`CHARTS`, `ChartDef`, `Chart`, `ChartTable`) is used by
samsyn/workshops too: keep it stable.

Specs avoid anything that needs Vega's expression compiler (the page runs Vega's CSP-safe
interpreter, as on the indicator pages).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from samsyn.dashboards.selectors import Dashboard, Hidden

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
VL_VERSION = "6.4"
# Lowest step lightest, highest darkest (colour-blind safe blues), then a fallback.
STEP_COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b", "#041a3a", "#000000"]
OWN = "#1f5f8b"
SVG_WIDTH = 640
# d3-format locales for the server-rendered SVG: the same as static/vendor/d3-format-locale-sv-SE.js.
FORMAT_LOCALES = {
    "sv": {
        "decimal": ",",
        "thousands": "\u00a0",
        "grouping": [3],
        "currency": ["", " kr"],
    },
}


@dataclass(frozen=True)
class Interval:
    """A 95 % interval: shown as "low – high" on the page and in the PDF, exported as two
    numeric columns (lower, upper) so that a spreadsheet can compute with it."""

    low: float
    high: float

    def __str__(self) -> str:
        from django.utils.formats import number_format

        from samsyn.lib.templatetags.numbers import real_minus

        low, high = (real_minus(number_format(v, 2)) for v in (self.low, self.high))
        return f"{low} – {high}"


Cell = str | int | float | Interval | Hidden | None


@dataclass(frozen=True)
class ChartTable:
    """The chart's numbers as a table: its text alternative and its export."""

    caption: str
    columns: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    spec: dict[str, Any]
    table: ChartTable
    notes: list[str] = field(default_factory=list)
    n: int = 0
    empty: bool = False

    @property
    def element_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def spec_id(self) -> str:
        return f"chart-{self.key}-spec"

    def svg(self, *, width: int = SVG_WIDTH) -> str:
        """The chart as SVG, rendered on the server (vl-convert-python, offline)."""
        import vl_convert

        spec = copy.deepcopy(self.spec)
        _fix_width(spec, width)
        # Axis labels in the reader's language (decimal commas in Swedish), as on the page.
        locale = FORMAT_LOCALES.get((get_language() or "")[:2])
        if locale:
            return vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION, format_locale=locale)
        return vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)


def _fix_width(spec: dict, width: int) -> None:
    if spec.get("width") == "container":
        spec["width"] = width
    for sub in spec.get("vconcat", []) + spec.get("hconcat", []):
        _fix_width(sub, width)


@dataclass(frozen=True)
class ChartDef:
    key: str
    title: str | Promise
    build: Callable[[Dashboard], Chart]
    # Which dashboards the chart applies to ("school", "owner", "network", "region").
    scopes: frozenset[str] = frozenset({"school", "owner", "network", "region"})
    needs_compare: bool = False

    def applies(self, dashboard: Dashboard) -> bool:
        if dashboard.scope not in self.scopes:
            return False
        return not (self.needs_compare and dashboard.compare_round is None)


def _base(title: str, height: int | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "width": "container",
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "config": {
            "aria": False,  # Vega's own ARIA labels are English only; the table has the data
            "mark": {"aria": False},  # marks too: hidden from the accessibility tree
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
        },
        "description": title,
    }
    if height:
        spec["height"] = height
    return spec


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _interval(low: float | None, high: float | None) -> Interval:
    return Interval(_r(low), _r(high))


def _step_names(dashboard: Dashboard) -> list[str]:
    k = max((len(d.steps) for d in dashboard.dimensions), default=4)
    return [_("Step %(n)s") % {"n": i} for i in range(1, k + 1)]


def _share_columns(dashboard: Dashboard) -> list[str]:
    return [
        _("Step %(n)s, %% of ratings") % {"n": i} for i in range(1, len(_step_names(dashboard)) + 1)
    ]


def _empty(key: str, title: str, caption: str, columns: list[str], reason: str) -> Chart:
    spec = _base(title, 60)
    spec["data"] = {"values": []}
    spec["mark"] = "text"
    return Chart(
        key=key,
        title=title,
        spec=spec,
        table=ChartTable(caption=caption, columns=columns, rows=[]),
        notes=[reason],
        empty=True,
    )


def _no_data() -> str:
    return _("No submitted observations for this selection yet.")


# --------------------------------------------------------------------------- distribution


def _stacked_rows(dashboard: Dashboard, round_pks: list[int]) -> tuple[list[dict], list[list]]:
    values: list[dict] = []
    table: list[list[Cell]] = []
    names = _step_names(dashboard)
    for rpk in round_pks:
        for d in dashboard.distribution_for(rpk):
            label = d.round.name
            row: list[Cell] = [d.dimension.short_name]
            if len(round_pks) > 1:
                row.append(label)
            if d.hidden is not None:
                row += [d.hidden] * (len(names) + 2)
                table.append(row)
                continue
            for i, count in enumerate(d.counts):
                share = count / d.n_ratings if d.n_ratings else 0.0
                values.append(
                    {
                        "dimension": d.dimension.short_name,
                        "dim_order": d.dimension.order,
                        "round": label,
                        "step": names[i],
                        "step_order": i + 1,
                        "share": round(share, 4),
                        "count": count,
                    }
                )
            shares: list[Cell] = [round(100 * s, 1) for s in d.shares]
            shares += [""] * (len(names) - len(shares))
            row += [*shares, d.n_ratings, d.n_teachers]
            table.append(row)
    return values, table


def _stacked_spec(title: str, values: list[dict], names: list[str], by_round: bool) -> dict:
    dims = []
    for v in sorted(values, key=lambda v: v["dim_order"]):
        if v["dimension"] not in dims:
            dims.append(v["dimension"])
    spec = _base(title)
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "bar"}
    spec["encoding"] = {
        "y": {"field": "dimension", "type": "nominal", "title": None, "sort": dims},
        "x": {
            "field": "share",
            "type": "quantitative",
            "stack": "normalize",
            "title": _("Share of ratings"),
            "axis": {"format": "%"},
        },
        "color": {
            "field": "step",
            "type": "ordinal",
            "title": None,
            "sort": names,
            "scale": {"domain": names, "range": STEP_COLOURS[: len(names)]},
            "legend": {"orient": "bottom", "direction": "horizontal"},
        },
        "order": {"field": "step_order", "type": "quantitative", "sort": "ascending"},
    }
    rows = max(len(dims), 1)
    if by_round:
        rounds = []
        for v in values:
            if v["round"] not in rounds:
                rounds.append(v["round"])
        spec["encoding"]["yOffset"] = {"field": "round", "type": "nominal", "sort": rounds}
        spec["encoding"]["opacity"] = {
            "field": "round",
            "type": "nominal",
            "sort": rounds,
            "title": None,
            "scale": {"range": [0.55, 1.0]},
            "legend": {"orient": "bottom", "direction": "horizontal"},
        }
        spec["height"] = {"step": 20 * max(len(rounds), 1)}
    else:
        spec["height"] = rows * 28
    return spec


def build_distribution(dashboard: Dashboard) -> Chart:
    title = str(CHARTS["distribution"].title)
    names = _step_names(dashboard)
    columns = [_("Dimension"), *_share_columns(dashboard), _("Ratings (n)"), _("Teachers (n)")]
    caption = (
        _("Share of ratings at each step, %(round)s") % {"round": dashboard.round.name}
        if dashboard.round
        else title
    )
    if not dashboard.has_data:
        return _empty("distribution", title, caption, columns, _no_data())
    values, table = _stacked_rows(dashboard, [dashboard.round.pk])
    n = sum(d.n_ratings for d in dashboard.distribution_for(dashboard.round.pk) if not d.hidden)
    return Chart(
        key="distribution",
        title=title,
        spec=_stacked_spec(title, values, names, by_round=False),
        table=ChartTable(caption=caption, columns=columns, rows=table),
        notes=[
            _("Bars run from the lowest step (left) to the highest (right)."),
            _("n = %(n)s ratings.") % {"n": n},
        ],
        n=n,
    )


def build_comparison(dashboard: Dashboard) -> Chart:
    title = str(CHARTS["comparison"].title)
    names = _step_names(dashboard)
    columns = [
        _("Dimension"),
        _("Round"),
        *_share_columns(dashboard),
        _("Ratings (n)"),
        _("Teachers (n)"),
    ]
    if dashboard.compare_round is None or not dashboard.has_data:
        return _empty(
            "comparison",
            title,
            title,
            columns,
            _("Choose a second round to compare with.") if dashboard.has_data else _no_data(),
        )
    caption = _("Share of ratings at each step: %(before)s and %(after)s") % {
        "before": dashboard.compare_round.name,
        "after": dashboard.round.name,
    }
    pks = [dashboard.compare_round.pk, dashboard.round.pk]
    values, _rows = _stacked_rows(dashboard, pks)
    # Table: dimension by dimension, the two rounds next to each other.
    by_dim: dict[str, list] = {}
    for row in _rows:
        by_dim.setdefault(str(row[0]), []).append(row)
    table = [row for rows in by_dim.values() for row in rows]
    n = sum(d.n_ratings for pk in pks for d in dashboard.distribution_for(pk) if d.hidden is None)
    return Chart(
        key="comparison",
        title=title,
        spec=_stacked_spec(title, values, names, by_round=True),
        table=ChartTable(caption=caption, columns=columns, rows=table),
        notes=[
            _("Each dimension has two bars: the paler one is %(before)s, the darker %(after)s.")
            % {"before": dashboard.compare_round.name, "after": dashboard.round.name},
            _("n = %(n)s ratings in the two rounds.") % {"n": n},
        ],
        n=n,
    )


# --------------------------------------------------------------------------- change


def build_change(dashboard: Dashboard) -> Chart:
    title = str(CHARTS["change"].title)
    columns = [
        _("Dimension"),
        _("Before (mean step)"),
        _("After (mean step)"),
        pgettext_change(),
        _("95 % interval"),
        _("Effect size"),
        _("Effect size, 95 % interval"),
        _("Teachers (n)"),
        _("Method"),
    ]
    if dashboard.compare_round is None or not dashboard.changes:
        return _empty(
            "change",
            title,
            title,
            columns,
            _("Choose a second round to compare with.") if dashboard.has_data else _no_data(),
        )
    caption = _("Change in the teachers' mean step from %(before)s to %(after)s") % {
        "before": dashboard.compare_round.name,
        "after": dashboard.round.name,
    }
    values, table = [], []
    methods = {
        "paired": _("same teachers (paired)"),
        "independent": _("different teachers (independent)"),
        "none": "",
    }
    for ch in dashboard.changes:
        name = ch.dimension.short_name
        if ch.hidden is not None:
            table.append([name, *([ch.hidden] * 7), methods.get(ch.method, "")])
            continue
        if ch.change is not None and ch.ci_low is not None:
            values.append(
                {
                    "dimension": name,
                    "dim_order": ch.dimension.order,
                    "change": _r(ch.change),
                    "low": _r(ch.ci_low),
                    "high": _r(ch.ci_high),
                    "clear": _("clear change") if ch.clear else _("no clear change"),
                }
            )
        interval = _interval(ch.ci_low, ch.ci_high) if ch.ci_low is not None else ""
        effect_interval = (
            _interval(ch.effect_low, ch.effect_high) if ch.effect_low is not None else ""
        )
        table.append(
            [
                name,
                _r(ch.before),
                _r(ch.after),
                _r(ch.change),
                interval,
                _r(ch.effect),
                effect_interval,
                ch.n_teachers,
                methods.get(ch.method, ""),
            ]
        )
    dims = [v["dimension"] for v in sorted(values, key=lambda v: v["dim_order"])]
    y = {"field": "dimension", "type": "nominal", "title": None, "sort": dims}
    spec = _base(title, max(len(dims), 1) * 28)
    spec["data"] = {"values": values}
    spec["layer"] = [
        {
            "data": {"values": [{"zero": 0}]},
            "mark": {"type": "rule", "color": "#555"},
            "encoding": {"x": {"field": "zero", "type": "quantitative"}},
        },
        {
            "mark": {"type": "rule", "strokeWidth": 2, "color": OWN},
            "encoding": {
                "y": y,
                "x": {"field": "low", "type": "quantitative", "title": _("Change in mean step")},
                "x2": {"field": "high"},
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 80},
            "encoding": {
                "y": y,
                "x": {"field": "change", "type": "quantitative"},
                "color": {
                    "field": "clear",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": [_("clear change"), _("no clear change")],
                        "range": ["#08306b", "#9aa9b8"],
                    },
                    "legend": {"orient": "bottom"},
                },
            },
        },
    ]
    paired = [c for c in dashboard.changes if c.method == "paired" and not c.hidden]
    n = max((c.n_teachers for c in dashboard.changes if not c.hidden), default=0)
    notes = [
        _(
            "Dot: the change in the teachers' mean step; line: its 95 % interval. A line that "
            "does not cross zero is a clear change."
        ),
    ]
    if paired:
        notes.append(
            _(
                "Effect size: rank-biserial correlation (−1 to 1) of the paired changes, "
                "with a bootstrap interval; the change's interval is cluster-robust (CR2)."
            )
        )
    if any(c.method == "independent" for c in dashboard.changes):
        notes.append(_("Effect size for different teachers: Cliff's delta (−1 to 1)."))
    notes.append(_("n = up to %(n)s teachers per dimension.") % {"n": n})
    return Chart(
        key="change",
        title=title,
        spec=spec,
        table=ChartTable(caption=caption, columns=columns, rows=table),
        notes=notes,
        n=n,
    )


def pgettext_change() -> str:
    from django.utils.translation import pgettext

    return pgettext("column heading", "Change")


# --------------------------------------------------------------------------- profile


def build_profile(dashboard: Dashboard) -> Chart:
    title = str(CHARTS["profile"].title)
    columns = [_("Dimension"), _("Mean step"), _("Ratings (n)"), _("Teachers (n)"), _("Note")]
    if not dashboard.has_data:
        return _empty("profile", title, title, columns, _no_data())
    caption = _("Mean step per dimension, %(round)s") % {"round": dashboard.round.name}
    strongest = {r.dimension.code for r in dashboard.strongest}
    weakest = {r.dimension.code for r in dashboard.weakest}
    values, table = [], []
    for d in dashboard.distribution_for(dashboard.round.pk):
        name = d.dimension.short_name
        if d.hidden is not None:
            table.append([name, d.hidden, d.hidden, d.hidden, ""])
            continue
        tag = ""
        if d.dimension.code in strongest:
            tag = _("among the strongest")
        elif d.dimension.code in weakest:
            tag = _("among the weakest")
        if d.mean is not None:
            values.append(
                {
                    "dimension": name,
                    "dim_order": d.dimension.order,
                    "mean": _r(d.mean),
                    "tag": tag or _("other"),
                }
            )
        table.append([name, _r(d.mean), d.n_ratings, d.n_teachers, tag])
    k = max((len(d.steps) for d in dashboard.dimensions), default=4)
    dims = [v["dimension"] for v in values]
    spec = _base(title, max(len(dims), 1) * 28)
    spec["data"] = {"values": values}
    # Bars start at step 1, the bottom of the framework's scale (not at 0, which would draw
    # them left of the axis over the dimension labels), and are clipped to the plot.
    spec["mark"] = {"type": "bar", "clip": True}
    spec["encoding"] = {
        "y": {
            "field": "dimension",
            "type": "nominal",
            "title": None,
            "sort": dims,
            "axis": {"labelLimit": 220, "labelPadding": 6},
        },
        "x": {
            "field": "mean",
            "type": "quantitative",
            "title": _("Mean step (the framework's scale, 1 to %(k)s)") % {"k": k},
            "scale": {"domain": [1, k], "nice": False, "zero": False},
            "axis": {"values": list(range(1, k + 1)), "format": "d"},
        },
        "x2": {"datum": 1},
        "color": {
            "field": "tag",
            "type": "nominal",
            "title": None,
            "scale": {
                "domain": [_("among the strongest"), _("among the weakest"), _("other")],
                "range": ["#08306b", "#d4a017", "#9aa9b8"],
            },
            "legend": {"orient": "bottom"},
        },
    }
    n = sum(d.n_ratings for d in dashboard.distribution_for(dashboard.round.pk) if not d.hidden)
    return Chart(
        key="profile",
        title=title,
        spec=spec,
        table=ChartTable(caption=caption, columns=columns, rows=table),
        notes=[
            _("The three highest and three lowest mean steps are marked; steps run 1 to %(k)s.")
            % {"k": k},
            _("n = %(n)s ratings.") % {"n": n},
        ],
        n=n,
    )


# --------------------------------------------------------------------------- coverage


def build_coverage(dashboard: Dashboard) -> Chart:
    title = str(CHARTS["coverage"].title)
    columns = [_("Round"), _("Lessons"), _("Teachers"), _("Observers")]
    area = dashboard.scope != "school"
    if area:
        columns.append(_("Schools"))
    if not dashboard.coverage:
        return _empty("coverage", title, title, columns, _no_data())
    values, table = [], []
    for c in dashboard.coverage:
        if c.hidden is not None:
            table.append([c.round.name, *([c.hidden] * (len(columns) - 1))])
            continue
        row: list[Cell] = [c.round.name, c.lessons, c.teachers, c.observers]
        if area:
            row.append(c.schools)
        table.append(row)
        for label, number in (
            (_("Lessons"), c.lessons),
            (_("Teachers"), c.teachers),
            (_("Observers"), c.observers),
        ):
            values.append({"round": c.round.name, "what": label, "count": number})
    rounds = [c.round.name for c in dashboard.coverage]
    spec = _base(title, 160)
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "bar"}
    spec["encoding"] = {
        "y": {"field": "what", "type": "nominal", "title": None},
        "yOffset": {"field": "round", "type": "nominal", "sort": rounds},
        "x": {"field": "count", "type": "quantitative", "title": _("Number")},
        "color": {
            "field": "round",
            "type": "nominal",
            "sort": rounds,
            "title": None,
            "scale": {"range": ["#9aa9b8", OWN]},
            "legend": {"orient": "bottom"},
        },
    }
    n = sum(c.lessons for c in dashboard.coverage if c.hidden is None)
    return Chart(
        key="coverage",
        title=title,
        spec=spec,
        table=ChartTable(caption=title, columns=columns, rows=table),
        notes=[_("n = %(n)s lessons.") % {"n": n}],
        n=n,
    )


# --------------------------------------------------------------------------- area charts


def build_school_trends(dashboard: Dashboard) -> Chart:
    title = str(CHARTS["school_trends"].title)
    columns = [_("School"), _("Round"), _("Mean step"), _("Teachers (n)")]
    if not dashboard.school_trends:
        return _empty("school_trends", title, title, columns, _no_data())
    values, table = [], []
    order = [r.name for r in dashboard.rounds]
    for trend in dashboard.school_trends:  # alphabetical: progression, not a ranking
        for p in trend.points:
            if p.hidden is not None:
                table.append([trend.school_name, p.round.name, p.hidden, p.hidden])
                continue
            table.append([trend.school_name, p.round.name, _r(p.mean), p.n_teachers])
            if p.mean is not None:
                values.append(
                    {"school": trend.school_name, "round": p.round.name, "mean": _r(p.mean)}
                )
    spec = _base(title, 260)
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "line", "point": {"filled": True, "size": 50}}
    spec["encoding"] = {
        "x": {
            "field": "round",
            "type": "ordinal",
            "sort": order,
            "title": None,
            "axis": {"labelAngle": 0},
        },
        "y": {
            "field": "mean",
            "type": "quantitative",
            "title": _("Mean step"),
            "scale": {"zero": False},
        },
        "color": {
            "field": "school",
            "type": "nominal",
            "title": None,
            "legend": {"orient": "bottom", "columns": 3},
        },
    }
    n = sum(p.n_teachers or 0 for t in dashboard.school_trends for p in t.points)
    return Chart(
        key="school_trends",
        title=title,
        spec=spec,
        table=ChartTable(caption=title, columns=columns, rows=table),
        notes=[
            _(
                "Each school's own mean step over all dimensions, round by round; schools in "
                "alphabetical order, not ranked."
            ),
            _("n = %(n)s teacher-rounds.") % {"n": n},
        ],
        n=n,
    )


def build_groups(dashboard: Dashboard) -> Chart:
    title = str(CHARTS["groups"].title)
    columns = [_("School"), _("Subject"), _("Teachers (n)"), _("Mean step")]
    if not dashboard.groups:
        return _empty("groups", title, title, columns, _no_data())
    caption = _("Subject groups per school, %(round)s") % {"round": dashboard.round.name}
    values, table = [], []
    for g in dashboard.groups:
        if g.hidden is not None:
            table.append([g.school_name, g.group, g.hidden, g.hidden])
            continue
        table.append([g.school_name, g.group, g.n_teachers, _r(g.mean)])
        values.append({"school": g.school_name, "group": g.group, "mean": _r(g.mean)})
    schools = sorted({v["school"] for v in values})
    spec = _base(title)
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "point", "filled": True, "size": 70}
    spec["height"] = max(len(schools), 1) * 28
    spec["encoding"] = {
        "y": {"field": "school", "type": "nominal", "title": None, "sort": schools},
        "x": {
            "field": "mean",
            "type": "quantitative",
            "title": _("Mean step"),
            "scale": {"zero": False},
        },
        "color": {
            "field": "group",
            "type": "nominal",
            "title": None,
            "legend": {"orient": "bottom", "columns": 4},
        },
    }
    n = sum(g.n_teachers or 0 for g in dashboard.groups)
    hidden = sum(1 for g in dashboard.groups if g.hidden)
    notes = [_("n = %(n)s teachers in the groups shown.") % {"n": n}]
    if hidden:
        notes.append(
            _("%(k)s groups hidden (fewer than %(min)s teachers, or derivable by subtraction).")
            % {"k": hidden, "min": dashboard.min_group}
        )
    return Chart(
        key="groups",
        title=title,
        spec=spec,
        table=ChartTable(caption=caption, columns=columns, rows=table),
        notes=notes,
        n=n,
    )


AREA = frozenset({"owner", "network", "region"})
CHARTS: dict[str, ChartDef] = {
    chart.key: chart
    for chart in [
        ChartDef("distribution", gettext_lazy("Steps per dimension"), build_distribution),
        ChartDef(
            "comparison",
            gettext_lazy("Baseline and follow-up side by side"),
            build_comparison,
            needs_compare=True,
        ),
        ChartDef(
            "change",
            gettext_lazy("Change per dimension"),
            build_change,
            needs_compare=True,
        ),
        ChartDef("profile", gettext_lazy("Strongest and weakest dimensions"), build_profile),
        ChartDef("coverage", gettext_lazy("Coverage"), build_coverage),
        ChartDef(
            "school_trends",
            gettext_lazy("Each school's trend over rounds"),
            build_school_trends,
            scopes=AREA,
        ),
        ChartDef("groups", gettext_lazy("Subject groups"), build_groups, scopes=AREA),
    ]
}


def _drawable(build: Callable[[Dashboard], Chart]) -> Callable[[Dashboard], Chart]:
    """A chart whose every figure is hidden has nothing to draw: an empty drawing would be a
    chart without labels. It is shown as its notes and table instead."""

    def guarded(dashboard: Dashboard) -> Chart:
        chart = build(dashboard)
        data = chart.spec.get("data")
        if chart.empty or not isinstance(data, dict) or data.get("values") != []:
            return chart
        reason = _("Every figure of this chart is hidden (too few teachers): see its table.")
        return dataclasses.replace(chart, empty=True, notes=[reason, *chart.notes])

    guarded.__wrapped__ = build  # type: ignore[attr-defined]
    return guarded


CHARTS = {key: dataclasses.replace(d, build=_drawable(d.build)) for key, d in CHARTS.items()}


def charts_for(dashboard: Dashboard, keys: list[str] | None = None) -> list[Chart]:
    """The charts that apply to `dashboard` (all, or those named in `keys`, in that order)."""
    defs = [CHARTS[k] for k in keys if k in CHARTS] if keys else list(CHARTS.values())
    return [d.build(dashboard) for d in defs if d.applies(dashboard)]

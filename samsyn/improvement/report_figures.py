"""The annual quality report's figures: per indicator the trend and expected vs actual, the
survey indices, and the observation summary, each with its table.

One builder for the page (Vega-Lite specs drawn in the browser) and the PDF (the same specs
as SVG, rendered on the server with vl-convert). Nothing here shows a number the reader may
not see elsewhere: survey areas answered by fewer than the minimum group are left out as on
the survey page, and the observation summary is the owner's dashboard chart, with its
small-cell suppression, drawn only for a reader allowed to see that dashboard.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, has_perm
from samsyn.accounts.models import Organisation, User
from samsyn.improvement.models import QualityCycle, StepEvidence

SVG_WIDTH = 620


@dataclass
class Figure:
    """A chart (Vega-Lite spec) with the same numbers as a table."""

    key: str
    title: str
    spec: dict
    caption: str
    columns: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)

    @property
    def spec_id(self) -> str:
        return f"figure-{self.key}-spec"

    @property
    def element_id(self) -> str:
        return f"figure-{self.key}"

    def svg_uri(self) -> str:
        """The chart as an SVG data URI for the PDF (vl-convert, offline)."""
        import vl_convert

        from samsyn.dashboards.charts import VL_VERSION

        spec = copy.deepcopy(self.spec)
        if spec.get("width") == "container":
            spec["width"] = SVG_WIDTH
        svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@dataclass
class IndicatorSection:
    indicator: object
    linked: bool  # named as evidence by a step of the cycle
    figures: list[Figure]
    missing: list  # indicators.selectors.SourceStatus without values
    source_note: str


@dataclass
class ReportFigures:
    municipality: str
    indicators: list[IndicatorSection]
    surveys: list[Figure]
    observations: list[Figure]
    observation_note: str


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:.{digits}f}".replace("-", "\u2212")
    return text.replace(".", ",") if _swedish() else text


def _cell(value) -> str:
    """A dashboard table's cell as text in the reader's language (decimal sign, minus sign)."""
    from django.utils.formats import localize

    from samsyn.lib.templatetags.numbers import real_minus

    if isinstance(value, float):
        return real_minus(localize(value))
    return str(value)


def _swedish() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "sv").startswith("sv")


def _indicator_sections(cycle: QualityCycle, code: str) -> list[IndicatorSection]:
    from samsyn.indicators import charts, selectors
    from samsyn.indicators.selectors import unit_label

    linked = set(
        StepEvidence.objects.filter(step__cycle=cycle, kind=StepEvidence.Kind.INDICATOR)
        .exclude(indicator_code="")
        .values_list("indicator_code", flat=True)
    )
    indicators = list(selectors.indicators_for_unscoped(organisation=cycle.owner))
    indicators.sort(key=lambda i: (i.code not in linked, i.position, i.code))
    sources = selectors.indicator_sources(indicators=indicators, code=code) if code else {}
    sections = []
    for indicator in indicators:
        series = selectors.indicator_series(indicator=indicator, code=code) if code else []
        unit = unit_label(indicator)
        figures = []
        if series:
            rows = [[s.label, p.year, p.status or _fmt(p.value)] for s in series for p in s.points]
            figures.append(
                Figure(
                    key=f"{indicator.code}-trend",
                    title=indicator.name,
                    spec=charts.trend_spec(
                        title=indicator.name,
                        unit_label=unit,
                        series=series,
                        band=[],
                        band_label="",
                        base_year=None,
                    ),
                    caption=_("%(name)s over time") % {"name": indicator.name},
                    columns=[_("Series"), _("Year"), _("Value")],
                    rows=rows,
                )
            )
        expected = selectors.expected_for(indicator=indicator, code=code) if code else None
        if expected and expected.years:
            figures.append(_expected_figure(indicator, expected, unit))
        sections.append(
            IndicatorSection(
                indicator=indicator,
                linked=indicator.code in linked,
                figures=figures,
                missing=[s for s in sources.get(indicator.pk, []) if s.missing],
                source_note=", ".join(sorted({s.source for s in series})),
            )
        )
    return sections


def _expected_figure(indicator, expected, unit: str) -> Figure:
    from samsyn.indicators import charts

    rows = [
        [
            y.year,
            _fmt(y.actual),
            _fmt(y.expected),
            f"{_fmt(y.pi_low)}–{_fmt(y.pi_high)}",
            _fmt(y.residual),
            y.units,
        ]
        for y in expected.years
    ]
    notes = [_("Background in the model:") + " " + "; ".join(expected.predictors)]
    if expected.trend:
        notes.append(
            _(
                "Trend of the residual: %(slope)s per year (interval %(low)s to %(high)s, 95 per cent)."
            )
            % {
                "slope": _fmt(expected.trend.estimate, 2),
                "low": _fmt(expected.trend.ci_low, 2),
                "high": _fmt(expected.trend.ci_high, 2),
            }
        )
    return Figure(
        key=f"{indicator.code}-expected",
        title=_("%(name)s: actual minus expected") % {"name": indicator.name},
        spec=charts.residual_spec(
            title=_("%(name)s: actual minus expected") % {"name": indicator.name},
            years=expected.years,
            unit_label=unit,
        ),
        caption=_("Actual, expected with its prediction interval (95 per cent), and residual"),
        columns=[
            _("Year"),
            _("Actual"),
            _("Expected"),
            _("Prediction interval (95 per cent)"),
            _("Residual"),
            _("Municipalities in the model"),
        ],
        rows=rows,
        notes=notes,
    )


def _survey_figures(cycle: QualityCycle) -> list[Figure]:
    from samsyn.indicators.models import Survey
    from samsyn.indicators.surveys import survey_results

    schools = Organisation.objects.filter(parent=cycle.owner)
    surveys = Survey.objects.filter(
        Q(organisation=cycle.owner) | Q(organisation__in=schools), created_at__year=cycle.year
    ).select_related("organisation")
    figures = []
    for survey in surveys:
        results = survey_results(survey)
        shown = [a for a in results.areas if not a.hidden and a.index is not None]
        notes = []
        if len(shown) < len(results.areas) or results.hidden:
            notes.append(
                _("Areas answered by fewer than %(n)s people are not shown.")
                % {"n": results.min_group}
            )
        values = [
            {
                "area": str(a.label),
                "index": round(a.index, 2),
                "low": round(a.ci_low, 2) if a.ci_low is not None else a.index,
                "high": round(a.ci_high, 2) if a.ci_high is not None else a.index,
            }
            for a in shown
        ]
        title = f"{survey.title} ({survey.organisation.name})"
        figures.append(
            Figure(
                key=f"survey-{survey.pk}",
                title=title,
                spec=_index_spec(title, values),
                caption=_("Area indices 0–10 with their intervals (95 per cent)"),
                columns=[_("Area"), _("Index"), _("Interval (95 per cent)"), _("Respondents")],
                rows=[
                    [str(a.label), _fmt(a.index), f"{_fmt(a.ci_low)}–{_fmt(a.ci_high)}", a.n]
                    for a in shown
                ],
                notes=notes,
            )
        )
    return figures


def _index_spec(title: str, values: list[dict]) -> dict:
    y = {"field": "area", "type": "nominal", "title": None, "sort": None}
    scale = {"domain": [0, 10]}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": max(60, 34 * len(values)),
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "config": {
            "aria": False,  # Vega's own ARIA labels are English only; the table has the data
            "mark": {"aria": False},  # marks too: hidden from the accessibility tree
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "labelLimit": 220},
        },
        "description": title,
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "rule", "color": "#5b6b7b", "strokeWidth": 2},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "title": _("Index"),
                        "scale": scale,
                    },
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 80, "color": "#1f5f8b"},
                "encoding": {"y": y, "x": {"field": "index", "type": "quantitative"}},
            },
        ],
    }


def _observation_figures(cycle: QualityCycle, user: User) -> tuple[list[Figure], str]:
    from samsyn.dashboards.charts import charts_for
    from samsyn.dashboards.selectors import area_dashboard
    from samsyn.observations.models import Round

    if not has_perm(user, cycle.owner, Perm.DASHBOARD_VIEW):
        return [], _("The observation summary is shown to those who may see the owner's dashboard.")
    round_ids = list(
        StepEvidence.objects.filter(step__cycle=cycle, kind=StepEvidence.Kind.ROUND)
        .exclude(round=None)
        .values_list("round_id", flat=True)
    )
    rounds = Round.objects.filter(pk__in=round_ids, is_peer=False)
    if not round_ids:
        schools = Organisation.objects.filter(parent=cycle.owner)
        rounds = (
            Round.objects.filter(
                Q(organisation=cycle.owner) | Q(schools__in=schools),
                is_peer=False,
                starts_on__gte=date(cycle.year, 1, 1),
                starts_on__lte=date(cycle.year, 12, 31),
            )
            .distinct()
            .order_by("-starts_on")[:1]
        )
    figures = []
    for observed in rounds:
        dashboard = area_dashboard(user=user, organisation=cycle.owner, round=observed)
        for chart in charts_for(dashboard, keys=["distribution"]):
            figures.append(
                Figure(
                    key=f"round-{observed.pk}-{chart.key}",
                    title=f"{observed} · {chart.title}",
                    spec=chart.spec,
                    caption=chart.table.caption,
                    columns=list(chart.table.columns),
                    rows=[[_cell(c) for c in row] for row in chart.table.rows],
                    notes=list(chart.notes),
                )
            )
    note = "" if figures else _("No observation round of the year to summarise.")
    return figures, note


def report_figures(cycle: QualityCycle, user: User) -> ReportFigures:
    from samsyn.indicators.selectors import municipality_code_for_unscoped

    code = municipality_code_for_unscoped(cycle.owner)
    observations, note = _observation_figures(cycle, user)
    return ReportFigures(
        municipality=code,
        indicators=_indicator_sections(cycle, code),
        surveys=_survey_figures(cycle),
        observations=observations,
        observation_note=note,
    )

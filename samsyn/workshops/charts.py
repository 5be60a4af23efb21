"""The workshop's view of the dashboards' chart catalogue.

Charts are defined once, in `samsyn.dashboards.charts.CHARTS` (key → ChartDef with `title` and
`build(dashboard) -> Chart`), from the school dashboard of `samsyn.dashboards.selectors`. A
workshop stores chart keys only, so a chart always shows the current data of its rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from samsyn.accounts.models import User
from samsyn.workshops.models import Workshop


def catalogue() -> dict[str, Any]:
    from samsyn.dashboards.charts import CHARTS

    return CHARTS


def _for_schools() -> dict[str, Any]:
    """The charts that apply to a school's dashboard (not the area-only ones)."""
    return {key: chart for key, chart in catalogue().items() if "school" in chart.scopes}


def chart_keys() -> list[str]:
    return list(_for_schools())


def chart_choices() -> list[tuple[str, str]]:
    return [(key, str(chart.title)) for key, chart in _for_schools().items()]


def chart_title(key: str) -> str:
    chart = catalogue().get(key)
    return str(chart.title) if chart is not None else key


@dataclass
class Slide:
    """One chart drawn for a workshop: its key, title and the dashboards' Chart (None when the
    chart is no longer in the catalogue)."""

    key: str
    title: str
    chart: Any | None


def workshop_dashboard(*, user: User, workshop: Workshop):
    """What the slides show: the staff view (small cells hidden, never a per-teacher figure,
    even when the principal presents), limited to the team when the workshop has one."""
    from samsyn.dashboards.selectors import school_dashboard

    team = list(workshop.team.values_list("pk", flat=True))
    return school_dashboard(
        user=user,
        school=workshop.school,
        round=workshop.round,
        compare_round=workshop.compare_round,
        teachers=team or None,
        staff_view=True,
    )


def build_charts(*, user: User, workshop: Workshop, keys: list[str]) -> dict[str, Slide]:
    """The charts of a workshop, built from one dashboard (computed once for all slides)."""
    charts = catalogue()
    dashboard = workshop_dashboard(user=user, workshop=workshop) if keys else None
    built: dict[str, Slide] = {}
    for key in keys:
        definition = charts.get(key)
        if definition is None:
            built[key] = Slide(key=key, title=key, chart=None)
        elif key not in built:
            built[key] = Slide(
                key=key, title=str(definition.title), chart=definition.build(dashboard)
            )
    return built

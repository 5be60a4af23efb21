"""What a progress page shows, computed from the dashboards' and the indicators' reads.

The teaching figures come from `samsyn.dashboards.selectors.area_dashboard` (the aggregate an
owner's administrator or a network's coordinator sees: small cells and derivable cells already
hidden by the dashboards' guard, change with its cluster-robust interval). On top of that this
module shows nothing per school or per teacher (the guard shows a dimension's change only
when each round's teachers rated on it, and the paired teachers, hold at least
`SAMSYN_MIN_GROUP`). The national indicators are the municipality's public statistics
(Skolverket, Kolada) with their source and import date.

`page_content` returns plain JSON-able data in the active language; `snapshot` computes it in
Swedish and English, which approval freezes on the page.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samsyn.accounts.models import NetworkMembership, Organisation, User
from samsyn.dashboards.selectors import area_dashboard
from samsyn.indicators.selectors import (
    imported_on_unscoped,
    indicator_series,
    indicators_for_unscoped,
    municipality,
    municipality_code_for_unscoped,
    unit_label,
)
from samsyn.public.models import ProgressPage

LANGUAGES = ("sv", "en")


def _num(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _hidden_reason(min_group: int) -> str:
    return _(
        "Not shown: it would rest on fewer than %(n)s teachers, or could be worked out from "
        "other figures."
    ) % {"n": min_group}


def _round(info) -> dict:
    return {"name": info.name, "kind": info.kind_label, "starts_on": info.starts_on.isoformat()}


def _coverage(dashboard, info, min_group: int) -> dict:
    row = next((c for c in dashboard.coverage if c.round.pk == info.pk), None)
    if row is None or row.hidden is not None or row.teachers < min_group:
        return {**_round(info), "teachers": None, "schools": None}
    return {**_round(info), "teachers": row.teachers, "schools": row.schools}


def _dimension_change(change, before, after, min_group: int) -> dict:
    """One dimension's change, or the reason it is not shown. The dashboards' guard has
    already hidden every change whose group in either round (or whose paired teachers) is
    under `min_group` or derivable; `before`/`after` (the dimension's distributions in the
    two rounds) give the smallest group behind a shown change."""
    name = change.dimension.name
    shown = change.hidden is None and change.ci_low is not None and change.ci_high is not None
    if not shown:
        return {"dimension": name, "hidden": _hidden_reason(min_group)}
    return {
        "dimension": name,
        "before": _num(change.before),
        "after": _num(change.after),
        "change": _num(change.change),
        "ci_low": _num(change.ci_low),
        "ci_high": _num(change.ci_high),
        "direction": "up" if change.ci_low > 0 else "down" if change.ci_high < 0 else "unclear",
        "n_teachers": min(
            [d.n_teachers for d in (before, after) if d is not None]
            + ([change.n_teachers] if change.method == "paired" else [])
        ),
    }


def teaching(page: ProgressPage, actor: User) -> dict | None:
    """The aggregate teaching change between the page's two rounds (None: no rounds chosen)."""
    if page.latest_round_id is None:
        return None
    dashboard = area_dashboard(
        user=actor,
        organisation=page.organisation,
        round=page.latest_round_id,
        compare_round=page.baseline_round_id or "",
        filters={},
    )
    min_group = dashboard.min_group
    if dashboard.round is None or dashboard.compare_round is None or dashboard.hidden:
        return {"missing": True, "min_group": min_group}
    dists = {
        pk: {d.dimension.code: d for d in dashboard.distribution_for(pk)}
        for pk in (dashboard.round.pk, dashboard.compare_round.pk)
    }
    changes = [
        _dimension_change(
            c,
            dists[dashboard.compare_round.pk].get(c.dimension.code),
            dists[dashboard.round.pk].get(c.dimension.code),
            min_group,
        )
        for c in dashboard.changes
    ]
    steps = max((len(d.steps) for d in dashboard.dimensions), default=0)
    shown = [c for c in changes if "hidden" not in c]
    return {
        "baseline": _coverage(dashboard, dashboard.compare_round, min_group),
        "latest": _coverage(dashboard, dashboard.round, min_group),
        "steps": steps,
        "changes": changes,
        "up": sum(c["direction"] == "up" for c in shown),
        "down": sum(c["direction"] == "down" for c in shown),
        "shown": len(shown),
        "min_group": min_group,
    }


def municipality_codes(organisation: Organisation) -> list[str]:
    """The municipalities whose public statistics belong on the page: the owner's own, or
    for a network those of its member schools' owners (alphabetical by code)."""
    if organisation.kind == Organisation.Kind.NETWORK:
        schools = Organisation.objects.filter(
            pk__in=NetworkMembership.objects.filter(network=organisation).values("school_id")
        )
        codes = {municipality_code_for_unscoped(s) for s in schools}
    else:
        codes = {municipality_code_for_unscoped(organisation)}
    return sorted(c for c in codes if c)


def indicators(page: ProgressPage) -> list[dict]:
    """Each chosen indicator over the years for the page's municipalities, with its source."""
    codes = municipality_codes(page.organisation)
    available = {i.code: i for i in indicators_for_unscoped(organisation=page.organisation)}
    out = []
    for code in page.indicator_codes:
        indicator = available.get(code)
        if indicator is None:
            continue
        areas = []
        for mcode in codes:
            known = municipality(mcode)
            series = []
            for s in indicator_series(indicator=indicator, code=mcode):
                points = [{"year": p.year, "value": _num(p.value)} for p in s.points]
                values = [p for p in points if p["value"] is not None]
                series.append(
                    {
                        "label": s.label,
                        "source": s.source,
                        "imported": imported_on_unscoped(mcode, s.source),
                        "points": points,
                        "first": values[0] if values else None,
                        "last": values[-1] if values else None,
                    }
                )
            areas.append({"municipality": known.name if known else mcode, "series": series})
        out.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": unit_label(indicator),
                "higher_is_better": indicator.higher_is_better,
                "areas": areas,
            }
        )
    return out


def page_content(page: ProgressPage, actor: User) -> dict:
    """The page's content in the active language."""
    swedish = (translation.get_language() or "sv").startswith("sv")
    return {
        "organisation": page.organisation.name,
        "kind": page.organisation.kind,
        "intro": page.intro_sv if swedish else page.intro_en,
        "computed_at": timezone.localdate().isoformat(),
        "min_group": int(settings.SAMSYN_MIN_GROUP),
        "teaching": teaching(page, actor),
        "indicators": indicators(page),
        "has_municipality": bool(municipality_codes(page.organisation)),
    }


def snapshot(page: ProgressPage, actor: User) -> dict:
    """The content in both languages, as approval freezes it."""
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = page_content(page, actor)
    return out

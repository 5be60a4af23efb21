"""Background work: refresh Kolada values (inline by default, django-tasks-db in production)."""

from __future__ import annotations

from django.tasks import task

from samsyn.indicators.models import Indicator


def catalogue_kpis() -> list[str]:
    """Every Kolada KPI the indicators (shipped and owners' own) map to."""
    kpis: list[str] = []
    for parts in Indicator.objects.values_list("kolada", flat=True):
        for part in parts or []:
            kpis += [part.get(k) for k in ("all", "municipal") if part.get(k)]
    return sorted(set(kpis))


def kolada_refresh_now(
    *, municipalities: list[str], years: list[int], actor_id: int | None = None, client=None
):
    """Fetch the catalogue's KPIs for the municipalities and years and store them."""
    from samsyn.accounts.models import User
    from samsyn.indicators.kolada import KoladaClient
    from samsyn.indicators.services import kolada_store

    client = client or KoladaClient()
    kpis = catalogue_kpis()
    values = list(client.values(kpis, municipalities, years))
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    name = f"Kolada {len(kpis)} KPIs × {','.join(municipalities)} × {min(years)}–{max(years)}"
    return kolada_store(values=values, name=name, actor=actor)


@task()
def kolada_refresh(*, municipalities: list[str], years: list[int], actor_id: int | None = None):
    result = kolada_refresh_now(municipalities=municipalities, years=years, actor_id=actor_id)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}

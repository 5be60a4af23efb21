"""Background work: refresh Kolada values (inline by default, django-tasks-db in production)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from samsyn.indicators.models import Indicator, KoladaFetch


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


def kolada_fetch_run(*, fetch_id: int, client=None) -> KoladaFetch:
    """Run one recorded fetch; a failure is kept with its reason instead of only logged."""
    from samsyn.indicators.kolada import KoladaError

    fetch = KoladaFetch.objects.get(pk=fetch_id)
    try:
        result = kolada_refresh_now(
            municipalities=fetch.codes,
            years=fetch.years,
            actor_id=fetch.requested_by_id,
            client=client,
        )
    except KoladaError as error:
        fetch.state, fetch.error = KoladaFetch.State.FAILED, str(error)
    else:
        fetch.state, fetch.error = KoladaFetch.State.DONE, ""
        fetch.created, fetch.updated = result.created, result.updated
    fetch.finished_at = timezone.now()
    fetch.save(update_fields=["state", "error", "created", "updated", "finished_at"])
    return fetch


@task()
def kolada_refresh(
    *,
    municipalities: list[str] | None = None,
    years: list[int] | None = None,
    actor_id: int | None = None,
    fetch_id: int | None = None,
):
    if fetch_id is not None:
        fetch = kolada_fetch_run(fetch_id=fetch_id)
        return {"state": fetch.state, "created": fetch.created, "updated": fetch.updated}
    result = kolada_refresh_now(
        municipalities=municipalities or [], years=years or [], actor_id=actor_id
    )
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}

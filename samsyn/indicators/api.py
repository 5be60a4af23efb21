"""API for indicators: the catalogue and one municipality's series, scoped like the pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema

from samsyn.accounts.access import Perm, get_organisation_for_user
from samsyn.indicators import selectors

router = Router(tags=["indicators"])


class ErrorOut(Schema):
    detail: str


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    higher_is_better: bool
    own: bool


class PointOut(Schema):
    year: int
    value: float | None
    status: str


class SeriesOut(Schema):
    label: str
    source: str
    points: list[PointOut]


class ResidualOut(Schema):
    year: int
    actual: float
    expected: float
    pi_low: float
    pi_high: float
    residual: float


class IndicatorSeriesOut(Schema):
    municipality_code: str
    indicator: IndicatorOut
    owner_type: str
    series: list[SeriesOut]
    residuals: list[ResidualOut]


def _indicator(indicator) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "higher_is_better": indicator.higher_is_better,
        "own": indicator.owner_id is not None,
    }


@router.get(
    "/organisations/{org_id}/indicators",
    response={200: list[IndicatorOut], 403: ErrorOut, 404: ErrorOut},
    summary="Indicators an organisation can follow",
)
def indicator_catalogue(request: HttpRequest, org_id: int = Path(..., ge=1, le=2**63 - 1)):
    org = get_organisation_for_user(user=request.user, pk=org_id, perm=Perm.INDICATORS_VIEW)
    return [
        _indicator(i)
        for i in selectors.organisation_indicators(user=request.user, organisation=org)
    ]


@router.get(
    "/organisations/{org_id}/indicators/{code}",
    response={200: IndicatorSeriesOut, 403: ErrorOut, 404: ErrorOut},
    summary="An indicator over time for the organisation's municipality, with residuals",
)
def indicator_series(
    request: HttpRequest,
    code: str,
    org_id: int = Path(..., ge=1, le=2**63 - 1),
    owner_type: str = "all",
):
    org = get_organisation_for_user(user=request.user, pk=org_id, perm=Perm.INDICATORS_VIEW)
    municipality_code = selectors.organisation_municipality_code(
        user=request.user, organisation=org
    )
    if not municipality_code or owner_type not in selectors.OWNER_TYPES:
        raise Http404
    indicator = selectors.indicator_for(user=request.user, organisation=org, code=code)
    series = selectors.indicator_series(
        indicator=indicator, code=municipality_code, owner_type=owner_type
    )
    expected = selectors.expected_for(
        indicator=indicator, code=municipality_code, owner_type=owner_type
    )
    return {
        "municipality_code": municipality_code,
        "indicator": _indicator(indicator),
        "owner_type": owner_type,
        "series": [
            {"label": s.label, "source": s.source, "points": [p.__dict__ for p in s.points]}
            for s in series
        ],
        "residuals": [
            {
                "year": y.year,
                "actual": y.actual,
                "expected": y.expected,
                "pi_low": y.pi_low,
                "pi_high": y.pi_high,
                "residual": y.residual,
            }
            for y in (expected.years if expected else [])
        ],
    }

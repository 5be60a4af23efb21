"""Reads for indicators and surveys. Callers have checked access with the access helpers.

Indicator values are public statistics; what is scoped is which organisations (and so which
municipality) a person can open, and which owner's own indicators they see.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samsyn.accounts.access import (
    Perm,
    ancestor_ids,
    get_object_for_user,
    permissions_at,
    platform_perms,
    require,
)
from samsyn.accounts.models import Organisation, User
from samsyn.analysis.expected import expected_values, residual_trend
from samsyn.analysis.results import AnalysisError, Estimate
from samsyn.indicators.catalogue import (
    EXPECTED_MODELS,
    MODEL_MIN_PUPILS,
)
from samsyn.indicators.models import (
    ImportBatch,
    Indicator,
    KoladaFetch,
    Municipality,
    MunicipalityGroup,
    Question,
    StatValue,
    Survey,
)
from samsyn.indicators.skolverket import OWNER_TYPE_LABELS

# Surveys are run by schools and owners.
SURVEY_KINDS = (Organisation.Kind.SCHOOL, Organisation.Kind.OWNER)


def indicator_perms(user: User, organisation: Organisation) -> frozenset[Perm]:
    """The user's permissions in `organisation` as its indicator pages use them: owners add
    indicators and link a municipality (INDICATORS_MANAGE), schools and owners run surveys
    (SURVEYS_MANAGE); elsewhere those rights do not apply."""
    perms = set(permissions_at(user, organisation))
    if organisation.kind != Organisation.Kind.OWNER:
        perms.discard(Perm.INDICATORS_MANAGE)
    if organisation.kind not in SURVEY_KINDS:
        perms.discard(Perm.SURVEYS_MANAGE)
    return frozenset(perms)


def get_survey_for_user(
    *, user: User, pk: int, organisation: Organisation, perm: Perm = Perm.SURVEYS_MANAGE
) -> Survey:
    """A survey of `organisation` (404 when it is another organisation's)."""
    return get_object_for_user(
        user=user,
        queryset=Survey.objects.select_related("baseline", "organisation").filter(
            organisation=organisation
        ),
        perm=perm,
        org_of=lambda survey: survey.organisation,
        pk=pk,
    )


def get_question_for_user(
    *, user: User, pk: int, survey: Survey, perm: Perm = Perm.SURVEYS_MANAGE
) -> Question:
    return get_object_for_user(
        user=user,
        queryset=Question.objects.select_related("survey__organisation").filter(survey=survey),
        perm=perm,
        org_of=lambda question: question.survey.organisation,
        pk=pk,
    )


def get_failed_kolada_fetch_for_user(*, user: User, pk: int, perm: Perm) -> KoladaFetch:
    """A failed Kolada fetch if the user holds `perm` on the platform (PLATFORM_MANAGE:
    platform admins, `platform_perms`); 404 for everyone else, since a fetch belongs to no
    organisation to be a member of."""
    fetch = KoladaFetch.objects.filter(pk=pk, state=KoladaFetch.State.FAILED).first()
    if fetch is None or perm not in platform_perms(user):
        raise Http404
    return fetch


SKOLVERKET = ImportBatch.Source.SKOLVERKET
KOLADA = ImportBatch.Source.KOLADA
OWNER_TYPES = ("all", "municipal")
EXPORT_COLUMNS = [
    "municipality_code",
    "owner_type",
    "measure",
    "school_year",
    "year",
    "value",
    "status",
    "report",
    "subject",
    "group",
]


@dataclass(frozen=True)
class Point:
    year: int
    value: float | None
    status: str = ""


@dataclass
class Series:
    label: str
    source: str
    points: list[Point] = field(default_factory=list)

    def value_in(self, year: int) -> float | None:
        return next((p.value for p in self.points if p.year == year), None)

    @property
    def years(self) -> list[int]:
        return [p.year for p in self.points]


@dataclass(frozen=True)
class BandPoint:
    year: int
    n: int
    low: float
    median: float
    high: float


@dataclass(frozen=True)
class ExpectedYear:
    year: int
    actual: float
    expected: float
    pi_low: float
    pi_high: float
    residual: float
    residual_low: float
    residual_high: float
    units: int
    r_squared: float

    @property
    def outside(self) -> int:
        return 1 if self.actual > self.pi_high else -1 if self.actual < self.pi_low else 0


@dataclass
class ExpectedResult:
    years: list[ExpectedYear]
    trend: Estimate | None
    predictors: list[str]


def municipality_code_for_unscoped(organisation: Organisation) -> str:
    """The municipality an organisation's figures are about: its own or its owner's code."""
    if organisation.municipality_code:
        return organisation.municipality_code
    if organisation.kind == Organisation.Kind.SCHOOL and organisation.parent_id:
        parent = Organisation.objects.filter(pk=organisation.parent_id).first()
        if parent is not None:
            return parent.municipality_code
    return ""


def municipality(code: str) -> Municipality | None:
    return Municipality.objects.filter(code=code).first() if code else None


def imported_on_unscoped(code: str, source_label: str) -> str | None:
    """The date (ISO) the municipality's values from a source (its label, as a `Series`
    carries it) were last imported: public statistics, so not scoped to a user."""
    source = {str(choice.label): choice.value for choice in ImportBatch.Source}.get(source_label)
    at = StatValue.objects.filter(municipality_code=code, source=source).aggregate(
        at=Max("batch__at")
    )["at"]
    return timezone.localdate(at).isoformat() if at else None


def organisation_municipality_code(*, user: User, organisation: Organisation) -> str:
    """`municipality_code_for_unscoped`, for those who see the organisation's statistics."""
    require(user, organisation, Perm.INDICATORS_VIEW)
    return municipality_code_for_unscoped(organisation)


def organisation_indicators(*, user: User, organisation: Organisation) -> QuerySet[Indicator]:
    """`indicators_for_unscoped`, for those who see the organisation's statistics."""
    require(user, organisation, Perm.INDICATORS_VIEW)
    return indicators_for_unscoped(organisation=organisation)


def owners_below(*, user: User, organisation: Organisation) -> QuerySet[Organisation]:
    """Owners directly below a region, in name order (never a ranking)."""
    require(user, organisation, Perm.INDICATORS_VIEW)
    return Organisation.objects.filter(parent=organisation, kind=Organisation.Kind.OWNER).order_by(
        "name"
    )


def indicators_for_unscoped(*, organisation: Organisation) -> QuerySet[Indicator]:
    """The shipped catalogue plus indicators of the owners at or above `organisation`."""
    return Indicator.objects.filter(
        Q(owner=None) | Q(owner_id__in=ancestor_ids(organisation))
    ).order_by("position", "code")


def indicator_for(*, user: User, organisation: Organisation, code: str) -> Indicator:
    indicator = organisation_indicators(user=user, organisation=organisation).filter(code=code)
    indicator = indicator.first()
    if indicator is None:
        raise Http404
    return indicator


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _skolverket_filter(indicator: Indicator) -> Q:
    query = Q(source=SKOLVERKET, report=indicator.skolverket_report)
    query &= Q(measure=indicator.skolverket_measure, subject=indicator.skolverket_subject)
    return query & Q(group=indicator.skolverket_group)


def _part_label(part: dict) -> str:
    swedish = (get_language() or "sv").startswith("sv")
    return part.get("sv" if swedish else "en") or ""


def _skolverket_parts(indicator: Indicator) -> list[tuple[Q, str]]:
    """(filter, label) for each further Skolverket measure of the indicator."""
    return [
        (
            Q(
                source=SKOLVERKET,
                report=part.get("report", ""),
                measure=part.get("measure", ""),
                subject=part.get("subject", ""),
                group=part.get("group", ""),
            ),
            _part_label(part),
        )
        for part in indicator.skolverket_parts or []
    ]


def _points(query: Q, code: str, owner_type: str | None) -> list[Point]:
    rows = StatValue.objects.filter(query, municipality_code=code)
    if owner_type is not None:
        rows = rows.filter(owner_type=owner_type)
    return [
        Point(year, _float(value), status)
        for year, value, status in rows.order_by("year").values_list("year", "value", "status")
    ]


def indicator_series(*, indicator: Indicator, code: str, owner_type: str = "all") -> list[Series]:
    """The indicator over time for one municipality: Skolverket's values where the indicator
    maps to a Skolverket measure and values are there (its further parts, one series each,
    where the measure has none), else Kolada's (one series per KPI)."""
    skolverket = str(ImportBatch.Source.SKOLVERKET.label)
    if indicator.skolverket_measure:
        points = _points(_skolverket_filter(indicator), code, owner_type)
        if points:
            return [Series(indicator.name, skolverket, points)]
    series = []
    for query, label in _skolverket_parts(indicator):
        points = _points(query, code, owner_type)
        if points:
            series.append(Series(label or indicator.name, skolverket, points))
    if series:
        return series
    for kpi, label in indicator.kolada_kpis(owner_type):
        points = _points(Q(source=KOLADA, measure=kpi, group="T"), code, None)
        if points:
            series.append(
                Series(label or indicator.name, str(ImportBatch.Source.KOLADA.label), points)
            )
    return series


@dataclass(frozen=True)
class SourceStatus:
    """One source of an indicator for one municipality: the years it has, and where to get it."""

    source: str  # "skolverket" | "kolada"
    label: str
    years: tuple[int, ...]
    where: str

    @property
    def missing(self) -> bool:
        return not self.years


def _skolverket_where(report: str) -> str:
    return _(
        "Skolverket's statistics (skolverket.se → Statistik → Sök statistik): export “%(report)s” "
        "per municipality (Kommun) as CSV or XLSX and import it on the import page."
    ) % {"report": report}


def _kolada_where(kpi: str) -> str:
    return _(
        "Kolada key figure %(kpi)s: fetch it on the import page, or download it from kolada.se "
        "(or the API's JSON) and upload the file there."
    ) % {"kpi": kpi}


def indicator_sources(*, indicators: list[Indicator], code: str) -> dict[int, list[SourceStatus]]:
    """Per indicator (by id), each source it maps to and the years it has for the municipality
    (all schools for Skolverket, T for Kolada), in one query."""
    wanted_reports, wanted_kpis = set(), set()
    for indicator in indicators:
        if indicator.skolverket_measure:
            wanted_reports.add(indicator.skolverket_report)
        wanted_reports |= {p.get("report", "") for p in indicator.skolverket_parts or []}
        wanted_kpis |= {
            kpi for part in indicator.kolada or [] for kpi in part.values() if _is_kpi(kpi)
        }
    present: dict[tuple, set[int]] = defaultdict(set)
    rows = (
        StatValue.objects.filter(municipality_code=code, value__isnull=False)
        .filter(
            Q(source=SKOLVERKET, report__in=wanted_reports, owner_type="all")
            | Q(source=KOLADA, measure__in=wanted_kpis, group="T")
        )
        .values_list("source", "report", "measure", "subject", "group", "year")
        .distinct()
    )
    for source, report, measure, subject, group, year in rows:
        key = (report, measure, subject, group) if source == SKOLVERKET else (measure,)
        present[key].add(year)
    out: dict[int, list[SourceStatus]] = {}
    for indicator in indicators:
        statuses = []
        skolverket = []
        if indicator.skolverket_measure:
            skolverket.append(
                {
                    "report": indicator.skolverket_report,
                    "measure": indicator.skolverket_measure,
                    "subject": indicator.skolverket_subject,
                    "group": indicator.skolverket_group,
                }
            )
        skolverket += list(indicator.skolverket_parts or [])
        for part in skolverket:
            key = (part["report"], part["measure"], part.get("subject", ""), part.get("group", ""))
            label = f"{part['report']} › {part['measure']}"
            if part.get("group"):
                label += f" ({part['group']})"
            statuses.append(
                SourceStatus(
                    "skolverket",
                    label,
                    tuple(sorted(present.get(key, ()))),
                    _skolverket_where(part["report"]),
                )
            )
        for part in indicator.kolada or []:
            for kpi in (part.get("all"), part.get("municipal")):
                if _is_kpi(kpi):
                    label = f"{kpi} {_part_label(part)}".strip()
                    years = tuple(sorted(present.get((kpi,), ())))
                    statuses.append(SourceStatus("kolada", label, years, _kolada_where(kpi)))
        out[indicator.pk] = statuses
    return out


def _is_kpi(value: object) -> bool:
    return isinstance(value, str) and len(value) == 6 and value[0] in "NU" and value[1:].isdigit()


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    codes: tuple[str, ...]


def comparison_groups(*, code: str) -> list[Group]:
    """Groups to draw as context: similar municipalities (Kolada), the county, the country."""
    groups = []
    here = municipality(code)
    if here is None:
        return groups
    similar = (
        MunicipalityGroup.objects.filter(
            title__startswith=f"Liknande kommuner grundskola, {here.name}, ",
        )
        .order_by("-title")
        .first()
    )
    if similar is not None:
        groups.append(
            Group(
                "similar",
                _("Similar municipalities (Kolada: %(title)s)") % {"title": similar.title},
                tuple(similar.members),
            )
        )
    if here.county_code:
        county = Municipality.objects.filter(
            county_code=here.county_code, kind=Municipality.Kind.MUNICIPALITY
        )
        region = Municipality.objects.filter(
            kind=Municipality.Kind.REGION, code=f"00{here.county_code}"
        ).first()
        groups.append(
            Group(
                "county",
                _("Municipalities in %(region)s")
                % {"region": region.name if region else here.county_code},
                tuple(county.values_list("code", flat=True)),
            )
        )
    groups.append(
        Group(
            "country",
            _("All municipalities in Sweden"),
            tuple(
                Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY).values_list(
                    "code", flat=True
                )
            ),
        )
    )
    return groups


def _quantile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (R type 7, numpy's default)."""
    position = (len(sorted_values) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def group_band(
    *, indicator: Indicator, codes: tuple[str, ...], owner_type: str = "all"
) -> list[BandPoint]:
    """Per year: the middle half (25th–75th percentile) and the median of the group's values.

    Only the first series of an indicator is banded; years with fewer than 3 numbers in the
    group get no band.
    """
    by_year: dict[int, list[float]] = defaultdict(list)
    if indicator.skolverket_measure:
        rows = (
            StatValue.objects.filter(_skolverket_filter(indicator))
            .filter(municipality_code__in=codes, owner_type=owner_type, value__isnull=False)
            .values_list("year", "value")
        )
        for year, value in rows:
            by_year[year].append(float(value))
    parts = _skolverket_parts(indicator)
    if not by_year and parts:
        rows = (
            StatValue.objects.filter(parts[0][0])
            .filter(municipality_code__in=codes, owner_type=owner_type, value__isnull=False)
            .values_list("year", "value")
        )
        for year, value in rows:
            by_year[year].append(float(value))
    if not by_year:
        kpis = indicator.kolada_kpis(owner_type)
        if kpis:
            rows = StatValue.objects.filter(
                source=KOLADA,
                measure=kpis[0][0],
                group="T",
                municipality_code__in=codes,
                value__isnull=False,
            ).values_list("year", "value")
            for year, value in rows:
                by_year[year].append(float(value))
    band = []
    for year in sorted(by_year):
        values = sorted(by_year[year])
        if len(values) >= 3:
            band.append(
                BandPoint(
                    year,
                    len(values),
                    _quantile(values, 0.25),
                    statistics.median(values),
                    _quantile(values, 0.75),
                )
            )
    return band


def expected_for(
    *, indicator: Indicator, code: str, owner_type: str = "all", confidence: float = 0.95
) -> ExpectedResult | None:
    """Per year, the municipality's expected value and residual from a model fitted across
    all municipalities on the background shares (samsyn.analysis.expected)."""
    spec = EXPECTED_MODELS.get(indicator.skolverket_report)
    if not indicator.expected_model or spec is None:
        return None
    outcome = (indicator.skolverket_report, indicator.skolverket_measure)
    pairs = [outcome, spec.pupils, *spec.background]
    wanted = Q()
    for report, measure in pairs:
        wanted |= Q(report=report, measure=measure)
    rows = (
        StatValue.objects.filter(wanted)
        .filter(source=SKOLVERKET, subject="", group="", owner_type=owner_type)
        .filter(value__isnull=False)
        .values_list("year", "municipality_code", "report", "measure", "value")
    )
    table: dict[int, dict[str, dict[tuple, float]]] = defaultdict(lambda: defaultdict(dict))
    for year, municipality_code, report, measure, value in rows:
        table[year][municipality_code][(report, measure)] = float(value)
    background = [measure for _report, measure in spec.background]
    return _fit_years(table, code, outcome, spec, background, confidence)


def _fit_years(
    table: dict, code: str, outcome: tuple, spec, background: list[str], confidence: float
) -> ExpectedResult:
    """One OLS per year across the municipalities with every number and enough pupils."""
    needed = {outcome, spec.pupils, *spec.background}
    years = []
    for year in sorted(table):
        units = sorted(
            c
            for c, m in table[year].items()
            if needed <= set(m) and m[spec.pupils] >= MODEL_MIN_PUPILS
        )
        if code not in units:
            continue
        x = [[table[year][u][b] for b in spec.background] for u in units]
        y = [table[year][u][outcome] for u in units]
        try:
            model = expected_values(units, x, y, names=background, confidence=confidence)
        except AnalysisError:
            continue
        mine = model.for_unit(code)
        years.append(
            ExpectedYear(
                year=year,
                actual=mine.actual,
                expected=mine.expected,
                pi_low=mine.pi_low,
                pi_high=mine.pi_high,
                residual=mine.estimate,
                residual_low=mine.ci_low,
                residual_high=mine.ci_high,
                units=model.fit.n,
                r_squared=model.fit.r_squared,
            )
        )
    if not years:
        return ExpectedResult(years=[], trend=None, predictors=background)
    trend = None
    if len(years) >= 3:
        trend = residual_trend([y.year for y in years], [y.residual for y in years])
    return ExpectedResult(years=years, trend=trend, predictors=background)


def values_for_export(*, code: str = "") -> Iterator[dict]:
    """Skolverket values as export rows (EXPORT_COLUMNS), in a stable order."""
    rows = StatValue.objects.filter(source=SKOLVERKET)
    if code:
        rows = rows.filter(municipality_code=code)
    rows = rows.order_by(
        "municipality_code", "report", "measure", "subject", "group", "owner_type", "year"
    )
    for v in rows.iterator(chunk_size=5000):
        yield {
            "municipality_code": v.municipality_code,
            "owner_type": OWNER_TYPE_LABELS.get(v.owner_type, v.owner_type),
            "measure": v.measure,
            "school_year": v.school_year,
            "year": v.year,
            "value": "" if v.value is None else format(v.value.normalize(), "f"),
            "status": v.status,
            "report": v.report,
            "subject": v.subject,
            "group": v.group,
        }


def _require_platform_admin(user: User) -> None:
    if not user.is_authenticated or not user.is_platform_admin:
        raise Http404


def latest_imports(*, user: User, limit: int = 20) -> QuerySet[ImportBatch]:
    _require_platform_admin(user)
    return ImportBatch.objects.select_related("imported_by")[:limit]


def latest_kolada_fetches(*, user: User, limit: int = 10) -> QuerySet[KoladaFetch]:
    """Platform admins' Kolada fetches, newest first, each with its state or reason."""
    _require_platform_admin(user)
    return KoladaFetch.objects.select_related("requested_by")[:limit]


def unit_label(indicator: Indicator) -> str:
    """The indicator's unit in words, for axis titles and tables."""
    return {
        Indicator.Unit.PERCENT: _("Per cent"),
        Indicator.Unit.POINTS: _("Points"),
        Indicator.Unit.COUNT: _("Pupils"),
    }[indicator.unit]

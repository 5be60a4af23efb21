"""Writes for programmes: keyword-only, atomic, validated (docs/programmes.md).

The caller has checked that the actor may manage the programme (`selectors.get_programme_for_user`)
or create one in the organisation (`Perm.PROGRAMMES_MANAGE` there)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation, User
from samsyn.indicators.models import Survey
from samsyn.observations.models import Round
from samsyn.programmes.models import Programme, ProgrammeMeasure

ERR_KIND = _("A programme belongs to a school owner or a collaboration (network).")
ERR_SCHOOLS = _("Choose schools of the owner or members of the collaboration.")
ERR_NO_SCHOOLS = _("Choose at least one school.")
ERR_YEARS = _("The last year cannot come before the first year.")
ERR_SPAN = _("A programme runs for at most ten years.")
ERR_ROUND = _("Choose a round of the programme's schools.")
ERR_ROUND_ORDER = _("The outcome round must start after the baseline round.")
ERR_SURVEY = _("Choose surveys of the programme's schools with the right respondents.")
ERR_SURVEY_TWICE = _("Choose at most one survey per school on each side.")
ERR_SURVEY_BOTH = _("A survey cannot be both the baseline and the outcome.")
ERR_INDICATOR = _("Choose one of the owner's indicators.")
ERR_YEAR_ORDER = _("The outcome year must come after the baseline year.")

AUDIENCE = {
    ProgrammeMeasure.Kind.SAFETY: Survey.Audience.STUDENTS,
    ProgrammeMeasure.Kind.WORKLOAD: Survey.Audience.TEACHERS,
}


def area_schools(organisation: Organisation) -> list[Organisation]:
    """The schools a programme of `organisation` may include."""
    from samsyn.dashboards.selectors import area_schools_unscoped as schools_of

    return schools_of(organisation)


def _check(
    *, organisation: Organisation, start_year: int, end_year: int, schools: list[Organisation]
) -> None:
    if organisation.kind not in (Organisation.Kind.OWNER, Organisation.Kind.NETWORK):
        raise ValidationError(ERR_KIND)
    if not schools:
        raise ValidationError({"schools": ERR_NO_SCHOOLS})
    allowed = {s.pk for s in area_schools(organisation)}
    if any(s.pk not in allowed for s in schools):
        raise ValidationError({"schools": ERR_SCHOOLS})
    if end_year < start_year:
        raise ValidationError({"end_year": ERR_YEARS})
    if end_year - start_year > 10:
        raise ValidationError({"end_year": ERR_SPAN})


@transaction.atomic
def programme_create(
    *,
    organisation: Organisation,
    name: str,
    start_year: int,
    end_year: int,
    schools: Iterable[Organisation],
    actor: User,
    description: str = "",
) -> Programme:
    """A new programme with its four measures, their points not yet chosen."""
    schools = list(schools)
    _check(organisation=organisation, start_year=start_year, end_year=end_year, schools=schools)
    programme = Programme(
        organisation=organisation,
        name=name.strip(),
        start_year=start_year,
        end_year=end_year,
        description=description.strip(),
        created_by=actor,
    )
    programme.full_clean()
    programme.save()
    programme.schools.set(schools)
    ProgrammeMeasure.objects.bulk_create(
        ProgrammeMeasure(programme=programme, kind=kind) for kind in ProgrammeMeasure.Kind
    )
    return programme


@transaction.atomic
def programme_update(
    *,
    programme: Programme,
    name: str,
    start_year: int,
    end_year: int,
    schools: Iterable[Organisation],
    description: str = "",
) -> Programme:
    """Change the programme; a school taken out also leaves the measures' surveys."""
    schools = list(schools)
    _check(
        organisation=programme.organisation,
        start_year=start_year,
        end_year=end_year,
        schools=schools,
    )
    programme.name = name.strip()
    programme.start_year = start_year
    programme.end_year = end_year
    programme.description = description.strip()
    programme.full_clean()
    programme.save()
    programme.schools.set(schools)
    kept = [s.pk for s in schools]
    for measure in programme.measures.all():
        for side in (measure.baseline_surveys, measure.outcome_surveys):
            side.remove(*side.exclude(organisation_id__in=kept))
    return programme


def rounds_for(programme: Programme) -> list[Round]:
    """Non-peer rounds of the programme's schools with counted observations, oldest first."""
    from samsyn.dashboards.selectors import counted_rounds_unscoped
    from samsyn.observations import summaries

    summaries.flush()  # observations changed since the last read (usually nothing to do)
    return counted_rounds_unscoped(list(programme.schools.values_list("pk", flat=True)))


def surveys_for(programme: Programme, kind: str) -> list[Survey]:
    """The programme's schools' surveys with the measure's respondents."""
    audience = AUDIENCE.get(kind)
    if audience is None:
        return []
    return list(
        Survey.objects.filter(organisation__in=programme.schools.all(), audience=audience)
        .select_related("organisation")
        .order_by("organisation__name", "created_at", "pk")
    )


def _teaching(measure: ProgrammeMeasure, baseline: Round | None, outcome: Round | None) -> None:
    allowed = {r.pk for r in rounds_for(measure.programme)}
    for field, chosen in (("baseline_round", baseline), ("outcome_round", outcome)):
        if chosen is not None and chosen.pk not in allowed:
            raise ValidationError({field: ERR_ROUND})
    if baseline and outcome and outcome.starts_on <= baseline.starts_on:
        raise ValidationError({"outcome_round": ERR_ROUND_ORDER})
    measure.baseline_round = baseline
    measure.outcome_round = outcome


def _surveys(measure: ProgrammeMeasure, baseline: list[Survey], outcome: list[Survey]) -> None:
    allowed = {s.pk for s in surveys_for(measure.programme, measure.kind)}
    for field, chosen in (("baseline_surveys", baseline), ("outcome_surveys", outcome)):
        if any(s.pk not in allowed for s in chosen):
            raise ValidationError({field: ERR_SURVEY})
        schools = [s.organisation_id for s in chosen]
        if len(schools) != len(set(schools)):
            raise ValidationError({field: ERR_SURVEY_TWICE})
    if {s.pk for s in baseline} & {s.pk for s in outcome}:
        raise ValidationError({"outcome_surveys": ERR_SURVEY_BOTH})


@transaction.atomic
def measure_set(
    *,
    measure: ProgrammeMeasure,
    baseline_round: Round | None = None,
    outcome_round: Round | None = None,
    baseline_surveys: Iterable[Survey] = (),
    outcome_surveys: Iterable[Survey] = (),
    indicator_code: str = "",
    baseline_year: int | None = None,
    outcome_year: int | None = None,
) -> ProgrammeMeasure:
    """Fix the measure's baseline and outcome points (only the fields of its kind apply)."""
    from samsyn.indicators.selectors import indicators_for_unscoped

    Kind = ProgrammeMeasure.Kind
    if measure.kind == Kind.TEACHING:
        _teaching(measure, baseline_round, outcome_round)
    elif measure.kind in AUDIENCE:
        baseline, outcome = list(baseline_surveys), list(outcome_surveys)
        _surveys(measure, baseline, outcome)
        measure.baseline_surveys.set(baseline)
        measure.outcome_surveys.set(outcome)
    else:
        owner = measure.programme.organisation
        if (
            indicator_code
            and not indicators_for_unscoped(organisation=owner).filter(code=indicator_code).exists()
        ):
            raise ValidationError({"indicator_code": ERR_INDICATOR})
        if baseline_year and outcome_year and outcome_year <= baseline_year:
            raise ValidationError({"outcome_year": ERR_YEAR_ORDER})
        measure.indicator_code = indicator_code
        measure.baseline_year = baseline_year
        measure.outcome_year = outcome_year
    measure.full_clean()
    measure.save()
    return measure

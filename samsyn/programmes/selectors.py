"""Reads for programmes, scoped to the acting user, and the evaluation's figures.

Who sees what (docs/programmes.md):
- `Perm.PROGRAMMES_MANAGE` at the programme's organisation (owner administrators of an
  owner's programme, network coordinators of a collaboration's) manage it;
- principals of the programme's schools read it;
- anyone else with a role at the organisation or one of its schools gets 403, everyone
  else 404.

Everyone who reads a programme sees aggregates only: per school and over the programme, no
figure over fewer than `SAMSYN_MIN_GROUP` teachers or respondents, and teachers' dimension
values the school's staff dashboard hides as derivable are left out
(`samsyn.dashboards.selectors.teacher_means_with_ids_unscoped`). The statistics are in
`samsyn.analysis.programme`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, get_object_for_user, permissions_at, roles_at
from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.analysis.programme import (
    ProgrammeComparison,
    SchoolComparison,
    Slope,
    compare_baseline_outcome,
    exploratory_slope,
)
from samsyn.analysis.results import AnalysisError
from samsyn.indicators.models import Question
from samsyn.indicators.surveys import respondent_scores, shown_statements
from samsyn.programmes.models import Programme, ProgrammeMeasure

Kind = ProgrammeMeasure.Kind
AREAS = {
    Kind.SAFETY: (Question.Area.SAFETY, Question.Area.STUDY_PEACE),
    Kind.WORKLOAD: (Question.Area.JOB_SATISFACTION, Question.Area.WORKLOAD),
}


# ---------------------------------------------------------------- access


def programme_perms(user: User, programme: Programme) -> frozenset[Perm]:
    """The user's permissions on a programme: those at its organisation, and PROGRAMMES_VIEW
    for its managers (PROGRAMMES_MANAGE) and the principals of its schools. Someone with a
    role at one of its schools only is a member (so 403), not an outsider (404)."""
    perms = set(permissions_at(user, programme.organisation))
    schools = list(programme.schools.all())
    if Perm.PROGRAMMES_MANAGE in perms or any(Role.PRINCIPAL in roles_at(user, s) for s in schools):
        perms.add(Perm.PROGRAMMES_VIEW)
    if not perms and any(permissions_at(user, s) for s in schools):
        perms.add(Perm.VIEW)
    return frozenset(perms)


def get_programme_for_user(*, user: User, pk: int, perm: Perm = Perm.PROGRAMMES_VIEW) -> Programme:
    """The programme if the user holds `perm` on it (`programme_perms`): 404 for outsiders, 403
    for members of its organisation or schools without it."""
    return get_object_for_user(
        user=user,
        queryset=Programme.objects.select_related("organisation"),
        perm=perm,
        org_of=lambda programme: programme.organisation,
        perms_of=lambda programme: programme_perms(user, programme),
        pk=pk,
    )


def manageable_organisations(user: User) -> list[Organisation]:
    """Owners and networks where the user may start a programme."""
    if not user.is_authenticated:
        return []
    ids = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    candidates = Organisation.objects.filter(
        Q(pk__in=ids) | Q(parent_id__in=ids),
        kind__in=[Organisation.Kind.OWNER, Organisation.Kind.NETWORK],
    ).order_by("name")
    return [o for o in candidates if Perm.PROGRAMMES_MANAGE in permissions_at(user, o)]


def programmes_for(user: User) -> list[Programme]:
    """The programmes the user manages or reads, newest first."""
    if not user.is_authenticated:
        return []
    ids = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    candidates: QuerySet[Programme] = (
        Programme.objects.filter(
            Q(organisation_id__in=ids)
            | Q(organisation__parent_id__in=ids)
            | Q(schools__in=ids)
            | Q(organisation__in=[o.pk for o in manageable_organisations(user)])
        )
        .distinct()
        .select_related("organisation")
    )
    return [p for p in candidates if Perm.PROGRAMMES_VIEW in programme_perms(user, p)]


# ---------------------------------------------------------------- figures


@dataclass
class MeasureResult:
    measure: ProgrammeMeasure
    label: str
    unit: str  # what the values are
    baseline_label: str
    outcome_label: str
    comparison: ProgrammeComparison | None = None
    school_names: dict = field(default_factory=dict)
    missing: str = ""  # why there are no figures
    # attainment: register values per municipality (no interval: whole populations)
    register: list[dict] = field(default_factory=list)
    register_note: str = ""

    @property
    def rows(self) -> list[dict]:
        """The table: the programme over its shown schools, then each school."""
        c = self.comparison
        if c is None:
            return []
        hidden = {
            "too_few": _("Hidden: fewer than %(n)s teachers or respondents.") % {"n": _min_group()},
            "insufficient": _("Too little spread to say how sure the change is."),
        }
        out = []
        if c.change is not None:
            out.append(
                {
                    "name": _("All shown schools (%(n)s)") % {"n": c.n_schools},
                    "programme": True,
                    "n_baseline": c.baseline.n_obs,
                    "n_outcome": c.outcome.n_obs,
                    "n_pairs": (
                        sum(s.n_pairs or 0 for s in c.schools if s.hidden != "too_few")
                        if c.paired
                        else None
                    ),
                    "baseline": c.baseline,
                    "outcome": c.outcome,
                    "change": c.change,
                    "hidden": "",
                }
            )
        for s in c.schools:
            out.append(
                {
                    "name": self.school_names.get(s.school, str(s.school)),
                    "programme": False,
                    "n_baseline": s.n_baseline,
                    "n_outcome": s.n_outcome,
                    "n_pairs": s.n_pairs,
                    "baseline": s.baseline,
                    "outcome": s.outcome,
                    "change": s.change,
                    "hidden": hidden.get(s.hidden, ""),
                }
            )
        return out

    @property
    def programme_note(self) -> str:
        c = self.comparison
        if c is None or c.change is not None:
            return ""
        if c.reason == "one_school":
            return _("Only one school is shown: the programme has no figure over schools.")
        if c.reason == "no_school":
            return _("No school is shown.")
        return _("Too little spread to say how sure the programme's change is.")


@dataclass
class Relation:
    """The exploratory across-school relation of teaching change and one outcome's change."""

    outcome: str
    points: list[dict]
    slope: Slope | None
    reason: str = ""


@dataclass
class Evaluation:
    programme: Programme
    measures: list[MeasureResult]
    relations: list[Relation]
    min_group: int


def _min_group() -> int:
    return max(3, int(settings.SAMSYN_MIN_GROUP))


def _schools(programme: Programme) -> list[Organisation]:
    return list(programme.schools.order_by("name"))


def _teaching(measure: ProgrammeMeasure, schools: list[Organisation]) -> MeasureResult:
    from samsyn.dashboards.selectors import teacher_means_with_ids_unscoped
    from samsyn.observations import summaries

    b, o = measure.baseline_round, measure.outcome_round
    result = MeasureResult(
        measure=measure,
        label=str(Kind.TEACHING.label),
        unit=_("each teacher's mean step (1–4) over the dimensions shown in both rounds"),
        baseline_label=b.name if b else "",
        outcome_label=o.name if o else "",
        school_names={s.pk: s.name for s in schools},
    )
    if b is None or o is None:
        result.missing = _("Choose the baseline and the outcome round.")
        return result
    summaries.flush()
    sides: dict[str, tuple[list, list, list]] = {"b": ([], [], []), "o": ([], [], [])}
    for school in schools:
        read = {
            key: teacher_means_with_ids_unscoped(school.pk, rnd)
            for key, rnd in (("b", b), ("o", o))
        }
        # The same dimensions on both sides: those shown (not hidden as derivable, rated at
        # all) in both rounds, matched by code (the rounds may use different versions).
        shown = [
            {d.code for i, d in enumerate(dims) if means.size and not np.isnan(means[:, i]).all()}
            for dims, _t, means in read.values()
        ]
        common = shown[0] & shown[1]
        for key, (dims, teachers, means) in read.items():
            columns = [i for i, d in enumerate(dims) if d.code in common]
            if not means.size or not columns:
                continue
            overall = _teacher_values(means[:, columns])
            keep = ~np.isnan(overall)
            values, ids, labels = sides[key]
            values.extend(overall[keep].tolist())
            ids.extend(teachers[keep].tolist())
            labels.extend([school.pk] * int(keep.sum()))
    return _compare(result, sides, paired=True)


def _teacher_values(means: np.ndarray) -> np.ndarray:
    """Each teacher's mean over the dimensions (columns), a dimension the teacher was not
    rated on counting at the school's mean on it (over the teachers rated on it); NaN for a
    teacher rated on none of them.

    So the school's mean is the mean of its dimension means over the teachers rated on each
    (its dashboard's, when each teacher has as many rated lessons): a teacher rated on fewer
    dimensions does not weigh differently, which beside those dimension means would give
    that teacher's own values away."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a dimension or teacher with no rating
        school = np.nanmean(means, axis=0)
        filled = np.where(np.isnan(means), school, means)
        rated = ~np.isnan(means).all(axis=1)
        return np.where(rated, np.nanmean(filled, axis=1), np.nan)


def _compare(result: MeasureResult, sides: dict, *, paired: bool) -> MeasureResult:
    (vb, ib, sb), (vo, io, so) = sides["b"], sides["o"]
    if not vb or not vo:
        result.missing = _("No values on one of the two sides.")
        return result
    comparison = compare_baseline_outcome(
        vb,
        vo,
        schools_baseline=sb,
        schools_outcome=so,
        ids_baseline=ib if paired else None,
        ids_outcome=io if paired else None,
        min_group=_min_group(),
    )
    # A school with no shown values at all (every value hidden before it got here, or no
    # values) is listed as hidden too.
    seen = {s.school for s in comparison.schools}
    absent = [
        SchoolComparison(school=pk, n_baseline=0, n_outcome=0, n_pairs=None, hidden="too_few")
        for pk in result.school_names
        if pk not in seen
    ]
    if absent:
        comparison = replace(
            comparison,
            schools=comparison.schools + absent,
            n_hidden=comparison.n_hidden + len(absent),
        )
    result.comparison = comparison
    return result


def _survey(measure: ProgrammeMeasure, schools: list[Organisation]) -> MeasureResult:
    baseline = list(measure.baseline_surveys.all())
    outcome = list(measure.outcome_surveys.all())
    result = MeasureResult(
        measure=measure,
        label=str(Kind(measure.kind).label),
        unit=_("each respondent's index (0–10) over the measure's statements"),
        baseline_label=" · ".join(dict.fromkeys(s.title for s in baseline)),
        outcome_label=" · ".join(dict.fromkeys(s.title for s in outcome)),
        # the schools with a chosen survey (a school without one is not listed)
        school_names={
            s.pk: s.name
            for s in schools
            if any(v.organisation_id == s.pk for v in baseline + outcome)
        },
    )
    if not baseline or not outcome:
        result.missing = _("Choose the baseline and the outcome surveys.")
        return result
    # The survey pages' own rule (one function): a statement a respondent took no position
    # on counts at its index, hidden statements are left out, so each school's figure is the
    # mean of the statement indexes its survey page shows.
    # A school's baseline and outcome are over the statements both its surveys show.
    areas = AREAS[measure.kind]
    chosen = baseline + outcome
    shown = {s.pk: shown_statements(s, areas) for s in chosen}
    scores = {
        s.pk: respondent_scores(
            s,
            areas,
            texts=set.intersection(
                *(shown[o.pk] for o in chosen if o.organisation_id == s.organisation_id)
            ),
        )
        for s in chosen
    }
    sides: dict[str, tuple[list, list, list]] = {"b": ([], [], []), "o": ([], [], [])}
    for key, chosen in (("b", baseline), ("o", outcome)):
        values, _ids, labels = sides[key]
        for survey in chosen:
            values.extend(scores[survey.pk])
            labels.extend([survey.organisation_id] * len(scores[survey.pk]))
    return _compare(result, sides, paired=False)


def _attainment(measure: ProgrammeMeasure, schools: list[Organisation]) -> MeasureResult:
    from samsyn.indicators import selectors as indicators

    programme = measure.programme
    indicator = (
        indicators.indicators_for_unscoped(organisation=programme.organisation)
        .filter(code=measure.indicator_code)
        .first()
        if measure.indicator_code
        else None
    )
    result = MeasureResult(
        measure=measure,
        label=str(Kind.ATTAINMENT.label),
        unit=indicators.unit_label(indicator) if indicator else "",
        baseline_label=str(measure.baseline_year or ""),
        outcome_label=str(measure.outcome_year or ""),
        register_note=_(
            "Register figures for all pupils of the municipality (Skolverket, Kolada), not a "
            "sample: they have no sampling interval, but a change between two years also "
            "reflects different cohorts of pupils. Skolverket hides small groups itself."
        ),
    )
    if indicator is None or not (measure.baseline_year and measure.outcome_year):
        result.missing = _("Choose the indicator and the baseline and outcome years.")
        return result
    result.label = f"{result.label}: {indicator.name}"
    codes: dict[str, list[str]] = {}
    for school in schools:
        code = indicators.municipality_code_for_unscoped(school)
        codes.setdefault(code, []).append(school.name)
    for code, names in sorted(codes.items()):
        row = {"code": code, "schools": names, "baseline": None, "outcome": None, "note": ""}
        if not code:
            row["note"] = _(
                "The schools' owner is not linked to a municipality code: no national figures."
            )
            result.register.append(row)
            continue
        municipality = indicators.municipality(code)
        row["municipality"] = municipality.name if municipality else code
        series = indicators.indicator_series(indicator=indicator, code=code)
        points = {p.year: p for p in series[0].points} if series else {}
        if series:
            row["source"] = series[0].source
            row["imported"] = indicators.imported_on_unscoped(code, series[0].source)
        for key, year in (("baseline", measure.baseline_year), ("outcome", measure.outcome_year)):
            point = points.get(year)
            row[key] = None if point is None else (point.value, point.status)
        if row["baseline"] is None or row["outcome"] is None:
            row["note"] = _("No value for one of the years.")
        elif row["baseline"][0] is not None and row["outcome"][0] is not None:
            row["change"] = row["outcome"][0] - row["baseline"][0]
        result.register.append(row)
    return result


def _relation(teaching: MeasureResult, other: MeasureResult) -> Relation:
    """Teaching change against the other measure's change across the schools shown in both."""
    points = []
    if teaching.comparison and other.comparison:
        changes = {
            s.school: s.change.estimate
            for s in other.comparison.schools
            if s.change is not None and not s.hidden
        }
        for s in teaching.comparison.schools:
            if s.change is not None and not s.hidden and s.school in changes:
                points.append(
                    {
                        "school": teaching.school_names.get(s.school, str(s.school)),
                        "x": s.change.estimate,
                        "y": changes[s.school],
                    }
                )
    slope, reason = None, ""
    try:
        slope = exploratory_slope([p["x"] for p in points], [p["y"] for p in points])
    except AnalysisError:
        reason = _(
            "Fewer than three schools with both changes shown (or no spread in the teaching "
            "change): no slope is fitted."
        )
    return Relation(outcome=other.label, points=points, slope=slope, reason=reason)


def programme_evaluation(*, user: User, pk: int) -> tuple[Programme, Evaluation]:
    """The programme the user reads, with its evaluation (404/403 as `get_programme_for_user`)."""
    programme = get_programme_for_user(user=user, pk=pk)
    return programme, evaluation_unscoped(programme)


def evaluation_unscoped(programme: Programme) -> Evaluation:
    """The four measures' figures and the exploratory relations; the caller has checked
    access (`get_programme_for_user`)."""
    schools = _schools(programme)
    measures = {
        m.kind: m
        for m in programme.measures.select_related("baseline_round", "outcome_round").all()
    }
    results = []
    for kind in Kind:
        measure = measures.get(kind)
        if measure is None:
            continue
        if kind == Kind.TEACHING:
            results.append(_teaching(measure, schools))
        elif kind in AREAS:
            results.append(_survey(measure, schools))
        else:
            results.append(_attainment(measure, schools))
    by_kind = {r.measure.kind: r for r in results}
    relations = []
    if Kind.TEACHING in by_kind:
        for kind in (Kind.SAFETY, Kind.WORKLOAD):
            if kind in by_kind:
                relations.append(_relation(by_kind[Kind.TEACHING], by_kind[kind]))
    return Evaluation(
        programme=programme, measures=results, relations=relations, min_group=_min_group()
    )

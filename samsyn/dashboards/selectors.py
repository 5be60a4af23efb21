"""Dashboards: what a school, an owner or a network sees of its observation rounds.

Everything a page, a chart, a workshop or an export needs is computed here, once, into a
`Dashboard` dataclass. The figures come from the rating summaries (`samsyn.observations.
summaries`: step counts per round × school × teacher × subject × grade span, kept current as
observations are submitted, reopened or deleted), read in ONE query; the rest is vectorised
numpy on that small result: never row by row over ratings.

Rules (see docs/dashboards.md):
- Peer rounds (`Round.is_peer`) and draft observations are always left out.
- School leadership (principal) sees everything, including a per-teacher table (audited).
- Everyone else (teachers of the school, owner, network, researchers) sees aggregates only,
  and no aggregate over fewer than `SAMSYN_MIN_GROUP` teachers, nor one that could be worked
  out by subtraction (complementary suppression with `samsyn.analysis.suppression`).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samsyn.accounts.access import Perm, require
from samsyn.accounts.models import NetworkMembership, Organisation, User
from samsyn.analysis.change import independent_change, paired_change
from samsyn.analysis.clustered import clustered_difference, clustered_mean
from samsyn.analysis.results import AnalysisError
from samsyn.analysis.suppression import (
    FilteredViews,
    Record,
    protect_filtered_views,
    suppress,
)
from samsyn.dashboards import hooks
from samsyn.frameworks.models import Dimension, Step
from samsyn.observations import summaries
from samsyn.observations.models import RatingSummary, Round
from samsyn.observations.readable import explain_error
from samsyn.observations.selectors import schools_under_unscoped
from samsyn.observations.summaries import GRADE_SPANS, SummaryRows

N_BOOT = 1000
# Above this many paired teachers the effect size's own bootstrap interval is not computed
# (it costs O(teachers × resamples) per dimension); the change's interval always is.
FULL_BOOTSTRAP_MAX = 300

# --------------------------------------------------------------------------- grade spans


def _grade_span_label(key: str) -> str:
    return {
        "f3": _("Grades F–3"),
        "46": _("Grades 4–6"),
        "79": _("Grades 7–9"),
        "upper": _("Upper secondary"),
        "other": _("Grade not given"),
    }.get(key, key)


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class Hidden:
    """A figure that is not shown, with the reason a reader sees in its place."""

    reason: str
    kind: str = "primary"  # "primary" (too few teachers) or "complementary"

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class StepInfo:
    order: int
    label: str


@dataclass(frozen=True)
class DimensionInfo:
    code: str
    name: str
    short_name: str
    order: int
    steps: tuple[StepInfo, ...]


@dataclass(frozen=True)
class RoundInfo:
    pk: int
    name: str
    kind: str
    kind_label: str
    starts_on: date

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind_label})"


@dataclass(frozen=True)
class Distribution:
    """The ratings of one dimension in one round: how many at each step (lowest first)."""

    round: RoundInfo
    dimension: DimensionInfo
    counts: tuple[int, ...]
    n_ratings: int
    n_teachers: int
    mean: float | None
    hidden: Hidden | None = None

    @property
    def shares(self) -> tuple[float, ...]:
        if not self.n_ratings:
            return tuple(0.0 for _ in self.counts)
        return tuple(c / self.n_ratings for c in self.counts)


@dataclass(frozen=True)
class Coverage:
    round: RoundInfo
    lessons: int
    teachers: int
    observers: int
    schools: int
    hidden: Hidden | None = None


@dataclass(frozen=True)
class DimensionChange:
    """Change of one dimension between the comparison round and the round (after − before),
    on the teachers' mean step. `method` is "paired" (the same teachers; effect size the
    rank-biserial correlation) or "independent" (different teachers; Cliff's delta). The
    interval and `p_value` come from cluster-robust CR2 errors with Satterthwaite degrees of
    freedom (`samsyn.analysis.clustered`), with whole schools as the units on an owner's or
    a network's page and teachers on a school's page, so they hold with few schools."""

    dimension: DimensionInfo
    before: float | None
    after: float | None
    change: float | None
    ci_low: float | None
    ci_high: float | None
    effect: float | None
    effect_low: float | None
    effect_high: float | None
    p_value: float | None
    n_teachers: int
    method: str
    hidden: Hidden | None = None

    @property
    def clear(self) -> bool:
        """Whether the interval of the change excludes zero."""
        return (
            self.hidden is None
            and self.ci_low is not None
            and self.ci_high is not None
            and (self.ci_low > 0 or self.ci_high < 0)
        )


@dataclass(frozen=True)
class RankedDimension:
    dimension: DimensionInfo
    mean: float
    n_ratings: int


@dataclass(frozen=True)
class TeacherRow:
    """One teacher's means per dimension in the round (school leadership only)."""

    teacher_id: int
    name: str
    lessons: int
    means: tuple[float | None, ...]


@dataclass(frozen=True)
class TrendPoint:
    round: RoundInfo
    mean: float | None
    n_teachers: int | None
    hidden: Hidden | None = None


@dataclass(frozen=True)
class SchoolTrend:
    school_id: int
    school_name: str
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class GroupCell:
    """One school × subject group in the round: teachers and the mean step, or hidden."""

    school_name: str
    group: str
    n_teachers: int | None
    mean: float | None
    hidden: Hidden | None = None


@dataclass
class Dashboard:
    """What a dashboard page shows. Built by `school_dashboard` or `area_dashboard`."""

    scope: str  # "school", "owner", "network" or "region"
    organisation: Organisation
    rounds: list[RoundInfo]
    round: RoundInfo | None
    compare_round: RoundInfo | None
    filters: dict[str, str]
    subjects: list[str]
    grade_spans: list[tuple[str, str]]
    dimensions: list[DimensionInfo]
    distributions: dict[int, list[Distribution]]
    coverage: list[Coverage]
    changes: list[DimensionChange]
    strongest: list[RankedDimension]
    weakest: list[RankedDimension]
    min_group: int
    is_leadership: bool
    method_notes: list[str]
    hidden: Hidden | None = None
    school_trends: list[SchoolTrend] = field(default_factory=list)
    groups: list[GroupCell] = field(default_factory=list)
    teacher_rows: list[TeacherRow] | None = None

    @property
    def title(self) -> str:
        return self.organisation.name

    @property
    def has_data(self) -> bool:
        return self.round is not None and bool(self.distributions.get(self.round.pk))

    def distribution_for(self, round_pk: int) -> list[Distribution]:
        return self.distributions.get(round_pk, [])


@dataclass
class SchoolDashboard(Dashboard):
    pass


@dataclass
class AreaDashboard(Dashboard):
    pass


# --------------------------------------------------------------------------- helpers


def _round_info(r: Round) -> RoundInfo:
    return RoundInfo(
        pk=r.pk,
        name=r.name,
        kind=r.kind,
        kind_label=str(Round.Kind(r.kind).label),
        starts_on=r.starts_on,
    )


def _dimensions(version_id: int) -> list[DimensionInfo]:
    """Dimensions of the round's framework version (followed across versions by code)."""
    dims = list(Dimension.objects.filter(version_id=version_id).order_by("order"))
    steps: dict[int, list[Step]] = {}
    for step in Step.objects.filter(dimension__version_id=version_id).order_by("order"):
        steps.setdefault(step.dimension_id, []).append(step)
    infos = [
        DimensionInfo(
            code=d.code,
            name=d.name,
            short_name=d.short_name,
            order=d.order,
            steps=tuple(StepInfo(order=s.order, label=s.label) for s in steps.get(d.pk, [])),
        )
        for d in dims
    ]
    return infos


def _too_few(min_group: int) -> Hidden:
    return Hidden(reason=_("Hidden: fewer than %(n)s teachers.") % {"n": min_group}, kind="primary")


def _derivable() -> Hidden:
    return Hidden(
        reason=_("Hidden: could otherwise be worked out from the totals and the other figures."),
        kind="complementary",
    )


def _hidden_from(reason: str | None, min_group: int) -> Hidden | None:
    if reason is None:
        return None
    return _too_few(min_group) if reason == "primary" else _derivable()


@dataclass
class _Cells:
    """One row per round × school × teacher × subject × rated dimension, with the number of
    ratings and the sum of their step orders (from the summary rows, grade spans added)."""

    round: np.ndarray
    school: np.ndarray
    teacher: np.ndarray
    subject: np.ndarray  # index into `subjects`
    dim: np.ndarray  # index into the dashboard's dimension list (−1: not in this version)
    n: np.ndarray
    total: np.ndarray
    subjects: list[str]

    def where(self, mask: np.ndarray) -> _Cells:
        return _Cells(
            self.round[mask],
            self.school[mask],
            self.teacher[mask],
            self.subject[mask],
            self.dim[mask],
            self.n[mask],
            self.total[mask],
            self.subjects,
        )


def _filtered(rows: SummaryRows, filters: dict[str, str]) -> SummaryRows:
    """The summary rows a subject / grade-span filter keeps."""
    mask = np.ones(len(rows), dtype=bool)
    subject = filters.get("subject")
    if subject:
        index = rows.subjects.index(subject) if subject in rows.subjects else -1
        mask &= rows.subject == index
    span = filters.get("grade_span")
    if span:
        mask &= rows.span == summaries.SPAN_INDEX.get(span, -1)
    return rows.where(mask)


def _cells(rows: SummaryRows) -> _Cells:
    """Summary rows → one row per round × school × teacher × subject × rated dimension (grade
    spans added together), with its rating count and sum of step orders."""
    k = summaries.STEP_SLOTS
    if not len(rows):
        empty = np.zeros(0, dtype=np.int64)
        return _Cells(empty, empty, empty, empty, empty, empty, empty, [])
    dims = rows.counts.shape[1]
    # Per row and dimension: ratings, and Σ step order = Σ_k k · (ratings at step k).
    per_row = np.concatenate(
        [rows.counts.sum(axis=2), rows.counts @ np.arange(1, k + 1, dtype=np.int64)], axis=1
    )
    key = _combined(rows.round, rows.school, rows.teacher, rows.subject)
    order = np.argsort(key, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(key[order]) != 0])
    grouped = np.add.reduceat(per_row[order], starts, axis=0)  # groups × (n, total per dim)
    first = order[starts]  # a row of each group, for its round, school, teacher, subject
    n, total = grouped[:, :dims], grouped[:, dims:]
    g, d = np.nonzero(n)
    return _Cells(
        round=rows.round[first][g],
        school=rows.school[first][g],
        teacher=rows.teacher[first][g],
        subject=rows.subject[first][g],
        dim=d.astype(np.int64),
        n=n[g, d],
        total=total[g, d].astype(np.float64),
        subjects=rows.subjects,
    )


def _load(school_ids: list[int], round_ids: list[int], dimensions: list[DimensionInfo]):
    return summaries.load(
        school_ids=school_ids, round_ids=round_ids, codes=[d.code for d in dimensions]
    )


def _combined(*columns: np.ndarray) -> np.ndarray:
    """One int64 key per row for the combination of these integer columns, ordered like the
    columns (sorting it is much faster than `np.unique(..., axis=0)` on the stacked rows)."""
    key = np.zeros(columns[0].size, dtype=np.int64)
    for column in columns:
        values, codes = np.unique(column, return_inverse=True)
        key = key * max(values.size, 1) + codes.reshape(-1)
    return key


def _positions(values: np.ndarray, ordered_keys: list[int]) -> np.ndarray:
    """The position of each value in `ordered_keys` (every value must be one of them)."""
    keys = np.asarray(ordered_keys, dtype=np.int64)
    sorter = np.argsort(keys)
    return sorter[np.searchsorted(keys, values, sorter=sorter)]


def _sum2(rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, shape) -> np.ndarray:
    """A rows × cols table of summed weights (np.bincount: much faster than np.add.at)."""
    flat = np.bincount(rows * shape[1] + cols, weights=weights, minlength=shape[0] * shape[1])
    return flat.reshape(shape)


def _teacher_means(cells: _Cells, round_pk: int, n_dims: int):
    """Per teacher × dimension: mean step in the round (NaN where not rated), teacher ids,
    and each teacher's school."""
    c = cells.where((cells.round == round_pk) & (cells.dim >= 0))
    teachers, t_idx = np.unique(c.teacher, return_inverse=True)
    t_idx = t_idx.reshape(-1)
    sums = _sum2(t_idx, c.dim, c.total, (teachers.size, n_dims))
    counts = _sum2(t_idx, c.dim, c.n, (teachers.size, n_dims))
    schools = np.zeros(teachers.size, dtype=np.int64)
    schools[t_idx] = c.school
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    return teachers, means, schools


# --------------------------------------------------------------------------- overlapping views


@dataclass
class _Guard:
    """Which views of the rounds may be shown to someone outside school leadership.

    Everything a person can obtain for a round and scope (every subject × grade-span filter of
    the school, of each school of an area and of the area, every workshop team, with and
    without a comparison round, on pages, exports and slides) is one set of overlapping views.
    `protect_filtered_views` (samsyn.analysis.suppression) publishes them in a fixed order so
    that every atom of the views (teachers whom no two shown views tell apart) holds at least
    `min_group` teachers; a requested view is shown when it is a union of those atoms, so no
    difference of two obtainable figures rests on fewer than `min_group` teachers.
    """

    views: dict[int, FilteredViews]
    records: dict[int, list[Record]]
    subjects: list[str]
    by_school: dict[int, dict[int, list[Record]]] = field(default_factory=dict)
    memo: dict[tuple, dict[int, bool]] = field(default_factory=dict)

    def chosen(self, filters: dict[str, str]) -> tuple:
        subject = filters.get("subject")
        span = filters.get("grade_span")
        s_idx = (
            (self.subjects.index(subject) if subject in self.subjects else -2) if subject else None
        )
        g_idx = summaries.SPAN_INDEX.get(span, -2) if span else None
        return (s_idx, g_idx)

    def pick(self, round_pk: int, chosen: tuple, *, schools=None, teachers=None) -> list[Record]:
        """The records of the round a view sums over (filter, schools, team)."""
        records = self.records.get(round_pk, [])
        if schools is not None:
            by_school = self.by_school.setdefault(round_pk, {})
            if not by_school:
                for r in records:
                    by_school.setdefault(r.group, []).append(r)
            records = [r for school in schools for r in by_school.get(school, [])]
        return [
            r
            for r in records
            if all(v is None or v == a for v, a in zip(chosen, r.attrs, strict=True))
            and (teachers is None or r.person in teachers)
        ]

    def shown(self, round_pk: int, picked: list[Record], key: tuple | None = None) -> bool:
        """Whether the view may be shown; `key` (level, filter) if it is one of the levels'."""
        views = self.views.get(round_pk)
        return views is None or not picked or views.shows(picked, key)

    def shown_measures(self, round_pk: int, picked: list[Record], n: int) -> list[bool]:
        """Per dimension (0..n-1): whether the view's figures of it may be shown."""
        ok = self._measures(round_pk, picked, list(range(n)))
        return [ok[i] for i in range(n)]

    def _measures(self, round_pk: int, picked: list[Record], dims: list[int]) -> dict[int, bool]:
        """`FilteredViews.shows_measures`, remembered for the request (the paired teachers
        are often all of a round's teachers, already checked for the distributions)."""
        views = self.views.get(round_pk)
        if views is None or not picked:
            return dict.fromkeys(dims, True)
        key = (round_pk, frozenset((r.person, r.group, r.attrs) for r in picked))
        known = self.memo.setdefault(key, {})
        missing = [d for d in dims if d not in known]
        if missing:
            known.update(views.shows_measures(picked, missing))
        return {d: known[d] for d in dims}

    def paired(
        self, rounds: tuple[int, int], picked: dict[int, list[Record]], n: int
    ) -> list[bool]:
        """Per dimension (0..n-1): whether its change may be computed on the teachers rated on
        it in both rounds (else on each round's own, already shown, teachers). Dimensions
        with the same paired teachers are checked together."""
        by_pairs: dict[frozenset, list[int]] = {}
        for d in range(n):
            both = frozenset.intersection(
                *(frozenset(r.person for r in picked[pk] if d in r.measures) for pk in rounds)
            )
            by_pairs.setdefault(both, []).append(d)
        out = [True] * n
        for both, dims in by_pairs.items():
            for pk in rounds:
                pairs = [r for r in picked[pk] if r.person in both]
                for d, ok in self._measures(pk, pairs, dims).items():
                    out[d] = out[d] and ok
        return out


def _levels(scope: str, organisation: Organisation, school_ids: list[int]) -> list:
    """The levels whose views a person can obtain: each school, then (region) each owner, then
    the area itself."""
    levels: list = [(("school", pk), frozenset({pk})) for pk in sorted(school_ids)]
    if scope == "school":
        return levels
    if scope == str(Organisation.Kind.REGION):
        by_owner: dict[int, set[int]] = {}
        parents = Organisation.objects.filter(pk__in=school_ids).values_list("pk", "parent_id")
        for pk, parent in parents:
            by_owner.setdefault(parent, set()).add(pk)
        levels += [(("org", o), frozenset(s)) for o, s in sorted(by_owner.items()) if o]
    levels.append((("org", organisation.pk), frozenset(school_ids)))
    return levels


# Decided views by a digest of everything they depend on (oldest dropped first).
_DECIDED: dict[str, FilteredViews] = {}
_DECIDED_MAX = 64
_DECIDED_LOCK = threading.Lock()


def _guard(
    loaded: SummaryRows, *, round_ids: list[int], shown: list[int], levels: list, teams: list
) -> _Guard:
    """The views of `round_ids` decided; for rounds not `shown` (an area's trend lines) only
    the schools' own views are needed, and they are decided the same way either way."""
    records: dict[int, list[Record]] = {}
    rated = loaded.counts.sum(axis=2) > 0  # rows × dims
    for i in range(len(loaded)):
        records.setdefault(int(loaded.round[i]), []).append(
            Record(
                person=int(loaded.teacher[i]),
                group=int(loaded.school[i]),
                attrs=(int(loaded.subject[i]), int(loaded.span[i])),
                measures=frozenset(np.flatnonzero(rated[i]).tolist()),
            )
        )
    min_group = int(settings.SAMSYN_MIN_GROUP)
    views = {}
    for pk in round_ids:
        used = levels if pk in shown else [lv for lv in levels if lv[0][0] == "school"]
        mask = loaded.round == pk
        # The decision depends only on these inputs: computed once per process for the same
        # data (any change to the round's summaries, teams or settings gives another key).
        digest = hashlib.sha256(
            repr((pk, min_group, used, teams, loaded.subjects)).encode()
            + b"".join(
                np.ascontiguousarray(column[mask]).tobytes()
                for column in (loaded.teacher, loaded.school, loaded.subject, loaded.span)
            )
            + np.packbits(rated[mask]).tobytes()
        ).hexdigest()
        decided = _DECIDED.get(digest)
        if decided is None:
            decided = protect_filtered_views(
                records.get(pk, []), levels=used, teams=teams, min_group=min_group
            )
            with _DECIDED_LOCK:
                _DECIDED[digest] = decided
                while len(_DECIDED) > _DECIDED_MAX:
                    _DECIDED.pop(next(iter(_DECIDED)))
        views[pk] = decided
    return _Guard(views=views, records=records, subjects=loaded.subjects)


# --------------------------------------------------------------------------- building


def _rounds_for(school_ids: list[int]) -> list[Round]:
    """Non-peer rounds with counted observations in these schools, oldest first."""
    with_data = RatingSummary.objects.filter(school_id__in=school_ids).values("round_id")
    return list(Round.objects.filter(is_peer=False, pk__in=with_data).order_by("starts_on", "pk"))


def counted_rounds_unscoped(school_ids: list[int]) -> list[Round]:
    """The schools' non-peer rounds with counted observations, oldest first. Not scoped to a
    user: the caller has checked access to the schools."""
    return _rounds_for(school_ids)


def teacher_means_unscoped(school_id: int, round: Round) -> tuple[list[DimensionInfo], np.ndarray]:
    """Each teacher's mean step per dimension at one school in one round (rows: teachers,
    columns: the round's dimensions, NaN where not rated), from the rating summaries. Not
    scoped to a user: the caller has checked access and hides groups under the minimum
    itself. A dimension the school's staff dashboard would hide as derivable from other
    obtainable views (complementary suppression) comes back as NaN for every teacher."""
    dims, _teachers, means = teacher_means_with_ids_unscoped(school_id, round)
    return dims, means


def teacher_means_with_ids_unscoped(
    school_id: int, round: Round
) -> tuple[list[DimensionInfo], np.ndarray, np.ndarray]:
    """`teacher_means_unscoped` with each row's teacher id (for pairing teachers across
    rounds; the ids never reach a page)."""
    dims = _dimensions(round.framework_version_id)
    loaded = _load([school_id], [round.pk], dims)
    teachers, means, _schools = _teacher_means(_cells(loaded), round.pk, len(dims))
    guard = _guard(
        loaded,
        round_ids=[round.pk],
        shown=[round.pk],
        levels=[(("school", school_id), frozenset({school_id}))],
        teams=hooks.teams([school_id]),
    )
    whole = (None, None)
    picked = guard.pick(round.pk, whole)
    if means.size and picked:
        if not guard.shown(round.pk, picked, (("school", school_id), whole)):
            means[:, :] = np.nan
        else:
            means[:, ~np.array(guard.shown_measures(round.pk, picked, len(dims)))] = np.nan
    return dims, teachers, means


def _pick_rounds(
    rounds: list[Round], round: Round | int | None, compare_round: Round | int | None
) -> tuple[Round | None, Round | None]:
    by_pk = {r.pk: r for r in rounds}

    def resolve(value):
        if value is None or value == "":
            return None
        pk = value.pk if isinstance(value, Round) else int(value)
        return by_pk.get(pk)

    chosen = resolve(round)
    if chosen is None and rounds:
        # Default: the latest baseline or follow-up round (an ongoing round is still
        # filling up), else the latest round.
        measured = [r for r in rounds if r.kind != Round.Kind.ONGOING]
        chosen = (measured or rounds)[-1]
    compare = resolve(compare_round)
    if compare_round is None and chosen is not None:
        earlier = [r for r in rounds if r.starts_on < chosen.starts_on and r.pk != chosen.pk]
        baselines = [r for r in earlier if r.kind == Round.Kind.BASELINE]
        compare = (baselines or earlier or [None])[-1]
    if compare is not None and chosen is not None and compare.pk == chosen.pk:
        compare = None
    return chosen, compare


def _clean_filters(filters: dict | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in ("subject", "grade_span"):
        value = (filters or {}).get(key)
        if value:
            out[key] = str(value)
    if out.get("grade_span") not in (None, *[k for k, _ in GRADE_SPANS]):
        out.pop("grade_span")
    return out


def _build(
    *,
    scope: str,
    organisation: Organisation,
    school_ids: list[int],
    school_names: dict[int, str],
    round,
    compare_round,
    filters,
    leadership: bool,
    teacher_ids: list[int] | None = None,
) -> Dashboard:
    min_group = int(settings.SAMSYN_MIN_GROUP)
    filters = _clean_filters(filters)
    summaries.flush()  # observations changed since the last read (usually nothing to do)
    all_rounds = _rounds_for(school_ids)
    chosen, compare = _pick_rounds(all_rounds, round, compare_round)
    round_infos = [_round_info(r) for r in all_rounds]
    info = {r.pk: _round_info(r) for r in all_rounds}
    cls = SchoolDashboard if scope == "school" else AreaDashboard
    notes = _method_notes(scope, min_group, leadership)
    if teacher_ids is not None:
        notes.append(
            _("Only the team's teachers are included (%(n)s teachers).") % {"n": len(teacher_ids)}
        )
    if chosen is None:
        return cls(
            scope=scope,
            organisation=organisation,
            rounds=round_infos,
            round=None,
            compare_round=None,
            filters=filters,
            subjects=[],
            grade_spans=[],
            dimensions=[],
            distributions={},
            coverage=[],
            changes=[],
            strongest=[],
            weakest=[],
            min_group=min_group,
            is_leadership=leadership,
            method_notes=notes,
        )
    dimensions = _dimensions(chosen.framework_version_id)
    n_dims = len(dimensions)
    round_ids = (
        [r.pk for r in all_rounds]
        if scope != "school"
        else [r.pk for r in (chosen, compare) if r is not None]
    )
    loaded = _load(school_ids, [r.pk for r in all_rounds], dimensions)
    subjects_all = sorted(
        loaded.subjects[i] for i in np.unique(loaded.subject) if loaded.subjects[i]
    )
    spans_present = {GRADE_SPANS[i][0] for i in np.unique(loaded.span)}
    spans = [(k, _grade_span_label(k)) for k, _label in GRADE_SPANS if k in spans_present]
    rows = _filtered(loaded.where(np.isin(loaded.round, round_ids)), filters)
    if teacher_ids is not None:
        rows = rows.where(np.isin(rows.teacher, teacher_ids))
    cells = _cells(rows)
    shown = [r for r in (compare, chosen) if r is not None]

    # Small cells (everyone but school leadership): teacher counts per school × round, with
    # the area's total per round published, and per school × subject group in the round.
    hidden_school_round: dict[tuple[int, int], Hidden] = {}
    dashboard_hidden: dict[int, Hidden] = {}
    guard: _Guard | None = None
    picked: dict[int, list[Record]] = {}
    ordered_schools = sorted(school_ids, key=lambda pk: school_names.get(pk, "").lower())
    teacher_table = np.zeros((len(ordered_schools), len(round_ids)), dtype=np.int64)
    if cells.teacher.size:
        si = _positions(cells.school, ordered_schools)
        ri = _positions(cells.round, round_ids)
        pairs = np.unique(_combined(si, ri, cells.teacher), return_index=True)[1]
        np.add.at(teacher_table, (si[pairs], ri[pairs]), 1)
    if not leadership:
        for j, rpk in enumerate(round_ids):
            total = int(teacher_table[:, j].sum())
            if 0 < total < min_group:
                dashboard_hidden[rpk] = _too_few(min_group)
        if len(ordered_schools) > 1:
            table = suppress(teacher_table, min_group=min_group, row_totals=False)
            for i, spk in enumerate(ordered_schools):
                for j, rpk in enumerate(round_ids):
                    h = _hidden_from(table.reasons[i][j], min_group)
                    if h is not None:
                        hidden_school_round[(spk, rpk)] = h
        # Every filter, level and team a person can obtain, decided together, so that no
        # difference of two obtainable views rests on fewer than `min_group` teachers.
        protect_ids = round_ids if scope != "school" else [r.pk for r in shown]
        guard = _guard(
            loaded.where(np.isin(loaded.round, protect_ids)),
            round_ids=protect_ids,
            shown=[r.pk for r in shown],
            levels=_levels(scope, organisation, school_ids),
            teams=hooks.teams(school_ids),
        )
        chosen_filter = guard.chosen(filters)
        team = set(teacher_ids) if teacher_ids is not None else None
        level = ("school", organisation.pk) if scope == "school" else ("org", organisation.pk)
        key = (level, chosen_filter) if team is None else None
        for r in shown:
            picked[r.pk] = guard.pick(r.pk, chosen_filter, teachers=team)
            if r.pk not in dashboard_hidden and not guard.shown(r.pk, picked[r.pk], key):
                dashboard_hidden[r.pk] = _derivable()
        if scope != "school":
            for spk in ordered_schools:
                for rpk in round_ids:
                    part = guard.pick(rpk, chosen_filter, schools={spk})
                    known = (spk, rpk) in hidden_school_round
                    key = (("school", spk), chosen_filter)
                    if part and not known and not guard.shown(rpk, part, key):
                        hidden_school_round[(spk, rpk)] = _derivable()

    distributions: dict[int, list[Distribution]] = {}
    coverage: list[Coverage] = []
    cov = {r.pk: _coverage(rows.where(rows.round == r.pk)) for r in shown}
    means = {r.pk: _teacher_means(cells, r.pk, n_dims) for r in shown}
    for r in shown:
        counts = rows.counts[rows.round == r.pk].sum(axis=0, dtype=np.int64)  # dims × steps
        n = counts.sum(axis=1)
        totals = counts @ np.arange(1, counts.shape[1] + 1, dtype=np.float64)
        teachers = (~np.isnan(means[r.pk][1])).sum(axis=0)  # teachers rated per dimension
        hidden = dashboard_hidden.get(r.pk)
        measures_ok = guard.shown_measures(r.pk, picked[r.pk], n_dims) if guard else None
        dist_rows = []
        for i, d in enumerate(dimensions):
            cell_hidden = hidden
            if cell_hidden is None and not leadership and 0 < teachers[i] < min_group:
                cell_hidden = _too_few(min_group)
            derivable = guard is not None and not measures_ok[i]
            if cell_hidden is None and derivable:
                cell_hidden = _derivable()
            dist_rows.append(
                Distribution(
                    round=info[r.pk],
                    dimension=d,
                    counts=tuple(int(x) for x in counts[i, : max(len(d.steps), 1)]),
                    n_ratings=int(n[i]),
                    n_teachers=int(teachers[i]),
                    mean=float(totals[i] / n[i]) if n[i] else None,
                    hidden=cell_hidden,
                )
            )
        distributions[r.pk] = dist_rows
        row = cov.get(r.pk, {})
        coverage.append(
            Coverage(
                round=info[r.pk],
                lessons=row.get("lessons", 0),
                teachers=row.get("teachers", 0),
                observers=row.get("observers", 0),
                schools=row.get("schools", 0),
                hidden=hidden,
            )
        )

    paired_ok = None
    if guard is not None and compare is not None:
        pairable = guard.paired((chosen.pk, compare.pk), picked, n_dims)

        def paired_ok(i: int) -> bool:
            return pairable[i]

    changes = _changes(means, chosen, compare, dimensions, scope, min_group, leadership, paired_ok)
    if not leadership and compare is not None:
        changes = _hide_small_rounds(changes, distributions, (compare.pk, chosen.pk), min_group)
    if any(dashboard_hidden.get(r.pk) for r in shown):
        reason = next(dashboard_hidden[r.pk] for r in shown if r.pk in dashboard_hidden)
        changes = [_blank(ch, reason) for ch in changes]
    current = [
        d for d in distributions.get(chosen.pk, []) if d.mean is not None and d.hidden is None
    ]
    ranked = sorted(current, key=lambda d: (-d.mean, d.dimension.order))
    strongest = [RankedDimension(d.dimension, d.mean, d.n_ratings) for d in ranked[:3]]
    weakest = [RankedDimension(d.dimension, d.mean, d.n_ratings) for d in ranked[::-1][:3]]
    if len(ranked) < 2:
        strongest, weakest = [], []

    dashboard = cls(
        scope=scope,
        organisation=organisation,
        rounds=round_infos,
        round=info[chosen.pk],
        compare_round=info[compare.pk] if compare else None,
        filters=filters,
        subjects=subjects_all,
        grade_spans=spans,
        dimensions=dimensions,
        distributions=distributions,
        coverage=coverage,
        changes=changes,
        strongest=strongest,
        weakest=weakest,
        min_group=min_group,
        is_leadership=leadership,
        method_notes=notes,
        hidden=dashboard_hidden.get(chosen.pk),
    )
    if leadership and scope == "school":
        dashboard.teacher_rows = _teacher_rows(
            means[chosen.pk], rows.where(rows.round == chosen.pk)
        )
    if scope != "school":
        dashboard.school_trends = _school_trends(
            cells,
            ordered_schools,
            school_names,
            all_rounds,
            info,
            hidden_school_round,
            teacher_table,
            round_ids,
            min_group,
        )
        dashboard.groups = _groups(
            cells, chosen.pk, ordered_schools, school_names, min_group, guard, filters
        )
    return dashboard


def _coverage(rows: SummaryRows) -> dict[str, int]:
    """Lessons, teachers, observers and schools behind one round's figures."""
    return {
        "lessons": int(rows.lessons.sum()),
        "teachers": int(np.unique(rows.teacher).size),
        "observers": int(np.unique(rows.observer_ids).size),
        "schools": int(np.unique(rows.school).size),
    }


def _hide_small_rounds(
    changes: list[DimensionChange],
    distributions: dict[int, list[Distribution]],
    round_pks: tuple[int, int],
    min_group: int,
) -> list[DimensionChange]:
    """A change shows each round's mean of the dimension: it is shown only when the
    dimension's figure in each of the two rounds is (at least `min_group` teachers, not
    derivable), whatever the two rounds' teachers count together. A hidden change keeps no
    number."""
    dists = {pk: {d.dimension.code: d for d in distributions.get(pk, [])} for pk in round_pks}
    out = []
    for ch in changes:
        hidden = ch.hidden
        if hidden is None:
            cells = [dists[pk].get(ch.dimension.code) for pk in round_pks]
            hidden = next((c.hidden for c in cells if c is not None and c.hidden), None)
            if hidden is None and any(c is None or c.n_teachers < min_group for c in cells):
                hidden = _too_few(min_group)
        out.append(ch if hidden is None else _blank(ch, hidden))
    return out


def _blank(ch: DimensionChange, hidden: Hidden) -> DimensionChange:
    """The change hidden, with no number left on it."""
    return DimensionChange(
        dimension=ch.dimension,
        before=None,
        after=None,
        change=None,
        ci_low=None,
        ci_high=None,
        effect=None,
        effect_low=None,
        effect_high=None,
        p_value=None,
        n_teachers=0,
        method=ch.method,
        hidden=hidden,
    )


def _changes(means, chosen, compare, dimensions, scope, min_group, leadership, paired_ok=None):
    """Change per dimension on the teachers' means (`means`: round pk → _teacher_means).
    `paired_ok(i)`: whether the teachers rated in both rounds may be shown as a group (else
    the change is computed on each round's own teachers)."""
    if compare is None:
        return []
    t_after, m_after, s_after = means[chosen.pk]
    t_before, m_before, s_before = means[compare.pk]
    _common, ia, ib = np.intersect1d(t_after, t_before, return_indices=True)
    # The independent units: schools on an owner's or a network's page, teachers on a
    # school's (a teacher seen in both rounds is one unit in an independent comparison).
    by_school = scope != "school" and np.unique(np.r_[s_after, s_before]).size >= 2
    unit_after = s_after if by_school else t_after
    unit_before = s_before if by_school else t_before
    out = []
    for i, d in enumerate(dimensions):
        has_after = ~np.isnan(m_after[:, i])
        has_before = ~np.isnan(m_before[:, i])
        after_all = m_after[:, i][has_after]
        before_all = m_before[:, i][has_before]
        before_p = m_before[ib, i]
        after_p = m_after[ia, i]
        ok = ~(np.isnan(before_p) | np.isnan(after_p))
        n_pairs = int(ok.sum())
        base = dict(
            dimension=d,
            before=float(before_all.mean()) if before_all.size else None,
            after=float(after_all.mean()) if after_all.size else None,
        )
        seed = (chosen.pk * 7919 + compare.pk * 104729 + i) % (2**32)
        try:
            pairable = paired_ok is None or paired_ok(i)
            if pairable and n_pairs >= 2 and n_pairs * 2 >= min(after_all.size, before_all.size):
                clusters = s_after[ia][ok] if scope != "school" else None
                if clusters is not None and np.unique(clusters).size < 2:
                    clusters = None
                # The effect size (rank-biserial) with its bootstrap interval up to
                # FULL_BOOTSTRAP_MAX teachers; the change's interval is cluster-robust.
                boot = N_BOOT if n_pairs <= FULL_BOOTSTRAP_MAX else 0
                res = paired_change(
                    before_p[ok], after_p[ok], clusters=clusters, n_boot=boot, seed=seed
                )
                robust = clustered_mean(after_p[ok] - before_p[ok], clusters)
                rb = res.rank_biserial
                change = DimensionChange(
                    **base,
                    change=robust.estimate,
                    ci_low=robust.ci_low,
                    ci_high=robust.ci_high,
                    effect=rb.estimate if rb else None,
                    effect_low=rb.ci_low if rb else None,
                    effect_high=rb.ci_high if rb else None,
                    p_value=robust.p_value,
                    n_teachers=n_pairs,
                    method="paired",
                )
            else:
                res = independent_change(before_all, after_all)
                robust = clustered_difference(
                    before_all,
                    after_all,
                    clusters_before=unit_before[has_before],
                    clusters_after=unit_after[has_after],
                )
                cd = res.cliffs_delta
                change = DimensionChange(
                    **base,
                    change=robust.estimate,
                    ci_low=robust.ci_low,
                    ci_high=robust.ci_high,
                    effect=cd.estimate if cd else None,
                    effect_low=cd.ci_low if cd else None,
                    effect_high=cd.ci_high if cd else None,
                    p_value=robust.p_value,
                    n_teachers=int(before_all.size + after_all.size),
                    method="independent",
                )
        except AnalysisError as exc:
            estimate = float(after_p[ok].mean() - before_p[ok].mean()) if n_pairs else None
            zero = n_pairs > 0 and np.allclose(after_p[ok], before_p[ok])
            change = DimensionChange(
                **base,
                change=0.0 if zero else estimate,
                ci_low=0.0 if zero else None,
                ci_high=0.0 if zero else None,
                effect=0.0 if zero else None,
                effect_low=None,
                effect_high=None,
                p_value=None,
                n_teachers=n_pairs,
                method="paired" if n_pairs else "none",
                # The statistics' English message never reaches the page: a translated sentence.
                hidden=None if zero else Hidden(reason=explain_error(exc), kind="insufficient"),
            )
        if not leadership and change.hidden is None and 0 < change.n_teachers < min_group:
            change = DimensionChange(**{**change.__dict__, "hidden": _too_few(min_group)})
        out.append(change)
    return out


def _school_trends(
    cells, schools, names, rounds, info, hidden, teacher_table, round_ids, min_group
) -> list[SchoolTrend]:
    """Each school's mean step (over all dimensions) per round, alphabetical by school."""
    c = cells.where(cells.dim >= 0)
    out = []
    rpos = {pk: j for j, pk in enumerate(round_ids)}
    sums = np.zeros((len(schools), len(round_ids)))
    counts = np.zeros((len(schools), len(round_ids)))
    if c.n.size:
        si = _positions(c.school, schools)
        ri = _positions(c.round, round_ids)
        sums = _sum2(si, ri, c.total, sums.shape)
        counts = _sum2(si, ri, c.n, counts.shape)
    for i, spk in enumerate(schools):
        points = []
        for r in rounds:
            j = rpos[r.pk]
            h = hidden.get((spk, r.pk))
            n_t = int(teacher_table[i, j])
            if n_t == 0:
                continue
            mean = float(sums[i, j] / counts[i, j]) if counts[i, j] else None
            points.append(
                TrendPoint(
                    round=info[r.pk],
                    mean=None if h else mean,
                    n_teachers=None if h else n_t,
                    hidden=h,
                )
            )
        out.append(SchoolTrend(school_id=spk, school_name=names.get(spk, ""), points=tuple(points)))
    return out


def _groups(cells, round_pk, schools, names, min_group, guard=None, filters=None):
    """School × subject group in the round: teachers and mean step, suppressed (primary and
    complementary, with school totals and subject totals published, and each group hidden
    unless `guard` shows it as a view of its school)."""
    c = cells.where((cells.round == round_pk) & (cells.dim >= 0))
    if not c.n.size:
        return []
    subjects = sorted(set(int(x) for x in c.subject))
    si = _positions(c.school, schools)
    gi = _positions(c.subject, subjects)
    table = np.zeros((len(schools), len(subjects)), dtype=np.int64)
    first = np.unique(_combined(si, gi, c.teacher), return_index=True)[1]
    trip = np.column_stack([si[first], gi[first]])
    np.add.at(table, (trip[:, 0], trip[:, 1]), 1)
    sums = np.zeros(table.shape)
    counts = np.zeros(table.shape)
    sums = _sum2(si, gi, c.total, sums.shape)
    counts = _sum2(si, gi, c.n, counts.shape)
    result = suppress(table, min_group=min_group)
    out = []
    for i, spk in enumerate(schools):
        for j, g in enumerate(subjects):
            if table[i, j] == 0:
                continue
            h = _hidden_from(result.reasons[i][j], min_group)
            if h is None and guard is not None:
                chosen = (g, guard.chosen(filters or {})[1])
                part = guard.pick(round_pk, chosen, schools={spk})
                if not guard.shown(round_pk, part, (("school", spk), chosen)):
                    h = _derivable()
            label = cells.subjects[g] or pgettext("subject", "Not given")
            out.append(
                GroupCell(
                    school_name=names.get(spk, ""),
                    group=label,
                    n_teachers=None if h else int(table[i, j]),
                    mean=None if h else float(sums[i, j] / counts[i, j]),
                    hidden=h,
                )
            )
    return out


def _method_notes(scope: str, min_group: int, leadership: bool) -> list[str]:
    notes = [
        _(
            "Only submitted and released observations count; drafts and peer observations "
            "within triads are never included."
        ),
        _(
            "Step distributions count ratings (one per lesson and dimension); “not observed” "
            "is left out. n is the number of ratings and of teachers behind each bar."
        ),
        _(
            "Change is computed on each teacher's mean step per dimension, because lessons "
            "of the same teacher are not independent. Its 95 %% interval and “clear change” "
            "use cluster-robust standard errors (CR2) with Satterthwaite degrees of freedom, "
            "with %(units)s as the independent units, so they hold with few %(units)s. "
            "Effect size: where the same teachers were observed in both rounds, the "
            "rank-biserial correlation (−1 to 1, bootstrap interval); otherwise Cliff's delta."
        )
        % {"units": _("teachers") if scope == "school" else _("schools")},
    ]
    notes.append(
        _(
            "With more than %(n)s teachers observed in both rounds, the effect size is shown "
            "without its interval (the change's interval is always shown)."
        )
        % {"n": FULL_BOOTSTRAP_MAX}
    )
    if not leadership:
        notes.append(
            _(
                "Figures about fewer than %(n)s teachers are hidden, and so is any figure "
                "that could be worked out by subtracting visible figures from a total "
                "(complementary suppression)."
            )
            % {"n": min_group}
        )
    if scope != "school":
        notes.append(
            _(
                "Schools are listed alphabetically: each school's own trend over rounds, "
                "not a ranking."
            )
        )
    return notes


# --------------------------------------------------------------------------- entry points


def school_dashboard(
    *,
    user: User,
    school: Organisation,
    round: Round | int | None = None,
    compare_round: Round | int | None = None,
    filters: dict | None = None,
    teachers: list[int] | None = None,
    staff_view: bool = False,
) -> SchoolDashboard:
    """The school's dashboard as `user` may see it: 404 outsider, 403 without the right.

    School leadership (a principal, or the platform administrator) also gets the per-teacher
    table (`teacher_rows`); the caller records the audit row when it is displayed or exported. `staff_view`
    gives leadership what the school's teachers see (small cells hidden, no per-teacher
    table), for showing to a group; `teachers` limits the figures to a team."""
    if school.kind != Organisation.Kind.SCHOOL:
        from django.http import Http404

        raise Http404
    perms = require(user, school, Perm.DASHBOARD_VIEW)
    leadership = Perm.VIEW_OBSERVATIONS in perms and not staff_view
    return _build(  # type: ignore[return-value]
        scope="school",
        organisation=school,
        school_ids=[school.pk],
        school_names={school.pk: school.name},
        round=round,
        compare_round=compare_round,
        filters=filters,
        leadership=leadership,
        teacher_ids=sorted(teachers) if teachers is not None else None,
    )


def _teacher_rows(teacher_means, rows: SummaryRows) -> list[TeacherRow]:
    """Each teacher's means per dimension (school leadership only), from the round's
    `_teacher_means` and its summary rows (for the lessons)."""
    teachers, means, _schools = teacher_means
    lessons: dict[int, int] = {}
    for teacher, n in zip(rows.teacher.tolist(), rows.lessons.tolist(), strict=True):
        lessons[teacher] = lessons.get(teacher, 0) + n
    names = dict(User.objects.filter(pk__in=teachers.tolist()).values_list("pk", "full_name"))
    out = [
        TeacherRow(
            teacher_id=int(t),
            name=names.get(int(t), ""),
            lessons=lessons.get(int(t), 0),
            means=tuple(None if np.isnan(v) else float(v) for v in means[i]),
        )
        for i, t in enumerate(teachers)
    ]
    return sorted(out, key=lambda r: r.name.lower())


def area_schools_unscoped(organisation: Organisation) -> list[Organisation]:
    """The schools an owner, network or region dashboard aggregates over."""
    if organisation.kind == Organisation.Kind.NETWORK:
        ids = NetworkMembership.objects.filter(network=organisation).values("school_id")
        return list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    return list(schools_under_unscoped(organisation))


def area_dashboard(
    *,
    user: User,
    organisation: Organisation,
    round: Round | int | None = None,
    compare_round: Round | int | None = None,
    filters: dict | None = None,
) -> AreaDashboard:
    """An owner's, network's or region's dashboard: aggregates only, small cells suppressed."""
    from django.http import Http404

    if organisation.kind == Organisation.Kind.SCHOOL:
        raise Http404
    require(user, organisation, Perm.DASHBOARD_VIEW)
    schools = area_schools_unscoped(organisation)
    return _build(  # type: ignore[return-value]
        scope=str(organisation.kind),
        organisation=organisation,
        school_ids=[s.pk for s in schools],
        school_names={s.pk: s.name for s in schools},
        round=round,
        compare_round=compare_round,
        filters=filters,
        leadership=False,
    )

"""A multi-year programme's baseline and outcome: per school and over the programme's schools,
with small groups suppressed and intervals that hold with few schools.

Pure numpy/scipy (no Django). The units are the people measured: teachers (observation
rounds: each teacher's mean step) or respondents (surveys: each respondent's index). Units
belong to schools; the schools are the independent units of the programme.

Per school (`SchoolComparison`):
- the baseline and the outcome level: the mean with its Student-t interval over all the
  school's units on that side;
- the change: the difference of the two means over all units of each side. With unit ids
  (teachers, who are observed in both rounds) a teacher's two values form one cluster, so the
  interval (CR2, Satterthwaite; `samsyn.analysis.clustered`) uses the pairing without
  restricting the figures to the teachers seen twice; without ids (anonymous survey answers)
  every unit is its own cluster (HC2 standard error, Welch's, with Satterthwaite degrees of
  freedom). Every figure rests on the whole side: no figure is over a subset (such as the
  teachers seen in both rounds) that another shown figure could be subtracted from to single
  out the teacher who left or joined.
- Suppression: a school with fewer than `min_group` units on either side (with ids: also
  fewer than `min_group` units seen on both sides, whose pairing the change's interval rests
  on) shows nothing, and its units are left out of the programme's figures too, so no figure
  can be worked out by subtracting shown ones.

Over the programme (`ProgrammeComparison`): the same quantities over the shown schools'
units, with CR2 cluster-robust standard errors and Satterthwaite degrees of freedom on the
schools (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018), so three or four schools give
the wide interval they should, not the narrow one 60 teachers would suggest. With fewer than
two shown schools there is no programme-level interval (one school is not a sample of
schools).

Across schools (`exploratory_slope`): the ordinary least-squares slope of the schools'
outcome change on their teaching change with the classical t interval on n − 2 degrees of
freedom. Exploratory only: the schools' changes are themselves estimates (measurement error in
x attenuates the slope), few schools give a very wide interval, and an association across
schools says nothing about what caused either change.

Design (what none of this can show): there is no comparison group, so a change between
baseline and outcome mixes the programme's effect with everything else that happened in
those years (cohorts, staff turnover, national reforms, regression to the mean for schools
picked for a low baseline).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from samsyn.analysis.clustered import ClusterRobust, clustered_difference, clustered_mean
from samsyn.analysis.results import AnalysisError, Estimate, t_quantile
from samsyn.analysis.strengths import mean_interval

__all__ = [
    "ProgrammeComparison",
    "SchoolComparison",
    "Slope",
    "compare_baseline_outcome",
    "exploratory_slope",
]


@dataclass(frozen=True)
class SchoolComparison:
    """One school's baseline, outcome and change. `hidden` names why nothing is shown:
    "" (shown), "too_few" (fewer than the minimum on a side) or "insufficient" (the data do
    not support an interval). `n_pairs`: the units seen on both sides (with ids)."""

    school: Any
    n_baseline: int
    n_outcome: int
    n_pairs: int | None
    baseline: Estimate | None = None
    outcome: Estimate | None = None
    change: ClusterRobust | None = None
    hidden: str = ""


@dataclass(frozen=True)
class ProgrammeComparison:
    """The programme's figures over its shown schools (CR2 on schools) and each school's."""

    schools: list[SchoolComparison]
    paired: bool
    baseline: ClusterRobust | None = None
    outcome: ClusterRobust | None = None
    change: ClusterRobust | None = None
    n_schools: int = 0  # the shown schools the programme's figures rest on
    n_hidden: int = 0
    reason: str = ""  # why the programme has no figures ("" when it has)
    n_units: int = 0  # the values behind the programme's change (both sides)


def _vector(values: Any) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    if np.isinf(x).any():
        raise AnalysisError("The values contain an infinite number.")
    return x


def _level(values: np.ndarray, confidence: float) -> Estimate | None:
    try:
        return mean_interval([float(v) for v in values], confidence=confidence)
    except AnalysisError:
        return None


def _school(
    school: Any,
    vb: np.ndarray,
    va: np.ndarray,
    ids: tuple[np.ndarray, np.ndarray] | None,
    min_group: int,
    confidence: float,
) -> SchoolComparison:
    n_pairs = None if ids is None else int(np.intersect1d(ids[0], ids[1]).size)
    base = dict(school=school, n_baseline=int(vb.size), n_outcome=int(va.size), n_pairs=n_pairs)
    # With ids, also the units on both sides: the change's interval pairs them (each one a
    # cluster of two values), so it speaks of them.
    if vb.size < min_group or va.size < min_group or (n_pairs is not None and n_pairs < min_group):
        return SchoolComparison(**base, hidden="too_few")
    try:
        change = clustered_difference(
            vb,
            va,
            clusters_before=None if ids is None else ids[0],
            clusters_after=None if ids is None else ids[1],
            confidence=confidence,
        )
    except AnalysisError:
        return SchoolComparison(**base, hidden="insufficient")
    return SchoolComparison(
        **base,
        baseline=_level(vb, confidence),
        outcome=_level(va, confidence),
        change=change,
    )


def compare_baseline_outcome(
    baseline: Sequence[float],
    outcome: Sequence[float],
    *,
    schools_baseline: Sequence[Any],
    schools_outcome: Sequence[Any],
    ids_baseline: Sequence[Any] | None = None,
    ids_outcome: Sequence[Any] | None = None,
    min_group: int,
    confidence: float = 0.95,
) -> ProgrammeComparison:
    """Baseline vs outcome per school and over the programme (module docstring).

    `baseline`/`outcome`: one value per unit; `schools_*`: each unit's school; `ids_*`: each
    unit's id where the same units are measured on both sides (teachers), else None.
    Missing values (NaN) are dropped. Schools are reported in order of first appearance.
    """
    if min_group < 1:
        raise AnalysisError("The minimum group size must be at least 1.")
    paired = ids_baseline is not None or ids_outcome is not None
    if paired and (ids_baseline is None or ids_outcome is None):
        raise AnalysisError("Give unit ids for both sides or for neither.")
    vb, va = _vector(baseline), _vector(outcome)
    sb, sa = np.asarray(schools_baseline).ravel(), np.asarray(schools_outcome).ravel()
    if sb.size != vb.size or sa.size != va.size:
        raise AnalysisError("Give one school per value on each side.")
    ib = np.asarray(ids_baseline).ravel() if paired else np.arange(vb.size)
    ia = np.asarray(ids_outcome).ravel() if paired else np.arange(va.size)
    if ib.size != vb.size or ia.size != va.size:
        raise AnalysisError("Give one id per value on each side.")
    kb, ka = ~np.isnan(vb), ~np.isnan(va)
    vb, sb, ib = vb[kb], sb[kb], ib[kb]
    va, sa, ia = va[ka], sa[ka], ia[ka]

    order = list(dict.fromkeys([*sb.tolist(), *sa.tolist()]))
    schools: list[SchoolComparison] = []
    kept_b = np.zeros(vb.size, dtype=bool)
    kept_a = np.zeros(va.size, dtype=bool)
    for school in order:
        mb, ma = sb == school, sa == school
        ids = (ib[mb], ia[ma]) if paired else None
        result = _school(school, vb[mb], va[ma], ids, min_group, confidence)
        schools.append(result)
        if result.hidden != "too_few":  # a hidden school is left out of the programme too
            kept_b |= mb
            kept_a |= ma
    n_hidden = sum(1 for s in schools if s.hidden == "too_few")
    shown = [s.school for s in schools if s.hidden != "too_few"]
    common = dict(schools=schools, paired=paired, n_schools=len(shown), n_hidden=n_hidden)
    if len(shown) < 2:
        return ProgrammeComparison(**common, reason="one_school" if shown else "no_school")
    try:
        base_level = clustered_mean(vb[kept_b], sb[kept_b], confidence=confidence)
        out_level = clustered_mean(va[kept_a], sa[kept_a], confidence=confidence)
        change = clustered_difference(
            vb[kept_b],
            va[kept_a],
            clusters_before=sb[kept_b],
            clusters_after=sa[kept_a],
            confidence=confidence,
        )
    except AnalysisError:
        return ProgrammeComparison(**common, reason="insufficient")
    return ProgrammeComparison(
        **common,
        baseline=base_level,
        outcome=out_level,
        change=change,
        n_units=int(kept_b.sum() + kept_a.sum()),
    )


@dataclass(frozen=True, slots=True)
class Slope(Estimate):
    """The OLS slope of y on x with its t interval on n − 2 degrees of freedom.

    ``n`` is the number of schools, ``df`` = n − 2, ``intercept`` the fitted value at x = 0
    and ``r`` the Pearson correlation."""

    intercept: float = math.nan
    df: int = 0
    r: float = math.nan
    p_value: float = math.nan


def exploratory_slope(x: Sequence[float], y: Sequence[float], *, confidence: float = 0.95) -> Slope:
    """The slope b of y = a + b·x by least squares, se = √(s² / Sxx) with s² = RSS / (n − 2),
    and the interval b ± t(1 − α/2, n − 2)·se (exact under normal, equal-variance errors in y
    with x fixed). Pairs with a missing value are dropped.

    Reference: Draper, N. R. & Smith, H. (1998). *Applied Regression Analysis*, 3rd ed.,
    ch. 1. Wiley.
    """
    xv, yv = _vector(x), _vector(y)
    if xv.size != yv.size:
        raise AnalysisError("x and y must have the same length.")
    keep = ~(np.isnan(xv) | np.isnan(yv))
    xv, yv = xv[keep], yv[keep]
    n = int(xv.size)
    if n < 3:
        raise AnalysisError("A slope with an interval needs at least three schools.")
    dx = xv - xv.mean()
    sxx = float(dx @ dx)
    if sxx <= 1e-12 * max(1.0, float(np.abs(xv).max()) ** 2):
        raise AnalysisError("The schools' values of x do not vary: there is no slope to fit.")
    b = float(dx @ (yv - yv.mean())) / sxx
    a = float(yv.mean() - b * xv.mean())
    resid = yv - (a + b * xv)
    df = n - 2
    s2 = float(resid @ resid) / df
    se = math.sqrt(s2 / sxx)
    dy = yv - yv.mean()
    syy = float(dy @ dy)
    r = b * math.sqrt(sxx / syy) if syy > 0 else math.nan
    if se > 0:
        from scipy.special import stdtr

        half = t_quantile(confidence, df) * se
        p = float(2 * stdtr(df, -abs(b / se)))
    else:
        half, p = 0.0, (1.0 if b == 0 else 0.0)
    return Slope(
        estimate=b,
        se=se,
        ci_low=b - half,
        ci_high=b + half,
        n=n,
        intercept=a,
        df=df,
        r=r,
        p_value=p,
    )

"""Projected reliability of one teacher's profile from a round's G study (D study per teacher).

The round's G study (``samsyn.analysis.gtheory``, design lesson:teacher × observer) gives the
variance components σ²(t), σ²(l:t), σ²(o), σ²(t×o) and the residual σ²(lo:t,e). A teacher's
profile is the mean over their n visits; visit i is one lesson seen by observer o(i), and
observer j made n_j of the visits (Σ n_j = n). The teacher is compared with colleagues seen
by other observers, so an observer's severity σ²(o) is error too, as is the observer-teacher
combination σ²(t×o). Averaging over the visits, observer j's two effects carry weight n_j/n:

    σ²(δ) = σ²(l:t)/n + (σ²(o) + σ²(t×o)) · Σ_j (n_j/n)² + σ²(lo:t,e)/n,
    Eρ² = σ²(t) / (σ²(t) + σ²(δ))                        (Brennan 2001, ch. 4 and §7.1).

With every visit by a different observer (Σ (n_j/n)² = 1/n) this is Φ of the D study with
observers nested in lessons (observers differ between teachers, so their main effect is not
common to all teachers); with one observer it keeps that observer's severity in the error,
which is why adding observers helps more than adding lessons by the same observer.

The interval is the same parametric simulation as ``gtheory.dstudy``: components drawn from
independent normal distributions with their estimates and standard errors, truncated at 0.

Reference: Brennan, R. L. (2001) Generalizability Theory. Springer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from samsyn.analysis.results import AnalysisError

__all__ = ["ProfileReliability", "Route", "profile_reliability", "route_to"]

TEACHER = "teacher"
LESSON = "lesson:teacher"
OBSERVER = "observer"
TEACHER_OBSERVER = "teacher x observer"
RESIDUALS = ("lesson x observer:teacher", "residual")


@dataclass(frozen=True)
class ProfileReliability:
    """Eρ² of one teacher's mean over their visits, with an approximate interval."""

    value: float
    low: float | None
    high: float | None
    visits: int
    observers: int
    error_variance: float
    universe_variance: float


@dataclass(frozen=True)
class Route:
    """The fewest further visits (and among them the fewest new observers) reaching a target."""

    more_visits: int
    new_observers: int
    reliability: float


def _weights(counts: Sequence[int]) -> tuple[int, float]:
    c = [int(v) for v in counts if int(v) > 0]
    if not c:
        raise AnalysisError("A profile needs at least one visit.")
    n = sum(c)
    return n, sum((v / n) ** 2 for v in c)


def _parts(components: Mapping[str, tuple[float, float | None]]) -> tuple[list[str], np.ndarray]:
    names = [TEACHER, LESSON, OBSERVER, TEACHER_OBSERVER]
    resid = [r for r in RESIDUALS if r in components]
    if TEACHER not in components or not resid:
        raise AnalysisError("The G study has no teacher or residual component.")
    names.append(resid[0])
    return names, np.array([components.get(k, (0.0, 0.0))[0] or 0.0 for k in names])


def _coef(values: np.ndarray, n: int, w2: float) -> np.ndarray:
    """values (..., 5): teacher, lesson:teacher, observer, teacher x observer, residual."""
    v = np.clip(values, 0, None)
    tau = v[..., 0]
    delta = v[..., 1] / n + (v[..., 2] + v[..., 3]) * w2 + v[..., 4] / n
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tau + delta > 0, tau / (tau + delta), np.nan)


def profile_reliability(
    components: Mapping[str, tuple[float, float | None]],
    visits_per_observer: Sequence[int],
    *,
    confidence: float = 0.95,
    draws: int = 4000,
    seed: int = 0,
) -> ProfileReliability:
    """Projected Eρ² of a teacher's profile (formula: module docstring).

    Args:
        components: G-study component name -> (estimate, standard error or None), names as in
            ``samsyn.analysis.gtheory`` ("teacher", "lesson:teacher", "observer",
            "teacher x observer", and "lesson x observer:teacher" or "residual").
        visits_per_observer: the teacher's number of visits by each distinct observer.
        confidence: level of the simulated interval.
    """
    n, w2 = _weights(visits_per_observer)
    names, point = _parts(components)
    clipped = np.clip(point, 0, None)
    value = float(_coef(point, n, w2))
    tau = float(clipped[0])
    delta = float(clipped[1] / n + (clipped[2] + clipped[3]) * w2 + clipped[4] / n)
    low = high = None
    ses = []
    for k, est in zip(names, point, strict=True):
        se = components.get(k, (0.0, 0.0))[1]
        ses.append(0.0 if se is None and est <= 1e-10 else se)
    if all(se is not None and math.isfinite(se) for se in ses):
        rng = np.random.default_rng(seed)
        sample = point + rng.standard_normal((draws, point.size)) * np.array(ses, dtype=float)
        coefs = _coef(sample, n, w2)
        coefs = coefs[np.isfinite(coefs)]
        if coefs.size:
            tail = (1 - confidence) / 2 * 100
            lo, hi = np.percentile(coefs, [tail, 100 - tail])
            low, high = float(lo), float(hi)
    return ProfileReliability(
        value=value,
        low=low,
        high=high,
        visits=n,
        observers=len([v for v in visits_per_observer if v > 0]),
        error_variance=delta,
        universe_variance=tau,
    )


def _added(counts: list[int], more: int, new: int) -> list[int]:
    """Counts after `more` visits: `new` of them by new observers (one each), the rest by the
    observers already there, always the one with the fewest visits first."""
    out = sorted(counts) + [1] * new
    out.sort()
    for _ in range(more - new):
        out[0] += 1
        out.sort()
    return out


def route_to(
    components: Mapping[str, tuple[float, float | None]],
    visits_per_observer: Sequence[int],
    target: float = 0.70,
    *,
    max_more: int = 12,
) -> Route | None:
    """The fewest further visits reaching ``target`` (fewest new observers among them); None
    when the target is met already or cannot be reached within ``max_more`` visits."""
    counts = [int(v) for v in visits_per_observer if int(v) > 0]
    _, point = _parts(components)
    if counts and _coef(point, *_weights(counts)) >= target:
        return None
    for more in range(1, max_more + 1):
        for new in range(0 if counts else 1, more + 1):
            value = float(_coef(point, *_weights(_added(counts, more, new))))
            if value >= target:
                return Route(more_visits=more, new_observers=new, reliability=value)
    return None

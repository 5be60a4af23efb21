"""Where is a strength evidenced? Means of teachers' steps per unit, with intervals, and the
units whose strength in a dimension is clear beside a unit that wants to learn it.

Pure Python + scipy (no Django). A unit is a school; a value is one teacher's typical step
in a dimension (the median of their observations), so n counts teachers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from samsyn.analysis.results import AnalysisError, Estimate, t_quantile

__all__ = ["Strength", "difference_interval", "mean_interval", "strengths_beside", "weakest"]


def mean_interval(values: list[float], *, confidence: float = 0.95) -> Estimate:
    """The mean with its Student-t confidence interval: mean ± t(1-α/2, n-1)·s/√n.

    Reference: any introductory text, e.g. Altman, D. G. et al. (2000). *Statistics with
    Confidence*, 2nd ed., ch. 4. BMJ Books.
    """
    n = len(values)
    if n < 2:
        raise AnalysisError("A mean with an interval needs at least two teachers.")
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    se = sd / math.sqrt(n)
    half = t_quantile(confidence, n - 1) * se
    return Estimate(mean, se, mean - half, mean + half, n)


def weakest(own: dict[str, Estimate], k: int = 3) -> list[str]:
    """The `k` dimensions with the lowest mean (ties by name)."""
    return [code for code, _e in sorted(own.items(), key=lambda kv: (kv[1].estimate, kv[0]))][:k]


@dataclass(frozen=True)
class Strength:
    unit_id: int
    estimate: Estimate
    difference: Estimate  # the unit's mean minus the learner's, with its interval


def difference_interval(a: Estimate, b: Estimate, *, confidence: float = 0.95) -> Estimate:
    """Welch's interval for the difference of two means, b − a:
    se = √(se_a² + se_b²), df by Welch–Satterthwaite, b − a ± t(1−α/2, df)·se.

    Reference: Welch, B. L. (1947). The generalization of "Student's" problem when several
    different population variances are involved. *Biometrika* 34, 28–35.
    """
    if a.se is None or b.se is None:
        raise AnalysisError("Both means need a standard error.")
    va, vb = a.se**2, b.se**2
    se = math.sqrt(va + vb)
    diff = b.estimate - a.estimate
    if se == 0:
        return Estimate(diff, 0.0, diff, diff, a.n + b.n)
    df = (va + vb) ** 2 / ((va**2 / (a.n - 1) if va else 0.0) + (vb**2 / (b.n - 1) if vb else 0.0))
    half = t_quantile(confidence, df) * se
    return Estimate(diff, se, diff - half, diff + half, a.n + b.n)


def strengths_beside(
    learner: Estimate, others: dict[int, Estimate], *, min_group: int, limit: int = 3
) -> list[Strength]:
    """Units whose mean is clearly above the learner's: at least `min_group` teachers, and the
    95 % interval of the difference (Welch) entirely above zero. Largest lower bound of the
    difference first, at most `limit`."""
    found = []
    for unit_id, estimate in others.items():
        if estimate.n < min_group or estimate.se is None or learner.se is None:
            continue
        difference = difference_interval(learner, estimate)
        if difference.ci_low is not None and difference.ci_low > 0:
            found.append(Strength(unit_id, estimate, difference))
    found.sort(key=lambda s: (-(s.difference.ci_low or 0.0), s.unit_id))
    return found[:limit]

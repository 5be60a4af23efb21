"""The result types shared by every method in :mod:`samsyn.analysis`.

Every public statistics function returns a frozen dataclass that carries the point estimate
*and* its uncertainty, so a page can never show a number without the n and interval behind it.
Method-specific results subclass :class:`Estimate` and add fields (all with defaults, because a
dataclass subclass cannot add required fields after defaulted ones).

Edge cases (one rater, nothing observed, mismatched lengths, ...) raise :class:`AnalysisError`
with a sentence a person can act on; functions never return NaN in place of an answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["AnalysisError", "Estimate", "wilson_interval"]


class AnalysisError(ValueError):
    """The input cannot support the requested statistic; the message says why."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its uncertainty.

    Attributes:
        estimate: the point estimate.
        se: its standard error, or ``None`` where the method has none (e.g. a bootstrap-only
            interval or a Wilson interval).
        ci_low, ci_high: the bounds of the confidence interval (95 % unless the function says
            otherwise); ``None`` only where the method defines no interval.
        n: the number of independent units behind the estimate (subjects, units, pairs,
            teachers, ... -- each function's docstring says which).
    """

    estimate: float
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Formula: with p = k/n and z the two-sided normal quantile,
    ``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``.

    Reference: Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. *Journal of the American Statistical Association*, 22, 209-212.
    """
    if n <= 0:
        raise AnalysisError("A proportion needs at least one observation (n = 0).")
    if not 0 <= successes <= n:
        raise AnalysisError(f"Successes ({successes}) must lie between 0 and n ({n}).")
    if not 0 < confidence < 1:
        raise AnalysisError(f"Confidence must lie strictly between 0 and 1, got {confidence}.")
    from scipy.stats import norm  # local: keep `import results` cheap

    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # The exact bounds at 0/n and n/n are 0 and 1; avoid floating-point dust there.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def t_quantile(confidence: float, df: float) -> float:
    """The two-sided Student-t quantile t(1 − α/2, df) for a `confidence` level.

    scipy.special's quantile: the same value as scipy.stats.t.ppf, without loading
    scipy.stats (seconds on first use) and ~60× faster per call."""
    if not 0 < confidence < 1:
        raise AnalysisError(f"Confidence must lie strictly between 0 and 1, got {confidence}.")
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.5 + confidence / 2))

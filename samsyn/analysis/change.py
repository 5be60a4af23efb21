"""Change between rounds: step shares, paired and independent change, multiple testing and
the cluster bootstrap.

The honest question behind these functions is "did teachers get better, and how sure are we?".
Ratings of one teacher (or one school) are not independent, so every bootstrap here resamples
*clusters* (teachers or schools) and never single ratings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import sparse, stats

from samsyn.analysis.results import AnalysisError, Estimate, wilson_interval

__all__ = [
    "ClusterBootstrap",
    "IndependentChange",
    "MultipleComparisons",
    "PairedChange",
    "StepDistribution",
    "StepShare",
    "cluster_bootstrap_mean",
    "independent_change",
    "multiple_comparisons",
    "paired_change",
    "resample_cluster_totals",
    "step_distribution",
]


def _vector(values: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{name} must hold numbers (NaN or None for missing): {exc}") from None
    if np.isinf(arr).any():
        raise AnalysisError(f"{name} contains an infinite value.")
    return arr


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise AnalysisError(f"confidence must lie strictly between 0 and 1, got {confidence}.")


# --------------------------------------------------------------------------- step distribution


@dataclass(frozen=True, slots=True)
class StepShare(Estimate):
    """The share of ratings at one step (``estimate``, 0-1) with a Wilson interval.

    ``n`` is the number of ratings behind the share, ``count`` how many were at ``step``.
    """

    step: float = math.nan
    count: int = 0


@dataclass(frozen=True, slots=True)
class StepDistribution:
    """Shares per step, in the order of ``steps``; ``n`` ratings (missing ones dropped)."""

    shares: tuple[StepShare, ...]
    n: int
    n_missing: int


def step_distribution(
    ratings: Any, steps: Sequence[float], *, confidence: float = 0.95
) -> StepDistribution:
    """Share of ratings at each step of a rubric, with Wilson score intervals.

    Missing ratings (NaN/None) are dropped and counted in ``n_missing``; a rating that is not
    one of ``steps`` is an error. Each share's interval treats ratings as independent, so
    give one rating per teacher (e.g. the teacher's latest) when teachers have several.

    Formula: p_s = n_s / n; Wilson interval
    (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n).

    Reference: Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. *JASA* 22, 209-212; Brown, L. D., Cai, T. T. & DasGupta, A.
    (2001). Interval estimation for a binomial proportion. *Statistical Science* 16, 101-133.
    """
    _check_confidence(confidence)
    x = _vector(ratings, "ratings")
    levels = _vector(steps, "steps")
    if levels.size == 0 or np.isnan(levels).any():
        raise AnalysisError("steps must be a non-empty list of numbers.")
    if np.unique(levels).size != levels.size:
        raise AnalysisError("steps contains a repeated value.")
    missing = np.isnan(x)
    x = x[~missing]
    if x.size == 0:
        raise AnalysisError("No ratings were given (all missing or empty).")
    unknown = ~np.isin(x, levels)
    if unknown.any():
        raise AnalysisError(
            f"Rating {x[unknown][0]:g} is not one of the steps "
            f"{', '.join(f'{s:g}' for s in levels)}."
        )
    n = int(x.size)
    shares = []
    for step in levels:
        count = int(np.count_nonzero(x == step))
        low, high = wilson_interval(count, n, confidence=confidence)
        shares.append(
            StepShare(
                estimate=count / n,
                se=None,
                ci_low=low,
                ci_high=high,
                n=n,
                step=float(step),
                count=count,
            )
        )
    return StepDistribution(shares=tuple(shares), n=n, n_missing=int(missing.sum()))


# --------------------------------------------------------------------------- cluster bootstrap

# Resamples are drawn in batches, each from its own child of the seed, so the result depends
# only on the seed -- not on how many threads drew the batches.
_BATCH_CELLS = 1_250_000


def _cluster_ids(clusters: Any, n: int) -> tuple[np.ndarray, int]:
    labels = np.asarray(clusters).ravel()
    if labels.size != n:
        raise AnalysisError(
            f"clusters must give one label per observation: got {labels.size} labels for "
            f"{n} observations."
        )
    _, ids = np.unique(labels, return_inverse=True)
    ids = ids.ravel()
    return ids, int(ids.max()) + 1 if ids.size else 0


def resample_cluster_totals(
    totals: Any, *, n_boot: int = 2000, seed: int | None = None, workers: int = 2
) -> np.ndarray:
    """Bootstrap sums of cluster totals: the vectorised core of every cluster bootstrap.

    ``totals`` is clusters × p (e.g. per teacher: sum of ratings, number of ratings). Each
    resample draws G clusters with replacement and adds up their rows; the result is
    n_boot × p. A ratio of two columns then gives the resampled mean, share or change, with
    each cluster's ratings kept together (Davison & Hinkley 1997, §3.8).

    Work is split into batches with independent child seeds (``numpy.random.SeedSequence``)
    and drawn on ``workers`` threads; the numbers depend only on ``seed``.

    References: Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their
    Application*, §3.8 (multistage sampling). Field, C. A. & Welsh, A. H. (2007).
    Bootstrapping clustered data. *JRSS B* 69, 369-390.
    """
    x = np.asarray(totals, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] == 0:
        raise AnalysisError("totals must be a non-empty clusters × values table.")
    if n_boot < 1:
        raise AnalysisError("n_boot must be at least 1.")
    g, p = x.shape
    if p == 2:
        packed = x[:, 0] + 1j * x[:, 1]  # one gather instead of two
    batch = max(1, min(n_boot, _BATCH_CELLS // g))
    starts = list(range(0, n_boot, batch))
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    out = np.empty((n_boot, p))
    index_type = np.int32 if g < 2**31 else np.int64

    def work(j: int) -> None:
        start = starts[j]
        size = min(batch, n_boot - start)
        rng = np.random.default_rng(seeds[j])
        idx = rng.integers(0, g, size=(size, g), dtype=index_type)
        if p == 2:
            z = packed[idx].sum(axis=1)
            out[start : start + size, 0] = z.real
            out[start : start + size, 1] = z.imag
        else:
            out[start : start + size] = x[idx].sum(axis=1)

    if workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, range(len(starts))))
    else:
        for j in range(len(starts)):
            work(j)
    return out


@dataclass(frozen=True, slots=True)
class ClusterBootstrap(Estimate):
    """A mean with a cluster-bootstrap percentile interval.

    ``n`` is the number of clusters (the independent units), ``n_obs`` the number of
    observations; ``se`` is the bootstrap standard deviation.
    """

    n_obs: int = 0
    n_boot: int = 0


def cluster_bootstrap_mean(
    values: Any,
    clusters: Any,
    *,
    n_boot: int = 2000,
    seed: int | None = None,
    confidence: float = 0.95,
) -> ClusterBootstrap:
    """Mean of ``values`` with a percentile bootstrap interval that resamples clusters.

    ``clusters`` labels each observation with its teacher (or school); whole clusters are
    drawn with replacement, never single ratings. Missing values are dropped.

    Formula: x̄ = Σ_g S_g / Σ_g m_g (S_g the sum and m_g the count of cluster g); each
    resample b draws G clusters g*_1..g*_G and gives x̄*_b = Σ S_{g*} / Σ m_{g*}; the
    interval is the (α/2, 1−α/2) percentiles of x̄*, the SE their standard deviation.

    Reference: Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their
    Application*, Cambridge University Press, §3.8. Efron, B. & Tibshirani, R. J. (1993).
    *An Introduction to the Bootstrap*, ch. 13 (percentile interval).
    """
    _check_confidence(confidence)
    x = _vector(values, "values")
    ids, _ = _cluster_ids(clusters, x.size)
    keep = ~np.isnan(x)
    x, ids = x[keep], ids[keep]
    if x.size == 0:
        raise AnalysisError("No values were given (all missing or empty).")
    _, ids = np.unique(ids, return_inverse=True)
    g = int(ids.max()) + 1
    if g < 2:
        raise AnalysisError("A cluster bootstrap needs at least two clusters.")
    totals = np.column_stack(
        [np.bincount(ids, weights=x, minlength=g), np.bincount(ids, minlength=g)]
    )
    boot = resample_cluster_totals(totals, n_boot=n_boot, seed=seed)
    means = boot[:, 0] / boot[:, 1]
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return ClusterBootstrap(
        estimate=float(x.mean()),
        se=float(means.std(ddof=1)) if n_boot > 1 else None,
        ci_low=float(low),
        ci_high=float(high),
        n=g,
        n_obs=int(x.size),
        n_boot=n_boot,
    )


# --------------------------------------------------------------------------- paired change


@dataclass(frozen=True, slots=True)
class PairedChange(Estimate):
    """Mean change (after − before) for the same teachers in two rounds.

    ``estimate`` is the mean change, ``se`` and the interval come from the (cluster)
    bootstrap. ``statistic`` is Wilcoxon's W = min(T+, T−) with ``p_value`` (``method`` says
    "exact" or "asymptotic"); ``rank_biserial`` the matched-pairs rank-biserial correlation
    with its bootstrap interval. ``n`` is the number of pairs, ``n_nonzero`` those that
    changed, ``n_clusters`` the resampled units.
    """

    statistic: float = math.nan
    p_value: float = math.nan
    method: str = ""
    rank_biserial: Estimate | None = None
    n_nonzero: int = 0
    n_clusters: int = 0
    n_boot: int = 0


def _signed_rank_null(doubled_ranks: np.ndarray) -> np.ndarray:
    """Exact null distribution of 2·T+ (ranks doubled so midranks are integers).

    Under H0 each non-zero difference is positive or negative with probability ½
    independently, conditionally on the (tied) ranks; the distribution of Σ s_i R_i is built
    by convolution, one rank at a time.
    """
    total = int(doubled_ranks.sum())
    dist = np.zeros(total + 1)
    dist[0] = 1.0
    reach = 0
    for r in doubled_ranks.astype(int):
        dist[r : reach + r + 1] += dist[: reach + 1].copy()
        dist[: reach + r + 1] *= 0.5
        reach += r
    return dist


def _wilcoxon(d: np.ndarray) -> tuple[float, float, float, float, str, int]:
    """(T+, T−, W, p, method, n_nonzero) with zeros dropped (Wilcoxon's zero method)."""
    nz = d[d != 0]
    m = int(nz.size)
    if m == 0:
        raise AnalysisError(
            "Every pair has the same rating before and after, so there is no change to test."
        )
    ranks = stats.rankdata(np.abs(nz))
    t_plus = float(ranks[nz > 0].sum())
    t_minus = float(ranks[nz < 0].sum())
    w = min(t_plus, t_minus)
    if m <= 50:
        dist = _signed_rank_null(np.rint(2 * ranks))
        k = round(2 * t_plus)
        p = min(1.0, 2 * min(dist[: k + 1].sum(), dist[k:].sum()))
        method = "exact"
    else:
        _, counts = np.unique(np.abs(nz), return_counts=True)
        var = m * (m + 1) * (2 * m + 1) / 24 - (counts**3 - counts).sum() / 48
        z = (t_plus - m * (m + 1) / 4) / math.sqrt(var) if var > 0 else 0.0
        p = float(2 * stats.norm.sf(abs(z)))
        method = "asymptotic"
    return t_plus, t_minus, w, float(p), method, m


def paired_change(
    before: Any,
    after: Any,
    *,
    clusters: Any | None = None,
    n_boot: int = 2000,
    seed: int | None = None,
    confidence: float = 0.95,
) -> PairedChange:
    """Change for the same teachers measured twice: mean change, Wilcoxon signed-rank test,
    matched-pairs rank-biserial correlation, with cluster-bootstrap intervals.

    ``before[i]`` and ``after[i]`` belong to the same teacher; pairs with a missing value are
    dropped. ``clusters`` (e.g. the school of each teacher) makes the bootstrap resample
    whole schools; without it, teachers are resampled.

    Formulas: d_i = after_i − before_i, mean change d̄. Wilcoxon (1945): rank |d_i| over
    non-zero d (zeros dropped, midranks for ties), T+ = Σ_{d>0} R_i, T− = Σ_{d<0} R_i,
    W = min(T+, T−). p is exact (the conditional permutation distribution of T+ given the
    tied ranks) for up to 50 non-zero differences, else normal with tie correction:
    z = (T+ − m(m+1)/4)/√(m(m+1)(2m+1)/24 − Σ(t³−t)/48), no continuity correction (as
    scipy). Rank-biserial (Kerby 2014): r = (T+ − T−)/(T+ + T−), in [−1, 1]; positive means
    most change was upward. Intervals: percentile bootstrap over clusters.

    References: Wilcoxon, F. (1945). Individual comparisons by ranking methods. *Biometrics
    Bulletin* 1, 80-83. Kerby, D. S. (2014). The simple difference formula: an approach to
    teaching nonparametric correlation. *Comprehensive Psychology* 3, 11.IT.3.1. Davison, A.
    C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*, §3.8.
    """
    _check_confidence(confidence)
    x = _vector(before, "before")
    y = _vector(after, "after")
    if x.size != y.size:
        raise AnalysisError(
            f"before and after must hold the same teachers: got {x.size} and {y.size} values."
        )
    if x.size == 0:
        raise AnalysisError("No pairs were given.")
    if clusters is not None:
        ids, _ = _cluster_ids(clusters, x.size)
    else:
        ids = np.arange(x.size)
    keep = ~(np.isnan(x) | np.isnan(y))
    if not keep.any():
        raise AnalysisError("No teacher has both a before and an after value.")
    d = (y - x)[keep]
    _, ids = np.unique(ids[keep], return_inverse=True)
    ids = ids.ravel()
    t_plus, t_minus, w, p, method, m = _wilcoxon(d)
    r = (t_plus - t_minus) / (t_plus + t_minus)
    g = int(ids.max()) + 1
    n = int(d.size)

    se = low = high = None
    rb = Estimate(estimate=r, se=None, ci_low=None, ci_high=None, n=m)
    if n_boot > 0:
        if g < 2:
            raise AnalysisError("The bootstrap needs at least two teachers (or clusters).")
        means, rbs = _paired_bootstrap(d, ids, g, n_boot, seed)
        tail = (1 - confidence) / 2
        low, high = (float(q) for q in np.quantile(means, [tail, 1 - tail]))
        se = float(means.std(ddof=1)) if n_boot > 1 else None
        rbs = rbs[np.isfinite(rbs)]
        if rbs.size >= 2:
            rlo, rhi = np.quantile(rbs, [tail, 1 - tail])
            rb = Estimate(
                estimate=r,
                se=float(rbs.std(ddof=1)),
                ci_low=float(rlo),
                ci_high=float(rhi),
                n=m,
            )
    return PairedChange(
        estimate=float(d.mean()),
        se=se,
        ci_low=low,
        ci_high=high,
        n=n,
        statistic=w,
        p_value=p,
        method=method,
        rank_biserial=rb,
        n_nonzero=m,
        n_clusters=g,
        n_boot=n_boot,
    )


def _paired_bootstrap(
    d: np.ndarray, ids: np.ndarray, g: int, n_boot: int, seed: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap mean change and rank-biserial r, resampling clusters.

    A resample is a vector of cluster multiplicities W (from ``bincount`` of the drawn
    cluster ids). The rank-biserial only depends on how many resampled differences fall in
    each |d| group with each sign, so ranks are rebuilt per resample from group counts:
    rank_j = Σ_{l<j} n_l + (n_j + 1)/2 for group j with n_j copies.
    """
    n = d.size
    nz = d != 0
    abs_vals, group = np.unique(np.abs(d), return_inverse=True)
    group = group.ravel()
    n_groups = abs_vals.size
    # Column j: positive differences in |d| group j; column n_groups + j: negative ones.
    col = np.where(d > 0, group, n_groups + group)
    onehot = sparse.csr_matrix(
        (np.ones(int(nz.sum())), (np.flatnonzero(nz), col[nz])), shape=(n, 2 * n_groups)
    )
    cluster_sums = np.bincount(ids, weights=d, minlength=g)
    cluster_sizes = np.bincount(ids, minlength=g).astype(float)
    # Ranks ignore zero differences (Wilcoxon's zero method): a zero |d| group has no columns.
    rng_root = np.random.SeedSequence(seed)
    batch = max(1, min(n_boot, _BATCH_CELLS // max(g, n)))
    starts = range(0, n_boot, batch)
    seeds = rng_root.spawn(len(starts))
    means = np.empty(n_boot)
    rbs = np.empty(n_boot)
    for j, start in enumerate(starts):
        size = min(batch, n_boot - start)
        rng = np.random.default_rng(seeds[j])
        draws = rng.integers(0, g, size=(size, g))
        draws += (np.arange(size) * g)[:, None]
        mult = np.bincount(draws.ravel(), minlength=size * g).reshape(size, g).astype(float)
        means[start : start + size] = (mult @ cluster_sums) / (mult @ cluster_sizes)
        unit_w = mult[:, ids]  # size × n: how often each pair appears in the resample
        groups = np.asarray((onehot.T @ unit_w.T).T)  # size × 2·n_groups
        pos, neg = groups[:, :n_groups], groups[:, n_groups:]
        tot = pos + neg
        rank = np.cumsum(tot, axis=1) - tot + (tot + 1) / 2
        tp = (pos * rank).sum(axis=1)
        tm = (neg * rank).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            rbs[start : start + size] = (tp - tm) / (tp + tm)
    return means, rbs


# --------------------------------------------------------------------------- independent change


@dataclass(frozen=True, slots=True)
class IndependentChange(Estimate):
    """Difference between two independent groups (after − before).

    ``estimate`` is the difference in means with Welch's standard error and t interval;
    ``u_statistic`` is Mann-Whitney's U for ``after`` with ``p_value``; ``cliffs_delta`` is
    Cliff's δ = P(after > before) − P(after < before) with Cliff's asymmetric interval.
    ``n`` is n_before + n_after.
    """

    u_statistic: float = math.nan
    p_value: float = math.nan
    method: str = ""
    cliffs_delta: Estimate | None = None
    n_before: int = 0
    n_after: int = 0


def _mwu_exact_p(u: float, n1: int, n2: int) -> float:
    """Two-sided exact p for Mann-Whitney U without ties (Mann & Whitney 1947 recursion)."""
    # counts[m][n][u]: number of orderings of m x's and n y's with U = u.
    size = n1 * n2 + 1
    table = [[np.zeros(size) for _ in range(n2 + 1)] for _ in range(n1 + 1)]
    for i in range(n1 + 1):
        for j in range(n2 + 1):
            if i == 0 or j == 0:
                table[i][j][0] = 1.0
                continue
            # The largest value is an x (adds j to U) or a y (adds nothing).
            table[i][j][j:] += table[i - 1][j][: size - j]
            table[i][j] += table[i][j - 1]
    dist = table[n1][n2] / table[n1][n2].sum()
    k = round(u)
    return float(min(1.0, 2 * min(dist[: k + 1].sum(), dist[k:].sum())))


def independent_change(before: Any, after: Any, *, confidence: float = 0.95) -> IndependentChange:
    """Change between two rounds with *different* teachers: Mann-Whitney U and Cliff's delta.

    Missing values are dropped.

    Formulas: U = Σ_{i∈after} R_i − n_a(n_a+1)/2 from midranks of the pooled sample
    (= #{after > before} + ½ #{ties}). p: exact when both groups have at most 8 values and
    there are no ties; otherwise normal with tie and continuity correction:
    z = (|U − n_a n_b/2| − ½)/√(n_a n_b/12 · (N+1 − Σ(t³−t)/(N(N−1)))) (as scipy).
    Cliff's δ = 2U/(n_a n_b) − 1, with the consistent variance of Cliff (1993)
    s² = [n_b² Σ_i (d_i. − δ)² + n_a² Σ_j (d_.j − δ)² − Σ_ij (d_ij − δ)²] /
    (n_a n_b (n_a−1)(n_b−1)), floored at (1 − δ²)/(n_a n_b − 1), and the asymmetric
    interval (δ − δ³ ± z s √((1−δ²)² + z² s²)) / (1 − δ² + z² s²). The mean difference uses
    Welch's t interval.

    References: Mann, H. B. & Whitney, D. R. (1947). On a test of whether one of two random
    variables is stochastically larger than the other. *Ann. Math. Stat.* 18, 50-60. Cliff,
    N. (1993). Dominance statistics: ordinal analyses to answer ordinal questions.
    *Psychological Bulletin* 114, 494-509. Feng, D. & Cliff, N. (2004). Monte Carlo
    evaluation of ordinal d with improved confidence interval. *Journal of Modern Applied
    Statistical Methods* 3, 322-332. Welch, B. L. (1947). The generalization of "Student's"
    problem. *Biometrika* 34, 28-35.
    """
    _check_confidence(confidence)
    xb = _vector(before, "before")
    xa = _vector(after, "after")
    xb, xa = xb[~np.isnan(xb)], xa[~np.isnan(xa)]
    nb, na = int(xb.size), int(xa.size)
    if nb == 0 or na == 0:
        raise AnalysisError(
            f"Both rounds need values: got {nb} before and {na} after (missing dropped)."
        )
    if nb < 2 or na < 2:
        raise AnalysisError("Each round needs at least two values to estimate variability.")
    z = float(stats.norm.ppf(0.5 + confidence / 2))

    # Mann-Whitney U for `after`, via midranks of the pooled sample.
    pooled = np.concatenate([xa, xb])
    ranks = stats.rankdata(pooled)
    u = float(ranks[:na].sum() - na * (na + 1) / 2)
    big_n = na + nb
    _, tie_counts = np.unique(pooled, return_counts=True)
    has_ties = bool((tie_counts > 1).any())
    if not has_ties and na <= 8 and nb <= 8:
        p = _mwu_exact_p(u, na, nb)
        method = "exact"
    else:
        tie_term = (tie_counts**3 - tie_counts).sum() / (big_n * (big_n - 1))
        var = na * nb / 12 * (big_n + 1 - tie_term)
        if var <= 0:
            raise AnalysisError("Every value is the same in both rounds; there is nothing to test.")
        zu = (abs(u - na * nb / 2) - 0.5) / math.sqrt(var)
        p = float(min(1.0, 2 * stats.norm.sf(max(zu, 0.0))))
        method = "asymptotic"

    # Cliff's delta and its variance, without building the n_a × n_b dominance matrix.
    sb = np.sort(xb)
    sa = np.sort(xa)
    less_b = np.searchsorted(sb, xa, side="left")  # before values below each after value
    leq_b = np.searchsorted(sb, xa, side="right")
    d_i = (less_b - (nb - leq_b)) / nb  # row means: after_i vs all before
    less_a = np.searchsorted(sa, xb, side="left")
    leq_a = np.searchsorted(sa, xb, side="right")
    d_j = ((na - leq_a) - less_a) / na  # column means: all after vs before_j
    delta = 2 * u / (na * nb) - 1
    ties_pairs = float((leq_b - less_b).sum())
    sum_sq = (na * nb - ties_pairs) - na * nb * delta**2  # Σ_ij (d_ij − δ)², d_ij ∈ {−1,0,1}
    s2 = (nb**2 * ((d_i - delta) ** 2).sum() + na**2 * ((d_j - delta) ** 2).sum() - sum_sq) / (
        na * nb * (na - 1) * (nb - 1)
    )
    s2 = max(float(s2), (1 - delta**2) / (na * nb - 1))
    s = math.sqrt(s2)
    centre = delta - delta**3
    spread = z * s * math.sqrt((1 - delta**2) ** 2 + z**2 * s2)
    denom = 1 - delta**2 + z**2 * s2
    if abs(delta) < 1 and denom > 0:
        c_low = max(-1.0, (centre - spread) / denom)
        c_high = min(1.0, (centre + spread) / denom)
    else:
        # Complete separation (δ = ±1, no spread in the dominance scores): Cliff's interval
        # degenerates. Read δ = 2p − 1, p the share of pairs where `after` is higher, and use
        # the Wilson interval for p = 1 (or 0) at the harmonic mean of the group sizes.
        n_h = max(1, round(2 * na * nb / (na + nb)))
        p_low, p_high = wilson_interval(n_h if delta > 0 else 0, n_h, confidence=confidence)
        c_low, c_high = 2 * p_low - 1, 2 * p_high - 1

    diff = float(xa.mean() - xb.mean())
    va, vb = xa.var(ddof=1) / na, xb.var(ddof=1) / nb
    se = math.sqrt(va + vb)
    if se > 0:
        df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
        tq = float(stats.t.ppf(0.5 + confidence / 2, df))
        low, high = diff - tq * se, diff + tq * se
    else:
        low = high = diff
    return IndependentChange(
        estimate=diff,
        se=se,
        ci_low=low,
        ci_high=high,
        n=big_n,
        u_statistic=u,
        p_value=p,
        method=method,
        cliffs_delta=Estimate(
            estimate=float(delta), se=s, ci_low=float(c_low), ci_high=float(c_high), n=big_n
        ),
        n_before=nb,
        n_after=na,
    )


# --------------------------------------------------------------------------- multiple testing


@dataclass(frozen=True, slots=True)
class MultipleComparisons:
    """Adjusted p-values (same order as given) and which hypotheses are rejected at ``alpha``."""

    p_adjusted: tuple[float, ...]
    reject: tuple[bool, ...]
    method: str
    alpha: float
    n: int


def multiple_comparisons(
    p_values: Sequence[float],
    method: Literal["holm", "fdr_bh"] = "holm",
    *,
    alpha: float = 0.05,
) -> MultipleComparisons:
    """Adjust p-values for testing several dimensions at once.

    ``holm`` controls the family-wise error rate (the chance of *any* false "improved");
    ``fdr_bh`` controls the expected share of false discoveries among the rejections.

    Formulas, with p sorted ascending p_(1) ≤ … ≤ p_(m):
    Holm (1979): p̃_(i) = min(1, max_{j≤i} (m − j + 1) p_(j)).
    Benjamini & Hochberg (1995): p̃_(i) = min(1, min_{j≥i} m p_(j) / j).
    Reject where p̃ ≤ alpha.

    References: Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics* 6, 65-70. Benjamini, Y. & Hochberg, Y. (1995).
    Controlling the false discovery rate. *JRSS B* 57, 289-300.
    """
    p = _vector(p_values, "p_values")
    if p.size == 0:
        raise AnalysisError("No p-values were given.")
    if np.isnan(p).any():
        raise AnalysisError("A p-value is missing (NaN); adjust only tests that were run.")
    if ((p < 0) | (p > 1)).any():
        raise AnalysisError("p-values must lie between 0 and 1.")
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha must lie strictly between 0 and 1, got {alpha}.")
    m = p.size
    order = np.argsort(p, kind="stable")
    ps = p[order]
    i = np.arange(1, m + 1)
    if method == "holm":
        adj = np.minimum(1.0, np.maximum.accumulate((m - i + 1) * ps))
    elif method == "fdr_bh":
        adj = np.minimum(1.0, np.minimum.accumulate((m * ps / i)[::-1])[::-1])
    else:
        raise AnalysisError(f"method must be 'holm' or 'fdr_bh', got {method!r}.")
    out = np.empty(m)
    out[order] = adj
    return MultipleComparisons(
        p_adjusted=tuple(float(v) for v in out),
        reject=tuple(bool(v) for v in out <= alpha),
        method=method,
        alpha=alpha,
        n=m,
    )

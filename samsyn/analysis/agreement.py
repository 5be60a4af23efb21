"""Agreement between observers: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's
alpha and the intraclass correlation.

All functions take plain arrays (lists, numpy arrays, pandas objects) and return frozen
dataclasses derived from :class:`~samsyn.analysis.results.Estimate`. Missing ratings are
``NaN`` (or ``None``); each function's docstring says how it treats them. Inputs that cannot
support the statistic raise :class:`~samsyn.analysis.results.AnalysisError`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats

from samsyn.analysis.results import AnalysisError, Estimate, wilson_interval

__all__ = [
    "ICCResult",
    "KappaResult",
    "KrippendorffResult",
    "PercentAgreement",
    "cohen_kappa",
    "fleiss_kappa",
    "icc",
    "krippendorff_alpha",
    "percent_agreement",
]

_Z95 = float(stats.norm.ppf(0.975))


# --------------------------------------------------------------------------- helpers


def _as_float_array(values: Any, name: str) -> np.ndarray:
    """Convert to a float array, turning ``None`` into NaN; a clear error for text."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(
            f"{name} must hold numbers (use NaN or None for a missing rating): {exc}"
        ) from None
    if np.isinf(arr).any():
        raise AnalysisError(f"{name} contains an infinite value.")
    return arr


def _paired(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two equally long 1-D rating vectors with incomplete pairs dropped."""
    x = _as_float_array(a, "a").ravel()
    y = _as_float_array(b, "b").ravel()
    if x.size != y.size:
        raise AnalysisError(
            f"The two raters must rate the same units: got {x.size} and {y.size} ratings."
        )
    if x.size == 0:
        raise AnalysisError("No ratings were given.")
    keep = ~(np.isnan(x) | np.isnan(y))
    if not keep.any():
        raise AnalysisError("No unit was rated by both raters (all pairs have a missing rating).")
    return x[keep], y[keep]


def _normal_ci(estimate: float, se: float) -> tuple[float, float]:
    return estimate - _Z95 * se, estimate + _Z95 * se


# --------------------------------------------------------------------------- percent agreement


@dataclass(frozen=True, slots=True)
class PercentAgreement(Estimate):
    """Share of units on which the raters agree (``estimate`` is a proportion, 0-1).

    ``n`` is the number of units rated by every rater; ``agreements`` how many of them agree
    within ``tolerance``.
    """

    agreements: int = 0
    tolerance: float = 0


def percent_agreement(
    a: Any, b: Any | None = None, *, tolerance: float = 0, confidence: float = 0.95
) -> PercentAgreement:
    """Exact (``tolerance=0``) or adjacent (``tolerance=1``) agreement with a Wilson interval.

    Two forms: ``percent_agreement(a, b)`` for two raters' vectors, or
    ``percent_agreement(matrix)`` for a units × raters matrix, where a unit counts as agreeing
    when *all* its raters lie within ``tolerance`` of each other (max − min ≤ tolerance), as
    in R ``irr::agree``. Units with any missing rating are dropped.

    Formula: p = (1/n) Σ_u 1[max_r x_ur − min_r x_ur ≤ tolerance]; the interval is Wilson's
    score interval for a binomial proportion (units are assumed independent).

    References: Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. *JASA* 22, 209-212. Gamer, M. et al. (2019). *irr: Various
    coefficients of interrater reliability and agreement* (``agree``).
    """
    if tolerance < 0:
        raise AnalysisError(f"Tolerance must be zero or positive, got {tolerance}.")
    if b is not None:
        x, y = _paired(a, b)
        spread = np.abs(x - y)
    else:
        m = _as_float_array(a, "ratings")
        if m.ndim != 2:
            raise AnalysisError("Give two rating vectors, or one units × raters matrix.")
        if m.shape[1] < 2:
            raise AnalysisError("Agreement needs at least two raters (columns).")
        m = m[~np.isnan(m).any(axis=1)]
        if m.shape[0] == 0:
            raise AnalysisError("No unit was rated by every rater.")
        spread = m.max(axis=1) - m.min(axis=1)
    n = int(spread.size)
    # A small epsilon so that 0.1 + 0.2 style float noise does not break "within tolerance".
    hits = int(np.count_nonzero(spread <= tolerance + 1e-9))
    low, high = wilson_interval(hits, n, confidence=confidence)
    return PercentAgreement(
        estimate=hits / n,
        se=None,
        ci_low=low,
        ci_high=high,
        n=n,
        agreements=hits,
        tolerance=tolerance,
    )


# --------------------------------------------------------------------------- Cohen's kappa


@dataclass(frozen=True, slots=True)
class KappaResult(Estimate):
    """A kappa coefficient.

    ``se`` is the large-sample standard error of kappa (not under the null), used for the
    interval ``estimate ± 1.96·se``; ``se_h0``, ``z`` and ``p_value`` test kappa = 0.
    ``n`` is the number of subjects (pairs for Cohen's kappa). ``observed``/``expected`` are
    the (weighted) observed and chance agreement.
    """

    se_h0: float | None = None
    z: float | None = None
    p_value: float | None = None
    observed: float = math.nan
    expected: float = math.nan
    categories: tuple[float, ...] = ()
    weights: str | None = None


def _weight_matrix(k: int, weights: str | None) -> np.ndarray:
    i = np.arange(k)
    if weights is None:
        return np.eye(k)
    if k < 2:
        raise AnalysisError("Weighted kappa needs at least two categories.")
    dist = np.abs(i[:, None] - i[None, :]) / (k - 1)
    if weights == "linear":
        return 1.0 - dist
    if weights == "quadratic":
        return 1.0 - dist**2
    raise AnalysisError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}.")


def _codes(values: np.ndarray, categories: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(categories, values)
    idx_clip = np.minimum(idx, categories.size - 1)
    bad = categories[idx_clip] != values
    if bad.any():
        raise AnalysisError(
            f"Rating {values[bad][0]:g} is not one of the categories "
            f"{', '.join(f'{c:g}' for c in categories)}."
        )
    return idx_clip


def cohen_kappa(
    a: Any,
    b: Any,
    *,
    weights: Literal["linear", "quadratic"] | None = None,
    categories: Sequence[float] | None = None,
) -> KappaResult:
    """Cohen's kappa (unweighted, linear or quadratic weights) for two raters.

    Pairs with a missing rating are dropped. ``categories`` is the ordered scale (e.g. the
    framework's steps ``[1, 2, 3, 4]``); weights are defined over that *full* scale by
    category position, so an unused step still counts in the distances. Without
    ``categories`` the scale is the sorted set of values either rater used (R ``irr::kappa2``
    and ``psych::cohen.kappa`` behave that way).

    Formula: with cell proportions p_ij, margins p_i., p_.j and agreement weights
    w_ij = 1 − |i−j|/(k−1) (linear), 1 − (i−j)²/(k−1)² (quadratic) or 1[i=j] (none):
    p_o = Σ w_ij p_ij, p_e = Σ w_ij p_i. p_.j, κ = (p_o − p_e)/(1 − p_e).
    Large-sample variance (Fleiss, Cohen & Everitt 1969), with w̄_i. = Σ_j p_.j w_ij and
    w̄_.j = Σ_i p_i. w_ij:
    Var κ = [Σ p_ij (w_ij(1−p_e) − (w̄_i. + w̄_.j)(1−p_o))² − (p_o p_e − 2p_e + p_o)²]
    / (n (1−p_e)⁴); under H0: Var0 κ = [Σ p_i. p_.j (w_ij − (w̄_i. + w̄_.j))² − p_e²]
    / (n (1−p_e)²). The interval is κ ± 1.96·√Var κ, clipped to [−1, 1] (as R
    ``psych::cohen.kappa``).

    References: Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational
    and Psychological Measurement* 20, 37-46. Cohen, J. (1968). Weighted kappa. *Psychological
    Bulletin* 70, 213-220. Fleiss, J. L., Cohen, J. & Everitt, B. S. (1969). Large sample
    standard errors of kappa and weighted kappa. *Psychological Bulletin* 72, 323-327.
    """
    x, y = _paired(a, b)
    if categories is None:
        cats = np.unique(np.concatenate([x, y]))
    else:
        cats = _as_float_array(categories, "categories").ravel()
        if cats.size == 0 or np.isnan(cats).any():
            raise AnalysisError("categories must be a non-empty list of numbers.")
        if np.unique(cats).size != cats.size:
            raise AnalysisError("categories contains a repeated value.")
        if (np.diff(cats) < 0).any():
            raise AnalysisError("categories must be in ascending order (the scale's order).")
    k = int(cats.size)
    w = _weight_matrix(k, weights)
    table = np.bincount(_codes(x, cats) * k + _codes(y, cats), minlength=k * k).reshape(k, k)
    return _kappa_from_table(table, w, cats, weights)


def _kappa_from_table(
    table: np.ndarray, w: np.ndarray, cats: np.ndarray, weights: str | None
) -> KappaResult:
    n = int(table.sum())
    p = table / n
    row = p.sum(axis=1)
    col = p.sum(axis=0)
    po = float((w * p).sum())
    pe = float(row @ w @ col)
    if 1.0 - pe < 1e-12:
        raise AnalysisError(
            "Kappa is undefined: both raters used a single category for every unit, so chance "
            "agreement is 100 %. Report percent agreement instead."
        )
    kappa = (po - pe) / (1.0 - pe)
    wi = w @ col  # w̄_i. : weighted mean over columns for row category i
    wj = row @ w  # w̄_.j
    spread = wi[:, None] + wj[None, :]
    var = ((p * (w * (1 - pe) - spread * (1 - po)) ** 2).sum() - (po * pe - 2 * pe + po) ** 2) / (
        n * (1 - pe) ** 4
    )
    var0 = ((np.outer(row, col) * (w - spread) ** 2).sum() - pe**2) / (n * (1 - pe) ** 2)
    se = math.sqrt(max(float(var), 0.0))
    se0 = math.sqrt(max(float(var0), 0.0))
    low, high = _normal_ci(kappa, se)
    # Kappa cannot leave [-1, 1]; like psych::cohen.kappa, clip the normal interval.
    low, high = max(-1.0, low), min(1.0, high)
    z = kappa / se0 if se0 > 0 else None
    pval = float(2 * stats.norm.sf(abs(z))) if z is not None else None
    return KappaResult(
        estimate=float(kappa),
        se=se,
        ci_low=low,
        ci_high=high,
        n=n,
        se_h0=se0,
        z=z,
        p_value=pval,
        observed=po,
        expected=pe,
        categories=tuple(float(c) for c in cats),
        weights=weights,
    )


# --------------------------------------------------------------------------- Fleiss' kappa


def fleiss_kappa(counts: Any) -> KappaResult:
    """Fleiss' kappa for many raters, from a subjects × categories table of counts.

    Row i holds how many of the n raters put subject i in each category; every subject must
    have the same number of ratings n ≥ 2.

    Formula (Fleiss 1971): p_j = Σ_i n_ij / (N n), P_i = (Σ_j n_ij² − n) / (n(n−1)),
    P̄ = mean P_i, P̄_e = Σ p_j², κ = (P̄ − P̄_e)/(1 − P̄_e). The test of κ = 0 uses the
    null standard error of Fleiss, Nee & Landis (1979):
    se0 = √2 / (Σ p_j q_j √(N n(n−1))) · √((Σ p_j q_j)² − Σ p_j q_j (q_j − p_j)), q_j = 1 − p_j.
    ``se`` and the interval come from the jackknife over subjects (Efron 1982), because the
    null standard error is not valid for an interval when κ ≠ 0.

    References: Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    *Psychological Bulletin* 76, 378-382. Fleiss, J. L., Nee, J. C. M. & Landis, J. R. (1979).
    Large sample variance of kappa in the case of different sets of raters. *Psychological
    Bulletin* 86, 974-977. Efron, B. (1982). *The Jackknife, the Bootstrap and Other
    Resampling Plans*. SIAM.
    """
    t = _as_float_array(counts, "counts")
    if t.ndim != 2 or t.size == 0:
        raise AnalysisError("counts must be a non-empty subjects × categories table.")
    if np.isnan(t).any():
        raise AnalysisError("counts must not contain missing values.")
    if (t < 0).any() or (t != np.round(t)).any():
        raise AnalysisError("counts must be non-negative whole numbers.")
    big_n, k = t.shape
    per_subject = t.sum(axis=1)
    nr = per_subject[0]
    if (per_subject != nr).any():
        raise AnalysisError(
            "Fleiss' kappa needs the same number of ratings for every subject; got between "
            f"{per_subject.min():g} and {per_subject.max():g}. Use krippendorff_alpha for "
            "unequal numbers of raters."
        )
    if nr < 2:
        raise AnalysisError("Fleiss' kappa needs at least two raters per subject.")
    if big_n < 2:
        raise AnalysisError("Fleiss' kappa needs at least two subjects.")
    p = t.sum(axis=0) / (big_n * nr)
    pi = ((t * t).sum(axis=1) - nr) / (nr * (nr - 1))
    pbar = float(pi.mean())
    pe = float((p * p).sum())
    if 1.0 - pe < 1e-12:
        raise AnalysisError(
            "Fleiss' kappa is undefined: every rating fell in one category, so chance "
            "agreement is 100 %."
        )
    kappa = (pbar - pe) / (1 - pe)
    pq = p * (1 - p)
    spq = float(pq.sum())
    se0 = math.sqrt(2) / (spq * math.sqrt(big_n * nr * (nr - 1)))
    se0 *= math.sqrt(max(spq**2 - float((pq * (1 - 2 * p)).sum()), 0.0))
    z = kappa / se0 if se0 > 0 else None
    # Jackknife: leave each subject out; all quantities are sums, so this is vectorised.
    col_tot = t.sum(axis=0)
    p_loo = (col_tot[None, :] - t) / ((big_n - 1) * nr)
    pe_loo = (p_loo * p_loo).sum(axis=1)
    pbar_loo = (pi.sum() - pi) / (big_n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        k_loo = (pbar_loo - pe_loo) / (1 - pe_loo)
    k_loo = k_loo[np.isfinite(k_loo)]
    if k_loo.size >= 2:
        se = math.sqrt((k_loo.size - 1) / k_loo.size * float(((k_loo - k_loo.mean()) ** 2).sum()))
        low, high = _normal_ci(kappa, se)
    else:
        se, low, high = None, None, None
    return KappaResult(
        estimate=float(kappa),
        se=se,
        ci_low=low,
        ci_high=high,
        n=int(big_n),
        se_h0=se0,
        z=z,
        p_value=float(2 * stats.norm.sf(abs(z))) if z is not None else None,
        observed=pbar,
        expected=pe,
        categories=tuple(float(c) for c in range(k)),
        weights=None,
    )


# --------------------------------------------------------------------------- Krippendorff


@dataclass(frozen=True, slots=True)
class KrippendorffResult(Estimate):
    """Krippendorff's alpha.

    ``n`` is the number of pairable units (units with at least two ratings), ``n_values`` the
    number of pairable values (n.. in Krippendorff's notation). The interval is a percentile
    bootstrap over units (``n_boot`` resamples, of which ``n_boot_valid`` gave a defined
    alpha); ``se`` is the bootstrap standard deviation. Both are ``None`` when
    ``n_boot=0``.
    """

    level: str = "nominal"
    n_values: int = 0
    observed_disagreement: float = math.nan
    expected_disagreement: float = math.nan
    n_boot: int = 0
    n_boot_valid: int = 0


_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _codes_and_domain(data: np.ndarray, missing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (raters × units, ``len(domain)`` for missing) and the sorted value domain."""
    flat = data.ravel()
    lo = float(np.fmin.reduce(flat))
    hi = float(np.fmax.reduce(flat))
    if hi - lo < 32_000:
        # Fast path for whole-number scales (rubric steps): codes are offsets, no sort needed.
        width = int(hi - lo) + 1
        shifted = data - lo
        shifted[missing] = width
        codes = shifted.astype(np.int32)
        if np.array_equal(codes, shifted):
            return codes, lo + np.arange(width, dtype=float)
    domain, inverse = np.unique(flat[~missing.ravel()], return_inverse=True)
    codes = np.full(data.shape, domain.size, dtype=np.int32)
    codes[~missing] = inverse.ravel()
    return codes, domain


def _rating_patterns(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct units as (value counts per pattern, how many units have it, value domain).

    A unit's contribution to the coincidence matrix depends only on how many times each
    value occurs in it, so units are collapsed to their distinct count patterns. With few
    raters and a short scale a pattern is a base-(V+1) number of the rating codes, and one
    ``bincount`` finds them all; otherwise the units' count rows are de-duplicated.
    """
    missing = np.isnan(data)
    if missing.all():
        raise AnalysisError("All ratings are missing.")
    codes, domain = _codes_and_domain(data, missing)
    n_raters, n_units = data.shape
    v = domain.size
    base = v + 1
    if base**n_raters <= (1 << 20):
        key = codes[0].astype(np.int64)
        for r in range(1, n_raters):
            key *= base
            key += codes[r]
        freq = np.bincount(key, minlength=base**n_raters)
        keys = np.flatnonzero(freq)
        digits = (keys[:, None] // base ** np.arange(n_raters - 1, -1, -1)[None, :]) % base
        counts = np.zeros((keys.size, base))
        np.add.at(counts, (np.repeat(np.arange(keys.size), n_raters), digits.ravel()), 1.0)
        return counts[:, :v], freq[keys].astype(float), domain
    flat = codes.astype(np.int64) + (np.arange(n_units, dtype=np.int64) * base)[None, :]
    unit_counts = np.bincount(flat.ravel(), minlength=n_units * base).reshape(n_units, base)
    patterns, freq = np.unique(unit_counts[:, :v], axis=0, return_counts=True)
    return patterns.astype(float), freq.astype(float), domain


def _distance(level: str, domain: np.ndarray, n_v: np.ndarray) -> np.ndarray:
    if level == "nominal":
        return 1.0 - np.eye(domain.size)
    if level == "ordinal":
        # δ_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², values ranked by the domain order.
        cum = np.concatenate([[0.0], np.cumsum(n_v)])
        i = np.arange(domain.size)
        lo = np.minimum(i[:, None], i[None, :])
        hi = np.maximum(i[:, None], i[None, :])
        between = cum[hi + 1] - cum[lo]
        return (between - (n_v[:, None] + n_v[None, :]) / 2) ** 2
    if level == "interval":
        return (domain[:, None] - domain[None, :]) ** 2
    # ratio
    s = domain[:, None] + domain[None, :]
    d = domain[:, None] - domain[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(s != 0, d / np.where(s != 0, s, 1), 0.0)
    return out**2


def _alpha_from_coincidences(o: np.ndarray, level: str, domain: np.ndarray) -> np.ndarray:
    """Alpha for one (V×V) or a stack (B×V×V) of coincidence matrices; NaN where undefined."""
    n_v = o.sum(axis=-1)
    n_tot = n_v.sum(axis=-1)
    if o.ndim == 2:
        delta = _distance(level, domain, n_v)
        d_o = (o * delta).sum()
        d_e = (np.outer(n_v, n_v) * delta).sum() / (n_tot - 1)
    elif level == "ordinal":
        cum = np.concatenate([np.zeros((o.shape[0], 1)), np.cumsum(n_v, axis=1)], axis=1)
        i = np.arange(domain.size)
        lo = np.minimum(i[:, None], i[None, :])
        hi = np.maximum(i[:, None], i[None, :])
        between = cum[:, hi + 1] - cum[:, lo]
        delta = (between - (n_v[:, :, None] + n_v[:, None, :]) / 2) ** 2
        d_o = (o * delta).sum(axis=(1, 2))
        d_e = np.einsum("bi,bj,bij->b", n_v, n_v, delta) / (n_tot - 1)
    else:
        delta = _distance(level, domain, n_v[0])
        d_o = (o * delta).sum(axis=(1, 2))
        d_e = np.einsum("bi,bj,ij->b", n_v, n_v, delta) / (n_tot - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d_e > 0, 1.0 - d_o / np.where(d_e > 0, d_e, 1.0), np.nan)


def krippendorff_alpha(
    data: Any,
    *,
    level: Literal["nominal", "ordinal", "interval", "ratio"] = "nominal",
    n_boot: int = 1000,
    seed: int | None = None,
    confidence: float = 0.95,
) -> KrippendorffResult:
    """Krippendorff's alpha for any number of raters, missing ratings and four metrics.

    ``data`` is raters × units (the layout of Krippendorff's papers and of PyPI
    ``krippendorff``), NaN/None for a missing rating. Units with fewer than two ratings are
    not pairable and are ignored.

    Formula (Krippendorff 2011): with n_uc the number of ratings c in unit u and m_u the
    ratings in u, the coincidence matrix is o_ck = Σ_u (n_uc n_uk − 1[c=k] n_uc)/(m_u − 1);
    n_c = Σ_k o_ck, n = Σ_c n_c; α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, with
    δ² = 1[c≠k] (nominal), (Σ_{g=c..k} n_g − (n_c+n_k)/2)² (ordinal), (c−k)² (interval),
    ((c−k)/(c+k))² (ratio). The coincidence matrix is one matrix product, so 100,000 units
    take milliseconds.

    The interval is a percentile bootstrap that resamples *units* (lessons) with replacement,
    keeping each unit's ratings together. Units with the same rating pattern are
    exchangeable, so a resample is drawn as multinomial counts over the distinct patterns,
    which is exact and fast. (Krippendorff's own macro resamples pairs of values; unit
    resampling respects that ratings of one lesson are not independent.)

    References: Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
    Annenberg School for Communication, University of Pennsylvania. Krippendorff, K. (2004).
    *Content Analysis: An Introduction to Its Methodology* (2nd ed.), ch. 11. Hayes, A. F. &
    Krippendorff, K. (2007). Answering the call for a standard reliability measure for coding
    data. *Communication Methods and Measures* 1, 77-89.
    """
    if level not in _LEVELS:
        raise AnalysisError(f"level must be one of {', '.join(_LEVELS)}; got {level!r}.")
    if n_boot < 0:
        raise AnalysisError("n_boot must be zero or positive.")
    m = _as_float_array(data, "data")
    if m.ndim != 2 or m.size == 0:
        raise AnalysisError("data must be a non-empty raters × units table.")
    if m.shape[0] < 2:
        raise AnalysisError("Krippendorff's alpha needs at least two raters (rows).")
    if level == "ratio" and (m[~np.isnan(m)] < 0).any():
        raise AnalysisError("The ratio metric needs non-negative values.")
    counts, freq, domain = _rating_patterns(m)
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    if not pairable.any():
        raise AnalysisError(
            "No unit was rated by two or more raters, so there is nothing to compare."
        )
    counts, freq, per_unit = counts[pairable], freq[pairable], per_unit[pairable]
    # A unit's contribution to the coincidence matrix is (n_u n_uᵀ − diag(n_u)) / (m_u − 1).
    v = domain.size
    scaled = counts / (per_unit - 1)[:, None]
    contrib = counts[:, :, None] * scaled[:, None, :]
    diag = np.arange(v)
    contrib[:, diag, diag] -= scaled
    contrib = contrib.reshape(len(counts), v * v)
    o = (freq @ contrib).reshape(v, v)
    n_v = o.sum(axis=1)
    if np.count_nonzero(n_v > 1e-12) < 2:
        raise AnalysisError(
            "Alpha is undefined: every pairable rating has the same value, so there is no "
            "variation to agree about."
        )
    alpha = float(_alpha_from_coincidences(o, level, domain))
    delta = _distance(level, domain, n_v)
    n_tot = float(n_v.sum())
    d_o = float((o * delta).sum() / n_tot)
    d_e = float((np.outer(n_v, n_v) * delta).sum() / (n_tot * (n_tot - 1)))
    if not math.isfinite(alpha) or d_e <= 0:
        raise AnalysisError("Alpha is undefined: the expected disagreement is zero.")

    se = low = high = None
    valid = 0
    if n_boot > 0:
        boots = _bootstrap_alpha(contrib, freq, level, domain, n_boot, seed)
        boots = boots[np.isfinite(boots)]
        valid = int(boots.size)
        if valid >= 2:
            tail = (1 - confidence) / 2
            low, high = (float(q) for q in np.quantile(boots, [tail, 1 - tail]))
            se = float(boots.std(ddof=1))
    return KrippendorffResult(
        estimate=alpha,
        se=se,
        ci_low=low,
        ci_high=high,
        n=round(float(freq.sum())),
        level=level,
        n_values=round(n_tot),
        observed_disagreement=d_o,
        expected_disagreement=d_e,
        n_boot=n_boot,
        n_boot_valid=valid,
    )


def _bootstrap_alpha(
    contrib: np.ndarray,
    freq: np.ndarray,
    level: str,
    domain: np.ndarray,
    n_boot: int,
    seed: int | None,
) -> np.ndarray:
    """Alpha on ``n_boot`` resamples of units, drawn as multinomial counts over patterns.

    Resampling N units with replacement and counting how many carry each distinct pattern
    gives exactly Multinomial(N, freq/N), so the draw costs O(patterns), not O(units).
    """
    rng = np.random.default_rng(seed)
    v = domain.size
    n_units = round(float(freq.sum()))
    prob = freq / freq.sum()
    out = np.empty(n_boot)
    batch = max(1, min(n_boot, 2_000_000 // max(len(freq), 1)))
    for start in range(0, n_boot, batch):
        size = min(batch, n_boot - start)
        draws = rng.multinomial(n_units, prob, size=size).astype(float)
        o_b = (draws @ contrib).reshape(size, v, v)
        out[start : start + size] = _alpha_from_coincidences(o_b, level, domain)
    return out


# --------------------------------------------------------------------------- ICC


@dataclass(frozen=True, slots=True)
class ICCResult(Estimate):
    """An intraclass correlation with its F-test.

    ``n`` is the number of subjects, ``raters`` the number of raters (columns). ``f``,
    ``df1``, ``df2`` and ``p_value`` test ICC = 0. ``label`` is the Shrout & Fleiss name
    (ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k). ``se`` is None: the interval comes from the F
    distribution.
    """

    raters: int = 0
    model: str = ""
    type: str = ""
    unit: str = ""
    label: str = ""
    f: float = math.nan
    df1: float = math.nan
    df2: float = math.nan
    p_value: float = math.nan
    ms_subjects: float = math.nan
    ms_within: float = math.nan
    ms_raters: float = math.nan
    ms_error: float = math.nan


def icc(
    ratings: Any,
    *,
    model: Literal["oneway", "twoway"] = "twoway",
    type: Literal["consistency", "agreement"] = "agreement",
    unit: Literal["single", "average"] = "single",
    confidence: float = 0.95,
) -> ICCResult:
    """Intraclass correlation (McGraw & Wong 1996 / Shrout & Fleiss 1979) with F-test and CI.

    ``ratings`` is subjects × raters and must be complete (drop subjects with a missing
    rating first, or use :func:`krippendorff_alpha`, which handles missing ratings).
    ``model="oneway"`` (each subject rated by different raters) only has
    ``type="agreement"``.

    Formula: from the two-way ANOVA mean squares MSR (subjects), MSW (within subjects),
    MSC (raters), MSE (residual), with n subjects and k raters:
    ICC1 = (MSR−MSW)/(MSR+(k−1)MSW); ICC(A,1) = ICC2 = (MSR−MSE)/(MSR+(k−1)MSE+k(MSC−MSE)/n);
    ICC(C,1) = ICC3 = (MSR−MSE)/(MSR+(k−1)MSE); average-measure forms ICC1k = (MSR−MSW)/MSR,
    ICC2k = (MSR−MSE)/(MSR+(MSC−MSE)/n), ICC3k = (MSR−MSE)/MSR.
    F = MSR/MSW (df n−1, n(k−1)) for the one-way model, F = MSR/MSE (df n−1, (n−1)(k−1))
    for the two-way models. Intervals exactly as R ``psych::ICC``: exact F-based limits for
    ICC1/ICC3 (and 1 − 1/F limits for their k forms); Satterthwaite's approximate df for
    ICC2, and the Spearman-Brown transform of ICC2's limits for ICC2k (``irr::icc`` uses
    McGraw & Wong's own ICC(A,k) limits instead, which differ slightly).

    References: Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in
    assessing rater reliability. *Psychological Bulletin* 86, 420-428. McGraw, K. O. & Wong,
    S. P. (1996). Forming inferences about some intraclass correlation coefficients.
    *Psychological Methods* 1, 30-46. Revelle, W. (2024). *psych* (``ICC``).
    """
    if model not in ("oneway", "twoway"):
        raise AnalysisError(f"model must be 'oneway' or 'twoway', got {model!r}.")
    if type not in ("consistency", "agreement"):
        raise AnalysisError(f"type must be 'consistency' or 'agreement', got {type!r}.")
    if unit not in ("single", "average"):
        raise AnalysisError(f"unit must be 'single' or 'average', got {unit!r}.")
    if model == "oneway" and type == "consistency":
        raise AnalysisError(
            "A one-way model has no rater effect to remove, so only type='agreement' is defined."
        )
    x = _as_float_array(ratings, "ratings")
    if x.ndim != 2 or x.size == 0:
        raise AnalysisError("ratings must be a non-empty subjects × raters table.")
    n, k = x.shape
    if k < 2:
        raise AnalysisError("The ICC needs at least two raters (columns).")
    if n < 2:
        raise AnalysisError("The ICC needs at least two subjects (rows).")
    if np.isnan(x).any():
        raise AnalysisError(
            "The ICC needs every subject rated by every rater; drop subjects with a missing "
            "rating, or use krippendorff_alpha, which handles missing ratings."
        )
    grand = x.mean()
    row_means = x.mean(axis=1)
    col_means = x.mean(axis=0)
    ss_total = float(((x - grand) ** 2).sum())
    ss_rows = float(k * ((row_means - grand) ** 2).sum())
    ss_cols = float(n * ((col_means - grand) ** 2).sum())
    ss_err = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msw = (ss_total - ss_rows) / (n * (k - 1))
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    if ss_total <= 0:
        raise AnalysisError("The ICC is undefined: every rating is the same value.")
    if msr <= 0:
        raise AnalysisError("The ICC is undefined: all subjects have the same mean rating.")
    alpha = 1 - confidence
    upper = 1 - alpha / 2

    if model == "oneway":
        if msw <= 0:
            raise AnalysisError("The ICC is undefined: there is no variation within subjects.")
        f = msr / msw
        df1, df2 = n - 1, n * (k - 1)
        fl = f / stats.f.ppf(upper, df1, df2)
        fu = f * stats.f.ppf(upper, df2, df1)
        if unit == "single":
            label = "ICC1"
            est = (msr - msw) / (msr + (k - 1) * msw)
            low, high = (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)
        else:
            label = "ICC1k"
            est = (msr - msw) / msr
            low, high = 1 - 1 / fl, 1 - 1 / fu
    else:
        if mse <= 0:
            raise AnalysisError(
                "The ICC is undefined: the residual variance is zero (raters differ only by a "
                "constant shift)."
            )
        f = msr / mse
        df1, df2 = n - 1, (n - 1) * (k - 1)
        if type == "consistency":
            fl = f / stats.f.ppf(upper, df1, df2)
            fu = f * stats.f.ppf(upper, df2, df1)
            if unit == "single":
                label = "ICC3"
                est = (msr - mse) / (msr + (k - 1) * mse)
                low, high = (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)
            else:
                label = "ICC3k"
                est = (msr - mse) / msr
                low, high = 1 - 1 / fl, 1 - 1 / fu
        else:
            icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
            fj = msc / mse
            vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
            vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
            v = vn / vd
            f3u = stats.f.ppf(upper, n - 1, v)
            f3l = stats.f.ppf(upper, v, n - 1)
            denom_tail = k * msc + (k * n - k - n) * mse
            low = n * (msr - f3u * mse) / (f3u * denom_tail + n * msr)
            high = n * (f3l * msr - mse) / (denom_tail + n * f3l * msr)
            if unit == "single":
                label = "ICC2"
                est = icc2
            else:
                label = "ICC2k"
                est = (msr - mse) / (msr + (msc - mse) / n)
                low = low * k / (1 + low * (k - 1))
                high = high * k / (1 + high * (k - 1))
    p_value = float(stats.f.sf(f, df1, df2))
    return ICCResult(
        estimate=float(est),
        se=None,
        ci_low=float(low),
        ci_high=float(high),
        n=int(n),
        raters=int(k),
        model=model,
        type=type,
        unit=unit,
        label=label,
        f=float(f),
        df1=float(df1),
        df2=float(df2),
        p_value=p_value,
        ms_subjects=msr,
        ms_within=msw,
        ms_raters=msc,
        ms_error=mse,
    )

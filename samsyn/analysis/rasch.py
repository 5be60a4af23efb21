"""The partial credit Rasch model (PCM) for a teaching-quality scale.

Model (Masters 1982). A person n (a lesson, or a teacher) with measure θ_n is rated on
dimension i in steps x = 0 … K_i with probability

    P(X_ni = x | θ_n) = exp(x·θ_n + β_ix) / Σ_{y=0}^{K_i} exp(y·θ_n + β_iy),   β_i0 = 0,

where β_ix = -(δ_i1 + … + δ_ix) is eRm's "easiness" (``betapar``) parameterisation and δ_ik,
the *threshold* of step k, is the measure at which steps k-1 and k are equally likely
(what ``eRm::thresholds()`` reports). ``result.thresholds[i][k]`` (0-based k) is δ_i,k+1: where
step k and step k+1 are equally likely.

Estimation.
* Item-step parameters by conditional maximum likelihood (CML; Andersen 1973, Glas & Verhelst
  1995). A person's raw score over the dimensions they were rated on is sufficient for θ, so
  the likelihood conditional on it is free of θ. All persons with the same pattern of rated
  dimensions and the same raw score contribute identically, so the whole estimation runs on
  the table of (rated-dimension pattern, raw score) counts plus the item x category counts —
  never on single ratings. Conditional probabilities use elementary symmetric functions
  computed with the summation algorithm (Verhelst, Glas & van der Sluis 1984), the gradient
  is analytic (observed - conditionally expected category counts), the Hessian is minus the
  conditional covariance of the category indicators (second-order symmetric functions), and
  Newton-Raphson with step halving maximises the conditional log-likelihood. Standard errors
  come from the inverse of the observed information.
* Person measures by Warm's (1989) weighted likelihood estimator (WLE): the root of
  ``r - Σ E_i(θ) + Σ μ3_i(θ) / (2 Σ V_i(θ)) = 0``; finite for extreme raw scores, with
  SE = 1/√I(θ). Maximum-likelihood measures (what ``eRm::person.parameter`` reports for
  non-extreme scores) are returned too.
* Item fit: outfit = mean squared standardised residual, infit = Σ squared residuals / Σ model
  variances (Wright & Masters 1982), with their Wilson-Hilferty t statistics; computed, as in
  eRm and Winsteps, from the ML measures of persons with non-extreme scores.
* Person separation reliability = (var(θ̂) - mean(SE²)) / var(θ̂) (Wright & Masters 1982;
  eRm's ``SepRel``).

Identification. The model fixes the scale only up to a common shift c (θ + c, δ + c). The
default here ("mean") centres all thresholds at 0. ``result.rebased("erm")`` applies eRm's
default ``sum0=TRUE`` (Σ betapar = 0) and ``rebased("first")`` eRm's ``sum0=FALSE`` (the first
threshold of the first dimension is 0); thresholds, betas, person measures and covariances
move together, so results can be compared one-to-one with ``eRm::thresholds()`` and
``eRm::person.parameter()``.

Unused steps. A dimension where a step was never used (among persons whose raw score is not
extreme) cannot have that step's threshold estimated. Used categories are re-numbered
consecutively (a missing bottom step re-bases, a gap collapses) and ``result.notes`` says
so; ``result.step_labels[i]`` gives, in the original category numbers, which two categories
each threshold separates. A dimension with fewer than two used categories is left out
(thresholds NaN) and noted.

References: Andersen, E. B. (1973) Conditional inference and models for measuring.
Masters, G. N. (1982) A Rasch model for partial credit scoring. Psychometrika 47, 149-174.
Warm, T. A. (1989) Weighted likelihood estimation of ability in item response theory.
Psychometrika 54, 427-450. Wright, B. D. & Masters, G. N. (1982) Rating Scale Analysis.
Mair, P. & Hatzinger, R. (2007) Extended Rasch modeling: the eRm package. J. Stat. Softw. 20(9).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from samsyn.analysis.results import AnalysisError

__all__ = [
    "IDENTIFICATIONS",
    "NextStep",
    "PCMResult",
    "category_probabilities",
    "estimate_measure",
    "fit_pcm",
    "next_steps",
    "observations_needed",
]

IDENTIFICATIONS = ("mean", "erm", "first")
_MAX_ITER = 100
_LIMIT = 40.0  # |β| beyond this means the data do not identify a parameter


@dataclass(frozen=True, eq=False)
class PCMResult:
    """A fitted partial credit model (see the module docstring for formulas).

    Arrays over dimensions have one row per column of X; a dimension left out (no usable data)
    has NaN rows. Arrays over persons follow ``person_rows``: ``person_measures[j]`` belongs
    to ``X[person_rows[j]]``; rows with no rating at all are in ``excluded_rows``.

    Attributes:
        thresholds: (J, K) δ_i,k+1, NaN past a dimension's last step.
        threshold_se: their standard errors (under this identification).
        betas: (J, K) eRm ``betapar`` (easiness of reaching category k+1), NaN past the end.
        beta_se: their standard errors (under this identification).
        n_steps: K_i, the number of estimated steps per dimension (0 = left out).
        step_labels: per dimension, the (lower, upper) original category of each threshold.
        person_measures, person_se: Warm WLE and its SE (finite for extreme scores).
        person_measures_ml, person_se_ml: ML measure and SE; NaN for extreme scores.
        person_raw_score, person_max_score: raw score and its maximum over rated dimensions.
        person_extreme: raw score is 0 or the maximum.
        infit, outfit, infit_t, outfit_t: item mean squares and Wilson-Hilferty t.
        fit_n: ratings per dimension behind the fit statistics (non-extreme persons).
        separation_reliability: from the WLE of all measured persons.
        separation_reliability_ml: eRm's ``SepRel`` (ML, non-extreme persons).
        cond_loglik: conditional log-likelihood at the estimate.
        n_persons: persons measured; n_ratings: ratings used.
        notes: sentences on re-based/collapsed steps, left-out dimensions, exclusions.
    """

    thresholds: np.ndarray
    threshold_se: np.ndarray
    betas: np.ndarray
    beta_se: np.ndarray
    n_steps: tuple[int, ...]
    step_labels: tuple[tuple[tuple[int, int], ...], ...]
    person_rows: np.ndarray
    person_measures: np.ndarray
    person_se: np.ndarray
    person_measures_ml: np.ndarray
    person_se_ml: np.ndarray
    person_raw_score: np.ndarray
    person_max_score: np.ndarray
    person_extreme: np.ndarray
    excluded_rows: tuple[int, ...]
    infit: np.ndarray
    outfit: np.ndarray
    infit_t: np.ndarray
    outfit_t: np.ndarray
    fit_n: np.ndarray
    separation_reliability: float
    separation_reliability_ml: float
    cond_loglik: float
    iterations: int
    n_persons: int
    n_ratings: int
    identification: str = "mean"
    notes: tuple[str, ...] = ()
    # Full covariance of the estimated betas (flattened over used steps) with β_11 fixed at 0.
    _beta_cov_first: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]

    @property
    def n_dimensions(self) -> int:
        return len(self.n_steps)

    def shift_to(self, identification: str) -> float:
        """The constant c added to every threshold and measure to reach ``identification``."""
        if identification not in IDENTIFICATIONS:
            raise AnalysisError(
                f"Unknown identification {identification!r}; use one of {IDENTIFICATIONS}."
            )
        d = _flat(self.thresholds, self.n_steps)
        b = _flat(self.betas, self.n_steps)
        k = _flat_k(self.n_steps)
        if identification == "mean":
            return float(-d.mean())
        if identification == "first":
            return float(-d[0])
        return float(b.sum() / k.sum())  # Σ (β - k·c) = 0

    def rebased(self, identification: str) -> PCMResult:
        """The same fit under another identification (see the module docstring).

        Thresholds and person measures shift by ``c = shift_to(identification)``, betas by
        ``-k·c``; standard errors are recomputed for the new constraint.
        """
        c = self.shift_to(identification)
        kk = np.arange(1, self.thresholds.shape[1] + 1)[None, :]
        beta_se, thr_se = _constrained_se(self._beta_cov_first, self.n_steps, identification)
        return replace(
            self,
            thresholds=self.thresholds + c,
            betas=self.betas - kk * c,
            threshold_se=thr_se,
            beta_se=beta_se,
            person_measures=self.person_measures + c,
            person_measures_ml=self.person_measures_ml + c,
            identification=identification,
        )

    def beta_padded(self) -> np.ndarray:
        """(J, K+1) betas with β_i0 = 0 and -inf past each dimension's last step."""
        return _beta_pad(self.betas, self.n_steps)


@dataclass(frozen=True)
class NextStep:
    """A dimension's next step for a person at a given measure.

    ``step`` is the 0-based category index to be reached (``step_label`` in original category
    numbers); ``threshold`` the Andrich threshold of that step, ``thurstone`` the measure at
    which reaching at least this step becomes 50 % likely, ``probability`` the chance of
    reaching at least this step at the person's measure, ``distance = thurstone - measure``.
    """

    dimension: int
    step: int
    step_label: tuple[int, int]
    threshold: float
    thurstone: float
    probability: float
    distance: float


# ----------------------------------------------------------------------------------------------
# helpers on padded parameter arrays


def _flat(a: np.ndarray, n_steps: tuple[int, ...]) -> np.ndarray:
    return np.concatenate([a[i, :k] for i, k in enumerate(n_steps) if k > 0])


def _flat_k(n_steps: tuple[int, ...]) -> np.ndarray:
    return np.concatenate([np.arange(1, k + 1) for k in n_steps if k > 0]).astype(float)


def _beta_pad(betas: np.ndarray, n_steps: tuple[int, ...]) -> np.ndarray:
    J, K = betas.shape
    out = np.full((J, K + 1), -np.inf)
    for i, k in enumerate(n_steps):
        if k > 0:
            out[i, 0] = 0.0
            out[i, 1 : k + 1] = betas[i, :k]
    return out


def _constrained_se(
    cov_first: np.ndarray, n_steps: tuple[int, ...], identification: str
) -> tuple[np.ndarray, np.ndarray]:
    """SEs of betas and thresholds under a constraint, from the β_11 = 0 covariance.

    Every constraint used here fixes c = aᵀβ, so β' = (I - k aᵀ) β and Cov' = L Cov Lᵀ;
    thresholds are δ = Dβ with D the first-difference map within each dimension.
    """
    P = cov_first.shape[0]
    k = _flat_k(n_steps)
    D = np.zeros((P, P))
    pos = 0
    for K in n_steps:
        for s in range(K):
            D[pos + s, pos + s] = -1.0
            if s > 0:
                D[pos + s, pos + s - 1] = 1.0
        pos += K
    if identification == "first":
        a = np.zeros(P)
        a[0] = 1.0  # c = β_11 (δ_11 = -β_11)
    elif identification == "mean":
        a = -D.mean(axis=0)  # c = -mean(Dβ)
    else:
        a = np.full(P, 1.0 / k.sum())
    L = np.eye(P) - np.outer(k, a)
    cov_b = L @ cov_first @ L.T
    cov_d = D @ cov_b @ D.T
    J, Kmax = len(n_steps), max(n_steps)
    beta_se = np.full((J, Kmax), np.nan)
    thr_se = np.full((J, Kmax), np.nan)
    pos = 0
    for i, K in enumerate(n_steps):
        if K:
            beta_se[i, :K] = np.sqrt(np.clip(np.diag(cov_b)[pos : pos + K], 0, None))
            thr_se[i, :K] = np.sqrt(np.clip(np.diag(cov_d)[pos : pos + K], 0, None))
        pos += K
    return beta_se, thr_se


def category_probabilities(theta: np.ndarray | float, beta_pad: np.ndarray) -> np.ndarray:
    """P(X_i = x | θ) for every θ, dimension and category: shape (len θ, J, K+1).

    ``beta_pad`` is (J, K+1) with β_i0 = 0 and -inf for categories a dimension does not have.

    Formula: P(X_i = x | θ) = exp(xθ + β_ix) / Σ_y exp(yθ + β_iy).
    Reference: Masters, G. N. (1982) A Rasch model for partial credit scoring. Psychometrika
    47, 149-174.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    k = np.arange(beta_pad.shape[1], dtype=float)
    logit = theta[:, None, None] * k[None, None, :] + beta_pad[None, :, :]
    logit = logit - np.max(logit, axis=2, keepdims=True)
    p = np.exp(logit)
    p /= p.sum(axis=2, keepdims=True)
    return p


def _moments(theta: np.ndarray, beta_pad: np.ndarray, weights: np.ndarray):
    """Σ_i w_i·E_i, Σ w_i·V_i, Σ w_i·μ3_i at each θ (weights: (G, J) counts of ratings)."""
    p = category_probabilities(theta, beta_pad)
    k = np.arange(beta_pad.shape[1], dtype=float)
    e = (p * k).sum(axis=2)  # not `p @ k`: BLAS threads cost more than they save here
    d = k[None, None, :] - e[:, :, None]
    pd2 = p * d * d
    v = pd2.sum(axis=2)
    m3 = (pd2 * d).sum(axis=2)
    return (weights * e).sum(1), (weights * v).sum(1), (weights * m3).sum(1)


def _solve_theta(
    r: np.ndarray, weights: np.ndarray, beta_pad: np.ndarray, *, warm: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised safeguarded Newton for ML (warm=False) or Warm WLE person measures.

    Solves f(θ) = r - ΣE(θ) [+ Σμ3/(2ΣV)] = 0, which decreases in θ, inside a bracket that
    shrinks every iteration (bisection whenever Newton would leave it). Returns θ and
    1/√I(θ).
    """
    G = r.shape[0]
    finite = beta_pad[np.isfinite(beta_pad)]
    lim = float(np.abs(finite).max()) + 25.0 if finite.size else 25.0
    lo = np.full(G, -lim)
    hi = np.full(G, lim)
    maxscore = weights @ (np.isfinite(beta_pad).sum(1) - 1).astype(float)
    theta = np.log((r + 0.5) / (maxscore - r + 0.5))
    active = np.arange(G)
    for _ in range(200):
        if active.size == 0:
            break
        th = theta[active]
        e, v, m3 = _moments(th, beta_pad, weights[active])
        f = r[active] - e
        if warm:
            f = f + m3 / (2.0 * np.maximum(v, 1e-300))
        pos = f > 0
        lo[active] = np.where(pos, th, lo[active])
        hi[active] = np.where(pos, hi[active], th)
        step = f / np.maximum(v, 1e-12)
        new = th + np.clip(step, -3.0, 3.0)
        out = (new < lo[active]) | (new > hi[active])
        new = np.where(out, 0.5 * (lo[active] + hi[active]), new)
        conv = np.abs(f) < 1e-11
        new = np.where(conv, th, new)
        theta[active] = new
        done = conv | (np.abs(new - th) < 1e-12) | (hi[active] - lo[active] < 1e-12)
        active = active[~done]
    _, v, _ = _moments(theta, beta_pad, weights)
    return theta, 1.0 / np.sqrt(v)


# ----------------------------------------------------------------------------------------------
# elementary symmetric functions


def _conv_into(gamma: np.ndarray, e: np.ndarray) -> np.ndarray:
    """gamma (…, P, R+1) convolved with one item's category weights e (P, K+1), cut at R."""
    out = gamma * e[:, :1]
    for k in range(1, e.shape[1]):
        out[..., k:] += gamma[..., :-k] * e[:, k : k + 1]
    return out


class _CML:
    """Conditional likelihood on the (pattern x raw score) table.

    Per pattern, γ = ε_1 ⊛ … ⊛ ε_J (ε_i: item i's category weights, the identity when the
    item is not rated) are the elementary symmetric functions. The log-likelihood needs γ,
    the gradient the first-order functions γ^(i), the Hessian the second-order Σ_r
    w_r γ^(i,j)_{r-k-m} with w_r = n_r/γ_r. All of them come from one forward sweep (prefix
    products) and one backward sweep (w correlated with the items after j), with every item
    pair handled by a vectorised step: J·K array operations per evaluation instead of one
    per pair and category.
    """

    def __init__(self, n_steps, patterns, counts_pr, cat_counts):
        self.n_steps = n_steps  # K_i per used item
        self.J = len(n_steps)
        self.K = max(n_steps)
        self.patterns = patterns  # (P, J) bool
        self.n = counts_pr  # (P, R+1)
        self.R = counts_pr.shape[1] - 1
        self.cat = cat_counts  # flattened observed counts of categories 1..K_i
        self.idx = [(i, k) for i in range(self.J) for k in range(1, n_steps[i] + 1)]
        offsets = np.concatenate([[0], np.cumsum(n_steps)[:-1]]).astype(np.int64)
        self.offsets = offsets

    def _eps_rows(self, beta_flat):
        """Per pattern row, item category weights (identity if item not rated); scaled ≤ 1."""
        rows, shifts = [], np.zeros(self.J)
        pos = 0
        P = self.patterns.shape[0]
        for i, K in enumerate(self.n_steps):
            b = np.concatenate([[0.0], beta_flat[pos : pos + K]])
            pos += K
            shifts[i] = b.max()
            e = np.exp(b - shifts[i])
            er = np.zeros((P, K + 1))
            m = self.patterns[:, i]
            er[m] = e
            er[~m, 0] = 1.0
            rows.append(er)
        return rows, shifts

    def evaluate(self, beta_flat, hessian=True):
        """(log-likelihood, gradient, information or None) at ``beta_flat``."""
        P, R, J = self.patterns.shape[0], self.R, self.J
        eps, shifts = self._eps_rows(beta_flat)
        # forward sweep: prefix[i] = ε_0 ⊛ … ⊛ ε_{i-1}; γ = prefix[J]
        prefix = np.zeros((J + 1, P, R + 1))
        prefix[0, :, 0] = 1.0
        for i in range(J):
            prefix[i + 1] = _conv_into(prefix[i], eps[i])
        gamma = prefix[J]
        n = self.n
        with np.errstate(divide="ignore"):
            lg = np.log(gamma)
        used = n > 0
        if np.any(gamma[used] <= 0):
            raise AnalysisError("Numerical underflow in the symmetric functions.")
        ll = float(self.cat @ beta_flat) - float(
            (n[used] * lg[used]).sum() + (n.sum(1) * (self.patterns @ shifts)).sum()
        )
        safe = np.where(used, gamma, 1.0)
        w = np.where(used, n / safe, 0.0)  # n_pr / gamma_r
        if not hessian:
            return ll, self._gradient(prefix, w, eps), None
        grad, info = self._information(prefix, w, eps, np.where(used, 1.0 / safe, 0.0))
        return ll, grad, info  # info = -Hessian = Σ n·Cov(T | r)

    def _gradient(self, prefix, w, eps):
        """Observed − expected category counts from the forward and backward sweeps:
        back[r] = Σ_t w_t (ε_{i+1} ⊛ … ⊛ ε_{J-1})_{t-r}, E[T_ik] = ε_ik Σ_r back[r+k] prefix[i][r].
        """
        R = self.R
        back = w
        tot = np.zeros(len(self.idx))
        for i in range(self.J - 1, -1, -1):
            for k in range(1, eps[i].shape[1]):
                s = (back[:, k:] * prefix[i][:, : R + 1 - k]).sum(1)
                tot[self.offsets[i] + k - 1] = (eps[i][:, k] * s).sum()
            back = self._correlate(back, eps[i])
        return self.cat - tot

    def _information(self, prefix, w, eps, inv_g):
        """Gradient and information (−Hessian) with the second-order symmetric functions."""
        P, R, J, K = self.patterns.shape[0], self.R, self.J, self.K
        n, npar = self.n, len(self.idx)
        backs = [None] * J
        back = w
        for j in range(J - 1, -1, -1):
            backs[j] = back
            back = self._correlate(back, eps[j])
        E = np.zeros((J, P, K + 1))  # category weights padded with zeros past K_i
        for i in range(J):
            E[i, :, : eps[i].shape[1]] = eps[i]
        kk = np.arange(K + 1)
        ksum = kk[:, None] + kk[None, :]
        # sweep over j: F[i] = prefix[i] ⊛ ε_{i+1} ⊛ … ⊛ ε_{j-1} for i < j, and
        # H[i, j, k, m] = Σ_p ε_ik ε_jm Σ_r back_j[p, r+k+m] F[i][p, r]
        F = prefix[:J].copy()
        H = np.zeros((J, J, K + 1, K + 1))
        for j in range(1, J):
            Fi = F[:j]
            C = np.zeros((j, P, 2 * K + 1))
            for s in range(2, min(2 * K, R) + 1):
                C[:, :, s] = np.einsum("ipr,pr->ip", Fi[:, :, : R + 1 - s], backs[j][:, s:])
            H[:j, j] = np.einsum("ipkm,ipk,pm->ikm", C[:, :, ksum], E[:j], E[j])
            F[:j] = _conv_into(Fi, eps[j])
        loo = F  # F[i] = γ^(i) after the sweep
        # conditional expectations e[p, r, i, k] of each category indicator (i, k)
        e4 = np.zeros((P, R + 1, J, K + 1))
        for k in range(1, K + 1):
            e4[:, k:, :, k] = (E[:, :, k, None] * loo[:, :, : R + 1 - k]).transpose(1, 2, 0)
        e4 *= inv_g[:, :, None, None]
        ii = np.array([i for i, _k in self.idx])
        kidx = np.array([k for _i, k in self.idx])
        econd = e4[:, :, ii, kidx]  # (P, R+1, npar)
        info = H[ii[:, None], ii[None, :], kidx[:, None], kidx[None, :]]
        info += info.T
        tot = np.einsum("pr,pra->a", n, econd)
        flat_e = econd.reshape(-1, npar)
        flat_n = n.reshape(-1)
        rows = flat_n > 0
        a = flat_e[rows]
        # Σ n e eᵀ without BLAS: on a matrix this small its threads only cost time
        info -= np.einsum("ra,rb->ab", a * flat_n[rows, None], a)
        # E[T_a] on the diagonal blocks (same item: indicators of distinct categories exclusive)
        info[np.diag_indices(npar)] += tot
        return self.cat - tot, info

    @staticmethod
    def _correlate(back: np.ndarray, e: np.ndarray) -> np.ndarray:
        """out[r] = Σ_k e_k back[r+k]: w pulled back through one more item."""
        out = back * e[:, :1]
        for k in range(1, e.shape[1]):
            out[:, :-k] += back[:, k:] * e[:, k : k + 1]
        return out


# ----------------------------------------------------------------------------------------------
# data preparation


def _prepare(X: np.ndarray, n_categories):
    if X.ndim != 2:
        raise AnalysisError("X must be a 2-D array: persons x dimensions.")
    n, J = X.shape
    if n == 0 or J == 0:
        raise AnalysisError("X is empty: there are no persons or no dimensions.")
    rated = ~np.isnan(X)
    Xz = np.where(rated, X, 0.0)
    if not np.all(np.isfinite(Xz)) or np.any(Xz < 0) or np.any(Xz != np.floor(Xz)):
        raise AnalysisError("Ratings must be whole steps 0, 1, 2, … (NaN for not observed).")
    top = int(Xz.max()) if Xz.size else 0
    if top > 126:
        raise AnalysisError(f"A step number of {top} is implausibly large for a rating scale.")
    codes = np.where(rated, Xz, -1).astype(np.int8).T.copy()  # (J, n), -1 = missing
    del Xz
    if n_categories is not None:
        decl = np.broadcast_to(np.asarray(n_categories, dtype=int), (J,))
        if np.any(codes >= decl[:, None]):
            raise AnalysisError("A rating exceeds the declared number of categories.")
    else:
        decl = None
    return codes, decl


def fit_pcm(
    X: np.ndarray | Sequence[Sequence[float]],
    *,
    method: str = "cml",
    n_categories: int | Sequence[int] | None = None,
    identification: str = "mean",
) -> PCMResult:
    """Fit the partial credit model by CML; person measures by Warm's WLE.

    Args:
        X: persons x dimensions array of whole steps 0 … m_i-1, NaN for "not observed".
        method: only ``"cml"`` (conditional maximum likelihood).
        n_categories: the rubric's number of categories (int, or one per dimension); only
            used to report steps the rubric has but nobody used.
        identification: ``"mean"`` (thresholds centred at 0), ``"erm"`` or ``"first"``.

    Raises AnalysisError when the data cannot identify the model (fewer than two usable
    dimensions, nobody with a non-extreme score, disconnected missing-data design, …).
    Formulas: module docstring (CML with elementary symmetric functions; Warm WLE).
    References: Andersen, E. B. (1973) Conditional inference and models for measuring;
    Warm, T. A. (1989) Psychometrika 54, 427-450; Mair & Hatzinger (2007) J. Stat. Softw. 20(9).
    """
    if method != "cml":
        raise AnalysisError(f"Unknown method {method!r}; only 'cml' is implemented.")
    if identification not in IDENTIFICATIONS:
        raise AnalysisError(f"Unknown identification {identification!r}; use {IDENTIFICATIONS}.")
    X = np.asarray(X, dtype=float)
    codes, decl = _prepare(X, n_categories)
    J, n = codes.shape
    notes: list[str] = []

    # --- category maps: re-base / collapse unused steps, until stable among non-extreme persons
    maps = [None] * J  # per dimension: array of used original categories (sorted)
    active = np.ones(J, dtype=bool)
    counts_orig = [np.bincount(codes[j][codes[j] >= 0], minlength=1) for j in range(J)]
    for j in range(J):
        used = np.flatnonzero(counts_orig[j])
        maps[j] = used
    nonext = None
    for _ in range(J * 130):
        changed = False
        for j in range(J):
            if active[j] and len(maps[j]) < 2:
                active[j] = False
                changed = True
        if active.sum() < 2:
            raise AnalysisError(
                "At least two dimensions with two or more used steps are needed to fit the scale."
            )
        # collapsed codes and persons' scores
        ksum = np.zeros(n, dtype=np.int32)
        kmax = np.zeros(n, dtype=np.int32)
        nrated = np.zeros(n, dtype=np.int32)
        luts = {}
        for j in np.flatnonzero(active):
            lut = np.full(128, -1, dtype=np.int8)
            lut[maps[j]] = np.arange(len(maps[j]), dtype=np.int8)
            luts[j] = lut
            c = np.where(codes[j] >= 0, lut[np.maximum(codes[j], 0)], -1)
            r = c >= 0
            ksum += np.maximum(c, 0)
            kmax += r * (len(maps[j]) - 1)
            nrated += r
        nonext = (ksum > 0) & (ksum < kmax)
        if not nonext.any():
            raise AnalysisError(
                "Every person has an extreme raw score (all lowest or all highest steps): the "
                "data carry no information about the step thresholds."
            )
        # a category seen only in persons whose conditional likelihood is constant (extreme
        # score, or a single rated dimension) carries no information: its threshold diverges
        informative = nonext & (nrated >= 2)
        for j in np.flatnonzero(active):
            cj = codes[j][informative]
            cnt = np.bincount(cj[cj >= 0], minlength=128)
            still = maps[j][cnt[maps[j]] > 0]
            if len(still) < len(maps[j]):
                maps[j] = still
                changed = True
        if not changed:
            break
    # notes on steps
    for j in range(J):
        orig = np.flatnonzero(counts_orig[j])
        decl_top = int(decl[j]) - 1 if decl is not None else (int(orig.max()) if orig.size else 0)
        if not active[j]:
            notes.append(
                f"Dimension {j} was left out: fewer than two of its steps were used by "
                "persons with a non-extreme score."
            )
            continue
        full = np.arange(0, decl_top + 1)
        missing = [int(v) for v in full if v not in set(maps[j].tolist())]
        if missing:
            only_extreme = [int(v) for v in missing if v in set(orig.tolist())]
            msg = f"Dimension {j}: step(s) {missing} never used"
            if only_extreme:
                msg += f" ({only_extreme} only by persons with extreme scores)"
            msg += (
                f"; categories re-numbered {[int(v) for v in maps[j]]} → "
                f"{list(range(len(maps[j])))} and its thresholds estimated on those."
            )
            notes.append(msg)

    act = np.flatnonzero(active)
    Ja = len(act)
    n_steps_a = tuple(len(maps[j]) - 1 for j in act)
    cc = np.empty((Ja, n), dtype=np.int8)
    for a, j in enumerate(act):
        cc[a] = np.where(codes[j] >= 0, luts[j][np.maximum(codes[j], 0)], -1)
    del codes
    rated = cc >= 0
    nrated = rated.sum(0)
    measured = nrated > 0
    excluded = np.flatnonzero(~measured)
    if excluded.size:
        notes.append(f"{excluded.size} person(s) with no usable rating excluded.")
    score = np.maximum(cc, 0).sum(0, dtype=np.int32)
    Kvec = np.array(n_steps_a, dtype=np.int32)
    maxscore = (rated * Kvec[:, None]).sum(0, dtype=np.int32)

    # --- pattern x score table
    if Ja <= 20:
        code = np.zeros(n, dtype=np.int64)
        for a in range(Ja):
            code |= rated[a].astype(np.int64) << a
        present = np.flatnonzero(np.bincount(code, minlength=1 << Ja))
        pid_of_code = np.full(1 << Ja, -1, dtype=np.int64)
        pid_of_code[present] = np.arange(present.size)
        pid = pid_of_code[code]
        patterns = ((present[:, None] >> np.arange(Ja)[None, :]) & 1).astype(bool)
    else:
        patterns, pid = np.unique(rated.T, axis=0, return_inverse=True)
        pid = pid.reshape(-1)
    Rtot = int(Kvec.sum())
    gid = pid * (Rtot + 1) + score
    Pn = patterns.shape[0]
    ext = ~((score > 0) & (score < maxscore))
    fit_mask = measured & ~ext
    counts_pr = np.bincount(gid[fit_mask], minlength=Pn * (Rtot + 1)).reshape(Pn, Rtot + 1)
    cat_counts = []
    for a in range(Ja):
        sel = fit_mask & rated[a]
        cnt = np.bincount(cc[a][sel], minlength=Kvec[a] + 1)
        cat_counts.append(cnt[1 : Kvec[a] + 1])
    cat_counts = np.concatenate(cat_counts).astype(float)

    # keep only patterns with informative persons in the CML
    keep = counts_pr.sum(1) > 0
    model = _CML(n_steps_a, patterns[keep], counts_pr[keep].astype(float), cat_counts)
    _check_connected(patterns[keep])

    beta, info, ll, it = _newton(model, cat_counts, counts_pr, n_steps_a)

    # --- assemble padded arrays in the "first" identification (β_11 = 0)
    Kmax = max(n_steps_a)
    betas_first = np.full((J, Kmax), np.nan)
    pos = 0
    for a, j in enumerate(act):
        betas_first[j, : n_steps_a[a]] = beta[pos : pos + n_steps_a[a]]
        pos += n_steps_a[a]
    P = beta.size
    cov = np.zeros((P, P))
    try:
        cov[1:, 1:] = np.linalg.inv(info[1:, 1:])
    except np.linalg.LinAlgError as exc:  # pragma: no cover - guarded by _check_connected
        raise AnalysisError(
            "The information matrix is singular: the data do not identify the thresholds."
        ) from exc
    n_steps_full = tuple(len(maps[j]) - 1 if active[j] else 0 for j in range(J))
    thr_first = np.full((J, Kmax), np.nan)
    for j in range(J):
        K = n_steps_full[j]
        if K:
            b = np.concatenate([[0.0], betas_first[j, :K]])
            thr_first[j, :K] = b[:-1] - b[1:]
    step_labels = tuple(
        tuple((int(maps[j][s]), int(maps[j][s + 1])) for s in range(n_steps_full[j]))
        if active[j]
        else ()
        for j in range(J)
    )

    # --- persons (on the "first" scale; shifted at the end)
    beta_pad_a = _beta_pad(betas_first[act], n_steps_a)
    groups = np.flatnonzero(np.bincount(gid[measured], minlength=Pn * (Rtot + 1)))
    g_p, g_r = np.divmod(groups, Rtot + 1)
    wts = patterns[g_p].astype(float)
    th_w, se_w = _solve_theta(g_r.astype(float), wts, beta_pad_a, warm=True)
    g_maxs = wts @ Kvec.astype(float)
    g_ext = (g_r == 0) | (g_r == g_maxs)
    th_m = np.full(groups.size, np.nan)
    se_m = np.full(groups.size, np.nan)
    ne = ~g_ext
    if ne.any():
        th_m[ne], se_m[ne] = _solve_theta(g_r[ne].astype(float), wts[ne], beta_pad_a, warm=False)
    lookup = np.full(Pn * (Rtot + 1), -1, dtype=np.int64)
    lookup[groups] = np.arange(groups.size)
    rows = np.flatnonzero(measured)
    gi = lookup[gid[rows]]

    # --- item fit from ML measures of non-extreme persons (grouped sums)
    fit = _item_fit(cc, rated, fit_mask, lookup[gid], th_m, beta_pad_a, groups.size)
    infit = np.full(J, np.nan)
    outfit = np.full(J, np.nan)
    infit_t = np.full(J, np.nan)
    outfit_t = np.full(J, np.nan)
    fit_n = np.zeros(J, dtype=np.int64)
    infit[act], outfit[act], infit_t[act], outfit_t[act], fit_n[act] = fit

    pm_w, ps_w = th_w[gi], se_w[gi]
    rel = _sep_rel(pm_w, ps_w)
    pm_m, ps_m = th_m[gi], se_m[gi]
    okm = np.isfinite(pm_m)
    rel_ml = _sep_rel(pm_m[okm], ps_m[okm]) if okm.sum() > 1 else float("nan")

    base = PCMResult(
        thresholds=thr_first,
        threshold_se=np.full((J, Kmax), np.nan),
        betas=betas_first,
        beta_se=np.full((J, Kmax), np.nan),
        n_steps=n_steps_full,
        step_labels=step_labels,
        person_rows=rows,
        person_measures=pm_w,
        person_se=ps_w,
        person_measures_ml=pm_m,
        person_se_ml=ps_m,
        person_raw_score=score[rows],
        person_max_score=maxscore[rows],
        person_extreme=ext[rows],
        excluded_rows=tuple(int(v) for v in excluded),
        infit=infit,
        outfit=outfit,
        infit_t=infit_t,
        outfit_t=outfit_t,
        fit_n=fit_n,
        separation_reliability=rel,
        separation_reliability_ml=rel_ml,
        cond_loglik=ll,
        iterations=it,
        n_persons=int(rows.size),
        n_ratings=int(rated.sum()),
        identification="first",
        notes=tuple(notes),
        _beta_cov_first=cov,
    )
    return base.rebased(identification)


def _sep_rel(measures: np.ndarray, se: np.ndarray) -> float:
    if measures.size < 2:
        return float("nan")
    var = float(np.var(measures, ddof=1))
    if var <= 0:
        return float("nan")
    return (var - float(np.mean(se**2))) / var


def _check_connected(patterns: np.ndarray) -> None:
    """Dimensions are linked when some informative person was rated on both (union-find)."""
    J = patterns.shape[1]
    parent = list(range(J))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for row in patterns:
        idx = np.flatnonzero(row)
        for b in idx[1:]:
            ra, rb = find(int(idx[0])), find(int(b))
            if ra != rb:
                parent[ra] = rb
    if len({find(a) for a in range(J)}) > 1:
        raise AnalysisError(
            "The dimensions fall into separate groups that no person was rated on together; "
            "their thresholds cannot be put on one scale."
        )


def _newton(model: _CML, cat_counts, counts_pr, n_steps):
    # start: adjacent-category log odds from the marginal counts
    pos = 0
    start = []
    for K in n_steps:
        c = cat_counts[pos : pos + K]
        pos += K
        start.append(np.log((c + 0.5) / (c.sum() / (K + 1) + 0.5)))
    beta = np.concatenate(start)
    k = _flat_k(n_steps)
    beta = beta - k * beta[0]
    ll, grad, info = model.evaluate(beta)
    total = counts_pr.sum()
    it = 0
    for it in range(1, _MAX_ITER + 1):  # noqa: B007 - reported
        try:
            step = np.zeros_like(beta)
            step[1:] = np.linalg.solve(info[1:, 1:], grad[1:])
        except np.linalg.LinAlgError as exc:
            raise AnalysisError(
                "The information matrix is singular: the data do not identify the thresholds."
            ) from exc
        big = np.abs(step).max()
        if big > 2.0:
            step *= 2.0 / big
        t = 1.0
        for _ in range(30):
            cand = beta + t * step
            ll_new, g_new, i_new = model.evaluate(cand)
            if ll_new >= ll - 1e-10 * abs(ll):
                break
            t *= 0.5
        beta, ll, grad, info = cand, ll_new, g_new, i_new
        if np.abs(beta).max() > _LIMIT:
            raise AnalysisError(
                "The thresholds diverge: some step is (almost) only ever given together with "
                "a particular raw score, so the data do not pin its threshold down."
            )
        if np.abs(grad[1:]).max() < 1e-9 * max(total, 1.0) or np.abs(t * step).max() < 1e-10:
            break
    else:
        raise AnalysisError("The conditional likelihood did not converge in 100 iterations.")
    return beta, info, ll, it


def _item_fit(cc, rated, fit_mask, glookup, th_m, beta_pad, G):
    """Infit/outfit and their t from per-(group, item) sums of x and x² (eRm's itemfit)."""
    Ja = cc.shape[0]
    ok = np.isfinite(th_m)
    p = category_probabilities(np.where(ok, th_m, 0.0), beta_pad)  # (G, J, K+1)
    k = np.arange(beta_pad.shape[1], dtype=float)
    E = (p * k).sum(axis=2)
    d = k[None, None, :] - E[:, :, None]
    V = (p * d * d).sum(2)
    C = (p * d**4).sum(2)
    res = []
    for a in range(Ja):
        sel = fit_mask & rated[a]
        g = glookup[sel]
        x = cc[a][sel].astype(float)
        n_g = np.bincount(g, minlength=G).astype(float)
        s1 = np.bincount(g, weights=x, minlength=G)
        s2 = np.bincount(g, weights=x * x, minlength=G)
        e, v, c = E[:, a], V[:, a], C[:, a]
        sq = s2 - 2 * e * s1 + n_g * e * e  # Σ (x - E)² per group
        use = n_g > 0
        N = n_g.sum()
        out = float((sq[use] / v[use]).sum() / N)
        sumv = float((n_g[use] * v[use]).sum())
        inf = float(sq[use].sum() / sumv)
        q2o = float((n_g[use] * c[use] / v[use] ** 2).sum() / N**2 - 1.0 / N)
        q2i = float((n_g[use] * (c[use] - v[use] ** 2)).sum() / sumv**2)
        qo, qi = math.sqrt(max(q2o, 1e-300)), math.sqrt(max(q2i, 1e-300))
        out_t = (out ** (1 / 3) - 1) * (3 / qo) + qo / 3
        in_t = (inf ** (1 / 3) - 1) * (3 / qi) + qi / 3
        res.append((inf, out, in_t, out_t, int(N)))
    return tuple(np.array(v) for v in zip(*res, strict=True))


# ----------------------------------------------------------------------------------------------
# using a fitted scale


def estimate_measure(
    result: PCMResult, ratings: np.ndarray | Sequence[Sequence[float]]
) -> tuple[float, float]:
    """Warm WLE measure and SE for one person from any number of rated lessons.

    ``ratings`` is (lessons x J) in the original category numbers, NaN for not observed — e.g.
    all lessons of one teacher in a round: their raw score over all rated dimension-lessons is
    sufficient, so the lessons pool into one measure on the fitted scale.

    Formula: the root of r - Σ E(θ) + Σ μ3(θ) / (2 Σ V(θ)) = 0 over all pooled ratings,
    SE = 1/√I(θ). Reference: Warm, T. A. (1989) Weighted likelihood estimation of ability in
    item response theory. Psychometrika 54, 427-450.
    """
    R = np.atleast_2d(np.asarray(ratings, dtype=float))
    if R.shape[1] != result.n_dimensions:
        raise AnalysisError(
            f"Ratings have {R.shape[1]} dimensions; the scale has {result.n_dimensions}."
        )
    w = np.zeros(result.n_dimensions)
    r = 0.0
    for j, labels in enumerate(result.step_labels):
        if not labels:
            continue
        cats = [labels[0][0]] + [b for _, b in labels]
        col = R[:, j]
        col = col[~np.isnan(col)]
        for v in col:
            # a category that was collapsed away counts as the nearest used one below it
            idx = int(np.searchsorted(cats, v, side="right")) - 1
            r += max(idx, 0)
            w[j] += 1
    if w.sum() == 0:
        raise AnalysisError("No usable rating: a measure needs at least one rated dimension.")
    th, se = _solve_theta(np.array([r]), w[None, :], result.beta_padded(), warm=True)
    return float(th[0]), float(se[0])


def next_steps(result: PCMResult, measure: float, *, limit: int | None = 3) -> list[NextStep]:
    """For each dimension the next step not yet likely at ``measure``, most reachable first.

    The next step of dimension i is the lowest category k that a person at θ is less than 50 %
    likely to reach or exceed: P(X_i ≥ k | θ) < ½ (the Thurstonian reading, which stays
    ordered even if the Andrich thresholds are not). Steps are ranked by that probability,
    highest first — the "zone of proximal development": the steps just above the measure.
    Dimensions whose top step is already more likely than not are omitted.

    Formula: P(X_i ≥ k | θ) = Σ_{x≥k} P(X_i = x | θ); Thurstonian threshold: the θ where it is ½.
    Reference: Wright, B. D. & Masters, G. N. (1982) Rating Scale Analysis (MESA Press):
    Thurstonian ("Rasch-Thurstone") thresholds.
    """
    bp = result.beta_padded()
    p = category_probabilities(measure, bp)[0]  # (J, K+1)
    cum = np.flip(np.cumsum(np.flip(p, axis=1), axis=1), axis=1)  # P(X ≥ k)
    out = []
    for i, K in enumerate(result.n_steps):
        if K == 0:
            continue
        for k in range(1, K + 1):
            if cum[i, k] < 0.5:
                th = _thurstone(bp[i, : K + 1], k)
                out.append(
                    NextStep(
                        dimension=i,
                        step=k,
                        step_label=result.step_labels[i][k - 1],
                        threshold=float(result.thresholds[i, k - 1]),
                        thurstone=th,
                        probability=float(cum[i, k]),
                        distance=th - float(measure),
                    )
                )
                break
    out.sort(key=lambda s: -s.probability)
    return out if limit is None else out[:limit]


def _thurstone(beta_row: np.ndarray, k: int) -> float:
    """θ with P(X ≥ k | θ) = ½ (monotone in θ, so bisection)."""
    lo, hi = -60.0, 60.0
    kk = np.arange(beta_row.size)
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        z = kk * mid + beta_row
        z = np.exp(z - z.max())
        if z[k:].sum() / z.sum() < 0.5:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def observations_needed(
    se_target: float,
    *,
    result: PCMResult,
    measure: float,
    current_se: float | None = None,
    dimensions_per_lesson: Sequence[int] | None = None,
) -> int:
    """How many more rated lessons bring the measure's SE down to ``se_target``.

    Each fully rated lesson adds Fisher information I₁(θ) = Σ_i V_i(θ) (the sum of the model
    variances of the rated dimensions at the measure); SE = 1/√(I_now + n·I₁), so
    n = ⌈(1/se_target² - 1/current_se²) / I₁⌉ (0 if the target is already met).
    ``dimensions_per_lesson`` restricts the dimensions a lesson is rated on (default: all).

    Formula: above. Reference: Wright, B. D. & Masters, G. N. (1982) Rating Scale Analysis,
    ch. 5 (MESA Press): the SE of a measure is 1/√(test information).
    """
    if not se_target > 0:
        raise AnalysisError("The SE target must be positive.")
    bp = result.beta_padded()
    J = result.n_dimensions
    w = np.array([1.0 if k > 0 else 0.0 for k in result.n_steps])
    if dimensions_per_lesson is not None:
        mask = np.zeros(J)
        mask[list(dimensions_per_lesson)] = 1.0
        w = w * mask
    _, v, _ = _moments(np.array([float(measure)]), bp, w[None, :])
    i1 = float(v[0])
    if i1 <= 0:
        raise AnalysisError("A lesson rated on these dimensions carries no information.")
    i_now = 0.0 if current_se is None else 1.0 / float(current_se) ** 2
    need = (1.0 / se_target**2 - i_now) / i1
    return max(0, math.ceil(need - 1e-9))

"""Observer severity: a many-facet partial credit Rasch model (teacher x dimension x observer).

Model (Linacre 1989, "many-facet Rasch measurement"). Rating n of teacher t by observer o on
dimension i falls in step x = 0 … K_i with

    P(X = x) ∝ exp(x·(θ_t - λ_o) + β_ix),   β_ix = -(δ_i1 + … + δ_ix),  β_i0 = 0,

θ_t the teacher's measure, λ_o the observer's severity (a severe observer lowers every rating
as if the teacher were λ_o logits weaker), δ_ik the step thresholds of dimension i (as in
:mod:`samsyn.analysis.rasch`). All lessons of a teacher share θ_t, so observers are compared
through the teachers they have in common.

Identification: mean severity 0 and mean threshold 0.

Estimation: joint maximum likelihood (JML, as in Linacre's Facets) by Newton-Raphson with the
exact information matrix; the teacher block is diagonal, so each step solves only the small
(observer + threshold) Schur complement. Teachers (and observers) whose ratings are all
lowest or all highest steps have no finite JML estimate: they are set aside during
calibration and measured afterwards. A dimension whose step was never used (among the
calibrating ratings) is collapsed as in :func:`samsyn.analysis.rasch.fit_pcm`, and noted.

Bias correction. JML estimates of the structural parameters are inconsistent when the
number of ratings per teacher L stays fixed: they are spread out by about L/(L-1) (Andersen
1973; Wright & Douglas 1977). With ``bias_correction=True`` (the default) thresholds and
severities are multiplied by (L̄-1)/L̄, L̄ the mean number of ratings per calibrating teacher
(Wright's correction, as Winsteps' STBIAS). With tens of ratings per teacher the factor is
close to 1.

Teacher measures are then Warm (1989) weighted-likelihood estimates given the (corrected)
thresholds and severities: each rating enters with its own observer's severity, so the
measure is adjusted for who observed the teacher; finite for extreme scores. Their SE is
1/√I(θ). Severity and threshold SEs come from the inverse of the Schur complement of the
information matrix (accounting for the uncertainty in the teacher measures).

References: Linacre, J. M. (1989) Many-facet Rasch measurement. MESA Press. Andersen, E. B.
(1973) Conditional inference and models for measuring. Wright, B. D. & Douglas, G. A. (1977)
Best procedures for sample-free item analysis. Appl. Psych. Meas. 1, 281-295. Warm, T. A.
(1989) Psychometrika 54, 427-450.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from samsyn.analysis.results import AnalysisError

__all__ = ["FacetsResult", "fit_facets"]


@dataclass(frozen=True, eq=False)
class FacetsResult:
    """A fitted many-facet model.

    Attributes:
        persons: teacher labels (sorted); person_measures, person_se: Warm measures adjusted
            for observer severity, with SE; person_n: ratings per teacher.
        observers: observer labels (sorted); severity, severity_se: λ_o (mean 0; positive =
            severe) with SE; observer_n: ratings per observer.
        thresholds, threshold_se: (J, K) step thresholds (mean 0), NaN past a dimension's last
            step; n_steps and step_labels as in :class:`samsyn.analysis.rasch.PCMResult`.
        bias_factor: the (L̄-1)/L̄ applied (1.0 without correction).
        excluded_persons: teachers with extreme scores, measured but not used to calibrate.
        notes: collapsed steps, exclusions.
    """

    persons: tuple
    person_measures: np.ndarray
    person_se: np.ndarray
    person_n: np.ndarray
    observers: tuple
    severity: np.ndarray
    severity_se: np.ndarray
    observer_n: np.ndarray
    thresholds: np.ndarray
    threshold_se: np.ndarray
    n_steps: tuple[int, ...]
    step_labels: tuple[tuple[tuple[int, int], ...], ...]
    bias_factor: float
    loglik: float
    iterations: int
    excluded_persons: tuple
    notes: tuple[str, ...] = ()


def _probs(eta, beta_pad_rows):
    """Category probabilities for each rating: eta (n,), beta rows (n, K+1) with -inf pad."""
    k = np.arange(beta_pad_rows.shape[1], dtype=float)
    z = eta[:, None] * k[None, :] + beta_pad_rows
    z -= z.max(1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(1, keepdims=True)
    return p


def _connected(t, o, T, n_obs):
    parent = list(range(T + n_obs))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in set(zip(t.tolist(), (o + T).tolist(), strict=True)):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    return len({find(a) for a in range(T + n_obs)})


def fit_facets(
    scores: Sequence[float] | np.ndarray,
    person: Sequence | np.ndarray,
    observer: Sequence | np.ndarray,
    dimension: Sequence[int] | np.ndarray,
    *,
    n_categories: int | Sequence[int] | None = None,
    bias_correction: bool = True,
) -> FacetsResult:
    """Fit the many-facet partial credit model (see the module docstring).

    Args:
        scores: whole steps 0, 1, … one per rating (long format).
        person: the teacher (or other object of measurement) of each rating.
        observer: who gave the rating.
        dimension: integer dimension index 0 … J-1 of each rating.
        n_categories: rubric size (int or per dimension), only to report unused steps.
        bias_correction: apply Wright's (L̄-1)/L̄ JML correction.

    Formula: P(X = x) ∝ exp(x(θ_t - λ_o) + β_ix); method: JML by Newton-Raphson, then Warm
    measures given the estimated severities and thresholds.
    References: Linacre, J. M. (1989) Many-facet Rasch measurement (MESA Press); Wright, B. D.
    & Douglas, G. A. (1977) Appl. Psych. Meas. 1, 281-295; Warm, T. A. (1989) Psychometrika 54.
    """
    x = np.asarray(scores, dtype=float)
    n = x.size
    if not (len(person) == len(observer) == len(dimension) == n):
        raise AnalysisError("scores, person, observer and dimension must have equal lengths.")
    if n == 0:
        raise AnalysisError("There are no ratings.")
    if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x != np.floor(x)):
        raise AnalysisError("Ratings must be whole steps 0, 1, 2, …")
    x = x.astype(np.int64)
    dim = np.asarray(dimension)
    if dim.dtype.kind not in "iu" or dim.min() < 0:
        raise AnalysisError("dimension must hold integer indices 0 … J-1.")
    J = int(dim.max()) + 1
    t, plab = _encode(person)
    o, olab = _encode(observer)
    T, n_obs = len(plab), len(olab)
    notes: list[str] = []
    if n_obs < 2:
        raise AnalysisError("Observer severity needs at least two observers.")
    if _connected(t, o, T, n_obs) > 1:
        raise AnalysisError(
            "Teachers and observers fall into disconnected subsets (no teacher links them): "
            "their severities cannot be compared on one scale."
        )

    # --- calibrating set: drop extreme teachers/observers, collapse unused steps, repeat
    decl = None
    if n_categories is not None:
        decl = np.broadcast_to(np.asarray(n_categories, dtype=int), (J,))
        if np.any(x >= decl[dim]):
            raise AnalysisError("A rating exceeds the declared number of categories.")
    maps = [np.flatnonzero(np.bincount(x[dim == j], minlength=1)) for j in range(J)]
    use = np.ones(n, dtype=bool)
    for _ in range(100):
        K = np.array([max(len(m) - 1, 0) for m in maps])
        lut = np.full((J, int(x.max()) + 1), -1)
        for j, m in enumerate(maps):
            lut[j, m] = np.arange(len(m))
        xc = lut[dim, x]
        ok = use & (xc >= 0) & (K[dim] > 0)
        changed = False
        for ids, count in ((t, T), (o, n_obs)):
            s = np.bincount(ids[ok], weights=xc[ok], minlength=count)
            mx = np.bincount(ids[ok], weights=K[dim][ok], minlength=count)
            ext = (s == 0) | (s == mx)
            drop = ok & ext[ids]
            if drop.any():
                use &= ~drop
                changed = True
        ok = use & (xc >= 0) & (K[dim] > 0)
        for j in range(J):
            still = maps[j][np.bincount(x[ok & (dim == j)], minlength=len(lut[j]))[maps[j]] > 0]
            if len(still) < len(maps[j]):
                maps[j] = still
                changed = True
        if not changed:
            break
    if not ok.any():
        raise AnalysisError("Every teacher or observer has extreme ratings only: nothing to fit.")
    K = np.array([max(len(m) - 1, 0) for m in maps])
    for j in range(J):
        orig = np.flatnonzero(np.bincount(x[dim == j], minlength=1))
        top = int(decl[j]) - 1 if decl is not None else (int(orig.max()) if orig.size else 0)
        missing = sorted(set(range(top + 1)) - set(maps[j].tolist()))
        if K[j] == 0:
            notes.append(f"Dimension {j} was left out: fewer than two of its steps were used.")
        elif missing:
            notes.append(
                f"Dimension {j}: step(s) {missing} never used by the calibrating ratings; "
                f"categories re-numbered {maps[j].tolist()} → {list(range(len(maps[j])))}."
            )
    cal_t = np.unique(t[ok])
    excluded = tuple(plab[i] for i in range(T) if i not in set(cal_t.tolist()) and (t == i).any())
    if excluded:
        notes.append(
            f"{len(excluded)} teacher(s) with extreme scores measured but not used to calibrate."
        )
    cal_o = np.unique(o[ok])
    if len(cal_o) < n_obs:
        raise AnalysisError(
            "An observer gave only lowest (or only highest) steps to informative teachers: "
            "their severity is not estimable."
        )

    # --- parameters: theta (T), lambda (n_obs, lambda_0 fixed 0), beta (sum K, beta_first fixed 0)
    dims = np.flatnonzero(K > 0)
    offs = np.zeros(J, dtype=int)
    offs[dims] = np.concatenate([[0], np.cumsum(K[dims])[:-1]])
    nb = int(K.sum())
    Kmax = int(K.max())
    tt, oo, dd, xx = t[ok], o[ok], dim[ok], xc[ok]
    m = tt.size
    theta = np.zeros(T)
    lam = np.zeros(n_obs)
    beta = np.zeros(nb)
    # start betas from marginal adjacent-category log odds
    for j in dims:
        c = np.bincount(xx[dd == j], minlength=K[j] + 1).astype(float) + 0.5
        beta[offs[j] : offs[j] + K[j]] = np.cumsum(np.log(c[1:] / c[:-1]))
    free_psi = np.ones(n_obs + nb, dtype=bool)
    free_psi[0] = False  # λ_0 = 0
    free_psi[n_obs + offs[dims[0]]] = False  # first β = 0
    kk = np.arange(Kmax + 1, dtype=float)
    # column of each (rating, category k ≥ 1) in psi
    bcol = n_obs + offs[dd][:, None] + np.arange(Kmax)[None, :]  # (m, Kmax)
    bval = np.arange(1, Kmax + 1)[None, :] <= K[dd][:, None]

    def beta_rows(b):
        pad = np.full((J, Kmax + 1), -np.inf)
        for j in dims:
            pad[j, 0] = 0.0
            pad[j, 1 : K[j] + 1] = b[offs[j] : offs[j] + K[j]]
        return pad

    def loglik(th, la, b):
        pad = beta_rows(b)
        eta = th[tt] - la[oo]
        z = eta[:, None] * kk[None, :] + pad[dd]
        zmax = z.max(1)
        lse = zmax + np.log(np.exp(z - zmax[:, None]).sum(1))
        return float((z[np.arange(m), xx] - lse).sum())

    ll = loglik(theta, lam, beta)
    it = 0
    for it in range(1, 201):  # noqa: B007 - reported
        pad = beta_rows(beta)
        eta = theta[tt] - lam[oo]
        p = _probs(eta, pad[dd])
        E = p @ kk
        V = p @ kk**2 - E**2
        pk = p[:, 1:]  # (m, Kmax)
        cov_xk = (kk[1:][None, :] - E[:, None]) * pk  # Cov(X, 1[X=k])
        # gradient
        g_theta = np.bincount(tt, weights=xx - E, minlength=T)
        g_psi = np.zeros(n_obs + nb)
        g_psi[:n_obs] = -np.bincount(oo, weights=xx - E, minlength=n_obs)
        ind = (xx[:, None] == np.arange(1, Kmax + 1)[None, :]).astype(float) - pk
        np.add.at(g_psi, bcol[bval], ind[bval])
        # information blocks
        A = np.bincount(tt, weights=V, minlength=T)
        B = np.zeros((T, n_obs + nb))
        np.add.at(B, (tt, oo), -V)
        np.add.at(B, (np.broadcast_to(tt[:, None], bcol.shape)[bval], bcol[bval]), cov_xk[bval])
        C = np.zeros((n_obs + nb, n_obs + nb))
        np.add.at(C, (oo, oo), V)
        ob = np.broadcast_to(oo[:, None], bcol.shape)[bval]
        np.add.at(C, (ob, bcol[bval]), -cov_xk[bval])
        np.add.at(C, (bcol[bval], ob), -cov_xk[bval])
        for a in range(Kmax):
            for b in range(Kmax):
                sel = bval[:, a] & bval[:, b]
                val = (pk[sel, a] * (a == b)) - pk[sel, a] * pk[sel, b]
                np.add.at(C, (bcol[sel, a], bcol[sel, b]), val)
        live = np.zeros(T, dtype=bool)
        live[cal_t] = True
        Ai = np.where(live, 1.0 / np.where(live, A, 1.0), 0.0)
        Bf = B[:, free_psi]
        S = C[np.ix_(free_psi, free_psi)] - Bf.T @ (Ai[:, None] * Bf)
        rhs = g_psi[free_psi] - Bf.T @ (Ai * g_theta)
        try:
            d_psi_f = np.linalg.solve(S, rhs)
        except np.linalg.LinAlgError as exc:
            raise AnalysisError("The design does not identify the observer severities.") from exc
        d_theta = Ai * (g_theta - Bf @ d_psi_f)
        d_psi = np.zeros(n_obs + nb)
        d_psi[free_psi] = d_psi_f
        big = max(np.abs(d_theta).max(), np.abs(d_psi).max())
        step = 1.0 if big <= 2.0 else 2.0 / big
        for _ in range(30):
            nt = theta + step * d_theta
            nl = lam + step * d_psi[:n_obs]
            nbeta = beta + step * d_psi[n_obs:]
            ll_new = loglik(nt, nl, nbeta)
            if ll_new >= ll - 1e-9 * abs(ll):
                break
            step *= 0.5
        theta, lam, beta, ll = nt, nl, nbeta, ll_new
        if big * step < 1e-9:
            break
    else:
        raise AnalysisError("The many-facet model did not converge in 200 iterations.")
    if np.abs(beta).max() > 50 or np.abs(lam).max() > 50:
        raise AnalysisError("Estimates diverge: the ratings do not pin the parameters down.")

    # --- covariance of psi (free part) from the Schur complement at the solution
    cov_f = np.linalg.inv(S)
    cov = np.zeros((n_obs + nb, n_obs + nb))
    cov[np.ix_(free_psi, free_psi)] = cov_f

    # --- identification: mean severity 0, mean threshold 0; bias correction
    Lbar = float(np.mean(np.bincount(tt, minlength=T)[cal_t]))
    factor = (Lbar - 1) / Lbar if bias_correction and Lbar > 1 else 1.0
    thr = np.full((J, Kmax), np.nan)
    D = np.zeros((nb, nb))  # thresholds = D @ beta
    for j in dims:
        s0 = offs[j]
        for s in range(K[j]):
            D[s0 + s, s0 + s] = -1.0
            if s:
                D[s0 + s, s0 + s - 1] = 1.0
    delta = D @ beta
    Lmap = np.zeros((n_obs + nb, n_obs + nb))
    Lmap[:n_obs, :n_obs] = np.eye(n_obs) - 1.0 / n_obs
    Lmap[n_obs:, n_obs:] = D - D.mean(0, keepdims=True)
    cov_id = Lmap @ cov @ Lmap.T * factor**2
    sev = (lam - lam.mean()) * factor
    delta_c = (delta - delta.mean()) * factor
    sev_se = np.sqrt(np.clip(np.diag(cov_id)[:n_obs], 0, None))
    dse = np.sqrt(np.clip(np.diag(cov_id)[n_obs:], 0, None))
    thr_se = np.full((J, Kmax), np.nan)
    for j in dims:
        thr[j, : K[j]] = delta_c[offs[j] : offs[j] + K[j]]
        thr_se[j, : K[j]] = dse[offs[j] : offs[j] + K[j]]

    # --- teacher measures: Warm WLE for every teacher (all usable ratings), given the above
    beta_c = np.zeros(nb)
    for j in dims:
        beta_c[offs[j] : offs[j] + K[j]] = -np.cumsum(thr[j, : K[j]])
    rated = (xc >= 0) & (K[dim] > 0)
    pm, pse = _wle(t[rated], o[rated], dim[rated], xc[rated], T, sev, beta_rows(beta_c))
    step_labels = tuple(
        tuple((int(maps[j][s]), int(maps[j][s + 1])) for s in range(K[j])) for j in range(J)
    )
    return FacetsResult(
        persons=plab,
        person_measures=pm,
        person_se=pse,
        person_n=np.bincount(t[rated], minlength=T),
        observers=olab,
        severity=sev,
        severity_se=sev_se,
        observer_n=np.bincount(o[rated], minlength=n_obs),
        thresholds=thr,
        threshold_se=thr_se,
        n_steps=tuple(int(v) for v in K),
        step_labels=step_labels,
        bias_factor=factor,
        loglik=ll,
        iterations=it,
        excluded_persons=excluded,
        notes=tuple(notes),
    )


def _encode(values):
    """Integer codes and the sorted labels (as strings when labels are of mixed types)."""
    arr = np.asarray(values)
    if arr.dtype == object:
        try:
            labels, codes = np.unique(arr, return_inverse=True)
        except TypeError:
            labels, codes = np.unique(arr.astype(str), return_inverse=True)
    else:
        labels, codes = np.unique(arr, return_inverse=True)
    return codes.reshape(-1), tuple(v.item() if hasattr(v, "item") else v for v in labels)


def _wle(t, o, d, x, T, sev, pad):
    """Warm WLE per teacher with per-rating offsets -λ_o: bracketed Newton, vectorised."""
    kk = np.arange(pad.shape[1], dtype=float)
    r = np.bincount(t, weights=x, minlength=T)
    lo = np.full(T, -40.0)
    hi = np.full(T, 40.0)
    theta = np.zeros(T)
    has = np.bincount(t, minlength=T) > 0
    for _ in range(200):
        p = _probs(theta[t] - sev[o], pad[d])
        E = p @ kk
        dv = kk[None, :] - E[:, None]
        V = (p * dv**2).sum(1)
        M3 = (p * dv**3).sum(1)
        sE = np.bincount(t, weights=E, minlength=T)
        sV = np.bincount(t, weights=V, minlength=T)
        s3 = np.bincount(t, weights=M3, minlength=T)
        f = r - sE + s3 / (2 * np.maximum(sV, 1e-300))
        pos = f > 0
        lo = np.where(pos, theta, lo)
        hi = np.where(pos, hi, theta)
        new = theta + np.clip(f / np.maximum(sV, 1e-12), -3, 3)
        out = (new < lo) | (new > hi)
        new = np.where(out, 0.5 * (lo + hi), new)
        new = np.where(np.abs(f) < 1e-11, theta, new)
        if np.all(np.abs(new - theta)[has] < 1e-10):
            theta = new
            break
        theta = new
    p = _probs(theta[t] - sev[o], pad[d])
    E = p @ kk
    V = p @ kk**2 - E**2
    sV = np.bincount(t, weights=V, minlength=T)
    se = np.where(has, 1.0 / np.sqrt(np.maximum(sV, 1e-300)), math.inf)
    return np.where(has, theta, np.nan), se

"""Generalizability theory: variance components (G study) and projected reliability (D study).

G study. Scores y are indexed by facets, e.g. teacher (t), lesson within teacher (l:t) and
observer (o). Under the random-effects model every *effect* α — a set of primary facets plus
the facets they are nested in — contributes an independent variance component σ²(α); the
highest-order effect is confounded with residual error.

* Balanced designs (every combination present exactly once): ANOVA with expected mean
  squares (Cornfield & Tukey 1956; Brennan 2001, ch. 3). For an effect α with index set I(α)
  (primary and nesting facets),
      SS(α) = N / Π_{f ∈ I(α)} n_f · Σ_cells [e(α)]²,
      e(α) = Σ_{S ⊆ primary(α)} (-1)^{|primary-S|} ȳ_{S ∪ nest(α)}  (marginal means),
      E[MS(α)] = Σ_{β : I(β) ⊇ I(α)} (Π_{f ∉ I(β)} n_f) σ²(β),
  solved from the highest-order effect down. Estimates are unbiased and may be negative; they
  are reported as estimated and set to 0 in D studies (Brennan 2001, §3.4). Standard errors:
  σ̂²(α) = Σ_β a_β MS(β), so SE = √(Σ_β a_β² · 2 MS(β)² / (df(β) + 2)) (Brennan 2001, eq. 6.1).
* Unbalanced designs (missing cells, unequal numbers of lessons or observers): restricted
  maximum likelihood (REML; Patterson & Thompson 1971; Searle, Casella & McCulloch 1992) on
  the same random-effects model, with a sparse mixed-model-equations formulation (as lme4:
  relative covariance factors λ_k ≥ 0, profiled residual variance, log-determinant of the
  sparse system). REML estimates are non-negative; for balanced data with positive ANOVA
  estimates the two coincide.

D study. For a teacher's mean over n'_f conditions of each facet f, with object of
measurement p and the set of fixed facets F:
    universe-score variance σ²(τ) = σ²(p) + Σ_{α ∋ p, I(α)∖p ⊆ F} σ²(α) / Π_{f ∈ I(α)∖p} n'_f,
    relative error σ²(δ) = Σ_{α ∋ p, other} σ²(α) / Π_{f ∈ I(α)∖p} n'_f,
    absolute error σ²(Δ) = σ²(δ) + Σ_{α ∌ p, I(α) ⊄ F} σ²(α) / Π_{f ∈ I(α)} n'_f,
    Eρ² = σ²(τ) / (σ²(τ) + σ²(δ)),  Φ = σ²(τ) / (σ²(τ) + σ²(Δ))      (Brennan 2001, ch. 4).
For nested facets n'_f counts conditions per parent (e.g. lessons per teacher).

References: Brennan, R. L. (2001) Generalizability Theory. Springer. Cornfield, J. & Tukey,
J. W. (1956) Average values of mean squares in factorials. Ann. Math. Stat. 27, 907-949.
Patterson, H. D. & Thompson, R. (1971) Recovery of inter-block information when block sizes
are unequal. Biometrika 58, 545-554. Bates, D. et al. (2015) Fitting linear mixed-effects
models using lme4. J. Stat. Softw. 67(1).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from samsyn.analysis.results import AnalysisError

__all__ = ["DStudyResult", "GStudyResult", "VarianceComponent", "dstudy", "gstudy"]


@dataclass(frozen=True)
class VarianceComponent:
    """One effect's variance component.

    ``name`` in Brennan's notation with facet names ("teacher", "lesson:teacher",
    "teacher x observer", "lesson x observer:teacher"); ``facets`` the primary facets,
    ``nested_in`` the facets they are nested in. ``estimate`` as estimated (ANOVA estimates
    may be negative); ``se`` its standard error (ANOVA: Brennan eq. 6.1; REML: from the
    observed information), ``df``/``ms`` for ANOVA (None for REML).
    """

    name: str
    facets: tuple[str, ...]
    nested_in: tuple[str, ...]
    estimate: float
    se: float | None
    df: int | None = None
    ms: float | None = None
    ss: float | None = None

    @property
    def index_set(self) -> frozenset[str]:
        return frozenset(self.facets) | frozenset(self.nested_in)


@dataclass(frozen=True)
class GStudyResult:
    """Variance components of a G study; ``components`` from main effects to residual."""

    components: tuple[VarianceComponent, ...]
    method: str  # "anova" or "reml"
    facets: tuple[str, ...]
    nesting: tuple[tuple[str, str], ...]
    sizes: tuple[tuple[str, float], ...]  # levels per facet (per parent for nested facets)
    n: int  # number of scores
    grand_mean: float

    def __getitem__(self, name: str) -> VarianceComponent:
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(f"No component {name!r}; have {[c.name for c in self.components]}")

    def variances(self) -> dict[str, float]:
        return {c.name: c.estimate for c in self.components}


@dataclass(frozen=True)
class DStudyResult:
    """Projected reliability of the object's mean over ``n`` conditions per facet."""

    g_coefficient: float  # Eρ²
    phi: float  # Φ
    universe_variance: float
    relative_error_variance: float
    absolute_error_variance: float
    n: tuple[tuple[str, int], ...]
    object: str
    fixed: tuple[str, ...]
    # Approximate intervals (``dstudy(..., confidence=...)``): None when not asked for or when
    # a component has no standard error.
    g_interval: tuple[float, float] | None = None
    phi_interval: tuple[float, float] | None = None
    confidence: float | None = None

    @property
    def relative_se(self) -> float:
        return math.sqrt(self.relative_error_variance)

    @property
    def absolute_se(self) -> float:
        return math.sqrt(self.absolute_error_variance)


# ----------------------------------------------------------------------------------------------


def _ancestors(f: str, parent: Mapping[str, str]) -> list[str]:
    out = []
    while f in parent:
        f = parent[f]
        if f in out:
            raise AnalysisError("The nesting relation has a cycle.")
        out.append(f)
    return out


def _effects(facets: Sequence[str], parent: Mapping[str, str]):
    """All effects: (primary facets, nesting facets), ordered by size of the index set."""
    anc = {f: set(_ancestors(f, parent)) for f in facets}
    out = []
    for r in range(1, len(facets) + 1):
        for prim in itertools.combinations(facets, r):
            if any(a in anc[b] for a in prim for b in prim):
                continue
            nest = set().union(*(anc[p] for p in prim)) - set(prim)
            out.append((tuple(prim), tuple(f for f in facets if f in nest)))
    out.sort(key=lambda e: (len(e[0]) + len(e[1]), len(e[0])))
    return out


def _name(prim, nest) -> str:
    s = " x ".join(prim)
    return s + (":" + " x ".join(nest) if nest else "")


def _codes(facets, labels, parent):
    """Integer codes per facet; nested facets coded within their parent (full ancestry)."""
    codes = {}
    for f in facets:
        key = [np.asarray(labels[f], dtype=object)]
        key += [np.asarray(labels[a], dtype=object) for a in _ancestors(f, parent)]
        tup = list(zip(*key, strict=True))
        uniq = {}
        codes[f] = np.array([uniq.setdefault(t, len(uniq)) for t in tup], dtype=np.int64)
    return codes


def gstudy(
    scores: Sequence[float] | np.ndarray,
    facets: Mapping[str, Sequence],
    *,
    nested: Mapping[str, str] | None = None,
    method: str = "auto",
) -> GStudyResult:
    """Estimate variance components for a random-effects G study.

    Args:
        scores: one score per observation (e.g. a lesson's mean rating by one observer).
        facets: facet name -> label of each observation, e.g. ``{"teacher": t, "lesson": l,
            "observer": o}``; order sets the order of names. Labels of a nested facet are read
            within their parent (lesson 1 of teacher A is not lesson 1 of teacher B).
        nested: child -> parent, e.g. ``{"lesson": "teacher"}``.
        method: ``"anova"`` (balanced designs only), ``"reml"``, or ``"auto"`` (ANOVA when
            balanced, REML otherwise).

    Formulas: module docstring (ANOVA/EMS; REML). Raises AnalysisError on unusable input.
    References: Brennan, R. L. (2001) Generalizability Theory (Springer); Patterson, H. D. &
    Thompson, R. (1971) Biometrika 58, 545-554.
    """
    y = np.asarray(scores, dtype=float).ravel()
    names = tuple(facets)
    parent = dict(nested or {})
    if len(names) == 0:
        raise AnalysisError("A G study needs at least one facet.")
    for c, p in parent.items():
        if c not in names or p not in names:
            raise AnalysisError(f"Nesting {c}:{p} names a facet that is not in the data.")
    for f in names:
        if len(facets[f]) != y.size:
            raise AnalysisError(f"Facet {f!r} has {len(facets[f])} labels for {y.size} scores.")
    if y.size < 3 or not np.all(np.isfinite(y)):
        raise AnalysisError("A G study needs at least three finite scores.")
    if method not in ("auto", "anova", "reml"):
        raise AnalysisError(f"Unknown method {method!r}; use 'auto', 'anova' or 'reml'.")
    codes = _codes(names, facets, parent)
    effects = _effects(names, parent)
    arr, sizes = _balanced_array(y, names, codes, parent)
    if method == "anova" and arr is None:
        raise AnalysisError(
            "The design is unbalanced (missing or repeated cells); use method='reml'."
        )
    if method == "anova" or (method == "auto" and arr is not None):
        comps = _anova(arr, names, effects, sizes)
        used = "anova"
    else:
        comps = _reml(y, names, codes, effects, parent)
        used = "reml"
        sizes = _mean_sizes(names, codes, parent)
    return GStudyResult(
        components=comps,
        method=used,
        facets=names,
        nesting=tuple(parent.items()),
        sizes=tuple(sizes.items()),
        n=int(y.size),
        grand_mean=float(y.mean()),
    )


def _mean_sizes(names, codes, parent):
    sizes = {}
    for f in names:
        if f in parent:
            par = codes[parent[f]]
            per = [np.unique(codes[f][par == p]).size for p in np.unique(par)]
            sizes[f] = float(np.mean(per))
        else:
            sizes[f] = float(np.unique(codes[f]).size)
    return sizes


def _balanced_array(y, names, codes, parent):
    """Scores as a full array (one axis per facet), or None if the design is unbalanced."""
    sizes, within = {}, {}
    for f in names:
        if f in parent:
            par = codes[parent[f]]
            # within-parent index of each child level
            idx = np.zeros_like(codes[f])
            counts = set()
            for p in np.unique(par):
                kids = np.unique(codes[f][par == p])
                counts.add(kids.size)
                lut = {k: i for i, k in enumerate(kids)}
                m = par == p
                idx[m] = [lut[k] for k in codes[f][m]]
            if len(counts) != 1:
                return None, None
            sizes[f] = counts.pop()
            within[f] = idx
        else:
            sizes[f] = int(codes[f].max()) + 1
            within[f] = codes[f]
    shape = tuple(sizes[f] for f in names)
    if math.prod(shape) != y.size:
        return None, None
    flat = np.ravel_multi_index(tuple(within[f] for f in names), shape)
    if np.unique(flat).size != y.size:
        return None, None
    arr = np.empty(y.size)
    arr[flat] = y
    return arr.reshape(shape), sizes


def _anova(arr, names, effects, sizes):
    N = arr.size
    axis = {f: i for i, f in enumerate(names)}

    def mean_over(keep):
        drop = tuple(axis[f] for f in names if f not in keep)
        return arr.mean(axis=drop, keepdims=True) if drop else arr

    rows = []
    for prim, nest in effects:
        eff = 0.0
        for r in range(len(prim) + 1):
            for sub in itertools.combinations(prim, r):
                sign = (-1) ** (len(prim) - r)
                eff = eff + sign * mean_over(set(sub) | set(nest))
        idx = set(prim) | set(nest)
        cells = math.prod(sizes[f] for f in idx)
        # eff keeps size-1 axes for the facets averaged over: its sum runs over its own cells
        ss = float((np.asarray(eff) ** 2).sum()) * N / cells
        df = math.prod(sizes[f] - 1 for f in prim) * math.prod(sizes[f] for f in nest)
        rows.append((prim, nest, idx, ss, df))
    # the highest-order effect is the residual: its index set is all facets
    ms = [ss / df if df > 0 else float("nan") for (_, _, _, ss, df) in rows]
    if any(df <= 0 for *_, df in rows):
        raise AnalysisError("Every facet needs at least two levels for an ANOVA G study.")
    E = len(rows)
    # EMS matrix: MS = A @ sigma2
    A = np.zeros((E, E))
    for a, (_, _, ia, _, _) in enumerate(rows):
        for b, (_, _, ib, _, _) in enumerate(rows):
            if ib >= ia:
                A[a, b] = math.prod(sizes[f] for f in names if f not in ib)
    coef = np.linalg.inv(A)  # sigma2 = coef @ MS
    ms_arr = np.array(ms)
    sig = coef @ ms_arr
    dfs = np.array([r[4] for r in rows], dtype=float)
    var_ms = 2 * ms_arr**2 / (dfs + 2)
    se = np.sqrt((coef**2) @ var_ms)
    return tuple(
        VarianceComponent(
            name=_name(prim, nest),
            facets=prim,
            nested_in=nest,
            estimate=float(sig[k]),
            se=float(se[k]),
            df=int(df),
            ms=float(ms[k]),
            ss=float(ss),
        )
        for k, (prim, nest, _, ss, df) in enumerate(rows)
    )


def _reml(y, names, codes, effects, parent):
    import scipy.sparse as sp
    from scipy.optimize import minimize
    from scipy.sparse.linalg import splu

    N = y.size
    # random effects: all but the highest-order effect (= residual) when it has one cell per
    # observation; otherwise every effect is a random effect and the residual is extra
    mats, keep = [], []
    for prim, nest in effects:
        idx = [f for f in names if f in set(prim) | set(nest)]
        key = np.ravel_multi_index(
            tuple(codes[f] for f in idx), tuple(int(codes[f].max()) + 1 for f in idx)
        )
        _, col = np.unique(key, return_inverse=True)
        q = int(col.max()) + 1
        if q == N:  # one level per observation: confounded with the residual
            continue
        mats.append(sp.csc_matrix((np.ones(N), (np.arange(N), col)), shape=(N, q)))
        keep.append((prim, nest))
    resid_name = _name(*effects[-1]) if len(keep) < len(effects) else "residual"
    if not mats:
        raise AnalysisError("No facet has repeated levels: nothing to separate from error.")
    Z = sp.hstack(mats).tocsc()
    sizes = [m.shape[1] for m in mats]
    X = np.ones((N, 1))
    p = 1
    ZtZ = (Z.T @ Z).tocsc()
    Zty = Z.T @ y
    ZtX = Z.T @ X
    XtX = X.T @ X
    Xty = X.T @ y
    yty = float(y @ y)

    q = Z.shape[1]
    dense = q + p <= 2500
    if dense:
        import scipy.linalg as sla

        ZtZd = ZtZ.toarray()

    block = np.repeat(np.arange(len(sizes)), sizes)

    def dense_eval(lam, grad):
        """Profiled REML deviance (and its analytic gradient) from one Cholesky factor.

        M = [[D Z'Z D + I, D Z'X], [X'Z D, X'X]], D = diag(λ per level). -2 log L_R =
        log|M| + (N-p)(1 + log(2π·prss/(N-p))); by the envelope theorem
        d prss/dλ_k = -2 Σ_{i∈k} u_i (Z'r)_i and d log|M|/dλ_k = tr(M⁻¹ dM/dλ_k).
        """
        d = lam[block]
        M = np.empty((q + p, q + p))
        M[:q, :q] = d[:, None] * ZtZd * d[None, :] + np.eye(q)
        M[:q, q:] = d[:, None] * ZtX
        M[q:, :q] = M[:q, q:].T
        M[q:, q:] = XtX
        rhs = np.concatenate([d * Zty, Xty])
        c, low = sla.cho_factor(M, lower=True, check_finite=False)
        sol = sla.cho_solve((c, low), rhs, check_finite=False)
        logdet = 2.0 * float(np.log(np.diag(c)).sum())
        prss = yty - float(sol @ rhs)
        dev = logdet + (N - p) * (1 + math.log(2 * math.pi * prss / (N - p)))
        if not grad:
            return dev, prss
        Sinv = sla.cho_solve((c, low), np.eye(q + p), check_finite=False)
        u, beta = sol[:q], sol[q:]
        ztr = Zty - ZtX @ beta - ZtZd @ (d * u)
        per_level = ((ZtZd * d[None, :]) * Sinv[:q, :q]).sum(1) + (Sinv[:q, q:] * ZtX).sum(1)
        g_logdet = 2.0 * np.bincount(block, weights=per_level, minlength=len(sizes))
        g_prss = -2.0 * np.bincount(block, weights=u * ztr, minlength=len(sizes))
        return dev, g_logdet + (N - p) / prss * g_prss

    def parts(lam):
        d = lam[block]
        if dense:
            _, prss = dense_eval(lam, False)
            return 0.0, prss
        Dm = sp.diags(d)
        A = (Dm @ ZtZ @ Dm + sp.identity(Z.shape[1])).tocsc()
        M = sp.bmat([[A, sp.csc_matrix(Dm @ ZtX)], [sp.csc_matrix((Dm @ ZtX).T), XtX]]).tocsc()
        rhs = np.concatenate([d * Zty, Xty])
        lu = splu(M, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0)
        sol = lu.solve(rhs)
        logdet = float(np.log(np.abs(lu.U.diagonal())).sum())
        prss = yty - float(sol @ rhs)
        return logdet, prss

    def deviance(lam):
        logdet, prss = parts(np.abs(lam))
        s2 = prss / (N - p)
        return logdet + (N - p) * (1 + math.log(2 * math.pi * s2))

    def run(x0):
        if dense:
            return minimize(
                lambda lam: dense_eval(lam, True),
                x0,
                jac=True,
                method="L-BFGS-B",
                bounds=[(0, None)] * len(mats),
                options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 1000},
            )
        return minimize(
            deviance,
            x0,
            method="L-BFGS-B",
            bounds=[(0, None)] * len(mats),
            options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 500},
        )

    # λ_k = 0 is always a stationary point (the deviance is even in λ_k), so a component
    # that lands there is re-tried from a positive value; the lowest deviance wins.
    best = run(np.ones(len(mats)))
    for _ in range(len(mats)):
        zero = best.x <= 1e-6
        if not zero.any():
            break
        x0 = best.x.copy()
        x0[zero] = 0.3
        cand = run(x0)
        if cand.fun < best.fun - 1e-9:
            best = cand
        else:
            break
    lam = np.abs(best.x)
    _, prss = parts(lam)
    s2 = prss / (N - p)
    est = np.concatenate([lam**2 * s2, [s2]])
    se = _reml_se(est, mats, N, p, y)
    comps = [
        VarianceComponent(
            name=_name(prim, nest),
            facets=prim,
            nested_in=nest,
            estimate=float(est[k]),
            se=se[k],
        )
        for k, (prim, nest) in enumerate(keep)
    ]
    rprim, rnest = effects[-1] if resid_name != "residual" else ((), ())
    comps.append(
        VarianceComponent(
            name=resid_name,
            facets=tuple(rprim),
            nested_in=tuple(rnest),
            estimate=float(est[-1]),
            se=se[-1],
        )
    )
    return tuple(comps)


def _reml_se(est, mats, N, p, y):
    """SEs from the REML expected information ½ tr(P V_k P V_l) (dense; small problems only)."""
    if N > 2000:  # dense N x N algebra; the estimates themselves have no such limit
        return [None] * len(est)
    Vk = [(m @ m.T).toarray() for m in mats] + [np.eye(N)]
    V = sum(s * v for s, v in zip(est, Vk, strict=True))
    try:
        Vi = np.linalg.inv(V)
    except np.linalg.LinAlgError:
        return [None] * len(est)
    X = np.ones((N, 1))
    P = Vi - Vi @ X @ np.linalg.inv(X.T @ Vi @ X) @ X.T @ Vi
    PV = [P @ v for v in Vk]
    info = np.array([[0.5 * np.sum(a * b.T) for b in PV] for a in PV])
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return [None] * len(est)
    out = []
    for k, e in enumerate(est):
        # a component on the boundary (0) has no regular SE
        out.append(float(math.sqrt(cov[k, k])) if e > 1e-10 and cov[k, k] > 0 else None)
    return out


def dstudy(
    g: GStudyResult,
    n: Mapping[str, int],
    *,
    object: str | None = None,
    fixed: Sequence[str] = (),
    nested: Mapping[str, str] | None = None,
    confidence: float | None = None,
    draws: int = 4000,
    seed: int = 0,
) -> DStudyResult:
    """Projected Eρ² and Φ for the object's mean over ``n[f]`` conditions of each facet.

    ``object`` is the object of measurement (default: the first facet, e.g. the teacher);
    facets missing from ``n`` keep their G-study sample size. Negative G-study estimates
    count as 0. Formulas: module docstring.

    ``nested`` describes a D-study design that nests a facet the G study crossed, e.g.
    ``{"observer": "lesson"}``: every lesson seen by its own observer(s). An effect holding
    the nested facet but not its parent is then confounded with the parent's effect and its
    variance is divided by the parent's sample size too (Brennan 2001, §4.4).

    With ``confidence`` (e.g. 0.95) the result also carries approximate intervals for Eρ² and
    Φ: the variance components are drawn ``draws`` times from independent normal
    distributions with their estimates and standard errors, truncated at 0, and the interval
    is the central ``confidence`` share of the projected coefficients (a parametric
    simulation; it ignores the covariance between component estimates, so it is a guide to
    how firm the projection is, not an exact interval). Components estimated at 0 (REML's
    boundary, no regular SE) are held at 0; if another component lacks an SE there is no
    interval.
    Reference: Brennan, R. L. (2001) Generalizability Theory, ch. 4 and §6.2 (Springer).
    """
    obj = object or g.facets[0]
    if obj not in g.facets:
        raise AnalysisError(f"Object of measurement {obj!r} is not a facet of the G study.")
    sizes = dict(g.sizes)
    for f, v in n.items():
        if f not in sizes:
            raise AnalysisError(f"Facet {f!r} is not in the G study.")
        if v < 1:
            raise AnalysisError(f"The D study needs at least one condition of {f!r}.")
        sizes[f] = v
    fixed_set = set(fixed)
    if obj in fixed_set or not fixed_set <= set(g.facets):
        raise AnalysisError("Fixed facets must be facets other than the object of measurement.")
    d_nested = dict(nested or {})
    for f, parent in d_nested.items():
        if f not in sizes or parent not in sizes or f == obj or parent == obj:
            raise AnalysisError(f"Cannot nest {f!r} in {parent!r} in this D study.")
    if confidence is not None and not 0 < confidence < 1:
        raise AnalysisError("The confidence level must lie strictly between 0 and 1.")
    # Each component's role: 0 universe score, 1 relative error, 2 absolute error only; and
    # the divisor (product of D-study sample sizes over its facets other than the object).
    roles, divisors = [], []
    for c in g.components:
        idx = set(c.facets) | set(c.nested_in)
        if not idx:  # "residual" under REML with replicates: all facets
            idx = set(g.facets)
        others = idx - {obj}
        dividing = others | {d_nested[f] for f in others if f in d_nested}
        div = math.prod(sizes[f] for f in dividing) if dividing else 1
        if obj in idx:
            role = 0 if (not others or others <= fixed_set) else 1
        elif not idx <= fixed_set:
            role = 2
        else:
            role = -1  # fixed facets' own effects do not enter the D study
        roles.append(role)
        divisors.append(div)
    role_arr = np.array(roles)
    div_arr = np.array(divisors, dtype=float)

    def project(values: np.ndarray) -> tuple[np.ndarray, ...]:
        """values: (..., components) non-negative variances → τ, δ, Δ, Eρ², Φ."""
        parts = values / div_arr
        tau = parts[..., role_arr == 0].sum(axis=-1)
        rel = parts[..., role_arr == 1].sum(axis=-1)
        abs_ = rel + parts[..., role_arr == 2].sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            g_coef = np.where(tau + rel > 0, tau / (tau + rel), np.nan)
            phi = np.where(tau + abs_ > 0, tau / (tau + abs_), np.nan)
        return tau, rel, abs_, g_coef, phi

    point = np.array([max(c.estimate, 0.0) for c in g.components])
    tau, rel, abs_, g_coef, phi = (float(x) for x in project(point))
    g_interval = phi_interval = None
    # A component estimated on the boundary (0) has no regular SE: it is held at 0.
    ses = [0.0 if c.se is None and c.estimate <= 1e-10 else c.se for c in g.components]
    if confidence is not None and all(se is not None and math.isfinite(se) for se in ses):
        rng = np.random.default_rng(seed)
        raw = np.array([c.estimate for c in g.components])
        sample = np.clip(raw + rng.standard_normal((draws, raw.size)) * np.array(ses), 0, None)
        *_, g_draws, phi_draws = project(sample)
        tail = (1 - confidence) / 2 * 100
        g_ok, phi_ok = g_draws[np.isfinite(g_draws)], phi_draws[np.isfinite(phi_draws)]
        if g_ok.size:
            lo, hi = np.percentile(g_ok, [tail, 100 - tail])
            g_interval = (float(lo), float(hi))
        if phi_ok.size:
            lo, hi = np.percentile(phi_ok, [tail, 100 - tail])
            phi_interval = (float(lo), float(hi))
    return DStudyResult(
        g_coefficient=g_coef,
        phi=phi,
        universe_variance=tau,
        relative_error_variance=rel,
        absolute_error_variance=abs_,
        n=tuple((f, int(sizes[f])) for f in g.facets if f != obj),
        object=obj,
        fixed=tuple(fixed),
        g_interval=g_interval,
        phi_interval=phi_interval,
        confidence=confidence if g_interval is not None else None,
    )

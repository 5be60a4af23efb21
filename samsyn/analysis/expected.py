"""Expected values: "the gap between capacity and achievement" (after Skolverket's SALSA).

For one year, an ordinary least squares regression across units (municipalities) of a result
(merit value, share passing all subjects, ...) on the units' background (share of pupils whose
parents have post-secondary education, share with a foreign background, share of boys):

    y_i = b0 + b1·x_i1 + ... + bk·x_ik + e_i,   e_i ~ N(0, σ²) independent.

With X the n × p design matrix (a column of ones, then the k background shares), the estimate
is b = (XᵀX)⁻¹Xᵀy, computed through a QR decomposition X = QR (never by inverting XᵀX, which
squares the condition number). The residual variance is s² = ‖y − Xb‖² / (n − p), the
standard errors are s·sqrt(diag((XᵀX)⁻¹)) and, for a unit with background x₀,

    expected value   ŷ₀ = x₀ᵀb
    prediction SE    s_pred = s·sqrt(1 + x₀ᵀ(XᵀX)⁻¹x₀)
    interval         ŷ₀ ± t(1 − α/2; n − p)·s_pred.

The *residual* of a unit is actual − expected, shown with the interval residual ± t·s_pred.
That interval excludes 0 exactly when the actual value lies outside the prediction interval:
a result clearly above (or below) what units with the same background reach. The prediction
interval (the "1 +") is used rather than the narrower interval of a fitted residual, because
the question asked is "would a unit with this background plausibly reach this result?",
which is what a prediction interval answers (Weisberg 2014, §3.5). The model is re-estimated
for every year and is not a ranking: neighbouring residuals overlap far more than their
order suggests.

The residual trend is a second, small OLS: residual on year, with its slope (change of the
gap per year), the slope's standard error and t interval.

References: Skolverket (2023). *SALSA – Skolverkets arbetsverktyg för lokala sambandsanalyser,
metodbeskrivning*. Weisberg, S. (2014). *Applied Linear Regression*, 4th ed., Wiley, ch. 2–3.
Golub, G. H. & Van Loan, C. F. (2013). *Matrix Computations*, 4th ed., §5.3 (least squares by QR).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from samsyn.analysis.results import AnalysisError, Estimate, t_quantile

__all__ = [
    "ExpectedModel",
    "ExpectedValue",
    "OLSFit",
    "expected_values",
    "ols",
    "predict",
    "residual_trend",
]


@dataclass(frozen=True, slots=True)
class OLSFit:
    """An ordinary least squares fit with an intercept.

    ``names`` label ``coef``/``se`` (the first is "intercept"); ``xtx_inv`` is (XᵀX)⁻¹, kept for
    predictions; ``sigma`` is the residual standard deviation s; ``df_resid`` is n − p.
    """

    names: tuple[str, ...]
    coef: tuple[float, ...]
    se: tuple[float, ...]
    n: int
    df_resid: int
    sigma: float
    r_squared: float
    xtx_inv: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True)
class Prediction:
    mean: float
    se_mean: float
    se_pred: float
    pi_low: float
    pi_high: float


def _matrix(x: Any, name: str) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise AnalysisError(f"{name} must hold numbers only.") from None
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise AnalysisError(f"{name} must be a units × predictors table.")
    if not np.isfinite(a).all():
        raise AnalysisError(f"{name} has missing or infinite values; leave those units out.")
    return a


def ols(x: Any, y: Any, *, names: Sequence[str] | None = None) -> OLSFit:
    """Fit y on x (units × predictors, without the intercept column, which is added)."""
    xm = _matrix(x, "x")
    yv = np.asarray(y, dtype=float).ravel()
    if yv.shape[0] != xm.shape[0]:
        raise AnalysisError(f"x has {xm.shape[0]} units but y has {yv.shape[0]}.")
    if not np.isfinite(yv).all():
        raise AnalysisError("y has missing or infinite values; leave those units out.")
    n, k = xm.shape
    p = k + 1
    if n <= p:
        raise AnalysisError(
            f"{n} units cannot support a model with {p} coefficients; at least {p + 1} are needed."
        )
    design = np.column_stack([np.ones(n), xm])
    q, r = np.linalg.qr(design)
    diag = np.abs(np.diag(r))
    if diag.min() <= 1e-10 * diag.max():
        raise AnalysisError(
            "The background shares are collinear (one is a combination of the others, e.g. "
            "the shares of girls and of boys together); drop one of them."
        )
    coef = np.linalg.solve(r, q.T @ yv)
    r_inv = np.linalg.solve(r, np.eye(p))
    xtx_inv = r_inv @ r_inv.T
    resid = yv - design @ coef
    df = n - p
    s2 = float(resid @ resid) / df
    tss = float(((yv - yv.mean()) ** 2).sum())
    label = list(names) if names is not None else [f"x{i + 1}" for i in range(k)]
    if len(label) != k:
        raise AnalysisError(f"{len(label)} names given for {k} predictors.")
    return OLSFit(
        names=("intercept", *label),
        coef=tuple(float(c) for c in coef),
        se=tuple(float(math.sqrt(s2 * xtx_inv[i, i])) for i in range(p)),
        n=n,
        df_resid=df,
        sigma=math.sqrt(s2),
        r_squared=1 - float(resid @ resid) / tss if tss > 0 else 0.0,
        xtx_inv=tuple(tuple(float(v) for v in row) for row in xtx_inv),
    )


_t = t_quantile


def predict(fit: OLSFit, x0: Sequence[float], *, confidence: float = 0.95) -> Prediction:
    """Expected value and prediction interval for a unit with background ``x0``."""
    row = np.concatenate([[1.0], np.asarray(x0, dtype=float).ravel()])
    if row.shape[0] != len(fit.coef):
        raise AnalysisError(f"x0 has {row.shape[0] - 1} values; the model has {len(fit.coef) - 1}.")
    inv = np.asarray(fit.xtx_inv)
    mean = float(row @ np.asarray(fit.coef))
    h = float(row @ inv @ row)
    se_mean = fit.sigma * math.sqrt(h)
    se_pred = fit.sigma * math.sqrt(1 + h)
    half = _t(confidence, fit.df_resid) * se_pred
    return Prediction(mean, se_mean, se_pred, mean - half, mean + half)


@dataclass(frozen=True, slots=True)
class ExpectedValue(Estimate):
    """One unit's residual (``estimate`` = actual − expected) with its prediction interval.

    ``se`` is the prediction standard error, ``ci_low``/``ci_high`` the residual's interval,
    ``n`` the number of units in the model. ``pi_low``/``pi_high`` bound the actual value a
    unit with this background would plausibly reach.
    """

    unit: str = ""
    actual: float = math.nan
    expected: float = math.nan
    pi_low: float = math.nan
    pi_high: float = math.nan

    @property
    def outside(self) -> int:
        """+1 above the interval, −1 below it, 0 inside."""
        if self.actual > self.pi_high:
            return 1
        if self.actual < self.pi_low:
            return -1
        return 0


@dataclass(frozen=True, slots=True)
class ExpectedModel:
    fit: OLSFit
    values: tuple[ExpectedValue, ...]
    confidence: float

    def for_unit(self, unit: str) -> ExpectedValue | None:
        return next((v for v in self.values if v.unit == unit), None)


def expected_values(
    units: Sequence[str],
    x: Any,
    y: Any,
    *,
    names: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> ExpectedModel:
    """Fit one year's model across ``units`` and give each unit its expected value and residual.

    Callers leave out units with missing values or too few pupils (Skolverket's SALSA leaves
    out units under 15 pupils) before calling.
    """
    if len(set(units)) != len(units):
        raise AnalysisError("Each unit may appear once per model.")
    fit = ols(x, y, names=names)
    xm = _matrix(x, "x")
    yv = np.asarray(y, dtype=float).ravel()
    t = _t(confidence, fit.df_resid)
    # Every unit's prediction at once: h_i = x_i (X'X)⁻¹ x_iᵀ (the leverage).
    rows = np.column_stack([np.ones(len(yv)), xm])
    means = rows @ np.asarray(fit.coef)
    leverage = np.einsum("ij,jk,ik->i", rows, np.asarray(fit.xtx_inv), rows)
    se_pred = fit.sigma * np.sqrt(1 + leverage)
    values = []
    for unit, actual, mean, se in zip(units, yv, means, se_pred, strict=True):
        half = t * float(se)
        resid = float(actual) - float(mean)
        values.append(
            ExpectedValue(
                estimate=resid,
                se=float(se),
                ci_low=resid - half,
                ci_high=resid + half,
                n=fit.n,
                unit=str(unit),
                actual=float(actual),
                expected=float(mean),
                pi_low=float(mean) - half,
                pi_high=float(mean) + half,
            )
        )
    return ExpectedModel(fit=fit, values=tuple(values), confidence=confidence)


def residual_trend(years: Sequence[float], residuals: Sequence[float], *, confidence: float = 0.95):
    """Slope of the residual per year (OLS of residual on year) as an :class:`Estimate`.

    ``n`` is the number of years. Needs at least three years (one degree of freedom).
    """
    if len(years) < 3:
        raise AnalysisError("A trend needs residuals from at least three years.")
    if len(set(years)) < 2:
        raise AnalysisError("A trend needs at least two different years.")
    fit = ols(np.asarray(years, dtype=float), residuals, names=["year"])
    slope, se = fit.coef[1], fit.se[1]
    half = _t(confidence, fit.df_resid) * se
    return Estimate(estimate=slope, se=se, ci_low=slope - half, ci_high=slope + half, n=fit.n)

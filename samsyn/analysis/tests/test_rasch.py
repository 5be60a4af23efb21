"""Validation of samsyn.analysis.rasch against eRm (stored values and live via Rscript)."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import numpy as np
import pytest

from samsyn.analysis.rasch import (
    category_probabilities,
    estimate_measure,
    fit_pcm,
    next_steps,
    observations_needed,
)
from samsyn.analysis.results import AnalysisError

ERM_SETS = ("pcmdat", "pcmdat2", "rsmdat")


def read_csv(path: Path) -> np.ndarray:
    """A small numeric CSV with a header row; NA/empty -> NaN."""
    rows = path.read_text().strip().splitlines()[1:]
    return np.array(
        [[float("nan") if v in ("NA", "") else float(v) for v in r.split(",")] for r in rows]
    )


def write_csv(path: Path, X: np.ndarray) -> Path:
    head = ",".join(f"I{j + 1}" for j in range(X.shape[1]))
    body = "\n".join(",".join("NA" if math.isnan(v) else str(int(v)) for v in row) for row in X)
    path.write_text(head + "\n" + body + "\n")
    return path


def simulate_pcm(n, J, K, *, missing=0.0, seed=0, theta_sd=1.3):
    """Data from the PCM with known thresholds (J x K, ordered) and person measures."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0, theta_sd, n)
    delta = np.sort(rng.normal(0, 1, (J, K)), axis=1)
    beta = np.concatenate([np.zeros((J, 1)), -np.cumsum(delta, 1)], 1)
    p = category_probabilities(theta, beta)  # (n, J, K+1)
    u = rng.random((n, J, 1))
    X = (p.cumsum(2) < u).sum(2).astype(float)
    X[rng.random((n, J)) < missing] = np.nan
    return X, delta, theta


def _run_r(rscript: str, code: str, workdir: Path) -> dict:
    """Run R code that prints one JSON document (jsonlite) on stdout; return it."""
    script = workdir / "run.R"
    script.write_text(code)
    proc = subprocess.run(
        [rscript, "--vanilla", str(script)], capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0:
        pytest.fail(f"R failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout[proc.stdout.index("{") :])


R_FIT = r"""
suppressMessages({library(eRm); library(jsonlite)})
files <- c(%s)
out <- list()
for (nm in names(files)) {
  X <- as.matrix(read.csv(files[[nm]]))
  m <- PCM(X)
  tt <- thresholds(m)$threshtable[[1]]
  pp <- suppressWarnings(suppressMessages(person.parameter(m)))
  fi <- itemfit(pp)
  tab <- pp$theta.table
  ok <- !tab$Interpolated & !is.na(tab[["Person Parameter"]])
  out[[nm]] <- list(
    loglik = m$loglik, betapar = unname(m$betapar), se = unname(m$se.beta),
    thresholds = unname(tt[, -1, drop = FALSE]),
    theta = ifelse(ok, tab[["Person Parameter"]], NA),
    infit = unname(fi$i.infitMSQ), outfit = unname(fi$i.outfitMSQ),
    infit_t = unname(fi$i.infitZ), outfit_t = unname(fi$i.outfitZ),
    seprel = SepRel(pp)$sep.rel)
}
cat(toJSON(out, digits = NA, na = "null", auto_unbox = TRUE))
"""


@pytest.fixture(scope="module")
def datasets(validation_dir, tmp_path_factory):
    """eRm's example data (read in place) plus generated data with missing ratings."""
    d = tmp_path_factory.mktemp("rasch")
    paths = {name: validation_dir / "data" / f"erm_{name}.csv" for name in ERM_SETS}
    X, _, _ = simulate_pcm(400, 6, 3, missing=0.15, seed=11)
    X = X[(~np.isnan(X)).sum(1) >= 2]
    paths["generated_missing"] = write_csv(d / "generated_missing.csv", X)
    X, _, _ = simulate_pcm(250, 5, 3, missing=0.3, seed=12)
    X[:, 4] = np.minimum(X[:, 4], 1)  # a dichotomous dimension among polytomous ones
    X = X[(~np.isnan(X)).sum(1) >= 2]  # eRm refuses persons with fewer than 2 ratings
    paths["generated_mixed"] = write_csv(d / "generated_mixed.csv", X)
    return paths


@pytest.fixture(scope="module")
def erm(rscript, datasets, tmp_path_factory):
    files = ", ".join(f'{k} = "{v}"' for k, v in datasets.items())
    return _run_r(rscript, R_FIT % files, tmp_path_factory.mktemp("r"))


# --- stored reference values (no R needed) ----------------------------------------------------


def test_it_matches_stored_erm_values_on_pcmdat2(validation_dir):
    ref = json.loads((validation_dir / "reference.json").read_text())["eRm_CML"]["PCM_pcmdat2"]
    X = read_csv(validation_dir / "data" / "erm_pcmdat2.csv")
    r = fit_pcm(X, identification="erm")
    assert r.cond_loglik == pytest.approx(ref["cond_loglik"], abs=1e-5)
    np.testing.assert_allclose(r.betas.ravel(), list(ref["betapar"].values()), atol=1e-4)
    np.testing.assert_allclose(r.beta_se.ravel(), ref["se"], atol=1e-4)
    thr = np.array([v[1:] for v in ref["thresholds_location"].values()])
    np.testing.assert_allclose(r.thresholds, thr, atol=0.01)
    for score, theta in ref["person_ML_by_score"].items():
        got = r.person_measures_ml[r.person_raw_score == int(score)]
        np.testing.assert_allclose(got, theta, atol=1e-3)
    fit = ref["itemfit_256_nonextreme"]
    np.testing.assert_allclose(r.outfit, fit["outfit"], atol=1e-3)
    np.testing.assert_allclose(r.infit, fit["infit"], atol=1e-3)
    np.testing.assert_allclose(r.outfit_t, fit["outfit_t"], atol=1e-3)
    np.testing.assert_allclose(r.infit_t, fit["infit_t"], atol=1e-3)
    assert r.fit_n.tolist() == [256] * 4
    assert r.separation_reliability_ml == pytest.approx(ref["SepRel"], abs=1e-3)


def test_it_matches_erm_person_and_fit_csvs_on_pcmdat2(validation_dir):
    data = validation_dir / "data"
    r = fit_pcm(read_csv(data / "erm_pcmdat2.csv"), identification="erm")
    lines = (data / "erm_pcmdat2_theta.csv").read_text().strip().splitlines()[1:]
    theta = np.array([float(s.split(",")[0]) for s in lines])
    ext = np.array([s.split(",")[1] == "TRUE" for s in lines])
    assert np.array_equal(r.person_extreme, ext)
    np.testing.assert_allclose(r.person_measures_ml[~ext], theta[~ext], atol=1e-3)
    fit = read_csv(data / "erm_pcmdat2_itemfit.csv")
    np.testing.assert_allclose(r.outfit, fit[:, 0], atol=1e-4)
    np.testing.assert_allclose(r.infit, fit[:, 1], atol=1e-4)


def test_it_matches_stored_loglik_on_pcmdat(validation_dir):
    ref = json.loads((validation_dir / "reference.json").read_text())["eRm_CML"]
    r = fit_pcm(read_csv(validation_dir / "data" / "erm_pcmdat.csv"))
    assert r.cond_loglik == pytest.approx(ref["PCM_pcmdat"]["cond_loglik"], abs=1e-5)


# --- live eRm ---------------------------------------------------------------------------------


@pytest.mark.r
@pytest.mark.parametrize("name", [*ERM_SETS, "generated_missing", "generated_mixed"])
def test_it_agrees_with_live_erm(name, datasets, erm):
    ref = erm[name]
    X = read_csv(datasets[name])
    r = fit_pcm(X, identification="erm")
    assert r.notes == ()
    assert r.cond_loglik == pytest.approx(ref["loglik"], abs=1e-4)
    # eRm pads the threshold table with NA for shorter dimensions; so do we (NaN)
    thr = np.array(ref["thresholds"], dtype=float)
    mask = ~np.isnan(r.thresholds)
    np.testing.assert_array_equal(mask, ~np.isnan(thr[:, : r.thresholds.shape[1]]))
    np.testing.assert_allclose(r.thresholds[mask], thr[:, : r.thresholds.shape[1]][mask], atol=0.01)
    beta = r.betas[~np.isnan(r.betas)]
    np.testing.assert_allclose(beta, ref["betapar"], atol=1e-3)
    np.testing.assert_allclose(r.beta_se[~np.isnan(r.beta_se)], ref["se"], atol=1e-3)
    theta = np.array([np.nan if v is None else v for v in ref["theta"]])
    ok = ~np.isnan(theta)
    assert ok.sum() > 0.5 * len(theta)
    np.testing.assert_array_equal(~r.person_extreme, ok)
    np.testing.assert_allclose(r.person_measures_ml[ok], theta[ok], atol=0.05)
    assert np.abs(r.person_measures_ml[ok] - theta[ok]).max() < 1e-3  # in fact much closer
    np.testing.assert_allclose(r.infit, ref["infit"], atol=1e-3)
    np.testing.assert_allclose(r.outfit, ref["outfit"], atol=1e-3)
    np.testing.assert_allclose(r.infit_t, ref["infit_t"], atol=1e-2)
    np.testing.assert_allclose(r.outfit_t, ref["outfit_t"], atol=1e-2)
    assert r.separation_reliability_ml == pytest.approx(ref["seprel"], abs=1e-3)


R_WLE = r"""
suppressMessages({library(eRm); library(jsonlite)})
X <- as.matrix(read.csv("%s"))
m <- PCM(X)
K <- apply(X, 2, max, na.rm = TRUE)
b <- split(m$betapar, rep(seq_along(K), K))
# Warm's WLE from eRm's estimates, written independently: maximise log L + log(I)/2
wle <- function(x) {
  items <- which(!is.na(x))
  f <- function(th) {
    ll <- 0; info <- 0
    for (i in items) {
      e <- exp((0:K[i]) * th + c(0, b[[i]])); p <- e / sum(e)
      ll <- ll + log(p[x[i] + 1])
      info <- info + sum((0:K[i])^2 * p) - sum((0:K[i]) * p)^2
    }
    ll + 0.5 * log(info)
  }
  optimize(f, c(-12, 12), maximum = TRUE, tol = 1e-10)$maximum
}
cat(toJSON(list(wle = apply(X[1:150, ], 1, wle)), digits = NA))
"""


@pytest.mark.r
def test_warm_measures_agree_with_an_independent_r_maximisation(rscript, datasets, tmp_path):
    X = read_csv(datasets["generated_missing"])
    ref = _run_r(rscript, R_WLE % datasets["generated_missing"], tmp_path)
    r = fit_pcm(X, identification="erm")
    wle = np.array(ref["wle"])
    first = r.person_rows < 150
    np.testing.assert_allclose(r.person_measures[first], wle[r.person_rows[first]], atol=1e-3)
    ext = r.person_extreme[first]
    assert ext.any() and np.isfinite(r.person_measures[first][ext]).all()


# --- properties that must hold without R -------------------------------------------------------


def test_warm_is_finite_for_extremes_and_between_ml_and_centre():
    X, _, _ = simulate_pcm(500, 5, 3, seed=3)
    r = fit_pcm(X)
    assert np.isfinite(r.person_measures).all() and np.isfinite(r.person_se).all()
    lo = r.person_raw_score == 0
    hi = r.person_raw_score == r.person_max_score
    assert lo.any() and hi.any()
    assert r.person_measures[lo].max() < r.person_measures[~lo].min()
    assert r.person_measures[hi].min() > r.person_measures[~hi].max()
    # WLE pulls ML estimates toward the centre of the test (Warm 1989)
    ne = ~r.person_extreme
    ml, wle = r.person_measures_ml[ne], r.person_measures[ne]
    centre = np.nanmean(r.thresholds)
    assert np.all(np.abs(wle - centre) <= np.abs(ml - centre) + 1e-9)
    assert np.isnan(r.person_measures_ml[r.person_extreme]).all()


def test_identifications_shift_everything_together():
    X, _, _ = simulate_pcm(300, 4, 3, missing=0.1, seed=4)
    a = fit_pcm(X)
    assert np.nanmean(a.thresholds) == pytest.approx(0, abs=1e-10)
    b = a.rebased("first")
    assert b.thresholds[0, 0] == pytest.approx(0, abs=1e-10)
    c = a.rebased("erm")
    assert np.nansum(c.betas) == pytest.approx(0, abs=1e-8)
    for other in (b, c):
        shift = other.thresholds - a.thresholds
        assert np.nanstd(shift) < 1e-10
        np.testing.assert_allclose(
            other.person_measures - a.person_measures, np.nanmean(shift), atol=1e-10
        )
    # SEs depend on the constraint: the first-fixed threshold has none
    assert b.threshold_se[0, 0] == pytest.approx(0, abs=1e-8)
    assert a.threshold_se[0, 0] > 0.01
    with pytest.raises(AnalysisError):
        a.rebased("median")


def test_it_recovers_thresholds_with_honest_standard_errors():
    X, delta, theta = simulate_pcm(3000, 10, 3, missing=0.05, seed=5)
    r = fit_pcm(X)
    true = delta - delta.mean()
    assert np.corrcoef(r.thresholds.ravel(), true.ravel())[0, 1] > 0.98
    z = (r.thresholds - true) / r.threshold_se
    assert 0.5 < np.mean(z**2) < 2.0  # SEs neither far too small nor far too large
    assert np.corrcoef(r.person_measures, theta[r.person_rows])[0, 1] > 0.9


def test_a_step_never_used_is_collapsed_and_reported():
    X, _, _ = simulate_pcm(600, 5, 3, seed=6)
    X[X[:, 1] == 1, 1] = 2  # dimension 1 never uses step 1
    X[:, 2] = np.where(X[:, 2] == 0, 1, X[:, 2])  # dimension 2 never uses step 0
    r = fit_pcm(X, n_categories=4)
    assert r.n_steps == (3, 2, 2, 3, 3)
    assert r.step_labels[1] == ((0, 2), (2, 3))
    assert r.step_labels[2] == ((1, 2), (2, 3))
    assert any("Dimension 1" in n and "[1] never used" in n for n in r.notes)
    assert any("Dimension 2" in n and "[0] never used" in n for n in r.notes)
    assert np.isnan(r.thresholds[1, 2]) and np.isfinite(r.thresholds[1, :2]).all()
    # identical to fitting the re-numbered data by hand
    Y = X.copy()
    Y[:, 1] = np.where(Y[:, 1] >= 2, Y[:, 1] - 1, Y[:, 1])
    Y[:, 2] = Y[:, 2] - 1
    manual = fit_pcm(Y)
    np.testing.assert_allclose(r.thresholds, manual.thresholds, atol=1e-8, equal_nan=True)
    np.testing.assert_allclose(r.person_measures, manual.person_measures, atol=1e-8)
    # estimate_measure maps original categories through the same collapse
    assert estimate_measure(r, X[7])[0] == pytest.approx(r.person_measures[7], abs=1e-8)


def test_a_rubric_step_nobody_used_at_the_top_is_reported():
    X, _, _ = simulate_pcm(300, 4, 2, seed=7)  # steps 0..2 used, rubric has 0..3
    r = fit_pcm(X, n_categories=4)
    assert r.n_steps == (2, 2, 2, 2)
    assert sum("[3] never used" in n for n in r.notes) == 4


def test_a_step_used_only_by_extreme_persons_is_collapsed_not_diverging():
    X, _, _ = simulate_pcm(400, 4, 3, seed=8)
    top = X[:, 0] == 3
    X[top, 0] = 2
    X[0] = 3  # the only 3 on dimension 0 comes from a person with the maximum score
    r = fit_pcm(X)
    assert r.n_steps[0] == 2
    assert any("only by persons with extreme scores" in n for n in r.notes)
    assert np.isfinite(r.person_measures[0])


def test_a_dimension_with_a_single_used_step_is_left_out():
    X, _, _ = simulate_pcm(200, 4, 3, seed=9)
    X[:, 3] = 2
    r = fit_pcm(X)
    assert r.n_steps[3] == 0 and np.isnan(r.thresholds[3]).all()
    assert any("Dimension 3 was left out" in n for n in r.notes)


def test_persons_with_nothing_rated_are_excluded_and_reported():
    X, _, _ = simulate_pcm(100, 4, 3, missing=0.2, seed=10)
    X[[3, 50]] = np.nan
    r = fit_pcm(X)
    assert r.excluded_rows == (3, 50)
    assert r.n_persons == 98 and 3 not in r.person_rows and 50 not in r.person_rows
    assert any("2 person(s)" in n for n in r.notes)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.array([[0, 1.5], [1, 0]]), "whole steps"),
        (np.array([[0, -1.0], [1, 0]]), "whole steps"),
        (np.zeros((5, 0)), "empty"),
        (np.array([[0, 1.0], [1, 0], [0, 0]]).reshape(1, 2, 3), "2-D"),
        (np.array([[0.0], [1.0], [2.0]]), "two dimensions"),
        (np.array([[0, 0.0], [2, 2]]), "extreme"),
    ],
)
def test_it_refuses_unusable_input_with_a_reason(X, message):
    with pytest.raises(AnalysisError, match=message):
        fit_pcm(X)


def test_it_refuses_dimensions_never_rated_together():
    X, _, _ = simulate_pcm(200, 4, 2, seed=13)
    X[:100, 2:] = np.nan
    X[100:, :2] = np.nan
    with pytest.raises(AnalysisError, match="separate groups"):
        fit_pcm(X)


# --- using the scale --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scale():
    X, _, _ = simulate_pcm(2000, 6, 3, seed=14)
    return fit_pcm(X)


def test_estimate_measure_pools_lessons(scale):
    X, _, _ = simulate_pcm(3, 6, 3, seed=15)
    _, se1 = estimate_measure(scale, X[:1])
    th3, se3 = estimate_measure(scale, X)
    assert se3 < se1
    # pooling three lessons = one person rated on each dimension three times (raw score sums)
    bp = scale.beta_padded()
    p = category_probabilities(th3, bp)[0]
    k = np.arange(bp.shape[1])
    e = 3 * (p @ k).sum()
    v = 3 * (p @ k**2 - (p @ k) ** 2).sum()
    m3 = 3 * ((k - (p @ k)[:, None]) ** 3 * p).sum()
    assert X.sum() - e + m3 / (2 * v) == pytest.approx(0, abs=1e-8)  # Warm's equation
    assert se3 == pytest.approx(1 / math.sqrt(v), rel=1e-9)


def test_next_steps_are_the_first_unlikely_step_per_dimension(scale):
    theta = 0.3
    steps = next_steps(scale, theta, limit=None)
    bp = scale.beta_padded()
    p = category_probabilities(theta, bp)[0]
    for s in steps:
        reach = p[s.dimension, s.step :].sum()
        assert reach == pytest.approx(s.probability)
        assert reach < 0.5 <= p[s.dimension, s.step - 1 :].sum()
        assert s.thurstone > theta and s.distance == pytest.approx(s.thurstone - theta)
        # at the Thurstonian threshold reaching the step is exactly a coin flip
        q = category_probabilities(s.thurstone, bp)[0]
        assert q[s.dimension, s.step :].sum() == pytest.approx(0.5, abs=1e-9)
    probs = [s.probability for s in steps]
    assert probs == sorted(probs, reverse=True)
    assert len(next_steps(scale, theta)) == 3
    assert next_steps(scale, 30.0) == []  # everything already likely
    low = next_steps(scale, -30.0, limit=None)
    assert [s.step for s in low] == [1] * 6


def test_observations_needed_reaches_the_target_and_not_earlier(scale):
    theta, se_now, target = 0.4, 0.6, 0.25
    n = observations_needed(target, result=scale, measure=theta, current_se=se_now)
    # information of one lesson, independently: derivative of the expected raw score
    bp = scale.beta_padded()
    k = np.arange(bp.shape[1])

    def expected(t):
        return float((category_probabilities(t, bp)[0] @ k).sum())

    i1 = (expected(theta + 1e-5) - expected(theta - 1e-5)) / 2e-5
    assert 1 / math.sqrt(se_now**-2 + n * i1) <= target
    assert 1 / math.sqrt(se_now**-2 + (n - 1) * i1) > target
    assert observations_needed(0.9, result=scale, measure=theta, current_se=se_now) == 0
    with pytest.raises(AnalysisError):
        observations_needed(0, result=scale, measure=theta)


def test_gradient_and_information_are_the_derivatives_of_the_likelihood():
    """The sweep-based gradient and information (−Hessian) against central differences of
    the conditional log-likelihood and of the gradient, with mixed step counts and missing
    ratings; the gradient-only path gives the same gradient."""
    from samsyn.analysis import rasch

    X, _, _ = simulate_pcm(400, 5, 3, missing=0.15, seed=11)
    X[:, 1] = np.minimum(X[:, 1], 1)  # a two-category dimension
    captured = {}
    original = rasch._CML.evaluate

    def spy(self, beta, hessian=True):
        captured.setdefault("model", (self, beta.copy()))
        return original(self, beta, hessian)

    rasch._CML.evaluate = spy
    try:
        fit_pcm(X)
    finally:
        rasch._CML.evaluate = original
    model, beta = captured["model"]
    _, grad, info = model.evaluate(beta)
    _, grad_only, none = model.evaluate(beta, hessian=False)
    assert none is None
    np.testing.assert_allclose(grad_only, grad, rtol=1e-10, atol=1e-9)
    h = 1e-5
    for a in range(beta.size):
        step = np.zeros_like(beta)
        step[a] = h
        up, down = model.evaluate(beta + step), model.evaluate(beta - step)
        assert (up[0] - down[0]) / (2 * h) == pytest.approx(grad[a], rel=1e-5, abs=1e-5)
        np.testing.assert_allclose(-(up[1] - down[1]) / (2 * h), info[:, a], rtol=1e-4, atol=1e-4)

"""Agreement statistics against published values, R psych (run live), PyPI krippendorff and
statsmodels, on published example data and on generated data with missing values and ties."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats import inter_rater

from samsyn.analysis.agreement import (
    cohen_kappa,
    fleiss_kappa,
    icc,
    krippendorff_alpha,
    percent_agreement,
)
from samsyn.analysis.results import AnalysisError
from samsyn.analysis.tests.rhelpers import run_r

POINT = 1e-6  # point estimates
INTERVAL = 1e-3  # intervals where the method is the same

ICC_FORMS = [
    ("ICC1", "oneway", "agreement", "single"),
    ("ICC2", "twoway", "agreement", "single"),
    ("ICC3", "twoway", "consistency", "single"),
    ("ICC1k", "oneway", "agreement", "average"),
    ("ICC2k", "twoway", "agreement", "average"),
    ("ICC3k", "twoway", "consistency", "average"),
]


# --------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def reference(validation_dir: Path) -> dict:
    return json.loads((validation_dir / "reference.json").read_text())


@pytest.fixture(scope="module")
def anxiety(validation_dir: Path) -> np.ndarray:
    return pd.read_csv(validation_dir / "data" / "irr_anxiety.csv").to_numpy(float)


@pytest.fixture(scope="module")
def video(validation_dir: Path) -> np.ndarray:
    return pd.read_csv(validation_dir / "data" / "irr_video.csv").to_numpy(float)


@pytest.fixture(scope="module")
def diagnoses_counts(validation_dir: Path) -> np.ndarray:
    d = pd.read_csv(validation_dir / "data" / "irr_diagnoses.csv").to_numpy()
    cats = sorted(set(d.ravel()))
    return np.array([[(row == c).sum() for c in cats] for row in d])


@pytest.fixture(scope="module")
def data_c(validation_dir: Path) -> np.ndarray:
    return (
        pd.read_csv(validation_dir / "data" / "krippendorff_C.csv")
        .set_index("coder")
        .to_numpy(float)
    )


def rated(seed: int, n_units: int, n_raters: int, steps: int = 4, missing: float = 0.15):
    """Ordinal ratings with real agreement, many ties and missing values (units × raters)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, steps + 1, n_units)
    noise = rng.choice([-1, 0, 0, 0, 1], size=(n_units, n_raters))
    x = np.clip(truth[:, None] + noise, 1, steps).astype(float)
    x[rng.random(x.shape) < missing] = np.nan
    return x


def rater_pair(seed: int, n: int = 120):
    """Two raters on a 1-5 scale where step 5 is never used and some ratings are missing."""
    x = rated(seed, n, 2, steps=4, missing=0.08)
    return x[:, 0], x[:, 1]


GENERATED_ICC = {
    name: rated(seed, 40, k, steps=4, missing=0.0)
    for name, seed, k in [("g3", 11, 3), ("g5", 12, 5)]
}


# --------------------------------------------------------------------------- R, run once


@pytest.fixture(scope="module")
def r_psych(rscript: str, anxiety: np.ndarray) -> dict:
    """psych::cohen.kappa and psych::ICC on every data set this module uses, in one R call."""
    frames = {"anx": pd.DataFrame(anxiety, columns=["r1", "r2", "r3"])}
    for seed in (1, 2, 3):
        a, b = rater_pair(seed)
        frames[f"pair{seed}"] = pd.DataFrame({"a": a, "b": b})
    for name, x in GENERATED_ICC.items():
        frames[name] = pd.DataFrame(x)
    code = r"""
library(psych)
lin <- function(k) 1 - abs(outer(1:k, 1:k, "-")) / (k - 1)
kap <- function(d, levels) {
  if (is.null(levels)) levels <- sort(unique(na.omit(c(d[, 1], d[, 2]))))
  q <- cohen.kappa(d, levels = levels)
  l <- cohen.kappa(d, levels = levels, w = lin(length(levels)))
  list(kappa = q$kappa, var = q$var.kappa, lower = q$confid[1, 1], upper = q$confid[1, 3],
       quadratic = q$weighted.kappa, var_quadratic = q$var.weighted,
       quadratic_lower = q$confid[2, 1], quadratic_upper = q$confid[2, 3],
       linear = l$weighted.kappa, var_linear = l$var.weighted,
       linear_lower = l$confid[2, 1], linear_upper = l$confid[2, 3], n = q$n.obs)
}
iccs <- function(d) {
  r <- ICC(d, lmer = FALSE)$results
  out <- list()
  for (i in seq_len(nrow(r))) {
    out[[c("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")[i]]] <- list(
      icc = r$ICC[i], F = r$F[i], df1 = r$df1[i], df2 = r$df2[i], p = r$p[i],
      lower = r[i, "lower bound"], upper = r[i, "upper bound"])
  }
  out
}
result <- list(
  anx_r1_r2_observed = suppressWarnings(kap(anx[, c("r1", "r2")], NULL)),
  anx_r2_r3_full = suppressWarnings(kap(anx[, c("r2", "r3")], 1:6)),
  pair1 = suppressWarnings(kap(pair1, 1:5)),
  pair2 = suppressWarnings(kap(pair2, 1:5)),
  pair3 = suppressWarnings(kap(pair3, 1:5)),
  icc_anx = iccs(anx), icc_g3 = iccs(g3), icc_g5 = iccs(g5)
)
"""
    return run_r(rscript, code, **frames)


# --------------------------------------------------------------------------- Cohen's kappa


def _table(a, b, categories):
    ok = ~(np.isnan(a) | np.isnan(b))
    k = len(categories)
    idx = {c: i for i, c in enumerate(categories)}
    t = np.zeros((k, k))
    for x, y in zip(a[ok], b[ok], strict=True):
        t[idx[x], idx[y]] += 1
    return t


def _compare_kappa(ours, ref: dict, prefix: str, a, b, categories) -> None:
    """Estimate against psych; SE and interval against psych for unweighted kappa.

    psych 2.2.9's ``var.weighted`` recycles the row margins the wrong way (``rowSums(w *
    rs)`` gives rs_i Σ_j w_ij instead of Σ_i rs_i w_ij), so for weighted kappa the SE and
    interval are checked against statsmodels' ``cohens_kappa`` (Fleiss, Cohen & Everitt
    1969), which also reproduces the SAS printout below.
    """
    est = ref["kappa"] if prefix == "kappa" else ref[prefix]
    assert ours.estimate == pytest.approx(est, abs=POINT)
    assert ours.n == ref["n"]
    if prefix == "kappa":
        se, low, high = np.sqrt(ref["var"]), ref["lower"], ref["upper"]
    else:
        sm = inter_rater.cohens_kappa(_table(a, b, categories), wt=prefix, return_results=True)
        assert sm.kappa == pytest.approx(est, abs=POINT)  # the two references agree
        se = sm.std_kappa
        low, high = max(-1, sm.kappa - 1.959963985 * se), min(1, sm.kappa + 1.959963985 * se)
        assert ours.se_h0 == pytest.approx(sm.std_kappa0, abs=POINT)
    assert ours.se == pytest.approx(se, abs=POINT)
    assert ours.ci_low == pytest.approx(low, abs=INTERVAL)
    assert ours.ci_high == pytest.approx(high, abs=INTERVAL)


@pytest.mark.r
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_matches_psych_on_generated_pairs_with_missing(r_psych, seed, weights):
    a, b = rater_pair(seed)
    assert np.isnan(a).any() and np.isnan(b).any()  # the data really has gaps
    cats = [1, 2, 3, 4, 5]
    assert 5 not in a and 5 not in b  # ...and an unused step
    ours = cohen_kappa(a, b, weights=weights, categories=cats)
    _compare_kappa(ours, r_psych[f"pair{seed}"], weights or "kappa", a, b, cats)


@pytest.mark.r
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_matches_psych_on_anxiety(r_psych, anxiety, weights):
    a, b, c = anxiety.T
    observed = cohen_kappa(a, b, weights=weights)
    cats = sorted(set(a) | set(b))
    _compare_kappa(observed, r_psych["anx_r1_r2_observed"], weights or "kappa", a, b, cats)
    full = cohen_kappa(b, c, weights=weights, categories=range(1, 7))
    _compare_kappa(full, r_psych["anx_r2_r3_full"], weights or "kappa", b, c, list(range(1, 7)))


@pytest.mark.r
def test_psych_weighted_variance_differs_only_by_its_margin_recycling(r_psych):
    """Pins down why psych's weighted SE is not used as the reference (see _compare_kappa)."""
    a, b = rater_pair(1)
    t = _table(a, b, [1, 2, 3, 4, 5])
    n = t.sum()
    x = t / n
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    i = np.arange(5)
    w = 1 - np.abs(i[:, None] - i[None, :]) / 4
    po, pe = (w * x).sum(), rs @ w @ cs
    colw = (w * cs[:, None]).sum(axis=0)  # R: colSums(w * cs)
    roww = (w * rs[:, None]).sum(axis=1)  # R: rowSums(w * rs) -- rs_i Σ_j w_ij
    spread = colw[:, None] + roww[None, :]
    var = ((x * (w * (1 - pe) - spread * (1 - po)) ** 2).sum() - (po * pe - 2 * pe + po) ** 2) / (
        n * (1 - pe) ** 4
    )
    assert var == pytest.approx(r_psych["pair1"]["var_linear"], rel=1e-9)
    assert cohen_kappa(a, b, weights="linear", categories=[1, 2, 3, 4, 5]).se ** 2 != pytest.approx(
        var, rel=0.01
    )


@pytest.mark.parametrize("pair", ["r1_r2", "r2_r3"])
@pytest.mark.parametrize(
    ("weights", "key"),
    [(None, "unweighted"), ("linear", "equal(linear)"), ("quadratic", "squared(quadratic)")],
)
def test_cohen_kappa_matches_irr_kappa2_on_observed_levels(reference, anxiety, pair, weights, key):
    """irr::kappa2 builds weights over the levels either rater used; so do we without
    ``categories``. Its z uses the null standard error."""
    i, j = {"r1_r2": (0, 1), "r2_r3": (1, 2)}[pair]
    kappa, z, p = reference["anxiety_kappa2"][pair][key]
    ours = cohen_kappa(anxiety[:, i], anxiety[:, j], weights=weights)
    assert ours.estimate == pytest.approx(kappa, abs=POINT)
    assert ours.z == pytest.approx(z, abs=POINT)
    assert ours.p_value == pytest.approx(p, abs=POINT)


def test_weights_use_the_full_scale_when_a_step_is_unused(anxiety):
    """The README's pitfall: rater 2 vs 3 never use every step; over the framework's full 1-6
    range the weighted kappa differs from irr's observed-levels value."""
    used = np.unique(anxiety[:, 1:3])
    assert used.size < 6
    observed = cohen_kappa(anxiety[:, 1], anxiety[:, 2], weights="linear")
    full = cohen_kappa(anxiety[:, 1], anxiety[:, 2], weights="linear", categories=range(1, 7))
    assert abs(observed.estimate - full.estimate) > 1e-3
    assert full.categories == tuple(float(c) for c in range(1, 7))


def _sas_pairs(table):
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return a, b


def test_cohen_kappa_matches_the_sas_proc_freq_printout(reference):
    ref = reference["cohen_sas_example"]
    a, b = _sas_pairs([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    for weights, key in [(None, "unweighted"), ("linear", "weighted_linear_weights_[0,1,2]")]:
        ours = cohen_kappa(a, b, weights=weights)
        r = ref[key]
        # The printout is rounded to 4 decimals (ASE to 3-4).
        assert ours.estimate == pytest.approx(r["kappa"], abs=5e-5)
        assert ours.se == pytest.approx(r["ASE"], abs=5e-4)
        assert ours.ci_low == pytest.approx(r["CI"][0], abs=5e-5)
        assert ours.ci_high == pytest.approx(r["CI"][1], abs=5e-5)
        assert ours.se_h0 == pytest.approx(r["ASE_H0"], abs=5e-5)
        assert ours.z == pytest.approx(r["Z"], abs=5e-5)


def test_cohen_kappa_of_perfect_agreement_is_one():
    k = cohen_kappa([1, 2, 3, 4, 1, 2], [1, 2, 3, 4, 1, 2], weights="quadratic")
    assert k.estimate == pytest.approx(1.0)
    assert k.ci_high <= 1.0


# --------------------------------------------------------------------------- Fleiss' kappa


def test_fleiss_kappa_reproduces_fleiss_1971(reference, diagnoses_counts):
    ours = fleiss_kappa(diagnoses_counts)
    ref = reference["fleiss_diagnoses"]
    assert round(ours.estimate, 3) == ref["published_Fleiss1971"]
    assert ours.estimate == pytest.approx(ref["irr_kappam.fleiss"]["kappa"], abs=POINT)
    assert ours.z == pytest.approx(ref["irr_kappam.fleiss"]["z"], abs=POINT)
    assert ours.estimate == pytest.approx(inter_rater.fleiss_kappa(diagnoses_counts), abs=1e-12)
    assert ours.n == 30
    assert ours.ci_low < ours.estimate < ours.ci_high


def test_fleiss_kappa_matches_irr_on_video(reference, video):
    counts, _ = inter_rater.aggregate_raters(video.astype(int))
    ours = fleiss_kappa(counts)
    assert ours.estimate == pytest.approx(reference["video_irr"]["fleiss"]["kappa"], abs=POINT)
    assert ours.z == pytest.approx(reference["video_irr"]["fleiss"]["z"], abs=POINT)


def test_fleiss_kappa_matches_the_wikipedia_table(reference):
    table = np.array(
        [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
    )
    assert round(fleiss_kappa(table).estimate, 2) == reference["fleiss_wikipedia_table"]["kappa"]


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_fleiss_kappa_matches_statsmodels_on_generated_ties(seed):
    x = rated(seed, 60, 5, steps=4, missing=0.0).astype(int)
    counts, _ = inter_rater.aggregate_raters(x)
    assert fleiss_kappa(counts).estimate == pytest.approx(
        inter_rater.fleiss_kappa(counts), abs=POINT
    )


def test_fleiss_jackknife_se_is_the_leave_one_out_formula(diagnoses_counts):
    """The vectorised jackknife against a plain loop over subjects."""
    loo = [
        fleiss_kappa(np.delete(diagnoses_counts, i, axis=0)).estimate
        for i in range(len(diagnoses_counts))
    ]
    n = len(loo)
    se = np.sqrt((n - 1) / n * np.sum((np.array(loo) - np.mean(loo)) ** 2))
    assert fleiss_kappa(diagnoses_counts).se == pytest.approx(se, rel=1e-9)


# --------------------------------------------------------------------------- Krippendorff


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_reproduces_data_c(reference, data_c, level):
    ref = reference["krippendorff_C"]
    ours = krippendorff_alpha(data_c, level=level, n_boot=200, seed=1)
    assert round(ours.estimate, 3) == ref["published"][level]
    assert ours.estimate == pytest.approx(ref["irr_0.84.1_R-run"][level], abs=POINT)
    assert ours.n == 11  # unit 12 has one rating only, so it is not pairable
    assert ours.n_values == 40


def test_krippendorff_reproduces_the_wikipedia_example(reference):
    data = [
        [np.nan] * 5 + [3, 4, 1, 2, 1, 1, 3, 3, np.nan, 3],
        [1, np.nan, 2, 1, 3, 3, 4, 3] + [np.nan] * 7,
        [np.nan, np.nan, 2, 1, 3, 4, 4, np.nan, 2, 1, 1, 3, 3, np.nan, 4],
    ]
    ref = reference["krippendorff_wikipedia"]
    for level in ("nominal", "interval"):
        assert krippendorff_alpha(data, level=level, n_boot=0).estimate == pytest.approx(
            ref[level], abs=1e-6
        )


def _alpha_irr_style(units_by_raters: np.ndarray, level: str) -> float:
    """irr 0.84.1's kripp.alpha on complete data: it divides a unit's pairs by m_u − 1 only
    when the data has a missing value (``mc <- rep(1, ...)`` otherwise; cran/irr
    R/kripp.alpha.R), so with 3+ raters and no gaps its coincidences are too large."""
    values = np.unique(units_by_raters)
    k = len(values)
    o = np.zeros((k, k))
    for row in units_by_raters:
        codes = np.searchsorted(values, row)
        for p in range(len(codes)):
            for q in range(len(codes)):
                if p != q:
                    o[codes[p], codes[q]] += 1  # no 1/(m_u − 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    delta = np.zeros((k, k))
    for c in range(k):
        for j in range(k):
            if level == "ordinal":
                lo, hi = min(c, j), max(c, j)
                delta[c, j] = (n_c[lo : hi + 1].sum() - (n_c[c] + n_c[j]) / 2) ** 2
            else:
                delta[c, j] = (values[c] - values[j]) ** 2
    return 1 - (n - 1) * (o * delta).sum() / (np.outer(n_c, n_c) * delta).sum()


def test_krippendorff_on_complete_data_matches_pypi_and_explains_irr(reference, anxiety, video):
    """On complete data with 3+ raters irr's numbers in reference.json are off (see
    _alpha_irr_style); we match PyPI krippendorff and Krippendorff's definition instead, and
    reproduce irr's numbers only by re-creating its convention."""
    anx = reference["anxiety_other_irr"]
    cases = [
        (anxiety, "ordinal", anx["kripp_ordinal"]),
        (anxiety, "interval", anx["kripp_interval"]),
        (video, "ordinal", reference["video_irr"]["kripp_ordinal"]),
    ]
    for data, level, irr_value in cases:
        ours = krippendorff_alpha(data.T, level=level, n_boot=0).estimate
        assert ours == pytest.approx(
            krippendorff.alpha(data.T, level_of_measurement=level), abs=1e-9
        )
        assert _alpha_irr_style(data, level) == pytest.approx(irr_value, abs=POINT)
        assert abs(ours - irr_value) > 1e-3


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize(("seed", "raters"), [(7, 2), (8, 3), (9, 6)])
def test_krippendorff_matches_pypi_on_generated_missing_and_ties(level, seed, raters):
    data = rated(seed, 300, raters, steps=5, missing=0.25).T
    ours = krippendorff_alpha(data, level=level, n_boot=0).estimate
    assert ours == pytest.approx(krippendorff.alpha(data, level_of_measurement=level), abs=POINT)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_matches_pypi_on_non_integer_values(level):
    """The general path (arbitrary values, many raters) as well as the whole-number one."""
    rng = np.random.default_rng(10)
    data = rng.choice([0.5, 1.25, 2.0, 3.75], size=(12, 80))
    data[rng.random(data.shape) < 0.3] = np.nan
    ours = krippendorff_alpha(data, level=level, n_boot=0).estimate
    assert ours == pytest.approx(krippendorff.alpha(data, level_of_measurement=level), abs=POINT)


def test_krippendorff_bootstrap_agrees_with_a_plain_unit_bootstrap():
    """Drawing multinomial pattern counts must behave like resampling units one by one."""
    data = rated(11, 150, 3, steps=4, missing=0.1).T
    fast = krippendorff_alpha(data, level="ordinal", n_boot=4000, seed=2)
    rng = np.random.default_rng(3)
    slow = []
    for _ in range(600):
        cols = rng.integers(0, data.shape[1], data.shape[1])
        slow.append(krippendorff.alpha(data[:, cols], level_of_measurement="ordinal"))
    assert fast.se == pytest.approx(np.std(slow, ddof=1), rel=0.15)
    assert fast.ci_low < fast.estimate < fast.ci_high
    assert fast.n_boot_valid == 4000


def test_krippendorff_bootstrap_is_reproducible_and_optional(data_c):
    one = krippendorff_alpha(data_c, level="interval", n_boot=300, seed=5)
    two = krippendorff_alpha(data_c, level="interval", n_boot=300, seed=5)
    assert (one.ci_low, one.ci_high) == (two.ci_low, two.ci_high)
    none = krippendorff_alpha(data_c, level="interval", n_boot=0)
    assert none.ci_low is None and none.se is None and none.estimate == one.estimate


# --------------------------------------------------------------------------- ICC


@pytest.mark.parametrize(("label", "model", "kind", "unit"), ICC_FORMS)
def test_icc_reproduces_the_published_psych_values_for_anxiety(
    reference, anxiety, label, model, kind, unit
):
    est, low, high = reference["anxiety_icc"]["psych_ICC (Shrout-Fleiss/McGraw-Wong)"][label]
    ours = icc(anxiety, model=model, type=kind, unit=unit)
    assert ours.label == label
    assert ours.estimate == pytest.approx(est, abs=POINT)
    assert ours.ci_low == pytest.approx(low, abs=INTERVAL)
    assert ours.ci_high == pytest.approx(high, abs=INTERVAL)


def test_icc_mean_squares_and_irr_tests_for_anxiety(reference, anxiety):
    ref = reference["anxiety_icc"]
    ours = icc(anxiety, model="twoway", type="consistency")
    assert ours.ms_subjects == pytest.approx(ref["mean_squares"]["MSR"], abs=POINT)
    assert ours.ms_raters == pytest.approx(ref["mean_squares"]["MSC"], abs=POINT)
    assert ours.ms_error == pytest.approx(ref["mean_squares"]["MSE"], abs=POINT)
    c1 = ref["irr_icc_twoway_consistency_single"]
    assert (ours.f, ours.df2, ours.p_value) == pytest.approx(
        (c1["F"], c1["df2"], c1["p"]), abs=POINT
    )
    one = icc(anxiety, model="oneway")
    o = ref["irr_icc_oneway"]
    assert (one.estimate, one.f, one.df2, one.p_value) == pytest.approx(
        (o["value"], o["F"], o["df2"], o["p"]), abs=POINT
    )
    assert (one.ci_low, one.ci_high) == pytest.approx((o["lb"], o["ub"]), abs=INTERVAL)


def test_icc_video_agreement(reference, video):
    ours = icc(video, model="twoway", type="agreement")
    assert ours.estimate == pytest.approx(
        reference["video_irr"]["icc_twoway_agreement_single"], abs=POINT
    )


@pytest.mark.r
@pytest.mark.parametrize("data", ["icc_anx", "icc_g3", "icc_g5"])
@pytest.mark.parametrize(("label", "model", "kind", "unit"), ICC_FORMS)
def test_icc_matches_psych_live(r_psych, anxiety, data, label, model, kind, unit):
    x = anxiety if data == "icc_anx" else GENERATED_ICC[data.removeprefix("icc_")]
    ref = r_psych[data][label]
    ours = icc(x, model=model, type=kind, unit=unit)
    assert ours.estimate == pytest.approx(ref["icc"], abs=POINT)
    assert ours.f == pytest.approx(ref["F"], abs=POINT)
    assert (ours.df1, ours.df2) == pytest.approx((ref["df1"], ref["df2"]), abs=POINT)
    assert ours.p_value == pytest.approx(ref["p"], abs=POINT)
    assert ours.ci_low == pytest.approx(ref["lower"], abs=INTERVAL)
    assert ours.ci_high == pytest.approx(ref["upper"], abs=INTERVAL)


# --------------------------------------------------------------------------- percent agreement


def test_percent_agreement_matches_irr_agree_with_tolerance(reference, anxiety):
    ours = percent_agreement(anxiety, tolerance=1)
    assert ours.estimate * 100 == pytest.approx(
        reference["anxiety_other_irr"]["agree_tol1_percent"]
    )
    assert ours.n == 20 and ours.agreements == 7


def test_percent_agreement_exact_and_adjacent_for_two_raters():
    a = [1, 2, 3, 4, np.nan, 2, 3]
    b = [1, 3, 1, 4, 2, 2, 4]
    exact = percent_agreement(a, b)
    adjacent = percent_agreement(a, b, tolerance=1)
    assert (exact.agreements, exact.n) == (3, 6)
    assert (adjacent.agreements, adjacent.n) == (5, 6)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(5, 6, method="wilson")
    assert (adjacent.ci_low, adjacent.ci_high) == pytest.approx((low, high), abs=1e-12)


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cohen_kappa([1, 2, 3], [1, 2]), "same units: got 3 and 2"),
        (lambda: cohen_kappa([], []), "No ratings"),
        (lambda: cohen_kappa([np.nan, 1], [2, np.nan]), "No unit was rated by both"),
        (lambda: cohen_kappa([2, 2, 2], [2, 2, 2]), "single category"),
        (
            lambda: cohen_kappa([2, 2, 2], [2, 2, 2], categories=[1, 2, 3, 4], weights="linear"),
            "single category",
        ),
        (lambda: cohen_kappa([1, 5], [1, 2], categories=[1, 2, 3]), "Rating 5 is not one of"),
        (lambda: cohen_kappa([1, 2], [1, 2], weights="cubic"), "weights must be"),
        (lambda: fleiss_kappa([[3, 0], [3, 0]]), "one category"),
        (lambda: fleiss_kappa([[1, 0], [0, 1]]), "at least two raters"),
        (lambda: fleiss_kappa([[2, 1], [1, 1]]), "same number of ratings"),
        (lambda: fleiss_kappa([]), "non-empty"),
        (lambda: krippendorff_alpha([[1, 2, 3]]), "at least two raters"),
        (
            lambda: krippendorff_alpha([[np.nan, np.nan], [np.nan, np.nan]]),
            "All ratings are missing",
        ),
        (lambda: krippendorff_alpha([[1, np.nan], [np.nan, 2]]), "No unit was rated by two"),
        (lambda: krippendorff_alpha([[3, 3, 3], [3, 3, 3]]), "same value"),
        (lambda: krippendorff_alpha([[1, 2], [1, 2]], level="fuzzy"), "level must be"),
        (lambda: krippendorff_alpha([]), "non-empty"),
        (lambda: icc([[1], [2], [3]]), "at least two raters"),
        (lambda: icc([[1, 2]]), "at least two subjects"),
        (lambda: icc([[1, np.nan], [2, 3], [3, 3]]), "every subject rated by every rater"),
        (lambda: icc([[2, 2], [2, 2]]), "every rating is the same"),
        (lambda: icc([[1, 2], [2, 1]], model="oneway", type="consistency"), "one-way model"),
        (lambda: percent_agreement([1, 2], [1]), "same units"),
        (lambda: percent_agreement([[1], [2]]), "at least two raters"),
        (lambda: percent_agreement([[1, np.nan], [np.nan, 2]]), "No unit was rated by every"),
        (lambda: cohen_kappa(["a", "b"], [1, 2]), "must hold numbers"),
    ],
)
def test_edge_cases_raise_clear_errors(call, message):
    with pytest.raises(AnalysisError, match=message):
        call()


def test_no_result_is_nan_on_degenerate_but_valid_input():
    """Tiny but legal inputs give finite numbers, not NaN."""
    results = [
        cohen_kappa([1, 2], [2, 1]),
        krippendorff_alpha([[1, 2], [2, 1]], n_boot=50, seed=1),
        icc([[1, 2], [2, 1], [3, 3]]),
        fleiss_kappa([[2, 0], [1, 1]]),
    ]
    for r in results:
        assert np.isfinite(r.estimate)
        for bound in (r.ci_low, r.ci_high):
            assert bound is None or np.isfinite(bound)

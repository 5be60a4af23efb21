"""CR2 cluster-robust inference: against R clubSandwich, closed forms, and a coverage
simulation with 8, 12 and 30 schools (issue 22)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from samsyn.analysis.clustered import (
    cluster_robust_test,
    clustered_difference,
    clustered_mean,
)
from samsyn.analysis.results import AnalysisError
from samsyn.analysis.tests.rhelpers import run_r
from samsyn.analysis.tests.simulate_change import simulate_round_pair, true_change

CLUB = r"""
library(clubSandwich)
one <- function(fit, cl) {
  ct <- coef_test(fit, vcov = "CR2", cluster = cl, test = "Satterthwaite")
  list(beta = ct$beta, se = ct$SE, df = ct$df_Satt, p = ct$p_Satt)
}
result <- list(
  reg = one(lm(y ~ grp + x2, data = d), d$cl),
  mean = one(lm(y ~ 1, data = d), d$cl),
  diff = one(lm(y ~ grp, data = d), d$cl)
)
"""


def _clustered_data(seed: int, n_clusters: int):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 12, n_clusters)
    cl = np.repeat(np.arange(n_clusters), sizes)
    n = cl.size
    y = rng.normal(size=n) + rng.normal(0, 0.8, n_clusters)[cl]
    y = np.clip(np.rint(2.5 + y), 1, 4) + rng.normal(0, 0.3, n)
    grp = (rng.random(n) < 0.5).astype(float)
    x2 = rng.normal(size=n) + 0.5 * grp
    return y, grp, x2, cl


@pytest.mark.r
@pytest.mark.parametrize(("seed", "n_clusters"), [(1, 5), (2, 8), (3, 12), (4, 30)])
def test_cr2_and_satterthwaite_equal_clubsandwich(rscript, seed, n_clusters):
    y, grp, x2, cl = _clustered_data(seed, n_clusters)
    r = run_r(rscript, CLUB, d={"y": y, "grp": grp, "x2": x2, "cl": cl})
    X = np.column_stack([np.ones(y.size), grp, x2])
    for j in range(3):
        c = np.eye(3)[j]
        ours = cluster_robust_test(y, X, cl, c)
        assert ours.estimate == pytest.approx(r["reg"]["beta"][j], abs=1e-10)
        assert ours.se == pytest.approx(r["reg"]["se"][j], rel=1e-9)
        assert ours.df == pytest.approx(r["reg"]["df"][j], rel=1e-8)
        assert ours.p_value == pytest.approx(r["reg"]["p"][j], rel=1e-7, abs=1e-12)
    m = clustered_mean(y, cl)
    assert (m.estimate, m.se, m.df, m.p_value) == pytest.approx(
        (r["mean"]["beta"], r["mean"]["se"], r["mean"]["df"], r["mean"]["p"]), rel=1e-8
    )
    d = clustered_difference(y[grp == 0], y[grp == 1], clusters_before=cl[grp == 0],
                             clusters_after=cl[grp == 1])  # fmt: skip
    assert (d.estimate, d.se, d.df, d.p_value) == pytest.approx(
        (r["diff"]["beta"][1], r["diff"]["se"][1], r["diff"]["df"][1], r["diff"]["p"][1]),
        rel=1e-8,
    )
    assert m.n == np.unique(cl).size and m.n_obs == y.size


def test_one_value_per_cluster_is_the_t_interval_and_welch_variance():
    rng = np.random.default_rng(7)
    x = rng.normal(0.2, 1.0, 12)
    m = clustered_mean(x)
    t = stats.ttest_1samp(x, 0.0)
    ci = t.confidence_interval(0.95)
    assert m.df == pytest.approx(11)
    assert m.p_value == pytest.approx(t.pvalue, rel=1e-10)
    assert (m.ci_low, m.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-10)
    a, b = rng.normal(0, 1, 9), rng.normal(0.5, 2, 14)
    d = clustered_difference(a, b)
    welch_se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert d.estimate == pytest.approx(b.mean() - a.mean())
    assert d.se == pytest.approx(welch_se, rel=1e-10)


def test_clusters_widen_the_interval_when_schools_share_a_change():
    rng = np.random.default_rng(3)
    before, after, school, _ = simulate_round_pair(rng, 8, mu=0.0)
    naive = clustered_mean(after - before)
    robust = clustered_mean(after - before, school)
    assert robust.n == 8 and naive.n == school.size
    assert robust.df < 8 and naive.df == pytest.approx(school.size - 1)
    assert robust.ci_high - robust.ci_low > naive.ci_high - naive.ci_low


def test_labels_are_arbitrary_and_missing_values_are_dropped():
    rng = np.random.default_rng(4)
    y = rng.normal(size=40)
    cl = np.repeat(np.arange(8), 5)
    named = np.array([f"school {c}" for c in cl])
    with_nan = np.r_[y, np.nan]
    a = clustered_mean(y, cl)
    b = clustered_mean(with_nan, np.append(named, "school 0"))
    assert (a.estimate, a.se, a.df) == pytest.approx((b.estimate, b.se, b.df))


def test_errors_are_sentences():
    with pytest.raises(AnalysisError, match="at least two"):
        clustered_mean([1.0, 2.0, 3.0], [1, 1, 1])
    with pytest.raises(AnalysisError, match="one label per observation"):
        clustered_mean([1.0, 2.0], [1])
    with pytest.raises(AnalysisError, match="Both rounds"):
        clustered_difference([], [1.0, 2.0])
    # every school seen in only one round: the rounds cannot be compared within a school
    with pytest.raises(AnalysisError, match="Too few independent units"):
        clustered_difference(
            [1.0, 2.0, 1.5], [2.0, 3.0], clusters_before=[1, 1, 1], clusters_after=[2, 2]
        )


def test_no_spread_gives_a_point_interval():
    m = clustered_mean([0.5, 0.5, 0.5, 0.5], [1, 1, 2, 2])
    assert (m.ci_low, m.ci_high, m.p_value) == (0.5, 0.5, 0.0)
    z = clustered_mean([0.0, 0.0, 0.0], [1, 2, 3])
    assert (z.ci_low, z.ci_high, z.p_value, z.clear) == (0.0, 0.0, 1.0, False)


# The seeded simulation of docs/methods.md ("Change with few schools"). Owner pages: teachers
# in 8, 12 or 30 schools of 4-20 teachers, with a change shared within each school; the
# truth is the population change. A school's own page: 12 teachers of one school; its truth
# is that school's own expected change. "False clear" is a clear change where none is true.
REPS = 2000


def _run(n_schools: int, mu: float, *, sizes=(4, 20), shared=True, seed=0):
    rng = np.random.default_rng([2026, n_schools, int(mu * 100), seed])
    cover = clear = 0
    for _ in range(REPS):
        before, after, school, within = simulate_round_pair(
            rng, n_schools, mu=mu, sizes=sizes, shared_change=shared
        )
        if n_schools == 1:
            truth, r = within[0], clustered_mean(after - before)
        else:
            truth, r = true_change(mu), clustered_mean(after - before, school)
        cover += r.ci_low <= truth <= r.ci_high
        clear += r.clear
    return cover / REPS, clear / REPS


@pytest.mark.parametrize("n_schools", [8, 12, 30])
def test_coverage_and_false_clear_changes_with_few_schools(n_schools):
    cover_null, false_clear = _run(n_schools, 0.0)
    cover_alt, _ = _run(n_schools, 0.3)
    assert cover_null >= 0.93 and cover_alt >= 0.93, (cover_null, cover_alt)
    assert false_clear <= 0.07, false_clear


def test_coverage_on_a_school_page_with_12_teachers():
    cover, _ = _run(1, 0.3, sizes=(12, 12))
    _, false_clear = _run(1, 0.0, sizes=(12, 12), shared=False)
    assert cover >= 0.93 and false_clear <= 0.07, (cover, false_clear)


@pytest.mark.r
def test_schools_seen_in_one_round_only_equal_clubsandwich(rscript):
    """A school observed in only one round: I − H_gg is singular (clubSandwich's rule)."""
    rng = np.random.default_rng(3)
    cb = np.r_[np.zeros(4), rng.integers(1, 5, 20)]
    ca = np.r_[np.full(3, 5), rng.integers(1, 5, 18)]
    b, a = rng.normal(2, 0.5, cb.size), rng.normal(2.3, 0.5, ca.size)
    ours = clustered_difference(b, a, clusters_before=cb, clusters_after=ca)
    code = """library(clubSandwich)
    ct <- coef_test(lm(y ~ grp, data = d), vcov = "CR2", cluster = d$cl, test = "Satterthwaite")
    result <- list(ct$beta[2], ct$SE[2], ct$df_Satt[2], ct$p_Satt[2])"""
    frame = {"y": np.r_[b, a], "grp": np.r_[np.zeros(b.size), np.ones(a.size)], "cl": np.r_[cb, ca]}
    r = run_r(rscript, code, d=frame)
    assert (ours.estimate, ours.se, ours.df, ours.p_value) == pytest.approx(r, rel=1e-8)

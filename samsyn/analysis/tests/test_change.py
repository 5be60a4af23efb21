"""Change statistics against scipy's rank tests, statsmodels and brute-force definitions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from samsyn.analysis.change import (
    _paired_bootstrap,
    cluster_bootstrap_mean,
    independent_change,
    multiple_comparisons,
    paired_change,
    resample_cluster_totals,
    step_distribution,
)
from samsyn.analysis.results import AnalysisError

POINT = 1e-6


def rounds(seed: int, n: int, *, ties: bool = True):
    rng = np.random.default_rng(seed)
    if ties:
        before = rng.integers(1, 5, n).astype(float)
        after = np.clip(before + rng.choice([-1, 0, 1, 1, 2], n), 1, 4)
    else:
        before = rng.normal(2.5, 0.7, n)
        after = before + rng.normal(0.3, 0.5, n)
    return before, after


def _has_ties_or_zeros(d):
    nz = d[d != 0]
    return (d == 0).any() or np.unique(np.abs(nz)).size < nz.size


# --------------------------------------------------------------------------- Wilcoxon


@pytest.mark.parametrize(("seed", "n"), [(1, 10), (2, 25), (3, 50)])
def test_wilcoxon_exact_matches_scipy_without_ties(seed, n):
    before, after = rounds(seed, n, ties=False)
    ours = paired_change(before, after, n_boot=0)
    ref = stats.wilcoxon(after, before, method="exact")
    assert ours.method == "exact"
    assert ours.statistic == ref.statistic
    assert ours.p_value == pytest.approx(ref.pvalue, abs=POINT)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_wilcoxon_with_ties_and_zeros_matches_scipy_exact_permutation(seed):
    """With ties and zeros the exact null is the permutation distribution of the signs;
    scipy enumerates all 2ⁿ sign flips when n_resamples ≥ 2ⁿ."""
    before, after = rounds(seed, 16)
    d = after - before
    assert _has_ties_or_zeros(d)
    ours = paired_change(before, after, n_boot=0)
    ref = stats.wilcoxon(d, method=stats.PermutationMethod(n_resamples=2**16 + 1))
    assert ours.method == "exact"
    assert ours.statistic == ref.statistic
    assert ours.p_value == pytest.approx(ref.pvalue, abs=POINT)


@pytest.mark.parametrize(("seed", "ties"), [(7, True), (8, False), (9, True)])
def test_wilcoxon_asymptotic_matches_scipy_on_large_samples(seed, ties):
    before, after = rounds(seed, 400, ties=ties)
    before[::37] = np.nan  # missing values drop the pair
    ours = paired_change(before, after, n_boot=0)
    ok = ~np.isnan(before)
    ref = stats.wilcoxon(after[ok], before[ok], method="asymptotic")
    assert ours.method == "asymptotic"
    assert ours.n == ok.sum()
    assert ours.statistic == ref.statistic
    assert ours.p_value == pytest.approx(ref.pvalue, abs=POINT)


@pytest.mark.parametrize(("seed", "n"), [(10, 12), (11, 200)])
def test_rank_biserial_matches_kerby_from_scipy_rank_sums(seed, n):
    before, after = rounds(seed, n)
    d = after - before
    t_plus = stats.wilcoxon(d, alternative="greater", method="asymptotic").statistic
    m = np.count_nonzero(d)
    total = m * (m + 1) / 2
    ours = paired_change(before, after, n_boot=0)
    assert ours.rank_biserial.estimate == pytest.approx((2 * t_plus - total) / total, abs=POINT)
    assert ours.estimate == pytest.approx(d.mean(), abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_paired_bootstrap_replicate_equals_recomputing_on_the_resample(seed):
    """The vectorised rank-biserial of one resample against scipy on the expanded sample.

    With one resample there is one batch, drawn by the first child of the seed."""
    before, after = rounds(12, 40)
    schools = np.repeat(np.arange(10), 4)
    means, rbs = _paired_bootstrap(after - before, schools, 10, 1, seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    drawn = rng.integers(0, 10, size=(1, 10))[0]
    idx = np.concatenate([np.flatnonzero(schools == s) for s in drawn])
    d = (after - before)[idx]
    assert means[0] == pytest.approx(d.mean(), abs=1e-12)
    t_plus = stats.wilcoxon(d, alternative="greater", method="asymptotic").statistic
    m = np.count_nonzero(d)
    total = m * (m + 1) / 2
    assert rbs[0] == pytest.approx((2 * t_plus - total) / total, abs=1e-12)


def test_paired_bootstrap_resamples_schools_not_teachers():
    """When whole schools move together, resampling schools must widen the interval."""
    rng = np.random.default_rng(13)
    schools = np.repeat(np.arange(20), 25)
    school_shift = rng.normal(0, 1, 20)[schools]
    before = rng.normal(0, 0.3, 500)
    after = before + 0.2 + school_shift + rng.normal(0, 0.3, 500)
    naive = paired_change(before, after, n_boot=1000, seed=1)
    clustered = paired_change(before, after, clusters=schools, n_boot=1000, seed=1)
    assert clustered.n_clusters == 20 and naive.n_clusters == 500
    assert (clustered.ci_high - clustered.ci_low) > 3 * (naive.ci_high - naive.ci_low)
    # Analytic check: the SE of a mean over equal clusters is sd(cluster means)/√G.
    means = (after - before).reshape(20, 25).mean(axis=1)
    assert clustered.se == pytest.approx(means.std(ddof=0) / np.sqrt(20), rel=0.12)


def test_paired_change_is_reproducible_with_a_seed():
    before, after = rounds(14, 60)
    one = paired_change(before, after, n_boot=300, seed=9)
    two = paired_change(before, after, n_boot=300, seed=9)
    assert one == two
    assert one.ci_low <= one.estimate <= one.ci_high
    assert one.rank_biserial.ci_low <= one.rank_biserial.estimate <= one.rank_biserial.ci_high


# --------------------------------------------------------------------------- Mann-Whitney


@pytest.mark.parametrize(("seed", "na", "nb"), [(1, 5, 7), (2, 8, 8), (3, 3, 6)])
def test_mann_whitney_exact_matches_scipy(seed, na, nb):
    rng = np.random.default_rng(seed)
    after, before = rng.normal(0.5, 1, na), rng.normal(0, 1, nb)
    ours = independent_change(before, after)
    ref = stats.mannwhitneyu(after, before, method="exact")
    assert ours.method == "exact"
    assert ours.u_statistic == ref.statistic
    assert ours.p_value == pytest.approx(ref.pvalue, abs=POINT)


@pytest.mark.parametrize(("seed", "n"), [(4, 30), (5, 300), (6, 12)])
def test_mann_whitney_asymptotic_with_ties_matches_scipy(seed, n):
    before, _ = rounds(seed, n)
    _, after = rounds(seed + 100, n + 7)
    after[::5] = np.nan
    ours = independent_change(before, after)
    a = after[~np.isnan(after)]
    ref = stats.mannwhitneyu(a, before, method="asymptotic")
    assert ours.method == "asymptotic"
    assert ours.u_statistic == ref.statistic
    assert ours.p_value == pytest.approx(ref.pvalue, abs=POINT)
    welch = stats.ttest_ind(a, before, equal_var=False)
    ci = welch.confidence_interval()
    assert (ours.ci_low, ours.ci_high) == pytest.approx((ci.low, ci.high), abs=POINT)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_cliffs_delta_and_variance_match_the_dominance_matrix(seed):
    """Cliff (1993) computed the slow way, from the full n_a × n_b dominance matrix."""
    before, _ = rounds(seed, 23)
    _, after = rounds(seed + 50, 31)
    dom = np.sign(after[:, None] - before[None, :])
    na, nb = dom.shape
    delta = dom.mean()
    di, dj = dom.mean(axis=1), dom.mean(axis=0)
    s2 = (
        nb**2 * ((di - delta) ** 2).sum()
        + na**2 * ((dj - delta) ** 2).sum()
        - ((dom - delta) ** 2).sum()
    ) / (na * nb * (na - 1) * (nb - 1))
    z = stats.norm.ppf(0.975)
    low = (delta - delta**3 - z * np.sqrt(s2) * np.sqrt((1 - delta**2) ** 2 + z**2 * s2)) / (
        1 - delta**2 + z**2 * s2
    )
    ours = independent_change(before, after).cliffs_delta
    assert ours.estimate == pytest.approx(delta, abs=1e-12)
    assert ours.se == pytest.approx(np.sqrt(s2), abs=1e-12)
    assert ours.ci_low == pytest.approx(low, abs=1e-12)


# --------------------------------------------------------------------------- multiple testing


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_multiple_comparisons_match_statsmodels(method, seed):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.random(6) ** 4, [0.01, 0.01, 1.0, 0.5]])  # ties and a one
    ours = multiple_comparisons(p, method)
    reject, adjusted, _, _ = multipletests(p, alpha=0.05, method=method)
    assert np.allclose(ours.p_adjusted, adjusted, atol=1e-12)
    assert ours.reject == tuple(reject)


# --------------------------------------------------------------------------- steps, bootstrap


def test_step_distribution_counts_and_wilson_intervals():
    ratings = [1, 2, 2, 3, None, 4, 4, 4, np.nan, 2]
    dist = step_distribution(ratings, [1, 2, 3, 4, 5])
    assert dist.n == 8 and dist.n_missing == 2
    assert [s.count for s in dist.shares] == [1, 3, 1, 3, 0]
    for share in dist.shares:
        low, high = proportion_confint(share.count, 8, method="wilson")
        assert (share.ci_low, share.ci_high) == pytest.approx((low, high), abs=1e-12)
    assert sum(s.estimate for s in dist.shares) == pytest.approx(1.0)


def test_cluster_bootstrap_does_not_depend_on_threads():
    rng = np.random.default_rng(3)
    totals = np.column_stack([rng.normal(size=500), rng.integers(1, 4, 500)])
    one = resample_cluster_totals(totals, n_boot=700, seed=4, workers=1)
    two = resample_cluster_totals(totals, n_boot=700, seed=4, workers=2)
    assert np.array_equal(one, two)
    three = resample_cluster_totals(np.column_stack([totals, totals]), n_boot=700, seed=4)
    assert np.allclose(three[:, :2], one)


def test_cluster_bootstrap_mean_matches_the_analytic_cluster_se():
    rng = np.random.default_rng(5)
    teachers = np.repeat(np.arange(400), 5)
    values = rng.normal(0, 1, 400)[teachers] + rng.normal(0, 0.5, 2000)
    res = cluster_bootstrap_mean(values, teachers, n_boot=2000, seed=1)
    means = values.reshape(400, 5).mean(axis=1)
    assert res.n == 400 and res.n_obs == 2000
    assert res.estimate == pytest.approx(values.mean())
    assert res.se == pytest.approx(means.std(ddof=0) / np.sqrt(400), rel=0.08)
    naive_se = values.std(ddof=1) / np.sqrt(values.size)
    assert res.se > 1.8 * naive_se  # rating-level resampling would be far too optimistic


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: paired_change([1, 2], [1, 2, 3]), "same teachers: got 2 and 3"),
        (lambda: paired_change([], []), "No pairs"),
        (lambda: paired_change([np.nan, 1], [2, np.nan]), "both a before and an after"),
        (lambda: paired_change([1, 2, 3], [1, 2, 3]), "no change to test"),
        (lambda: paired_change([1], [2], n_boot=100), "at least two"),
        (lambda: paired_change([1, 2], [2, 3], clusters=[1]), "one label per observation"),
        (lambda: independent_change([], [1, 2]), "Both rounds need values"),
        (lambda: independent_change([1], [1, 2]), "at least two values"),
        (lambda: independent_change([2, 2, 2], [2, 2]), "nothing to test"),
        (lambda: multiple_comparisons([]), "No p-values"),
        (lambda: multiple_comparisons([0.1, np.nan]), "missing"),
        (lambda: multiple_comparisons([0.1, 1.2]), "between 0 and 1"),
        (lambda: multiple_comparisons([0.1], "bonferroni"), "holm"),
        (lambda: step_distribution([np.nan], [1, 2]), "No ratings"),
        (lambda: step_distribution([1, 7], [1, 2, 3]), "Rating 7 is not one of the steps"),
        (lambda: step_distribution([1], [1, 1]), "repeated"),
        (lambda: cluster_bootstrap_mean([1, 2, 3], [1, 1, 1]), "at least two clusters"),
        (lambda: cluster_bootstrap_mean([1, 2], [1, 2, 3]), "one label per observation"),
        (lambda: resample_cluster_totals([], n_boot=5), "non-empty"),
    ],
)
def test_edge_cases_raise_clear_errors(call, message):
    with pytest.raises(AnalysisError, match=message):
        call()


def test_independent_change_with_complete_separation_and_no_spread():
    # [2, 2] before, [3, 3] after: every pair improves, no variance in either round. Cliff's
    # interval degenerates there; we give the Wilson interval for δ = 2p − 1 instead.
    result = independent_change([2, 2], [3, 3])
    assert result.estimate == 1.0
    assert result.cliffs_delta.estimate == 1.0
    low, high = result.cliffs_delta.ci_low, result.cliffs_delta.ci_high
    assert high == pytest.approx(1.0)
    assert -1.0 < low < 1.0
    # More lessons make the lower bound firmer.
    assert independent_change([2] * 8, [3] * 8).cliffs_delta.ci_low > low
    down = independent_change([3, 3], [2, 2]).cliffs_delta
    assert (down.ci_low, down.ci_high) == pytest.approx((-high, -low))

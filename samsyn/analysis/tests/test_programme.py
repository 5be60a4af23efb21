"""A programme's baseline vs outcome (samsyn.analysis.programme): against R (lm, clubSandwich)
on generated data, suppression, and the intervals' coverage at three and four schools.

The in-suite coverage checks are short (a few hundred replications, loose bounds); the long
ones run with `SAMSYN_LONG_SIMULATIONS=1` (`make simulate-programme`)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from scipy import stats

from samsyn.analysis.programme import compare_baseline_outcome, exploratory_slope
from samsyn.analysis.results import AnalysisError
from samsyn.analysis.tests.rhelpers import run_r
from samsyn.analysis.tests.simulate_change import simulate_round_pair, true_change

LONG = os.environ.get("SAMSYN_LONG_SIMULATIONS") == "1"


def _teachers(seed: int, n_schools: int, sizes=(5, 15)):
    rng = np.random.default_rng(seed)
    before, after, school, _within = simulate_round_pair(rng, n_schools, mu=0.3, sizes=sizes)
    ids = np.arange(before.size)
    return before, after, school, ids


def _respondents(seed: int, n_schools: int):
    rng = np.random.default_rng(seed)
    nb = rng.integers(6, 30, n_schools)
    na = rng.integers(6, 30, n_schools)
    effect = rng.normal(0, 0.8, n_schools)
    sb = np.repeat(np.arange(n_schools), nb)
    sa = np.repeat(np.arange(n_schools), na)
    vb = np.clip(5 + effect[sb] + rng.normal(0, 2, sb.size), 0, 10)
    va = np.clip(
        5.5 + effect[sa] + rng.normal(0, 0.5, n_schools)[sa] + rng.normal(0, 2, sa.size), 0, 10
    )
    return vb, va, sb, sa


PAIRED_R = r"""
library(clubSandwich)
fit <- lm(y ~ after, data = p)
ct <- coef_test(fit, vcov = "CR2", cluster = p$school, test = "Satterthwaite")
one <- p[p$school == 0, ]
w <- coef_test(lm(y ~ after, data = one), vcov = "CR2", cluster = one$teacher,
               test = "Satterthwaite")
result <- list(beta = ct$beta[2], se = ct$SE[2], df = ct$df_Satt[2], p = ct$p_Satt[2],
               school0 = c(w$beta[2], w$SE[2], w$df_Satt[2]))
"""

UNPAIRED_R = r"""
library(clubSandwich)
fit <- lm(y ~ after, data = s)
ct <- coef_test(fit, vcov = "CR2", cluster = s$school, test = "Satterthwaite")
one <- s[s$school == 1, ]
one$row <- seq_len(nrow(one))
w <- coef_test(lm(y ~ after, data = one), vcov = "CR2", cluster = one$row,
               test = "Satterthwaite")
result <- list(beta = ct$beta[2], se = ct$SE[2], df = ct$df_Satt[2], p = ct$p_Satt[2],
               school1 = c(w$SE[2], w$df_Satt[2]))
"""

SLOPE_R = r"""
fit <- lm(y ~ x, data = d)
ci <- confint(fit)["x", ]
result <- list(b = unname(coef(fit)["x"]), low = unname(ci[1]), high = unname(ci[2]),
               p = summary(fit)$coefficients["x", 4])
"""


@pytest.mark.r
@pytest.mark.parametrize(("seed", "n_schools"), [(1, 3), (2, 4), (3, 8)])
def test_teaching_change_clustered_on_teachers_and_schools_equals_clubsandwich(
    rscript, seed, n_schools
):
    before, after, school, ids = _teachers(seed, n_schools)
    # a teacher who left after the baseline and one who joined: unbalanced, still clustered
    before, ids_b, school_b = before[1:], ids[1:], school[1:]
    after, ids_a, school_a = after[:-1], ids[:-1], school[:-1]
    res = compare_baseline_outcome(
        before,
        after,
        schools_baseline=school_b,
        schools_outcome=school_a,
        ids_baseline=ids_b,
        ids_outcome=ids_a,
        min_group=3,
    )
    frame = {
        "y": np.r_[before, after],
        "after": np.r_[np.zeros(before.size), np.ones(after.size)],
        "school": np.r_[school_b, school_a],
        "teacher": np.r_[ids_b, ids_a],
    }
    r = run_r(rscript, PAIRED_R, p=frame)
    c = res.change
    assert (c.estimate, c.se, c.df, c.p_value) == pytest.approx(
        (r["beta"], r["se"], r["df"], r["p"]), rel=1e-8
    )
    s0 = res.schools[0].change
    assert (s0.estimate, s0.se, s0.df) == pytest.approx(r["school0"], rel=1e-8)


@pytest.mark.r
@pytest.mark.parametrize(("seed", "n_schools"), [(4, 3), (5, 5)])
def test_unpaired_survey_change_equals_clubsandwich(rscript, seed, n_schools):
    vb, va, sb, sa = _respondents(seed, n_schools)
    res = compare_baseline_outcome(vb, va, schools_baseline=sb, schools_outcome=sa, min_group=5)
    frame = {
        "y": np.r_[vb, va],
        "after": np.r_[np.zeros(vb.size), np.ones(va.size)],
        "school": np.r_[sb, sa],
    }
    r = run_r(rscript, UNPAIRED_R, s=frame)
    c = res.change
    assert (c.estimate, c.se, c.df, c.p_value) == pytest.approx(
        (r["beta"], r["se"], r["df"], r["p"]), rel=1e-8
    )
    s1 = res.schools[1].change
    assert (s1.se, s1.df) == pytest.approx(r["school1"], rel=1e-8)


@pytest.mark.r
@pytest.mark.parametrize("n", [3, 4, 9])
def test_slope_equals_lm_confint(rscript, n):
    rng = np.random.default_rng(n)
    x = rng.normal(0.3, 0.2, n)
    y = 0.1 + 0.8 * x + rng.normal(0, 0.3, n)
    ours = exploratory_slope(x, y)
    r = run_r(rscript, SLOPE_R, d={"x": x, "y": y})
    assert (ours.estimate, ours.ci_low, ours.ci_high, ours.p_value) == pytest.approx(
        (r["b"], r["low"], r["high"], r["p"]), rel=1e-9
    )
    assert ours.df == n - 2


def test_slope_refuses_two_schools_and_constant_x():
    with pytest.raises(AnalysisError, match="three schools"):
        exploratory_slope([0.1, 0.2], [1.0, 2.0])
    with pytest.raises(AnalysisError, match="do not vary"):
        exploratory_slope([0.2, 0.2, 0.2], [1.0, 2.0, 3.0])


def test_slope_matches_scipy_linregress():
    rng = np.random.default_rng(11)
    x, y = rng.normal(size=6), rng.normal(size=6)
    ours = exploratory_slope(x, y)
    ref = stats.linregress(x, y)
    assert (ours.estimate, ours.se, ours.r, ours.p_value) == pytest.approx(
        (ref.slope, ref.stderr, ref.rvalue, ref.pvalue), rel=1e-10
    )


def test_a_small_school_is_hidden_and_left_out_of_the_programme():
    before, after, school, ids = _teachers(7, 3, sizes=(8, 12))
    small = school == 2
    keep = ~small | (np.cumsum(small) <= 3)  # school 2 keeps three teachers
    before, after, school, ids = before[keep], after[keep], school[keep], ids[keep]
    res = compare_baseline_outcome(
        before,
        after,
        schools_baseline=school,
        schools_outcome=school,
        ids_baseline=ids,
        ids_outcome=ids,
        min_group=5,
    )
    hidden = res.schools[2]
    assert hidden.hidden == "too_few"
    assert hidden.baseline is None and hidden.change is None
    assert res.n_schools == 2 and res.n_hidden == 1
    # the programme's figures are those of the two shown schools only
    shown = school != 2
    assert res.baseline.estimate == pytest.approx(before[shown].mean())
    assert res.change.estimate == pytest.approx((after - before)[shown].mean())


def test_figures_rest_on_whole_sides_not_on_the_teachers_seen_twice():
    """A teacher who left (5) and one who joined (6): the baseline, the outcome and the change
    are all over each side's whole set, so no shown figure is over the four teachers seen
    twice (which, beside the baseline over five, would single out teacher 5's value)."""
    before = [2.0, 2.5, 3.0, 2.0, 3.5]
    after = [2.5, 3.0, 3.0, 2.5, 3.0]
    res = compare_baseline_outcome(
        before,
        after,
        schools_baseline=["s"] * 5,
        schools_outcome=["s"] * 5,
        ids_baseline=[1, 2, 3, 4, 5],
        ids_outcome=[1, 2, 3, 4, 6],
        min_group=4,
    )
    s = res.schools[0]
    assert s.n_pairs == 4
    assert s.baseline.estimate == pytest.approx(np.mean(before))
    assert s.outcome.estimate == pytest.approx(np.mean(after))
    assert s.change.estimate == pytest.approx(np.mean(after) - np.mean(before))
    assert res.reason == "one_school" and res.change is None


def test_the_pairing_narrows_the_interval_when_teachers_are_stable():
    rng = np.random.default_rng(3)
    level = rng.normal(2.5, 0.5, 12)
    before = level + rng.normal(0, 0.1, 12)
    after = level + 0.2 + rng.normal(0, 0.1, 12)
    common = dict(schools_baseline=["s"] * 12, schools_outcome=["s"] * 12, min_group=3)
    ids = np.arange(12)
    paired = compare_baseline_outcome(before, after, ids_baseline=ids, ids_outcome=ids, **common)
    unpaired = compare_baseline_outcome(before, after, **common)
    width = lambda c: c.ci_high - c.ci_low  # noqa: E731
    assert width(paired.schools[0].change) < width(unpaired.schools[0].change) / 2


def _coverage_change(n_schools: int, reps: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    truth = true_change(0.3)
    hits = 0
    for _ in range(reps):
        before, after, school, _w = simulate_round_pair(rng, n_schools, mu=0.3, sizes=(5, 15))
        ids = np.arange(before.size)
        res = compare_baseline_outcome(
            before,
            after,
            schools_baseline=school,
            schools_outcome=school,
            ids_baseline=ids,
            ids_outcome=ids,
            min_group=3,
        )
        hits += res.change.ci_low <= truth <= res.change.ci_high
    return hits / reps


def _coverage_slope(n: int, reps: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        x = rng.normal(0.3, 0.2, n)
        y = 0.1 + 0.5 * x + rng.normal(0, 0.3, n)
        s = exploratory_slope(x, y)
        hits += s.ci_low <= 0.5 <= s.ci_high
    return hits / reps


@pytest.mark.parametrize("n_schools", [3, 4])
def test_programme_change_covers_at_three_and_four_schools(n_schools):
    """CR2/Satterthwaite on the schools: near 95 % (slightly conservative) even with three
    schools, where a naive interval over all teachers covers far less. Short run: 300
    replications, so the bound is loose (the binomial SE at 95 % is 1.3 points)."""
    assert _coverage_change(n_schools, 300, 100 + n_schools) >= 0.90


@pytest.mark.parametrize("n", [3, 4])
def test_slope_interval_covers_at_three_and_four_schools(n):
    assert 0.92 <= _coverage_slope(n, 2000, 200 + n) <= 0.98


@pytest.mark.skipif(not LONG, reason="long simulation: SAMSYN_LONG_SIMULATIONS=1")
@pytest.mark.parametrize("n_schools", [3, 4, 6])
def test_long_coverage(n_schools):
    change = _coverage_change(n_schools, 4000, 300 + n_schools)
    slope = _coverage_slope(n_schools, 20000, 400 + n_schools)
    print(f"schools={n_schools} change coverage={change:.3f} slope coverage={slope:.3f}")
    assert change >= 0.93
    assert 0.94 <= slope <= 0.96

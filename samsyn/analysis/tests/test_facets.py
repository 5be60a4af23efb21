"""Many-facet model: parameter recovery on simulated data with known severities."""

from __future__ import annotations

import numpy as np
import pytest

from samsyn.analysis.facets import fit_facets
from samsyn.analysis.rasch import category_probabilities, fit_pcm
from samsyn.analysis.results import AnalysisError


def simulate(
    seed=0, *, teachers=200, lessons=5, J=10, K=3, observers=30, sev_sd=0.5, lesson_sd=0.0
):
    """1,000 lessons (200 teachers x 5), 10 dimensions, 4 steps, 30 observers by default.

    Each lesson is observed by one observer drawn at random; a teacher's lessons share θ
    (plus optional lesson-to-lesson noise, which the model does not know about).
    """
    rng = np.random.default_rng(seed)
    theta = rng.normal(0, 1, teachers)
    lam = rng.normal(0, sev_sd, observers)
    delta = np.sort(rng.normal(0, 1, (J, K)), 1)
    beta = np.concatenate([np.zeros((J, 1)), -np.cumsum(delta, 1)], 1)
    lesson_teacher = np.repeat(np.arange(teachers), lessons)
    lesson_obs = rng.integers(0, observers, lesson_teacher.size)
    lesson_eff = rng.normal(0, lesson_sd, lesson_teacher.size) if lesson_sd else 0 * lesson_obs
    t = np.repeat(lesson_teacher, J)
    o = np.repeat(lesson_obs, J)
    d = np.tile(np.arange(J), lesson_teacher.size)
    eta = theta[t] - lam[o] + np.repeat(lesson_eff, J)
    p = np.stack(
        [category_probabilities(e, beta[j : j + 1])[0, 0] for e, j in zip(eta, d, strict=True)]
    )
    x = (p.cumsum(1) < rng.random((t.size, 1))).sum(1)
    return x, t, o, d, theta, lam, delta


@pytest.fixture(scope="module")
def recovery():
    x, t, o, d, theta, lam, delta = simulate(seed=1)
    return fit_facets(x, t, o, d), theta, lam, delta


def test_parameter_recovery_meets_the_issue_targets(recovery):
    r, theta, lam, delta = recovery
    assert r.persons == tuple(range(200)) and r.observers == tuple(range(30))
    assert np.corrcoef(r.thresholds.ravel(), delta.ravel())[0, 1] >= 0.98
    assert np.corrcoef(r.person_measures, theta)[0, 1] >= 0.9
    assert np.corrcoef(r.severity, lam)[0, 1] >= 0.9
    assert r.notes == ()


def test_estimates_are_unbiased_in_scale_and_ses_honest(recovery):
    r, _, lam, delta = recovery
    true_sev = lam - lam.mean()
    slope = np.polyfit(true_sev, r.severity, 1)[0]
    assert slope == pytest.approx(1.0, abs=0.1)
    z = (r.severity - true_sev) / r.severity_se
    assert 0.4 < np.mean(z**2) < 2.0
    zt = (r.thresholds - (delta - delta.mean())) / r.threshold_se
    assert 0.4 < np.mean(zt**2) < 2.0
    assert np.mean(r.severity) == pytest.approx(0, abs=1e-12)
    assert np.nanmean(r.thresholds) == pytest.approx(0, abs=1e-12)
    assert r.bias_factor == pytest.approx(49 / 50)


def test_adjusting_for_observers_beats_ignoring_them():
    x, t, o, d, theta, _, _ = simulate(seed=2, teachers=150, lessons=3, sev_sd=1.0)
    adjusted = fit_facets(x, t, o, d)
    # ignoring who observed: a plain PCM on teachers' pooled ratings (teacher x dimension sums
    # are not PCM data, so pool lessons as replicate persons and average measures per teacher)
    X = np.full((t.size // 10, 10), np.nan)
    X[np.repeat(np.arange(t.size // 10), 10), d] = x
    pcm = fit_pcm(X)
    lesson_teacher = t[::10]
    naive = np.array([pcm.person_measures[lesson_teacher == i].mean() for i in range(150)])
    r_adj = np.corrcoef(adjusted.person_measures, theta)[0, 1]
    r_naive = np.corrcoef(naive, theta)[0, 1]
    assert r_adj > r_naive + 0.02


def test_without_severity_differences_thresholds_match_cml():
    x, t, o, d, _, _, _ = simulate(seed=3, teachers=300, lessons=4, sev_sd=0.0)
    r = fit_facets(x, t, o, d)
    assert np.abs(r.severity).max() < 4 * r.severity_se.max()
    # CML on lessons as persons (the raw score of each lesson is sufficient for its θ)
    X = np.full((300 * 4, 10), np.nan)
    X[np.repeat(np.arange(300 * 4), 10), d] = x
    cml = fit_pcm(X).thresholds
    np.testing.assert_allclose(r.thresholds, cml, atol=0.06)


def test_lesson_noise_the_model_ignores_still_recovers_severities():
    x, t, o, d, theta, lam, _ = simulate(seed=4, lesson_sd=0.4)
    r = fit_facets(x, t, o, d)
    assert np.corrcoef(r.severity, lam)[0, 1] >= 0.9
    assert np.corrcoef(r.person_measures, theta)[0, 1] >= 0.9


def test_extreme_teachers_are_measured_but_not_calibrated():
    x, t, o, d, _, _, _ = simulate(seed=5, teachers=60, lessons=4)
    x = x.copy()
    x[t == 0] = 0
    x[t == 1] = 3
    r = fit_facets(x, t, o, d)
    assert set(r.excluded_persons) == {0, 1}
    assert any("2 teacher(s)" in n for n in r.notes)
    pm = r.person_measures
    assert np.isfinite(pm[[0, 1]]).all()
    assert pm[0] < pm[2:].min() and pm[1] > pm[2:].max()


def test_unused_step_is_collapsed_and_reported():
    x, t, o, d, _, _, _ = simulate(seed=6, teachers=100, lessons=4)
    x = x.copy()
    x[(d == 2) & (x == 1)] = 2
    r = fit_facets(x, t, o, d, n_categories=4)
    assert r.n_steps[2] == 2 and r.step_labels[2] == ((0, 2), (2, 3))
    assert any("Dimension 2" in n and "[1]" in n for n in r.notes)
    assert np.isfinite(r.thresholds[2, :2]).all() and np.isnan(r.thresholds[2, 2])


def test_disconnected_observers_are_refused():
    x, t, o, d, _, _, _ = simulate(seed=7, teachers=40, lessons=2, observers=4)
    o = np.where(t < 20, o % 2, 2 + o % 2)  # teachers 0-19 only see observers 0-1, others 2-3
    with pytest.raises(AnalysisError, match="disconnected"):
        fit_facets(x, t, o, d)


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(AnalysisError, match="equal lengths"):
        fit_facets([0, 1], [0], [0, 1], [0, 1])
    with pytest.raises(AnalysisError, match="whole steps"):
        fit_facets([0, 1.5], [0, 1], [0, 1], [0, 1])
    with pytest.raises(AnalysisError, match="two observers"):
        fit_facets([0, 1, 2], [0, 1, 2], [0, 0, 0], [0, 1, 0])

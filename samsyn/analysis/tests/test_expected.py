"""Expected values agree with statsmodels' OLS (an independent implementation) to 1e-8."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from samsyn.analysis.expected import expected_values, ols, predict, residual_trend
from samsyn.analysis.results import AnalysisError

TOL = 1e-8


def background(seed: int, n: int = 290):
    """Shares like the real ones: parents' education, foreign background, boys (per cent)."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.uniform(30, 85, n), rng.uniform(3, 60, n), rng.uniform(44, 58, n)])
    y = 120 + 1.6 * x[:, 0] - 0.25 * x[:, 1] - 0.9 * x[:, 2] + rng.normal(0, 9, n)
    return x, y


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_matches_statsmodels_coefficients_and_errors(seed):
    x, y = background(seed)
    ours = ols(x, y, names=["parents", "foreign", "boys"])
    ref = sm.OLS(y, sm.add_constant(x)).fit()
    np.testing.assert_allclose(ours.coef, ref.params, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.se, ref.bse, rtol=0, atol=TOL)
    assert ours.sigma == pytest.approx(np.sqrt(ref.scale), abs=TOL)
    assert ours.r_squared == pytest.approx(ref.rsquared, abs=TOL)
    assert ours.df_resid == ref.df_resid
    assert ours.names == ("intercept", "parents", "foreign", "boys")


@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_it_matches_statsmodels_prediction_intervals(confidence):
    x, y = background(7, n=120)
    model = expected_values([f"u{i}" for i in range(len(y))], x, y, confidence=confidence)
    ref = sm.OLS(y, sm.add_constant(x)).fit()
    frame = ref.get_prediction(sm.add_constant(x)).summary_frame(alpha=1 - confidence)
    expected = np.array([v.expected for v in model.values])
    np.testing.assert_allclose(expected, frame["mean"], rtol=0, atol=TOL)
    np.testing.assert_allclose([v.pi_low for v in model.values], frame["obs_ci_lower"], atol=TOL)
    np.testing.assert_allclose([v.pi_high for v in model.values], frame["obs_ci_upper"], atol=TOL)
    np.testing.assert_allclose([v.estimate for v in model.values], ref.resid, atol=TOL)
    # The residual's interval has the prediction interval's half-width, and excludes zero
    # exactly when the actual value lies outside the prediction interval.
    for v in model.values:
        assert v.ci_low == pytest.approx(v.estimate - (v.expected - v.pi_low), abs=TOL)
        assert v.ci_high == pytest.approx(v.estimate + (v.pi_high - v.expected), abs=TOL)
        assert (v.ci_low > 0 or v.ci_high < 0) == (v.outside != 0)
        assert v.n == 120
    assert any(v.outside for v in model.values) and not all(v.outside for v in model.values)


def test_a_new_unit_gets_statsmodels_prediction():
    x, y = background(11, n=60)
    fit = ols(x, y)
    ref = sm.OLS(y, sm.add_constant(x)).fit()
    x0 = [55.0, 20.0, 51.0]
    ours = predict(fit, x0)
    frame = ref.get_prediction(np.array([[1.0, *x0]])).summary_frame(alpha=0.05)
    assert ours.mean == pytest.approx(frame["mean"].iloc[0], abs=TOL)
    assert ours.se_mean == pytest.approx(frame["mean_se"].iloc[0], abs=TOL)
    assert ours.pi_low == pytest.approx(frame["obs_ci_lower"].iloc[0], abs=TOL)
    assert ours.pi_high == pytest.approx(frame["obs_ci_upper"].iloc[0], abs=TOL)


def test_the_residual_trend_matches_statsmodels():
    years = [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    resid = [-4.1, -2.0, -2.5, 0.4, 1.1, 0.9, 3.2]
    trend = residual_trend(years, resid)
    ref = sm.OLS(resid, sm.add_constant(np.array(years, dtype=float))).fit()
    assert trend.estimate == pytest.approx(ref.params[1], abs=TOL)
    assert trend.se == pytest.approx(ref.bse[1], abs=TOL)
    low, high = ref.conf_int(alpha=0.05)[1]
    assert (trend.ci_low, trend.ci_high) == pytest.approx((low, high), abs=TOL)
    assert trend.n == 7


def test_it_matches_statsmodels_on_real_municipalities(shared_dir):
    """One year of the real grade-9 file: merit value on the three background shares."""
    import openpyxl  # a main dependency: a broken import must fail, not skip

    name = "Grundskola - Jämförelse av betygsresultat över tid 2025 Kommun_Åk9.xlsx"
    path = shared_dir / "data" / "skolverket" / name
    if not path.exists():
        pytest.skip(f"{path.name} not in shared data")
    sheet = openpyxl.load_workbook(path, read_only=True, data_only=True)["Samtliga"]
    wanted = {
        "Totalt antal elever årskurs 9": "n",
        "- andel (%) med föräldrar med eftergymnasial utbildning": "parents",
        "- andel (%) elever med utländsk bakgrund": "foreign",
        "- andel (%) pojkar": "boys",
        "Genomsnittligt meritvärde (17 ämnen)": "merit",
    }
    rows: dict[str, dict[str, float]] = {}
    for row in sheet.iter_rows(min_row=9, values_only=True):
        if row[1] and row[4] in wanted and isinstance(row[5], int | float):
            rows.setdefault(row[1], {})[wanted[row[4]]] = float(row[5])
    units = sorted(c for c, r in rows.items() if len(r) == 5 and r["n"] >= 15)
    assert len(units) > 250
    x = np.array([[rows[u]["parents"], rows[u]["foreign"], rows[u]["boys"]] for u in units])
    y = np.array([rows[u]["merit"] for u in units])
    model = expected_values(units, x, y)
    ref = sm.OLS(y, sm.add_constant(x)).fit()
    np.testing.assert_allclose(model.fit.coef, ref.params, atol=TOL)
    frame = ref.get_prediction(sm.add_constant(x)).summary_frame(alpha=0.05)
    np.testing.assert_allclose([v.pi_low for v in model.values], frame["obs_ci_lower"], atol=TOL)
    # Parents' education is the strongest predictor, as in SALSA.
    assert model.fit.coef[1] > 0 and model.fit.coef[1] / model.fit.se[1] > 5


def test_it_refuses_what_it_cannot_fit():
    with pytest.raises(AnalysisError, match="at least 4"):
        ols([[1, 2], [2, 3], [3, 5]], [1, 2, 3])
    with pytest.raises(AnalysisError, match="collinear"):
        girls = np.array([48.0, 50, 51, 47, 49, 52])
        ols(np.column_stack([girls, 100 - girls]), [1, 2, 3, 4, 5, 7])
    with pytest.raises(AnalysisError, match="missing"):
        ols([[1.0], [np.nan], [3.0], [4.0]], [1, 2, 3, 4])
    with pytest.raises(AnalysisError, match="three years"):
        residual_trend([2024, 2025], [1.0, 2.0])
    with pytest.raises(AnalysisError, match="once"):
        expected_values(["a", "a", "b", "c"], [[1], [2], [3], [5]], [1, 2, 3, 4])

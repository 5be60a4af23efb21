"""Expected vs actual for grade 6: the result from the grade-6 report, the background from the
pupils report of the same school year, fitted per year across all municipalities.

The check refits the model here with numpy from the files read directly (csv), so the
importer, the selector and the statistics are all tested against an independent path.
"""

from __future__ import annotations

import csv
import io

import numpy as np
from scipy import stats

from samsyn.indicators import selectors, services
from samsyn.indicators.models import Indicator
from samsyn.indicators.tests.helpers import real_file
from samsyn.test import BaseTestCase

GRADE6 = (
    "Grundskola - Betyg årskurs 6, andel som fått godkänt betyg (A-E), samtliga elever {year} "
    "Kommun.csv"
)
PUPILS = "Grundskola - Antal elever per årskurs {year} Kommun.csv"


def table(data: bytes) -> dict[str, dict[str, str]]:
    """municipality code → column → cell, for the 'Samtliga' rows."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Kommun")
    header = rows[at]
    out = {}
    for row in rows[at + 1 :]:
        if not row or not row[0]:
            break
        if row[4] == "Samtliga":
            out[row[1]] = dict(zip(header, row, strict=False))
    return out


def number(text: str) -> float | None:
    text = text.replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


class Grade6ExpectedTests(BaseTestCase):
    def test_grade6_expected_value_and_interval_match_an_independent_fit(self):
        # Grade 6 "2024" is school year 2023/24; the pupils file "2023" is the same school year.
        g6_name, g6 = real_file(GRADE6.format(year=2024))
        pupils_name, pupils = real_file(PUPILS.format(year=2023))
        services.skolverket_import(files=[(g6_name, g6), (pupils_name, pupils)])
        indicator = Indicator.objects.get(code="grade6-all-subjects")
        result = selectors.expected_for(indicator=indicator, code="1384")
        self.assertEqual([y.year for y in result.years], [2024])
        got = result.years[0]

        outcome = "Andel (%) elever som fått godkänt betyg i alla ämnen"
        background = [
            "Andel (%) elever med föräldrar med eftergymnasial utb., åk 1-9",
            "Andel (%) elever med utländsk bakgrund, åk 1-9",
            "Andel (%) flickor, årskurs 1-9",
        ]
        a, b = table(g6), table(pupils)
        units, xs, ys = [], [], []
        for code in sorted(set(a) & set(b)):
            y = number(a[code][outcome])
            n = number(a[code]["Antal elever"])
            x = [number(b[code][m]) for m in background]
            if y is None or n is None or n < 15 or None in x:
                continue
            units.append(code)
            xs.append([1.0, *x])
            ys.append(y)
        design, target = np.array(xs), np.array(ys)
        coef, *_ = np.linalg.lstsq(design, target, rcond=None)
        n, p = design.shape
        s2 = float(np.sum((target - design @ coef) ** 2)) / (n - p)
        x0 = design[units.index("1384")]
        expected = float(x0 @ coef)
        se = (s2 * (1 + x0 @ np.linalg.inv(design.T @ design) @ x0)) ** 0.5
        half = stats.t.ppf(0.975, n - p) * se

        self.assertEqual(got.units, n)
        self.assertAlmostEqual(got.actual, target[units.index("1384")], places=6)
        self.assertAlmostEqual(got.expected, expected, places=6)
        self.assertAlmostEqual(got.pi_low, expected - half, places=6)
        self.assertAlmostEqual(got.pi_high, expected + half, places=6)
        self.assertAlmostEqual(got.residual, got.actual - expected, places=6)

    def test_grade6_residuals_over_years_with_a_trend(self):
        files = []
        for year in (2021, 2022, 2023, 2024):
            files += [real_file(GRADE6.format(year=year)), real_file(PUPILS.format(year=year - 1))]
        services.skolverket_import(files=files)
        indicator = Indicator.objects.get(code="grade6-all-subjects")
        result = selectors.expected_for(indicator=indicator, code="1384")
        self.assertEqual([y.year for y in result.years], [2021, 2022, 2023, 2024])
        self.assertIsNotNone(result.trend)
        self.assertEqual(result.trend.n, 4)
        for y in result.years:
            self.assertLess(y.pi_low, y.expected)
            self.assertLess(y.expected, y.pi_high)
            self.assertGreater(y.units, 250)

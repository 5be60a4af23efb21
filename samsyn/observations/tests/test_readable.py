"""Numbers in the framework's language: the presentation helpers and the pages that use them."""

from __future__ import annotations

import re

import numpy as np
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from samsyn.analysis import agreement, rasch
from samsyn.analysis.results import AnalysisError
from samsyn.observations import measurement, readable
from samsyn.observations.models import RoundMeasurement
from samsyn.observations.tests.factories import default_version, make_round
from samsyn.test import BaseTestCase


def planning(values_same, values_different, *, teacher=0.2, target=0.7):
    rows = [
        {
            "visits": n,
            "same": {"value": s, "low": 0.0, "high": 1.0},
            "different": {"value": d, "low": 0.0, "high": 1.0},
        }
        for n, s, d in zip((1, 2, 3, 4, 6), values_same, values_different, strict=True)
    ]
    return {
        "method": "reml",
        "target": target,
        "components": [{"name": "teacher", "estimate": teacher, "se": 0.1}],
        "rows": rows,
    }


RISING = planning([0.5, 0.6, 0.66, 0.7, 0.75], [0.55, 0.68, 0.76, 0.8, 0.86])


class IntervalTests(SimpleTestCase):
    def test_an_interval_inside_the_scale_is_kept(self):
        got = readable.change_interval(-0.4, 1.2, top_step=4)
        self.assertEqual((got.low, got.high, got.clipped), (-0.4, 1.2, False))

    def test_an_interval_beyond_the_scale_is_cut_and_marked(self):
        got = readable.change_interval(-13.71, 11.71, top_step=4)
        self.assertEqual((got.low, got.high, got.clipped), (-3, 3, True))
        got = readable.clip_interval(0.2, 4.6, lower=1, upper=4)
        self.assertEqual((got.low, got.high, got.clipped), (1, 4, True))


class StepReachedTests(SimpleTestCase):
    def test_the_highest_step_more_than_half_of_the_lessons_reached(self):
        self.assertEqual(readable.step_reached([2, 3]), (2, 2))
        self.assertEqual(readable.step_reached([3, 3, 4]), (3, 3))
        self.assertEqual(readable.step_reached([1, 4, 4]), (4, 2))
        self.assertEqual(readable.step_reached([4]), (4, 1))
        self.assertIsNone(readable.step_reached([]))


class CertaintyTests(SimpleTestCase):
    def setUp(self):
        translation.activate("sv")
        self.addCleanup(translation.deactivate)

    def test_visits_needed_reads_the_planning_table(self):
        self.assertEqual(readable.visits_needed(RISING, different=True), 3)
        self.assertEqual(readable.visits_needed(RISING, different=False), 4)
        self.assertIsNone(readable.visits_needed({"error": "too_little"}))
        self.assertIsNone(readable.visits_needed(planning([0.1] * 5, [0.2] * 5)))

    def test_enough_lessons_by_two_observers_give_a_reliable_picture(self):
        c = readable.certainty(lessons=3, observers=2, planning=RISING)
        self.assertEqual(c.level, "reliable")
        self.assertEqual(c.missing, "")
        self.assertAlmostEqual(c.reliability, 0.76)
        self.assertIn("0,76", c.figures)
        self.assertIn("3 observerade lektioner", c.figures)

    def test_what_is_missing_is_said_in_visits_and_observers(self):
        c = readable.certainty(lessons=1, observers=1, planning=RISING)
        self.assertEqual(c.level, "snapshot")
        self.assertEqual(
            c.missing,
            "Två besök till, minst ett av en annan observatör, ger en tillförlitlig bild.",
        )
        c = readable.certainty(lessons=3, observers=1, planning=RISING)
        self.assertEqual(
            c.missing, "Ett besök till, av en annan observatör, ger en tillförlitlig bild."
        )
        c = readable.certainty(lessons=2, observers=2, planning=RISING)
        self.assertEqual(c.missing, "Ett besök till ger en tillförlitlig bild.")

    def test_never_zero_more_lessons_and_never_a_picture_from_nothing(self):
        for lessons in range(0, 8):
            for observers in (1, 2):
                for plan in (RISING, None, {"error": "too_little"}, planning([0] * 5, [0] * 5)):
                    c = readable.certainty(
                        lessons=lessons, observers=min(observers, max(lessons, 1)), planning=plan
                    )
                    self.assertNotRegex(c.missing, r"\b0 (fler|besök)")
                    if c.level != "reliable":
                        self.assertTrue(c.missing, (lessons, observers, plan))

    def test_without_a_planning_table_it_says_why(self):
        c = readable.certainty(lessons=2, observers=1, planning={"error": "too_little"})
        self.assertEqual(c.level, "indicative")
        self.assertIn("annan observatör", c.missing)
        self.assertIn("kan ännu inte uppskatta", c.missing)


class PositionTests(SimpleTestCase):
    DATA = {
        "dimensions": [
            {"thresholds": [-1.0, 0.0, 1.0], "step_labels": [[0, 1], [1, 2], [2, 3]]},
            {"thresholds": [-0.5, 0.5], "step_labels": [[1, 2], [2, 3]]},  # step 1 never used
        ]
    }

    def test_the_measure_becomes_a_step_on_the_scale_and_stays_on_it(self):
        pos = readable.position_on_steps(self.DATA, 0.0, 0.4)
        # Symmetric thresholds: 2.5 on the first dimension and 3.0 on the second (steps 2–4).
        self.assertAlmostEqual(pos["step"], (2.5 + 3.0) / 2)
        self.assertLess(pos["low"], pos["step"])
        self.assertLess(pos["step"], pos["high"])
        for theta in (-40.0, 40.0):
            far = readable.position_on_steps(self.DATA, theta, 5.0)
            self.assertGreaterEqual(far["low"], 1.0)
            self.assertLessEqual(far["high"], 4.0)

    def test_no_dimensions_no_position(self):
        self.assertIsNone(readable.position_on_steps({"dimensions": []}, 0.0, 0.3))


class MessageTests(SimpleTestCase):
    def setUp(self):
        translation.activate("sv")
        self.addCleanup(translation.deactivate)

    def errors(self):
        calls = [
            lambda: agreement.percent_agreement([], []),
            lambda: agreement.cohen_kappa([2, 2, 2], [2, 2, 2], categories=[1, 2, 3, 4]),
            lambda: rasch.fit_pcm(np.zeros((5, 3))),
            lambda: rasch.fit_pcm(np.empty((0, 3))),
        ]
        for call in calls:
            with self.assertRaises(AnalysisError) as caught:
                call()
            yield caught.exception

    def test_no_english_message_of_the_statistics_reaches_a_page(self):
        for error in self.errors():
            text = readable.explain_error(error)
            self.assertNotEqual(text, str(error))
            self.assertNotRegex(text, r"\b(the|were|rating|given|person)\b", str(error))
        self.assertEqual(
            readable.explain_error(AnalysisError("No ratings were given.")),
            "Inga bedömningar ännu.",
        )
        self.assertIn("Kan ännu inte beräknas", readable.explain_error("Something unforeseen."))

    def test_the_fits_notes_become_sentences_with_the_dimensions_name(self):
        rng = np.random.default_rng(3)
        X = rng.integers(1, 4, size=(60, 3)).astype(float)  # step 0 (step 1) never used
        X[:, 2] = rng.integers(0, 4, size=60)
        X[0, :] = np.nan  # a lesson without any rating
        result = rasch.fit_pcm(X, n_categories=[4, 4, 4])
        notes = readable.structured_notes(result, [11, 12, 13], [4, 4, 4])
        self.assertIn({"code": "unused_steps", "dimension_id": 11, "steps": [1]}, notes)
        self.assertIn({"code": "excluded", "n": 1}, notes)
        text = readable.explain_notes([*notes, "Dimension 0: step(s) [0] never used"], {11: "Mål"})
        self.assertIn(
            "Mål: steg 1 användes inte i lektioner med blandade steg; dimensionen placeras på de "
            "steg som användes.",
            text,
        )
        self.assertNotIn("Dimension 0: step(s) [0] never used", text)
        self.assertFalse(any("never used" in t for t in text))

    def test_a_negative_reliability_and_an_empty_planning_table_are_not_estimable(self):
        self.assertIsNone(readable.reliability_shown(-0.1))
        self.assertIsNone(readable.reliability_shown(float("nan")))
        self.assertEqual(readable.reliability_shown(0.81), 0.81)
        self.assertTrue(readable.planning_estimable(RISING))
        self.assertFalse(readable.planning_estimable(planning([0] * 5, [0] * 5, teacher=0.0)))
        self.assertFalse(readable.planning_estimable({"error": "not_estimable"}))


class RoundMeasurementPageTests(BaseTestCase):
    """The researcher's page with a stored fit that has every awkward case at once."""

    def test_not_estimable_said_in_words_and_the_map_has_plain_coordinates(self):
        version = default_version()
        round_ = make_round(self)
        dims = list(version.dimensions.order_by("order"))
        data = {
            "signature": measurement.signature(round_),
            "n_lessons": 12,
            "n_ratings": 120,
            "max_se": measurement.MAX_SE,
            "dimensions": [
                {
                    "id": d.pk,
                    "thresholds": [-1.234, 0.117, 1.351],
                    "step_labels": [[0, 1], [1, 2], [2, 3]],
                    "infit": 1.0,
                    "outfit": 1.0,
                    "fit_n": 12,
                    "flagged": False,
                }
                for d in dims
            ],
            "teachers": {str(i): {"measure": 0.33 * i, "se": 0.4} for i in range(8)},
            "reliability": -0.1,
            "notes": [
                {"code": "unused_steps", "dimension_id": dims[0].pk, "steps": [1]},
                "Dimension 0: step(s) [0] never used; categories re-numbered",
            ],
            "planning": planning([0] * 5, [0] * 5, teacher=0.0),
        }
        RoundMeasurement.objects.create(round=round_, data=data, signature=data["signature"])
        self.client.force_login(self.rita)
        page = self.client.get(reverse("observations:round_measurement", args=[round_.pk]))
        body = page.content.decode()
        self.assertIn("kan inte beräknas (lärarna skiljer sig mindre än mätfelet)", body)
        self.assertNotIn("-0,10", body)
        self.assertNotIn("0,00 (0,00–0,00)", body)
        self.assertIn("Kan inte beräknas i den här rundan", body)
        self.assertNotIn("never used", body)
        self.assertIn(f"{dims[0].name}: steg 1 användes inte", body)
        svg = body[body.index("<svg") : body.index("</svg>")]
        numbers = re.findall(r'\s(?:x|y|cx|width|height)="([^"%]*)"', svg)
        self.assertTrue(numbers)
        for value in numbers:
            self.assertRegex(value, r"^-?\d+(\.\d+)?$")
        self.assertRegex(svg, r'cx="\d+\.\d"')  # decimals present, written with a point

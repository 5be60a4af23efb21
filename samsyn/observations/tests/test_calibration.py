"""Double observations and calibration exercises: agreement with its n, who sees what."""

from __future__ import annotations

import datetime as dt
import uuid

from django.urls import reverse

from samsyn.observations import calibration, services
from samsyn.observations.models import CalibrationExercise, CalibrationResponse
from samsyn.observations.tests.factories import default_version, make_round
from samsyn.test import BaseTestCase


def ratings_with(version, orders: list[int]) -> list[dict]:
    rows = []
    for dimension, order in zip(version.dimensions.order_by("order"), orders, strict=True):
        step = dimension.steps.get(order=order)
        rows.append({"dimension_id": dimension.pk, "step_id": step.pk, "criteria": [], "note": ""})
    return rows


class DoubleObservationTests(BaseTestCase):
    def test_reliability_counts_pairs_and_agrees_with_the_ratings(self):
        version = default_version()
        round_ = make_round(self, observers=[self.oscar, self.pia], target_lessons=1)
        a = [1, 2, 3, 4, 2, 2, 3, 3, 1, 4]
        b = [1, 2, 3, 3, 2, 1, 3, 4, 1, 4]  # 7 of 10 equal, all within one step
        for observer, orders in ((self.oscar, a), (self.pia, b)):
            result = services.observation_save(
                actor=observer,
                uuid=uuid.uuid4(),
                data={
                    "round_id": round_.pk,
                    "teacher_id": self.alice.pk,
                    "subject": "Matematik",
                    "observed_on": dt.date(2026, 11, 20),
                    "ratings": ratings_with(version, orders),
                },
                base_revision=0,
            )
            services.observation_submit(actor=observer, observation=result.observation)
        reliability = calibration.round_reliability(round_)
        self.assertEqual((reliability["lessons"], reliability["pairs"]), (1, 10))
        self.assertAlmostEqual(reliability["figures"]["exact"].estimate, 0.7)
        self.assertAlmostEqual(reliability["figures"]["adjacent"].estimate, 1.0)
        self.assertEqual(reliability["figures"]["kappa"].n, 10)
        self.assertGreater(reliability["figures"]["kappa"].estimate, 0.6)

        self.client.force_login(self.pia)
        page = self.client.get(reverse("observations:round_reliability", args=[round_.pk]))
        self.assertContains(page, "n = 10")

    def test_a_planner_plans_a_double_observation(self):
        round_ = make_round(self, observers=[self.oscar, self.pia], target_lessons=1)
        visit = round_.assignments.get()
        second = self.pia if visit.observer_id == self.oscar.pk else self.oscar
        self.client.force_login(self.pia)
        response = self.client.post(
            reverse("observations:assignment_double", args=[visit.pk]), {"observer": second.pk}
        )
        self.assertEqual(response.status_code, 302)
        twin = round_.assignments.exclude(pk=visit.pk).get()
        self.assertEqual((twin.teacher_id, twin.observer_id), (visit.teacher_id, second.pk))
        # The same observer twice is refused.
        self.client.post(
            reverse("observations:assignment_double", args=[visit.pk]),
            {"observer": visit.observer_id},
        )
        self.assertEqual(round_.assignments.count(), 2)

    def test_no_pairs_says_so_instead_of_a_number(self):
        round_ = make_round(self)
        reliability = calibration.round_reliability(round_)
        self.assertEqual(reliability["pairs"], 0)
        self.assertIsNone(reliability["figures"]["kappa"].estimate)
        self.assertTrue(reliability["figures"]["kappa"].reason)


class ExerciseTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.version = default_version()
        self.reference = {d.pk: d.steps.get(order=3).pk for d in self.version.dimensions.all()}

    def sheet(self, orders_by_dim: dict, prefix: str = "") -> dict:
        p = f"{prefix}-" if prefix else ""
        return {f"{p}dim_{dim_id}": str(step) for dim_id, step in orders_by_dim.items()}

    def test_an_owner_admin_opens_an_exercise_with_a_reference(self):
        self.client.force_login(self.olle)
        url = reverse("observations:calibration_create")
        base = {
            "title": "Film: matematik åk 8",
            "framework_version": self.version.pk,
            "lesson_description": "Läraren inleder med ett mål på tavlan …",
        }
        step_two = self.client.post(url, base)
        self.assertContains(step_two, "ref-dim_")
        response = self.client.post(
            url, {**base, "dim_check": "1", **self.sheet(self.reference, "ref")}
        )
        exercise = CalibrationExercise.objects.get()
        self.assertRedirects(response, reverse("observations:calibration", args=[exercise.pk]))
        self.assertEqual(len(exercise.reference), 10)

    def test_an_exercise_needs_a_lesson(self):
        self.client.force_login(self.olle)
        response = self.client.post(
            reverse("observations:calibration_create"),
            {"title": "Tom", "framework_version": self.version.pk},
        )
        self.assertIn("lesson_description", response.context["form"].errors)
        self.assertFalse(CalibrationExercise.objects.exists())

    def test_observers_see_their_own_result_and_the_admin_sees_all(self):
        exercise = calibration.exercise_create(
            actor=self.olle,
            organisation=self.owner,
            framework_version=self.version,
            title="Övning",
            lesson_description="Text",
            video_url="",
            reference=self.reference,
        )
        url = reverse("observations:calibration", args=[exercise.pk])
        self.client.force_login(self.oscar)
        before = self.client.get(url)
        self.assertIsNone(before.context["results"])  # the reference stays hidden until answered
        lenient = {d.pk: d.steps.get(order=4).pk for d in self.version.dimensions.all()}
        self.client.post(url, self.sheet(lenient))
        page = self.client.get(url)
        mine = page.context["results"]["observers"]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0].n, mine[0].difference), (10, 1.0))
        self.assertEqual(mine[0].exact.estimate, 0.0)
        self.assertEqual(mine[0].adjacent.estimate, 1.0)
        CalibrationResponse.objects.create(
            exercise=exercise,
            observer=self.pia,
            ratings={str(k): v for k, v in self.reference.items()},
        )
        self.client.force_login(self.oscar)
        self.assertEqual(len(self.client.get(url).context["results"]["observers"]), 1)
        self.client.force_login(self.olle)
        everyone = self.client.get(url).context["results"]
        self.assertEqual(len(everyone["observers"]), 2)
        self.assertAlmostEqual(everyone["overall"]["exact"].estimate, 0.5)

    def test_an_incomplete_answer_is_refused(self):
        exercise = calibration.exercise_create(
            actor=self.olle,
            organisation=self.owner,
            framework_version=self.version,
            title="Övning",
            lesson_description="Text",
            video_url="",
            reference=self.reference,
        )
        self.client.force_login(self.oscar)
        first = next(iter(self.reference))
        response = self.client.post(
            reverse("observations:calibration", args=[exercise.pk]), {f"dim_{first}": "none"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertFalse(CalibrationResponse.objects.exists())

"""The round's scale: fitted, cached until observations change, shown with its uncertainty."""

from __future__ import annotations

import uuid

import numpy as np
from django.urls import reverse

from samsyn.accounts.models import Membership, Role
from samsyn.observations import measurement, services
from samsyn.observations.models import RoundMeasurement
from samsyn.observations.tests.factories import default_version, make_round
from samsyn.test import BaseTestCase, make_user


class MeasurementTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(7)
        self.version = default_version()
        self.teachers = [self.alice]
        for i in range(7):
            teacher = make_user(f"t{i}", f"Teacher {i}")
            Membership.objects.create(user=teacher, organisation=self.school, role=Role.TEACHER)
            self.teachers.append(teacher)
        self.round = make_round(self, teachers=self.teachers, target_lessons=3)
        dims = list(self.version.dimensions.order_by("order").prefetch_related("steps"))
        skills = np.linspace(-1.5, 1.5, len(self.teachers))
        for visit in self.round.assignments.select_related("teacher"):
            skill = skills[self.teachers.index(visit.teacher)]
            ratings = []
            for j, d in enumerate(dims):
                latent = skill - (j - 4.5) * 0.15 + rng.normal(0, 0.7)
                order = int(np.clip(np.round(latent + 2.5), 1, 4))
                ratings.append({"dimension_id": d.pk, "step_id": d.steps.all()[order - 1].pk})
            result = services.observation_save(
                actor=self.oscar,
                uuid=uuid.uuid4(),
                data={"assignment_id": visit.pk, "ratings": ratings},
                base_revision=0,
            )
            services.observation_submit(actor=self.oscar, observation=result.observation)

    def test_the_fit_orders_teachers_and_gives_next_steps(self):
        data = measurement.compute(self.round)
        self.assertEqual(data["n_lessons"], 24)
        measures = [data["teachers"][str(t.pk)]["measure"] for t in self.teachers]
        self.assertGreater(np.corrcoef(measures, range(len(measures)))[0, 1], 0.8)
        weakest = data["teachers"][str(self.teachers[0].pk)]
        self.assertTrue(weakest["next_steps"])
        self.assertEqual(len(data["dimensions"]), 10)

    def test_it_is_cached_until_observations_change(self):
        stored, fresh = measurement.current(self.round)
        self.assertTrue(fresh)
        first = stored.computed_at
        again, fresh = measurement.current(self.round)
        self.assertEqual((again.computed_at, fresh), (first, True))
        observation = self.round.observations.first()
        services.observation_reopen(actor=self.oscar, observation=observation, reason="Fel")
        self.assertNotEqual(
            RoundMeasurement.objects.get().signature, measurement.signature(self.round)
        )
        refreshed, fresh = measurement.current(self.round)
        self.assertTrue(fresh)
        self.assertEqual(refreshed.data["n_lessons"], 23)

    def test_reliability_planning_projects_visits_by_the_same_or_different_observers(self):
        data = measurement.compute(self.round)
        self.assertEqual(data["planning"], {"error": "too_little"})  # one observer only
        other = make_user("o2", "Second Observer")
        ids = list(self.round.observations.order_by("pk").values_list("pk", flat=True))
        self.round.observations.filter(pk__in=ids[::2]).update(observer=other)
        plan = measurement.compute(self.round)["planning"]
        self.assertEqual([r["visits"] for r in plan["rows"]], [1, 2, 3, 4, 6])
        for row in plan["rows"]:
            for design in ("same", "different"):
                cell = row[design]
                self.assertLessEqual(cell["low"], cell["value"])
                self.assertLessEqual(cell["value"], cell["high"])
            # A different observer each time never projects less than the same one.
            self.assertGreaterEqual(row["different"]["value"], row["same"]["value"] - 1e-9)
        values = [r["different"]["value"] for r in plan["rows"]]
        self.assertEqual(values, sorted(values))  # more visits, more reliable
        names = {c["name"] for c in plan["components"]}
        self.assertIn("teacher", names)
        self.assertIn("observer", names)
        measurement.refresh(self.round)
        self.client.force_login(self.rita)
        page = self.client.get(reverse("observations:round_measurement", args=[self.round.pk]))
        self.assertContains(page, "Samma observatör varje gång")

    def test_the_page_for_planners_and_researchers(self):
        url = reverse("observations:round_measurement", args=[self.round.pk])
        self.client.force_login(self.rita)
        page = self.client.get(url)
        self.assertContains(page, "<svg")
        self.assertContains(page, self.version.dimensions.get(order=1).name_sv)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_a_teacher_sees_their_measure_or_how_many_more_lessons(self):
        for observation in self.round.observations.filter(teacher=self.alice):
            services.observation_release(actor=self.oscar, observation=observation)
        self.client.force_login(self.alice)
        page = self.client.get(reverse("observations:mine"))
        rows = page.context["measures"]
        self.assertEqual(len(rows), 1)
        row = rows[0]
        if row["meaningful"]:
            self.assertLess(row["low"], row["measure"])
            self.assertLess(row["measure"], row["high"])
        else:
            self.assertGreater(row["needed"], 0)


class TaskHookTests(BaseTestCase):
    def test_with_a_worker_a_submit_queues_a_refit(self):
        from unittest import mock

        class Recorder:
            def __init__(self):
                self.calls = []

            def enqueue(self, *args):
                self.calls.append(args)

        task = Recorder()
        round_ = make_round(self)
        with (
            self.settings(TASKS_BACKEND="database"),
            mock.patch("samsyn.observations.tasks.refresh_round_measurement", new=task),
            self.captureOnCommitCallbacks(execute=True),
        ):
            observation = services.observation_save(
                actor=self.oscar,
                uuid=uuid.uuid4(),
                data={"assignment_id": round_.assignments.first().pk, "ratings": []},
                base_revision=0,
            ).observation
            services.observation_reopen(actor=self.oscar, observation=observation, reason="x")
        self.assertEqual(task.calls, [(round_.pk,)])

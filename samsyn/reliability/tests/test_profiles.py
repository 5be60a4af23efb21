"""How reliable one teacher's profile is: shown to the teacher, gating comparisons of teachers."""

from __future__ import annotations

import uuid

import numpy as np
from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import AuditEvent, Membership, Role
from samsyn.analysis.profile import profile_reliability
from samsyn.observations import measurement, services
from samsyn.observations.tests.factories import default_version, make_round
from samsyn.reliability import profiles
from samsyn.test import BaseTestCase, make_user


def make_measured_round(case, seed: int = 7) -> None:
    """As in samsyn/observations/tests/test_measurement.py: teachers of known skill."""
    rng = np.random.default_rng(seed)
    case.version = default_version()
    case.teachers = [case.alice]
    for i in range(7):
        teacher = make_user(f"t{i}", f"Teacher {i}")
        Membership.objects.create(user=teacher, organisation=case.school, role=Role.TEACHER)
        case.teachers.append(teacher)
    case.round = make_round(case, teachers=case.teachers, target_lessons=3)
    dims = list(case.version.dimensions.order_by("order").prefetch_related("steps"))
    skills = np.linspace(-1.5, 1.5, len(case.teachers))
    for visit in case.round.assignments.select_related("teacher"):
        skill = skills[case.teachers.index(visit.teacher)]
        ratings = []
        for j, d in enumerate(dims):
            latent = skill - (j - 4.5) * 0.15 + rng.normal(0, 0.7)
            order = int(np.clip(np.round(latent + 2.5), 1, 4))
            ratings.append({"dimension_id": d.pk, "step_id": d.steps.all()[order - 1].pk})
        result = services.observation_save(
            actor=case.oscar,
            uuid=uuid.uuid4(),
            data={"assignment_id": visit.pk, "ratings": ratings},
            base_revision=0,
        )
        services.observation_submit(actor=case.oscar, observation=result.observation)


class ProfileReliabilityTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        make_measured_round(self)  # 8 teachers x 3 lessons, 10 dimensions, observer oscar
        self.other = make_user("o2", "Second Observer")
        ids = list(self.round.observations.order_by("pk").values_list("pk", flat=True))
        self.round.observations.filter(pk__in=ids[::2]).update(observer=self.other)
        measurement.refresh(self.round)

    def test_the_teachers_row_is_the_d_study_of_their_own_visits(self):
        rows = profiles.for_teacher(self.alice)
        self.assertEqual(len(rows), 1)
        row = rows[0]
        plan = measurement.current(self.round)[0].data["planning"]
        comps = {c["name"]: (c["estimate"], c["se"]) for c in plan["components"]}
        counts = list(
            self.round.observations.filter(teacher=self.alice).values_list("observer_id", flat=True)
        )
        by_observer = [counts.count(o) for o in set(counts)]
        expected = profile_reliability(comps, by_observer)
        self.assertAlmostEqual(row.value, expected.value)
        self.assertEqual((row.visits, row.observers), (3, len(by_observer)))
        if not row.reached:
            self.assertIn("more visit", row.route)

    def test_my_teaching_shows_it_with_what_would_bring_it_to_the_target(self):
        self.client.force_login(self.alice)
        page = self.client.get(reverse("coaching:my_teaching"))
        self.assertContains(page, 'id="profile-reliability"')
        self.assertContains(page, "Hur tillförlitlig profilen är")
        row = profiles.for_teacher(self.alice)[0]
        if not row.reached:
            self.assertContains(page, "besök till")
        self.alice.language = "en"
        self.alice.save(update_fields=["language"])
        english = self.client.get("/en" + reverse("coaching:my_teaching"))
        self.assertContains(english, "How reliable the profile is")

    def test_the_coach_sees_it_in_the_preparation(self):
        from samsyn.coaching import services as coaching

        mine = list(self.round.observations.filter(teacher=self.alice))
        for observation in mine:
            services.observation_release(actor=observation.observer, observation=observation)
        conversation = coaching.conversation_start(
            actor=self.alice,
            teacher=self.alice,
            coach=self.oscar,
            school=self.school,
            observations=mine[:1],
        )
        self.client.force_login(self.oscar)
        page = self.client.get(reverse("coaching:conversation", args=[conversation.pk]))
        self.assertContains(page, 'id="profile-reliability"')
        row = profiles.for_teacher(self.alice)[0]
        self.assertContains(page, f"{row.value:.2f}".replace(".", ","))

    @override_settings(SAMSYN_MIN_PROFILE_RELIABILITY=0.999)
    def test_teachers_are_not_compared_below_the_threshold(self):
        gate = profiles.comparison_gate(self.round)
        self.assertFalse(gate.allowed)  # three visits by at most two observers: below .999
        self.assertEqual(gate.below, 8)
        self.assertLess(gate.lowest, 0.999)
        self.client.force_login(self.pia)
        url = reverse("dashboards:school", args=[self.school.pk])
        page = self.client.get(url + f"?round={self.round.pk}&teachers=1")
        self.assertContains(page, 'id="comparison-gate"')
        self.assertNotContains(page, 'class="teacher-table"')
        self.assertFalse(AuditEvent.objects.filter(object_type="dashboard.teacher_row").exists())
        export = reverse("dashboards:school_export", args=[self.school.pk, "csv"])
        self.client.get(export + f"?round={self.round.pk}&teachers=1")
        self.assertFalse(AuditEvent.objects.filter(object_type="dashboard.teacher_row").exists())
        with override_settings(SAMSYN_MIN_PROFILE_RELIABILITY=0.0):
            self.client.get(export + f"?round={self.round.pk}&teachers=1")
            self.assertTrue(AuditEvent.objects.filter(object_type="dashboard.teacher_row").exists())
            self.assertTrue(profiles.comparison_gate(self.round).allowed)
            page = self.client.get(url + f"?round={self.round.pk}&teachers=1")
            self.assertContains(page, 'class="teacher-table"')

    def test_route_words_in_both_languages(self):
        from django.utils import translation

        from samsyn.analysis.profile import Route

        route = Route(more_visits=2, new_observers=1, reliability=0.72)
        with translation.override("sv"):
            self.assertEqual(
                profiles.route_words(route), "två besök till, varav ett av en annan observatör"
            )
        with translation.override("en"):
            self.assertEqual(
                profiles.route_words(route), "two more visits, one of them by another observer"
            )

"""Planned visits are pre-filled from the teacher's details through observations' hook
registry (observations never imports triads)."""

from __future__ import annotations

from samsyn.observations.tests.factories import make_round
from samsyn.test import BaseTestCase
from samsyn.triads.models import TeacherDetails


class VisitPrefillTests(BaseTestCase):
    def test_generated_visits_take_the_first_subject_and_the_grade_span(self) -> None:
        TeacherDetails.objects.create(
            school=self.school,
            teacher=self.alice,
            subject_area="Matematik, Fysik",
            grade_span="7-9",
        )
        round_ = make_round(self)
        visits = list(round_.assignments.filter(teacher=self.alice))
        self.assertTrue(visits)
        self.assertEqual({(v.subject, v.grade) for v in visits}, {("Matematik", "7-9")})

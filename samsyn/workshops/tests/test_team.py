"""A team workshop shows the team's figures only, and in the staff view (small cells hidden)."""

from __future__ import annotations

from django.utils import translation

from samsyn.dashboards.tests.world import make_teachers, observe
from samsyn.test import BaseTestCase
from samsyn.workshops import charts
from samsyn.workshops.tests.helpers import make_rounds, make_workshop


class TeamWorkshopTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self._rounds = make_rounds(self)
        self.team = [self.alice, *make_teachers(self.school, "team", 5)]
        self.others = make_teachers(self.school, "rest", 6)
        for round_ in self._rounds:
            # The team's lessons all at step 3, everyone else's at step 1: the team's charts
            # must show step 3 only.
            observe(round_, self.school, self.team, self.oscar, step_for=lambda *a: 3)
            observe(round_, self.school, self.others, self.oscar, step_for=lambda *a: 1, seed=2)

    def dashboard(self, workshop):
        with translation.override("en"):
            return charts.workshop_dashboard(user=self.pia, workshop=workshop)

    def test_a_team_workshop_counts_the_teams_ratings_only(self) -> None:
        d = self.dashboard(make_workshop(self, team=self.team))
        current = d.distribution_for(d.round.pk)
        self.assertTrue(current)
        for dist in current:
            self.assertIsNone(dist.hidden)
            self.assertEqual(dist.n_teachers, len(self.team))
            self.assertEqual(dist.counts[2], dist.n_ratings)  # all at step 3
        self.assertEqual(d.coverage[-1].teachers, len(self.team))
        self.assertIn("Only the team's teachers are included (6 teachers).", d.method_notes)

    def test_a_school_workshop_counts_everyone(self) -> None:
        d = self.dashboard(make_workshop(self))
        self.assertEqual(d.coverage[-1].teachers, len(self.team) + len(self.others))

    def test_slides_never_carry_per_teacher_figures_even_for_the_principal(self) -> None:
        d = self.dashboard(make_workshop(self))
        self.assertIsNone(d.teacher_rows)
        self.assertFalse(d.is_leadership)

    def test_a_team_smaller_than_the_minimum_is_hidden_with_the_reason(self) -> None:
        d = self.dashboard(make_workshop(self, team=self.team[:3]))
        self.assertIsNotNone(d.hidden)
        self.assertEqual(
            (d.hidden.kind, d.hidden.reason), ("primary", "Hidden: fewer than 5 teachers.")
        )
        for dist in d.distribution_for(d.round.pk):
            self.assertIsNotNone(dist.hidden)

    def test_a_team_is_hidden_when_the_rest_of_the_school_would_be_revealed(self) -> None:
        # Everyone but two teachers: the school's own figures minus the team's would show
        # those two.
        team = self.team + self.others[:4]
        d = self.dashboard(make_workshop(self, team=team))
        self.assertIsNotNone(d.hidden)
        self.assertEqual(d.hidden.kind, "complementary")
        self.assertIn("worked out", d.hidden.reason)

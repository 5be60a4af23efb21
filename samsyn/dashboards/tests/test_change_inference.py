"""Change intervals on dashboards treat schools (owner, network) or teachers (school) as the
independent units, with CR2 and Satterthwaite degrees of freedom (issue 22)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from samsyn.analysis.clustered import clustered_mean
from samsyn.dashboards.selectors import area_dashboard, school_dashboard
from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.observations.models import Round
from samsyn.test import BaseTestCase


class OwnerChangeTests(BaseTestCase):
    """Two schools of the owner, 8 teachers each, observed in both rounds. On dimension 1
    every teacher of School A gains one step and School B's teachers change by −1, 0 or +1:
    a change that lives in one school, which the owner cannot call clear from two schools."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        base, follow = dt.date(2025, 9, 1), dt.date(2026, 3, 1)
        schools = [cls.school, cls.school_b]
        cls.before = make_round(cls.owner, schools, "Höst", Round.Kind.BASELINE, base)
        cls.after = make_round(cls.owner, schools, "Vår", Round.Kind.FOLLOW_UP, follow)
        cls.teachers_a = make_teachers(cls.school, "ca", 8)
        cls.teachers_b = make_teachers(cls.school_b, "cb", 8)

        def level(t, order, lesson):
            return 2

        def gain(t, order, lesson):
            return 3 if order == 1 else 2

        def mixed(t, order, lesson):
            return 2 + (t % 3 - 1) * (lesson == 0) if order == 1 else 2

        for r in (cls.before,):
            observe(r, cls.school, cls.teachers_a, cls.oscar, step_for=level)
            observe(r, cls.school_b, cls.teachers_b, cls.oscar, step_for=level)
        observe(cls.after, cls.school, cls.teachers_a, cls.oscar, step_for=gain)
        observe(cls.after, cls.school_b, cls.teachers_b, cls.oscar, step_for=mixed)

    def _change(self, dashboard):
        return next(c for c in dashboard.changes if c.dimension.order == 1)

    def test_the_owner_page_counts_schools_not_teachers(self) -> None:
        d = area_dashboard(
            user=self.olle,
            organisation=self.owner,
            round=self.after,
            compare_round=self.before,
        )
        ch = self._change(d)
        # each teacher's paired change: +1 in School A; in School B the mean of (x, 0) over
        # two lessons, x = −1, 0, +1 by teacher
        d_a = np.ones(8)
        d_b = np.array([(t % 3 - 1) / 2 for t in range(8)])
        changes = np.r_[d_a, d_b]
        schools = np.r_[np.zeros(8), np.ones(8)]
        expected = clustered_mean(changes, schools)
        naive = clustered_mean(changes)
        self.assertEqual(ch.method, "paired")
        self.assertAlmostEqual(ch.change, float(changes.mean()))
        self.assertAlmostEqual(ch.ci_low, expected.ci_low)
        self.assertAlmostEqual(ch.ci_high, expected.ci_high)
        self.assertAlmostEqual(ch.p_value, expected.p_value)
        # Sixteen teachers look clear; two schools do not.
        self.assertGreater(naive.ci_low, 0)
        self.assertFalse(ch.clear)

    def test_a_school_page_counts_its_teachers(self) -> None:
        d = school_dashboard(
            user=self.pia, school=self.school, round=self.after, compare_round=self.before
        )
        ch = self._change(d)
        self.assertEqual((ch.change, ch.ci_low, ch.ci_high), (1.0, 1.0, 1.0))
        self.assertTrue(ch.clear)
        d_b = school_dashboard(
            user=self.adam, school=self.school_b, round=self.after, compare_round=self.before
        )
        ch_b = self._change(d_b)
        expected = clustered_mean(np.array([(t % 3 - 1) / 2 for t in range(8)]))
        self.assertAlmostEqual(ch_b.ci_low, expected.ci_low)
        self.assertAlmostEqual(ch_b.ci_high, expected.ci_high)

"""Observer severity: the round leader sees every observer, an observer only themself."""

from __future__ import annotations

from django.urls import reverse

from samsyn.accounts.models import AuditEvent, Membership, Role
from samsyn.reliability import severity
from samsyn.reliability.tests.test_profiles import make_measured_round
from samsyn.test import BaseTestCase, make_user


class SeverityTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        make_measured_round(self)
        self.other = make_user("o2", "Vera Strängsson")
        Membership.objects.create(user=self.other, organisation=self.school, role=Role.OBSERVER)
        ids = list(self.round.observations.order_by("pk").values_list("pk", flat=True))
        self.round.observations.filter(pk__in=ids[::2]).update(observer=self.other)
        self.outside_observer = make_user("o3", "Olof Utanför")
        Membership.objects.create(
            user=self.outside_observer, organisation=self.school, role=Role.OBSERVER
        )

    def test_the_fit_gives_every_observer_a_severity_with_its_uncertainty(self):
        result = severity.compute(self.round)
        self.assertEqual(result.error, "")
        self.assertEqual({s.observer_id for s in result.observers}, {self.oscar.pk, self.other.pk})
        self.assertAlmostEqual(sum(s.severity for s in result.observers), 0.0, places=9)
        for s in result.observers:
            self.assertGreater(s.se, 0)
            self.assertLess(s.low, s.severity)
        self.assertEqual(len(result.adjusted), 10)

    def test_a_harsh_observer_is_found_and_adjusted_for(self):
        # the second observer rates every lesson one step lower where possible
        from samsyn.observations.models import Rating

        for rating in Rating.objects.filter(
            observation__observer=self.other, step__isnull=False
        ).select_related("step"):
            lower = rating.dimension.steps.filter(order=rating.step.order - 1).first()
            if lower:
                Rating.objects.filter(pk=rating.pk).update(step=lower)
        result = severity.compute(self.round)
        harsh = next(s for s in result.observers if s.observer_id == self.other.pk)
        self.assertEqual(harsh.reading, "harsher")
        mild = next(s for s in result.observers if s.observer_id == self.oscar.pk)
        self.assertGreater(harsh.severity - mild.severity, 1.0)
        # the same kind of teachers (each seen by both): adjustment closes the gap
        raw_gap = mild.raw_mean - harsh.raw_mean
        adjusted_gap = mild.adjusted_mean - harsh.adjusted_mean
        self.assertGreater(raw_gap, 0.6)
        self.assertLess(abs(adjusted_gap), raw_gap / 3)

    def test_the_round_leader_sees_every_observer_and_it_is_audited(self):
        self.client.force_login(self.pia)
        page = self.client.get(reverse("reliability:severity_round", args=[self.round.pk]))
        self.assertContains(page, "Vera Strängsson")
        self.assertContains(page, self.oscar.full_name)
        self.assertContains(page, 'id="adjusted-table"')
        self.assertEqual(
            AuditEvent.objects.filter(object_type="reliability.severity", actor=self.pia).count(),
            2,
        )

    def test_an_observer_sees_only_their_own_severity(self):
        self.client.force_login(self.other)
        page = self.client.get(reverse("reliability:severity_mine", args=[self.round.pk]))
        self.assertContains(page, "Vera Strängsson")
        self.assertNotContains(page, self.oscar.full_name)
        self.assertNotContains(page, 'id="adjusted-table"')

    def test_nobody_else_sees_any_severity(self):
        mine = reverse("reliability:severity_mine", args=[self.round.pk])
        leader = reverse("reliability:severity_round", args=[self.round.pk])
        for user, url, status in [
            (self.outside_observer, mine, 404),  # another observer, not in this round
            (self.outside_observer, leader, 403),
            (self.alice, mine, 404),  # a teacher of the round
            (self.alice, leader, 403),
            (self.oscar, leader, 403),  # an observer of the round: not the others'
            (self.charlie, leader, 404),
            (self.charlie, mine, 404),
        ]:
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, status, (user, url))

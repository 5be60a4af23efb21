"""Best practice: listing (a teacher only with consent), requests and contributions, matching."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import Membership, Role
from samsyn.analysis.results import Estimate
from samsyn.analysis.strengths import (
    difference_interval,
    mean_interval,
    strengths_beside,
    weakest,
)
from samsyn.frameworks import services as framework_services
from samsyn.networks import services
from samsyn.networks.models import Practice, VisitRequest
from samsyn.networks.tests.test_reviews import NetworkWorld
from samsyn.observations.models import Observation, Rating, Round
from samsyn.test import make_user


def test_mean_interval_matches_a_worked_example():
    # 2, 3, 3, 4: mean 3, s = 0.8165, se = 0.4082, t(0.975, 3) = 3.1824 → 3 ± 1.299.
    e = mean_interval([2, 3, 3, 4])
    assert round(e.estimate, 4) == 3
    assert round(e.ci_low, 3) == 1.701 and round(e.ci_high, 3) == 4.299


def test_welch_interval_matches_a_worked_example():
    # Means 2 and 3, se 0.3 and 0.4 (n 10, 12): se = 0.5, df = 0.0625 / (0.000900 + 0.002327)
    # = 19.37, t(0.975, 19.37) = 2.0903 → 1 ± 1.0452.
    a, b = Estimate(2.0, 0.3, None, None, 10), Estimate(3.0, 0.4, None, None, 12)
    d = difference_interval(a, b)
    assert round(d.se, 6) == 0.5
    assert round(d.ci_low, 3) == -0.045 and round(d.ci_high, 3) == 2.045


def test_strengths_need_enough_teachers_and_a_clear_gap():
    learner = Estimate(2.0, 0.1, 1.8, 2.2, 10)
    others = {
        1: Estimate(3.0, 0.1, 2.8, 3.2, 10),  # clearly above
        2: Estimate(3.5, 0.1, 3.3, 3.7, 4),  # too few teachers
        3: Estimate(2.2, 0.2, 1.8, 2.6, 10),  # the difference's interval includes zero
    }
    assert [s.unit_id for s in strengths_beside(learner, others, min_group=5)] == [1]
    assert weakest({"a": learner, "b": others[1]}, k=1) == ["a"]


class PracticeTests(NetworkWorld):
    def test_a_teacher_is_listed_only_with_consent(self):
        with self.assertRaises(ValidationError) as caught:
            services.practice_create(
                actor=self.pia,
                network=self.network,
                school=self.school,
                source=Practice.Source.STRENGTH,
                title="Exit tickets",
                description="x",
                teacher=self.alice,
            )
        self.assertIn("teacher_consents", caught.exception.message_dict)
        practice = services.practice_create(
            actor=self.pia,
            network=self.network,
            school=self.school,
            source=Practice.Source.STRENGTH,
            title="Exit tickets",
            description="x",
            teacher=self.alice,
            teacher_consents=True,
        )
        self.assertIsNotNone(practice.teacher_consent_at)

    def test_an_area_of_excellence_is_published_to_the_library(self):
        from samsyn.improvement import search
        from samsyn.improvement.models import LibraryEntry

        practice = services.practice_create(
            actor=self.pia,
            network=self.network,
            school=self.school,
            source=Practice.Source.EXCELLENCE,
            title="Formativ återkoppling i hela skolan",
            description="Lärarna ger återkoppling under lektionen.",
            evidence="Bekräftat vid den kollegiala granskningen.",
        )
        entry = LibraryEntry.objects.get(source="networks.practice", source_id=practice.pk)
        self.assertEqual(entry.kind, "excellence")
        self.assertEqual(entry.organisation_id, self.school.pk)
        self.assertIn(entry.pk, search.ranked_ids("återkopplingen"))
        # A teacher's own strength stays in the network's directory, not the public library.
        strength = services.practice_create(
            actor=self.pia,
            network=self.network,
            school=self.school,
            source=Practice.Source.STRENGTH,
            title="Exit tickets",
            description="x",
            teacher=self.alice,
            teacher_consents=True,
        )
        self.assertFalse(LibraryEntry.objects.filter(source_id=strength.pk).exists())

    def test_a_request_answered_counts_as_a_contribution(self):
        practice = services.practice_create(
            actor=self.pia,
            network=self.network,
            school=self.school,
            source=Practice.Source.STRENGTH,
            title="Exit tickets",
            description="x",
        )
        self.client.force_login(self.petra)
        url = reverse("networks:practice", args=[practice.pk])
        response = self.client.post(
            url, {"from_school": self.school_c.pk, "kind": "visit", "message": "Får vi komma?"}
        )
        self.assertEqual(response.status_code, 302)
        request = VisitRequest.objects.get()
        self.client.force_login(self.pia)
        self.client.post(
            reverse("networks:request_answer", args=[practice.pk, request.pk]),
            {"status": "accepted"},
        )
        page = self.client.get(reverse("networks:practices", args=[self.network.pk]))
        self.assertEqual(page.context["practices"][0].contributions, 1)
        # The requesting school cannot answer its own request.
        self.client.force_login(self.petra)
        answer = reverse("networks:request_answer", args=[practice.pk, request.pk])
        self.assertEqual(self.client.post(answer, {"status": "done"}).status_code, 403)

    def test_a_school_cannot_request_its_own_practice(self):
        practice = services.practice_create(
            actor=self.pia,
            network=self.network,
            school=self.school,
            source=Practice.Source.STRENGTH,
            title="x",
            description="x",
        )
        with self.assertRaises(ValidationError):
            services.visit_request_create(
                actor=self.pia,
                practice=practice,
                from_school=self.school,
                kind="visit",
                message="x",
            )


@override_settings(SAMSYN_MIN_GROUP=5)
class MatchTests(NetworkWorld):
    def observe(self, school, steps):
        version = framework_services.default_framework_ensure()
        round_ = Round.objects.create(
            organisation=school,
            name="R",
            framework_version=version,
            starts_on=dt.date.today(),
            ends_on=dt.date.today(),
        )
        dim = version.dimensions.order_by("order").first()
        for i, step in enumerate(steps):
            teacher = make_user(f"t{school.pk}-{i}", f"Teacher {school.pk}-{i}")
            Membership.objects.create(user=teacher, organisation=school, role=Role.TEACHER)
            observation = Observation.objects.create(
                round=round_,
                framework_version=version,
                observer=self.oscar,
                teacher=teacher,
                school=school,
                status=Observation.Status.SUBMITTED,
                observed_on=dt.date.today(),
            )
            Rating.objects.create(
                observation=observation, dimension=dim, step=dim.steps.get(order=step)
            )
        return dim

    def test_it_proposes_a_school_whose_strength_is_evidenced(self):
        dim = self.observe(self.school, [1, 1, 2, 1, 2, 1])
        self.observe(self.school_c, [4, 4, 3, 4, 4, 4])
        self.observe(self.school_d, [4, 4])  # too few teachers to count
        self.observe(self.other_school, [3, 4, 4, 3, 4, 4])  # beyond the network
        practice = services.practice_create(
            actor=self.petra,
            network=self.network,
            school=self.school_c,
            source=Practice.Source.STRENGTH,
            title="Målen på tavlan",
            description="x",
            dimension_code=dim.code,
        )
        self.client.force_login(self.pia)
        page = self.client.get(reverse("networks:match", args=[self.network.pk, self.school.pk]))
        self.assertEqual(page.status_code, 200)
        dims = page.context["dimensions"]
        self.assertEqual(dims[0]["code"], dim.code)
        self.assertEqual([s.pk for s, _x in dims[0]["network"]], [self.school_c.pk])
        self.assertEqual([s.pk for s, _x in dims[0]["beyond"]], [self.other_school.pk])
        self.assertEqual(dims[0]["practices"], [practice])
        # Another school's leader may not ask on School A's behalf.
        self.client.force_login(self.petra)
        url = reverse("networks:match", args=[self.network.pk, self.school.pk])
        self.assertEqual(self.client.get(url).status_code, 403)

"""Peer reviews: who reads a report, what the pre-review analysis shows, and the cycle's rules."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import Membership, NetworkMembership, Organisation, Role
from samsyn.frameworks import services as framework_services
from samsyn.networks import selectors, services
from samsyn.networks.models import Estimate, PeerReview, ShareScope
from samsyn.observations.models import Observation, Rating, Round
from samsyn.test import BaseTestCase, make_user


class NetworkWorld(BaseTestCase):
    """The personas' network grows: School C (another owner, in School A's hub) led by petra,
    School D (another owner, no hub) led by dora."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Kind = Organisation.Kind
        cls.friskola = Organisation.objects.create(
            kind=Kind.OWNER, name="Friskolan AB", parent=cls.region, owner_type="independent"
        )
        cls.school_c = Organisation.objects.create(
            kind=Kind.SCHOOL, name="Skola C", parent=cls.friskola
        )
        cls.school_d = Organisation.objects.create(
            kind=Kind.SCHOOL, name="Skola D", parent=cls.friskola
        )
        for school in (cls.school_c, cls.school_d):
            NetworkMembership.objects.create(network=cls.network, school=school)
        cls.petra = make_user("petra", "Petra Principal")
        cls.dora = make_user("dora", "Dora Principal")
        Membership.objects.create(user=cls.petra, organisation=cls.school_c, role=Role.PRINCIPAL)
        Membership.objects.create(user=cls.dora, organisation=cls.school_d, role=Role.PRINCIPAL)
        cls.hub = services.hub_save(
            network=cls.network,
            name="Hubben",
            hub_school=cls.school,
            schools=[cls.school_c],
            coordinators=[],
        )

    def completed_review(self, scope: str = ShareScope.HUB) -> PeerReview:
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )
        services.team_set(review=review, members=[self.dora], lead=self.dora)
        services.agreement_save(
            review=review,
            entries={
                e.heading_id: {"agreed_estimate": Estimate.EFFECTIVE, "went_well": "Bra"}
                for e in review.evaluations.all()
            },
            summary="",
            excellence_confirmed=False,
        )
        services.review_complete(review=review)
        services.share_set(review=review, scope=scope, schools=[])
        return review

    def status(self, user, name: str, review: PeerReview) -> int:
        self.client.force_login(user)
        return self.client.get(reverse(name, args=[review.pk])).status_code


class ReportVisibilityTests(NetworkWorld):
    def test_it_shows_a_report_shared_with_the_hub_to_the_hubs_schools_only(self):
        review = self.completed_review(ShareScope.HUB)
        self.assertEqual(self.status(self.petra, "networks:report", review), 200)  # the school
        self.assertEqual(self.status(self.dora, "networks:report", review), 200)  # the team
        self.assertEqual(self.status(self.pia, "networks:report", review), 200)  # hub school
        # Another school outside the hub (not on the team) cannot tell it exists.
        other = make_user("otto", "Otto Principal")
        Membership.objects.create(user=other, organisation=self.school_d, role=Role.PRINCIPAL)
        self.assertEqual(self.status(other, "networks:report", review), 404)
        self.assertEqual(self.status(self.charlie, "networks:report", review), 404)
        # The network coordinator coordinates, but the report is not shared with the network:
        # the review page says so instead of offering a link that would be refused.
        self.assertEqual(self.status(self.nina, "networks:report", review), 403)
        self.client.force_login(self.nina)
        page = self.client.get(reverse("networks:review", args=[review.pk]))
        self.assertNotContains(page, reverse("networks:report", args=[review.pk]))
        self.assertContains(page, "Rapporten är skolans")
        self.client.force_login(self.petra)  # the school itself gets the link
        page = self.client.get(reverse("networks:review", args=[review.pk]))
        self.assertContains(page, reverse("networks:report", args=[review.pk]))

    def test_it_hides_an_unshared_report_from_every_other_school(self):
        review = self.completed_review(ShareScope.NONE)
        self.assertEqual(self.status(self.pia, "networks:report", review), 404)
        self.assertEqual(self.status(self.pia, "networks:report_pdf", review), 404)
        self.assertEqual(self.status(self.petra, "networks:report", review), 200)
        self.assertEqual(self.status(self.nina, "networks:report", review), 403)

    def test_it_shares_with_the_whole_network_or_named_schools(self):
        review = self.completed_review(ShareScope.NETWORK)
        other = make_user("otto", "Otto Principal")
        Membership.objects.create(user=other, organisation=self.school_d, role=Role.PRINCIPAL)
        self.assertEqual(self.status(other, "networks:report", review), 200)
        self.assertEqual(self.status(self.nina, "networks:report", review), 200)
        services.share_set(review=review, scope=ShareScope.NONE, schools=[self.school_d])
        self.assertEqual(self.status(other, "networks:report", review), 200)
        self.assertEqual(self.status(self.pia, "networks:report", review), 404)

    def test_a_draft_is_read_by_the_school_and_team_only(self):
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )
        self.assertEqual(self.status(self.pia, "networks:report", review), 404)
        self.assertEqual(self.status(self.petra, "networks:report", review), 200)

    def test_only_the_school_changes_its_sharing(self):
        review = self.completed_review(ShareScope.NONE)
        self.client.force_login(self.dora)  # the team lead
        url = reverse("networks:share", args=[review.pk])
        self.assertEqual(self.client.post(url, {"scope": "network"}).status_code, 403)
        self.client.force_login(self.petra)
        self.client.post(url, {"scope": "hub"})
        review.refresh_from_db()
        self.assertEqual(review.share_scope, ShareScope.HUB)

    def test_the_pdf_is_a_pdf(self):
        review = self.completed_review()
        self.client.force_login(self.pia)
        response = self.client.get(reverse("networks:report_pdf", args=[review.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))


class CycleTests(NetworkWorld):
    def test_it_uses_the_networks_default_sharing_and_headings(self):
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )
        self.assertEqual(review.share_scope, ShareScope.HUB)
        self.assertEqual(review.evaluations.count(), 3)

    def test_it_allows_one_review_per_school_and_year_by_default(self):
        services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )
        with self.assertRaises(ValidationError) as caught:
            services.review_create(
                actor=self.nina, network=self.network, school=self.school_c, year=2026
            )
        self.assertIn("school", caught.exception.message_dict)
        services.settings_update(network=self.network, reviews_per_year=2)
        services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )

    def test_it_refuses_a_school_outside_the_network(self):
        with self.assertRaises(ValidationError):
            services.review_create(
                actor=self.nina, network=self.network, school=self.school_b, year=2026
            )

    def test_the_team_never_includes_the_schools_own_leader_or_a_conflict(self):
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )
        with self.assertRaises(ValidationError):
            services.team_set(review=review, members=[self.petra], lead=None)
        services.conflict_declare(
            user=self.dora, school=self.school_c, reason="tidigare arbetsplats"
        )
        with self.assertRaises(ValidationError):
            services.team_set(review=review, members=[self.dora], lead=None)
        proposal, _users = services.team_proposal(reviews=[review])
        self.assertEqual(proposal.teams[review.pk], (self.pia.pk,))

    def test_the_proposal_prefers_another_owner(self):
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )
        services.settings_update(network=self.network, team_size=1)
        proposal, _users = services.team_proposal(reviews=[review])
        # pia's school is in the same hub as C; dora's is the same owner as C: hub weighs less.
        self.assertEqual(proposal.teams[review.pk], (self.pia.pk,))

    def test_the_visit_is_a_normal_round_with_assignments_for_the_team(self):
        version = framework_services.default_framework_ensure()
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school, year=2026
        )
        services.team_set(review=review, members=[self.petra, self.dora], lead=self.petra)
        round_ = services.visit_plan(
            actor=self.nina,
            review=review,
            framework_version=version,
            teachers=[self.alice],
            colleague=self.pia,
            starts_on=dt.date(2026, 3, 2),
            ends_on=dt.date(2026, 3, 3),
        )
        self.assertFalse(round_.is_peer)
        observers = set(round_.assignments.values_list("observer_id", flat=True))
        self.assertEqual(observers, {self.petra.pk, self.pia.pk})
        review.refresh_from_db()
        self.assertEqual(review.status, PeerReview.Status.VISIT)
        self.client.force_login(self.petra)
        assignment = round_.assignments.get(observer=self.petra)
        capture = self.client.get(reverse("observations:capture", args=[assignment.pk]))
        self.assertEqual(capture.status_code, 200)

    def test_completion_needs_every_agreed_estimate(self):
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )
        with self.assertRaises(ValidationError):
            services.review_complete(review=review)
        self.assertEqual(review.status, PeerReview.Status.PREPARATION)

    def test_follow_up_actions_carry_into_next_years_review(self):
        review = self.completed_review()
        action = services.action_add(
            review=review,
            description="Gemensam planering",
            heading=None,
            responsible="",
            due_on=None,
        )
        nxt = services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2027
        )
        self.assertEqual(selectors.previous_review(user=self.nina, review=nxt), review)
        self.client.force_login(self.petra)
        page = self.client.get(reverse("networks:review", args=[nxt.pk]))
        self.assertContains(page, "Gemensam planering")
        self.client.post(
            reverse("networks:action_update", args=[nxt.pk, action.pk]),
            {"status": "done", "outcome": "Införd"},
        )
        action.refresh_from_db()
        self.assertEqual(action.status, "done")

    def test_self_evaluation_form_saves_each_heading(self):
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school_c, year=2026
        )
        data = {"excellence_title": "Läsning", "excellence_description": "", "done": "1"}
        for e in review.evaluations.all():
            data[f"estimate_{e.heading_id}"] = "effective"
            data[f"text_{e.heading_id}"] = "Så här"
        data[f"estimate_{review.evaluations.first().heading_id}"] = "bogus"
        self.client.force_login(self.petra)
        url = reverse("networks:self_evaluation", args=[review.pk])
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)  # the bad choice is named, nothing saved
        self.assertFalse(review.evaluations.exclude(self_estimate="").exists())
        data[f"estimate_{review.evaluations.first().heading_id}"] = "leading"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        review.refresh_from_db()
        self.assertIsNotNone(review.self_evaluation_done_at)
        self.assertEqual(review.excellence_title, "Läsning")


@override_settings(SAMSYN_MIN_GROUP=5)
class ProfileSuppressionTests(NetworkWorld):
    """The pre-review profile shows no cell of 1–4 teachers, nor one that reveals it."""

    def observe(self, teachers, steps_by_teacher, *, is_peer=False):
        version = framework_services.default_framework_ensure()
        round_ = Round.objects.create(
            organisation=self.school,
            name="R",
            framework_version=version,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 6, 1),
            is_peer=is_peer,
        )
        dims = list(version.dimensions.order_by("order")[:2])
        for teacher, steps in zip(teachers, steps_by_teacher, strict=True):
            observation = Observation.objects.create(
                round=round_,
                framework_version=version,
                observer=self.oscar,
                teacher=teacher,
                school=self.school,
                status=Observation.Status.SUBMITTED,
                observed_on=dt.date(2026, 2, 1),
            )
            for dim, order in zip(dims, steps, strict=True):
                Rating.objects.create(
                    observation=observation, dimension=dim, step=dim.steps.get(order=order)
                )
        return dims

    def teachers(self, n):
        return [make_user(f"t{i}", f"Teacher {i}") for i in range(n)]

    def test_it_withholds_the_profile_below_the_minimum_group(self):
        self.observe(self.teachers(4), [(1, 2)] * 4)
        profile = selectors.observation_profile_unscoped(
            school=self.school, since=dt.date(2025, 1, 1)
        )
        self.assertTrue(profile.withheld)
        self.assertEqual(profile.rows, [])

    def test_it_hides_small_cells_with_their_reason(self):
        # Dimension 1: 6 teachers at step 2, 1 at step 3 (primary), so another cell goes too.
        self.observe(self.teachers(7), [(2, 2)] * 6 + [(3, 2)])
        profile = selectors.observation_profile_unscoped(
            school=self.school, since=dt.date(2025, 1, 1)
        )
        self.assertFalse(profile.withheld)
        first = profile.rows[0]
        values = [c.value for c in first.cells]
        self.assertIsNone(values[2])
        self.assertIn("5", first.cells[2].reason)
        # The row total is published, so the big cell must hide too (complementary).
        self.assertIsNone(values[1])
        self.assertTrue(first.cells[1].reason)
        for row in profile.rows:
            for cell in row.cells:
                self.assertTrue(cell.value is None or cell.value == 0 or cell.value >= 5)

    def test_peer_observations_are_left_out(self):
        self.observe(self.teachers(6), [(2, 2)] * 6, is_peer=True)
        profile = selectors.observation_profile_unscoped(
            school=self.school, since=dt.date(2025, 1, 1)
        )
        self.assertEqual(profile.observations, 0)
        self.assertEqual(profile.rows, [])

    def test_the_analysis_page_explains_hidden_cells(self):
        self.observe(self.teachers(7), [(2, 2)] * 6 + [(3, 2)])
        review = services.review_create(
            actor=self.nina, network=self.network, school=self.school, year=2026
        )
        services.team_set(review=review, members=[self.petra], lead=self.petra)
        self.client.force_login(self.petra)
        page = self.client.get(reverse("networks:analysis", args=[review.pk]))
        self.assertContains(page, "suppressed")
        self.assertNotContains(page, "Teacher 0")

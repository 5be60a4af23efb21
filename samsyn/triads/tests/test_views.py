"""Triads: proposal from the latest closed round, editing, saving; a teacher's triad; peer
observations visible to the triad only."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse

from samsyn.observations import selectors as observation_selectors
from samsyn.observations import services as observation_services
from samsyn.observations.models import Assignment, Round
from samsyn.observations.tests.factories import default_version, make_round
from samsyn.test import BaseTestCase
from samsyn.triads import selectors, services
from samsyn.triads.models import TeacherDetails, Triad, TriadMember, TriadSet
from samsyn.triads.tests.factories import add_teachers, planned_visit, saved_set


def ratings_with(version, low_dimension: int, high_dimension: int) -> list[dict]:
    """Step 2 everywhere, step 1 on the `low_dimension`-th, step 4 on the `high_dimension`-th."""
    out = []
    for k, dimension in enumerate(version.dimensions.order_by("order").prefetch_related("steps")):
        order = 1 if k == low_dimension else 4 if k == high_dimension else 2
        step = next(s for s in dimension.steps.all() if s.order == order)
        out.append({"dimension_id": dimension.pk, "step_id": step.pk, "criteria": [], "note": ""})
    return out


class ProposalTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.t1, self.t2, self.t3, self.t4, self.t5 = add_teachers(self, 5)
        self.teachers = [self.alice, self.t1, self.t2, self.t3, self.t4, self.t5]
        round_ = make_round(self, teachers=self.teachers, target_lessons=1)
        version = default_version()
        # Two planted triads: alice weak in 0 (t1 strong), t1 weak in 1 (t2 strong), t2 weak in
        # 2 (alice strong); the same on dimensions 3-5 for t3, t4, t5.
        plan = {
            self.alice: (0, 2),
            self.t1: (1, 0),
            self.t2: (2, 1),
            self.t3: (3, 5),
            self.t4: (4, 3),
            self.t5: (5, 4),
        }
        for teacher, (low, high) in plan.items():
            assignment = Assignment.objects.get(round=round_, teacher=teacher)
            saved = observation_services.observation_save(
                actor=self.oscar,
                uuid=uuid.uuid4(),
                data={"assignment_id": assignment.pk, "ratings": ratings_with(version, low, high)},
                base_revision=0,
            )
            observation_services.observation_submit(actor=self.oscar, observation=saved.observation)
        observation_services.round_close(actor=self.pia, round_=round_)
        self.round = round_

    def test_it_proposes_complementary_triads_and_explains_them(self):
        self.login(self.pia)
        response = self.client.post(reverse("triads:propose", args=[self.school.pk]))
        triad_set = TriadSet.objects.get(school=self.school, status="draft")
        self.assertRedirects(response, reverse("triads:set", args=[triad_set.pk]))
        self.assertEqual(triad_set.source_round, self.round)
        view = selectors.set_view_unscoped(triad_set)
        self.assertEqual((view.covered, view.coverable), (6, 6))
        groups = {frozenset(m["user"].pk for m in row["members"]) for row in view.triads}
        self.assertEqual(
            groups,
            {
                frozenset({self.alice.pk, self.t1.pk, self.t2.pk}),
                frozenset({self.t3.pk, self.t4.pk, self.t5.pk}),
            },
        )
        page = self.client.get(reverse("triads:set", args=[triad_set.pk]))
        dimension = default_version().dimensions.order_by("order").first()
        self.assertContains(page, "Alice Teacher")
        self.assertContains(page, dimension.name)
        self.assertContains(page, 'id="move-form"')

    def test_it_rechecks_the_rules_after_a_move_and_refuses_to_save_a_broken_set(self):
        TeacherDetails.objects.create(school=self.school, teacher=self.t1, line_manager=self.t3)
        triad_set = services.triad_set_propose(actor=self.pia, school=self.school)
        self.assertNotEqual(
            Triad.objects.get(triad_set=triad_set, members__teacher=self.t1),
            Triad.objects.get(triad_set=triad_set, members__teacher=self.t3),
        )
        target = Triad.objects.get(triad_set=triad_set, members__teacher=self.t3)
        self.login(self.pia)
        self.client.post(
            reverse("triads:move", args=[triad_set.pk]),
            {"teacher": self.t1.pk, "to": target.pk},
        )
        page = self.client.get(reverse("triads:set", args=[triad_set.pk]))
        self.assertContains(page, 'id="violations"')
        violations = selectors.set_view_unscoped(triad_set).hard
        self.assertEqual([v["kind"] for v in violations], ["line_manager"])
        self.assertEqual({u.pk for u in violations[0]["teachers"]}, {self.t1.pk, self.t3.pk})
        response = self.client.post(reverse("triads:save", args=[triad_set.pk]), {"name": "HT"})
        self.assertEqual(response.status_code, 400)
        triad_set.refresh_from_db()
        self.assertEqual(triad_set.status, "draft")
        # Moving back into a new triad of their own... then into a legal place: saved.
        other = Triad.objects.filter(triad_set=triad_set).exclude(pk=target.pk).first()
        self.client.post(
            reverse("triads:move", args=[triad_set.pk]), {"teacher": self.t1.pk, "to": other.pk}
        )
        response = self.client.post(reverse("triads:save", args=[triad_set.pk]), {"name": "HT"})
        self.assertRedirects(response, reverse("triads:set", args=[triad_set.pk]))
        triad_set.refresh_from_db()
        self.assertEqual((triad_set.status, triad_set.name), ("saved", "HT"))

    def test_it_keeps_history_and_avoids_last_times_pairs(self):
        first = services.triad_set_propose(actor=self.pia, school=self.school)
        services.triad_set_save(triad_set=first, name="HT 2026")
        second = services.triad_set_propose(actor=self.pia, school=self.school)
        view = selectors.set_view_unscoped(second)
        self.assertEqual(view.previous, first)
        # Six teachers in two triads after two triads: each new triad has two members from one
        # old triad (pigeonhole), so two repeated pairs are unavoidable, no identical triad.
        self.assertEqual(sorted(w["kind"] for w in view.soft), ["repeated", "repeated"])
        services.triad_set_save(triad_set=second, name="VT 2027")
        self.assertEqual(selectors.current_set_unscoped(self.school.pk), second)
        self.assertEqual(TriadSet.objects.filter(school=self.school, status="saved").count(), 2)
        third = services.triad_set_propose(actor=self.pia, school=self.school)
        with self.assertRaises(ValidationError) as caught:
            services.triad_set_save(triad_set=third, name="ht 2026")
        self.assertEqual(list(caught.exception.message_dict), ["name"])

    def test_teachers_see_their_own_triad(self):
        triad_set = services.triad_set_propose(actor=self.pia, school=self.school)
        self.assertIsNone(
            selectors.current_triad_for_unscoped(teacher=self.alice)
        )  # a draft is not shown
        services.triad_set_save(triad_set=triad_set, name="HT 2026")
        triad = selectors.current_triad_for_unscoped(teacher=self.alice)
        self.assertIn(self.alice, triad.teachers)
        self.login(self.alice)
        page = self.client.get(reverse("triads:mine"))
        for member in triad.teachers:
            self.assertContains(page, member.full_name)
        self.assertEqual(self.client.get(reverse("api:my_triads")).json()[0]["id"], triad.pk)
        self.login(self.bob)
        page = self.client.get(reverse("triads:mine"))
        self.assertContains(page, 'class="empty"')
        self.assertNotContains(page, "<table")

    def test_outsiders_see_nothing(self):
        triad_set = services.triad_set_propose(actor=self.pia, school=self.school)
        self.login(self.charlie)
        for name, args in [
            ("triads:school", [self.school.pk]),
            ("triads:set", [triad_set.pk]),
            ("triads:details", [self.school.pk]),
        ]:
            self.assertEqual(self.client.get(reverse(name, args=args)).status_code, 404)

    def test_details_are_saved_for_the_next_proposal(self):
        self.login(self.pia)
        data = {}
        for t in self.teachers:
            data[f"t{t.pk}-subject_area"] = "Matematik" if t in (self.alice, self.t1) else "Svenska"
            data[f"t{t.pk}-grade_span"] = ""
            data[f"t{t.pk}-line_manager"] = ""
        data[f"t{self.t2.pk}-line_manager"] = str(self.alice.pk)
        response = self.client.post(reverse("triads:details", args=[self.school.pk]), data)
        self.assertRedirects(response, reverse("triads:school", args=[self.school.pk]))
        self.assertEqual(TeacherDetails.objects.get(teacher=self.t2).line_manager, self.alice)
        triad_set = services.triad_set_propose(
            actor=self.pia, school=self.school, same_subject_area=True
        )
        view = selectors.set_view_unscoped(triad_set)
        self.assertEqual(view.hard, [])
        groups = [{m["user"] for m in row["members"]} for row in view.triads]
        self.assertIn({self.alice, self.t1}, groups)


class PeerObservationTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.triad_set, self.triad = saved_set(self)
        self.other = next(u for u in self.triad.teachers if u != self.alice)
        self.visit = planned_visit(self, self.triad, self.other, self.alice)
        saved = observation_services.observation_save(
            actor=self.other,
            uuid=uuid.uuid4(),
            data={
                "assignment_id": self.visit.pk,
                "ratings": ratings_with(default_version(), 0, 1),
            },
            base_revision=0,
        )
        observation = observation_services.observation_submit(
            actor=self.other, observation=saved.observation
        )
        self.observation = observation_services.observation_release(
            actor=self.other, observation=observation
        )

    def test_planning_creates_one_peer_round_per_triad(self):
        self.triad.refresh_from_db()
        round_ = self.triad.peer_round
        self.assertTrue(round_.is_peer)
        self.assertEqual(self.visit.round, round_)
        planned_visit(self, self.triad, self.alice, self.other)
        self.assertEqual(Round.objects.filter(is_peer=True).count(), 1)

    def test_only_members_plan_and_only_within_the_triad(self):
        outsider = add_teachers(self, 1)[0]
        with self.assertRaises(ValidationError):
            planned_visit(self, self.triad, outsider, self.alice)
        with self.assertRaises(ValidationError):
            planned_visit(self, self.triad, self.alice, self.alice)

    def test_the_observer_captures_in_the_normal_capture_page(self):
        self.login(self.other)
        self.assertEqual(
            self.client.get(reverse("observations:capture", args=[self.visit.pk])).status_code, 200
        )

    def test_members_see_the_peer_observation(self):
        url = reverse("observations:detail", args=[self.observation.uuid])
        for member in self.triad.teachers:
            self.login(member)
            self.assertEqual(self.client.get(url).status_code, 200, member)
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("triads:mine")), str(self.observation.uuid))

    def test_the_principal_and_everyone_else_get_404(self):
        url = reverse("observations:detail", args=[self.observation.uuid])
        outsider_teacher = add_teachers(self, 1)[0]
        for user in [self.pia, self.olle, self.oscar, self.bob, self.charlie, outsider_teacher]:
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 404, user)
            self.assertEqual(
                self.client.get(reverse("observations:capture", args=[self.visit.pk])).status_code,
                404,
            )
            self.assertEqual(
                self.client.get(reverse("triads:plan", args=[self.triad.pk])).status_code, 404
            )
        self.login(self.pia)
        round_id = self.observation.round_id
        for name in ["observations:round", "observations:round_measurement"]:
            self.assertEqual(self.client.get(reverse(name, args=[round_id])).status_code, 404)
        self.assertFalse(observation_selectors.can_view_observation(self.pia, self.observation))

    def test_peer_rounds_stay_out_of_round_lists(self):
        for user in [self.pia, self.olle, self.alice, self.other]:
            rounds = observation_selectors.rounds_for_user(user=user)
            listed = [r.pk for r in rounds["managed"] + rounds["observing"]] + [
                e.round_id for e in rounds["teaching"]
            ]
            self.assertNotIn(self.observation.round_id, listed, user)
        self.login(self.pia)
        page = self.client.get(reverse("observations:overview"))
        self.assertNotContains(page, self.observation.round.name)

    def test_the_api_does_not_give_peer_observations_to_the_principal(self):
        url = f"/api/v1/observations/{self.observation.uuid}"
        self.login(self.pia)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get("/api/v1/triads/mine").json(), [])
        self.login(self.other)  # the observer reads their own
        self.assertEqual(self.client.get(url).status_code, 200)
        self.login(self.alice)
        (mine,) = self.client.get("/api/v1/triads/mine").json()
        self.assertEqual(mine["id"], self.triad.pk)

    def test_peer_observations_are_never_measured(self):
        from samsyn.observations import measurement

        self.assertEqual(measurement.current(self.observation.round), (None, True))
        rows = observation_selectors.teacher_measures_unscoped(
            teacher=self.alice, observations=[self.observation]
        )
        self.assertEqual(rows, [])
        self.assertFalse(TriadMember.objects.filter(teacher=self.pia).exists())

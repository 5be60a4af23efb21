"""A school's plan for skilled teaching: drafted from the baseline, approved by the school's
principal only, followed up against a later round, exported, linked to the school's records."""

from __future__ import annotations

import datetime as dt
import math
import statistics

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from scipy import stats

from samsyn.accounts.models import Membership, Role
from samsyn.improvement import plans
from samsyn.improvement.models import PlanAction, PlanGoal, SchoolPlan
from samsyn.improvement.tests.plan_world import plan_world
from samsyn.observations.models import Rating
from samsyn.test import BaseTestCase
from samsyn.workshops.models import Workshop


class PlanTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.baseline, cls.follow, cls.teachers = plan_world(cls)

    def draft(self) -> SchoolPlan:
        return plans.plan_draft(
            school=self.school, baseline_round=self.baseline, title="Plan 2025/26", actor=self.pia
        )

    def plain(self, round_, order: int) -> tuple[float, float, float, int]:
        """The teachers' mean steps in one dimension, and their t interval, by hand."""
        per_teacher: dict[int, list[int]] = {}
        for r in Rating.objects.filter(
            observation__round=round_, dimension__order=order, step__isnull=False
        ).select_related("step", "observation"):
            per_teacher.setdefault(r.observation.teacher_id, []).append(r.step.order)
        means = [sum(v) / len(v) for v in per_teacher.values()]
        n = len(means)
        m = statistics.mean(means)
        half = stats.t.ppf(0.975, n - 1) * statistics.stdev(means) / math.sqrt(n)
        return m, m - half, m + half, n

    def test_the_draft_starts_from_the_weakest_and_strongest_with_their_intervals(self):
        plan = self.draft()
        goals = list(plan.goals.all())
        weakest = [g for g in goals if g.origin == PlanGoal.Origin.WEAKEST]
        strongest = [g for g in goals if g.origin == PlanGoal.Origin.STRONGEST]
        self.assertEqual(len(weakest), 2)
        self.assertEqual(len(strongest), 2)
        first = weakest[0]
        mean, low, high, n = self.plain(self.baseline, 1)
        self.assertEqual(
            first.dimension_code, self.baseline.framework_version.dimensions.get(order=1).code
        )
        self.assertAlmostEqual(first.baseline_mean, mean)
        self.assertAlmostEqual(first.baseline_low, low)
        self.assertAlmostEqual(first.baseline_high, high)
        self.assertEqual(first.baseline_teachers, n)
        top = strongest[0]
        self.assertEqual(
            top.dimension_code, self.baseline.framework_version.dimensions.get(order=2).code
        )
        self.assertGreater(top.baseline_mean, first.baseline_mean)

    @override_settings(SAMSYN_MIN_GROUP=10)
    def test_small_cells_are_hidden_and_not_ranked(self):
        plan = self.draft()  # 8 teachers < 10: nothing shown, nothing pre-filled
        self.assertFalse(plan.goals.exists())
        values = plans.dimension_values(self.school, self.baseline)
        self.assertTrue(all(v.mean is None and v.hidden for v in values))
        plans.goal_add(plan=plan, code=values[0].code, goal="Mer aktivering")
        goal = plan.goals.get()
        self.assertIsNone(goal.baseline_mean)
        self.assertIn("10", goal.baseline_hidden)

    def test_only_a_principal_of_the_school_approves(self):
        plan = self.draft()
        plan.editors.add(self.alice)  # a delegated drafter
        self.login(self.alice)
        url = reverse("improvement:plan_approve", args=[plan.pk])
        self.assertEqual(self.client.post(url).status_code, 403)
        with self.assertRaises(ValidationError):
            plans.plan_approve(plan=plan, actor=self.alice)
        with self.assertRaises(ValidationError):
            plans.plan_approve(plan=plan, actor=self.olle)  # the owner's administrator
        self.login(self.charlie)  # a principal elsewhere
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.pia)
        self.assertEqual(self.client.post(url).status_code, 302)
        plan.refresh_from_db()
        self.assertEqual(plan.status, SchoolPlan.Status.APPROVED)
        self.assertEqual(plan.approved_by, self.pia)

    def test_a_principal_of_another_school_of_the_owner_cannot_approve(self):
        plan = self.draft()
        Membership.objects.create(user=self.bob, organisation=self.school_b, role=Role.PRINCIPAL)
        self.login(self.bob)
        url = reverse("improvement:plan_approve", args=[plan.pk])
        self.assertEqual(self.client.post(url).status_code, 404)
        with self.assertRaises(ValidationError):
            plans.plan_approve(plan=plan, actor=self.bob)

    def test_teachers_read_the_approved_plan_not_the_draft(self):
        plan = self.draft()
        url = reverse("improvement:plan", args=[plan.pk])
        self.login(self.alice)
        self.assertEqual(self.client.get(url).status_code, 403)
        plans.plan_approve(plan=plan, actor=self.pia)
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, reverse("improvement:plan_edit", args=[plan.pk]))
        self.assertEqual(
            self.client.get(reverse("improvement:plan_goal", args=[plan.pk, 1])).status_code, 403
        )
        self.login(self.bob)  # a teacher of another school
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_edit_after_approval_needs_a_new_approval(self):
        plan = self.draft()
        plans.plan_approve(plan=plan, actor=self.pia)
        self.login(self.pia)
        goal = plan.goals.first()
        self.client.post(
            reverse("improvement:plan_goal", args=[plan.pk, goal.pk]), {"goal": "Alla elever"}
        )
        plan.refresh_from_db()
        goal.refresh_from_db()
        self.assertEqual(goal.goal, "Alla elever")
        self.assertEqual(plan.status, SchoolPlan.Status.DRAFT)
        self.assertIsNone(plan.approved_by)

    def test_actions_link_only_to_the_schools_own_records(self):
        plan = self.draft()
        own = Workshop.objects.create(
            school=self.school,
            title="Vår undervisning",
            round=self.baseline,
            starts_at=timezone.now(),
        )
        other = Workshop.objects.create(
            school=self.school_b,
            title="Annan skola",
            round=self.baseline,
            starts_at=timezone.now(),
        )
        fields = dict(kind="workshop", what="Analys", who="Arbetslagen", when="v. 40")
        with self.assertRaises(ValidationError):
            plans.action_save(plan=plan, personal=True, workshop=other, **fields)
        self.login(self.pia)
        url = reverse("improvement:plan_action_add", args=[plan.pk])
        page = self.client.post(url, {**fields, "workshop": other.pk})
        self.assertEqual(page.status_code, 200)  # the form refuses it
        self.assertFalse(PlanAction.objects.exists())
        self.client.post(url, {**fields, "workshop": own.pk})
        self.assertEqual(PlanAction.objects.get().workshop, own)
        detail = self.client.get(reverse("improvement:plan", args=[plan.pk]))
        self.assertContains(detail, "Vår undervisning")
        self.assertNotContains(detail, "Annan skola")

    def test_delegated_editors_cannot_link_coaching_or_support(self):
        from samsyn.coaching.models import SupportPlan

        plan = self.draft()
        plan.editors.add(self.alice)
        support = SupportPlan.objects.create(
            school=self.school,
            teacher=self.teachers[1],
            coach=self.oscar,
            framework_version=self.baseline.framework_version,
            actions="x",
            starts_on=dt.date(2025, 10, 1),
            ends_on=dt.date(2025, 12, 1),
        )
        with self.assertRaises(ValidationError):
            plans.action_save(
                plan=plan,
                personal=False,
                support_plan=support,
                kind="support",
                what="x",
                who="y",
                when="z",
            )
        action = plans.action_save(
            plan=plan,
            personal=True,
            support_plan=support,
            kind="support",
            what="Stöd",
            who="Coach",
            when="HT",
        )
        plans.plan_approve(plan=plan, actor=self.pia)
        self.login(self.teachers[2])  # a colleague reading the approved plan
        page = self.client.get(reverse("improvement:plan", args=[plan.pk]))
        self.assertContains(page, "2025-10-01")
        self.assertNotContains(page, self.teachers[1].full_name)  # no names on the plan
        self.assertEqual(action.support_plan, support)

    def test_the_follow_up_shows_the_next_round_beside_the_baseline(self):
        plan = self.draft()
        with self.assertRaises(ValidationError):  # only an approved plan is followed up
            plans.follow_up_record(
                plan=plan, round=self.follow, term="VT 2026", note="", actor=self.pia
            )
        plans.plan_approve(plan=plan, actor=self.pia)
        self.login(self.pia)
        self.client.post(
            reverse("improvement:plan_follow_up", args=[plan.pk]),
            {"term": "VT 2026", "round": self.follow.pk, "note": "Vi ser en rörelse."},
        )
        follow_up = plan.follow_ups.get()
        row = next(r for r in follow_up.values if r["code"] == plan.goals.first().dimension_code)
        mean, low, high, _n = self.plain(self.follow, 1)
        self.assertAlmostEqual(row["followup"]["high"], high, places=3)
        self.assertAlmostEqual(row["followup"]["mean"], mean, places=3)
        self.assertAlmostEqual(row["followup"]["low"], low, places=3)
        self.assertAlmostEqual(row["baseline"]["mean"], plan.goals.first().baseline_mean)
        self.assertGreater(row["change"]["estimate"], 0)
        self.assertLess(row["change"]["low"], row["change"]["estimate"])
        plan.refresh_from_db()
        self.assertEqual(plan.status, SchoolPlan.Status.APPROVED)  # a follow-up is no edit
        self.pia.language = "en"
        self.pia.save()
        with translation.override("en"):
            page = self.client.get(reverse("improvement:plan", args=[plan.pk]))
        self.assertContains(page, "VT 2026")
        self.assertContains(page, "there is no comparison group")

    def test_the_follow_up_round_must_be_a_later_round_of_the_school(self):
        plan = self.draft()
        plans.plan_approve(plan=plan, actor=self.pia)
        with self.assertRaises(ValidationError):
            plans.follow_up_record(
                plan=plan, round=self.baseline, term="HT", note="", actor=self.pia
            )

    def test_the_plan_downloads_as_pdf(self):
        plan = self.draft()
        plans.plan_approve(plan=plan, actor=self.pia)
        self.login(self.alice)
        response = self.client.get(reverse("improvement:plan_pdf", args=[plan.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_the_principal_drafts_on_the_page(self):
        self.login(self.pia)
        self.assertEqual(
            self.client.get(reverse("improvement:plan_draft", args=[self.school.pk])).status_code,
            200,
        )
        response = self.client.post(
            reverse("improvement:plan_draft", args=[self.school.pk]),
            {"title": "Planen", "baseline_round": self.baseline.pk},
        )
        plan = SchoolPlan.objects.get()
        self.assertRedirects(response, reverse("improvement:plan", args=[plan.pk]))
        self.assertEqual(plan.drafted_by, self.pia)
        self.login(self.alice)  # a teacher may not draft
        self.assertEqual(
            self.client.get(reverse("improvement:plan_draft", args=[self.school.pk])).status_code,
            403,
        )

    def test_the_home_page_leads_teachers_to_the_approved_plan_only(self):
        plan = self.draft()
        self.login(self.alice)
        self.assertNotContains(self.client.get("/"), plan.title)
        plans.plan_approve(plan=plan, actor=self.pia)
        self.assertContains(self.client.get("/"), reverse("improvement:plan", args=[plan.pk]))
        self.login(self.pia)
        self.assertContains(
            self.client.get("/"), reverse("improvement:plans", args=[self.school.pk])
        )

    def test_a_delegated_editor_edits_and_only_people_of_the_school_are_delegated(self):
        plan = self.draft()
        goal = plan.goals.first()
        url = reverse("improvement:plan_goal", args=[plan.pk, goal.pk])
        self.login(self.alice)
        self.assertEqual(self.client.post(url, {"goal": "Alice skriver"}).status_code, 403)
        with self.assertRaises(ValidationError):
            plans.editors_set(plan=plan, editors=[self.charlie])
        self.login(self.pia)
        self.client.post(
            reverse("improvement:plan_editors", args=[plan.pk]), {"editors": [self.alice.pk]}
        )
        self.assertEqual(list(plan.editors.all()), [self.alice])
        self.login(self.alice)
        self.assertEqual(self.client.post(url, {"goal": "Alice skriver"}).status_code, 302)
        goal.refresh_from_db()
        self.assertEqual(goal.goal, "Alice skriver")
        self.login(self.alice)  # but she may not delegate further
        response = self.client.post(
            reverse("improvement:plan_editors", args=[plan.pk]), {"editors": [self.oscar.pk]}
        )
        self.assertEqual(response.status_code, 403)


class CrossPlanAttackTests(BaseTestCase):
    """Review: a goal or action of another school's plan, named under one's own plan."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.baseline, cls.follow, cls.teachers = plan_world(cls)
        cls.mine = plans.plan_draft(
            school=cls.school, baseline_round=cls.baseline, title="Vår plan", actor=cls.pia
        )
        cls.theirs = SchoolPlan.objects.create(
            school=cls.school_b, title="Deras plan", baseline_round=cls.baseline
        )
        cls.goal = PlanGoal.objects.create(
            plan=cls.theirs, dimension_code="x", dimension_name="X", goal="Deras mål"
        )
        cls.action = PlanAction.objects.create(
            plan=cls.theirs, kind=PlanAction.Kind.OTHER, what="Deras åtgärd", who="De", when="Nu"
        )

    def test_another_plans_goal_and_action_are_not_found_under_ones_own_plan(self):
        self.login(self.pia)
        pk = self.mine.pk
        urls = [
            reverse("improvement:plan_goal", args=[pk, self.goal.pk]),
            reverse("improvement:plan_goal_remove", args=[pk, self.goal.pk]),
            reverse("improvement:plan_action", args=[pk, self.action.pk]),
            reverse("improvement:plan_action_remove", args=[pk, self.action.pk]),
        ]
        for url in urls:
            with self.subTest(url=url):
                if not url.endswith("/remove/"):  # the remove views take POST only (405)
                    self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, {"goal": "Kapad"}).status_code, 404)
        self.goal.refresh_from_db()
        self.assertEqual(self.goal.goal, "Deras mål")
        self.assertTrue(PlanAction.objects.filter(pk=self.action.pk).exists())

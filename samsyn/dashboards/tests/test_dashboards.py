"""Dashboards: aggregation against a plain computation, access, suppression, exports."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import numpy as np
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import AuditEvent
from samsyn.dashboards.charts import CHARTS, Chart, charts_for
from samsyn.dashboards.selectors import (
    Hidden,
    area_dashboard,
    school_dashboard,
)
from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.observations.models import Observation, Rating, Round
from samsyn.observations.summaries import grade_span
from samsyn.test import BaseTestCase

BASE = dt.date(2025, 9, 1)
FOLLOW = dt.date(2026, 3, 1)


class SchoolWorld(BaseTestCase):
    """School A: 8 teachers observed at baseline and follow-up; goals improve by one step."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.teachers = [cls.alice, *make_teachers(cls.school, "ta", 7)]
        cls.baseline = make_round(cls.school, [cls.school], "Höst", Round.Kind.BASELINE, BASE)
        cls.follow = make_round(cls.school, [cls.school], "Vår", Round.Kind.FOLLOW_UP, FOLLOW)

        def before(t, order, lesson):
            return 1 + (t + lesson) % 3

        def after(t, order, lesson):
            step = 1 + (t + lesson) % 3
            return min(4, step + 1) if order == 1 else step

        observe(cls.baseline, cls.school, cls.teachers, cls.oscar, step_for=before)
        observe(cls.follow, cls.school, cls.teachers, cls.oscar, step_for=after)


class AggregationTests(SchoolWorld):
    def test_it_counts_steps_like_a_plain_loop(self) -> None:
        d = school_dashboard(user=self.pia, school=self.school)
        self.assertEqual(d.round.pk, self.follow.pk)
        self.assertEqual(d.compare_round.pk, self.baseline.pk)
        for round_ in (self.baseline, self.follow):
            plain: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
            teachers: dict[str, set] = defaultdict(set)
            for rating in Rating.objects.filter(observation__round=round_).select_related(
                "dimension", "step", "observation"
            ):
                if rating.step is None:
                    continue
                plain[rating.dimension.code][rating.step.order - 1] += 1
                teachers[rating.dimension.code].add(rating.observation.teacher_id)
            for dist in d.distribution_for(round_.pk):
                code = dist.dimension.code
                self.assertEqual(list(dist.counts), plain[code])
                self.assertEqual(dist.n_ratings, sum(plain[code]))
                self.assertEqual(dist.n_teachers, len(teachers[code]))
                expected = sum((i + 1) * c for i, c in enumerate(plain[code])) / sum(plain[code])
                self.assertAlmostEqual(dist.mean, expected)

    def test_it_computes_paired_change_on_teacher_means(self) -> None:
        d = school_dashboard(user=self.pia, school=self.school)
        goals = next(c for c in d.changes if c.dimension.order == 1)
        other = next(c for c in d.changes if c.dimension.order == 2)
        # Plain: each teacher's mean after minus before, averaged over teachers.
        diffs = []
        for t in self.teachers:
            means = []
            for r in (self.baseline, self.follow):
                steps = [
                    x.step.order
                    for x in Rating.objects.filter(
                        observation__round=r, observation__teacher=t, dimension__order=1
                    ).select_related("step")
                ]
                means.append(np.mean(steps))
            diffs.append(means[1] - means[0])
        self.assertEqual(goals.method, "paired")
        self.assertEqual(goals.n_teachers, 8)
        self.assertAlmostEqual(goals.change, float(np.mean(diffs)))
        self.assertGreater(goals.ci_low, 0)
        self.assertTrue(goals.clear)
        self.assertEqual(other.change, 0.0)
        self.assertFalse(other.clear)
        self.assertEqual(d.strongest[0].dimension.order, 1)

    def test_it_leaves_out_peer_rounds_and_drafts(self) -> None:
        before = school_dashboard(user=self.pia, school=self.school)
        peer = make_round(
            self.school, [self.school], "Triad", Round.Kind.ONGOING, FOLLOW, is_peer=True
        )
        observe(peer, self.school, self.teachers, self.alice, step_for=lambda *a: 4)
        observe(
            self.follow,
            self.school,
            self.teachers,
            self.oscar,
            step_for=lambda *a: 4,
            status=Observation.Status.DRAFT,
        )
        after = school_dashboard(user=self.pia, school=self.school)
        self.assertNotIn(peer.pk, [r.pk for r in after.rounds])
        self.assertEqual(
            [x.counts for x in before.distribution_for(self.follow.pk)],
            [x.counts for x in after.distribution_for(self.follow.pk)],
        )
        # Asking for the peer round by id falls back to the default round.
        chosen = school_dashboard(user=self.pia, school=self.school, round=peer.pk)
        self.assertEqual(chosen.round.pk, self.follow.pk)

    def test_it_filters_by_subject_and_grade_span(self) -> None:
        extra = make_teachers(self.school, "sv", 6)
        observe(self.follow, self.school, extra, self.oscar, subject="Svenska", grade="åk 4")
        d = school_dashboard(user=self.pia, school=self.school, filters={"subject": "Svenska"})
        self.assertEqual(d.coverage[-1].teachers, 6)
        d = school_dashboard(user=self.pia, school=self.school, filters={"grade_span": "46"})
        self.assertEqual(d.coverage[-1].teachers, 6)
        self.assertEqual([k for k, _ in d.grade_spans], ["46", "79"])
        self.assertEqual(grade_span("F"), "f3")
        self.assertEqual(grade_span("åk 8"), "79")
        self.assertEqual(grade_span(""), "other")


class AccessTests(SchoolWorld):
    def test_it_gives_the_principal_the_teacher_table(self) -> None:
        d = school_dashboard(user=self.pia, school=self.school)
        self.assertEqual(len(d.teacher_rows), 8)

    def test_it_gives_teachers_only_aggregates(self) -> None:
        d = school_dashboard(user=self.alice, school=self.school)
        self.assertIsNone(d.teacher_rows)
        self.assertTrue(d.has_data)
        self.login(self.alice)
        response = self.client.get(
            reverse("dashboards:school", args=[self.school.pk]) + "?teachers=1"
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "ta 3")

    def test_it_refuses_outsiders_and_wrong_roles(self) -> None:
        with self.assertRaises(Http404):
            school_dashboard(user=self.charlie, school=self.school)
        with self.assertRaises(PermissionDenied):
            school_dashboard(user=self.oscar, school=self.school)
        with self.assertRaises(PermissionDenied):
            area_dashboard(user=self.pia, organisation=self.owner)

    @override_settings(SAMSYN_MIN_PROFILE_RELIABILITY=0)  # teachers compared without the gate
    def test_it_audits_the_teacher_table(self) -> None:
        self.login(self.pia)
        url = reverse("dashboards:school", args=[self.school.pk])
        self.client.get(url)
        self.assertFalse(
            AuditEvent.objects.filter(action="read", object_type="dashboard.teacher_row").exists()
        )
        response = self.client.get(url + "?teachers=1")
        self.assertContains(response, "ta 3")
        self.assertEqual(
            AuditEvent.objects.filter(
                action="read", object_type="dashboard.teacher_row", actor=self.pia
            ).count(),
            8,
        )

    @override_settings(SAMSYN_MIN_GROUP=10)
    def test_it_hides_a_small_school_from_teachers_but_not_the_principal(self) -> None:
        d = school_dashboard(user=self.alice, school=self.school)
        self.assertIsInstance(d.hidden, Hidden)
        self.assertTrue(all(x.hidden for x in d.distribution_for(d.round.pk)))
        self.assertTrue(all(c.hidden for c in d.changes))
        for chart in charts_for(d):
            self.assertEqual(chart.spec.get("data", {}).get("values", []), [], chart.key)
        d = school_dashboard(user=self.pia, school=self.school)
        self.assertIsNone(d.hidden)


class SuppressionTests(BaseTestCase):
    """Owner dashboard: School A has 4 maths and 6 Swedish teachers, School B 6 and 5."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(
            cls.owner, [cls.school, cls.school_b], "Kommunrunda", Round.Kind.BASELINE, BASE
        )
        for school, subject, count, prefix in [
            (cls.school, "Matematik", 4, "am"),
            (cls.school, "Svenska", 6, "as"),
            (cls.school_b, "Matematik", 6, "bm"),
            (cls.school_b, "Svenska", 5, "bs"),
        ]:
            observe(
                cls.round,
                school,
                make_teachers(school, prefix, count),
                cls.oscar,
                subject=subject,
                seed=count,
            )

    def test_it_hides_the_group_of_four_teachers(self) -> None:
        d = area_dashboard(user=self.olle, organisation=self.owner)
        cells = {(g.school_name, g.group): g for g in d.groups}
        small = cells[("Skola A", "Matematik")]
        self.assertIsNone(small.n_teachers)
        self.assertIsNone(small.mean)
        self.assertEqual(small.hidden.kind, "primary")
        self.assertIn("5", small.hidden.reason)
        chart = CHARTS["groups"].build(d)
        self.assertNotIn(
            ("Skola A", "Matematik"),
            [(v["school"], v["group"]) for v in chart.spec["data"]["values"]],
        )
        row = next(r for r in chart.table.rows if r[:2] == ["Skola A", "Matematik"])
        self.assertIsInstance(row[2], Hidden)

    def test_it_never_reveals_the_group_by_subtraction(self) -> None:
        d = area_dashboard(user=self.olle, organisation=self.owner)
        totals = {t.school_name: t.points[0].n_teachers for t in d.school_trends}
        by_school = defaultdict(list)
        by_subject = defaultdict(list)
        for g in d.groups:
            by_school[g.school_name].append(g)
            by_subject[g.group].append(g)
        for school, groups in by_school.items():
            hidden = [g for g in groups if g.hidden]
            if hidden and totals[school] is not None:
                # total − visible groups must cover at least two hidden groups
                self.assertGreaterEqual(len(hidden), 2, school)
        for subject, groups in by_subject.items():
            hidden = [g for g in groups if g.hidden]
            self.assertNotEqual(len(hidden), 1, subject)
        # The subject filter publishes the subject's total across schools: School B's maths
        # group must not be shown next to it, or 10 − 6 gives School A's 4 away.
        f = area_dashboard(
            user=self.olle, organisation=self.owner, filters={"subject": "Matematik"}
        )
        points = {t.school_name: t.points[0] for t in f.school_trends}
        self.assertIsNotNone(points["Skola A"].hidden)
        self.assertIsNotNone(points["Skola B"].hidden)
        self.assertIsNone(points["Skola B"].n_teachers)

    def test_it_hides_the_teachers_school_view_of_the_small_group(self) -> None:
        d = school_dashboard(user=self.alice, school=self.school, filters={"subject": "Matematik"})
        self.assertIsNotNone(d.hidden)
        # and the complement (Swedish, 6 teachers) too: all 10 minus 6 would give 4 away
        d = school_dashboard(user=self.alice, school=self.school, filters={"subject": "Svenska"})
        self.assertIsNotNone(d.hidden)
        d = school_dashboard(user=self.pia, school=self.school, filters={"subject": "Matematik"})
        self.assertIsNone(d.hidden)

    def test_it_lists_schools_alphabetically(self) -> None:
        d = area_dashboard(user=self.olle, organisation=self.owner)
        names = [t.school_name for t in d.school_trends]
        self.assertEqual(names, sorted(names))
        self.assertIsNone(d.teacher_rows)


class ExportTests(SchoolWorld):
    def url(self, fmt: str, **query) -> str:
        base = reverse("dashboards:school_export", args=[self.school.pk, fmt])
        return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def test_it_exports_csv_with_n_and_notes(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url("csv"))
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        self.assertIn(str(CHARTS["distribution"].title), text)
        self.assertIn("n = ", text)
        self.assertIn("bootstrap", text)
        self.assertNotIn("ta 3", text)
        event = AuditEvent.objects.get(
            action="export", object_type="dashboard", detail__contains="format=csv"
        )
        self.assertEqual(event.actor, self.alice)

    @override_settings(SAMSYN_MIN_PROFILE_RELIABILITY=0)  # teachers compared without the gate
    def test_it_exports_xlsx(self) -> None:
        from openpyxl import load_workbook

        self.login(self.pia)
        response = self.client.get(self.url("xlsx", teachers=1))
        book = load_workbook(io.BytesIO(response.content))
        self.assertIn(str(CHARTS["change"].title)[:28], book.sheetnames)
        sheet = book[str(CHARTS["distribution"].title)[:28]]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1][-1], "Lärare (n)")
        self.assertEqual(rows[2][-1], 8)
        self.assertTrue(
            any("ta 3" in str(r[0]) for r in book.worksheets[-1].iter_rows(values_only=True))
        )
        self.assertTrue(
            AuditEvent.objects.filter(
                action="export", object_type="dashboard", detail__contains="format=xlsx"
            ).exists()
        )
        self.assertTrue(
            AuditEvent.objects.filter(
                action="export",
                object_type="dashboard.teacher_row",
                detail__contains="format=xlsx",
            ).exists()
        )

    def test_it_exports_a_pdf_in_the_readers_language(self) -> None:
        import pypdfium2

        self.login(self.alice)
        response = self.client.get(self.url("pdf"), HTTP_ACCEPT_LANGUAGE="sv")
        self.assertEqual(response["Content-Type"], "application/pdf")
        pdf = pypdfium2.PdfDocument(response.content)
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        self.assertIn("Skola A", text)
        self.assertIn("Metod", text)
        self.assertIn("n = ", text)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="export", object_type="dashboard", detail__contains="format=pdf"
            ).exists()
        )

    def test_it_refuses_unknown_formats(self) -> None:
        self.login(self.pia)
        self.assertEqual(self.client.get(self.url("doc")).status_code, 404)


class ChartTests(SchoolWorld):
    def test_every_chart_has_a_spec_a_table_and_an_svg(self) -> None:
        d = school_dashboard(user=self.pia, school=self.school)
        charts = charts_for(d)
        self.assertEqual(
            [c.key for c in charts], ["distribution", "comparison", "change", "profile", "coverage"]
        )
        for chart in charts:
            self.assertIsInstance(chart, Chart)
            self.assertFalse(chart.empty)
            self.assertTrue(chart.table.rows)
            self.assertTrue(chart.notes)
            self.assertEqual(chart.spec["$schema"].split("/")[-1], "v6.json")
        svg = charts[0].svg()
        self.assertIn("<svg", svg)

    def test_it_has_an_empty_state(self) -> None:
        Observation.objects.all().delete()
        d = school_dashboard(user=self.pia, school=self.school)
        self.assertFalse(d.has_data)
        self.login(self.pia)
        response = self.client.get(reverse("dashboards:school", args=[self.school.pk]))
        self.assertContains(response, 'class="empty"')


class NetworkTests(SchoolWorld):
    def test_it_shows_the_network_its_member_schools(self) -> None:
        self.login(self.nina)
        response = self.client.get(reverse("dashboards:area", args=[self.network.pk]))
        self.assertEqual(response.status_code, 200)
        d = area_dashboard(user=self.nina, organisation=self.network)
        self.assertEqual([t.school_name for t in d.school_trends], ["Skola A"])
        self.assertIsNone(d.teacher_rows)
        self.login(self.charlie)
        response = self.client.get(reverse("dashboards:area", args=[self.network.pk]))
        self.assertEqual(response.status_code, 404)
        with self.assertRaises(Http404):
            area_dashboard(user=self.olle, organisation=self.network)

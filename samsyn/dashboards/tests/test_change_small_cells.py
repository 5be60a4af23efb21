"""Attack (issue 19): a dimension's change between two rounds where each round's figure rests
on fewer than SAMSYN_MIN_GROUP teachers, none rated in both rounds. The change counts the
teachers of both rounds together (8 ≥ 5), but its before and after means each rest on 4
teachers. No surface that shows the change may show those means or the change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samsyn.dashboards.selectors import area_dashboard, school_dashboard
from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.frameworks.models import Dimension
from samsyn.improvement import plans
from samsyn.improvement.models import PlanGoal
from samsyn.observations.models import Round
from samsyn.public.tests import world
from samsyn.test import BaseTestCase
from samsyn.workshops import services as workshop_services

DECIMAL = re.compile(r"\d[.,]\d")


def _few_before(t, order, lesson):
    """Dimension 3 rated for 4 teachers of the owner's schools in the baseline."""
    return None if order == 3 and t > 2 else world.before(t, order, lesson)


def _few_after(t, order, lesson):
    """... and for 4 other teachers in the follow-up."""
    return None if order == 3 and t not in (9, 10, 11) else world.after(t, order, lesson)


def _dimension() -> Dimension:
    from samsyn.dashboards.tests.world import version

    return Dimension.objects.get(version=version(), order=3)


class LeakCheck:
    def assert_no_decimal_in_html_rows(self, body: str, names: list[str], where: str) -> int:
        """Every table row naming the dimension shows no mean or change (no decimal
        number); returns how many such rows there were."""
        rows = [
            row
            for row in re.findall(r"<tr[ >].*?</tr>", body, re.S)
            if any(re.search(rf">\s*{re.escape(n)}\s*<", row) for n in names)
        ]
        for row in rows:
            cells = re.sub(r"<[^>]+>", "|", row)
            self.assertIsNone(DECIMAL.search(cells), f"{where}: {cells}")
        return len(rows)

    def assert_no_decimal_in_cells(self, rows: list[list], names: list[str], where: str) -> int:
        hit = [r for r in rows if any(str(c).strip() in names for c in r if c is not None)]
        for row in hit:
            numbers = [
                c
                for c in row
                if (isinstance(c, float) and c != int(c)) or DECIMAL.search(str(c or ""))
            ]
            self.assertEqual(numbers, [], f"{where}: {row}")
        return len(hit)


@override_settings(SAMSYN_MIN_GROUP=5)
class AreaChangeAttackTests(LeakCheck, BaseTestCase):
    """The owner's (and the region's) dashboard page and its CSV and XLSX exports."""

    def setUp(self) -> None:
        super().setUp()
        self.baseline, self.follow = world.rounds(
            self, step_before=_few_before, step_after=_few_after
        )
        self.dim = _dimension()
        self.names = [self.dim.short_name, self.dim.name]

    def query(self) -> str:
        return f"?round={self.follow.pk}&compare={self.baseline.pk}"

    def test_the_world_is_the_attack(self):
        # Each round's teachers on dimension 3: 4, none in both; the others rest on 24.
        board = area_dashboard(
            user=self.olle,
            organisation=self.owner,
            round=self.follow,
            compare_round=self.baseline,
        )
        for pk in (self.baseline.pk, self.follow.pk):
            dist = next(d for d in board.distribution_for(pk) if d.dimension.order == 3)
            self.assertEqual(dist.n_teachers, 4)
            self.assertIsNotNone(dist.hidden)
        change = next(c for c in board.changes if c.dimension.order == 3)
        self.assertIsNotNone(change.hidden, change)
        self.assertIsNone(change.before)
        self.assertIsNone(change.after)
        self.assertIsNone(change.change)
        shown = [c for c in board.changes if c.hidden is None]
        self.assertTrue(shown)  # the other dimensions' changes are still shown
        for c in shown:
            self.assertEqual(c.method, "paired")
            self.assertGreaterEqual(c.n_teachers, settings.SAMSYN_MIN_GROUP)

    def test_the_owner_page_shows_no_change_of_the_small_dimension(self):
        for user, org in ((self.olle, self.owner), (self.rita, self.region)):
            with self.subTest(user=user.full_name):
                self.login(user)
                url = reverse("dashboards:area", args=[org.pk]) + self.query()
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, user)
                body = response.content.decode()
                rows = self.assert_no_decimal_in_html_rows(body, self.names, f"page {user}")
                self.assertGreater(rows, 0)

    def test_the_csv_export_shows_no_change_of_the_small_dimension(self):
        self.login(self.olle)
        url = reverse("dashboards:area_export", args=[self.owner.pk, "csv"]) + self.query()
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content if response.streaming else [response.content])
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        self.assertGreater(self.assert_no_decimal_in_cells(rows, self.names, "csv"), 0)

    def test_the_xlsx_export_shows_no_change_of_the_small_dimension(self):
        self.login(self.olle)
        url = reverse("dashboards:area_export", args=[self.owner.pk, "xlsx"]) + self.query()
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        rows = [list(r) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)]
        self.assertGreater(self.assert_no_decimal_in_cells(rows, self.names, "xlsx"), 0)

    def test_the_pdf_export_shows_no_change_of_the_small_dimension(self):
        import pypdfium2

        self.login(self.olle)
        url = reverse("dashboards:area_export", args=[self.owner.pk, "pdf"]) + self.query()
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        pdf = pypdfium2.PdfDocument(response.content)
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        rows = [line for line in text.splitlines() if self.dim.short_name in line.split()]
        self.assertTrue(rows)
        for row in rows:
            self.assertIsNone(DECIMAL.search(row), f"pdf: {row}")


def _school_before(t, order, lesson):
    return None if order == 3 and t >= 4 else world.before(t, order, lesson)


def _school_after(t, order, lesson):
    return None if order == 3 and not 4 <= t < 8 else world.after(t, order, lesson)


@override_settings(SAMSYN_MIN_GROUP=5)
class SchoolChangeAttackTests(LeakCheck, BaseTestCase):
    """A school's staff view (workshop slides, the school plan's follow-up): dimension 3
    rated for teachers 0-3 in the baseline and 4-7 in the follow-up, of 12."""

    def setUp(self) -> None:
        super().setUp()
        people = make_teachers(self.school, "sc", 12)
        self.baseline = make_round(
            self.school, [self.school], "Höst", Round.Kind.BASELINE, dt.date(2025, 9, 1)
        )
        self.follow = make_round(
            self.school, [self.school], "Vår", Round.Kind.FOLLOW_UP, dt.date(2026, 3, 1)
        )
        observe(self.baseline, self.school, people, self.oscar, step_for=_school_before)
        observe(self.follow, self.school, people, self.oscar, step_for=_school_after)
        self.dim = _dimension()
        self.names = [self.dim.short_name, self.dim.name]

    def test_the_staff_view_hides_the_change(self):
        board = school_dashboard(
            user=self.pia,
            school=self.school,
            round=self.follow,
            compare_round=self.baseline,
            staff_view=True,
        )
        change = next(c for c in board.changes if c.dimension.order == 3)
        self.assertIsNotNone(change.hidden, change)
        self.assertIsNone(change.before)
        self.assertIsNone(change.after)

    def test_the_workshop_slides_show_no_change_of_the_small_dimension(self):
        workshop = workshop_services.workshop_create(
            actor=self.pia,
            school=self.school,
            title="Förändring",
            round=self.follow,
            compare_round=self.baseline,
            starts_at=timezone.now() + dt.timedelta(days=7),
            place="Aulan",
            chart_keys=["change"],
        )
        self.login(self.pia)
        url = reverse("workshops:present", args=[self.school.pk, workshop.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        rows = self.assert_no_decimal_in_html_rows(body, self.names, "slides")
        self.assertGreater(rows, 0)

    def test_the_plan_follow_up_shows_no_change_of_the_small_dimension(self):
        plan = plans.plan_draft(
            school=self.school, baseline_round=self.baseline, title="Plan", actor=self.pia
        )
        PlanGoal.objects.create(
            plan=plan,
            dimension_code=self.dim.code,
            dimension_name=self.dim.name,
            baseline_hidden="hidden",
            goal="Mål",
            order=9,
        )
        plans.plan_approve(plan=plan, actor=self.pia)
        self.login(self.pia)
        self.client.post(
            reverse("improvement:plan_follow_up", args=[plan.pk]),
            {"term": "VT 2026", "round": self.follow.pk, "note": ""},
        )
        row = next(r for r in plan.follow_ups.get().values if r["code"] == self.dim.code)
        self.assertTrue(row["change"].get("hidden"), row)
        self.assertIsNone(row["change"].get("estimate"), row)
        body = self.client.get(reverse("improvement:plan", args=[plan.pk])).content.decode()
        self.assertGreater(self.assert_no_decimal_in_html_rows(body, self.names, "plan"), 0)

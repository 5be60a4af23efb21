"""Attack (issue 19, finding 2): small cells by subtraction between two filtered exports.

School A has 6 teachers of NO, 5 of them in grades F-3 and one in grades 4-6, and 6 maths
teachers. Each filtered export is large enough on its own; "NO" minus "NO, F-3" was one
teacher's step counts. Played over HTTP with real sessions as the owner's administrator, a
teacher of the school and the researcher.
"""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.urls import reverse

from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.observations.models import Round
from samsyn.test import BaseTestCase

from .test_dashboards import BASE, FOLLOW


def distribution_rows(text: str) -> dict[str, tuple[int, int] | None]:
    """Per dimension of the step-distribution table: (ratings n, teachers n), None if hidden."""
    rows = list(csv.reader(io.StringIO(text)))
    out: dict[str, tuple[int, int] | None] = {}
    start = next(i for i, r in enumerate(rows) if r and r[-1] in ("Teachers (n)", "Lärare (n)"))
    for row in rows[start + 1 :]:
        if len(row) < 3:
            break
        ratings, teachers = row[-2], row[-1]
        out[row[0]] = (int(ratings), int(teachers)) if teachers.isdigit() else None
    return out


class SubtractionAttackTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.school, [cls.school], "Höst", Round.Kind.BASELINE, BASE)
        observe(
            cls.round,
            cls.school,
            make_teachers(cls.school, "nof", 5),
            cls.oscar,
            subject="NO",
            grade="2",
            seed=1,
        )
        observe(
            cls.round,
            cls.school,
            make_teachers(cls.school, "nom", 1),
            cls.oscar,
            subject="NO",
            grade="5",
            seed=2,
        )
        observe(
            cls.round,
            cls.school,
            make_teachers(cls.school, "ma", 6),
            cls.oscar,
            subject="Matematik",
            grade="8",
            seed=3,
        )

    def export(self, area: bool = False, **query: str) -> dict[str, tuple[int, int] | None]:
        url = reverse("dashboards:school_export", args=[self.school.pk, "csv"])
        if area:
            url = reverse("dashboards:area_export", args=[self.owner.pk, "csv"])
        params = {"round": str(self.round.pk), "compare": "", **query}
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        return distribution_rows(response.content.decode("utf-8-sig"))

    def test_no_minus_no_f3_never_reveals_one_teacher(self) -> None:
        k = settings.SAMSYN_MIN_GROUP
        for user in (self.olle, self.alice, self.rita):
            self.login(user)
            whole = self.export(subject="NO")
            part = self.export(subject="NO", grade_span="f3")
            for dimension, shown in whole.items():
                other = part.get(dimension)
                if shown is None or other is None:
                    continue
                teachers = shown[1] - other[1]
                self.assertFalse(
                    0 < teachers < k,
                    f"{user}: {dimension}: {shown} − {other} is about {teachers} teacher(s)",
                )
            # and the span on its own against the school (F-3 is the 5 NO teachers)
            school = self.export()
            span = self.export(grade_span="f3")
            for dimension, shown in school.items():
                other = span.get(dimension)
                if shown is not None and other is not None:
                    self.assertFalse(0 < shown[1] - other[1] < k or 0 < other[1] < k)

    def test_the_owners_area_export_gives_nothing_away_either(self) -> None:
        k = settings.SAMSYN_MIN_GROUP
        observe(self.round, self.school_b, make_teachers(self.school_b, "b", 6), self.oscar)
        for user in (self.olle, self.rita):
            self.login(user)
            views = {
                (area, subject, span): self.export(area=area, subject=subject, grade_span=span)
                for area in (False, True)
                for subject in ("", "NO")
                for span in ("", "f3")
            }
            for a, b in [(x, y) for x in views for y in views if x < y]:
                for dimension, shown in views[a].items():
                    other = views[b].get(dimension)
                    if shown is None or other is None:
                        continue
                    self.assertFalse(
                        0 < abs(shown[1] - other[1]) < k, f"{user}: {a} vs {b}: {dimension}"
                    )


class WorkshopTeamTests(BaseTestCase):
    """Two workshop teams of 6 and 8 teachers that differ by two: the slides of both would
    give those two teachers' figures away by subtraction."""

    def test_overlapping_teams_are_not_both_shown(self) -> None:
        from django.utils import timezone

        from samsyn.workshops.charts import workshop_dashboard
        from samsyn.workshops.models import Workshop

        k = settings.SAMSYN_MIN_GROUP
        round_ = make_round(self.school, [self.school], "Höst", Round.Kind.BASELINE, BASE)
        teachers = make_teachers(self.school, "w", 14)
        observe(round_, self.school, teachers, self.oscar)
        shown = []
        for team in (teachers[:6], teachers[:8]):
            workshop = Workshop.objects.create(
                school=self.school, title="W", round=round_, starts_at=timezone.now()
            )
            workshop.team.set(team)
            dashboard = workshop_dashboard(user=self.alice, workshop=workshop)
            shown.append(dashboard.hidden is None)
        # Decided together: whichever team asks first, not both (8 − 6 = 2 < k).
        self.assertLess(8 - 6, k)
        self.assertFalse(all(shown), shown)


class PairedChangeTests(BaseTestCase):
    """10 teachers at baseline, 9 of them again at follow-up. A paired change on the 9 next to
    the baseline mean of all 10 gives the tenth teacher's baseline mean away:
    10 · before(all) − 9 · (after(all) − change(paired))."""

    def test_the_change_does_not_give_the_teacher_who_left_away(self) -> None:
        from samsyn.dashboards.selectors import school_dashboard

        base = make_round(self.school, [self.school], "Höst", Round.Kind.BASELINE, BASE)
        follow = make_round(self.school, [self.school], "Vår", Round.Kind.FOLLOW_UP, FOLLOW)
        teachers = make_teachers(self.school, "p", 10)
        observe(base, self.school, teachers, self.oscar, seed=5)
        observe(follow, self.school, teachers[:9], self.oscar, seed=6)
        staff = school_dashboard(user=self.alice, school=self.school, round=follow)
        for change in staff.changes:
            if change.hidden is None:
                self.assertNotEqual(change.method, "paired", change.dimension.code)
        lead = school_dashboard(user=self.pia, school=self.school, round=follow)
        self.assertTrue(all(c.method == "paired" for c in lead.changes))

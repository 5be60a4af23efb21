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

from .test_dashboards import BASE


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

    def export(self, **query: str) -> dict[str, tuple[int, int] | None]:
        url = reverse("dashboards:school_export", args=[self.school.pk, "csv"])
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

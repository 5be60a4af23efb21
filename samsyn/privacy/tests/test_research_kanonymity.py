"""Attack (issue 19, finding 5): research exports re-identify through the grade.

Subjects were generalised, grades were not: at one school most school × subject × grade cells
held a single teacher. The researcher downloads the file over HTTP; k is computed on the file
itself over every released quasi-identifier.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import Membership, Role
from samsyn.analysis.kanonymity import k_anonymise, k_of
from samsyn.privacy import research, services
from samsyn.privacy.tests.helpers import make_observation, make_plain_round, make_teachers
from samsyn.test import BaseTestCase, make_user

K = 5
QUASI = ["school", "round", "subject", "grade", "observer", "observed_month"]


@override_settings(SAMSYN_MIN_GROUP=K)
class ResearchKAnonymityTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_plain_round(cls)
        cls.other_observer = make_user("ola", "Ola Observer")
        Membership.objects.create(
            user=cls.other_observer, organisation=cls.school, role=Role.OBSERVER
        )
        # 6 maths teachers in grade 7; 6 more each alone in a grade; 5 in Biologi/Fysik/Kemi
        # grades 8-9; 2 teachers of Swedish.
        plan = [("Matematik", "7")] * 6
        plan += [("Matematik", g) for g in ("1", "2", "4", "5", "8", "9")]
        plan += [("Biologi", "8"), ("Fysik", "9"), ("Kemi", "8"), ("Biologi", "9"), ("Fysik", "8")]
        plan += [("Svenska", "3"), ("Svenska", "6")]
        teachers = make_teachers(cls.school, len(plan), "t")
        for i, (teacher, (subject, grade)) in enumerate(zip(teachers, plan, strict=True)):
            make_observation(
                cls.round,
                teacher=teacher,
                observer=cls.oscar if i % 3 else cls.other_observer,
                school=cls.school,
                subject=subject,
                grade=grade,
                observed_on=dt.date(2026, 2 + i % 3, 1),
            )

    def download(self) -> tuple[list[str], list[dict]]:
        export = services.research_request_create(
            researcher=self.rita,
            owner=self.owner,
            project="Studie",
            purpose="Analys",
            rounds=[self.round],
            schools=[self.school],
            fields=["subject", "grade", "observer", "observed_month"],
            notes_requested=False,
        )
        services.research_review(export=export, actor=self.olle, approve=True)
        self.login(self.rita)
        response = self.client.get(reverse("privacy:research_download", args=[export.pk, "csv"]))
        self.assertEqual(response.status_code, 200)
        reader = csv.DictReader(io.StringIO(response.content.decode()))
        return list(reader.fieldnames or []), list(reader)

    def test_the_file_is_k_anonymous_over_every_quasi_identifier(self) -> None:
        columns, rows = self.download()
        for column in QUASI:
            self.assertIn(column, columns)
        self.assertTrue(rows)
        k = k_of(rows, person="teacher", quasi=QUASI)
        self.assertGreaterEqual(k, K, f"a combination of released values holds {k} teacher(s)")
        # and it still says something: most teachers are in the file, grades where they can be
        self.assertGreaterEqual(len({r["teacher"] for r in rows}), 15)
        self.assertIn("79", {r["grade"] for r in rows})  # NO in 8 and 9: five teachers
        self.assertIn("NO", {r["subject"] for r in rows})

    def test_parquet_holds_the_same_rows(self) -> None:
        import pyarrow.parquet as pq

        export = services.research_request_create(
            researcher=self.rita,
            owner=self.owner,
            project="P",
            purpose="x",
            rounds=[self.round],
            schools=[self.school],
            fields=["group_size", "minutes_observed", "grade"],
            notes_requested=False,
        )
        services.research_review(export=export, actor=self.olle, approve=True)
        columns, rows, _stats = research.build_rows(export)
        table = pq.read_table(io.BytesIO(research.to_parquet(columns, rows)))
        self.assertEqual(table.num_rows, len(rows))
        quasi = research.quasi_identifiers(columns)
        self.assertGreaterEqual(k_of(table.to_pylist(), person="teacher", quasi=quasi), K)


def test_k_anonymise_generalises_before_it_drops_and_keeps_large_classes() -> None:
    ladders = {"grade": [lambda g: "low" if int(g) < 5 else "high", lambda g: "*"]}
    rows = [{"p": i, "grade": "7"} for i in range(5)]
    rows += [{"p": 10 + i, "grade": str(g)} for i, g in enumerate([1, 2, 3, 4, 8])]
    out = k_anonymise(rows, person="p", quasi=["grade"], ladders=ladders, k=5)
    assert k_of(out.rows, person="p", quasi=["grade"]) >= 5
    grades = sorted(r["grade"] for r in out.rows)
    # grade 8 alone joins grade 7 as "high"; 1-4 become "low" (4 teachers) and then "*"
    assert out.dropped == 0
    assert "low" not in grades
    assert len(out.rows) == 10


def test_k_anonymise_drops_what_cannot_be_generalised() -> None:
    rows = [{"p": i, "school": "A"} for i in range(5)] + [{"p": 9, "school": "B"}]
    out = k_anonymise(rows, person="p", quasi=["school"], ladders={}, k=5, partition="school")
    assert out.dropped == 1 and {r["school"] for r in out.rows} == {"A"}

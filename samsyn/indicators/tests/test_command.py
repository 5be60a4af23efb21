"""`manage.py indicators`: reference data, import (all or none), export in both formats."""

from __future__ import annotations

import csv
import io
import json

from django.core.management import CommandError, call_command
from django.utils import translation

from samsyn.indicators.models import Municipality, MunicipalityGroup, StatValue
from samsyn.indicators.tests.helpers import PER_YEAR_CSV, TWO_ROW_CSV, kolada_dir
from samsyn.test import BaseTestCase


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


class CommandTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        translation.activate("en")

    def write(self, name: str, text: str):
        path = self.tmp / name
        path.write_bytes(text.encode())
        return str(path)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import tempfile
        from pathlib import Path

        cls._tmp = tempfile.TemporaryDirectory()
        cls.tmp = Path(cls._tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()
        super().tearDownClass()

    def test_it_imports_and_exports_csv_and_json(self):
        out = run("import", self.write("g6.csv", PER_YEAR_CSV), self.write("np.csv", TWO_ROW_CSV))
        self.assertIn("g6.csv: 8 added, 0 changed, 0 unchanged", out)
        self.assertIn("np.csv: 6 added", out)
        self.assertIn(
            "g6.csv: 0 added, 0 changed, 8 unchanged", run("import", str(self.tmp / "g6.csv"))
        )

        rows = list(csv.DictReader(io.StringIO(run("export", "--municipality", "1440"))))
        self.assertEqual(
            list(rows[0])[:7],
            [
                "municipality_code",
                "owner_type",
                "measure",
                "school_year",
                "year",
                "value",
                "status",
            ],
        )
        by_key = {(r["owner_type"], r["measure"], r["subject"], r["group"]): r for r in rows}
        self.assertEqual(by_key[("Samtliga", "Antal elever", "", "")]["value"], "4102")
        self.assertEqual(by_key[("Samtliga", "Andel (%) godkänt", "", "")]["value"], "74.9")
        marker = by_key[("Enskild", "Andel (%) godkänt", "", "")]
        self.assertEqual((marker["value"], marker["status"], marker["year"]), ("", "~100", "2024"))
        self.assertEqual(marker["school_year"], "2023/24")
        self.assertTrue(all(r["municipality_code"] == "1440" for r in rows))
        self.assertEqual(len(rows), 4 + 6)

        data = json.loads(run("export", "--format", "json"))
        self.assertEqual(len(data), StatValue.objects.count())

    def test_a_refused_file_imports_nothing(self):
        good = self.write("good.csv", PER_YEAR_CSV)
        bad = self.write("bad.csv", "Statistik från Skolverket\n\nRapport\n\nKommun;X\n")
        with self.assertRaisesMessage(CommandError, "Nothing was imported. bad.csv, line 5"):
            run("import", good, bad)
        self.assertFalse(StatValue.objects.exists())

    def test_reference_data_loads_or_is_skipped_with_a_reason(self):
        out = run("reference", "--shared", str(self.tmp / "nowhere"))
        self.assertIn("Skipped: no Kolada metadata", out)
        if not (kolada_dir() / "municipalities.csv").exists():
            self.skipTest("shared Kolada metadata absent")
        out = run("reference")
        self.assertIn("municipalities.csv: 312 added or changed.", out)  # 290 + 21 regions + Riket
        self.assertEqual(Municipality.objects.get(code="1384").name, "Kungsbacka")
        self.assertEqual(Municipality.objects.get(code="1384").county_code, "13")
        self.assertIn("1384", MunicipalityGroup.objects.get(kolada_id="G33622").members)
        self.assertIn("municipalities.csv: 0 added or changed.", run("reference"))

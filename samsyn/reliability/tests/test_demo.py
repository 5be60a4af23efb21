"""The demo shows certified and uncertified observers, severity and profile reliability."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.test import TestCase, override_settings

from samsyn.accounts.models import User
from samsyn.demo.services import DEMO_DOMAIN, demo_load
from samsyn.observations.models import Round
from samsyn.reliability import certification, profiles, severity


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data_dir = Path(tempfile.mkdtemp())
        cls.addClassCleanup(shutil.rmtree, cls.data_dir, True)
        with override_settings(DATA_DIR=cls.data_dir), cls.captureOnCommitCallbacks(execute=True):
            assert demo_load()

    def test_certified_and_uncertified_observers(self):
        oskar = User.objects.get(email=f"observator@{DEMO_DOMAIN}")
        coach = User.objects.get(email=f"coach.sjovik@{DEMO_DOMAIN}")
        self.assertEqual(len(certification.bank_exercises(oskar)), 12)
        self.assertIn(certification.status(oskar).state, ("certified", "recertify"))
        self.assertEqual(certification.status(coach).state, "failed")

    def test_severity_and_profile_reliability_are_there(self):
        rounds = Round.objects.filter(is_peer=False, status=Round.Status.CLOSED)
        fitted = [r for r in rounds if not severity.compute(r).error]
        self.assertTrue(fitted, "no closed demo round gives observer severities")
        teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
        self.assertTrue(profiles.for_teacher(teacher))

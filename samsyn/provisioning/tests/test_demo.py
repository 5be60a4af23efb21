"""The demo's municipality onboarded from SS 12000, ready for a first round."""

from __future__ import annotations

from django.test import TestCase

from samsyn.accounts.models import Membership, Organisation, Role
from samsyn.demo.services import DemoWorld
from samsyn.provisioning.demo import NORRVIK, SCHOOLS, provisioning_demo
from samsyn.provisioning.models import ImportRun
from samsyn.triads.models import TeacherDetails


class DemoStepTests(TestCase):
    def test_norrvik_is_onboarded_with_a_dry_run_waiting(self):
        region = Organisation.objects.create(kind="region", name="Demo")
        network = Organisation.objects.create(kind="network", name="N", parent=region)
        world = DemoWorld(region=region, network=network)
        provisioning_demo(world)
        owner = Organisation.objects.get(name=NORRVIK)
        schools = Organisation.objects.filter(parent=owner)
        self.assertEqual(sorted(schools.values_list("name", flat=True)), sorted(SCHOOLS))
        self.assertTrue(all(len(s.unit_code) == 8 for s in schools))
        roles = Membership.objects.filter(organisation__in=schools)
        self.assertEqual(roles.filter(role=Role.PRINCIPAL).count(), 3)
        self.assertEqual(roles.filter(role=Role.TEACHER).count(), 42)
        self.assertEqual(TeacherDetails.objects.filter(school__in=schools).count(), 42)
        saved, waiting = (
            ImportRun.objects.filter(owner=owner, status=s).get()
            for s in (ImportRun.Status.DONE, ImportRun.Status.PREVIEW)
        )
        self.assertEqual(saved.summary["people_new"], 45)
        self.assertEqual(waiting.summary["duties_ended"], 1)
        self.assertEqual(waiting.summary["people_new"], 1)
        self.assertEqual(waiting.summary["roles_ended"], 1)

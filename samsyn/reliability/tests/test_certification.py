"""Certification against the vignette bank, and the request to re-certify on drift."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import Membership, Role
from samsyn.observations import services
from samsyn.observations.models import Observation
from samsyn.observations.tests.factories import default_version, make_round
from samsyn.reliability import certification
from samsyn.reliability.demo import answer_bank
from samsyn.reliability.models import Certification
from samsyn.test import BaseTestCase, make_user


class BankTests(BaseTestCase):
    def test_the_bank_covers_every_dimension_and_step_of_the_open_framework(self):
        bank = certification.load_bank()
        self.assertGreaterEqual(len(bank["vignettes"]), 12)
        version = default_version()
        wanted = {(d.order, s.order) for d in version.dimensions.all() for s in d.steps.all()}
        seen = {(int(dim), step) for v in bank["vignettes"] for dim, step in v["reference"].items()}
        self.assertEqual(wanted - seen, set())
        for v in bank["vignettes"]:
            self.assertEqual(len(v["reference"]), version.dimensions.count(), v["key"])

    def test_no_sentence_is_copied_from_the_shared_seeds(self):
        seeds = Path(settings.SAMSYN_SHARED_DIR) / "seeds"
        if not seeds.is_dir():
            self.skipTest(f"{seeds} is not here")
        corpus = " ".join(
            p.read_text(encoding="utf-8", errors="ignore")
            for p in seeds.rglob("*")
            if p.is_file() and p.stat().st_size < 5_000_000
        )
        for v in certification.load_bank()["vignettes"]:
            for sentence in v["lesson_description"].replace("\n", " ").split(". "):
                if len(sentence) > 40:
                    self.assertNotIn(sentence.strip(), corpus)

    def test_install_is_once_per_organisation(self):
        made = certification.bank_install(
            actor=self.pia, organisation=self.school, framework_version=default_version()
        )
        self.assertEqual(len(made), 12)
        again = certification.bank_install(
            actor=self.pia, organisation=self.school, framework_version=default_version()
        )
        self.assertEqual(again, [])
        self.assertEqual(len(certification.bank_exercises(self.oscar)), 12)


class CertificationTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        certification.bank_install(
            actor=self.pia, organisation=self.school, framework_version=default_version()
        )

    def test_it_refuses_to_certify_before_every_vignette_is_answered(self):
        with self.assertRaises(certification.CertificationError):
            certification.certify(observer=self.oscar)

    def test_agreeing_with_the_reference_certifies(self):
        answer_bank(self.oscar)
        result = certification.certify(observer=self.oscar)
        self.assertTrue(result.passed)
        self.assertEqual((result.exact, result.within_one, result.n), (1.0, 1.0, 120))
        self.assertEqual(certification.status(self.oscar).state, "certified")

    def test_one_step_off_everywhere_fails_on_exact_and_shows_where(self):
        answer_bank(self.oscar, shift=1)
        s = certification.score(self.oscar)
        self.assertEqual(s.within_one, 1.0)
        self.assertLess(s.exact, 0.6)  # only where the reference is already the top step
        result = certification.certify(observer=self.oscar)
        self.assertFalse(result.passed)
        self.client.force_login(self.oscar)
        page = self.client.get(reverse("reliability:certification"))
        self.assertContains(page, 'id="differences"')
        self.assertContains(page, "inte certifierad")

    @override_settings(SAMSYN_CERTIFY_EXACT=0.0)
    def test_the_thresholds_are_settings(self):
        answer_bank(self.oscar, shift=1)
        self.assertTrue(certification.certify(observer=self.oscar).passed)

    def test_the_certify_button(self):
        answer_bank(self.oscar)
        self.client.force_login(self.oscar)
        response = self.client.post(reverse("reliability:certification_certify"))
        self.assertRedirects(response, reverse("reliability:certification"))
        self.assertTrue(Certification.objects.get(observer=self.oscar).passed)
        english = self.client.get("/en" + reverse("reliability:certification"))
        self.assertIn(english.status_code, (200, 302))

    def test_drifting_double_observations_ask_for_re_certification(self):
        answer_bank(self.oscar)
        certification.certify(observer=self.oscar)
        partner = make_user("o2", "Second Observer")
        Membership.objects.create(user=partner, organisation=self.school, role=Role.OBSERVER)
        round_ = make_round(self, observers=[self.oscar, partner], target_lessons=1)
        version = default_version()
        dims = list(version.dimensions.prefetch_related("steps"))
        visit = round_.assignments.first()
        for who, order in ((self.oscar, 1), (partner, 4)):  # three steps apart everywhere
            ratings = [{"dimension_id": d.pk, "step_id": d.steps.get(order=order).pk} for d in dims]
            result = services.observation_save(
                actor=self.oscar,
                uuid=uuid.uuid4(),
                data={"assignment_id": visit.pk, "ratings": ratings},
                base_revision=0,
            )
            services.observation_submit(actor=self.oscar, observation=result.observation)
            Observation.objects.filter(pk=result.observation.pk).update(
                observer=who, observed_on=dt.date(2026, 11, 10), subject="Matematik"
            )
        state = certification.status(self.oscar)
        self.assertEqual(state.state, "recertify")
        self.assertEqual(state.drift[0]["n"], 10)
        self.assertEqual(state.drift[0]["within_one"], 0.0)
        self.client.force_login(self.oscar)
        self.assertContains(self.client.get(reverse("reliability:certification")), 'id="recertify"')

"""Attacks on the public progress pages (issue 25): nothing readable before approval or after
withdrawal, and no small group worked out by subtracting two published pages.

The subtraction world: the owner's schools A, B and D with eight teachers each and school C
with three, all observed in the owner's baseline and follow-up rounds; the network has A, B and
D as members. The owner's page and the network's page may both take the owner's two rounds:
the owner's figures would be over A, B, C and D (27 teachers), the network's over A, B and D (24),
so their difference would be school C's three teachers.
"""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import NetworkMembership, Organisation
from samsyn.dashboards.tests.world import make_round, make_teachers, observe
from samsyn.observations.models import Round
from samsyn.public import services
from samsyn.public.tests import world
from samsyn.test import BaseTestCase


def public_url(slug: str, language: str = "sv") -> str:
    return ("/en" if language == "en" else "") + f"/progress/{slug}/"


def _shown(page, language: str = "en") -> dict:
    """dimension → (before, after) as the public page shows them."""
    teaching = page.snapshot[language]["teaching"] or {}
    return {
        c["dimension"]: (c["before"], c["after"])
        for c in teaching.get("changes", [])
        if "hidden" not in c
    }


@override_settings(SAMSYN_MIN_GROUP=5)
class CrossPageSubtractionTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        world.second_managers(cls)
        cls.school_c = Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, name="Skola C", parent=cls.owner
        )
        cls.school_d = Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, name="Skola D", parent=cls.owner
        )
        for school in (cls.school_b, cls.school_d):
            NetworkMembership.objects.create(network=cls.network, school=school)
        schools = [cls.school, cls.school_b, cls.school_c, cls.school_d]
        cls.baseline = make_round(cls.owner, schools, "Höst", Round.Kind.BASELINE, world.BASE)
        cls.follow = make_round(cls.owner, schools, "Vår", Round.Kind.FOLLOW_UP, world.FOLLOW)
        for k, (school, n) in enumerate(zip(schools, (8, 8, 3, 8), strict=True)):
            people = make_teachers(school, f"x{k}t", n)

            def shifted(func, k=k):
                return lambda t, order, lesson: func(t + 2 * k, order, lesson)

            observe(cls.baseline, school, people, cls.oscar, step_for=shifted(world.before))
            observe(cls.follow, school, people, cls.oscar, step_for=shifted(world.after))

    def _network_page(self):
        page = services.page_create(organisation=self.network, actor=self.nils, slug="natet")
        services.page_update(
            page=page,
            actor=self.nils,
            enabled=True,
            indicator_codes=[],
            baseline_round=self.baseline,
            latest_round=self.follow,
            intro_sv="",
            intro_en="",
        )
        services.page_submit(page=page, actor=self.nils)
        return services.page_approve(page=page, actor=self.nina)

    def _both(self, network_first: bool = False):
        if network_first:
            network = self._network_page()
            return world.published(self, self.baseline, self.follow), network
        owner = world.published(self, self.baseline, self.follow)
        return owner, self._network_page()

    def _teachers(self, page) -> int | None:
        return page.snapshot["en"]["teaching"].get("baseline", {}).get("teachers")

    def test_two_published_pages_do_not_give_away_a_small_school(self):
        """Found nothing: the owner's total holds school C's three teachers as a group of
        their own (an atom of the dashboards' guard: no other obtainable view holds them), so
        the owner's page shows no teaching figure at all; the network's page shows its own."""
        for network_first in (False, True):
            with self.subTest(network_first=network_first):
                owner, network = self._both(network_first)
                self.assertTrue(_shown(network))
                self.assertEqual(self._teachers(network), 24)
                self.assertEqual(set(_shown(owner)) & set(_shown(network)), set())
                owner.delete()
                network.delete()

    def test_pages_differing_by_enough_teachers_both_keep_their_figures(self):
        """With three more teachers at school C (six), both pages show the same dimensions:
        their difference rests on six teachers."""
        more = make_teachers(self.school_c, "xc", 3)
        for round_, func in ((self.baseline, world.before), (self.follow, world.after)):
            observe(round_, self.school_c, more, self.oscar, step_for=func, seed=7)
        owner, network = self._both()
        self.assertEqual((self._teachers(owner), self._teachers(network)), (30, 24))
        self.assertTrue(_shown(owner))
        self.assertEqual(set(_shown(owner)), set(_shown(network)))


class NothingBeforeApprovalOrAfterWithdrawalTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        world.second_managers(self)
        self.baseline, self.follow = world.rounds(self)

    def test_a_draft_and_its_preview_are_not_readable_without_the_right(self):
        page = world.page(self, self.baseline, self.follow)
        services.page_submit(page=page, actor=self.olle)
        urls = [reverse(name, args=[page.pk]) for name in ("public:edit", "public:preview")]
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("accounts:login"), response["Location"])
        for user, status in ((self.alice, 403), (self.pia, 403), (self.charlie, 404)):
            self.login(user)
            for url in urls:
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, status)
        self.client.logout()
        for language in ("sv", "en"):
            self.assertEqual(self.client.get(public_url(page.slug, language)).status_code, 404)

    def test_a_withdrawn_page_is_gone_in_both_languages_and_to_a_cache(self):
        page = world.published(self, self.baseline, self.follow)
        tags = {lang: self.client.get(public_url(page.slug, lang))["ETag"] for lang in ("sv", "en")}
        services.page_withdraw(page=page, actor=self.ove)
        for language, tag in tags.items():
            response = self.client.get(
                public_url(page.slug, language), headers={"if-none-match": tag}
            )
            self.assertEqual(response.status_code, 410)
            self.assertNotIn("ETag", response)
            self.assertNotContains(response, "Så går det för oss", status_code=410)
            self.assertNotContains(response, "How we are doing", status_code=410)
        # Edited and submitted again, it stays gone until a second person approves it.
        services.page_update(
            page=page,
            actor=self.olle,
            enabled=True,
            indicator_codes=[],
            baseline_round=self.baseline,
            latest_round=self.follow,
            intro_sv="Ny text",
            intro_en="New text",
        )
        services.page_submit(page=page, actor=self.olle)
        self.assertEqual(self.client.get(public_url(page.slug)).status_code, 410)
        page.refresh_from_db()
        self.assertEqual(page.snapshot, {})

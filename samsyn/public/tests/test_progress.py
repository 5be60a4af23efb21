"""Progress pages: the workflow, the frozen snapshot, the public view and its suppression."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from samsyn.indicators import services as indicator_services
from samsyn.indicators.models import ImportBatch, Indicator, StatValue
from samsyn.public import services
from samsyn.public.models import ProgressPage
from samsyn.public.tests import world
from samsyn.test import BaseTestCase


def public_url(slug: str, language: str = "sv") -> str:
    with translation.override(language):
        return reverse("public:page", args=[slug])


class WorkflowTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        world.second_managers(self)
        self.baseline, self.follow = world.rounds(self)

    def test_a_new_page_is_off_and_a_draft(self):
        page = services.page_create(organisation=self.owner, actor=self.olle, slug="kommunen")
        self.assertFalse(page.enabled)
        self.assertEqual(page.state, ProgressPage.State.DRAFT)
        self.assertEqual(self.client.get(public_url("kommunen")).status_code, 404)

    def test_only_owners_and_networks_have_pages(self):
        with self.assertRaisesMessage(ValidationError, services.errors()["kind"]):
            services.page_create(organisation=self.school, actor=self.adam, slug="skolan")

    def test_a_school_principal_cannot_create_a_page(self):
        with self.assertRaises(PermissionDenied):
            services.page_create(organisation=self.owner, actor=self.pia, slug="x")

    def test_reserved_addresses_are_refused(self):
        with self.assertRaisesMessage(ValidationError, services.errors()["reserved"]):
            services.page_create(organisation=self.owner, actor=self.olle, slug="manage")

    def test_the_submitter_cannot_approve(self):
        page = world.page(self, self.baseline, self.follow)
        services.page_submit(page=page, actor=self.olle)
        with self.assertRaisesMessage(ValidationError, services.errors()["own"]):
            services.page_approve(page=page, actor=self.olle)
        page.refresh_from_db()
        self.assertEqual(page.state, ProgressPage.State.SUBMITTED)
        self.assertEqual(page.snapshot, {})

    def test_a_page_turned_off_cannot_be_approved(self):
        page = world.page(self, self.baseline, self.follow, enabled=False)
        services.page_submit(page=page, actor=self.olle)
        with self.assertRaisesMessage(ValidationError, services.errors()["not_enabled"]):
            services.page_approve(page=page, actor=self.ove)

    def test_approval_records_who_and_when_and_freezes_both_languages(self):
        page = world.published(self, self.baseline, self.follow)
        self.assertEqual(page.state, ProgressPage.State.PUBLISHED)
        self.assertEqual((page.submitted_by, page.approved_by), (self.olle, self.ove))
        self.assertIsNotNone(page.approved_at)
        self.assertEqual(page.snapshot["sv"]["intro"], "Så går det för oss.")
        self.assertEqual(page.snapshot["en"]["intro"], "How we are doing.")
        changes = page.snapshot["en"]["teaching"]["changes"]
        self.assertTrue(any("change" in c for c in changes), changes)

    def test_the_public_sees_the_snapshot_not_live_data(self):
        page = world.published(self, self.baseline, self.follow)
        frozen = page.snapshot["en"]["teaching"]["latest"]["teachers"]
        self.assertEqual(frozen, 24)
        # More teachers are observed after approval: the public page does not change.
        from samsyn.dashboards.tests.world import make_teachers, observe

        observe(self.follow, self.school, make_teachers(self.school, "late", 6), self.oscar)
        response = self.client.get(public_url(page.slug, "en"))
        self.assertContains(response, "<td>24</td>", html=False)
        self.assertNotContains(response, "<td>30</td>", html=False)

    def test_editing_a_published_page_is_refused(self):
        page = world.published(self, self.baseline, self.follow)
        with self.assertRaisesMessage(ValidationError, services.errors()["published"]):
            services.page_update(
                page=page,
                actor=self.olle,
                enabled=True,
                indicator_codes=[],
                baseline_round=None,
                latest_round=None,
                intro_sv="",
                intro_en="",
            )

    def test_withdrawal_takes_it_offline_with_410_and_no_content(self):
        page = world.published(self, self.baseline, self.follow)
        self.assertEqual(self.client.get(public_url(page.slug)).status_code, 200)
        services.page_withdraw(page=page, actor=self.olle)
        for language in ("sv", "en"):
            response = self.client.get(public_url(page.slug, language))
            self.assertEqual(response.status_code, 410)
            self.assertNotContains(response, "Så går det för oss", status_code=410)
            self.assertNotContains(response, "How we are doing", status_code=410)
            self.assertEqual(response["X-Robots-Tag"], "noindex")
        page.refresh_from_db()
        self.assertEqual(page.snapshot, {})
        self.assertEqual(page.withdrawn_by, self.olle)


class PublicViewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        world.second_managers(self)
        self.baseline, self.follow = world.rounds(self)

    def test_anonymous_reads_it_in_swedish_and_english_without_a_session(self):
        page = world.published(self, self.baseline, self.follow)
        sv = self.client.get(public_url(page.slug, "sv"))
        en = self.client.get(public_url(page.slug, "en"))
        self.assertContains(sv, '<html lang="sv">')
        self.assertContains(sv, "Vad sidan kan och inte kan visa")
        self.assertContains(en, '<html lang="en">')
        self.assertContains(en, "What this page can and cannot show")
        self.assertContains(en, "How we are doing.")
        for response in (sv, en):
            self.assertIn("public", response["Cache-Control"])
            self.assertNotIn("sessionid", response.cookies)
            self.assertNotIn("csrftoken", response.cookies)
            self.assertContains(response, '<meta name="robots" content="index, follow">')

    def test_drafts_and_submitted_pages_are_not_found(self):
        page = world.page(self, self.baseline, self.follow)
        self.assertEqual(self.client.get(public_url(page.slug)).status_code, 404)
        services.page_submit(page=page, actor=self.olle)
        self.assertEqual(self.client.get(public_url(page.slug)).status_code, 404)
        self.assertEqual(self.client.get(public_url("no-such-page")).status_code, 404)

    def test_no_school_or_teacher_name_appears(self):
        page = world.published(self, self.baseline, self.follow)
        body = self.client.get(public_url(page.slug, "en")).content.decode()
        for name in ("Skola A", "Skola B", "Skola C", "s0n8t 0", "s1n8t 1", "Alice"):
            self.assertNotIn(name, body)

    def test_indicators_show_source_and_import_date(self):
        indicator_services.catalogue_ensure()
        indicator = next(
            i for i in Indicator.objects.filter(owner=None) if i.kolada and i.kolada[0].get("all")
        )
        kpi = indicator.kolada[0]["all"]
        self.owner.municipality_code = "9999"
        self.owner.save()
        batch = ImportBatch.objects.create(source="kolada", name="test")
        for year, value in ((2022, 60.5), (2023, 63.0)):
            StatValue.objects.create(
                source="kolada",
                measure=kpi,
                group="T",
                municipality_code="9999",
                owner_type="all",
                year=year,
                value=value,
                batch=batch,
            )
        page = world.page(self, self.baseline, self.follow)
        page.indicator_codes = [indicator.code]
        page.save()
        services.page_submit(page=page, actor=self.olle)
        services.page_approve(page=page, actor=self.ove)
        response = self.client.get(public_url(page.slug, "en"))
        self.assertContains(response, indicator.name_en)
        self.assertContains(response, "Source: Kolada")
        self.assertContains(response, "63.0")
        self.assertContains(response, "From 2022 to 2023: 60.5 → 63.0.")
        self.assertContains(response, f"imported {timezone.localdate(batch.at).isoformat()}")


def _teaching_numbers(snapshot: dict) -> list[tuple[str, int]]:
    """Every teaching figure on the page with the smallest group of teachers behind it."""
    out = []
    for language in ("sv", "en"):
        teaching = snapshot[language]["teaching"] or {}
        for c in teaching.get("changes", []):
            if "hidden" not in c:
                out.append((c["dimension"], c["n_teachers"]))
        for key in ("baseline", "latest"):
            row = teaching.get(key) or {}
            if row.get("teachers") is not None:
                out.append((key, row["teachers"]))
    return out


@override_settings(SAMSYN_MIN_GROUP=5)
class SmallCellAttackTests(BaseTestCase):
    """No number on the public page rests on fewer than SAMSYN_MIN_GROUP teachers."""

    def setUp(self) -> None:
        super().setUp()
        world.second_managers(self)

    def test_a_dimension_rated_by_few_different_teachers_in_each_round_is_hidden(self):
        # Dimension 3 was rated for 4 teachers in the baseline and 4 others in the follow-up
        # (`t` is shifted by two per school): none paired, 8 in all, so the dashboard's own
        # change counts 8. The other dimensions rest on 24 teachers.
        def before(t, order, lesson):
            return None if order == 3 and t > 2 else world.before(t, order, lesson)

        def after(t, order, lesson):
            return None if order == 3 and t not in (9, 10, 11) else world.after(t, order, lesson)

        baseline, follow = world.rounds(self, step_before=before, step_after=after)
        page = world.published(self, baseline, follow)
        numbers = _teaching_numbers(page.snapshot)
        self.assertTrue(numbers)
        for label, n in numbers:
            self.assertGreaterEqual(n, settings.SAMSYN_MIN_GROUP, label)
        en = {c["dimension"]: c for c in page.snapshot["en"]["teaching"]["changes"]}
        hidden = [name for name, c in en.items() if "hidden" in c]
        self.assertEqual(len(hidden), 1, en)
        body = self.client.get(public_url(page.slug, "en")).content.decode()
        name = re.escape(escape(hidden[0]))
        row = re.search(rf"<th scope=\"row\">{name}</th>(.*?)</tr>", body, re.S)
        self.assertIsNotNone(row)
        self.assertNotRegex(row.group(1), r"\d\.\d")

    def test_an_area_of_three_teachers_shows_no_teaching_figure(self):
        baseline, follow = world.rounds(self, per_school=1)
        page = world.published(self, baseline, follow)
        self.assertEqual(_teaching_numbers(page.snapshot), [])
        body = self.client.get(public_url(page.slug, "en")).content.decode()
        teaching = body.split('id="teaching-heading"')[1].split('id="indicators-heading"')[0]
        self.assertNotRegex(teaching, r"\d\.\d\d")


class ManagerViewTests(BaseTestCase):
    """Over HTTP: the network's coordinators manage its page; self-approval is refused."""

    def setUp(self) -> None:
        super().setUp()
        world.second_managers(self)
        self.page = services.page_create(organisation=self.network, actor=self.nina, slug="natet")

    def test_network_pages_belong_to_its_coordinators(self):
        url = reverse("public:manage", args=[self.network.pk])
        for user, status in (
            (self.nina, 200),
            (self.nils, 200),
            (self.olle, 404),
            (self.rita, 403),
        ):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, status, user)

    def test_self_approval_over_http_is_refused(self):
        self.login(self.nina)
        edit = reverse("public:edit", args=[self.page.pk])
        response = self.client.post(
            edit,
            {
                "enabled": "on",
                "indicator_codes": ["grade9-merit"],
                "intro_sv": "Hej",
                "intro_en": "Hi",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.client.post(reverse("public:submit", args=[self.page.pk]))
        self.page.refresh_from_db()
        self.assertEqual(self.page.state, ProgressPage.State.SUBMITTED)
        # The attack: the submitter posts the approval herself.
        response = self.client.post(reverse("public:approve", args=[self.page.pk]), follow=True)
        self.assertContains(response, services.errors()["own"])
        self.page.refresh_from_db()
        self.assertEqual(self.page.state, ProgressPage.State.SUBMITTED)
        self.assertIsNone(self.page.approved_by)
        self.assertEqual(self.client.get(public_url("natet")).status_code, 404)
        # A second coordinator approves; the page is public.
        self.login(self.nils)
        self.client.post(reverse("public:approve", args=[self.page.pk]))
        self.page.refresh_from_db()
        self.assertEqual((self.page.state, self.page.approved_by), ("published", self.nils))
        self.client.logout()
        self.assertEqual(self.client.get(public_url("natet", "en")).status_code, 200)

    def test_an_outsider_cannot_approve_or_withdraw(self):
        services.page_update(
            page=self.page,
            actor=self.nina,
            enabled=True,
            indicator_codes=["grade9-merit"],
            baseline_round=None,
            latest_round=None,
            intro_sv="",
            intro_en="",
        )
        services.page_submit(page=self.page, actor=self.nina)
        for user, status in ((self.charlie, 404), (self.olle, 404), (self.alice, 403)):
            self.login(user)
            response = self.client.post(reverse("public:approve", args=[self.page.pk]))
            self.assertEqual(response.status_code, status, user)
        self.page.refresh_from_db()
        self.assertEqual(self.page.state, ProgressPage.State.SUBMITTED)


class CacheTests(BaseTestCase):
    def test_caches_ask_again_so_a_withdrawal_is_seen_at_once(self):
        world.second_managers(self)
        baseline, follow = world.rounds(self, per_school=1)
        page = world.published(self, baseline, follow)
        url = public_url(page.slug, "en")
        first = self.client.get(url)
        self.assertEqual(first["Cache-Control"], "public, no-cache")
        again = self.client.get(url, headers={"if-none-match": first["ETag"]})
        self.assertEqual(again.status_code, 304)
        services.page_withdraw(page=page, actor=self.ove)
        gone = self.client.get(url, headers={"if-none-match": first["ETag"]})
        self.assertEqual(gone.status_code, 410)


class FigureTests(BaseTestCase):
    def test_the_figure_draws_only_shown_dimensions_from_the_snapshot(self):
        from samsyn.public.templatetags.progress_figures import change_figure

        changes = [
            {"dimension": "A & B", "change": 0.4, "ci_low": 0.1, "ci_high": 0.7, "direction": "up"},
            {"dimension": "Dold", "hidden": "Visas inte"},
        ]
        svg = str(change_figure(changes))
        self.assertIn("A &amp; B", svg)
        self.assertNotIn("Dold", svg)
        self.assertEqual(svg.count("<circle"), 1)
        self.assertEqual(str(change_figure([changes[1]])), "")


class HomeTests(BaseTestCase):
    def test_the_other_manager_is_asked_to_approve_on_the_home_page(self):
        world.second_managers(self)
        page = services.page_create(organisation=self.owner, actor=self.olle, slug="hem")
        services.page_update(
            page=page,
            actor=self.olle,
            enabled=True,
            indicator_codes=["grade9-merit"],
            baseline_round=None,
            latest_round=None,
            intro_sv="",
            intro_en="",
        )
        services.page_submit(page=page, actor=self.olle)
        edit = reverse("public:edit", args=[page.pk])
        self.login(self.ove)
        self.assertContains(self.client.get(reverse("home")), f'href="{edit}"')
        self.login(self.olle)
        home = self.client.get(reverse("home"))
        self.assertNotContains(home, f'href="{edit}"')
        self.assertContains(home, reverse("public:manage", args=[self.owner.pk]))
        self.login(self.alice)
        self.assertNotContains(self.client.get(reverse("home")), "/progress/")


class NetworkContentTests(BaseTestCase):
    def test_a_network_reads_the_statistics_of_its_member_schools_owners(self):
        from samsyn.accounts.models import NetworkMembership
        from samsyn.public import content

        self.owner.municipality_code = "1111"
        self.owner.save()
        self.other_owner.municipality_code = "2222"
        self.other_owner.save()
        NetworkMembership.objects.create(network=self.network, school=self.other_school)
        self.assertEqual(content.municipality_codes(self.network), ["1111", "2222"])
        self.assertEqual(content.municipality_codes(self.owner), ["1111"])

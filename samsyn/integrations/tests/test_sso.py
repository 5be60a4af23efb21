"""Single sign-on against the local OpenID Connect provider (tests/oidc_provider.py)."""

from __future__ import annotations

import urllib.parse

from django.core.cache import cache
from django.urls import reverse

from samsyn.accounts.models import AuditEvent, Membership, Role, Session, User
from samsyn.integrations import services
from samsyn.integrations.models import SsoIdentity, SsoProvider
from samsyn.integrations.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from samsyn.test import BaseTestCase


class SsoTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.idp = Provider().__enter__()
        self.addCleanup(self.idp.__exit__)
        self.provider = services.sso_provider_save(
            owner=self.owner,
            name="Testkommun-ID",
            issuer=self.idp.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            email_domains="ekbacka.example",
            is_active=True,
        )
        services.sso_rule_add(
            provider=self.provider,
            claim="groups",
            value="teachers",
            organisation=self.school,
            role=Role.TEACHER,
        )

    def start(self, **query):
        url = reverse("integrations:sso_login", args=[self.provider.pk])
        if query:
            url += "?" + urllib.parse.urlencode(query)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302)
        return response["Location"]

    def callback_url(self, authorize: str) -> str:
        import http.client

        parts = urllib.parse.urlsplit(authorize)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        conn.request("GET", f"{parts.path}?{parts.query}")
        answer = conn.getresponse()
        self.assertEqual(answer.status, 302)
        location = answer.getheader("Location")
        conn.close()
        return location

    def log_in(self, **query):
        location = self.callback_url(self.start(**query))
        parts = urllib.parse.urlsplit(location)
        return self.client.get(f"{parts.path}?{parts.query}")


class SsoLoginTests(SsoTestCase):
    def test_it_sends_pkce_state_and_nonce(self):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.start()).query))
        self.assertEqual(query["code_challenge_method"], "S256")
        self.assertEqual(query["response_type"], "code")
        self.assertIn("openid", query["scope"].split())
        self.assertGreater(len(query["state"]), 30)
        self.assertGreater(len(query["nonce"]), 30)
        self.assertTrue(query["redirect_uri"].endswith("/integrations/sso/callback/"))

    def test_it_creates_a_just_in_time_account_with_the_mapped_role(self):
        response = self.log_in()
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        user = User.objects.get(email="anna.berg@ekbacka.example")
        self.assertEqual(user.full_name, "Anna Berg")
        self.assertFalse(user.has_usable_password())
        self.assertEqual(
            list(Membership.objects.filter(user=user).values_list("organisation", "role")),
            [(self.school.pk, Role.TEACHER)],
        )
        self.assertTrue(SsoIdentity.objects.filter(user=user, subject="user-1").exists())
        # Logged in through the project's own path: a session row that knows its user.
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertTrue(Session.objects.filter(user=user).exists())
        self.assertTrue(AuditEvent.objects.filter(actor=user, object_type="sso_account").exists())
        home = self.client.get(reverse("home"))
        self.assertContains(home, "Skola A")
        # The token request carried the PKCE verifier.
        self.assertTrue(self.idp.token_requests[-1]["code_verifier"])

    def test_a_second_login_finds_the_same_account(self):
        self.log_in()
        self.client.logout()
        self.idp.user["email"] = "anna.changed@ekbacka.example"
        self.log_in()
        self.assertEqual(User.objects.filter(sso_identities__subject="user-1").count(), 1)
        self.assertEqual(User.objects.filter(email__startswith="anna").count(), 1)

    def test_roles_follow_claims_on_later_logins(self):
        services.sso_rule_add(
            provider=self.provider,
            claim="groups",
            value="principals",
            organisation=self.school_b,
            role=Role.PRINCIPAL,
        )
        self.log_in()
        self.client.logout()
        self.idp.user["groups"] = ["teachers", "principals"]
        self.log_in()
        user = User.objects.get(email="anna.berg@ekbacka.example")
        self.assertEqual(
            set(Membership.objects.filter(user=user).values_list("organisation", "role")),
            {(self.school.pk, Role.TEACHER), (self.school_b.pk, Role.PRINCIPAL)},
        )

    def test_no_matching_rule_means_no_account(self):
        self.idp.user["groups"] = ["cooks"]
        response = self.log_in()
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertFalse(User.objects.filter(email="anna.berg@ekbacka.example").exists())
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_foreign_domain_is_refused(self):
        self.idp.user["email"] = "anna@elsewhere.example"
        self.log_in()
        self.assertFalse(User.objects.filter(email="anna@elsewhere.example").exists())
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_an_unverified_email_is_refused(self):
        self.idp.user["email_verified"] = False
        self.log_in()
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_links_an_existing_account_of_this_owner_only(self):
        self.idp.user["email"] = "alice@ekbacka.example"
        alice = self.alice
        alice.email = "alice@ekbacka.example"
        alice.save()
        self.log_in()
        self.assertEqual(int(self.client.session["_auth_user_id"]), alice.pk)
        # Charlie belongs to another owner: his account is not taken over.
        self.client.logout()
        self.charlie.email = "charlie@ekbacka.example"
        self.charlie.save()
        self.idp.user.update(sub="user-2", email="charlie@ekbacka.example")
        self.log_in()
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_deactivated_account_cannot_log_in(self):
        self.log_in()
        self.client.logout()
        User.objects.filter(email="anna.berg@ekbacka.example").update(is_active=False)
        self.log_in()
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_callback_without_our_state_is_refused(self):
        authorize = self.start()
        location = self.callback_url(authorize)
        parts = urllib.parse.urlsplit(location)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query["state"] = "forged"
        response = self.client.get(f"{parts.path}?{urllib.parse.urlencode(query)}")
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_state_is_used_once(self):
        location = self.callback_url(self.start())
        parts = urllib.parse.urlsplit(location)
        self.client.get(f"{parts.path}?{parts.query}")
        self.client.logout()
        self.client.get(f"{parts.path}?{parts.query}")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_rejects_bad_id_tokens(self):
        for tamper in (
            {"aud": "someone-else"},
            {"iss": "http://127.0.0.1:1"},
            {"exp": 1_000_000_000},
            {"nonce": "replayed"},
            {"_sign_with_other_key": True},
        ):
            with self.subTest(tamper=tamper):
                self.client.logout()
                self.idp.tamper = tamper
                cache.clear()
                response = self.log_in()
                self.assertRedirects(
                    response, reverse("accounts:login"), fetch_redirect_response=False
                )
                self.assertNotIn("_auth_user_id", self.client.session)
        self.assertFalse(User.objects.filter(email="anna.berg@ekbacka.example").exists())

    def test_an_inactive_provider_is_not_offered(self):
        self.assertContains(self.client.get(reverse("accounts:login")), "Testkommun-ID")
        SsoProvider.objects.update(is_active=False)
        self.assertNotContains(self.client.get(reverse("accounts:login")), "Testkommun-ID")
        response = self.client.get(reverse("integrations:sso_login", args=[self.provider.pk]))
        self.assertEqual(response.status_code, 404)

    def test_the_chooser_finds_the_provider_by_domain(self):
        response = self.client.post(
            reverse("integrations:sso_choose"), {"email": "someone@EKBACKA.example"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["found"], self.provider)
        self.assertContains(response, reverse("integrations:sso_login", args=[self.provider.pk]))
        response = self.client.post(
            reverse("integrations:sso_choose"), {"email": "someone@other.example"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["email"])

    def test_an_unreachable_provider_says_so(self):
        SsoProvider.objects.update(issuer="http://127.0.0.1:9")
        response = self.client.get(reverse("integrations:sso_login", args=[self.provider.pk]))
        self.assertRedirects(
            response, reverse("integrations:sso_choose"), fetch_redirect_response=False
        )

    def test_the_login_page_passes_next_on(self):
        page = self.client.get(reverse("accounts:login") + "?next=/accounts/profile/")
        self.assertContains(
            page,
            reverse("integrations:sso_login", args=[self.provider.pk]) + "?next=/accounts/profile/",
        )

    def test_an_unsafe_next_is_dropped(self):
        response = self.log_in(next="https://evil.example/")
        self.assertEqual(response["Location"], "/")

    def test_next_is_kept_when_safe(self):
        response = self.log_in(next="/accounts/profile/")
        self.assertEqual(response["Location"], "/accounts/profile/")


class SsoSettingsTests(SsoTestCase):
    def test_the_owner_admin_configures_and_the_secret_is_never_shown(self):
        self.login(self.olle)
        url = reverse("integrations:sso_settings", args=[self.owner.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, CLIENT_SECRET)
        self.assertContains(page, "/integrations/sso/callback/")
        data = {
            "name": "Nytt namn",
            "issuer": self.idp.issuer,
            "client_id": CLIENT_ID,
            "client_secret": "",
            "email_domains": "ekbacka.example, @skola.ekbacka.example",
            "is_active": "on",
        }
        response = self.client.post(url, data)
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.provider.refresh_from_db()
        self.assertEqual(self.provider.client_secret, CLIENT_SECRET)  # kept
        self.assertEqual(self.provider.domains, ["ekbacka.example", "skola.ekbacka.example"])
        response = self.client.post(url, {**data, "email_domains": "not a domain"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["email_domains"])

    def test_rules_stay_within_the_owner(self):
        self.login(self.olle)
        add = reverse("integrations:sso_rule_add", args=[self.owner.pk])
        self.client.post(
            add,
            {"claim": "", "value": "", "organisation": self.other_school.pk, "role": "teacher"},
        )
        self.assertEqual(self.provider.rules.count(), 1)
        self.client.post(
            add, {"claim": "dept", "value": "x", "organisation": self.school.pk, "role": "teacher"}
        )
        self.assertEqual(self.provider.rules.count(), 2)
        # An owner administrator role cannot be handed out in a school.
        self.client.post(
            add,
            {"claim": "d", "value": "y", "organisation": self.school.pk, "role": "owner_admin"},
        )
        self.assertEqual(self.provider.rules.count(), 2)
        rule = self.provider.rules.last()
        self.client.post(reverse("integrations:sso_rule_remove", args=[self.owner.pk, rule.pk]))
        self.assertEqual(self.provider.rules.count(), 1)


class HomeActionTests(SsoTestCase):
    def test_owner_admins_find_the_settings_and_everyone_their_tokens(self):
        settings_url = reverse("integrations:sso_settings", args=[self.owner.pk])
        self.login(self.olle)
        home = self.client.get(reverse("home"))
        self.assertContains(home, settings_url)
        self.assertContains(home, reverse("integrations:token_list"))
        self.login(self.pia)
        home = self.client.get(reverse("home"))
        self.assertNotContains(home, settings_url)
        self.assertContains(home, reverse("integrations:token_list"))


class ProviderCheckTests(BaseTestCase):
    """An unreachable or broken identity provider used to be saved unchecked and offered on
    everyone's login page."""

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.idp = Provider().__enter__()
        self.addCleanup(self.idp.__exit__)

    def save(self, issuer: str, **extra) -> SsoProvider:
        return services.sso_provider_save(
            owner=self.owner,
            name="Testkommun-ID",
            issuer=issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            email_domains="ekbacka.example",
            is_active=True,
            **extra,
        )

    def login_page(self) -> str:
        return self.client.get(reverse("accounts:login")).content.decode()

    def test_a_working_provider_passes_and_is_offered(self):
        provider = self.save(self.idp.issuer)
        self.assertEqual(provider.check_error, "")
        self.assertIsNotNone(provider.checked_at)
        self.assertIn("Testkommun-ID", self.login_page())

    def test_an_unreachable_provider_is_saved_hidden_with_the_reason(self):
        provider = self.save("http://127.0.0.1:9")
        self.assertEqual(provider.check_error, "unreachable")
        self.assertNotIn("Testkommun-ID", self.login_page())
        self.login(self.olle)
        page = self.client.get(reverse("integrations:sso_settings", args=[self.owner.pk]))
        self.assertContains(page, "Erbjuds inte på inloggningssidan")
        self.assertContains(page, "openid-configuration")

    def test_each_broken_discovery_document_is_named(self):
        good = self.idp.metadata
        cases = {
            "issuer": {"issuer": "https://impostor.example"},
            "endpoints": {"token_endpoint": None},
            "code_flow": {"response_types_supported": ["id_token"]},
            "pkce": {"code_challenge_methods_supported": ["plain"]},
            "algorithms": {"id_token_signing_alg_values_supported": ["HS256"]},
            "keys": {"jwks_uri": f"{self.idp.issuer}/nowhere"},
        }
        for code, change in cases.items():
            with self.subTest(code=code):
                self.idp.metadata = lambda change=change: {**good(), **change}
                provider = self.save(self.idp.issuer)
                self.assertEqual(provider.check_error, code)
                self.assertNotIn("Testkommun-ID", self.login_page())
        self.idp.metadata = good
        self.assertEqual(self.save(self.idp.issuer).check_error, "")
        self.assertIn("Testkommun-ID", self.login_page())

    def test_saving_through_the_page_warns_the_owner(self):
        self.login(self.olle)
        response = self.client.post(
            reverse("integrations:sso_settings", args=[self.owner.pk]),
            {
                "name": "Testkommun-ID",
                "issuer": "http://127.0.0.1:9",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "email_domains": "ekbacka.example",
                "is_active": "on",
            },
            follow=True,
        )
        self.assertContains(response, "men identitetsleverantören klarade inte kontrollen")
        self.assertFalse(SsoProvider.objects.get(owner=self.owner).check_error == "")

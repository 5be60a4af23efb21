"""Personal API tokens: hashed at rest, scoped, expiring, revocable, never above their user."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.integrations import services
from samsyn.integrations.auth import ApiRateThrottle, lease_size, required_scope, token_allows
from samsyn.integrations.models import ApiToken, RateWindow, Scope
from samsyn.test import BaseTestCase


class TokenTestCase(BaseTestCase):
    def bearer(self, secret: str) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def make(self, user=None, scopes=("read",), days=90):
        return services.api_token_create(
            user=user or self.alice, name="Script", scopes=list(scopes), days=days
        )


class TokenServiceTests(TokenTestCase):
    def test_it_stores_only_a_hash_of_the_secret(self):
        token, secret = self.make()
        self.assertTrue(secret.startswith("samsyn_"))
        self.assertGreaterEqual(len(secret), 7 + 43)
        row = ApiToken.objects.get(pk=token.pk)
        self.assertEqual(row.token_hash, hashlib.sha256(secret.encode()).hexdigest())
        stored = json.dumps(list(ApiToken.objects.values()), default=str)
        self.assertNotIn(secret, stored)
        self.assertNotIn(secret[7:], stored)
        self.assertEqual(row.prefix, secret[:11])

    def test_it_makes_different_secrets(self):
        secrets = {self.make()[1] for _ in range(20)}
        self.assertEqual(len(secrets), 20)

    def test_it_defaults_to_90_days_and_caps_the_expiry(self):
        token, _secret = self.make()
        self.assertAlmostEqual(
            (token.expires_at - timezone.now()).total_seconds(), 90 * 86400, delta=60
        )
        with self.assertRaises(ValidationError) as error:
            self.make(days=366)
        self.assertIn("days", error.exception.message_dict)
        with self.assertRaises(ValidationError):
            self.make(days=0)

    def test_it_refuses_unknown_or_no_scopes(self):
        for scopes in ([], ["admin"]):
            with self.subTest(scopes=scopes), self.assertRaises(ValidationError) as error:
                self.make(scopes=scopes)
            self.assertIn("scopes", error.exception.message_dict)
        self.assertFalse(ApiToken.objects.exists())

    def test_scope_rules(self):
        self.assertEqual(required_scope("GET", "/api/v1/me"), Scope.READ)
        self.assertEqual(required_scope("PUT", "/api/v1/observations/x"), Scope.OBSERVATIONS_WRITE)
        self.assertEqual(required_scope("POST", "/api/v1/coaching/x"), Scope.WRITE)
        self.assertFalse(token_allows(["read"], "PUT", "/api/v1/observations/x"))
        self.assertTrue(token_allows(["observations:write"], "PUT", "/api/v1/observations/x"))
        self.assertFalse(token_allows(["observations:write"], "GET", "/api/v1/me"))
        self.assertFalse(token_allows(["observations:write"], "POST", "/api/v1/coaching/x"))
        self.assertTrue(token_allows(["write"], "POST", "/api/v1/coaching/x"))


class TokenApiTests(TokenTestCase):
    def test_a_read_token_reads(self):
        token, secret = self.make()
        response = self.client.get(reverse("api:me"), **self.bearer(secret))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["email"], "alice@example.org")
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)

    def test_no_or_unknown_token_is_401(self):
        self.assertEqual(self.client.get(reverse("api:me")).status_code, 401)
        response = self.client.get(reverse("api:me"), **self.bearer("samsyn_nope"))
        self.assertEqual(response.status_code, 401)

    def test_a_read_token_cannot_write(self):
        _token, secret = self.make(user=self.oscar)
        url = reverse("api:submit_observation", args=[uuid.uuid4()])
        response = self.client.post(url, **self.bearer(secret))
        self.assertEqual(response.status_code, 403)
        self.assertIn("observations:write", response.json()["detail"])
        put = self.client.put(
            reverse("api:put_observation", args=[uuid.uuid4()]),
            data="{}",
            content_type="application/json",
            **self.bearer(secret),
        )
        self.assertEqual(put.status_code, 403)

    def test_a_write_token_reaches_the_write_but_not_reads(self):
        _token, secret = self.make(user=self.oscar, scopes=["observations:write"])
        url = reverse("api:submit_observation", args=[uuid.uuid4()])
        # Past the token check: the observation does not exist, so 404 (not 401/403).
        self.assertEqual(self.client.post(url, **self.bearer(secret)).status_code, 404)
        self.assertEqual(self.client.get(reverse("api:me"), **self.bearer(secret)).status_code, 403)

    def test_an_expired_token_is_401(self):
        _token, secret = self.make(days=1)
        with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
            response = self.client.get(reverse("api:me"), **self.bearer(secret))
        self.assertEqual(response.status_code, 401)

    def test_a_revoked_token_is_401(self):
        token, secret = self.make()
        services.api_token_revoke(token=token)
        self.assertEqual(self.client.get(reverse("api:me"), **self.bearer(secret)).status_code, 401)

    def test_a_deactivated_users_token_is_401(self):
        _token, secret = self.make()
        self.alice.is_active = False
        self.alice.save()
        self.assertEqual(self.client.get(reverse("api:me"), **self.bearer(secret)).status_code, 401)

    def test_a_token_never_exceeds_its_users_permissions(self):
        # Alice (teacher) may see her school but not its member list; the outsider sees nothing.
        _token, secret = self.make(scopes=["read", "write"])
        school = reverse("api:organisation", args=[self.school.pk])
        other = reverse("api:organisation", args=[self.other_school.pk])
        self.assertEqual(self.client.get(school, **self.bearer(secret)).status_code, 200)
        self.assertEqual(self.client.get(other, **self.bearer(secret)).status_code, 404)
        _c, charlie = self.make(user=self.charlie, scopes=["read", "write"])
        self.assertEqual(self.client.get(school, **self.bearer(charlie)).status_code, 404)

    def test_a_token_needs_no_csrf_and_the_session_still_works(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("api:me")).status_code, 200)


class RateLimitTests(TokenTestCase):
    @override_settings(SAMSYN_API_RATE_LIMIT=3, SAMSYN_API_RATE_WINDOW=60)
    def test_it_answers_429_with_retry_after_per_token(self):
        _token, secret = self.make()
        _other, other_secret = self.make(user=self.bob)
        with time_machine.travel(1_800_000_000.0, tick=False):
            for _ in range(3):
                response = self.client.get(reverse("api:me"), **self.bearer(secret))
                self.assertEqual(response.status_code, 200)
            response = self.client.get(reverse("api:me"), **self.bearer(secret))
            self.assertEqual(response.status_code, 429)
            self.assertEqual(response["Retry-After"], "60")
            # Another token has its own budget.
            response = self.client.get(reverse("api:me"), **self.bearer(other_secret))
            self.assertEqual(response.status_code, 200)
        with time_machine.travel(1_800_000_030.0, tick=False):
            response = self.client.get(reverse("api:me"), **self.bearer(secret))
            self.assertEqual(response.status_code, 429)
            self.assertEqual(response["Retry-After"], "30")
        with time_machine.travel(1_800_000_060.0, tick=False):
            response = self.client.get(reverse("api:me"), **self.bearer(secret))
            self.assertEqual(response.status_code, 200)
        # Old windows are cleared as new ones open.
        self.assertEqual(RateWindow.objects.filter(key__startswith="token:").count(), 2)

    @override_settings(SAMSYN_API_RATE_LIMIT=2)
    def test_it_limits_sessions_per_user(self):
        self.login(self.alice)
        window_start = (int(time.time()) // 60 + 1) * 60
        with time_machine.travel(float(window_start), tick=False):
            codes = [self.client.get(reverse("api:me")).status_code for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])

    @override_settings(SAMSYN_API_RATE_LIMIT=0)
    def test_zero_turns_the_limit_off(self):
        self.login(self.alice)
        for _ in range(5):
            self.assertEqual(self.client.get(reverse("api:me")).status_code, 200)
        self.assertFalse(RateWindow.objects.exists())


class RateLeaseTests(TokenTestCase):
    """A process counts a key's requests in the database ten at a time (one write), and the
    sum over processes still never exceeds the limit."""

    def request_of(self, user):
        return SimpleNamespace(api_token=None, auth=user, META={"REMOTE_ADDR": "127.0.0.1"})

    @override_settings(SAMSYN_API_RATE_LIMIT=600, SAMSYN_API_RATE_WINDOW=60)
    def test_one_write_counts_ten_requests(self):
        throttle = ApiRateThrottle()
        request = self.request_of(self.alice)
        with time_machine.travel(1_800_000_000.0, tick=False):
            self.assertTrue(throttle.allow_request(request))
            row = RateWindow.objects.get(key=f"user:{self.alice.pk}")
            self.assertEqual(row.count, 10)
            with self.assertNumQueries(0):
                for _ in range(9):
                    self.assertTrue(throttle.allow_request(request))
            self.assertTrue(throttle.allow_request(request))  # the next ten
            row.refresh_from_db()
            self.assertEqual(row.count, 20)
        with time_machine.travel(1_800_000_060.0, tick=False):  # a new window: a new claim
            self.assertTrue(throttle.allow_request(request))
            self.assertEqual(RateWindow.objects.get(key=f"user:{self.alice.pk}").count, 10)

    def test_a_claim_is_one_statement_and_opening_a_window_one_more(self):
        """An upsert counts the claim whether or not the window's row exists (no transaction,
        no savepoint); the claim that opens a window also removes the key's older ones."""
        rate_window_hit = services.rate_window_hit
        key = f"user:{self.alice.pk}"
        RateWindow.objects.create(key=key, window_start=1_799_999_940, count=7)
        with CaptureQueriesContext(connection) as opening:
            self.assertEqual(
                rate_window_hit(key=key, window=60, now=1_800_000_001, claim=10)[0], 10
            )
        with CaptureQueriesContext(connection) as adding:
            self.assertEqual(
                rate_window_hit(key=key, window=60, now=1_800_000_002, claim=10)[0], 20
            )
        self.assertEqual(
            [q["sql"].split()[0] for q in opening.captured_queries], ["INSERT", "DELETE"]
        )
        self.assertEqual([q["sql"].split()[0] for q in adding.captured_queries], ["INSERT"])
        self.assertEqual(
            list(RateWindow.objects.values_list("window_start", "count")), [(1_800_000_000, 20)]
        )

    def test_small_limits_count_every_request(self):
        self.assertEqual(lease_size(3), 1)
        self.assertEqual(lease_size(99), 1)
        self.assertEqual(lease_size(100), 2)
        self.assertEqual(lease_size(600), 10)

    @override_settings(SAMSYN_API_RATE_LIMIT=100, SAMSYN_API_RATE_WINDOW=60)
    def test_two_processes_never_allow_more_than_the_limit(self):
        first, second = ApiRateThrottle(), ApiRateThrottle()  # two app servers' throttles
        request = self.request_of(self.alice)
        with time_machine.travel(1_800_000_000.0, tick=False):
            allowed = int(first.allow_request(request))  # first holds one more request
            while second.allow_request(request):
                allowed += 1
            refused_early = allowed
            allowed += sum(first.allow_request(request) for _ in range(5))
            self.assertEqual(refused_early, 99)  # first's unused request, refused to second
            self.assertEqual(allowed, 100)
            self.assertFalse(second.allow_request(request))
            self.assertEqual(second.wait(), 60)


class OpenApiTests(TokenTestCase):
    def test_it_documents_the_bearer_scheme_on_every_operation(self):
        schema = self.client.get(reverse("api:openapi-json")).json()
        schemes = schema["components"]["securitySchemes"]
        self.assertEqual(schemes["TokenAuth"]["type"], "http")
        self.assertEqual(schemes["TokenAuth"]["scheme"], "bearer")
        operations = [
            (path, method, op)
            for path, item in schema["paths"].items()
            for method, op in item.items()
        ]
        self.assertGreater(len(operations), 5)
        for path, method, op in operations:
            with self.subTest(path=path, method=method):
                names = {name for entry in op.get("security", []) for name in entry}
                self.assertIn("TokenAuth", names)
                self.assertIn("SessionAuth", names)


class TokenPageTests(TokenTestCase):
    def test_it_shows_the_secret_once_and_lists_without_it(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("integrations:token_create"),
            {"name": "Timetable", "scopes": ["read", "observations:write"], "days": "30"},
        )
        self.assertEqual(response.status_code, 200)
        secret = response.context["secret"]
        self.assertContains(response, secret)
        self.assertIn("no-store", response["Cache-Control"])
        listing = self.client.get(reverse("integrations:token_list"))
        self.assertContains(listing, "Timetable")
        self.assertContains(listing, secret[:11])
        self.assertNotContains(listing, secret)
        token = ApiToken.objects.get(user=self.alice)
        self.assertEqual(token.scopes, ["observations:write", "read"])
        self.assertEqual(self.client.get(reverse("api:me"), **self.bearer(secret)).status_code, 200)

    def test_it_names_the_field_in_errors(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("integrations:token_create"), {"name": "", "scopes": [], "days": "400"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].errors), {"name", "scopes", "days"})
        self.assertFalse(ApiToken.objects.exists())

    def test_it_revokes_only_own_tokens(self):
        token, secret = self.make()
        self.login(self.bob)
        url = reverse("integrations:token_revoke", args=[token.pk])
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.alice)
        self.assertRedirects(
            self.client.post(url), reverse("integrations:token_list"), fetch_redirect_response=False
        )
        self.assertEqual(self.client.get(reverse("api:me"), **self.bearer(secret)).status_code, 401)
        self.assertContains(self.client.get(reverse("integrations:token_list")), "Script")

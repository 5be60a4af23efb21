"""Every URL × the personas that matter: outsiders get 404, members without the role 403.

`test_it_covers_every_url` walks the URL resolver and fails when a route has no row, so a new
page cannot ship without its access rules being tested. The rows for accounts are here; every
other app keeps its rows in `samsyn/<app>/tests/access.py` as `def rows(case) -> dict`, where
`case` is this test case (personas and their organisations as attributes), collected below.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from samsyn.accounts.models import Invitation, Membership, Role, hash_token
from samsyn.test import BaseTestCase, make_user

# Costly and the same on either database: make test runs it once, in the SQLite half (the
# generated GET and POST matrices run once in the PostgreSQL half; conftest.py). Split so, the
# two halves end together.
pytestmark = pytest.mark.any_database

ANON = "anon"

# Routes tested elsewhere, with the reason.
NOT_IN_MATRIX = {
    # Django's admin checks is_staff itself; test_it_keeps_admin_for_staff covers the door.
    "admin:*": "Django admin",
}


def all_url_names(patterns=None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= all_url_names(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


def app_row_functions() -> list[tuple[str, object]]:
    """(app label, its `rows` function) for every app with `samsyn/<app>/tests/access.py`."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("samsyn."):
            continue
        try:
            found.append((config.label, import_string(f"{config.name}.tests.access.rows")))
        except ImportError:
            continue
    return found


class AccessMatrixTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rows = self.matrix()

    def invitation(self):
        return Invitation.objects.create(
            email=f"new{timezone.now().timestamp()}@example.org",
            organisation=self.school,
            role=Role.TEACHER,
            token_hash=hash_token(str(timezone.now().timestamp())),
            expires_at=timezone.now() + timedelta(days=1),
        )

    def spare_membership(self):
        user = make_user(f"spare{timezone.now().timestamp()}", "Spare Teacher")
        return Membership.objects.create(user=user, organisation=self.school, role=Role.TEACHER)

    def matrix(self) -> dict[str, tuple[str, object, dict]]:
        """url name → (method, args builder, {persona: expected status})."""
        school = lambda: [self.school.pk]  # noqa: E731
        return {
            "home": ("get", list, {ANON: 200, "alice": 200, "adam": 200}),
            "healthz": ("get", list, {ANON: 200}),
            "favicon": ("get", list, {ANON: 301, "alice": 301}),
            "set_language": ("post", list, {ANON: 302, "alice": 302}),
            "accounts:login": ("get", list, {ANON: 200, "alice": 302}),
            "accounts:logout": ("post", list, {ANON: 302, "alice": 302}),
            "accounts:profile": ("get", list, {ANON: 302, "alice": 200}),
            "accounts:password_change": ("get", list, {ANON: 302, "alice": 200}),
            "accounts:password_change_done": ("get", list, {ANON: 302, "alice": 200}),
            "accounts:password_reset": ("get", list, {ANON: 200}),
            "accounts:password_reset_done": ("get", list, {ANON: 200}),
            "accounts:password_reset_confirm": ("get", lambda: ["MQ", "bad-token"], {ANON: 200}),
            "accounts:password_reset_complete": ("get", list, {ANON: 200}),
            "accounts:invitation_accept": ("get", lambda: ["no-such-token"], {ANON: 410}),
            "accounts:organisation_detail": (
                "get",
                school,
                {ANON: 302, "charlie": 404, "alice": 200, "nina": 200, "olle": 200},
            ),
            "accounts:organisation_members": (
                "get",
                school,
                {ANON: 302, "charlie": 404, "alice": 403, "nina": 403, "pia": 200, "olle": 200},
            ),
            "accounts:organisation_invite": (
                "get",
                school,
                {ANON: 302, "charlie": 404, "alice": 403, "pia": 200, "adam": 200},
            ),
            "accounts:invitation_revoke": (
                "post",
                lambda: [self.school.pk, self.invitation().pk],
                {ANON: 302, "charlie": 404, "alice": 403, "pia": 302},
            ),
            "accounts:membership_remove": (
                "post",
                lambda: [self.school.pk, self.spare_membership().pk],
                {ANON: 302, "charlie": 404, "alice": 403, "pia": 302},
            ),
            "accounts:person_detail": (
                "get",
                lambda: [self.school.pk, self.alice.pk],
                {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "pia": 200, "olle": 200},
            ),
            "accounts:person_deactivate": (
                "post",
                lambda: [self.school.pk, self.spare_membership().user_id],
                {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 302},
            ),
            "accounts:audit_log": (
                "get",
                list,
                {ANON: 302, "alice": 404, "olle": 404, "adam": 200},
            ),
            "api:me": ("get", list, {ANON: 401, "alice": 200}),
            "api:my_organisations": ("get", list, {ANON: 401, "alice": 200}),
            "api:organisation": (
                "get",
                school,
                {ANON: 401, "charlie": 404, "alice": 200, "olle": 200},
            ),
            "api:api-root": ("get", list, {ANON: 404}),  # ninja's placeholder: no page there
            "api:openapi-json": ("get", list, {ANON: 200}),
            "api:openapi-view": ("get", list, {ANON: 200}),
        }

    def all_rows(self) -> dict:
        rows = dict(self.rows)
        for _label, app_rows in app_row_functions():
            rows.update(app_rows(self))
        return rows

    def test_it_covers_every_url(self):
        names = {
            name
            for name in all_url_names()
            if not any(name.startswith(key[:-1]) for key in NOT_IN_MATRIX if key.endswith("*"))
        }
        rows = self.all_rows()
        missing = names - set(rows)
        self.assertFalse(missing, f"URLs without an access test: {sorted(missing)}")
        stale = set(rows) - names
        self.assertFalse(stale, f"Access rows for URLs that no longer exist: {sorted(stale)}")

    def client_for(self, persona: str, clients: dict[str, Client]) -> Client:
        """A client logged in as `persona` (anonymous: a new one, without cookies). Each
        persona keeps its client and session from request to request, as a browser would;
        logging in again for every request took a third of this test's time (the login and
        logout signals write audit rows). A request that ended the session (the logout row)
        gets the persona a new one."""
        if persona == ANON:
            return Client()
        client = clients.get(persona)
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME) if client else None
        if client is None or cookie is None or not cookie.value:
            client = clients[persona] = Client()
            client.force_login(getattr(self, persona))
        return client

    def test_it_enforces_the_matrix(self):
        clients: dict[str, Client] = {}
        for name, (method, args, expected) in self.all_rows().items():
            for persona, status in expected.items():
                with self.subTest(url=name, persona=persona):
                    client = self.client_for(persona, clients)
                    url = reverse(name, args=args())
                    response = getattr(client, method)(url)
                    self.assertEqual(response.status_code, status, f"{method.upper()} {url}")
                    user = response.wsgi_request.user  # (after a logout: nobody)
                    if persona != ANON and user.is_authenticated:
                        self.assertEqual(user, getattr(self, persona), f"{name} as {persona}")

    def test_it_enforces_every_apps_rows(self):
        """Every app's own rows (`samsyn/<app>/tests/access.py`) are in the matrix that
        test_it_enforces_the_matrix requests: the apps need no test of their own that requests
        them again (networks and coaching had one, with these same functions)."""
        from samsyn.coaching.tests.access import rows as coaching_rows
        from samsyn.networks.tests.access import rows as networks_rows

        collected = dict(app_row_functions())
        self.assertIs(collected["networks"], networks_rows)
        self.assertIs(collected["coaching"], coaching_rows)

    def test_it_keeps_admin_for_staff(self):
        self.client.force_login(self.olle)
        response = self.client.get(reverse("admin:index"))
        self.assertEqual(response.status_code, 302)
        self.client.force_login(self.adam)
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)

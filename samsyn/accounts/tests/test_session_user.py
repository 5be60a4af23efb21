"""The user read with the session row (samsyn.accounts.middleware.AuthenticationMiddleware)
is taken only when Django's own checks accept it; otherwise Django's `auth.get_user` decides.
Written as attacks: a session outliving a password change, a deactivation, another user's id."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samsyn.accounts import sessions
from samsyn.accounts.models import Session, User
from samsyn.accounts.sessions import SessionStore
from samsyn.test import BaseTestCase


class SessionRowUserTests(BaseTestCase):
    def profile_status(self) -> int:
        return self.client.get(reverse("accounts:profile")).status_code

    def test_the_user_comes_with_the_session_in_one_query(self):
        self.client.force_login(self.alice)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/api/v1/assignments").status_code, 200)
        user_reads = [
            q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]
        ]
        self.assertEqual(user_reads, [], "the user is read only with the session row")

    def test_attack_a_session_after_a_password_change(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.profile_status(), 200)
        user = User.objects.get(pk=self.alice.pk)
        user.set_password("a new and long password 42")
        user.save()
        self.assertEqual(self.profile_status(), 302)
        self.assertFalse(Session.objects.filter(user=self.alice).exists(), "flushed")

    def test_attack_a_session_of_a_deactivated_user(self):
        self.client.force_login(self.bob)
        User.objects.filter(pk=self.bob.pk).update(is_active=False)  # the row only
        self.assertEqual(self.profile_status(), 302)

    def test_attack_a_session_naming_another_user_than_its_row(self):
        """Session data naming Charlie on a row that belongs to Alice: Django's check decides
        (Alice's row user is not taken), and the hash made for Alice does not verify Charlie."""
        self.client.force_login(self.alice)
        session = self.client.session
        session[SESSION_KEY] = str(self.charlie.pk)
        session.save()
        Session.objects.filter(session_key=session.session_key).update(user=self.alice)
        self.assertEqual(self.profile_status(), 302)

    def test_attack_a_session_from_a_backend_no_longer_allowed(self):
        self.client.force_login(self.alice)
        session = self.client.session
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.RemoteUserBackend"
        session.save()
        self.assertEqual(self.profile_status(), 302)


class SessionDecodeCacheTests(SimpleTestCase):
    """Signed session data is verified and parsed once per process; each caller gets its own
    copy, and data that does not verify is never taken from (or put in) the cache."""

    def test_each_decode_is_a_copy_of_the_verified_data(self):
        store = SessionStore()
        data = store.encode({"_auth_user_id": "7", "samsyn_last_seen": 1.5})
        first = store.decode(data)
        first["_auth_user_id"] = "8"  # a request changes its session
        second = SessionStore().decode(data)
        self.assertEqual(second, {"_auth_user_id": "7", "samsyn_last_seen": 1.5})
        self.assertIsNot(first, second)
        self.assertIn(data, sessions._DECODED)

    def test_attack_tampered_data_is_not_accepted(self):
        store = SessionStore()
        data = store.encode({"_auth_user_id": "7"})
        store.decode(data)
        forged = store.encode({"_auth_user_id": "1"})
        tampered = forged.split(":", 1)[0] + ":" + data.split(":", 1)[1]  # another signature
        self.assertEqual(store.decode(tampered), {})
        self.assertNotIn(tampered, sessions._DECODED)

    def test_nested_values_are_not_kept(self):
        store = SessionStore()
        data = store.encode({"cart": {"a": 1}})
        self.assertEqual(store.decode(data), {"cart": {"a": 1}})
        self.assertNotIn(data, sessions._DECODED)

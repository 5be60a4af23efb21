"""Security properties asserted on real responses: headers, session fixation.

Login throttling, logout-everywhere and deactivation are tested in
samsyn/accounts/tests/test_views.py; `check --deploy` with production settings in
test_settings.py; the authorisation matrix in test_access_matrix.py.
"""

from __future__ import annotations

import re

from django.test import override_settings
from django.urls import reverse

from samsyn.test import PASSWORD, BaseTestCase


class SecurityHeaderTests(BaseTestCase):
    def test_every_page_carries_csp_frame_denial_and_nosniff(self):
        for url, user in [
            (reverse("accounts:login"), None),
            (reverse("home"), self.pia),
            (reverse("observations:overview"), self.alice),
        ]:
            if user:
                self.client.force_login(user)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            csp = response.headers["Content-Security-Policy"]
            directives = dict(
                part.strip().split(" ", 1) for part in csp.split(";") if " " in part.strip()
            )
            self.assertEqual(directives["default-src"], "'self'")
            self.assertRegex(directives["script-src"], r"^'self' 'nonce-[\w+/=-]+'$")
            self.assertEqual(directives["style-src"], "'self'")  # no inline styles
            self.assertEqual(directives["frame-ancestors"], "'none'")
            self.assertEqual(response.headers["X-Frame-Options"], "DENY")
            self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
            self.assertEqual(response.headers["Referrer-Policy"], "same-origin")
            # Every script tag carries this response's nonce.
            nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
            for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
                self.assertIn(f'nonce="{nonce}"', tag)

    @override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
    def test_hsts_is_sent_behind_tls_only(self):
        plain = self.client.get(reverse("accounts:login"))
        self.assertNotIn("Strict-Transport-Security", plain.headers)
        secure = self.client.get(reverse("accounts:login"), secure=True)
        self.assertEqual(
            secure.headers["Strict-Transport-Security"], "max-age=31536000; includeSubDomains"
        )


class SessionFixationTests(BaseTestCase):
    def test_logging_in_issues_a_new_session_key(self):
        self.client.get(reverse("accounts:login"))
        self.client.cookies["sessionid"] = "attacker-chosen-session-key"
        before = self.client.cookies.get("sessionid").value
        response = self.client.post(
            reverse("accounts:login"), {"username": self.alice.email, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        after = self.client.cookies.get("sessionid").value
        self.assertNotEqual(before, after)
        self.assertNotEqual(after, "attacker-chosen-session-key")
        # The new session is the logged-in one; the old key is worth nothing.
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

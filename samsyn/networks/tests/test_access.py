"""The networks rows of the access matrix, run on their own (the full matrix runs them too)."""

from __future__ import annotations

from django.urls import reverse

from samsyn.networks.tests.access import ANON, rows
from samsyn.test import BaseTestCase


class NetworkAccessTests(BaseTestCase):
    def test_it_enforces_the_networks_rows(self):
        for name, (method, args, expected) in rows(self).items():
            for persona, status in expected.items():
                with self.subTest(url=name, persona=persona):
                    self.client.logout()
                    if persona != ANON:
                        self.client.force_login(getattr(self, persona))
                    url = reverse(name, args=args())
                    response = getattr(self.client, method)(url)
                    self.assertEqual(response.status_code, status, f"{method.upper()} {url}")

"""Login limits (issue 19, finding 6), written as the attacks over HTTP.

Before: lock-out after 100 wrong passwords per account per hour and no per-address limit, so
password spraying across accounts was unlimited and anyone could lock any known account out
for an hour with 100 requests.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts import throttle
from samsyn.test import PASSWORD, BaseTestCase, make_user

ATTACKER = "203.0.113.66"
SCHOOL = "198.51.100.7"


class LoginLimitTests(BaseTestCase):
    def _post(self, email: str, password: str, address: str):
        self.client.logout()
        return self.client.post(
            reverse("accounts:login"),
            {"username": email, "password": password},
            REMOTE_ADDR=address,
        )

    def test_attack_one_address_cannot_lock_a_known_account_out(self):
        # Alice has logged in from her school before.
        assert self._post(self.alice.email, PASSWORD, SCHOOL).status_code == 302
        # The attacker sends as many wrong passwords as the old lock-out needed.
        statuses = [self._post(self.alice.email, "wrong", ATTACKER).status_code for _ in range(100)]
        assert statuses[0] == 200 and statuses[-1] == 429  # the attacker is stopped...
        assert self._post(self.alice.email, PASSWORD, ATTACKER).status_code == 429
        # ...and Alice logs in from her school as usual.
        assert self._post(self.alice.email, PASSWORD, SCHOOL).status_code == 302

    def test_attack_a_new_address_is_only_delayed_never_locked(self):
        limit = settings.SAMSYN_LOGIN_ACCOUNT_SLOW_AFTER
        for i in range(limit):
            # Many addresses, few failures each: the per-pair limit never triggers.
            assert self._post(self.bob.email, "wrong", f"203.0.113.{i + 1}").status_code == 200
        response = self._post(self.bob.email, PASSWORD, "192.0.2.50")
        assert response.status_code == 429
        assert response.context["reason"] == "account"
        wait = response.context["wait"]
        assert 0 < wait <= throttle.MAX_DELAY
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=wait + 1)):
            assert self._post(self.bob.email, PASSWORD, "192.0.2.50").status_code == 302

    @override_settings(SAMSYN_LOGIN_ADDRESS_LIMIT=8)
    def test_attack_password_spraying_from_one_address_is_stopped(self):
        people = [make_user(f"sprayed{i}", f"Sprayed {i}") for i in range(8)]
        for person in people:
            assert self._post(person.email, "Sommar2026!", ATTACKER).status_code == 200
        response = self._post(self.alice.email, PASSWORD, ATTACKER)
        assert response.status_code == 429
        assert response.context["reason"] == "address"
        # Other addresses, the same accounts: unaffected.
        assert self._post(self.alice.email, PASSWORD, SCHOOL).status_code == 302
        assert self._post(people[0].email, PASSWORD, SCHOOL).status_code == 302

    def test_the_defaults_are_documented_numbers(self):
        assert settings.AXES_FAILURE_LIMIT == 10
        assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
        assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
        assert settings.SAMSYN_LOGIN_ADDRESS_LIMIT == 50
        assert throttle.account_delay(settings.SAMSYN_LOGIN_ACCOUNT_SLOW_AFTER - 1) == 0
        assert throttle.account_delay(settings.SAMSYN_LOGIN_ACCOUNT_SLOW_AFTER) == 15
        assert throttle.account_delay(10_000) == throttle.MAX_DELAY


@override_settings(SAMSYN_TRUSTED_PROXIES=1, SAMSYN_LOGIN_ADDRESS_LIMIT=5)
class BehindAProxyTests(BaseTestCase):
    """Behind a proxy every request comes from the proxy's address; the visitor's is the one
    the proxy appends to X-Forwarded-For. What the client writes there itself is not trusted."""

    def _post(self, email: str, password: str, forwarded: str):
        self.client.logout()
        return self.client.post(
            reverse("accounts:login"),
            {"username": email, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    def test_attack_spraying_through_the_proxy_pauses_the_attacker_only(self):
        people = [make_user(f"p{i}", f"P {i}") for i in range(5)]
        for i, person in enumerate(people):
            # A new made-up address on the left each time: ignored.
            forwarded = f"10.9.9.{i}, {ATTACKER}"
            assert self._post(person.email, "Sommar2026!", forwarded).status_code == 200
        assert self._post(self.bob.email, PASSWORD, f"10.0.0.1, {ATTACKER}").status_code == 429
        assert self._post(self.alice.email, PASSWORD, SCHOOL).status_code == 302

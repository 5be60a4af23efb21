"""Account takeover through rectification, written as the attack (real sessions over HTTP).

Finding 1 of issue 19: as the owner administrator, three POSTs (create a rectification setting
a teacher's e-mail to the attacker's address, approve it, carry it out) changed the teacher's
login address; a password reset then logged in as the teacher.
"""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from samsyn.accounts.models import Membership, Role, User
from samsyn.privacy import services
from samsyn.privacy.models import SubjectRequest
from samsyn.test import PASSWORD, BaseTestCase, make_user

ATTACKER = "attacker@evil.example"


class RectificationTakeoverTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        # A second owner administrator: the four-eyes reviewer.
        self.olga = make_user("olga", "Olga Owner")
        Membership.objects.create(user=self.olga, organisation=self.owner, role=Role.OWNER_ADMIN)
        self.requests_url = reverse("privacy:requests", args=[self.owner.pk])

    def _login(self, email: str) -> None:
        """A real session through the login form (password and all)."""
        self.client.logout()
        data = {"username": email, "password": PASSWORD}
        assert self.client.post(reverse("accounts:login"), data).status_code == 302

    def _create(self, person, **fields):
        data = {"person": person.pk, "kind": "rectification", "reason": "x", **fields}
        return self.client.post(self.requests_url, data)

    def _detail(self, req):
        return reverse("privacy:request_detail", args=[self.owner.pk, req.pk])

    def _execute(self, req):
        return self.client.post(reverse("privacy:request_execute", args=[self.owner.pk, req.pk]))

    def test_attack_the_requester_cannot_approve_their_own_request(self):
        self._login(self.olle.email)
        assert self._create(self.alice, email=ATTACKER).status_code == 302
        req = SubjectRequest.objects.get()
        response = self.client.post(self._detail(req), {"decision": "approve"})
        req.refresh_from_db()
        assert req.status == SubjectRequest.Status.REQUESTED
        self.assertContains(response, str(services.ERR_SELF_REVIEW))
        self._execute(req)
        assert User.objects.get(pk=self.alice.pk).email == "alice@example.org"

    def test_attack_the_same_holds_for_erasure(self):
        self._login(self.olle.email)
        data = {"person": self.alice.pk, "kind": "erasure", "scope": ["account"], "reason": "x"}
        assert self.client.post(self.requests_url, data).status_code == 302
        req = SubjectRequest.objects.get()
        self.client.post(self._detail(req), {"decision": "approve"})
        self._execute(req)
        assert User.objects.get(pk=self.alice.pk).is_active

    def test_attack_a_new_email_takes_effect_only_when_the_person_confirms_it(self):
        self._login(self.olle.email)
        assert self._create(self.alice, email=ATTACKER).status_code == 302
        req = SubjectRequest.objects.get()
        self._login(self.olga.email)
        assert self.client.post(self._detail(req), {"decision": "approve"}).status_code == 302
        with self.captureOnCommitCallbacks(execute=True):
            assert self._execute(req).status_code == 302
        req.refresh_from_db()
        assert req.status == SubjectRequest.Status.EXECUTED
        # Not yet changed: the attacker's password reset goes nowhere.
        assert User.objects.get(pk=self.alice.pk).email == "alice@example.org"
        to_new = [m for m in mail.outbox if m.to == [ATTACKER]]
        to_old = [m for m in mail.outbox if m.to == ["alice@example.org"]]
        assert len(to_new) == 1 and len(to_old) == 1
        assert ATTACKER in to_old[0].body
        link = re.search(r"https?://\S+", to_new[0].body).group(0)
        path = re.sub(r"^https?://[^/]+", "", link)
        # The attacker holds the link but not the teacher's session.
        self.client.logout()
        assert self.client.post(path).status_code == 302  # to the login page
        self._login(self.olle.email)
        assert self.client.get(path).status_code == 404
        assert self.client.post(path).status_code == 404
        assert User.objects.get(pk=self.alice.pk).email == "alice@example.org"
        # The teacher herself confirms.
        self._login("alice@example.org")
        assert self.client.get(path).status_code == 200
        with self.captureOnCommitCallbacks(execute=True):
            assert self.client.post(path).status_code == 302
        assert User.objects.get(pk=self.alice.pk).email == ATTACKER
        assert mail.outbox[-1].to == ["alice@example.org"]
        assert self.client.post(path).status_code == 404  # used once

    def test_attack_a_person_with_a_role_under_another_owner_cannot_be_changed(self):
        dual = make_user("dual", "Dual Admin")
        Membership.objects.create(user=dual, organisation=self.school, role=Role.TEACHER)
        Membership.objects.create(user=dual, organisation=self.other_owner, role=Role.OWNER_ADMIN)
        self._login(self.olle.email)
        response = self._create(dual, email=ATTACKER)
        assert response.status_code == 200
        self.assertContains(response, str(services.ERR_OTHER_OWNER))
        assert not SubjectRequest.objects.exists()

    def test_attack_no_one_changes_a_person_at_or_above_their_own_level(self):
        self._login(self.olle.email)
        for person in (self.olga, self.olle):
            response = self._create(person, email=ATTACKER)
            assert response.status_code == 200
            self.assertContains(response, str(services.ERR_LEVEL))
        assert not SubjectRequest.objects.exists()
        # A principal is below the owner administrator: allowed.
        assert self._create(self.pia, full_name="Pia P").status_code == 302

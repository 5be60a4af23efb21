"""A teacher sees who has read her individual data (issue 19): who, what, when, why."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from samsyn.accounts.models import User
from samsyn.privacy.tests.helpers import make_observation, make_plain_round
from samsyn.test import PASSWORD, BaseTestCase


class ReadsPageTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        round_ = make_plain_round(self)
        self.obs = make_observation(
            round_, teacher=self.alice, observer=self.oscar, school=self.school
        )

    def _login(self, user) -> None:
        self.client.logout()
        data = {"username": user.email, "password": PASSWORD}
        assert self.client.post(reverse("accounts:login"), data).status_code == 302

    def _page(self, lang: str = "sv"):
        # Pages follow the language stored on the account.
        User.objects.filter(pk=self.client.session["_auth_user_id"]).update(language=lang)
        with translation.override(lang):
            url = reverse("privacy:my_reads")
        response = self.client.get(url)
        assert response.status_code == 200
        return response

    def test_the_teacher_sees_the_principals_read_with_its_reason(self):
        detail = reverse("observations:detail", args=[self.obs.uuid])
        self._login(self.pia)
        assert self.client.get(detail).status_code == 200  # audited
        self._login(self.alice)
        assert self.client.get(detail).status_code == 200  # her own: not listed
        lines = self._page().context["lines"]
        assert [line.who for line in lines] == ["Pia Principal"]
        response = self._page("en")
        self.assertContains(response, "Who has read your data")
        self.assertContains(response, "An observation of your lesson")
        self.assertContains(response, "Principal at Skola A")
        swedish = self._page("sv")
        self.assertContains(swedish, "Vem som har läst dina uppgifter")
        self.assertContains(swedish, "Rektor på Skola A")

    def test_only_the_teacher_sees_her_list(self):
        detail = reverse("observations:detail", args=[self.obs.uuid])
        self._login(self.pia)
        self.client.get(detail)
        for other in (self.pia, self.bob, self.olle, self.oscar, self.adam):
            self._login(other)
            lines = self._page("en").context["lines"]
            assert all(line.who != "Pia Principal" for line in lines), other
            self.assertNotContains(self._page("en"), "An observation of your lesson")
        # No way to ask for someone else's list: the page takes no person.
        self._login(self.pia)
        response = self.client.get(reverse("privacy:my_reads") + f"?user={self.alice.pk}")
        assert response.context["lines"] == []

    def test_the_my_data_page_links_to_it(self):
        self._login(self.alice)
        response = self.client.get(reverse("privacy:my_data"))
        self.assertContains(response, reverse("privacy:my_reads"))

"""The user's paths through accounts: log in, invitations, people, deactivation, language."""

from __future__ import annotations

import re
import time

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from samsyn.accounts.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY
from samsyn.accounts.models import AuditEvent, Invitation, Membership, Role, Session, User
from samsyn.accounts.services import ERR_ALREADY_MEMBER
from samsyn.test import PASSWORD, BaseTestCase


class LoginTests(BaseTestCase):
    def test_it_logs_in_with_email_and_shows_the_home_page(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "alice@example.org", "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Skola A")
        self.assertContains(response, self.alice.get_short_name())

    def test_it_rejects_a_wrong_password_with_a_clear_message(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "alice@example.org", "password": "nope"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["form"].is_valid())
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_it_locks_an_account_after_too_many_failures(self):
        for _ in range(3):
            self.client.post(
                reverse("accounts:login"), {"username": "alice@example.org", "password": "x"}
            )
        response = self.client.post(
            reverse("accounts:login"), {"username": "alice@example.org", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "accounts/locked_out.html")
        # Another account behind the same address is not locked.
        response = self.client.post(
            reverse("accounts:login"), {"username": "bob@example.org", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)

    def test_it_defaults_the_limit_to_10_failures_per_account_and_address(self):
        from django.conf import settings

        self.assertEqual(settings.AXES_FAILURE_LIMIT, 10)
        self.assertEqual(settings.AXES_LOCKOUT_PARAMETERS, [["username", "ip_address"]])

    def test_it_shows_each_role_its_home(self):
        for user, org_name, role in [
            (self.alice, "Skola A", Role.TEACHER.label),
            (self.pia, "Skola A", Role.PRINCIPAL.label),
            (self.olle, "Testkommun", Role.OWNER_ADMIN.label),
            (self.nina, "Testnätverk", Role.NETWORK_COORDINATOR.label),
            (self.rita, "Testregion", Role.RESEARCHER.label),
        ]:
            with self.subTest(user=user.email):
                user.language = "en"
                user.save()
                self.client.force_login(user)
                response = self.client.get("/en/")
                self.assertContains(response, org_name)
                self.assertContains(response, str(role))

    def test_it_offers_principals_to_invite_and_teachers_not(self):
        self.client.force_login(self.pia)
        self.assertContains(
            self.client.get("/"), reverse("accounts:organisation_invite", args=[self.school.pk])
        )
        self.client.force_login(self.alice)
        self.assertNotContains(
            self.client.get("/"), reverse("accounts:organisation_invite", args=[self.school.pk])
        )


class SessionTests(BaseTestCase):
    def test_it_ends_all_sessions_on_logout(self):
        laptop, tablet = Client(), Client()
        laptop.force_login(self.alice)
        tablet.force_login(self.alice)
        self.assertEqual(Session.objects.filter(user=self.alice).count(), 2)
        laptop.post(reverse("accounts:logout"))
        self.assertEqual(Session.objects.filter(user=self.alice).count(), 0)
        self.assertEqual(tablet.get(reverse("accounts:profile")).status_code, 302)

    def test_it_ends_all_sessions_when_deactivated(self):
        bob_client = Client()
        bob_client.force_login(self.bob)
        self.assertEqual(bob_client.get(reverse("accounts:profile")).status_code, 200)
        self.client.force_login(self.olle)
        url = reverse("accounts:person_deactivate", args=[self.owner.pk, self.bob.pk])
        response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        self.assertEqual(Session.objects.filter(user=self.bob).count(), 0)
        self.assertEqual(bob_client.get(reverse("accounts:profile")).status_code, 302)
        self.assertTrue(
            AuditEvent.objects.filter(actor=self.olle, subject=self.bob, action="deactivate")
        )
        # And can no longer log in.
        response = Client().post(
            reverse("accounts:login"), {"username": "bob@example.org", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 200)

    def test_it_logs_out_after_idle_time(self):
        self.client.force_login(self.alice)
        session = self.client.session
        session[LAST_SEEN_KEY] = time.time() - 61 * 60
        session[LOGIN_TIME_KEY] = time.time() - 61 * 60
        session.save()
        response = self.client.get(reverse("accounts:profile"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_keeps_an_active_session(self):
        self.client.force_login(self.alice)
        session = self.client.session
        session[LAST_SEEN_KEY] = time.time() - 30 * 60
        session[LOGIN_TIME_KEY] = time.time() - 5 * 3600
        session.save()
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 200)

    def test_it_logs_out_after_the_absolute_limit(self):
        self.client.force_login(self.alice)
        session = self.client.session
        session[LAST_SEEN_KEY] = time.time()
        session[LOGIN_TIME_KEY] = time.time() - 12 * 3600 - 1
        session.save()
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 302)


class InvitationTests(BaseTestCase):
    def invite(self, **data):
        self.client.force_login(self.pia)
        payload = {"email": "new.teacher@example.org", "role": Role.TEACHER, "language": "sv"}
        payload.update(data)
        return self.client.post(
            reverse("accounts:organisation_invite", args=[self.school.pk]), payload
        )

    def link_from_mail(self) -> str:
        self.assertEqual(len(mail.outbox), 1)
        return re.search(r"https?://\S+", mail.outbox[0].body).group(0)

    def test_it_invites_a_new_person_who_sets_a_password(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.invite(full_name="Nils Ny", language="en")
        self.assertEqual(response.status_code, 302)
        self.assertIn("Skola A", mail.outbox[0].subject)
        link = self.link_from_mail()
        self.assertIn("/en/accounts/invitation/", link)
        path = link.split("8000", 1)[-1] if "8000" in link else link
        anon = Client()
        page = anon.get(path)
        self.assertContains(page, "new.teacher@example.org")
        response = anon.post(
            path,
            {
                "full_name": "Nils Ny",
                "password1": "a-long-password-1",
                "password2": "a-long-password-1",
            },
        )
        self.assertEqual(response.status_code, 302)
        user = User.objects.get(email="new.teacher@example.org")
        self.assertTrue(
            Membership.objects.filter(user=user, organisation=self.school, role=Role.TEACHER)
        )
        self.assertEqual(user.language, "en")
        # The link works once.
        self.assertEqual(Client().get(path).status_code, 410)

    def test_it_saves_nothing_when_passwords_differ(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.invite()
        path = "/accounts/invitation/" + self.link_from_mail().rsplit("/invitation/", 1)[1]
        response = Client().post(
            path, {"full_name": "X", "password1": "a-long-password-1", "password2": "other-pass-22"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("password2", response.context["form"].errors)
        self.assertFalse(User.objects.filter(email="new.teacher@example.org").exists())

    def test_it_asks_an_existing_user_to_log_in_then_accepts(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.invite(email="bob@example.org")
        path = "/accounts/invitation/" + self.link_from_mail().rsplit("/invitation/", 1)[1]
        anon = Client()
        response = anon.get(path)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        anon.force_login(self.bob)
        self.assertEqual(anon.post(path).status_code, 302)
        self.assertTrue(Membership.objects.filter(user=self.bob, organisation=self.school))

    def test_it_refuses_a_role_the_inviter_cannot_give(self):
        response = self.invite(role=Role.OWNER_ADMIN)
        self.assertEqual(response.status_code, 200)
        self.assertIn("role", response.context["form"].errors)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(len(mail.outbox), 0)

    def test_it_refuses_someone_who_already_has_the_role(self):
        response = self.invite(email="alice@example.org")
        self.assertEqual(response.context["form"].errors["email"], [str(ERR_ALREADY_MEMBER)])
        self.assertFalse(Invitation.objects.exists())

    def test_it_names_the_field_on_bad_input(self):
        response = self.invite(email="not-an-address")
        self.assertIn("email", response.context["form"].errors)
        self.assertFalse(Invitation.objects.exists())

    def test_it_withdraws_an_invitation(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.invite()
        invitation = Invitation.objects.get()
        response = self.client.post(
            reverse("accounts:invitation_revoke", args=[self.school.pk, invitation.pk])
        )
        self.assertEqual(response.status_code, 302)
        path = "/accounts/invitation/" + self.link_from_mail().rsplit("/invitation/", 1)[1]
        self.assertEqual(Client().get(path).status_code, 410)

    def test_it_resends_by_inviting_again(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.invite()
            self.invite()
        self.assertEqual(Invitation.objects.filter(revoked_at=None).count(), 1)
        self.assertEqual(len(mail.outbox), 2)


class PeopleTests(BaseTestCase):
    def test_it_lists_members_with_search(self):
        self.client.force_login(self.pia)
        url = reverse("accounts:organisation_members", args=[self.school.pk])
        response = self.client.get(url, {"q": "alice"})
        self.assertContains(response, "alice@example.org")
        self.assertNotContains(response, "oscar@example.org")

    def test_it_audits_reading_a_colleague_but_not_oneself(self):
        self.client.force_login(self.pia)
        url = reverse("accounts:person_detail", args=[self.school.pk, self.alice.pk])
        self.assertContains(self.client.get(url), "alice@example.org")
        event = AuditEvent.objects.get()
        self.assertEqual((event.actor, event.subject, event.action), (self.pia, self.alice, "read"))
        self.client.get(reverse("accounts:person_detail", args=[self.school.pk, self.pia.pk]))
        self.assertEqual(AuditEvent.objects.count(), 1)

    def test_it_does_not_show_people_outside_the_organisation(self):
        self.client.force_login(self.pia)
        url = reverse("accounts:person_detail", args=[self.school.pk, self.bob.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_removes_a_role_but_not_ones_own(self):
        self.client.force_login(self.pia)
        membership = Membership.objects.get(user=self.oscar)
        self.client.post(
            reverse("accounts:membership_remove", args=[self.school.pk, membership.pk])
        )
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())
        own = Membership.objects.get(user=self.pia)
        self.client.post(reverse("accounts:membership_remove", args=[self.school.pk, own.pk]))
        self.assertTrue(Membership.objects.filter(pk=own.pk).exists())

    def test_it_shows_the_audit_log_to_platform_admins_with_filters(self):
        AuditEvent.objects.create(
            actor=self.pia,
            actor_label="pia@example.org",
            action="read",
            object_type="person",
            subject=self.alice,
            subject_label="alice@example.org",
        )
        AuditEvent.objects.create(
            actor=self.olle, actor_label="olle@example.org", action="export", object_type="x"
        )
        self.client.force_login(self.adam)
        response = self.client.get(reverse("accounts:audit_log"), {"actor": "pia"})
        self.assertContains(response, "alice@example.org")
        self.assertNotContains(response, "olle@example.org")


class LanguageTests(BaseTestCase):
    def test_it_serves_swedish_by_default_and_english_under_en(self):
        self.assertContains(self.client.get("/"), '<html lang="sv">')
        self.assertContains(self.client.get("/en/"), '<html lang="en">')

    def test_it_keeps_the_choice_on_the_account(self):
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": "/accounts/profile/"}
        )
        self.assertEqual(response["Location"], "/en/accounts/profile/")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.language, "en")
        # A Swedish URL now sends this user to the English page.
        response = self.client.get("/accounts/profile/")
        self.assertEqual(response["Location"], "/en/accounts/profile/")

    def test_an_english_url_is_english_even_when_the_account_says_swedish(self):
        self.alice.language = "sv"
        self.alice.save()
        self.client.force_login(self.alice)
        response = self.client.get("/en/accounts/profile/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="en">')
        # A URL without a language follows the account.
        self.assertContains(self.client.get("/accounts/profile/"), '<html lang="sv">')

    def test_it_refuses_an_offsite_next(self):
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
        )
        self.assertEqual(response["Location"], "/en/")

    def test_it_formats_dates_in_the_users_locale(self):
        from django.utils import formats, translation

        with translation.override("sv"):
            self.assertEqual(formats.date_format(self.alice.date_joined, "Y-m-d")[:2], "20")
            self.assertEqual(formats.number_format(1234.5, 1, use_l10n=True), "1234,5")
        with translation.override("en"):
            self.assertEqual(formats.number_format(1234.5, 1, use_l10n=True), "1234.5")

    def test_it_saves_the_profile(self):
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("accounts:profile"), {"full_name": "Alice T", "language": "en"}
        )
        self.assertEqual(response["Location"], "/en/accounts/profile/")
        self.alice.refresh_from_db()
        self.assertEqual((self.alice.full_name, self.alice.language), ("Alice T", "en"))

    def test_it_names_the_field_on_a_bad_profile(self):
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("accounts:profile"), {"full_name": "", "language": "xx"}
        )
        self.assertEqual(set(response.context["form"].errors), {"full_name", "language"})


class PasswordResetTests(BaseTestCase):
    def test_it_sends_a_reset_link(self):
        response = self.client.post(
            reverse("accounts:password_reset"), {"email": "alice@example.org"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("/accounts/password-reset/", mail.outbox[0].body)


class ApiTests(BaseTestCase):
    def test_it_returns_me_and_my_organisations(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/api/v1/me").json()["email"], "alice@example.org")
        orgs = self.client.get("/api/v1/organisations").json()
        self.assertEqual([(o["name"], o["roles"]) for o in orgs], [("Skola A", ["teacher"])])

    def test_it_hides_other_organisations(self):
        self.client.force_login(self.alice)
        response = self.client.get(f"/api/v1/organisations/{self.other_school.pk}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "Not found"})

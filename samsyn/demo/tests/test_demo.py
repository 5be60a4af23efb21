from django.core.management import call_command
from django.test import Client, TestCase

from samsyn.accounts.models import Membership, NetworkMembership, Organisation, Role, User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD, KEY_USERS, demo_load


class DemoTests(TestCase):
    def test_it_builds_the_demo_world(self):
        self.assertTrue(demo_load())
        kinds = Organisation.objects.values_list("kind", flat=True)
        self.assertEqual(list(kinds).count("region"), 1)
        # The two fictional municipalities (other apps may add more owners to the region).
        self.assertTrue(
            Organisation.objects.filter(
                kind="owner", name__in=["Sjöviks kommun", "Ekbacka kommun"]
            ).count()
            == 2
        )
        base = Organisation.objects.filter(
            kind="school", parent__name__in=["Sjöviks kommun", "Ekbacka kommun"]
        )
        self.assertEqual(base.count(), 6)  # other apps' steps may onboard more schools
        self.assertEqual(list(kinds).count("network"), 1)
        teachers = (
            Membership.objects.filter(role=Role.TEACHER, organisation__in=base)
            .values("user")
            .distinct()
        )
        self.assertGreaterEqual(teachers.count(), 115)
        self.assertLessEqual(teachers.count(), 125)
        for role in Role.values:
            self.assertTrue(Membership.objects.filter(role=role).exists(), role)
        self.assertEqual(NetworkMembership.objects.filter(is_hub=True).count(), 1)
        self.assertTrue(User.objects.filter(is_superuser=True).exists())

    def test_it_is_idempotent_and_resets(self):
        demo_load()
        count = User.objects.count()
        self.assertFalse(demo_load())
        self.assertEqual(User.objects.count(), count)
        self.assertTrue(demo_load(reset=True))
        self.assertEqual(User.objects.count(), count)
        self.assertEqual(Organisation.objects.filter(kind="region").count(), 1)

    def test_each_demo_login_reaches_a_home_page_for_its_role(self):
        demo_load()
        for key, _name, role, org_name in KEY_USERS:
            with self.subTest(key=key):
                client = Client()
                response = client.post(
                    "/en/accounts/login/",
                    {"username": f"{key}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD},
                )
                self.assertEqual(response.status_code, 302)
                User.objects.filter(email=f"{key}@{DEMO_DOMAIN}").update(language="en")
                home = client.get("/en/")
                self.assertContains(home, org_name)
                self.assertContains(home, str(role.label))
        client = Client()
        client.post(
            "/accounts/login/", {"username": f"admin@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
        )
        self.assertContains(client.get("/"), "/accounts/audit/")

    def test_the_command_prints_the_logins(self):
        from io import StringIO

        out = StringIO()
        call_command("demo", stdout=out)
        call_command("demo", "--if-empty", stdout=out)
        text = out.getvalue()
        self.assertIn(f"rektor@{DEMO_DOMAIN}", text)
        self.assertIn(DEMO_PASSWORD, text)
        self.assertEqual(Organisation.objects.filter(kind="region").count(), 1)

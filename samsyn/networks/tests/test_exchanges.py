"""Critical-friend exchanges: who organises and reads, the rules of the forms, the PDF."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse

from samsyn.accounts.models import Membership, Organisation, Role
from samsyn.networks import services
from samsyn.test import BaseTestCase, make_user


class ExchangeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.neighbour = Organisation.objects.create(
            kind=Organisation.Kind.OWNER, name="Grannkommun", parent=cls.region
        )
        cls.neighbour_school = Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, name="Grannskolan", parent=cls.neighbour
        )
        cls.greta = make_user("greta", "Greta Grannrektor")
        Membership.objects.create(
            user=cls.greta, organisation=cls.neighbour_school, role=Role.PRINCIPAL
        )

    def exchange(self):
        return services.exchange_create(
            actor=self.olle,
            organiser=self.owner,
            title="Utbyte om återkoppling",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 6, 30),
            owners=[self.owner, self.neighbour],
            development_area="Återkoppling i klassrummet",
            soft_values="Trygghet",
        )

    def test_it_needs_two_owners_of_the_region(self):
        with self.assertRaises(ValidationError) as caught:
            services.exchange_create(
                actor=self.olle,
                organiser=self.owner,
                title="x",
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 2, 1),
                owners=[self.owner],
                development_area="x",
            )
        self.assertIn("owners", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            services.exchange_create(
                actor=self.olle,
                organiser=self.owner,
                title="x",
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 2, 1),
                owners=[self.owner, self.other_owner],  # another region
                development_area="x",
            )

    def test_the_working_group_reads_but_does_not_edit(self):
        exchange = self.exchange()
        self.client.force_login(self.greta)
        url = reverse("networks:exchange", args=[exchange.pk])
        # A leader in a participating owner's school: a member there, so 403 until added.
        self.assertEqual(self.client.get(url).status_code, 403)
        services.exchange_member_add(
            exchange=exchange, user=self.greta, owner=self.neighbour, task="Dokumentation"
        )
        self.assertEqual(self.client.get(url).status_code, 200)
        edit = reverse("networks:exchange_edit", args=[exchange.pk])
        self.assertEqual(self.client.get(edit).status_code, 403)

    def test_a_member_must_belong_to_the_owner(self):
        exchange = self.exchange()
        with self.assertRaises(ValidationError):
            services.exchange_member_add(
                exchange=exchange, user=self.charlie, owner=self.neighbour, task=""
            )

    def test_a_visit_has_a_participating_host_and_other_visitors(self):
        exchange = self.exchange()
        with self.assertRaises(ValidationError):
            services.exchange_visit_save(
                exchange=exchange,
                host=self.owner,
                visitors=[self.owner],
                starts_on=dt.date(2026, 3, 1),
                ends_on=dt.date(2026, 3, 1),
            )
        visit = services.exchange_visit_save(
            exchange=exchange,
            host=self.owner,
            visitors=[self.neighbour],
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 2),
            observations="Tydliga mål i alla klassrum vi besökte.",
        )
        self.assertEqual(list(visit.visitors.all()), [self.neighbour])

    def test_the_documentation_is_a_pdf_with_the_notes(self):
        exchange = self.exchange()
        services.exchange_update(exchange=exchange, analysis="Vi lärde oss mycket.")
        self.client.force_login(self.olle)
        response = self.client.get(reverse("networks:exchange_pdf", args=[exchange.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        page = self.client.get(reverse("networks:exchange", args=[exchange.pk]))
        self.assertContains(page, "Vi lärde oss mycket.")

    def test_the_create_form_names_the_field(self):
        self.client.force_login(self.olle)
        response = self.client.post(
            reverse("networks:exchange_create"),
            {
                "organiser": self.owner.pk,
                "title": "x",
                "starts_on": "2026-01-01",
                "ends_on": "2026-02-01",
                "owners": [self.owner.pk],
                "development_area": "x",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("owners", response.context["form"].errors)

    def test_the_home_page_offers_exchanges_to_organisers(self):
        self.client.force_login(self.olle)
        self.assertContains(self.client.get(reverse("home")), reverse("networks:exchanges"))
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get(reverse("home")), reverse("networks:exchanges"))

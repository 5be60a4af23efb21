"""A collaboration's yearly documentation of its critical-friend exchanges."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from samsyn.accounts.models import Membership, Organisation, Role
from samsyn.improvement import cycle
from samsyn.networks import services
from samsyn.networks.models import Exchange
from samsyn.test import BaseTestCase, make_user


class RegionalYearTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.neighbour = Organisation.objects.create(
            kind=Organisation.Kind.OWNER, name="Grannkommunen", parent=self.region
        )
        self.third = Organisation.objects.create(
            kind=Organisation.Kind.OWNER, name="Tredje kommunen", parent=self.region
        )
        self.coordinator = make_user("rebecka", "Rebecka Region")
        Membership.objects.create(
            user=self.coordinator, organisation=self.region, role=Role.OWNER_ADMIN
        )
        self.ours = services.exchange_create(
            actor=self.coordinator,
            organiser=self.region,
            title="Kritiska vänner vår 2026",
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 5, 31),
            owners=[self.owner, self.neighbour],
            development_area="Ledning av undervisningen",
        )
        Exchange.objects.filter(pk=self.ours.pk).update(analysis="Rektorerna följer lektionerna.")
        services.exchange_visit_save(
            exchange=self.ours,
            host=self.neighbour,
            visitors=[self.owner],
            starts_on=dt.date(2026, 3, 10),
            ends_on=dt.date(2026, 3, 11),
        )
        self.without_us = services.exchange_create(
            actor=self.coordinator,
            organiser=self.region,
            title="Utan Testkommun",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 11, 30),
            owners=[self.neighbour, self.third],
            development_area="Bedömning",
        )
        self.last_year = services.exchange_create(
            actor=self.coordinator,
            organiser=self.region,
            title="Förra året",
            starts_on=dt.date(2025, 2, 1),
            ends_on=dt.date(2025, 5, 31),
            owners=[self.owner, self.neighbour],
            development_area="x",
        )
        quality = cycle.cycle_create(owner=self.owner, year=2026, title="SKA", actor=self.olle)
        self.follow_up = quality.steps.filter(kind="follow_up").first()
        self.url = reverse("networks:regional_year", args=[self.region.pk, 2026])

    def test_the_region_sees_the_whole_year(self):
        self.login(self.coordinator)
        page = self.client.get(self.url).content.decode()
        self.assertIn("Kritiska vänner vår 2026", page)
        self.assertIn("Utan Testkommun", page)
        self.assertNotIn("Förra året", page)
        self.assertIn("Ledning av undervisningen", page)
        self.assertIn("Rektorerna följer lektionerna.", page)

    def test_a_member_owner_sees_its_exchanges_and_only_its_own_follow_up(self):
        self.login(self.olle)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Kritiska vänner vår 2026", page)
        self.assertNotIn("Utan Testkommun", page)  # an exchange Testkommun is not part of
        rows = {o.name: (h, m) for o, h, m in response.context["owner_rows"]}
        self.assertEqual(rows, {"Grannkommunen": (1, 0), "Testkommun": (0, 1)})
        follow = dict(response.context["doc"].follow_up)
        self.assertIsNone(follow[self.neighbour])  # another owner's quality work stays its own
        self.assertIn(self.follow_up, follow[self.owner])

    def test_outsiders_get_nothing_and_the_pdf_holds_the_year(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.login(self.olle)
        import pypdfium2

        response = self.client.get(
            reverse("networks:regional_year_pdf", args=[self.region.pk, 2026])
        )
        pdf = pypdfium2.PdfDocument(response.content)
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
        self.assertIn("Kritiska vänner vår 2026", text)
        self.assertNotIn("Utan Testkommun", text)

    def test_the_years_around_are_linked_only_when_the_reader_may_open_them(self):
        """(Found by the crawl: a member owner was shown a link to next year, a 403.)"""
        self.login(self.olle)
        response = self.client.get(self.url)
        self.assertEqual(response.context["nearby_years"], [2025])
        self.assertEqual(
            self.client.get(
                reverse("networks:regional_year", args=[self.region.pk, 2027])
            ).status_code,
            403,
        )
        self.login(self.coordinator)  # manages the region's exchanges: every year opens
        self.assertEqual(self.client.get(self.url).context["nearby_years"], [2025, 2027])

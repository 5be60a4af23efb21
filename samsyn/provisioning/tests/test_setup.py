"""Schools, round edits, network members and conflicts of interest, in the product."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from samsyn.accounts.models import AuditEvent, NetworkMembership, Organisation
from samsyn.networks.models import ConflictOfInterest
from samsyn.observations.models import Assignment, RoundObserver
from samsyn.observations.tests.factories import make_round
from samsyn.test import BaseTestCase


class SchoolTests(BaseTestCase):
    def url(self, *args) -> str:
        if args:
            return reverse("provisioning:school_edit", args=[self.owner.pk, *args])
        return reverse("provisioning:schools", args=[self.owner.pk])

    def test_an_owner_admin_adds_a_school_once(self):
        self.login(self.olle)
        data = {"name": "Nyskolan", "unit_code": "12345678", "municipality_code": "1380"}
        self.assertRedirects(self.client.post(self.url(), data), self.url())
        school = Organisation.objects.get(unit_code="12345678")
        self.assertEqual((school.parent, school.kind), (self.owner, "school"))
        again = self.client.post(self.url(), data)
        self.assertContains(again, "Skolenhetskoden används redan")
        same_name = self.client.post(self.url(), {"name": "nyskolan", "unit_code": ""})
        self.assertContains(same_name, "har redan en skola med det namnet")
        self.assertEqual(Organisation.objects.filter(name__iexact="nyskolan").count(), 1)

    def test_a_name_differing_only_in_the_case_of_a_swedish_letter_is_the_same(self):
        self.login(self.olle)
        self.client.post(self.url(), {"name": "Ängsskolan"})
        response = self.client.post(self.url(), {"name": "ängsskolan"})
        self.assertContains(response, "har redan en skola med det namnet")
        self.assertEqual(
            Organisation.objects.filter(parent=self.owner, name__endswith="ngsskolan").count(), 1
        )

    def test_a_bad_unit_code_is_refused(self):
        self.login(self.olle)
        response = self.client.post(self.url(), {"name": "X", "unit_code": "12ab"})
        self.assertContains(response, "åtta siffror")
        self.assertFalse(Organisation.objects.filter(name="X").exists())

    def test_editing_a_school(self):
        self.login(self.olle)
        data = {"name": "Skola A2", "unit_code": "87654321", "municipality_code": ""}
        self.client.post(self.url(self.school.pk), data)
        self.school.refresh_from_db()
        self.assertEqual((self.school.name, self.school.unit_code), ("Skola A2", "87654321"))
        taken = self.client.post(self.url(self.school_b.pk), {**data, "name": "Skola B"})
        self.assertContains(taken, "Skolenhetskoden används redan")

    def test_another_owners_school_cannot_be_edited_and_a_principal_cannot_add(self):
        self.login(self.olle)
        other = reverse("provisioning:school_edit", args=[self.owner.pk, self.other_school.pk])
        self.assertEqual(self.client.post(other, {"name": "Hack"}).status_code, 404)
        self.login(self.pia)
        self.assertEqual(self.client.post(self.url(), {"name": "Pias"}).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(self.url(), {"name": "Ch"}).status_code, 404)
        self.assertFalse(Organisation.objects.filter(name__in=["Hack", "Pias", "Ch"]).exists())


class RoundEditTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.round = make_round(self)
        self.url = reverse("provisioning:round_edit", args=[self.round.pk])

    def post(self, **changes):
        data = {
            "name": self.round.name,
            "starts_on": "2026-11-01",
            "ends_on": "2026-12-20",
            "observers": [self.oscar.pk],
        }
        data.update(changes)
        return self.client.post(self.url, data)

    def test_observers_and_dates_change_and_the_change_is_audited(self):
        self.login(self.pia)
        response = self.post(observers=[self.pia.pk], ends_on="2027-01-15")
        self.assertRedirects(response, reverse("observations:round", args=[self.round.pk]))
        self.round.refresh_from_db()
        self.assertEqual(self.round.ends_on, dt.date(2027, 1, 15))
        observers = set(
            RoundObserver.objects.filter(round=self.round).values_list("observer", flat=True)
        )
        self.assertEqual(observers, {self.pia.pk})
        # Oscar's planned visits without an observation are dropped.
        self.assertFalse(Assignment.objects.filter(round=self.round, observer=self.oscar).exists())
        event = AuditEvent.objects.get(object_type="round", object_id=str(self.round.pk))
        self.assertEqual(event.actor, self.pia)
        self.assertIn("2026-12-20 → 2027-01-15", event.detail)
        self.assertIn("observers added: pia@example.org", event.detail)
        self.assertIn("observers removed: oscar@example.org", event.detail)

    def test_dates_in_the_wrong_order_and_no_observer_are_refused(self):
        self.login(self.pia)
        self.assertContains(self.post(ends_on="2026-10-01"), "kan inte vara före")
        self.assertEqual(self.post(observers=[]).status_code, 200)
        self.assertFalse(AuditEvent.objects.filter(object_type="round").exists())

    def test_a_closed_round_cannot_change(self):
        self.round.status = "closed"
        self.round.save()
        self.login(self.pia)
        self.assertContains(self.post(name="Ny"), "stängd")
        self.round.refresh_from_db()
        self.assertNotEqual(self.round.name, "Ny")

    def test_a_teacher_gets_403_and_an_outsider_404(self):
        self.login(self.alice)
        self.assertEqual(self.post(name="x").status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.post(name="x").status_code, 404)


class NetworkTests(BaseTestCase):
    def test_a_coordinator_adds_and_removes_a_member_school(self):
        self.login(self.nina)
        url = reverse("provisioning:network_members", args=[self.network.pk])
        page = self.client.get(url)
        self.assertContains(page, "Skola B")
        self.assertNotContains(page, "Annan skola")  # another region's school is not offered
        self.client.post(url, {"choice": self.school_b.pk})
        member = NetworkMembership.objects.get(network=self.network, school=self.school_b)
        refused = self.client.post(url, {"choice": self.other_school.pk})
        self.assertEqual(refused.status_code, 200)
        self.assertFalse(NetworkMembership.objects.filter(school=self.other_school).exists())
        remove = reverse("provisioning:network_member_remove", args=[self.network.pk, member.pk])
        self.client.post(remove)
        self.assertFalse(NetworkMembership.objects.filter(pk=member.pk).exists())

    def test_a_school_principal_cannot_change_members(self):
        self.login(self.pia)
        url = reverse("provisioning:network_members", args=[self.network.pk])
        self.assertEqual(self.client.post(url, {"choice": self.school_b.pk}).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(url, {"choice": self.other_school.pk}).status_code, 404)
        self.assertEqual(NetworkMembership.objects.filter(network=self.network).count(), 1)

    def test_a_coordinator_records_and_removes_a_conflict_of_interest(self):
        self.login(self.nina)
        url = reverse("provisioning:conflicts", args=[self.network.pk])
        self.client.post(url, {"user": self.pia.pk, "school": self.school.pk, "reason": "Syster"})
        conflict = ConflictOfInterest.objects.get(user=self.pia, school=self.school)
        self.assertEqual(conflict.reason, "Syster")
        self.assertContains(self.client.get(url), "Syster")
        remove = reverse("provisioning:conflict_remove", args=[self.network.pk, conflict.pk])
        self.client.post(remove)
        self.assertFalse(ConflictOfInterest.objects.exists())

    def test_a_conflict_at_a_school_outside_the_network_cannot_be_removed_through_it(self):
        outside = ConflictOfInterest.objects.create(user=self.bob, school=self.other_school)
        self.login(self.nina)
        remove = reverse("provisioning:conflict_remove", args=[self.network.pk, outside.pk])
        self.assertEqual(self.client.post(remove).status_code, 404)
        self.assertTrue(ConflictOfInterest.objects.filter(pk=outside.pk).exists())


class MyConflictTests(BaseTestCase):
    def test_a_principal_of_a_member_school_finds_the_page_from_home(self):
        self.login(self.pia)
        url = reverse("provisioning:my_conflicts", args=[self.network.pk])
        self.assertContains(self.client.get("/"), url)
        self.login(self.alice)
        self.assertNotContains(self.client.get("/"), url)

    def test_a_teacher_declares_and_removes_their_own_conflict(self):
        self.login(self.alice)
        url = reverse("provisioning:my_conflicts", args=[self.network.pk])
        self.client.post(url, {"choice": self.school.pk, "reason": "Min bror"})
        conflict = ConflictOfInterest.objects.get(user=self.alice, school=self.school)
        self.assertEqual(conflict.reason, "Min bror")
        remove = reverse("provisioning:my_conflict_remove", args=[self.network.pk, conflict.pk])
        self.client.post(remove)
        self.assertFalse(ConflictOfInterest.objects.exists())

    def test_someone_elses_conflict_cannot_be_removed_and_outsiders_get_404(self):
        theirs = ConflictOfInterest.objects.create(user=self.pia, school=self.school)
        self.login(self.alice)
        remove = reverse("provisioning:my_conflict_remove", args=[self.network.pk, theirs.pk])
        self.assertEqual(self.client.post(remove).status_code, 404)
        self.assertTrue(ConflictOfInterest.objects.filter(pk=theirs.pk).exists())
        self.login(self.charlie)
        url = reverse("provisioning:my_conflicts", args=[self.network.pk])
        self.assertEqual(self.client.post(url, {"choice": self.school.pk}).status_code, 404)
        self.assertEqual(ConflictOfInterest.objects.count(), 1)

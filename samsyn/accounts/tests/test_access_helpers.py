from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from samsyn.accounts.access import (
    Perm,
    get_organisation_for_user,
    invitable_roles,
    permissions_at,
)
from samsyn.accounts.models import Role
from samsyn.test import BaseTestCase


class AccessHelperTests(BaseTestCase):
    def request_as(self, user):
        request = RequestFactory().get("/")
        request.user = user
        return request

    def test_it_gives_owner_admin_rights_in_schools_below(self):
        perms = permissions_at(self.olle, self.school)
        self.assertIn(Perm.DEACTIVATE_USERS, perms)
        self.assertIn(Perm.VIEW_PERSON, perms)

    def test_it_gives_teacher_view_only(self):
        perms = permissions_at(self.alice, self.school)
        self.assertIn(Perm.VIEW, perms)
        for perm in (Perm.VIEW_MEMBERS, Perm.INVITE, Perm.VIEW_PERSON, Perm.VIEW_OBSERVATIONS):
            self.assertNotIn(perm, perms)

    def test_it_lets_members_below_see_the_parent(self):
        self.assertEqual(permissions_at(self.alice, self.owner), {Perm.VIEW})

    def test_it_lets_network_coordinator_see_member_schools_only(self):
        self.assertEqual(permissions_at(self.nina, self.school), {Perm.VIEW})
        self.assertEqual(permissions_at(self.nina, self.school_b), frozenset())

    def test_it_returns_404_for_outsiders(self):
        with self.assertRaises(Http404):
            get_organisation_for_user(user=self.request_as(self.charlie).user, pk=self.school.pk)

    def test_it_returns_403_for_member_without_permission(self):
        with self.assertRaises(PermissionDenied):
            get_organisation_for_user(
                user=self.request_as(self.alice).user, pk=self.school.pk, perm=Perm.INVITE
            )

    def test_it_returns_404_for_missing_organisation(self):
        with self.assertRaises(Http404):
            get_organisation_for_user(user=self.request_as(self.adam).user, pk=999999)

    def test_it_gives_nothing_to_deactivated_users(self):
        self.olle.is_active = False
        self.assertEqual(permissions_at(self.olle, self.school), frozenset())

    def test_it_limits_invitable_roles_by_inviter_and_kind(self):
        self.assertEqual(
            invitable_roles(self.pia, self.school), [Role.TEACHER, Role.OBSERVER, Role.PRINCIPAL]
        )
        self.assertEqual(invitable_roles(self.pia, self.owner), [])
        self.assertIn(Role.OWNER_ADMIN, invitable_roles(self.olle, self.owner))
        self.assertEqual(
            invitable_roles(self.nina, self.network), [Role.NETWORK_COORDINATOR, Role.RESEARCHER]
        )
        self.assertEqual(invitable_roles(self.alice, self.school), [])

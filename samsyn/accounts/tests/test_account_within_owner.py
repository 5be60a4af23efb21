"""One rule for changing an account itself (SSO linking, GDPR rectification)."""

from __future__ import annotations

from samsyn.accounts.access import account_within_owner
from samsyn.accounts.models import Membership, Role
from samsyn.test import BaseTestCase


class AccountWithinOwnerTests(BaseTestCase):
    def test_roles_all_below_the_owner(self) -> None:
        self.assertTrue(account_within_owner(self.alice, self.owner.pk))  # teacher at its school
        self.assertTrue(account_within_owner(self.olle, self.owner.pk))  # the owner itself

    def test_a_role_elsewhere_keeps_the_account_out_of_reach(self) -> None:
        self.assertFalse(account_within_owner(self.charlie, self.owner.pk))
        Membership.objects.create(
            user=self.alice, organisation=self.other_school, role=Role.TEACHER
        )
        self.assertFalse(account_within_owner(self.alice, self.owner.pk))
        self.assertFalse(account_within_owner(self.alice, self.other_owner.pk))

    def test_platform_accounts_never(self) -> None:
        self.assertFalse(account_within_owner(self.adam, self.owner.pk))

    def test_sso_linking_and_rectification_use_it(self) -> None:
        """Both callers answer as the shared rule does (no second copy to drift)."""
        from django.core.exceptions import ValidationError

        from samsyn.integrations.models import SsoProvider
        from samsyn.integrations.oidc import _may_link
        from samsyn.privacy.models import SubjectRequest
        from samsyn.privacy.services import ERR_OTHER_OWNER, check_may_change

        provider = SsoProvider(owner=self.owner)
        Membership.objects.create(user=self.bob, organisation=self.other_school, role=Role.TEACHER)
        self.assertTrue(_may_link(self.alice, provider))
        self.assertFalse(_may_link(self.bob, provider))
        with self.assertRaisesMessage(ValidationError, str(ERR_OTHER_OWNER)):
            check_may_change(
                owner=self.owner,
                actor=self.olle,
                subject=self.bob,
                kind=SubjectRequest.Kind.RECTIFICATION,
            )
        check_may_change(
            owner=self.owner,
            actor=self.olle,
            subject=self.alice,
            kind=SubjectRequest.Kind.RECTIFICATION,
        )

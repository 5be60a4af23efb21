"""Reads for onboarding, scoped to the acting user (the access layer: samsyn.accounts.access)."""

from __future__ import annotations

from samsyn.accounts.access import Perm, get_object_for_user
from samsyn.accounts.models import NetworkMembership, Organisation, User
from samsyn.provisioning.models import ImportRun


def get_import_run_for_user(
    *, user: User, pk: int, owner: Organisation, perm: Perm = Perm.ORGANISATIONS_MANAGE
) -> ImportRun:
    """An import run of `owner` (404 when it is another owner's)."""
    return get_object_for_user(
        user=user,
        queryset=ImportRun.objects.select_related("owner").filter(owner=owner),
        perm=perm,
        org_of=lambda run: run.owner,
        pk=pk,
    )


def get_owner_school_for_user(
    *, user: User, pk: int, owner: Organisation, perm: Perm = Perm.ORGANISATIONS_MANAGE
) -> Organisation:
    """A school directly under `owner` (404 for any other organisation)."""
    return get_object_for_user(
        user=user,
        queryset=Organisation.objects.filter(parent=owner, kind=Organisation.Kind.SCHOOL),
        perm=perm,
        org_of=lambda school: school,
        pk=pk,
    )


def get_network_membership_for_user(
    *, user: User, pk: int, network: Organisation, perm: Perm = Perm.PEER_REVIEW_COORDINATE
) -> NetworkMembership:
    """A member school's link to `network` (404 when it is another network's)."""
    return get_object_for_user(
        user=user,
        queryset=NetworkMembership.objects.select_related("network").filter(network=network),
        perm=perm,
        org_of=lambda membership: membership.network,
        pk=pk,
    )

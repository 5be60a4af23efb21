"""Reads for onboarding, scoped to the acting user (the access layer: samsyn.accounts.access)."""

from __future__ import annotations

from samsyn.accounts.access import Perm, get_object_for_user, get_party_object_for_user
from samsyn.accounts.models import NetworkMembership, Organisation, User
from samsyn.networks.models import ConflictOfInterest
from samsyn.networks.selectors import network_perms
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


def get_conflict_of_interest_for_user(
    *, user: User, pk: int, perm: Perm, network: Organisation
) -> ConflictOfInterest:
    """A reviewer's declared conflict with one of `network`'s member schools, for those who
    hold `perm` on the network (removing one is PEER_REVIEW_COORDINATE): 404 for outsiders and
    for a conflict with a school outside the network, 403 for the network's other members."""
    return get_object_for_user(
        user=user,
        queryset=ConflictOfInterest.objects.filter(school__network_links__network=network),
        perm=perm,
        org_of=lambda conflict: network,
        perms_of=lambda conflict: network_perms(user, network),
        pk=pk,
    )


def get_own_conflict_of_interest_for_user(
    *, user: User, pk: int, network: Organisation
) -> ConflictOfInterest:
    """One's own declared conflict with one of `network`'s member schools: its only party is
    the reviewer who declared it (404 for everyone else)."""
    return get_party_object_for_user(
        user=user,
        queryset=ConflictOfInterest.objects.filter(school__network_links__network=network),
        parties=lambda conflict: [conflict.user_id],
        pk=pk,
    )

"""Reads for accounts, always scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from samsyn.accounts.access import (
    Perm,
    ancestor_ids,
    get_object_for_user,
    invitable_roles,
    permissions_at,
    require,
)
from samsyn.accounts.models import (
    AuditEvent,
    Invitation,
    Membership,
    NetworkMembership,
    Organisation,
    Role,
    User,
)


@dataclass
class OrganisationRoles:
    organisation: Organisation
    roles: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]


def organisations_for_user(*, user: User) -> list[OrganisationRoles]:
    """The organisations where the user holds a role, with those roles, ordered by kind."""
    by_org: dict[int, OrganisationRoles] = {}
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation", "organisation__parent")
        .order_by("organisation__name", "role")
    )
    for membership in memberships:
        entry = by_org.setdefault(
            membership.organisation_id, OrganisationRoles(membership.organisation)
        )
        entry.roles.append(membership.role)
    order = {kind: i for i, kind in enumerate(["school", "owner", "network", "region"])}
    return sorted(
        by_org.values(), key=lambda e: (order.get(e.organisation.kind, 9), str(e.organisation))
    )


def organisation_perms(user: User, organisation: Organisation) -> frozenset[Perm]:
    """The user's permissions in `organisation`, INVITE only when there is a role they may
    hand out there (`invitable_roles`)."""
    perms = permissions_at(user, organisation)
    if Perm.INVITE in perms and not invitable_roles(user, organisation):
        perms = perms - {Perm.INVITE}
    return perms


def get_invitation_for_user(
    *, user: User, pk: int, organisation: Organisation, perm: Perm = Perm.INVITE
) -> Invitation:
    """An invitation to `organisation` (404 when it is another organisation's)."""
    return get_object_for_user(
        user=user,
        queryset=Invitation.objects.filter(organisation=organisation),
        perm=perm,
        org_of=lambda invitation: invitation.organisation,
        pk=pk,
    )


def get_membership_for_user(
    *, user: User, pk: int, organisation: Organisation, perm: Perm = Perm.MANAGE_MEMBERS
) -> Membership:
    """A role held directly in `organisation` (404 when it is held elsewhere)."""
    return get_object_for_user(
        user=user,
        queryset=Membership.objects.select_related("user", "organisation").filter(
            organisation=organisation
        ),
        perm=perm,
        org_of=lambda membership: membership.organisation,
        pk=pk,
    )


def organisation_children(*, user: User, organisation: Organisation) -> QuerySet[Organisation]:
    """Organisations directly below (a network's member schools count as below it)."""
    require(user, organisation, Perm.VIEW)
    if organisation.kind == Organisation.Kind.NETWORK:
        return (
            Organisation.objects.filter(network_links__network=organisation)
            .annotate(
                member_count=Count("memberships__user", distinct=True),
            )
            .order_by("name")
        )
    return organisation.children.annotate(
        member_count=Count("memberships__user", distinct=True)
    ).order_by("kind", "name")


def network_hub_ids(*, user: User, organisation: Organisation) -> set[int]:
    require(user, organisation, Perm.VIEW)
    return set(
        NetworkMembership.objects.filter(network=organisation, is_hub=True).values_list(
            "school_id", flat=True
        )
    )


def organisation_members(
    *, user: User, organisation: Organisation, query: str = "", role: str = ""
) -> QuerySet[Membership]:
    """Roles held directly in `organisation`. Callers have checked Perm.VIEW_MEMBERS."""
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    if role:
        memberships = memberships.filter(role=role)
    if query:
        memberships = memberships.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    return memberships.order_by("user__full_name", "role")


def organisation_open_invitations(*, user: User, organisation: Organisation) -> list[Invitation]:
    require(user, organisation, Perm.VIEW_MEMBERS)
    invitations = Invitation.objects.filter(
        organisation=organisation, accepted_at=None, revoked_at=None
    ).select_related("invited_by")
    return [invitation for invitation in invitations if invitation.is_open]


def person_for_user(*, user: User, organisation: Organisation, person_id: int) -> User:
    """A person who holds a role in `organisation` or below; 404 otherwise.

    The caller audits the read.
    """
    require(user, organisation, Perm.VIEW_PERSON)
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    for membership in Membership.objects.filter(user=person).select_related("organisation"):
        if organisation.pk in ancestor_ids(membership.organisation):
            return person
    raise Http404


def person_memberships_visible_to(*, user: User, person: User) -> list[Membership]:
    """The person's roles in organisations where the user may view members."""
    memberships = Membership.objects.filter(user=person).select_related("organisation")
    return [m for m in memberships if Perm.VIEW_MEMBERS in permissions_at(user, m.organisation)]


def audit_events(
    *, user: User, actor_query: str = "", subject_query: str = "", action: str = ""
) -> QuerySet[AuditEvent]:
    """The audit log, newest first, for platform admins (404 for everyone else)."""
    if not user.is_authenticated or not user.is_platform_admin:
        raise Http404
    events = AuditEvent.objects.select_related("organisation")
    if actor_query:
        events = events.filter(actor_label__icontains=actor_query)
    if subject_query:
        events = events.filter(subject_label__icontains=subject_query)
    if action:
        events = events.filter(action=action)
    return events

"""The regional collaboration's groups: members and mandates, meetings, assignments from one
group to another, and decisions with their basis in a searchable decision log.

Access: the network's coordinators (`Perm.COLLABORATION_MANAGE`) manage everything; members of
the steering group read every group; a member of another group reads that group only. Other
members of the network get 403, everyone else 404. A group's chair and secretary record its
meetings and decisions. Seats grant object-level Perm values (`collaboration_perms`,
`group_perms`), read through `get_<entity>_for_user(*, user, pk, perm)`.

Search over decisions (text and basis) stems both sides with `samsyn.improvement.search.stem`,
in Swedish and English, and matches whole stems kept in `GroupDecision.search_stems`: the same
query on SQLite and PostgreSQL, through the ORM.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.access import Perm, get_object_for_user, permissions_at
from samsyn.accounts.models import Organisation, User
from samsyn.improvement.search import stem, words
from samsyn.networks.models import (
    CollaborationGroup,
    Exchange,
    GroupAssignment,
    GroupDecision,
    GroupMeeting,
    GroupMember,
)

ERR_NAME_TAKEN = _("The collaboration already has a group with this name.")
ERR_ONE_CHAIR = _("The group already has a chair. Make the current chair a member first.")
ERR_SAME_GROUP = _("An assignment goes from one group to another group.")
ERR_OTHER_NETWORK = _("Both groups must belong to the same collaboration.")
ERR_MEETING_OTHER_GROUP = _("The meeting belongs to another group.")
ERR_DECISION_EMPTY = _("Write what was decided.")
ERR_NOT_A_NETWORK = _("Groups belong to a network (the collaboration).")
ERR_EXCHANGE_ELSEWHERE = _("Choose an exchange of this collaboration.")
ERR_MEETING_CANCELLED = _("The meeting is cancelled.")
ERR_MEETING_HAS_DECISIONS = _(
    "Decisions were recorded at this meeting, so it took place: it cannot be cancelled."
)
ERR_ALREADY_CORRECTED = _(
    "This decision has already been corrected: correct the latest version instead."
)
ERR_CORRECTION_REASON = _("Say why the decision is corrected.")
RECORDERS = (GroupMember.GroupRole.CHAIR, GroupMember.GroupRole.SECRETARY)


# ----------------------------------------------------------------------------- access


def _seats(user: User, network: Organisation) -> set[str]:
    """The kinds of the network's groups the user sits in."""
    if not user.is_authenticated:
        return set()
    return set(
        GroupMember.objects.filter(user=user, group__network=network).values_list(
            "group__kind", flat=True
        )
    )


def seat_perms(user: User, network: Organisation) -> frozenset[Perm]:
    """The user's permissions in the network, with what its coordinating role and group seats
    grant: a seat opens the collaboration and its competence development, a steering seat or
    coordinating reads every group."""
    perms = set(permissions_at(user, network))
    seats = _seats(user, network)
    if Perm.COLLABORATION_MANAGE in perms or CollaborationGroup.Kind.STEERING in seats:
        perms.add(Perm.COLLABORATION_VIEW_ALL)
    if Perm.COLLABORATION_MANAGE in perms or seats:
        perms |= {Perm.COLLABORATION_VIEW, Perm.COMPETENCE_VIEW}
    return frozenset(perms)


def collaboration_perms(user: User, network: Organisation) -> frozenset[Perm]:
    """`seat_perms`, and COMPETENCE_VIEW for a participant of one of its efforts."""
    perms = seat_perms(user, network)
    if (
        Perm.COMPETENCE_VIEW not in perms
        and user.is_authenticated
        and network.competence_efforts.filter(participants=user).exists()
    ):
        perms |= {Perm.COMPETENCE_VIEW}
    return perms


def group_perms(user: User, group: CollaborationGroup) -> frozenset[Perm]:
    """The user's permissions on a group: those in its collaboration (`seat_perms`), reading
    it for the steering group and its own members, recording in it for its chair and
    secretary; coordinators hold both."""
    perms = set(seat_perms(user, group.network))
    manage = Perm.COLLABORATION_MANAGE in perms
    role = None
    if user.is_authenticated:
        role = group.members.filter(user=user).values_list("role", flat=True).first()
    if manage or role is not None or Perm.COLLABORATION_VIEW_ALL in perms:
        perms.add(Perm.COLLABORATION_GROUP_VIEW)
    if manage or role in RECORDERS:
        perms.add(Perm.COLLABORATION_RECORD)
    return frozenset(perms)


def get_collaboration_for_user(
    *, user: User, pk: int, perm: Perm = Perm.COLLABORATION_VIEW
) -> Organisation:
    """The network if the user holds `perm` on it (`seat_perms`): its coordinators manage
    it, anyone with a seat in one of its groups reads it; 403 for its other members, 404 for
    everyone else (an effort's participant without a seat or a role in the network too)."""
    return get_object_for_user(
        user=user,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.NETWORK),
        perm=perm,
        org_of=lambda network: network,
        perms_of=lambda network: seat_perms(user, network),
        pk=pk,
    )


def visible_groups(user: User, network: Organisation) -> QuerySet[CollaborationGroup]:
    groups = CollaborationGroup.objects.filter(network=network)
    if Perm.COLLABORATION_VIEW_ALL in seat_perms(user, network):
        return groups
    if not user.is_authenticated:
        return groups.none()
    return groups.filter(members__user=user).distinct()


def get_group_for_user(
    *, user: User, pk: int, perm: Perm = Perm.COLLABORATION_GROUP_VIEW
) -> CollaborationGroup:
    """The group if the user holds `perm` on it (`group_perms`); 403 for the network's other
    members and those with a seat in another of its groups, 404 for everyone else."""
    return get_object_for_user(
        user=user,
        queryset=CollaborationGroup.objects.select_related("network"),
        perm=perm,
        org_of=lambda group: group.network,
        perms_of=lambda group: group_perms(user, group),
        pk=pk,
    )


def _child_of_group(
    *, user: User, queryset: QuerySet, group: CollaborationGroup, pk: int, perm: Perm
):
    """A meeting, decision or seat of `group` (404 when it is another group's), by the user's
    permissions on the group."""
    return get_object_for_user(
        user=user,
        queryset=queryset.filter(group=group),
        perm=perm,
        org_of=lambda _obj: group.network,
        perms_of=lambda _obj: group_perms(user, group),
        pk=pk,
    )


def get_meeting_for_user(
    *, user: User, pk: int, group: CollaborationGroup, perm: Perm = Perm.COLLABORATION_RECORD
) -> GroupMeeting:
    """A meeting of `group`: to edit or cancel it, the group's recorders and the
    coordinators."""
    return _child_of_group(
        user=user, queryset=GroupMeeting.objects.all(), group=group, pk=pk, perm=perm
    )


def get_decision_for_user(
    *, user: User, pk: int, group: CollaborationGroup, perm: Perm = Perm.COLLABORATION_RECORD
) -> GroupDecision:
    """A decision of `group`: to correct it, the group's recorders and the coordinators."""
    return _child_of_group(
        user=user,
        queryset=GroupDecision.objects.select_related("meeting"),
        group=group,
        pk=pk,
        perm=perm,
    )


def get_member_for_user(
    *, user: User, pk: int, group: CollaborationGroup, perm: Perm = Perm.COLLABORATION_MANAGE
) -> GroupMember:
    """A seat in `group`: to remove it, the coordinators."""
    return _child_of_group(
        user=user,
        queryset=GroupMember.objects.select_related("user"),
        group=group,
        pk=pk,
        perm=perm,
    )


def get_assignment_for_user(
    *, user: User, pk: int, perm: Perm = Perm.COLLABORATION_RECORD
) -> GroupAssignment:
    """An assignment by the user's permissions on the group that received it: to change its
    status, its recorders (`COLLABORATION_RECORD`) and the coordinators."""
    return get_object_for_user(
        user=user,
        queryset=GroupAssignment.objects.select_related("to_group__network", "from_group"),
        perm=perm,
        org_of=lambda assignment: assignment.to_group.network,
        perms_of=lambda assignment: group_perms(user, assignment.to_group),
        pk=pk,
    )


# ----------------------------------------------------------------------------- reads


def group_overview(group: CollaborationGroup) -> dict:
    return {
        "members": list(group.members.select_related("user")),
        "meetings": list(
            group.meetings.select_related("cancelled_by").prefetch_related("decisions")
        ),
        "given": list(group.assignments_given.select_related("to_group")),
        "received": list(group.assignments_received.select_related("from_group")),
        "decisions": list(group.decisions.select_related("meeting", "corrects", "corrected_by")),
    }


def decision_stems(text: str) -> str:
    """Swedish and English stems of `text`, each once, between spaces."""
    stems = dict.fromkeys([*stem(text, "sv"), *stem(text, "en")])
    return f" {' '.join(stems)} " if stems else ""


def search_decisions(decisions: QuerySet[GroupDecision], query: str) -> QuerySet[GroupDecision]:
    """Decisions whose text or basis holds every word of `query` (in any inflection the
    Swedish or English stemmer brings to the same stem)."""
    for word in dict.fromkeys(words(query)):
        match = Q()
        for language in ("sv", "en"):
            for found in stem(word, language):
                match |= Q(search_stems__contains=f" {found} ")
        decisions = decisions.filter(match)
    return decisions


def decisions_for_user(
    user: User, network: Organisation, *, query: str = ""
) -> QuerySet[GroupDecision]:
    """The decision log: decisions of the groups the user sees, newest first."""
    decisions = GroupDecision.objects.filter(
        group__in=visible_groups(user, network)
    ).select_related("group", "meeting", "corrects", "corrected_by")
    if query.strip():
        decisions = search_decisions(decisions, query)
    return decisions


def exchanges_of(network: Organisation) -> QuerySet[Exchange]:
    """Exchanges of the collaboration: organised by the network or its region, or with an
    owner of one of its member schools taking part."""
    owner_ids = Organisation.objects.filter(children__network_links__network=network).values_list(
        "pk", flat=True
    )
    organisers = [network.pk, *([network.parent_id] if network.parent_id else [])]
    return (
        Exchange.objects.filter(Q(organiser_id__in=organisers) | Q(owners__in=owner_ids))
        .distinct()
        .order_by("-starts_on", "title")
    )


def people_of(network: Organisation) -> QuerySet[User]:
    """People who may sit in the collaboration's groups: anyone with a role in the network,
    its region, its member schools or those schools' owners, or a seat in one of its groups."""
    schools = Organisation.objects.filter(network_links__network=network)
    owners = Organisation.objects.filter(children__in=schools)
    orgs = [network.pk, *([network.parent_id] if network.parent_id else [])]
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__organisation_id__in=orgs)
            | Q(memberships__organisation__in=schools)
            | Q(memberships__organisation__in=owners)
            | Q(collaboration_seats__group__network=network)
        )
        .distinct()
        .order_by("full_name")
    )


# ----------------------------------------------------------------------------- writes


@transaction.atomic
def group_save(
    *,
    network: Organisation,
    kind: str,
    name: str,
    mandate: str = "",
    exchange: Exchange | None = None,
    group: CollaborationGroup | None = None,
) -> CollaborationGroup:
    if network.kind != Organisation.Kind.NETWORK:
        raise ValidationError(ERR_NOT_A_NETWORK)
    if exchange is not None and not exchanges_of(network).filter(pk=exchange.pk).exists():
        raise ValidationError({"exchange": ERR_EXCHANGE_ELSEWHERE})
    group = group or CollaborationGroup(network=network)
    group.kind, group.name, group.mandate, group.exchange = kind, name.strip(), mandate, exchange
    if (
        CollaborationGroup.objects.filter(network=network, name__iexact=group.name)
        .exclude(pk=group.pk)
        .exists()
    ):
        raise ValidationError({"name": ERR_NAME_TAKEN})
    group.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as error:
        raise ValidationError({"name": ERR_NAME_TAKEN}) from error
    return group


@transaction.atomic
def group_member_set(
    *, group: CollaborationGroup, user: User, role: str, represents: str = ""
) -> GroupMember:
    """Add `user` to the group, or change their role; one chair per group."""
    if (
        role == GroupMember.GroupRole.CHAIR
        and group.members.filter(role=GroupMember.GroupRole.CHAIR).exclude(user=user).exists()
    ):
        raise ValidationError({"role": ERR_ONE_CHAIR})
    member = group.members.filter(user=user).first() or GroupMember(group=group, user=user)
    member.role, member.represents = role, represents.strip()
    member.full_clean(validate_constraints=False)
    member.save()
    return member


@transaction.atomic
def group_member_remove(*, member: GroupMember) -> None:
    member.delete()


@transaction.atomic
def meeting_save(
    *,
    group: CollaborationGroup,
    held_on: dt.date,
    agenda: str = "",
    minutes: str = "",
    meeting: GroupMeeting | None = None,
) -> GroupMeeting:
    if meeting is not None and meeting.cancelled_at is not None:
        raise ValidationError(ERR_MEETING_CANCELLED)
    meeting = meeting or GroupMeeting(group=group)
    meeting.held_on, meeting.agenda, meeting.minutes = held_on, agenda, minutes
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: GroupMeeting) -> GroupMeeting:
    """Mark a meeting cancelled by `actor` (it stays listed, with who cancelled it and when).
    A meeting with decisions took place."""
    meeting = GroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.cancelled_at is not None:
        return meeting
    if meeting.decisions.exists():
        raise ValidationError(ERR_MEETING_HAS_DECISIONS)
    meeting.cancelled_at = timezone.now()
    meeting.cancelled_by = actor
    meeting.save(update_fields=["cancelled_at", "cancelled_by"])
    return meeting


@transaction.atomic
def assignment_create(
    *,
    from_group: CollaborationGroup,
    to_group: CollaborationGroup,
    description: str,
    due_on: dt.date | None = None,
) -> GroupAssignment:
    if from_group.pk == to_group.pk:
        raise ValidationError({"to_group": ERR_SAME_GROUP})
    if from_group.network_id != to_group.network_id:
        raise ValidationError({"to_group": ERR_OTHER_NETWORK})
    assignment = GroupAssignment(
        from_group=from_group, to_group=to_group, description=description.strip(), due_on=due_on
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_set_status(*, assignment: GroupAssignment, status: str) -> GroupAssignment:
    assignment.status = status
    assignment.full_clean()
    assignment.save(update_fields=["status"])
    return assignment


@transaction.atomic
def decision_create(
    *,
    actor: User | None,
    group: CollaborationGroup,
    decided_on: dt.date,
    text: str,
    basis: str = "",
    follow_up: str = "",
    meeting: GroupMeeting | None = None,
) -> GroupDecision:
    if not text.strip():
        raise ValidationError({"text": ERR_DECISION_EMPTY})
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError({"meeting": ERR_MEETING_OTHER_GROUP})
    if meeting is not None and meeting.cancelled_at is not None:
        raise ValidationError({"meeting": ERR_MEETING_CANCELLED})
    decision = GroupDecision(
        group=group,
        meeting=meeting,
        decided_on=decided_on,
        text=text.strip(),
        basis=basis.strip(),
        follow_up=follow_up.strip(),
        created_by=actor,
    )
    decision.search_stems = decision_stems(f"{decision.text} {decision.basis}")
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_correct(
    *,
    actor: User | None,
    decision: GroupDecision,
    decided_on: dt.date,
    text: str,
    reason: str,
    basis: str = "",
    follow_up: str = "",
    meeting: GroupMeeting | None = None,
) -> GroupDecision:
    """Record a correction of `decision`: a new entry in the log that corrects it, with the
    reason. The earlier decision is kept unchanged (the log is append-only); a decision is
    corrected once, and a later correction corrects the latest version."""
    decision = GroupDecision.objects.select_for_update().get(pk=decision.pk)
    if GroupDecision.objects.filter(corrects=decision).exists():
        raise ValidationError(ERR_ALREADY_CORRECTED)
    if not reason.strip():
        raise ValidationError({"reason": ERR_CORRECTION_REASON})
    correction = decision_create(
        actor=actor,
        group=decision.group,
        decided_on=decided_on,
        text=text,
        basis=basis,
        follow_up=follow_up,
        meeting=meeting,
    )
    correction.corrects, correction.correction_reason = decision, reason.strip()
    try:
        with transaction.atomic():
            correction.save(update_fields=["corrects", "correction_reason"])
    except IntegrityError as error:  # corrected at the same moment by someone else
        raise ValidationError(ERR_ALREADY_CORRECTED) from error
    return correction

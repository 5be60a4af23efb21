"""Reads for workshops, always scoped to the acting user.

Who sees what: the school's own people (teachers, observers, principals holding their role in
the school itself) see its workshops, notes and actions: they are collective, about "our
teaching", never about one person. Principals (Perm.WORKSHOPS_MANAGE) prepare and run them.
Owner administrators, network coordinators and researchers reach the school from above, but
see nothing of this (403); everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from samsyn.accounts.access import Perm, organisations_with_perm, permissions_at, refuse
from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.observations.models import Round
from samsyn.workshops.models import Action, Workshop, WorkshopItem

SCHOOL_ROLES = (Role.TEACHER, Role.OBSERVER, Role.PRINCIPAL)


def is_school_member(user: User, school: Organisation) -> bool:
    """Whether the user holds a teaching or leading role in the school itself."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, organisation=school, role__in=SCHOOL_ROLES).exists()


def can_view(user: User, school: Organisation, perms: frozenset[Perm] | None = None) -> bool:
    perms = permissions_at(user, school) if perms is None else perms
    return Perm.WORKSHOPS_MANAGE in perms or is_school_member(user, school)


def get_school_for_user(request: HttpRequest, pk: int, *, manage: bool = False) -> Organisation:
    """The school `pk` for its own people (or, with `manage`, its principals): 404 for
    outsiders, 403 for those who reach it without the right."""
    school = Organisation.objects.filter(pk=pk).select_related("parent").first()
    if school is None:
        raise Http404
    perms = permissions_at(request.user, school)
    if school.kind != Organisation.Kind.SCHOOL:
        refuse(request.user, school, perms)
    allowed = Perm.WORKSHOPS_MANAGE in perms if manage else can_view(request.user, school, perms)
    if not allowed:
        refuse(request.user, school, perms)
    return school


def get_workshop(school: Organisation, pk: int) -> Workshop:
    return get_object_or_404(
        Workshop.objects.select_related("round", "compare_round", "school"), pk=pk, school=school
    )


def get_item(workshop: Workshop, pk: int) -> WorkshopItem:
    return get_object_or_404(WorkshopItem, pk=pk, workshop=workshop)


def get_action(school: Organisation, pk: int) -> Action:
    return get_object_or_404(Action.objects.select_related("owner"), pk=pk, school=school)


def school_rounds(school: Organisation) -> QuerySet[Round]:
    """Rounds that observed the school, peer rounds left out (they belong to a triad only)."""
    return (
        Round.objects.filter(schools=school, is_peer=False)
        .select_related("framework_version")
        .distinct()
        .order_by("-starts_on", "name")
    )


def school_teachers(school: Organisation) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=school,
            memberships__role=Role.TEACHER,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def school_people(school: Organisation) -> QuerySet[User]:
    """Who may own an action: the school's teachers, observers and principals."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=school,
            memberships__role__in=SCHOOL_ROLES,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def workshops_of(school: Organisation) -> QuerySet[Workshop]:
    return Workshop.objects.filter(school=school).select_related("round", "compare_round")


def actions_of(school: Organisation, *, open_only: bool = False) -> QuerySet[Action]:
    actions = Action.objects.filter(school=school).select_related("owner", "workshop")
    if open_only:
        actions = actions.filter(status__in=Action.OPEN_STATUSES)
    return actions.order_by("due_on", "id")


def followup_actions(workshop: Workshop) -> list[Action]:
    """The earlier actions a workshop follows up: those of the school's earlier workshops that
    are still open, and those this workshop has already updated (so a status just set to done
    stays on the slide)."""
    return list(
        Action.objects.filter(school_id=workshop.school_id)
        .exclude(workshop=workshop)
        .filter(
            Q(status__in=Action.OPEN_STATUSES, workshop__starts_at__lt=workshop.starts_at)
            | Q(reviewed_in=workshop)
        )
        .select_related("owner", "workshop")
        .order_by("due_on", "id")
    )


def upcoming_workshops_for(user: User) -> list[Workshop]:
    """Workshops not yet over at the schools the user prepares workshops for, soonest first
    (a workshop lasts at most 8 hours, so earlier starts are over)."""
    schools = [
        org
        for org in organisations_with_perm(user, Perm.WORKSHOPS_MANAGE)
        if org.kind == Organisation.Kind.SCHOOL
    ]
    if not schools:
        return []
    now = timezone.now()
    candidates = (
        Workshop.objects.filter(school__in=schools, starts_at__gte=now - dt.timedelta(hours=8))
        .select_related("school")
        .order_by("starts_at", "id")
    )
    return [w for w in candidates if w.is_upcoming]


def owned_open_actions(user: User) -> QuerySet[Action]:
    """Open actions the user owns, at schools where they still hold a role."""
    school_ids = Membership.objects.filter(user=user, role__in=SCHOOL_ROLES).values(
        "organisation_id"
    )
    return (
        Action.objects.filter(owner=user, status__in=Action.OPEN_STATUSES, school_id__in=school_ids)
        .select_related("school")
        .order_by("due_on", "id")
    )


def workshop_teams(school_ids: list[int]) -> list[tuple[object, int, frozenset]]:
    """Every workshop team of these schools, oldest workshop first (a new team never changes
    what was decided before it): the dashboards' complementary-suppression guard counts each
    team's view as obtainable (registered with `samsyn.dashboards.hooks`)."""
    out: dict[tuple[int, int], set] = {}
    through = Workshop.team.through.objects.filter(workshop__school_id__in=school_ids)
    for workshop_id, school_id, user_id in through.values_list(
        "workshop_id", "workshop__school_id", "user_id"
    ):
        out.setdefault((workshop_id, school_id), set()).add(user_id)
    return [(("team", pk), school, frozenset(users)) for (pk, school), users in sorted(out.items())]

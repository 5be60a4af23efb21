"""Who may do what where: roles → permissions, scoped along the organisation tree.

A role held in an organisation reaches every organisation below it (an owner administrator of a
municipality acts in all its schools). Network coordinators reach the network's member schools,
but only to see them. Anyone with a role somewhere below an organisation may see its page.

This module is the one access layer, after pretix's permission model:

- `Perm` is the one vocabulary of rights. Views, the API and templates all speak it; objects with
  their own parties (a peer review's team, a coaching conversation's teacher and coach) grant
  Perm values too, never role strings of their own.
- Every read of an object by pk goes through a `get_<entity>_for_user(*, user, pk, perm)` helper
  in its app's `selectors.py`, built on `get_object_for_user` (or, for person-scoped records,
  `get_party_object_for_user`): an outsider gets 404 (we do not even confirm that the object
  exists), a member without the permission gets 403.
- Templates receive the user's permissions on the object (`can`, a frozenset of Perm) and ask
  `{% if can|has:"rounds.manage" %}`; the `has` filter refuses names that are not a Perm.
- A selector that is not scoped to a user ends in `_unscoped`; no view or API function calls one,
  nor `get_object_or_404` (`samsyn/tests/test_access_layer.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from samsyn.accounts.models import Membership, NetworkMembership, Organisation, Role, User


class Perm(StrEnum):
    VIEW = "org.view"
    VIEW_MEMBERS = "org.view_members"
    INVITE = "org.invite"
    VIEW_PERSON = "person.view"
    MANAGE_MEMBERS = "org.manage_members"
    DEACTIVATE_USERS = "users.deactivate"
    MANAGE_FRAMEWORKS = "frameworks.manage"
    # Object-level (samsyn.frameworks.selectors.framework_perms): a global framework is read by
    # everyone signed in, an organisation's by those with a role in or below it.
    FRAMEWORKS_READ = "frameworks.read"
    MANAGE_ROUNDS = "rounds.manage"
    VIEW_OBSERVATIONS = "observations.view"
    RUN_CALIBRATION = "calibration.run"
    # Object-level (samsyn.observations.selectors): an observation's observer observes it
    # (releases, resolves conflicts), its teacher acknowledges it, whoever may see it reads
    # it, its observer and the school's leadership reopen it; observers in the organiser's area
    # take a calibration exercise.
    OBSERVATION_READ = "observation.read"
    OBSERVATION_OBSERVE = "observation.observe"
    OBSERVATION_ACKNOWLEDGE = "observation.acknowledge"
    OBSERVATION_REOPEN = "observation.reopen"
    CALIBRATION_TAKE = "calibration.take"
    VIEW_MEASUREMENT = "measurement.view"
    INDICATORS_VIEW = "indicators.view"
    INDICATORS_MANAGE = "indicators.manage"
    SURVEYS_MANAGE = "surveys.manage"
    # Coaching, triads and support plans (coaching records themselves are person-scoped:
    # teacher and coach only, whatever their roles).
    TRIADS_MANAGE = "triads.manage"
    SUPPORT_PLANS_MANAGE = "support_plans.manage"
    # Object-level (samsyn.coaching.selectors.support_plan_perms): a plan's teacher, coach and
    # the school's principals read it; all but its teacher add check-ins.
    # Granted by samsyn.coaching.selectors.coaching_perms to teachers and to coaches (observers
    # and principals with schools).
    COACHING_START = "coaching.start"
    SUPPORT_PLAN_VIEW = "support_plan.view"
    SUPPORT_PLAN_CHECK_IN = "support_plan.check_in"
    # Dashboards: aggregates of a school / owner / network; workshops on "our teaching".
    DASHBOARD_VIEW = "dashboards.view"
    WORKSHOPS_MANAGE = "workshops.manage"
    # Object-level (granted by the object, held by no role): the school's own people see its
    # workshops (samsyn.workshops.selectors.workshop_perms).
    WORKSHOPS_VIEW = "workshops.view"
    # Networks: peer review between schools, critical-friend exchanges, best practice.
    PEER_REVIEW_COORDINATE = "peer_review.coordinate"
    PEER_REVIEW_SCHOOL = "peer_review.school"
    EXCHANGES_MANAGE = "exchanges.manage"
    # Object-level, granted by a peer review to its parties
    # (samsyn.networks.selectors.review_perms): the reviewed school's leadership holds
    # PEER_REVIEW_SCHOOL and its coordinators PEER_REVIEW_COORDINATE on the review too.
    # Object-level, granted by a network (samsyn.networks.selectors.network_perms): its
    # coordinators, its hubs' coordinators and its member schools' leaders take part in it (the
    # leaders also hold PEER_REVIEW_SCHOOL on it); and by an exchange to its working group.
    NETWORK_VIEW = "network.view"
    EXCHANGES_VIEW = "exchanges.view"
    PEER_REVIEW_TEAM = "peer_review.team"  # a reviewer on its team
    PEER_REVIEW_READ = "peer_review.read"  # the completed report is shared with them
    PEER_REVIEW_VIEW = "peer_review.view"  # its page: school, team or coordinators
    PEER_REVIEW_VISIT = "peer_review.visit"  # plan the visit: team or coordinators
    PEER_REVIEW_AGREE = "peer_review.agree"  # agree estimates, complete: school or team
    PEER_REVIEW_REPORT = "peer_review.report"  # read the report: school, team or readers
    # Improvement work: development projects, supervision, the owner's annual quality cycle.
    PROJECTS_MANAGE = "projects.manage"
    PROJECTS_SUPERVISE = "projects.supervise"
    QUALITY_CYCLE_MANAGE = "quality_cycle.manage"
    QUALITY_CYCLE_VIEW = "quality_cycle.view"
    # Object-level (granted by a project, samsyn.improvement.selectors.project_perms): its staff
    # group reads it; its school's principals and its supervisors log sessions and comment.
    PROJECTS_VIEW = "projects.view"
    # Object-level (samsyn.improvement.plans.plan_perms): a school plan is read by the school's
    # people once approved, edited by its principals and delegated editors, approved by its
    # principals.
    PLAN_VIEW = "plans.view"
    PLAN_EDIT = "plans.edit"
    PLAN_APPROVE = "plans.approve"
    PROJECTS_FOLLOW = "projects.follow"
    # Data protection: the owner (controller) administers retention, requests and exports.
    PRIVACY_MANAGE = "privacy.manage"
    RESEARCH_EXPORT_REQUEST = "research_export.request"
    # Single sign-on configuration per owner.
    SSO_MANAGE = "sso.manage"
    # Onboarding: schools, staff and duties (SS 12000 import), the owner's schools.
    ORGANISATIONS_MANAGE = "organisations.manage"
    # Multi-year programme evaluations of an owner or a collaboration (network).
    PROGRAMMES_MANAGE = "programmes.manage"
    # The public progress page of an owner or a network (samsyn.public).
    PROGRESS_PAGE_MANAGE = "progress_page.manage"
    # The regional collaboration's groups, decision log and joint competence development.
    COLLABORATION_MANAGE = "collaboration.manage"
    # Object-level, granted by a collaboration's group seats (samsyn.networks.governance:
    # collaboration_perms, group_perms; samsyn.networks.competence.effort_perms), held by no
    # role: a seat in one of its groups opens the collaboration (COLLABORATION_VIEW), the steering
    # group reads every group (COLLABORATION_VIEW_ALL), a group's members read it
    # (COLLABORATION_GROUP_VIEW) and its chair and secretary record in it (COLLABORATION_RECORD);
    # seat-holders and an effort's participants read the joint competence development
    # (COMPETENCE_VIEW). Coordinators (COLLABORATION_MANAGE) hold them all.
    COLLABORATION_VIEW = "collaboration.view"
    COLLABORATION_VIEW_ALL = "collaboration.view_all"
    COLLABORATION_GROUP_VIEW = "collaboration.group_view"
    COLLABORATION_RECORD = "collaboration.record"
    COMPETENCE_VIEW = "competence.view"
    # Object-level (samsyn.programmes.selectors.programme_perms): a programme is read by its
    # managers (PROGRAMMES_MANAGE) and by the principals of its schools.
    PROGRAMMES_VIEW = "programmes.view"
    # Object-level, held by no role: every signed-in, active person reads the library of proven
    # experience (samsyn.improvement.selectors.library_perms).
    LIBRARY_READ = "library.read"
    # Platform administration (Kolada fetches, ...): granted by `platform_perms` to platform
    # admins only; platform objects have no organisation, so everyone else gets 404.
    PLATFORM_MANAGE = "platform.manage"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.TEACHER: frozenset({Perm.VIEW}),
    Role.OBSERVER: frozenset({Perm.VIEW}),
    # Researchers see the measurement scale of rounds in their area (aggregates only).
    Role.RESEARCHER: frozenset({Perm.VIEW, Perm.VIEW_MEASUREMENT}),
    Role.NETWORK_COORDINATOR: frozenset({Perm.VIEW, Perm.VIEW_MEMBERS, Perm.INVITE}),
    Role.PRINCIPAL: frozenset(
        {
            Perm.VIEW,
            Perm.VIEW_MEMBERS,
            Perm.INVITE,
            Perm.VIEW_PERSON,
            Perm.MANAGE_MEMBERS,
            Perm.MANAGE_ROUNDS,
            # School leadership sees the school's individual observations (audited).
            Perm.VIEW_OBSERVATIONS,
            Perm.VIEW_MEASUREMENT,
        }
    ),
    Role.OWNER_ADMIN: frozenset(
        {
            Perm.VIEW,
            Perm.VIEW_MEMBERS,
            Perm.INVITE,
            Perm.VIEW_PERSON,
            Perm.MANAGE_MEMBERS,
            Perm.DEACTIVATE_USERS,
            Perm.MANAGE_FRAMEWORKS,
            # Plans rounds across schools; sees coverage, but not individual ratings.
            Perm.MANAGE_ROUNDS,
            # Runs calibration exercises and sees every observer's results.
            Perm.RUN_CALIBRATION,
            Perm.VIEW_MEASUREMENT,
        }
    ),
}
# National indicators and surveys: every role sees the public statistics of its own
# organisations; principals and owner administrators run surveys; owner administrators add
# their own indicators and link their organisation to a municipality.
for _role, _extra in {
    Role.TEACHER: {Perm.INDICATORS_VIEW},
    Role.OBSERVER: {Perm.INDICATORS_VIEW},
    Role.RESEARCHER: {Perm.INDICATORS_VIEW},
    Role.NETWORK_COORDINATOR: {Perm.INDICATORS_VIEW},
    Role.PRINCIPAL: {Perm.INDICATORS_VIEW, Perm.SURVEYS_MANAGE},
    Role.OWNER_ADMIN: {Perm.INDICATORS_VIEW, Perm.INDICATORS_MANAGE, Perm.SURVEYS_MANAGE},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra
# Later capabilities (coaching onwards).
for _role, _extra in {
    Role.TEACHER: {Perm.DASHBOARD_VIEW},
    Role.RESEARCHER: {
        Perm.DASHBOARD_VIEW,
        Perm.PROJECTS_SUPERVISE,
        Perm.RESEARCH_EXPORT_REQUEST,
    },
    Role.NETWORK_COORDINATOR: {
        Perm.DASHBOARD_VIEW,
        Perm.PEER_REVIEW_COORDINATE,
        Perm.EXCHANGES_MANAGE,
    },
    Role.PRINCIPAL: {
        Perm.TRIADS_MANAGE,
        Perm.SUPPORT_PLANS_MANAGE,
        Perm.DASHBOARD_VIEW,
        Perm.WORKSHOPS_MANAGE,
        Perm.PEER_REVIEW_SCHOOL,
        Perm.PROJECTS_MANAGE,
        Perm.QUALITY_CYCLE_VIEW,
    },
    Role.OWNER_ADMIN: {
        Perm.DASHBOARD_VIEW,
        Perm.EXCHANGES_MANAGE,
        Perm.QUALITY_CYCLE_MANAGE,
        Perm.QUALITY_CYCLE_VIEW,
        Perm.PRIVACY_MANAGE,
        Perm.SSO_MANAGE,
    },
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra
ROLE_PERMISSIONS[Role.OWNER_ADMIN] |= {Perm.ORGANISATIONS_MANAGE}
ROLE_PERMISSIONS[Role.OWNER_ADMIN] |= {Perm.PROGRAMMES_MANAGE}
ROLE_PERMISSIONS[Role.NETWORK_COORDINATOR] |= {Perm.PROGRAMMES_MANAGE}
# Public progress pages: prepared and approved by the owner's administrators or the network's
# coordinators (a second one approves).
ROLE_PERMISSIONS[Role.OWNER_ADMIN] |= {Perm.PROGRESS_PAGE_MANAGE}
ROLE_PERMISSIONS[Role.NETWORK_COORDINATOR] |= {Perm.PROGRESS_PAGE_MANAGE}
ROLE_PERMISSIONS[Role.NETWORK_COORDINATOR] |= {Perm.COLLABORATION_MANAGE}
ALL_PERMS = frozenset(Perm)

# Which roles can be held in which kind of organisation.
ROLES_FOR_KIND: dict[str, tuple[str, ...]] = {
    Organisation.Kind.SCHOOL: (Role.TEACHER, Role.OBSERVER, Role.PRINCIPAL, Role.RESEARCHER),
    Organisation.Kind.OWNER: (Role.OWNER_ADMIN, Role.OBSERVER, Role.RESEARCHER),
    Organisation.Kind.NETWORK: (Role.NETWORK_COORDINATOR, Role.RESEARCHER),
    Organisation.Kind.REGION: (Role.NETWORK_COORDINATOR, Role.RESEARCHER, Role.OWNER_ADMIN),
}
# Which roles each inviter may hand out (within ROLES_FOR_KIND of the target organisation).
INVITABLE_BY: dict[str, frozenset[str]] = {
    Role.PRINCIPAL: frozenset({Role.TEACHER, Role.OBSERVER, Role.PRINCIPAL}),
    Role.OWNER_ADMIN: frozenset(
        {Role.TEACHER, Role.OBSERVER, Role.PRINCIPAL, Role.OWNER_ADMIN, Role.RESEARCHER}
    ),
    Role.NETWORK_COORDINATOR: frozenset({Role.NETWORK_COORDINATOR, Role.RESEARCHER}),
}


def _memberships(user: User) -> list[Membership]:
    """The user's memberships, fetched once per request object."""
    cached = getattr(user, "_samsyn_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._samsyn_memberships = cached
    return cached


def ancestor_ids(org: Organisation) -> list[int]:
    """`org` itself and every organisation above it, nearest first (parent chain only)."""
    ids = [org.pk]
    parent_id = org.parent_id
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = (
            Organisation.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
        )
    return ids


def _ancestors(user: User, org: Organisation) -> frozenset[int]:
    """`ancestor_ids(org)`, remembered on the user object for the rest of the request: pages
    and selectors ask about the same few organisations many times."""
    cache = user.__dict__.setdefault("_samsyn_ancestors", {})
    if org.pk not in cache:
        cache[org.pk] = frozenset(ancestor_ids(org))
    return cache[org.pk]


def _network_ids(school_id: int) -> list[int]:
    return list(
        NetworkMembership.objects.filter(school_id=school_id).values_list("network_id", flat=True)
    )


def roles_at(user: User, org: Organisation) -> set[str]:
    """Roles that apply in `org` itself: held there or in an organisation above it."""
    if not user.is_authenticated or not user.is_active:
        return set()
    above = _ancestors(user, org)
    return {m.role for m in _memberships(user) if m.organisation_id in above}


def permissions_at(user: User, org: Organisation) -> frozenset[Perm]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_PERMS
    perms: set[Perm] = set()
    for role in roles_at(user, org):
        perms |= ROLE_PERMISSIONS[role]
    memberships = _memberships(user)
    if not perms and memberships:
        # Coordinators of a network see its member schools; anyone with a role below an
        # organisation sees its page.
        if org.kind == Organisation.Kind.SCHOOL:
            reach: set[int] = set()
            for network in Organisation.objects.filter(network_members__school=org):
                reach.update(_ancestors(user, network))
            if any(m.organisation_id in reach for m in memberships):
                perms.add(Perm.VIEW)
        if not perms and any(_is_below(user, m.organisation, org) for m in memberships):
            perms.add(Perm.VIEW)
    return frozenset(perms)


def _is_below(user: User, member_org: Organisation, org: Organisation) -> bool:
    """Whether `member_org` lies under `org` (through parents or network membership)."""
    if org.pk in _ancestors(user, member_org):
        return True
    if org.kind == Organisation.Kind.NETWORK and member_org.kind == Organisation.Kind.SCHOOL:
        return org.pk in _network_ids(member_org.pk)
    return False


def has_perm(user: User, org: Organisation, perm: Perm) -> bool:
    return perm in permissions_at(user, org)


def invitable_roles(user: User, org: Organisation) -> list[str]:
    """Roles `user` may invite people to in `org`, in the order of ROLES_FOR_KIND."""
    allowed_here = ROLES_FOR_KIND.get(org.kind, ())
    if user.is_superuser:
        return list(allowed_here)
    granted: set[str] = set()
    for role in roles_at(user, org):
        granted |= INVITABLE_BY.get(role, frozenset())
    return [role for role in allowed_here if role in granted]


def require(user: User, org: Organisation, perm: Perm) -> frozenset[Perm]:
    """The user's permissions in `org` if they include `perm`; else 404 for outsiders (we do not
    confirm the object exists) and 403 for members without it."""
    perms = permissions_at(user, org)
    if perm not in perms:
        refuse(user, org, perms)
    return perms


def refuse(user: User, org: Organisation, perms: frozenset[Perm] | None = None):
    """Deny access to something of `org`: 403 for its members, 404 for everyone else."""
    if perms if perms is not None else permissions_at(user, org):
        raise PermissionDenied
    raise Http404


def get_object_for_user[M: Model](
    *,
    user: User,
    queryset: QuerySet[M] | type[M],
    perm: Perm,
    org_of: Callable[[M], Organisation],
    perms_of: Callable[[M], frozenset[Perm]] | None = None,
    **lookup: object,
) -> M:
    """The one object matching `lookup` if the user holds `perm` on it: 404 when there is none
    or the user has no role reaching its organisation (`org_of`; its existence is not
    confirmed), 403 for members without `perm`.

    The user's permissions on the object are those in its organisation, or `perms_of(obj)` for
    objects that grant their own (a school's workshops to its own people, a peer review to its
    team)."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    org = org_of(obj)
    perms = perms_of(obj) if perms_of is not None else permissions_at(user, org)
    if perm not in perms:
        refuse(user, org, perms or None)
    return obj


def get_party_object_for_user[M: Model](
    *,
    user: User,
    queryset: QuerySet[M] | type[M],
    parties: Callable[[M], Iterable[int | None]],
    **lookup: object,
) -> M:
    """The one object matching `lookup` if the user is one of its `parties` (user ids), whatever
    their roles: person-scoped records (coaching) answer 404 to everyone else."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    obj = queryset.filter(**lookup).first()
    if obj is None or not user.is_authenticated or user.pk not in set(parties(obj)):
        raise Http404
    return obj


def get_organisation_for_user(*, user: User, pk: int, perm: Perm = Perm.VIEW) -> Organisation:
    """The organisation `pk` if the user may `perm` there: 404 for outsiders, 403 otherwise."""
    return get_object_for_user(
        user=user,
        queryset=Organisation.objects.select_related("parent"),
        perm=perm,
        org_of=lambda org: org,
        pk=pk,
    )


def perms_anywhere(user: User) -> frozenset[Perm]:
    """Every permission the user holds directly somewhere (what their menus may offer; the
    union of `organisations_with_perm` over all Perm)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    perms: set[Perm] = set()
    for m in _memberships(user):
        perms |= ROLE_PERMISSIONS[m.role]
    return frozenset(perms)


def platform_perms(user: User) -> frozenset[Perm]:
    """PLATFORM_MANAGE for active platform admins, nothing for everyone else."""
    if user.is_authenticated and user.is_active and user.is_platform_admin:
        return frozenset({Perm.PLATFORM_MANAGE})
    return frozenset()


def require_platform_admin(request: HttpRequest) -> None:
    """Platform pages: 404 for everyone else, so their existence is not advertised."""
    if not request.user.is_authenticated or not request.user.is_platform_admin:
        raise Http404


def organisations_with_perm(user: User, perm: Perm) -> list[Organisation]:
    """Organisations where the user holds `perm` directly (not those only reached below)."""
    found = {
        m.organisation_id: m.organisation
        for m in _memberships(user)
        if perm in ROLE_PERMISSIONS[m.role]
    }
    return list(found.values())


def role_labels(roles: Iterable[str]) -> list[str]:
    return [str(Role(role).label) for role in roles]


def account_within_owner(user: User, owner_pk: int) -> bool:
    """Whether an owner may change the account itself: it is no platform account and every
    one of its roles lies within this owner. The account (name, e-mail, sign-in) is shared
    with every other owner the person works for, so linking it to the owner's identity
    provider (`integrations.oidc`) or rectifying it (`privacy.services.check_may_change`) is
    refused otherwise."""
    if user.is_superuser or user.is_staff:
        return False
    return all(
        owner_pk in ancestor_ids(m.organisation)
        for m in Membership.objects.filter(user=user).select_related("organisation")
    )

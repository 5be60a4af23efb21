"""Reads for networks and peer reviews, scoped to the acting user.

Who takes part in a review (`review_perms`, in the access layer's Perm vocabulary):
- PEER_REVIEW_SCHOOL: the reviewed school's leadership (Perm.PEER_REVIEW_SCHOOL there);
- PEER_REVIEW_TEAM: the reviewers on its team;
- PEER_REVIEW_COORDINATE: the network's coordinators and the coordinators of the school's hub;
- PEER_REVIEW_READ: once the report is completed, those it is shared with (leaders of the hub's
  or the network's schools, or of schools named by the school, and their coordinators);
and what these parties may do: VIEW, VISIT, AGREE, REPORT (see `_REVIEW_GRANTS`).
The report belongs to the school: nobody else reads it unless the school shares it. A person
with no part in a review gets 404 (we do not confirm it exists), staff of the reviewed school
and coordinators without the right get 403.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.accounts.access import (
    Perm,
    get_object_for_user,
    has_perm,
    permissions_at,
    refuse,
    require,
)
from samsyn.accounts.models import Membership, NetworkMembership, Organisation, Role, User
from samsyn.analysis.suppression import suppress
from samsyn.frameworks.models import Dimension
from samsyn.improvement.models import CycleStep
from samsyn.improvement.selectors import dimension_choices
from samsyn.networks.models import (
    Exchange,
    Hub,
    HubCoordinator,
    NetworkSettings,
    PeerReview,
    ShareScope,
    TeamMember,
)
from samsyn.observations.models import Observation, Rating, Round

# What each party to a review may do there.
_REVIEW_GRANTS: dict[Perm, frozenset[Perm]] = {
    Perm.PEER_REVIEW_VIEW: frozenset(
        {Perm.PEER_REVIEW_SCHOOL, Perm.PEER_REVIEW_TEAM, Perm.PEER_REVIEW_COORDINATE}
    ),
    Perm.PEER_REVIEW_VISIT: frozenset({Perm.PEER_REVIEW_TEAM, Perm.PEER_REVIEW_COORDINATE}),
    Perm.PEER_REVIEW_AGREE: frozenset({Perm.PEER_REVIEW_SCHOOL, Perm.PEER_REVIEW_TEAM}),
    Perm.PEER_REVIEW_REPORT: frozenset(
        {Perm.PEER_REVIEW_SCHOOL, Perm.PEER_REVIEW_TEAM, Perm.PEER_REVIEW_READ}
    ),
}

# The soft preferences of the team proposer (samsyn.analysis.review_teams) that a proposed
# reviewer does not meet, as the team page explains them.
COMPROMISE_LABELS = {
    "same_owner": gettext_lazy("same school owner as the reviewed school"),
    "same_hub": gettext_lazy("same local hub as the reviewed school"),
    "same_school_in_team": gettext_lazy("another reviewer comes from the same school"),
    "same_month": gettext_lazy("has another review visit the same month"),
}


# ----------------------------------------------------------------------------- networks


def settings_for_unscoped(network: Organisation) -> NetworkSettings:
    found, _created = NetworkSettings.objects.get_or_create(network=network)
    return found


def member_schools_unscoped(network: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        network_links__network=network, kind=Organisation.Kind.SCHOOL
    ).order_by("name")


def _hub_school_ids(network: Organisation) -> set[int]:
    """The network-level hub schools (NetworkMembership.is_hub)."""
    return set(
        NetworkMembership.objects.filter(network=network, is_hub=True).values_list(
            "school_id", flat=True
        )
    )


def is_coordinator(user: User, network: Organisation) -> bool:
    return has_perm(user, network, Perm.PEER_REVIEW_COORDINATE)


def coordinated_hubs(user: User, network: Organisation) -> list[Hub]:
    if not user.is_authenticated:
        return []
    return list(Hub.objects.filter(network=network, coordinators__user=user))


def led_schools(user: User, network: Organisation) -> list[Organisation]:
    """Member schools the user leads (may act for in peer review)."""
    if not user.is_authenticated:
        return []
    return [
        s for s in member_schools_unscoped(network) if has_perm(user, s, Perm.PEER_REVIEW_SCHOOL)
    ]


def network_perms(user: User, network: Organisation) -> frozenset[Perm]:
    """The user's permissions on a network: those in it, plus NETWORK_VIEW for its coordinators
    (network or hub) and its member schools' leaders, who also hold PEER_REVIEW_SCHOOL on it."""
    perms = set(permissions_at(user, network))
    led = bool(led_schools(user, network))
    if led:
        perms.add(Perm.PEER_REVIEW_SCHOOL)
    if Perm.PEER_REVIEW_COORDINATE in perms or led or coordinated_hubs(user, network):
        perms.add(Perm.NETWORK_VIEW)
    return frozenset(perms)


def _require_network(user: User, network: Organisation) -> None:
    perms = network_perms(user, network)
    if Perm.NETWORK_VIEW not in perms:
        refuse(user, network, perms or None)


def network_schools(*, user: User, network: Organisation) -> QuerySet[Organisation]:
    """The network's member schools, for those who take part in it (NETWORK_VIEW).
    `member_schools_unscoped` is the unscoped read the rest of the app builds on."""
    _require_network(user, network)
    return member_schools_unscoped(network)


def network_hub_school_ids(*, user: User, network: Organisation) -> set[int]:
    _require_network(user, network)
    return _hub_school_ids(network)


def network_settings(*, user: User, network: Organisation) -> NetworkSettings:
    _require_network(user, network)
    return settings_for_unscoped(network)


def _require_review(user: User, review: PeerReview) -> None:
    perms = review_perms(user, review)
    if Perm.PEER_REVIEW_VIEW not in perms:
        refuse(user, review.school, perms or None)


def review_observation_profile(
    *, user: User, review: PeerReview, since: dt.date | None, until: dt.date | None
) -> Profile:
    """The reviewed school's anonymised observation profile, for the review's parties."""
    _require_review(user, review)
    return observation_profile_unscoped(school=review.school, since=since, until=until)


def review_indicator_rows(*, user: User, review: PeerReview) -> tuple[str, list[dict]]:
    _require_review(user, review)
    return _indicator_rows(review.school)


def review_round_summary(*, user: User, review: PeerReview) -> Profile:
    """The profile of the review's own round (`_round_summary`), for the review's parties."""
    _require_review(user, review)
    return _round_summary(review.round)


def network_practices(*, user: User, network: Organisation, dimension_code: str = "") -> QuerySet:
    _require_network(user, network)
    return _practices_for(network, dimension_code=dimension_code)


def network_match(*, user: User, network: Organisation, school: Organisation) -> dict:
    _require_network(user, network)
    return _match_for(network=network, school=school)


def exchange_owner_choices_for(*, user: User, organiser: Organisation) -> QuerySet[Organisation]:
    """School owners that may take part in an exchange `organiser` organises (its managers)."""
    require(user, organiser, Perm.EXCHANGES_MANAGE)
    return exchange_owner_choices_unscoped(organiser)


def get_network_for_user(*, user: User, pk: int, perm: Perm = Perm.NETWORK_VIEW) -> Organisation:
    """The network for its coordinators (network or hub) and member schools' leaders: 404 for
    outsiders, 403 for other members (teachers, or non-coordinators on coordinator pages)."""
    return get_object_for_user(
        user=user,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.NETWORK),
        perm=perm,
        org_of=lambda network: network,
        perms_of=lambda network: network_perms(user, network),
        pk=pk,
    )


def networks_for_user(user: User) -> list[Organisation]:
    """Networks the user coordinates, coordinates a hub of, or leads a member school of."""
    if not user.is_authenticated:
        return []
    ids: set[int] = set()
    coordinated = [
        m.organisation
        for m in Membership.objects.filter(user=user, role=Role.NETWORK_COORDINATOR).select_related(
            "organisation"
        )
    ]
    for org in coordinated:
        if org.kind == Organisation.Kind.NETWORK:
            ids.add(org.pk)
        else:  # a region's coordinator reaches the networks below it
            ids.update(
                Organisation.objects.filter(parent=org, kind=Organisation.Kind.NETWORK).values_list(
                    "pk", flat=True
                )
            )
    ids.update(HubCoordinator.objects.filter(user=user).values_list("hub__network_id", flat=True))
    led = Membership.objects.filter(user=user, role=Role.PRINCIPAL).values_list(
        "organisation_id", flat=True
    )
    ids.update(
        NetworkMembership.objects.filter(school_id__in=list(led)).values_list(
            "network_id", flat=True
        )
    )
    if user.is_superuser:
        ids.update(
            Organisation.objects.filter(kind=Organisation.Kind.NETWORK).values_list("pk", flat=True)
        )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _hubs_of(school: Organisation, network: Organisation) -> list[Hub]:
    return list(
        Hub.objects.filter(network=network)
        .filter(Q(schools=school) | Q(hub_school=school))
        .distinct()
    )


def _hub_circle(school: Organisation, network: Organisation) -> set[int]:
    """Schools that "the hub" means for `school`: the schools of its local hubs (hub school
    included); when it belongs to none, the network's hub school."""
    hubs = _hubs_of(school, network)
    if not hubs:
        return _hub_school_ids(network)
    ids: set[int] = set()
    for hub in hubs:
        ids.add(hub.hub_school_id)
        ids.update(hub.schools.values_list("pk", flat=True))
    return ids


# ----------------------------------------------------------------------------- reviews


def review_perms(user: User, review: PeerReview) -> frozenset[Perm]:
    """The user's permissions on a peer review (its parties, and what they may do there)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    parties: set[Perm] = set()
    if has_perm(user, review.school, Perm.PEER_REVIEW_SCHOOL):
        parties.add(Perm.PEER_REVIEW_SCHOOL)
    if TeamMember.objects.filter(review=review, user=user).exists():
        parties.add(Perm.PEER_REVIEW_TEAM)
    network = review.network
    hubs = _hubs_of(review.school, network)
    hub_coordinator = HubCoordinator.objects.filter(user=user, hub__in=hubs).exists()
    if is_coordinator(user, network) or hub_coordinator:
        parties.add(Perm.PEER_REVIEW_COORDINATE)
    if review.status == PeerReview.Status.COMPLETED and shared_with(user, review):
        parties.add(Perm.PEER_REVIEW_READ)
    granted = {perm for perm, by in _REVIEW_GRANTS.items() if parties & by}
    return frozenset(parties | granted)


def shared_with(user: User, review: PeerReview) -> bool:
    """Whether the school has shared the completed report with `user` (other than its own
    leadership and team)."""
    network = review.network
    if user.is_superuser:
        return False  # platform admins run the platform; they do not read schools' reports
    schools: set[int] = set(review.shared_schools.values_list("pk", flat=True))
    coordinator = False
    if review.share_scope == ShareScope.HUB:
        schools |= _hub_circle(review.school, network)
        hubs = _hubs_of(review.school, network)
        coordinator = HubCoordinator.objects.filter(user=user, hub__in=hubs).exists()
    elif review.share_scope == ShareScope.NETWORK:
        schools |= set(member_schools_unscoped(network).values_list("pk", flat=True))
        coordinator = (
            is_coordinator(user, network)
            or HubCoordinator.objects.filter(user=user, hub__network=network).exists()
        )
    if coordinator:
        return True
    schools.discard(review.school_id)
    return any(
        has_perm(user, school, Perm.PEER_REVIEW_SCHOOL)
        for school in Organisation.objects.filter(pk__in=schools)
    )


def get_review_for_user(*, user: User, pk: int, perm: Perm = Perm.PEER_REVIEW_VIEW) -> PeerReview:
    """The review if the user holds `perm` on it (`review_perms`); else 404 for those with no
    part in it and 403 for the school's staff and its other participants."""
    return get_object_for_user(
        user=user,
        queryset=PeerReview.objects.select_related("network", "school", "school__parent", "round"),
        perm=perm,
        org_of=lambda review: review.school,
        perms_of=lambda review: review_perms(user, review),
        pk=pk,
    )


def reviews_for_user(user: User) -> dict[str, list[PeerReview]]:
    """Reviews the user takes part in: of schools they lead, as a reviewer, and reports
    shared with them."""
    base = PeerReview.objects.select_related("network", "school")
    led = Membership.objects.filter(user=user, role=Role.PRINCIPAL).values_list(
        "organisation_id", flat=True
    )
    own = list(base.filter(school_id__in=list(led)))
    reviewing = list(base.filter(team__user=user).distinct())
    seen = {r.pk for r in own + reviewing}
    networks = networks_for_user(user)
    shared = [
        r
        for r in base.filter(network__in=networks, status=PeerReview.Status.COMPLETED)
        if r.pk not in seen and shared_with(user, r)
    ]
    return {"own": own, "reviewing": reviewing, "shared": shared}


def previous_review(*, user: User, review: PeerReview) -> PeerReview | None:
    """The school's latest earlier review in the network (its follow-up actions carry over),
    for those who may see the review's page."""
    if Perm.PEER_REVIEW_VIEW not in review_perms(user, review):
        raise Http404
    return (
        PeerReview.objects.filter(network=review.network, school=review.school)
        .filter(Q(year__lt=review.year) | Q(year=review.year, pk__lt=review.pk))
        .order_by("-year", "-pk")
        .first()
    )


def principals_of_unscoped(schools) -> dict[int, list[User]]:
    """Active principals per school id."""
    found: dict[int, list[User]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            organisation__in=schools, role=Role.PRINCIPAL, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name")
    )
    for m in rows:
        found[m.organisation_id].append(m.user)
    return found


# ----------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class ProfileCell:
    value: int | None
    reason: str  # "" when shown, else why it is hidden


@dataclass(frozen=True)
class ProfileRow:
    code: str
    name: str
    cells: tuple[ProfileCell, ...]
    total: int | None


@dataclass(frozen=True)
class Profile:
    rows: list[ProfileRow]
    steps: list[int]
    teachers: int  # teachers observed (0 when the whole profile is withheld)
    observations: int
    withheld: bool
    min_group: int
    since: dt.date | None


def _hidden_reason(reason: str | None, min_group: int) -> str:
    if reason == "primary":
        return _("Hidden: fewer than %(n)d teachers.") % {"n": min_group}
    if reason == "complementary":
        return _("Hidden so that a small group cannot be worked out from the totals.")
    return ""


def observation_profile_unscoped(
    *,
    school: Organisation,
    since: dt.date | None = None,
    until: dt.date | None = None,
    round_: Round | None = None,
) -> Profile:
    """The school's anonymised observation profile: per framework dimension, how many teachers
    sit at each step (each teacher counted once, at the median of their ratings there).

    Counts are suppressed with `analysis.suppression.suppress` at settings.SAMSYN_MIN_GROUP
    (small cells and the cells that would reveal them); when fewer teachers than that were
    observed at all, nothing is shown. Peer observations within triads are never included.
    """
    min_group = settings.SAMSYN_MIN_GROUP
    observations = Observation.objects.filter(
        school=school,
        round__is_peer=False,
        status__in=Observation.COUNTED,
    )
    if since is not None:
        observations = observations.filter(observed_on__gte=since)
    if round_ is not None:
        observations = observations.filter(round=round_)
    if until is not None:
        observations = observations.filter(observed_on__lte=until)
    ratings = (
        Rating.objects.filter(observation__in=observations, step__isnull=False)
        .values_list("observation__teacher_id", "dimension__code", "step__order")
        .order_by()
    )
    per_teacher: dict[tuple[str, int], list[int]] = defaultdict(list)
    for teacher_id, code, order in ratings:
        per_teacher[(code, teacher_id)].append(order)
    n_observations = observations.count()
    teachers = {teacher for (_code, teacher) in per_teacher}
    codes = sorted({code for (code, _t) in per_teacher})
    names: dict[str, tuple[int, str]] = {}
    for dim in (
        Dimension.objects.filter(code__in=codes).select_related("version").order_by("version_id")
    ):
        names[dim.code] = (dim.order, dim.name)  # the latest version's name wins
    codes.sort(key=lambda c: names.get(c, (99, c)))
    steps = [1, 2, 3, 4]
    if len(teachers) < min_group or not codes:
        return Profile([], steps, 0, n_observations, bool(teachers), min_group, since)
    table = [[0] * len(steps) for _code in codes]
    for (code, _teacher), orders in per_teacher.items():
        ordered = sorted(orders)
        median = ordered[(len(ordered) - 1) // 2]
        table[codes.index(code)][min(max(median, 1), 4) - 1] += 1
    published = suppress(table, min_group=min_group, row_totals=True, col_totals=False)
    rows = []
    for i, code in enumerate(codes):
        cells = tuple(
            ProfileCell(value, _hidden_reason(reason, min_group))
            for value, reason in zip(published.values[i], published.reasons[i], strict=True)
        )
        total = published.row_totals[i] if published.row_totals else None
        rows.append(ProfileRow(code, names.get(code, (0, code))[1], cells, total))
    return Profile(rows, steps, len(teachers), n_observations, False, min_group, since)


def _indicator_rows(school: Organisation) -> tuple[str, list[dict]]:
    """The municipality's public indicators for the school (first and latest value)."""
    from samsyn.indicators import selectors as indicator_selectors

    code = indicator_selectors.municipality_code_for_unscoped(school)
    rows: list[dict] = []
    if not code:
        return code, rows
    for indicator in indicator_selectors.indicators_for_unscoped(organisation=school):
        series = indicator_selectors.indicator_series(indicator=indicator, code=code)
        numbers = [p for p in series[0].points if p.value is not None] if series else []
        if numbers:
            rows.append(
                {
                    "indicator": indicator,
                    "first": numbers[0],
                    "latest": numbers[-1],
                    "change": numbers[-1].value - numbers[0].value,
                    "source": series[0].source,
                }
            )
    return code, rows


def _round_summary(round_: Round) -> Profile:
    """The visit's joint observations as a profile, under the same suppression rules."""
    return observation_profile_unscoped(
        school=round_.schools.first() or round_.organisation, round_=round_
    )


# ----------------------------------------------------------------------------- best practice


def _practices_for(
    network: Organisation, *, dimension_code: str = "", heading_id: int | None = None
):
    """The network's directory with each practice's contributions (visits and mentoring
    sessions accepted or done)."""
    from django.db.models import Count

    from samsyn.networks.models import Practice, VisitRequest

    practices = (
        Practice.objects.filter(network=network)
        .select_related("school", "teacher", "heading")
        .annotate(
            contributions=Count(
                "requests",
                filter=Q(
                    requests__status__in=[VisitRequest.Status.ACCEPTED, VisitRequest.Status.DONE]
                ),
            )
        )
        .order_by("title")
    )
    if dimension_code:
        practices = practices.filter(dimension_code=dimension_code)
    if heading_id:
        practices = practices.filter(heading_id=heading_id)
    return practices


def dimension_names() -> dict[str, str]:
    """Dimension code → name (the newest published version's wording)."""
    return dict(dimension_choices())


def school_dimension_estimates_unscoped(
    school_ids: list[int] | None = None,
    *,
    codes: list[str] | None = None,
    min_teachers: int = 2,
) -> dict[int, dict]:
    """Per school and dimension: the mean of teachers' typical steps with its interval
    (`analysis.strengths.mean_interval`), from submitted and released non-peer observations
    of the last two calendar years. `codes` limits the dimensions; groups of fewer than
    `min_teachers` teachers are left out."""
    from samsyn.analysis.results import AnalysisError
    from samsyn.analysis.strengths import mean_interval

    since = dt.date(dt.date.today().year - 1, 1, 1)
    ratings = Rating.objects.filter(
        observation__round__is_peer=False,
        observation__status__in=Observation.COUNTED,
        observation__observed_on__gte=since,
        step__isnull=False,
    )
    if school_ids is not None:
        ratings = ratings.filter(observation__school_id__in=school_ids)
    if codes is not None:
        ratings = ratings.filter(dimension__code__in=codes)
    per: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for school_id, teacher_id, code, order in ratings.values_list(
        "observation__school_id", "observation__teacher_id", "dimension__code", "step__order"
    ).order_by():
        per[(school_id, code, teacher_id)].append(order)
    grouped: dict[tuple[int, str], list[float]] = defaultdict(list)
    for (school_id, code, _teacher), orders in per.items():
        ordered = sorted(orders)
        grouped[(school_id, code)].append(float(ordered[(len(ordered) - 1) // 2]))
    result: dict[int, dict] = defaultdict(dict)
    for (school_id, code), values in grouped.items():
        if len(values) < min_teachers:
            continue
        try:
            result[school_id][code] = mean_interval(values)
        except AnalysisError:
            continue
    return result


ESTIMATE_RANK = {"leading": 4, "effective": 3, "working_towards": 2, "ineffective": 1}


def _match_for(*, network: Organisation, school: Organisation) -> dict:
    """What `school` could learn and from whom: its weakest dimensions (own observations, at
    least SAMSYN_MIN_GROUP teachers) with schools whose strength there is evidenced (within
    the network first, then beyond) and listed practices; its weakest review headings (latest
    completed review) with listed practices under them."""
    from samsyn.analysis.strengths import strengths_beside, weakest
    from samsyn.networks.models import HeadingEvaluation

    min_group = settings.SAMSYN_MIN_GROUP
    own = school_dimension_estimates_unscoped([school.pk], min_teachers=min_group).get(
        school.pk, {}
    )
    codes = weakest(own)
    # Other schools only in the school's weakest dimensions, and only groups large enough to
    # be named as a strength (strengths_beside needs min_group teachers).
    estimates = (
        school_dimension_estimates_unscoped(codes=codes, min_teachers=min_group) if codes else {}
    )
    names = dimension_names()
    members = set(member_schools_unscoped(network).values_list("pk", flat=True))
    found = []
    for code in codes:
        others = {sid: d[code] for sid, d in estimates.items() if sid != school.pk and code in d}
        inside = {k: v for k, v in others.items() if k in members}
        outside = {k: v for k, v in others.items() if k not in members}
        found.append(
            (
                code,
                strengths_beside(own[code], inside, min_group=min_group),
                strengths_beside(own[code], outside, min_group=min_group),
            )
        )
    ids = {s.unit_id for _code, inside, outside in found for s in (*inside, *outside)}
    schools = {o.pk: o for o in Organisation.objects.filter(pk__in=ids).select_related("parent")}
    dimensions = []
    for code, inside, outside in found:
        dimensions.append(
            {
                "code": code,
                "name": names.get(code, code),
                "own": own[code],
                "network": [(schools[s.unit_id], s) for s in inside],
                "beyond": [(schools[s.unit_id], s) for s in outside],
                "practices": list(
                    _practices_for(network, dimension_code=code).exclude(school=school)
                ),
            }
        )
    latest = (
        PeerReview.objects.filter(
            network=network, school=school, status=PeerReview.Status.COMPLETED
        )
        .order_by("-year", "-pk")
        .first()
    )
    headings = []
    if latest is not None:
        evaluations = sorted(
            HeadingEvaluation.objects.filter(review=latest).select_related("heading"),
            key=lambda e: (ESTIMATE_RANK.get(e.agreed_estimate, 0), e.heading.order),
        )
        for evaluation in evaluations[:2]:
            headings.append(
                {
                    "evaluation": evaluation,
                    "practices": list(
                        _practices_for(network, heading_id=evaluation.heading_id).exclude(
                            school=school
                        )
                    ),
                }
            )
    return {
        "dimensions": dimensions,
        "observed_dimensions": len(own),
        "headings": headings,
        "review": latest,
        "min_group": min_group,
    }


# ----------------------------------------------------------------------------- exchanges


def exchange_organisers(user: User) -> list[Organisation]:
    """Organisations where the user may organise a critical-friend exchange."""
    from samsyn.accounts.access import organisations_with_perm

    return [
        o
        for o in organisations_with_perm(user, Perm.EXCHANGES_MANAGE)
        if o.kind in (Organisation.Kind.OWNER, Organisation.Kind.NETWORK, Organisation.Kind.REGION)
    ]


def exchange_owner_choices_unscoped(organiser: Organisation) -> QuerySet[Organisation]:
    """School owners that may take part: those of the organiser's region."""
    region_id = organiser.pk if organiser.kind == Organisation.Kind.REGION else organiser.parent_id
    return Organisation.objects.filter(kind=Organisation.Kind.OWNER, parent_id=region_id).order_by(
        "name"
    )


def can_manage_exchange(user: User, exchange) -> bool:
    if has_perm(user, exchange.organiser, Perm.EXCHANGES_MANAGE):
        return True
    return any(has_perm(user, owner, Perm.EXCHANGES_MANAGE) for owner in exchange.owners.all())


def exchange_perms(user: User, exchange) -> frozenset[Perm]:
    """The user's permissions on an exchange: those in its organiser and participating owners,
    EXCHANGES_MANAGE for their administrators and coordinators, EXCHANGES_VIEW for them and the
    working group."""
    perms: set[Perm] = set()
    for org in [exchange.organiser, *exchange.owners.all()]:
        perms |= permissions_at(user, org)
    if can_manage_exchange(user, exchange):
        perms |= {Perm.EXCHANGES_MANAGE, Perm.EXCHANGES_VIEW}
    elif user.is_authenticated and exchange.members.filter(user=user).exists():
        perms.add(Perm.EXCHANGES_VIEW)
    return frozenset(perms)


def get_exchange_for_user(*, user: User, pk: int, perm: Perm = Perm.EXCHANGES_VIEW):
    """The exchange for its managers (organiser's and participating owners' administrators
    and coordinators) and, to read, its working group; 403 for other members of those
    organisations, 404 for everyone else."""
    from samsyn.networks.models import Exchange

    return get_object_for_user(
        user=user,
        queryset=Exchange.objects.select_related("organiser"),
        perm=perm,
        org_of=lambda exchange: exchange.organiser,
        perms_of=lambda exchange: exchange_perms(user, exchange),
        pk=pk,
    )


def exchanges_for_user(user: User) -> list:
    from samsyn.networks.models import Exchange, ExchangeMember

    if not user.is_authenticated:
        return []
    seats = set(ExchangeMember.objects.filter(user=user).values_list("exchange_id", flat=True))
    return [
        exchange
        for exchange in Exchange.objects.select_related("organiser").prefetch_related("owners")
        if exchange.pk in seats or can_manage_exchange(user, exchange)
    ]


@dataclass
class RegionalYear:
    """A collaboration's year of critical-friend exchanges, compiled for its members."""

    organiser: Organisation
    year: int
    exchanges: list
    owners: list[Organisation]
    visits_hosted: dict[int, int]
    visits_made: dict[int, int]
    follow_up: list[tuple[Organisation, list | None]]  # None: not the reader's to see
    indicators: list[dict] = field(default_factory=list)
    missing: list = field(default_factory=list)


def regional_year_for_user(*, user: User, organiser_pk: int, year: int) -> RegionalYear:
    """The year's exchanges organised by `organiser` that the reader may see (as for one
    exchange: its managers and working group). 404 for outsiders, 403 for members of the
    organisations involved who see none of them."""
    from samsyn.networks.models import Exchange, ExchangeMember

    organiser = Organisation.objects.filter(pk=organiser_pk).first()
    if organiser is None or not 2000 <= year <= 2100:
        raise Http404
    all_exchanges = list(
        Exchange.objects.filter(
            organiser=organiser,
            starts_on__lte=dt.date(year, 12, 31),
            ends_on__gte=dt.date(year, 1, 1),
        )
        .prefetch_related("owners", "visits__host", "visits__visitors")
        .order_by("starts_on", "pk")
    )
    seats = set(
        ExchangeMember.objects.filter(user=user, exchange__in=all_exchanges).values_list(
            "exchange_id", flat=True
        )
    )
    exchanges = [x for x in all_exchanges if x.pk in seats or can_manage_exchange(user, x)]
    if not exchanges and not has_perm(user, organiser, Perm.EXCHANGES_MANAGE):
        involved = {organiser, *(o for x in all_exchanges for o in x.owners.all())}
        if any(permissions_at(user, org) for org in involved):
            raise PermissionDenied
        raise Http404
    owners = sorted({o for x in exchanges for o in x.owners.all()}, key=lambda o: o.name)
    hosted: dict[int, int] = defaultdict(int)
    made: dict[int, int] = defaultdict(int)
    for exchange in exchanges:
        for visit in exchange.visits.all():
            hosted[visit.host_id] += 1
            for visitor in visit.visitors.all():
                made[visitor.pk] += 1
    follow_up = []
    for owner in owners:
        if not has_perm(user, owner, Perm.QUALITY_CYCLE_VIEW):
            follow_up.append((owner, None))
            continue
        steps = list(
            CycleStep.objects.filter(
                cycle__owner=owner, cycle__year=year, kind=CycleStep.Kind.FOLLOW_UP
            ).order_by("deadline")
        )
        follow_up.append((owner, steps))
    doc = RegionalYear(organiser, year, exchanges, owners, hosted, made, follow_up)
    doc.indicators, doc.missing = _collaboration_indicators(owners)
    return doc


def _collaboration_indicators(owners: list[Organisation]) -> tuple[list[dict], list]:
    """The shared indicators for the members with a municipality: each one's latest value,
    and, once per source, where the figures not in Samsyn come from (public statistics)."""
    from samsyn.indicators import selectors as indicators

    members = [o for o in owners if o.municipality_code]
    if not members:
        return [], []
    catalogue = list(indicators.Indicator.objects.filter(owner=None).order_by("position"))
    rows, missing = [], {}
    sources = {
        o.pk: indicators.indicator_sources(indicators=catalogue, code=o.municipality_code)
        for o in members
    }
    for indicator in catalogue:
        cells = []
        for owner in members:
            series = indicators.indicator_series(indicator=indicator, code=owner.municipality_code)
            points = [p for p in (series[0].points if series else []) if p.value is not None]
            cells.append(points[-1] if points else None)
            for source in sources[owner.pk].get(indicator.pk, []):
                if source.missing:
                    missing.setdefault(source.label, source)
        rows.append({"indicator": indicator, "cells": cells})
    return [{"members": members, "rows": rows}], list(missing.values())


def exchanges_of_owner_unscoped(
    owner: Organisation, year_start: dt.date, year_end: dt.date
) -> list:
    """The regional experience exchanges the owner took part in during the period, with their
    visits: their documentation belongs in the owner's annual quality report (registered with
    `samsyn.improvement.hooks` from the app's `ready()`)."""
    return list(
        Exchange.objects.filter(owners=owner, starts_on__lte=year_end, ends_on__gte=year_start)
        .prefetch_related("owners", "visits__host", "visits__visitors")
        .order_by("starts_on")
    )

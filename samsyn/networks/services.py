"""Writes for networks and peer reviews: keyword-only `<entity>_<verb>`, one transaction each."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import cycle

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from samsyn.accounts.access import Perm, has_perm
from samsyn.accounts.models import Organisation, User
from samsyn.analysis.review_teams import Proposal, Reviewer, ReviewSlot, propose_review_teams
from samsyn.frameworks.models import FrameworkVersion
from samsyn.improvement import services as library
from samsyn.networks import selectors
from samsyn.networks.models import (
    ConflictOfInterest,
    Estimate,
    FollowUpAction,
    HeadingEvaluation,
    Hub,
    HubCoordinator,
    NetworkSettings,
    PeerReview,
    ReviewHeading,
    TeamMember,
)
from samsyn.observations import services as observation_services
from samsyn.observations.models import Assignment, Round

ERR_NOT_MEMBER = _("Choose a member school of the network.")
ERR_HUB_SCHOOL = _("The hub school must be a member school of the network.")
ERR_TOO_MANY = ngettext_lazy(
    "This school already has %(n)d review this year, as many as the network allows.",
    "This school already has %(n)d reviews this year, as many as the network allows.",
    "n",
)
ERR_DATES = _("The last day cannot be before the first day.")
ERR_OWN_SCHOOL = _("%(name)s leads the reviewed school and cannot review it.")
ERR_NOT_LEADER = _("%(name)s does not lead a member school of the network.")
ERR_CONFLICT = _("%(name)s has a conflict of interest with this school.")
ERR_NO_TEAM = _("Choose at least one reviewer.")
ERR_LEAD = _("The team lead must be one of the chosen reviewers.")
ERR_NO_TEACHERS = _("Choose at least one teacher to observe.")
ERR_NEEDS_TEAM = _("Form the review team before planning the visit.")
ERR_ROUND_EXISTS = _("The visit is already planned.")
ERR_MISSING_AGREED = _("Agree an estimate for every heading first: %(names)s.")
ERR_COMPLETED = _("The report is completed; it can no longer be changed.")
ERR_SHARE_SCHOOL = _("Choose member schools of the network.")
ERR_HEADING_NETWORK = _("Choose a heading of this network.")

DEFAULT_HEADINGS = [
    (
        "Ledarskap på alla nivåer",
        "Leadership at all levels",
        "Hur leder rektor, arbetslag och lärare utvecklingen av undervisningen? "
        "Hur följs arbetet upp, och hur delas ansvaret?",
        "How do the principal, teams and teachers lead the development of teaching? "
        "How is the work followed up, and how is responsibility shared?",
    ),
    (
        "Undervisningens kvalitet och elevernas resultat",
        "Quality of teaching and outcomes",
        "Vad visar observationerna och resultaten över tid? Var är undervisningen starkast, "
        "och var behöver den utvecklas?",
        "What do the observations and results show over time? Where is teaching strongest, "
        "and where does it need to develop?",
    ),
    (
        "Stöd till elever i ekonomiskt utsatta situationer och elever i behov av särskilt stöd",
        "Provision for disadvantaged pupils and pupils with additional needs",
        "Hur når skolan de elever som har svårast förutsättningar? Hur vet ni att stödet gör "
        "skillnad?",
        "How does the school reach the pupils with the hardest circumstances? How do you know "
        "the support makes a difference?",
    ),
]


# ----------------------------------------------------------------------------- networks


@transaction.atomic
def settings_update(*, network: Organisation, **fields) -> NetworkSettings:
    found = selectors.settings_for_unscoped(network)
    for name, value in fields.items():
        setattr(found, name, value)
    found.full_clean()
    found.save()
    return found


@transaction.atomic
def hub_save(
    *,
    network: Organisation,
    name: str,
    hub_school: Organisation,
    schools: list[Organisation],
    coordinators: list[User],
    hub: Hub | None = None,
) -> Hub:
    members = set(selectors.member_schools_unscoped(network).values_list("pk", flat=True))
    if hub_school.pk not in members:
        raise ValidationError({"hub_school": ERR_HUB_SCHOOL})
    if any(s.pk not in members for s in schools):
        raise ValidationError({"schools": ERR_NOT_MEMBER})
    hub = hub or Hub(network=network)
    hub.name = name.strip()
    hub.hub_school = hub_school
    hub.full_clean()
    hub.save()
    hub.schools.set({s.pk for s in schools} | {hub_school.pk})
    hub.coordinators.exclude(user__in=coordinators).delete()
    have = set(hub.coordinators.values_list("user_id", flat=True))
    HubCoordinator.objects.bulk_create(
        HubCoordinator(hub=hub, user=u) for u in coordinators if u.pk not in have
    )
    return hub


@transaction.atomic
def headings_ensure(*, network: Organisation) -> list[ReviewHeading]:
    """The network's headings; the three defaults are added the first time."""
    if not ReviewHeading.objects.filter(network=network).exists():
        ReviewHeading.objects.bulk_create(
            ReviewHeading(
                network=network,
                order=i,
                title_sv=sv,
                title_en=en,
                guidance_sv=gsv,
                guidance_en=gen,
            )
            for i, (sv, en, gsv, gen) in enumerate(DEFAULT_HEADINGS, start=1)
        )
    return list(ReviewHeading.objects.filter(network=network))


@transaction.atomic
def heading_save(*, heading: ReviewHeading) -> ReviewHeading:
    for name in ("title_sv", "title_en", "guidance_sv", "guidance_en"):
        setattr(heading, name, getattr(heading, name).strip())
    heading.full_clean()
    heading.save()
    return heading


@transaction.atomic
def conflict_declare(*, user: User, school: Organisation, reason: str) -> ConflictOfInterest:
    found, _created = ConflictOfInterest.objects.update_or_create(
        user=user, school=school, defaults={"reason": reason.strip()}
    )
    return found


# ----------------------------------------------------------------------------- reviews


@transaction.atomic
def review_create(
    *,
    actor: User,
    network: Organisation,
    school: Organisation,
    year: int,
    visit_starts_on: dt.date | None = None,
    visit_ends_on: dt.date | None = None,
) -> PeerReview:
    if not selectors.member_schools_unscoped(network).filter(pk=school.pk).exists():
        raise ValidationError({"school": ERR_NOT_MEMBER})
    if visit_starts_on and visit_ends_on and visit_ends_on < visit_starts_on:
        raise ValidationError({"visit_ends_on": ERR_DATES})
    config = selectors.settings_for_unscoped(network)
    # Serialise creations for the school so two coordinators cannot both pass the count.
    Organisation.objects.select_for_update().filter(pk=school.pk).first()
    existing = PeerReview.objects.filter(network=network, school=school, year=year).count()
    if existing >= config.reviews_per_year:
        raise ValidationError({"school": ERR_TOO_MANY % {"n": existing}})
    review = PeerReview(
        network=network,
        school=school,
        year=year,
        visit_starts_on=visit_starts_on,
        visit_ends_on=visit_ends_on,
        share_scope=config.default_share,
        created_by=actor,
    )
    review.full_clean()
    review.save()
    headings = [h for h in headings_ensure(network=network) if h.is_active]
    HeadingEvaluation.objects.bulk_create(
        HeadingEvaluation(review=review, heading=h) for h in headings
    )
    return review


def _check_open(review: PeerReview) -> None:
    if review.status == PeerReview.Status.COMPLETED:
        raise ValidationError(ERR_COMPLETED)


@transaction.atomic
def self_evaluation_save(
    *,
    review: PeerReview,
    entries: dict[int, tuple[str, str]],
    excellence_title: str,
    excellence_description: str,
    done: bool,
) -> PeerReview:
    """Save the school's estimate and text per heading (heading id → (estimate, text))."""
    _check_open(review)
    evaluations = {e.heading_id: e for e in review.evaluations.all()}
    for heading_id, (estimate, text) in entries.items():
        evaluation = evaluations.get(heading_id)
        if evaluation is None:
            raise ValidationError(ERR_HEADING_NETWORK)
        evaluation.self_estimate = estimate
        evaluation.self_evaluation = text.strip()
        evaluation.full_clean()
        evaluation.save(update_fields=["self_estimate", "self_evaluation"])
    review.excellence_title = excellence_title.strip()
    review.excellence_description = excellence_description.strip()
    if done and review.self_evaluation_done_at is None:
        review.self_evaluation_done_at = timezone.now()
    review.full_clean()
    review.save(
        update_fields=["excellence_title", "excellence_description", "self_evaluation_done_at"]
    )
    return review


def _reviewer_school(user: User, network: Organisation) -> Organisation | None:
    return next(iter(selectors.led_schools(user, network)), None)


@transaction.atomic
def team_set(*, review: PeerReview, members: list[User], lead: User | None) -> list[TeamMember]:
    _check_open(review)
    if not members:
        raise ValidationError({"members": ERR_NO_TEAM})
    if lead is not None and lead not in members:
        raise ValidationError({"lead": ERR_LEAD})
    conflicts = set(
        ConflictOfInterest.objects.filter(school=review.school, user__in=members).values_list(
            "user_id", flat=True
        )
    )
    seats = []
    for user in members:
        if has_perm(user, review.school, Perm.PEER_REVIEW_SCHOOL):
            raise ValidationError({"members": ERR_OWN_SCHOOL % {"name": user}})
        if user.pk in conflicts:
            raise ValidationError({"members": ERR_CONFLICT % {"name": user}})
        school = _reviewer_school(user, review.network)
        if school is None:
            raise ValidationError({"members": ERR_NOT_LEADER % {"name": user}})
        seats.append((user, school))
    review.team.exclude(user__in=members).delete()
    have = {m.user_id: m for m in review.team.all()}
    result = []
    for user, school in seats:
        seat = have.get(user.pk) or TeamMember(review=review, user=user, school=school)
        seat.is_lead = lead is not None and user.pk == lead.pk
        seat.save()
        result.append(seat)
    if lead is None and result and not any(s.is_lead for s in result):
        result[0].is_lead = True
        result[0].save(update_fields=["is_lead"])
    return result


def team_proposal(*, reviews: list[PeerReview]) -> tuple[Proposal, dict[int, User]]:
    """Proposed teams for `reviews` (all in one network) from the leaders of its other member
    schools, with each reviewer's experience, load this year, visit months and conflicts."""
    if not reviews:
        return Proposal(teams={}), {}
    network = reviews[0].network
    config = selectors.settings_for_unscoped(network)
    schools = list(selectors.member_schools_unscoped(network))
    principals = selectors.principals_of_unscoped(schools)
    hub_of: dict[int, int] = {}
    for hub in Hub.objects.filter(network=network).prefetch_related("schools"):
        for school in hub.schools.all():
            hub_of.setdefault(school.pk, hub.pk)
        hub_of.setdefault(hub.hub_school_id, hub.pk)
    users = {u.pk: u for people in principals.values() for u in people}
    done = Counter(
        dict(
            TeamMember.objects.filter(user_id__in=users, review__status=PeerReview.Status.COMPLETED)
            .values_list("user_id")
            .annotate(n=Count("pk"))
        )
    )
    years = {r.year for r in reviews}
    review_ids = {r.pk for r in reviews}
    load: Counter = Counter()
    months: dict[int, set[int]] = {}
    for seat in TeamMember.objects.filter(user_id__in=users, review__year__in=years).select_related(
        "review"
    ):
        if seat.review_id in review_ids:
            continue  # these teams are being proposed again; their members count below
        load[seat.user_id] += 1
        if seat.review.visit_starts_on:
            months.setdefault(seat.user_id, set()).add(seat.review.visit_starts_on.month)
    conflicts: dict[int, set[int]] = {}
    for user_id, school_id in ConflictOfInterest.objects.filter(user_id__in=users).values_list(
        "user_id", "school_id"
    ):
        conflicts.setdefault(user_id, set()).add(school_id)
    reviewers = []
    seen: set[int] = set()
    for school in schools:
        for user in principals.get(school.pk, []):
            if user.pk in seen:
                continue
            seen.add(user.pk)
            reviewers.append(
                Reviewer(
                    id=user.pk,
                    school_id=school.pk,
                    owner_id=school.parent_id,
                    hub_id=hub_of.get(school.pk),
                    reviews_done=done.get(user.pk, 0),
                    load=load.get(user.pk, 0),
                    months=frozenset(months.get(user.pk, set())),
                    conflicts=frozenset(conflicts.get(user.pk, set())),
                )
            )
    slots = [
        ReviewSlot(
            id=r.pk,
            school_id=r.school_id,
            owner_id=r.school.parent_id,
            hub_id=hub_of.get(r.school_id),
            month=r.visit_starts_on.month if r.visit_starts_on else None,
        )
        for r in reviews
    ]
    proposal = propose_review_teams(
        slots,
        reviewers,
        team_size=config.team_size,
        max_reviews_per_person=config.max_reviews_per_person,
    )
    return proposal, users


@transaction.atomic
def visit_plan(
    *,
    actor: User,
    review: PeerReview,
    framework_version: FrameworkVersion,
    teachers: list[User],
    colleague: User | None,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Round:
    """Create the visit's round of joint observations: each chosen teacher is observed by a
    reviewer (in turn) and, when named, by a colleague of the school beside them."""
    _check_open(review)
    if review.round_id is not None:
        raise ValidationError(ERR_ROUND_EXISTS)
    team = [m.user for m in review.team.select_related("user")]
    if not team:
        raise ValidationError(ERR_NEEDS_TEAM)
    if not teachers:
        raise ValidationError({"teachers": ERR_NO_TEACHERS})
    observers = team + ([colleague] if colleague and colleague not in team else [])
    round_ = observation_services.round_create(
        actor=actor,
        organisation=review.school,
        schools=[review.school],
        name=str(_("Peer review %(year)s") % {"year": review.year}),
        kind=Round.Kind.ONGOING,
        framework_version=framework_version,
        starts_on=starts_on,
        ends_on=ends_on,
        target_lessons=1,
        release_mode=Round.Release.BY_OBSERVER,
        ask_proposals=False,
        teachers=teachers,
        observers=observers,
    )
    reviewers = cycle(team)
    for teacher in teachers:
        observer = next(reviewers)
        if observer.pk == teacher.pk:
            observer = next(reviewers)
        assignment = Assignment.objects.create(
            round=round_,
            observer=observer,
            teacher=teacher,
            school=review.school,
            planned_at=timezone.make_aware(dt.datetime.combine(starts_on, dt.time(9, 0))),
        )
        if colleague is not None and colleague.pk not in (observer.pk, teacher.pk):
            observation_services.assignment_double(assignment=assignment, observer=colleague)
    review.round = round_
    review.status = PeerReview.Status.VISIT
    if review.visit_starts_on is None:
        review.visit_starts_on, review.visit_ends_on = starts_on, ends_on
    review.save(update_fields=["round", "status", "visit_starts_on", "visit_ends_on"])
    return round_


@transaction.atomic
def agreement_save(
    *,
    review: PeerReview,
    entries: dict[int, dict[str, str]],
    summary: str,
    excellence_confirmed: bool,
) -> PeerReview:
    """Save the agreed estimate, evidence, "what went well" and "even better if" per heading."""
    _check_open(review)
    evaluations = {e.heading_id: e for e in review.evaluations.all()}
    fields = ["agreed_estimate", "evidence", "went_well", "even_better_if"]
    for heading_id, values in entries.items():
        evaluation = evaluations.get(heading_id)
        if evaluation is None:
            raise ValidationError(ERR_HEADING_NETWORK)
        for name in fields:
            setattr(evaluation, name, (values.get(name) or "").strip())
        evaluation.full_clean()
        evaluation.save(update_fields=fields)
    review.summary = summary.strip()
    review.excellence_confirmed = excellence_confirmed
    review.save(update_fields=["summary", "excellence_confirmed"])
    return review


@transaction.atomic
def review_complete(*, review: PeerReview) -> PeerReview:
    review = PeerReview.objects.select_for_update().get(pk=review.pk)
    if review.status == PeerReview.Status.COMPLETED:
        return review
    missing = [
        str(e.heading)
        for e in review.evaluations.select_related("heading")
        if not e.agreed_estimate
    ]
    if missing:
        raise ValidationError(ERR_MISSING_AGREED % {"names": ", ".join(missing)})
    review.status = PeerReview.Status.COMPLETED
    review.completed_at = timezone.now()
    review.save(update_fields=["status", "completed_at"])
    return review


@transaction.atomic
def share_set(*, review: PeerReview, scope: str, schools: list[Organisation]) -> PeerReview:
    members = set(selectors.member_schools_unscoped(review.network).values_list("pk", flat=True))
    if any(s.pk not in members for s in schools):
        raise ValidationError({"schools": ERR_SHARE_SCHOOL})
    review.share_scope = scope
    review.full_clean()
    review.save(update_fields=["share_scope"])
    review.shared_schools.set([s for s in schools if s.pk != review.school_id])
    return review


@transaction.atomic
def action_add(
    *,
    review: PeerReview,
    description: str,
    heading: ReviewHeading | None,
    responsible: str,
    due_on: dt.date | None,
) -> FollowUpAction:
    if heading is not None and heading.network_id != review.network_id:
        raise ValidationError({"heading": ERR_HEADING_NETWORK})
    action = FollowUpAction(
        review=review,
        description=description.strip(),
        heading=heading,
        responsible=responsible.strip(),
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(*, action: FollowUpAction, status: str, outcome: str) -> FollowUpAction:
    action.status = status
    action.outcome = outcome.strip()
    action.full_clean()
    action.save(update_fields=["status", "outcome"])
    return action


ESTIMATE_ORDER = [e.value for e in Estimate]


# ----------------------------------------------------------------------------- best practice

ERR_CONSENT = _("The teacher must agree to be listed; tick the box when they have.")
ERR_TEACHER = _("Choose a teacher of the school.")
ERR_REVIEW_SOURCE = _("Choose a completed review of the school.")
ERR_OWN_PRACTICE = _("This practice is at your own school.")
ERR_FROM_SCHOOL = _("Choose a member school you lead.")


@transaction.atomic
def practice_create(
    *,
    actor: User,
    network: Organisation,
    school: Organisation,
    source: str,
    title: str,
    description: str,
    evidence: str = "",
    contact: str = "",
    research: str = "",
    dimension_code: str = "",
    heading: ReviewHeading | None = None,
    teacher: User | None = None,
    teacher_consents: bool = False,
    review: PeerReview | None = None,
):
    from samsyn.accounts.models import Membership, Role
    from samsyn.networks.models import Practice

    if not selectors.member_schools_unscoped(network).filter(pk=school.pk).exists():
        raise ValidationError({"school": ERR_NOT_MEMBER})
    if teacher is not None:
        if not Membership.objects.filter(
            user=teacher, organisation=school, role=Role.TEACHER
        ).exists():
            raise ValidationError({"teacher": ERR_TEACHER})
        if not teacher_consents:
            raise ValidationError({"teacher_consents": ERR_CONSENT})
    if review is not None and (
        review.school_id != school.pk or review.status != PeerReview.Status.COMPLETED
    ):
        raise ValidationError({"review": ERR_REVIEW_SOURCE})
    if heading is not None and heading.network_id != network.pk:
        raise ValidationError({"heading": ERR_HEADING_NETWORK})
    practice = Practice(
        network=network,
        school=school,
        teacher=teacher,
        teacher_consent_at=timezone.now() if teacher is not None else None,
        source=source,
        review=review,
        title=title.strip(),
        description=description.strip(),
        evidence=evidence.strip(),
        contact=contact.strip(),
        research=research.strip(),
        dimension_code=dimension_code,
        heading=heading,
        created_by=actor,
    )
    practice.full_clean()
    practice.save()
    if source == Practice.Source.EXCELLENCE and teacher is None:
        _publish_excellence(practice, actor)
    return practice


def _publish_excellence(practice, actor: User) -> None:
    """An area of excellence confirmed in a peer review is proven experience: it goes to the
    library of proven experience too (samsyn.improvement), where every signed-in person can
    find it. It is about a school, never a named teacher."""
    evidence = []
    if practice.evidence:
        evidence.append({"label": str(_("Evidence")), "detail": practice.evidence})
    if practice.review_id:
        evidence.append(
            {
                "label": str(_("Peer review")),
                "detail": f"{practice.school.name}, {practice.review.year}",
            }
        )
    library.library_entry_publish(
        kind="excellence",
        source="networks.practice",
        source_id=practice.pk,
        title=practice.title,
        body=practice.description,
        summary=practice.description[:300],
        language=actor.language if actor.language in ("sv", "en") else "sv",
        dimension_code=practice.dimension_code,
        organisation=practice.school,
        evidence=evidence,
        published_by=actor,
    )


@transaction.atomic
def visit_request_create(
    *, actor: User, practice, from_school: Organisation, kind: str, message: str
):
    from samsyn.networks.models import VisitRequest

    if from_school.pk == practice.school_id:
        raise ValidationError({"from_school": ERR_OWN_PRACTICE})
    if not has_perm(actor, from_school, Perm.PEER_REVIEW_SCHOOL) or not (
        selectors.member_schools_unscoped(practice.network).filter(pk=from_school.pk).exists()
    ):
        raise ValidationError({"from_school": ERR_FROM_SCHOOL})
    request = VisitRequest(
        practice=practice,
        from_school=from_school,
        requested_by=actor,
        kind=kind,
        message=message.strip(),
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def visit_request_answer(*, request, status: str):
    request.status = status
    request.answered_at = timezone.now()
    request.full_clean()
    request.save(update_fields=["status", "answered_at"])
    return request


# ----------------------------------------------------------------------------- exchanges

ERR_TWO_OWNERS = _("Choose at least two school owners.")
ERR_OWNER_CHOICE = _("Choose school owners of the organiser's region.")
ERR_HOST = _("Choose a participating school owner as host.")
ERR_VISITORS = _("Choose participating school owners other than the host as visitors.")
ERR_MEMBER = _("This person has no role in the chosen school owner or its schools.")


@transaction.atomic
def exchange_create(
    *,
    actor: User,
    organiser: Organisation,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    owners: list[Organisation],
    development_area: str,
    soft_values: str = "",
):
    from samsyn.networks.models import Exchange

    allowed = set(selectors.exchange_owner_choices_unscoped(organiser).values_list("pk", flat=True))
    if len(owners) < 2:
        raise ValidationError({"owners": ERR_TWO_OWNERS})
    if any(o.pk not in allowed for o in owners):
        raise ValidationError({"owners": ERR_OWNER_CHOICE})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": ERR_DATES})
    exchange = Exchange(
        organiser=organiser,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        development_area=development_area.strip(),
        soft_values=soft_values.strip(),
        created_by=actor,
    )
    exchange.full_clean()
    exchange.save()
    exchange.owners.set(owners)
    return exchange


@transaction.atomic
def exchange_update(*, exchange, **fields):
    for name, value in fields.items():
        setattr(exchange, name, value.strip() if isinstance(value, str) else value)
    if exchange.ends_on < exchange.starts_on:
        raise ValidationError({"ends_on": ERR_DATES})
    exchange.full_clean()
    exchange.save()
    return exchange


@transaction.atomic
def exchange_member_add(*, exchange, user: User, owner: Organisation, task: str):
    from samsyn.accounts.models import Membership
    from samsyn.networks.models import ExchangeMember

    if not exchange.owners.filter(pk=owner.pk).exists():
        raise ValidationError({"owner": ERR_OWNER_CHOICE})
    below = [owner.pk, *Organisation.objects.filter(parent=owner).values_list("pk", flat=True)]
    if not Membership.objects.filter(user=user, organisation_id__in=below).exists():
        raise ValidationError({"user": ERR_MEMBER})
    member, _created = ExchangeMember.objects.update_or_create(
        exchange=exchange, user=user, defaults={"owner": owner, "task": task.strip()}
    )
    return member


@transaction.atomic
def exchange_visit_save(
    *,
    exchange,
    host: Organisation,
    visitors: list[Organisation],
    starts_on: dt.date,
    ends_on: dt.date,
    programme: str = "",
    observations: str = "",
    visit=None,
):
    from samsyn.networks.models import ExchangeVisit

    owners = set(exchange.owners.values_list("pk", flat=True))
    if host.pk not in owners:
        raise ValidationError({"host": ERR_HOST})
    if not visitors or any(v.pk not in owners or v.pk == host.pk for v in visitors):
        raise ValidationError({"visitors": ERR_VISITORS})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": ERR_DATES})
    visit = visit or ExchangeVisit(exchange=exchange)
    visit.host = host
    visit.starts_on, visit.ends_on = starts_on, ends_on
    visit.programme, visit.observations = programme.strip(), observations.strip()
    visit.full_clean()
    visit.save()
    visit.visitors.set(visitors)
    return visit

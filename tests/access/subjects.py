"""Real objects of the demo world to fill URL path parameters with, per school owner.

`subjects(owner)` answers, for one owner (Sjöviks kommun: the personas' own; Ekbacka kommun:
another owner's), a dict kind → {path parameter: value}: the first object of that kind
belonging to the owner, with its children for nested routes (a plan with one of its goals and
actions). A kind the owner has nothing of is left out; routes needing it are then not
requested for that owner (the summary counts them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from samsyn.accounts.models import Invitation, Membership, NetworkMembership, Organisation, Role
from samsyn.coaching.models import Conversation, NextStep, SupportPlan
from samsyn.frameworks.models import FrameworkVersion
from samsyn.improvement.models import (
    CycleStep,
    Evidence,
    LibraryEntry,
    Measure,
    PlanAction,
    PlanGoal,
    Project,
    QualityCycle,
    SchoolPlan,
    SupervisionGroup,
)
from samsyn.indicators.models import Indicator, KoladaFetch, Question, Survey
from samsyn.integrations.models import ApiToken, SsoProvider, SsoRule
from samsyn.networks.models import (
    CollaborationGroup,
    CompetenceEffort,
    ConflictOfInterest,
    Exchange,
    ExchangeVisit,
    FollowUpAction,
    GroupAssignment,
    Hub,
    PeerReview,
    Practice,
    ReviewHeading,
    VisitRequest,
)
from samsyn.observations.models import Assignment, CalibrationExercise, Conflict, Observation, Round
from samsyn.privacy.models import ResearchExport, SubjectRequest
from samsyn.programmes.models import Programme
from samsyn.provisioning.models import ImportRun
from samsyn.public.models import ProgressPage
from samsyn.triads.models import Triad, TriadSet
from samsyn.workshops.models import Action, Workshop, WorkshopItem

# Tokens that are never valid: the pages behind them answer everyone the same way.
NO_TOKEN = "no-such-token"


def _first(queryset) -> Any:
    return queryset.order_by("pk").first()


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


def subjects(owner: Organisation) -> dict[str, dict[str, Any]]:
    """kind → path parameters, for objects of this owner (see the module docstring)."""
    schools = Organisation.objects.filter(parent=owner, kind=Organisation.Kind.SCHOOL)
    school = _first(schools.filter(school_rounds__isnull=False).distinct()) or _first(schools)
    network = _first(
        Organisation.objects.filter(
            kind=Organisation.Kind.NETWORK, network_members__school__parent=owner
        ).distinct()
    )
    teacher = _first(Membership.objects.filter(organisation=school, role=Role.TEACHER))
    out: dict[str, dict[str, Any]] = {}

    def add(kind: str, **params: Any) -> None:
        """The kind's parameters that have an object (none at all if its own pk has none)."""
        if params.get("pk", 0) is not None:
            out[kind] = {k: v for k, v in params.items() if v is not None}

    invitation = _first(Invitation.objects.filter(organisation=school))
    membership = _first(Membership.objects.filter(organisation=school, role=Role.TEACHER))
    add(
        "school",
        pk=school.pk,
        school_pk=school.pk,
        school_id=school.pk,
        org_id=school.pk,
        user_pk=_pk(teacher and teacher.user),
        teacher_pk=_pk(teacher and teacher.user),
        membership_pk=_pk(membership),
        invitation_pk=_pk(invitation),  # the demo has none: a missing one answers 404
        code=_pk(_first(Indicator.objects.filter(owner=None)))
        and _first(Indicator.objects.filter(owner=None)).code,
        fmt="csv",
    )
    rule = _first(SsoRule.objects.filter(provider__owner=owner))
    run = _first(ImportRun.objects.filter(owner=owner))
    add(
        "owner",
        pk=owner.pk,
        org_id=owner.pk,
        org_pk=owner.pk,
        fmt="csv",
        year=dt.date.today().year,
        rule_pk=_pk(rule),
        run_pk=_pk(run),
        school_pk=school.pk,
        request_pk=_pk(_first(SubjectRequest.objects.filter(owner=owner))),
        export_pk=_pk(_first(ResearchExport.objects.filter(owner=owner))),
        document="dpia",
    )
    if network is not None:
        member = _first(NetworkMembership.objects.filter(network=network, school__parent=owner))
        conflict = _first(ConflictOfInterest.objects.filter(school__parent=owner))
        add(
            "network",
            pk=network.pk,
            heading_pk=_pk(_first(ReviewHeading.objects.filter(network=network))),
            hub_pk=_pk(_first(Hub.objects.filter(network=network))),
            school_pk=_pk(member and member.school),
            member_pk=_pk(member),
            conflict_pk=_pk(conflict),
        )
    rounds = Round.objects.filter(is_peer=False, schools__parent=owner).distinct()
    round_ = _first(rounds.filter(observations__isnull=False).distinct()) or _first(rounds)
    add("round", pk=_pk(round_), round_id=_pk(round_))
    observation = _first(Observation.objects.filter(school__parent=owner, round__is_peer=False))
    add("observation", uuid=observation and observation.uuid)
    add("assignment", pk=_pk(_first(Assignment.objects.filter(school__parent=owner))))
    add(
        "calibration",
        pk=_pk(_first(CalibrationExercise.objects.filter(organisation__in=[owner, *schools]))),
    )
    add("conflict", pk=_pk(_first(Conflict.objects.filter(observation__school__parent=owner))))
    conversation = _first(Conversation.objects.filter(school__parent=owner))
    add("conversation", pk=_pk(conversation))
    add(
        "next_step",
        pk=_pk(_first(NextStep.objects.filter(conversation__school__parent=owner))),
    )
    add("support", pk=_pk(_first(SupportPlan.objects.filter(school__parent=owner))))
    triad_set = _first(TriadSet.objects.filter(school__parent=owner))
    add("triad_set", pk=_pk(triad_set))
    add("triad", pk=_pk(_first(Triad.objects.filter(triad_set__school__parent=owner))))
    workshop = _first(Workshop.objects.filter(school__parent=owner))
    if workshop is not None:
        add(
            "workshop",
            pk=workshop.school_id,
            workshop_pk=workshop.pk,
            item_pk=_pk(_first(WorkshopItem.objects.filter(workshop=workshop))),
            action_pk=_pk(_first(Action.objects.filter(school=workshop.school))),
        )
    survey = _first(Survey.objects.filter(organisation__in=[owner, *schools]))
    if survey is not None:
        add(
            "survey",
            pk=survey.organisation_id,
            survey_pk=survey.pk,
            question_pk=_pk(_first(Question.objects.filter(survey=survey))),
        )
    project = _first(Project.objects.filter(school__parent=owner))
    if project is not None:
        add(
            "project",
            pk=project.pk,
            evidence_pk=_pk(_first(Evidence.objects.filter(project=project))),
            measure_pk=_pk(_first(Measure.objects.filter(project=project))),
        )
    plan = _first(SchoolPlan.objects.filter(school__parent=owner))
    if plan is not None:
        add(
            "plan",
            pk=plan.pk,
            goal_pk=_pk(_first(PlanGoal.objects.filter(plan=plan))),
            action_pk=_pk(_first(PlanAction.objects.filter(plan=plan))),
        )
    cycle = _first(QualityCycle.objects.filter(owner=owner))
    if cycle is not None:
        add(
            "cycle",
            pk=cycle.pk,
            step_pk=_pk(_first(CycleStep.objects.filter(cycle=cycle))),
            school_pk=school.pk,
        )
    add(
        "supervision",
        pk=_pk(
            _first(
                SupervisionGroup.objects.filter(organisation__in=[owner, *schools, owner.parent])
            )
        ),
    )
    add(
        "library_entry",
        pk=_pk(_first(LibraryEntry.objects.filter(organisation__in=[owner, *schools]))),
    )
    review = _first(PeerReview.objects.filter(school__parent=owner))
    if review is not None:
        add(
            "review",
            pk=review.pk,
            action_pk=_pk(_first(FollowUpAction.objects.filter(review=review))),
        )
    practice = _first(Practice.objects.filter(school__parent=owner))
    if practice is not None:
        add(
            "practice",
            pk=practice.pk,
            request_pk=_pk(_first(VisitRequest.objects.filter(practice=practice))),
        )
    exchange = _first(Exchange.objects.filter(organiser=owner))
    if exchange is not None:
        add(
            "exchange",
            pk=exchange.pk,
            visit_pk=_pk(_first(ExchangeVisit.objects.filter(exchange=exchange))),
        )
    if network is not None:
        group = _first(CollaborationGroup.objects.filter(network=network))
        add(
            "collab_group",
            pk=_pk(group),
            member_pk=_pk(group and _first(group.members.all())),
            meeting_pk=_pk(group and _first(group.meetings.all())),
            decision_pk=_pk(group and _first(group.decisions.all())),
        )
        add(
            "collab_assignment",
            pk=_pk(_first(GroupAssignment.objects.filter(from_group__network=network))),
        )
        add("effort", pk=_pk(_first(CompetenceEffort.objects.filter(network=network))))
    add("programme", pk=_pk(_first(Programme.objects.filter(organisation=owner))))
    page = _first(ProgressPage.objects.filter(organisation=owner))
    add("progress_page", pk=_pk(page))
    add("progress_slug", slug=page.slug if page else None)
    add("sso_provider", pk=_pk(_first(SsoProvider.objects.filter(owner=owner))))
    add(
        "api_token",
        pk=_pk(_first(ApiToken.objects.filter(user__memberships__organisation=owner))),
    )
    add("kolada_fetch", fetch_pk=_pk(_first(KoladaFetch.objects.all())))
    version = _first(
        FrameworkVersion.objects.filter(published_at__isnull=False).select_related("framework")
    )
    add(
        "framework",
        slug=version.framework.slug,
        number=version.number,
        code=_first(version.dimensions.all()).code,
    )
    add(
        "research_export",
        export_pk=_pk(_first(ResearchExport.objects.filter(owner=owner))),
        fmt="csv",
    )
    add("token", token=NO_TOKEN, uidb64="MQ", fmt="json")
    return out


# kind → (model, the field naming its school or owner): what `copy_to_owner` copies.
COPIED = {
    "conversation": (Conversation, "school"),
    "support": (SupportPlan, "school"),
    "triad_set": (TriadSet, "school"),
    "workshop": (Workshop, "school"),
    "project": (Project, "school"),
    "plan": (SchoolPlan, "school"),
    "survey": (Survey, "organisation"),
    "calibration": (CalibrationExercise, "organisation"),
    "cycle": (QualityCycle, "owner"),
    "exchange": (Exchange, "organiser"),
    "practice": (Practice, "school"),
    "programme": (Programme, "organisation"),
    "progress_page": (ProgressPage, "organisation"),
}


# kind → (child model, the field naming its parent): children copied with their parent, for the
# routes that need one (removing a project's evidence).
COPIED_CHILDREN = {
    "project": [(Evidence, "project")],
}


def copy_to_owner(own: Organisation, other: Organisation) -> list[str]:
    """Give the other owner a copy of the own owner's first object of each kind the demo
    has only for the own owner (the same row, its school or owner and every person in it
    moved to the other owner), so the matrix can ask for another owner's object of every
    kind. Returns the kinds copied."""
    from django.db import IntegrityError, transaction

    from samsyn.accounts.models import User

    other_school = _first(Organisation.objects.filter(parent=other, kind=Organisation.Kind.SCHOOL))
    person = _first(User.objects.filter(memberships__organisation=other_school))
    copied = []
    for kind, (model, field) in COPIED.items():
        if model.objects.filter(**{f"{field}__in": [other, *other.children.all()]}).exists():
            continue
        obj = _first(model.objects.filter(**{f"{field}__in": [own, *own.children.all()]}))
        if obj is None:
            continue
        # An owner-level object (a programme, a progress page) goes to the other owner.
        owner_level = field in ("owner", "organiser") or getattr(obj, f"{field}_id") == own.pk
        target = other if owner_level else other_school
        original = obj.pk
        obj.pk = obj.id = None
        if hasattr(obj, "slug"):
            obj.slug = f"{obj.slug}-{other.pk}"
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is User and getattr(obj, f.attname):
                setattr(obj, f.name, person)
        setattr(obj, field, target)
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            continue
        for child_model, parent_field in COPIED_CHILDREN.get(kind, []):
            for child in child_model.objects.filter(**{f"{parent_field}_id": original}):
                child.pk = child.id = None
                setattr(child, parent_field, obj)
                child.save()
        copied.append(kind)
    return copied

"""Joint competence development of the collaboration: efforts planned from an exchange's
analysis, their participants, material, and an evaluation run as a short survey on the survey
engine (`samsyn.indicators`: anonymous one-time links, results with small groups hidden).

Who sees an effort: the collaboration's coordinators, the steering group and anyone with a
seat in one of its groups, and the effort's own participants. Coordinators manage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.access import Perm, get_object_for_user
from samsyn.accounts.models import Organisation, User
from samsyn.indicators import services as survey_services
from samsyn.indicators.models import Survey
from samsyn.indicators.surveys import SurveyResults, survey_results
from samsyn.networks import governance
from samsyn.networks.models import CompetenceEffort, Exchange

ERR_DATES = _("The last day cannot be before the first day.")
ERR_EXCHANGE_ELSEWHERE = _("Choose an exchange of this collaboration.")
ERR_EVALUATION_EXISTS = _("The effort already has an evaluation.")
ERR_NO_EVALUATION = _("Create the evaluation first.")
ERR_NO_PARTICIPANTS = _("Add the participants first: each gets one answer link.")
ERR_LINKS_HANDED_OUT = _("Every participant already has an answer link.")


def default_statements() -> list[str]:
    """The evaluation's statements (4-point agreement scale), in the active language."""
    return [
        gettext("The effort was relevant to the needs we found in the exchange."),
        gettext("I have been able to use what I learned in my own work."),
        gettext("The material was useful."),
        gettext("I would recommend the effort to colleagues."),
    ]


# ----------------------------------------------------------------------------- access


def effort_perms(user: User, effort: CompetenceEffort) -> frozenset[Perm]:
    """The user's permissions on an effort: those in its collaboration (`seat_perms`: its
    coordinators and anyone with a seat in a group read it), and COMPETENCE_VIEW for its own
    participants."""
    perms = governance.seat_perms(user, effort.network)
    if (
        Perm.COMPETENCE_VIEW not in perms
        and user.is_authenticated
        and effort.participants.filter(pk=user.pk).exists()
    ):
        perms |= {Perm.COMPETENCE_VIEW}
    return perms


def efforts_for_user(user: User, network: Organisation) -> QuerySet[CompetenceEffort]:
    efforts = CompetenceEffort.objects.filter(network=network).annotate(
        participant_count=Count("participants", distinct=True)
    )
    if Perm.COMPETENCE_VIEW in governance.seat_perms(user, network):
        return efforts.select_related("exchange")
    if not user.is_authenticated:
        return efforts.none()
    return efforts.filter(participants=user).select_related("exchange")


def get_efforts_network_for_user(
    *, user: User, pk: int, perm: Perm = Perm.COMPETENCE_VIEW
) -> Organisation:
    """The network whose competence development the user reads (`collaboration_perms`: a
    seat in one of its groups, or taking part in one of its efforts)."""
    return get_object_for_user(
        user=user,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.NETWORK),
        perm=perm,
        org_of=lambda network: network,
        perms_of=lambda network: governance.collaboration_perms(user, network),
        pk=pk,
    )


def get_effort_for_user(
    *, user: User, pk: int, perm: Perm = Perm.COMPETENCE_VIEW
) -> CompetenceEffort:
    """The effort if the user holds `perm` on it (`effort_perms`); coordinators manage it
    (`COLLABORATION_MANAGE`). 403 for the network's other members, 404 for everyone else."""
    return get_object_for_user(
        user=user,
        queryset=CompetenceEffort.objects.select_related("network", "exchange"),
        perm=perm,
        org_of=lambda effort: effort.network,
        perms_of=lambda effort: effort_perms(user, effort),
        pk=pk,
    )


# ----------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class EffortSummary:
    effort: CompetenceEffort
    participants: int
    results: SurveyResults | None

    @property
    def shown_questions(self) -> list:
        return [q for q in self.results.questions if not q.hidden] if self.results else []


def summary(effort: CompetenceEffort) -> EffortSummary:
    results = survey_results(effort.evaluation) if effort.evaluation_id else None
    return EffortSummary(effort, effort.participants.count(), results)


def efforts_in_year(
    *, year: int, exchanges: list[Exchange], organiser: Organisation
) -> list[EffortSummary]:
    """Efforts of the year planned from `exchanges` (the ones the reader sees) or held by the
    organising collaboration itself, for the regional yearly documentation."""
    efforts = (
        CompetenceEffort.objects.filter(
            Q(exchange__in=[x.pk for x in exchanges]) | Q(network=organiser),
            starts_on__lte=dt.date(year, 12, 31),
            ends_on__gte=dt.date(year, 1, 1),
        )
        .select_related("evaluation", "exchange")
        .order_by("starts_on", "pk")
    )
    return [summary(effort) for effort in efforts]


# ----------------------------------------------------------------------------- writes


@transaction.atomic
def effort_save(
    *,
    actor: User | None,
    network: Organisation,
    title: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    exchange: Exchange | None = None,
    need: str = "",
    material: str = "",
    participants: list[User] | QuerySet[User] = (),
    effort: CompetenceEffort | None = None,
) -> CompetenceEffort:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": ERR_DATES})
    if (
        exchange is not None
        and not governance.exchanges_of(network).filter(pk=exchange.pk).exists()
    ):
        raise ValidationError({"exchange": ERR_EXCHANGE_ELSEWHERE})
    effort = effort or CompetenceEffort(network=network, created_by=actor)
    effort.title, effort.kind, effort.exchange = title.strip(), kind, exchange
    effort.starts_on, effort.ends_on = starts_on, ends_on
    effort.need, effort.material = need.strip(), material.strip()
    effort.full_clean()
    effort.save()
    effort.participants.set(participants)
    return effort


@transaction.atomic
def evaluation_create(
    *, actor: User, effort: CompetenceEffort, statements: list[str] | None = None
) -> Survey:
    """The effort's evaluation: a teachers' survey of the network with a few statements."""
    if effort.evaluation_id:
        raise ValidationError(ERR_EVALUATION_EXISTS)
    survey = survey_services.survey_create(
        organisation=effort.network,
        actor=actor,
        title=gettext("Evaluation: %(title)s") % {"title": effort.title},
        audience=Survey.Audience.TEACHERS,
        use_template=False,
    )
    for text in statements or default_statements():
        survey_services.survey_question_add(survey=survey, text=text)
    effort.evaluation = survey
    effort.save(update_fields=["evaluation"])
    return survey


@transaction.atomic
def evaluation_links(*, effort: CompetenceEffort) -> list[str]:
    """One anonymous answer link per participant not yet given one (tokens; only their hashes
    are kept)."""
    if not effort.evaluation_id:
        raise ValidationError(ERR_NO_EVALUATION)
    participants = effort.participants.count()
    if not participants:
        raise ValidationError(ERR_NO_PARTICIPANTS)
    # Never more links than participants, so the evaluation cannot collect more answers than
    # there are people (a participant added later gets one more link).
    count = participants - effort.evaluation.links.count()
    if count <= 0:
        raise ValidationError(ERR_LINKS_HANDED_OUT)
    return survey_services.survey_links_create(survey=effort.evaluation, count=count)

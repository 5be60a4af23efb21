"""The demo network's peer reviews: a local hub around Strandskolan, Fyrtornsskolan's completed
review (report shared with the hub), and Ängsskolan's review in preparation."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Q
from django.utils import timezone

from samsyn.accounts.models import Organisation, User
from samsyn.demo.services import DEMO_DOMAIN, HUB_SCHOOL, DemoWorld, _slug, cleanup, step
from samsyn.frameworks.models import FrameworkVersion
from samsyn.improvement import cycle
from samsyn.indicators.catalogue import COLLABORATION
from samsyn.indicators.models import Indicator
from samsyn.networks import services
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
    ShareScope,
    TeamMember,
)
from samsyn.observations import services as observation_services

HUB_NAME = "Kusthubben"
HUB_MEMBERS = ["Strandskolan", "Fyrtornsskolan", "Ängsskolan"]
COMPLETED_SCHOOL = "Fyrtornsskolan"
PREPARATION_SCHOOL = "Ängsskolan"

# Demo texts (our own wording), one per heading in order.
SELF_EVALUATION = [
    (
        Estimate.EFFECTIVE,
        "Ledningsgruppen och förstelärarna följer upp undervisningen varje månad med "
        "observationsdata. Arbetslagen tar ansvar för sina egna mål, men uppföljningen "
        "skiljer sig mellan stadierna.",
    ),
    (
        Estimate.WORKING_TOWARDS,
        "Lektionerna har tydliga mål och god arbetsro. Återkopplingen under lektionen är "
        "vår svagaste dimension, och resultaten i matematik i årskurs 6 har sjunkit två år.",
    ),
    (
        Estimate.EFFECTIVE,
        "Elevhälsan arbetar förebyggande och anpassningar följs upp var sjätte vecka. Vi vet "
        "för lite om hur anpassningarna syns i den vanliga undervisningen.",
    ),
]
AGREED = [
    (
        Estimate.EFFECTIVE,
        "Samtal med ledningsgrupp, två arbetslag och elevrådet; månadsuppföljningarna.",
        "Ledarskapet är nära undervisningen: rektor och förstelärare observerar regelbundet "
        "och samtalen utgår från data.",
        "uppföljningen i arbetslagen hade samma struktur i alla stadier.",
    ),
    (
        Estimate.EFFECTIVE,
        "Åtta gemensamma lektionsobservationer under besöket, skolans resultat över tid.",
        "Tydliga lektionsmål och trygga klassrum; eleverna kunde förklara vad de skulle lära sig.",
        "lärarna oftare kontrollerade elevernas förståelse under lektionen och gav återkoppling "
        "som eleverna hann använda.",
    ),
    (
        Estimate.WORKING_TOWARDS,
        "Samtal med elevhälsan, genomgång av tre åtgärdsprogram, observationer.",
        "Elevhälsans förebyggande arbete är väl känt bland lärarna.",
        "anpassningarna syntes i den ordinarie undervisningen och inte bara i enskilt stöd.",
    ),
]
ACTIONS = [
    ("Gemensam mall för arbetslagens månadsuppföljning", "Rektor", 60),
    ("Kollegialt lärande om återkoppling under lektionen, fyra träffar", "Förstelärarna", 120),
    ("Följa upp anpassningar vid lektionsobservationer", "Elevhälsan och rektor", 150),
]


def _principal(world: DemoWorld, school_name: str) -> User:
    if school_name == HUB_SCHOOL:
        return world.users[f"rektor@{DEMO_DOMAIN}"]
    return world.users[f"rektor.{_slug(school_name)}@{DEMO_DOMAIN}"]


@step
def network_reviews(world: DemoWorld) -> None:
    network = world.network
    coordinator = world.users[f"natverk@{DEMO_DOMAIN}"]
    services.settings_update(network=network, team_size=2, default_share=ShareScope.HUB)
    services.hub_save(
        network=network,
        name=HUB_NAME,
        hub_school=world.schools[HUB_SCHOOL],
        schools=[world.schools[name] for name in HUB_MEMBERS],
        coordinators=[_principal(world, HUB_SCHOOL)],
    )
    today = timezone.localdate()
    year = today.year
    version = (
        FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED)
        .order_by("pk")
        .first()
    )

    # Fyrtornsskolan: the whole cycle, done a month ago.
    school = world.schools[COMPLETED_SCHOOL]
    visit_day = today - dt.timedelta(days=30)
    review = services.review_create(
        actor=coordinator,
        network=network,
        school=school,
        year=year,
        visit_starts_on=visit_day,
        visit_ends_on=visit_day + dt.timedelta(days=1),
    )
    headings = list(review.evaluations.order_by("heading__order"))
    services.self_evaluation_save(
        review=review,
        entries={
            e.heading_id: SELF_EVALUATION[i % len(SELF_EVALUATION)] for i, e in enumerate(headings)
        },
        excellence_title="Elevernas delaktighet i klassråd och lektionsutvärdering",
        excellence_description=(
            "Varje klass utvärderar lektionerna tillsammans med läraren två gånger per termin, "
            "och resultaten tas upp i arbetslagen."
        ),
        done=True,
    )
    reviewers = [_principal(world, "Ängsskolan"), _principal(world, "Kvarnbyskolan")]
    services.team_set(review=review, members=reviewers, lead=reviewers[0])
    teachers = world.teachers[COMPLETED_SCHOOL][:4]
    round_ = services.visit_plan(
        actor=coordinator,
        review=review,
        framework_version=version,
        teachers=teachers,
        colleague=_principal(world, COMPLETED_SCHOOL),
        starts_on=visit_day,
        ends_on=visit_day + dt.timedelta(days=1),
    )
    dimensions = list(version.dimensions.order_by("order").prefetch_related("steps"))
    rng = world.rng
    for assignment in round_.assignments.select_related("observer", "teacher"):
        ratings = []
        for dim in dimensions:
            steps = sorted(dim.steps.all(), key=lambda s: s.order)
            ratings.append({"dimension_id": dim.pk, "step_id": rng.choice(steps[1:]).pk})
        result = observation_services.observation_save(
            actor=assignment.observer,
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            data={
                "assignment_id": assignment.pk,
                "observed_on": visit_day.isoformat(),
                "subject": "",
                "ratings": ratings,
            },
            base_revision=0,
        )
        observation_services.observation_submit(
            actor=assignment.observer, observation=result.observation
        )
    observation_services.round_close(actor=coordinator, round_=round_)
    services.agreement_save(
        review=review,
        entries={
            e.heading_id: dict(
                zip(
                    ("agreed_estimate", "evidence", "went_well", "even_better_if"),
                    AGREED[i % len(AGREED)],
                    strict=True,
                )
            )
            for i, e in enumerate(headings)
        },
        summary=(
            "En skola med ett nära och datadrivet ledarskap och trygga klassrum. Nästa steg är "
            "återkopplingen under lektionen och att anpassningarna syns i all undervisning."
        ),
        excellence_confirmed=True,
    )
    services.review_complete(review=review)
    for description, responsible, days in ACTIONS:
        services.action_add(
            review=review,
            description=description,
            heading=None,
            responsible=responsible,
            due_on=today + dt.timedelta(days=days),
        )

    # Ängsskolan: self-evaluation under way, the team proposed by Samsyn, visit next month.
    school = world.schools[PREPARATION_SCHOOL]
    start = today + dt.timedelta(days=21)
    review = services.review_create(
        actor=coordinator,
        network=network,
        school=school,
        year=year,
        visit_starts_on=start,
        visit_ends_on=start + dt.timedelta(days=1),
    )
    first = review.evaluations.order_by("heading__order").first()
    services.self_evaluation_save(
        review=review,
        entries={first.heading_id: SELF_EVALUATION[0]},
        excellence_title="Läsutveckling i årskurs 1–3",
        excellence_description="",
        done=False,
    )
    proposal, users = services.team_proposal(reviews=[review])
    members = [users[pk] for pk in proposal.teams.get(review.pk, ())]
    if members:
        services.team_set(review=review, members=members, lead=members[0])
    # A declared conflict of interest: Strandskolan's principal was deputy principal at
    # Fyrtornsskolan, so she is never proposed for its reviews.
    services.conflict_declare(
        user=world.users[f"rektor@{DEMO_DOMAIN}"],
        school=world.schools[COMPLETED_SCHOOL],
        reason="Biträdande rektor på skolan till förra läsåret.",
    )


@step
def best_practice(world: DemoWorld) -> None:
    """The directory: Fyrtornsskolan's confirmed area of excellence and a review finding, and
    a teacher's strength in the dimension where Ängsskolan is weakest (from the demo's
    observations), so Ängsskolan's matching page has something to propose."""
    from samsyn.analysis.strengths import weakest
    from samsyn.networks import selectors
    from samsyn.networks.models import Practice, VisitRequest

    network = world.network
    review = PeerReview.objects.get(
        network=network, school=world.schools[COMPLETED_SCHOOL], status="completed"
    )
    fyrtorn = _principal(world, COMPLETED_SCHOOL)
    excellence = services.practice_create(
        actor=fyrtorn,
        network=network,
        school=review.school,
        source=Practice.Source.EXCELLENCE,
        review=review,
        title=review.excellence_title,
        description=review.excellence_description,
        evidence="Bekräftat som styrkeområde i den kollegiala granskningen.",
        contact=f"{fyrtorn.full_name}, {fyrtorn.email}",
        research="Hattie, J. & Timperley, H. (2007). The power of feedback. "
        "Review of Educational Research, 77(1), 81–112.",
        dimension_code="participation",
    )
    heading = review.evaluations.order_by("heading__order").first().heading
    services.practice_create(
        actor=fyrtorn,
        network=network,
        school=review.school,
        source=Practice.Source.REVIEW,
        review=review,
        title="Månadsuppföljning med observationsdata i ledningsgruppen",
        description="Ledningsgrupp och förstelärare går igenom observationsdata varje månad "
        "och väljer ett gemensamt fokus för nästa period.",
        evidence="Iakttaget i den kollegiala granskningen; uppföljningarna dokumenteras.",
        contact=f"{fyrtorn.full_name}, {fyrtorn.email}",
        heading=heading,
    )
    learner = world.schools[PREPARATION_SCHOOL]
    estimates = selectors.school_dimension_estimates_unscoped()
    own = estimates.get(learner.pk, {})
    if own:
        code = weakest(own, k=1)[0]
        members = [world.schools[name] for name in ("Strandskolan", "Fyrtornsskolan")]
        best = max(
            members,
            key=lambda s: (
                estimates.get(s.pk, {}).get(code).estimate
                if estimates.get(s.pk, {}).get(code)
                else 0
            ),
        )
        teacher = world.teachers[best.name][1]
        services.practice_create(
            actor=_principal(world, best.name),
            network=network,
            school=best,
            source=Practice.Source.STRENGTH,
            teacher=teacher,
            teacher_consents=True,
            title="Lektionsstarter med tydliga mål och kontroll av förståelse",
            description="Varje lektion börjar med målet i elevernas språk och en kort fråga "
            "som visar om eleverna förstått det; lektionen anpassas efter svaren.",
            evidence="Rektor och kollegor har sett arbetssättet vid lektionsobservationer under året.",
            contact=f"{teacher.full_name}, {teacher.email}",
            dimension_code=code,
        )
    request = services.visit_request_create(
        actor=_principal(world, PREPARATION_SCHOOL),
        practice=excellence,
        from_school=learner,
        kind=VisitRequest.Kind.VISIT,
        message="Vi vill se hur klasserna utvärderar lektionerna, gärna en förmiddag i vår.",
    )
    services.visit_request_answer(request=request, status=VisitRequest.Status.ACCEPTED)


@step
def critical_friends(world: DemoWorld) -> None:
    """One exchange between Sjöviks and Ekbacka kommun: preparation done, Sjövik visited with
    notes, Ekbacka's visit ahead, a first analysis."""
    sjovik, ekbacka = world.owners["Sjöviks kommun"], world.owners["Ekbacka kommun"]
    organiser = world.users[f"huvudman@{DEMO_DOMAIN}"]
    today = timezone.localdate()
    exchange = services.exchange_create(
        actor=organiser,
        organiser=sjovik,
        title="Kritiska vänner: återkoppling i klassrummet",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=120),
        owners=[sjovik, ekbacka],
        development_area="Återkoppling under lektionen som eleverna hinner använda, "
        "särskilt i årskurs 4–6.",
        soft_values="Elevernas upplevelse av studiero och av att få hjälp när de behöver det.",
    )
    services.exchange_update(
        exchange=exchange,
        material="Gemensam läsning: en forskningsöversikt om återkoppling och kommunernas "
        "observationsprofiler för dimensionen återkoppling.",
        questions="Hur vet läraren under lektionen vad eleverna har förstått?\n"
        "Vad gör eleverna med återkopplingen?\n"
        "Hur följer rektor upp arbetet med återkoppling?",
        analysis="Första analysen efter besöket i Sjövik: målen är tydliga, men återkopplingen "
        "kommer oftast i slutet av lektionen. Nästa besök fokuserar på hur Ekbacka använder "
        "exit tickets.",
    )
    for email, owner, task in [
        (f"huvudman@{DEMO_DOMAIN}", sjovik, "Sammankallande"),
        (f"huvudman.ekbacka@{DEMO_DOMAIN}", ekbacka, "Planering av besöken"),
        (f"rektor@{DEMO_DOMAIN}", sjovik, "Dokumentation"),
        (f"rektor.kvarnbyskolan@{DEMO_DOMAIN}", ekbacka, "Observationer"),
    ]:
        services.exchange_member_add(
            exchange=exchange, user=world.users[email], owner=owner, task=task
        )
    first = today - dt.timedelta(days=20)
    services.exchange_visit_save(
        exchange=exchange,
        host=sjovik,
        visitors=[ekbacka],
        starts_on=first,
        ends_on=first + dt.timedelta(days=1),
        programme="Dag 1: Strandskolan och Fyrtornsskolan, lektionsbesök och samtal med "
        "elevråd. Dag 2: samtal med rektorer och förvaltning.",
        observations="Tydliga lektionsmål i nästan alla klassrum. Återkopplingen gavs oftast "
        "muntligt till hela klassen; eleverna beskrev studieron som god.",
    )
    second = today + dt.timedelta(days=30)
    services.exchange_visit_save(
        exchange=exchange,
        host=ekbacka,
        visitors=[sjovik],
        starts_on=second,
        ends_on=second + dt.timedelta(days=1),
        programme="Ekbacka centralskola och Ängsskolan: exit tickets och elevernas egen "
        "uppföljning.",
    )


@step
def collaboration_year(world: DemoWorld) -> None:
    """Kungsbacka's quality cycle with all 13 shared indicators as evidence (its annual report
    shows each with its figures, or where its source is), and the collaboration's exchange of
    the year, convened by Kungsbacka (its regional documentation)."""
    owners = {
        o.municipality_code: o
        for o in Organisation.objects.filter(
            parent=world.region, municipality_code__in=list(COLLABORATION)
        ).order_by("pk")
    }
    developer = world.users[f"kvalitet.kungsbacka@{DEMO_DOMAIN}"]
    today = timezone.localdate()
    quality = cycle.cycle_create(
        owner=owners["1384"],
        year=today.year,
        title=f"Från bra till utmärkt: kvalitetsrapport {today.year}",
        actor=developer,
    )
    analysis = quality.steps.filter(kind="analysis").order_by("deadline").first()
    for indicator in Indicator.objects.filter(owner=None).order_by("position"):
        cycle.step_evidence_add(
            step=analysis, kind="indicator", indicator_code=indicator.code, label=indicator.name_sv
        )
    exchange = services.exchange_create(
        actor=developer,
        organiser=owners["1384"],
        title="Från bra till utmärkt: kritiska vänner",
        starts_on=dt.date(today.year, 2, 1),
        ends_on=dt.date(today.year, 11, 30),
        owners=list(owners.values()),
        development_area="Gapet mellan förväntat och faktiskt resultat i årskurs 6 och 9.",
        soft_values="Elevernas trygghet och studiero.",
    )
    services.exchange_update(
        exchange=exchange,
        analysis="Kommunerna med positiv residual följer upp undervisningen närmare; de "
        "övriga prövar samma uppföljning under hösten.",
    )
    order = ["1384", "1383", "1380", "1381", "1315"]
    for i, code in enumerate(order):
        starts = dt.date(today.year, 3 + i, 10)
        services.exchange_visit_save(
            exchange=exchange,
            host=owners[code],
            visitors=[owners[order[(i + 1) % len(order)]]],
            starts_on=starts,
            ends_on=starts,
            observations="Lektionsbesök och samtal med rektorer om resultatanalysen.",
        )


@cleanup
def remove_network_reviews(organisation_ids: list[int]) -> None:
    reviews = PeerReview.objects.filter(
        Q(school_id__in=organisation_ids) | Q(network_id__in=organisation_ids)
    )
    from samsyn.networks.models import (
        Exchange,
        ExchangeMember,
        ExchangeVisit,
        Practice,
        VisitRequest,
    )

    exchanges = Exchange.objects.filter(
        Q(organiser_id__in=organisation_ids) | Q(owners__in=organisation_ids)
    ).distinct()
    exchange_ids = list(exchanges.values_list("pk", flat=True))
    ExchangeVisit.visitors.through.objects.filter(
        exchangevisit__exchange_id__in=exchange_ids
    ).delete()
    ExchangeVisit.objects.filter(exchange_id__in=exchange_ids).delete()
    ExchangeMember.objects.filter(exchange_id__in=exchange_ids).delete()
    Exchange.owners.through.objects.filter(exchange_id__in=exchange_ids).delete()
    Exchange.objects.filter(pk__in=exchange_ids).delete()
    practices = Practice.objects.filter(
        Q(network_id__in=organisation_ids) | Q(school_id__in=organisation_ids)
    )
    VisitRequest.objects.filter(practice__in=practices).delete()
    practices.delete()
    FollowUpAction.objects.filter(review__in=reviews).delete()
    TeamMember.objects.filter(review__in=reviews).delete()
    HeadingEvaluation.objects.filter(review__in=reviews).delete()
    PeerReview.shared_schools.through.objects.filter(peerreview__in=reviews).delete()
    reviews.delete()
    FollowUpAction.objects.filter(review__school_id__in=organisation_ids).delete()
    hubs = Hub.objects.filter(network_id__in=organisation_ids)
    HubCoordinator.objects.filter(hub__in=hubs).delete()
    hubs.delete()
    ReviewHeading.objects.filter(network_id__in=organisation_ids).delete()
    NetworkSettings.objects.filter(network_id__in=organisation_ids).delete()
    ConflictOfInterest.objects.filter(school_id__in=organisation_ids).delete()


@step
def collaboration_groups(world: DemoWorld) -> None:
    """The Sjöviks/Ekbacka collaboration's groups (steering, process, a working group for the
    exchange period, a reference group), a steering meeting with a decision and an assignment
    to the process group, and a seminar series planned from the exchange's analysis, with
    participants and an answered evaluation."""
    from samsyn.networks import governance
    from samsyn.networks.models import CollaborationGroup, Exchange

    network = world.network
    users = world.users
    coordinator = users[f"natverk@{DEMO_DOMAIN}"]
    today = timezone.localdate()
    exchange = Exchange.objects.filter(organiser=world.owners["Sjöviks kommun"]).first()
    Kind = CollaborationGroup.Kind
    plan = [
        (
            Kind.STEERING,
            "Styrgruppen",
            "Förvaltningscheferna, högskolan och regionen ger uppdrag, prioriterar "
            "utvecklingsområden och beslutar om gemensamma resurser.",
            None,
            [
                ("huvudman", "chair", "Sjöviks kommun"),
                ("huvudman.ekbacka", "member", "Ekbacka kommun"),
                ("forskare", "member", "Högskolan"),
                ("natverk", "secretary", "Regionen"),
            ],
        ),
        (
            Kind.PROCESS,
            "Processgruppen",
            "Bereder styrgruppens beslut och planerar utbytesperioderna och kompetensutvecklingen.",
            None,
            [
                ("natverk", "chair", "Regionen"),
                ("coach.sjovik", "member", "Sjöviks kommun"),
                ("coach.ekbacka", "member", "Ekbacka kommun"),
            ],
        ),
        (
            Kind.WORKING,
            "Arbetsgrupp återkoppling",
            "Genomför utbytesperioden om återkoppling: förbereder, besöker och analyserar.",
            exchange,
            [
                ("rektor", "chair", "Strandskolan"),
                ("rektor.kvarnbyskolan", "member", "Kvarnbyskolan"),
                ("larare", "member", "Strandskolan"),
            ],
        ),
        (
            Kind.REFERENCE,
            "Referensgrupp elevhälsa",
            "Ger råd om hur elevhälsans perspektiv tas med i besöken.",
            None,
            [("rektor.fyrtornsskolan", "chair", "Fyrtornsskolan")],
        ),
    ]
    groups = {}
    for kind, name, mandate, linked, members in plan:
        group = governance.group_save(
            network=network, kind=kind, name=name, mandate=mandate, exchange=linked
        )
        for key, role, represents in members:
            governance.group_member_set(
                group=group, user=users[f"{key}@{DEMO_DOMAIN}"], role=role, represents=represents
            )
        groups[kind] = group
    steering, process = groups[Kind.STEERING], groups[Kind.PROCESS]
    meeting = governance.meeting_save(
        group=steering,
        held_on=today - dt.timedelta(days=45),
        agenda="1. Analysen efter besöket i Sjövik\n2. Kompetensutveckling under våren\n"
        "3. Nästa utbytesperiod",
        minutes="Arbetsgruppen redovisade analysen. Styrgruppen diskuterade hur lärarna i båda "
        "kommunerna kan arbeta mer med återkoppling under lektionens gång.",
    )
    governance.decision_create(
        actor=coordinator,
        group=steering,
        meeting=meeting,
        decided_on=meeting.held_on,
        text="Kommunerna genomför tillsammans en seminarieserie om återkoppling under "
        "lektionen för rektorer och förstelärare.",
        basis="Arbetsgruppens analys: lektionsmålen är tydliga men återkopplingen ges oftast "
        "i slutet av lektionen, när eleverna inte längre hinner använda den.",
        follow_up="Processgruppen redovisar utvärderingen vid styrgruppens nästa möte.",
    )
    assignment = governance.assignment_create(
        from_group=steering,
        to_group=process,
        description="Planera seminarieserien och ta fram en kort utvärdering för deltagarna.",
        due_on=today + dt.timedelta(days=30),
    )
    governance.assignment_set_status(assignment=assignment, status="in_progress")
    working = groups[Kind.WORKING]
    governance.decision_create(
        actor=users[f"rektor@{DEMO_DOMAIN}"],
        group=working,
        meeting=governance.meeting_save(
            group=working,
            held_on=today - dt.timedelta(days=14),
            agenda="1. Programmet för besöket i Ekbacka\n2. Frågor till eleverna",
        ),
        decided_on=today - dt.timedelta(days=14),
        text="Besöket i Ekbacka börjar med lektioner där exit tickets används i årskurs 5 och 6.",
        basis="Analysen efter besöket i Sjövik: vi behöver se hur lärarna tar reda på vad "
        "eleverna förstått innan lektionen slutar.",
    )
    _competence_effort(world, exchange)


def _competence_effort(world: DemoWorld, exchange) -> None:
    from samsyn.indicators import services as survey_services
    from samsyn.networks import competence

    users = world.users
    today = timezone.localdate()
    leaders = [
        users[f"{key}@{DEMO_DOMAIN}"]
        for key in ("rektor", "rektor.kvarnbyskolan", "rektor.angsskolan", "observator")
    ]
    teachers = [
        t
        for t in world.teachers["Strandskolan"] + world.teachers["Kvarnbyskolan"]
        if t not in leaders
    ]
    participants = leaders + teachers[1:3] + teachers[-2:]  # eight people
    effort = competence.effort_save(
        actor=users[f"natverk@{DEMO_DOMAIN}"],
        network=world.network,
        title="Seminarieserie: återkoppling under lektionen",
        kind="seminar",
        exchange=exchange,
        need="Återkopplingen kommer sent i lektionen; lärarna vill ha fler sätt att se vad "
        "eleverna förstått medan det fortfarande går att ändra undervisningen.",
        starts_on=today - dt.timedelta(days=35),
        ends_on=today - dt.timedelta(days=7),
        material="Tre seminarier à två timmar med gemensam läsning mellan träffarna.\n"
        "Kommunernas observationsprofiler för dimensionen återkoppling.",
        participants=participants,
    )
    survey = competence.evaluation_create(actor=users[f"natverk@{DEMO_DOMAIN}"], effort=effort)
    questions = list(survey.questions.values_list("pk", flat=True))
    rng = world.rng
    for token in competence.evaluation_links(effort=effort)[:-1]:  # one has not answered
        answers = {pk: rng.choice([2, 3, 3, 4, 4]) for pk in questions}
        survey_services.survey_answer_submit(token=token, answers=answers)


@cleanup
def remove_collaboration(organisation_ids: list[int]) -> None:
    from samsyn.networks.models import CollaborationGroup, CompetenceEffort

    CompetenceEffort.objects.filter(network_id__in=organisation_ids).delete()
    CollaborationGroup.objects.filter(network_id__in=organisation_ids).delete()

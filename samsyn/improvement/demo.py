"""Demo: a supervision group led by the region's researcher, two development projects (one in
progress at Strandskolan with its supervision log, one finished at Björkhagens skola with a
published final report) and a library of proven experience in Swedish and English."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, cleanup, step
from samsyn.improvement import cycle, search, services
from samsyn.improvement.models import (
    CycleStep,
    LibraryEntry,
    PlanGoal,
    Project,
    QualityCycle,
    SupervisionGroup,
)
from samsyn.indicators.models import Indicator, Survey
from samsyn.observations.models import Round

DEMO_SOURCE = "improvement.demo"

# Short pieces of proven experience from other demo schools (our own fictional wording).
PRACTICES = [
    {
        "title": "Exit tickets som underlag för nästa lektion",
        "language": "sv",
        "school": "Ängsskolan",
        "school_form": "compulsory",
        "area": "assessment",
        "dimension": "feedback",
        "summary": "Lärarna i årskurs 4–6 avslutade varje lektion med en fråga om lektionens "
        "mål och planerade nästa lektion utifrån svaren.",
        "body": "Under ett läsår samlade arbetslaget in elevernas svar på en enda fråga i "
        "slutet av lektionen. Svaren sorterades i tre högar: har förstått, delvis, inte än. "
        "Nästa lektion började med en kort genomgång för gruppen som inte förstått.\n\n"
        "Observationerna visade att återkoppling under lektionen blev vanligare, och lärarna "
        "beskrev att planeringen blev mer träffsäker.",
        "evidence": [
            {"label": "Återkoppling för lärande (observationer)", "detail": "steg 2,1 → 2,6"},
        ],
    },
    {
        "title": "Lugn start: gemensamma rutiner för lektionens första minuter",
        "language": "sv",
        "school": "Kvarnbyskolan",
        "school_form": "compulsory",
        "area": "safety",
        "dimension": "routines",
        "summary": "Alla lärare införde samma rutin för lektionsstart, och eleverna "
        "upplevde mer studiero.",
        "body": "Skolan kom överens om tre saker som alltid sker i början av en lektion: "
        "dagens mål på tavlan, en uppstartsuppgift och en tydlig signal när genomgången "
        "börjar. Rutinerna övades in under hösten och följdes upp på arbetsplatsträffar.",
        "evidence": [
            {"label": "Studiero (elevenkät, andel instämmer)", "detail": "58 % → 71 %, n = 212"},
        ],
    },
    {
        "title": "Reading logs that students write for each other",
        "language": "en",
        "school": "Fyrtornsskolan",
        "school_form": "compulsory",
        "area": "literacy",
        "dimension": "collab",
        "summary": "Students in years 7–9 kept reading logs addressed to a classmate, and "
        "read more books over the year.",
        "body": "Each student wrote a weekly note about their book to a reading partner, who "
        "answered with a question. Teachers modelled good questions during the first "
        "month. Librarians helped students choose books at the right level.",
        "evidence": [
            {"label": "Books read per student (school library)", "detail": "3.1 → 5.4, n = 164"},
        ],
    },
    {
        "title": "Learning goals made visible in the leisure-time centre",
        "language": "en",
        "school": "Ekbacka centralskola",
        "school_form": "leisure",
        "area": "teaching",
        "dimension": "goals",
        "summary": "Staff at the leisure-time centre planned activities from stated learning "
        "goals and talked about them with the children.",
        "body": "The staff group chose two goals from the curriculum each month and linked "
        "every planned activity to one of them. Children were asked at the end of the week "
        "what they had learned, and the answers were shown on a wall.",
        "evidence": [],
    },
]


def _principal(world: DemoWorld, school: str):
    key = "rektor" if school == "Strandskolan" else f"rektor.{_slug(school)}"
    return world.users[f"{key}@{DEMO_DOMAIN}"]


def _slug(name: str) -> str:
    return name.translate(str.maketrans("åäöÅÄÖ ", "aaoAAO-")).lower()


def _dimension_code(wanted: str) -> str:
    """A dimension code of the demo framework close to `wanted`, or "" when there is none."""
    from samsyn.improvement.selectors import dimension_choices

    codes = [code for code, _name in dimension_choices()]
    return next((c for c in codes if wanted in c), "")


@step
def _improvement(world: DemoWorld) -> None:
    today = timezone.localdate()
    researcher = world.users[f"forskare@{DEMO_DOMAIN}"]
    group = services.group_create(
        organisation=world.region, supervisor=researcher, name="Rektorsgruppen Havsbandet"
    )
    for months in (1, 2, 3):
        services.group_session_plan(
            group=group,
            planned_on=today + timedelta(days=30 * months - 10),
            place="Regionens utvecklingscentrum",
            agenda=["Analys av nollmätningen", "Litteratur: formativ bedömning", "Prövning"][
                months - 1
            ],
        )
    _finished_project(world, group, today)
    _ongoing_project(world, group, today)
    _quality_cycle(world, today)
    for i, practice in enumerate(PRACTICES, start=1):
        services.library_entry_publish(
            kind=LibraryEntry.Kind.PRACTICE,
            source=DEMO_SOURCE,
            source_id=i,
            title=practice["title"],
            summary=practice["summary"],
            body=practice["body"],
            language=practice["language"],
            school_form=practice["school_form"],
            area=practice["area"],
            dimension_code=_dimension_code(practice["dimension"]),
            organisation=world.schools[practice["school"]],
            evidence=practice["evidence"],
        )


def _ongoing_project(world: DemoWorld, group: SupervisionGroup, today: date) -> None:
    school = world.schools["Strandskolan"]
    principal = _principal(world, "Strandskolan")
    researcher = world.users[f"forskare@{DEMO_DOMAIN}"]
    staff = world.teachers["Strandskolan"][:6]
    start = today - timedelta(days=120)
    project = services.project_create(
        school=school,
        lead=principal,
        title="Tydliga lärandemål i årskurs 7–9",
        school_form="compulsory",
        area="teaching",
        dimension_code=_dimension_code("goal"),
        analysis="Nollmätningen visade att lärandemål sällan följdes upp under lektionen, "
        "och i elevenkäten instämde färre än hälften i att de vet vad de ska lära sig.",
        area_description="Lärandemål som utgångspunkt för lärandet: målen presenteras, "
        "eleverna förstår dem och lektionen följer upp dem.",
        question="Hur kan vi göra lektionens mål begripliga för eleverna och följa upp dem "
        "innan lektionen slutar?",
        methods="Gemensam lektionsmall, kollegiala lektionsbesök i par, exit tickets.",
        staff=staff,
        starts_on=start,
        ends_on=start + timedelta(days=540),
        group=group,
    )
    services.project_phase_set(
        project=project,
        phase=Project.Phase.PLANNING,
        on=start + timedelta(days=20),
        actor=principal,
    )
    services.project_phase_set(
        project=project,
        phase=Project.Phase.IMPLEMENTATION,
        on=start + timedelta(days=60),
        actor=principal,
    )
    round_ = Round.objects.filter(schools=school, is_peer=False).order_by("starts_on").first()
    if round_ is not None:
        services.project_evidence_add(
            project=project,
            kind="round",
            round=round_,
            label=round_.name,
            note="Målen presenterades men följdes sällan upp.",
        )
    survey = Survey.objects.filter(organisation=school).order_by("created_at").first()
    if survey is not None:
        services.project_evidence_add(
            project=project,
            kind="survey",
            survey=survey,
            label=survey.title,
            note="Under hälften vet vad de ska lära sig på lektionerna.",
        )
    merit = Indicator.objects.filter(owner=None, code="grade9-merit").first()
    if merit is not None:
        services.project_evidence_add(
            project=project,
            kind="indicator",
            indicator_code=merit.code,
            label=merit.name_sv,
            note="Oförändrat i fem år.",
        )
    services.measure_save(
        project=project,
        name="Lektioner där målen följs upp (observationer, %)",
        source="Observationsrundor",
        baseline=Decimal("28"),
        target=Decimal("60"),
        measured_on=start + timedelta(days=400),
    )
    services.measure_save(
        project=project,
        name="Elever som vet vad de ska lära sig (enkät, %)",
        source="Elevenkät",
        baseline=Decimal("46"),
        target=Decimal("65"),
        measured_on=start + timedelta(days=420),
    )
    log = [
        (
            30,
            "method",
            "Genomgång av nollmätningen och val av fråga.",
            "Frågan avgränsas till årskurs 7–9.",
            "",
        ),
        (
            60,
            "literature",
            "Vi läste och diskuterade texter om lärandemål och bedömningskriterier.",
            "Lärarna prövar en gemensam lektionsmall.",
            "Wiliam, D. (2011). Embedded formative assessment. Solution Tree.\n"
            "Hattie, J. & Timperley, H. (2007). The power of feedback. "
            "Review of Educational Research, 77(1).",
        ),
        (
            90,
            "trial",
            "Första prövningen: tre lärare använde mallen i två veckor.",
            "Exit tickets läggs till i slutet av lektionen.",
            "",
        ),
    ]
    for days, kind, notes, decisions, literature in log:
        services.session_log(
            project=project,
            actor=researcher,
            held_on=start + timedelta(days=days),
            kind=kind,
            participants=[principal, researcher],
            other_participants="Arbetslagsledare åk 7–9",
            notes=notes,
            decisions=decisions,
            literature=literature,
        )
    services.comment_add(
        project=project,
        author=researcher,
        text="Bra avgränsning. Tänk på hur ni mäter uppföljningen av målen i eftermätningen.",
    )


def _finished_project(world: DemoWorld, group: SupervisionGroup, today: date) -> None:
    school_name = "Björkhagens skola"
    school = world.schools[school_name]
    principal = _principal(world, school_name)
    researcher = world.users[f"forskare@{DEMO_DOMAIN}"]
    start = today - timedelta(days=620)
    project = services.project_create(
        school=school,
        lead=principal,
        title="Kamratrespons som förbättrar elevernas texter",
        school_form="compulsory",
        area="assessment",
        dimension_code=_dimension_code("feedback"),
        analysis="Andelen elever med godkänt i svenska i årskurs 6 sjönk två år i rad, och "
        "observationerna visade lite återkoppling mellan eleverna.",
        area_description="Återkoppling för lärande, särskilt elevernas respons på varandras "
        "texter.",
        question="Kan strukturerad kamratrespons göra elevernas texter bättre?",
        methods="Responsmallar med två styrkor och en fråga; lärarna modellerade respons.",
        staff=world.teachers[school_name][:5],
        starts_on=start,
        ends_on=start + timedelta(days=500),
        group=group,
    )
    services.measure_save(
        project=project,
        name="Texter som når godtagbar nivå (bedömda texter, %)",
        source="Sambedömning av elevtexter",
        baseline=Decimal("61"),
        target=Decimal("75"),
        outcome=Decimal("72"),
        n=118,
        interval_low=Decimal("63"),
        interval_high=Decimal("80"),
        measured_on=start + timedelta(days=470),
    )
    for days, kind, notes in [
        (30, "method", "Hur mäter vi textkvalitet? Sambedömning valdes."),
        (90, "research_review", "Forskningsöversikt om kamratbedömning."),
        (200, "dialogue", "Lärarna beskrev att eleverna först gav för allmän respons."),
        (420, "method", "Analys av eftermätningen och osäkerheten i den."),
    ]:
        services.session_log(
            project=project,
            actor=researcher,
            held_on=start + timedelta(days=days),
            kind=kind,
            participants=[principal, researcher],
            notes=notes,
        )
    # The starting analysis' link to the national statistics (the remove button beside it is
    # one of the routes the generated access matrix requests).
    grades = Indicator.objects.filter(owner=None, code="grade6-all-subjects").first()
    if grades is not None:
        services.project_evidence_add(
            project=project,
            kind="indicator",
            indicator_code=grades.code,
            label=grades.name_sv,
            note="Sjönk två år i rad före projektet.",
        )
    report = services.report_start(project=project, language="sv")
    services.report_save(
        report=report,
        summary="Strukturerad kamratrespons med tydliga mallar gjorde elevernas texter "
        "bättre i årskurs 4–6, men effekten kom först när lärarna hade modellerat responsen.",
        background=report.background,
        area=report.area,
        method=report.method
        + "\n\nFem lärare i årskurs 4–6 deltog. Texterna sambedömdes före och efter.",
        what_happened="Under hösten infördes responsmallen i alla klasser. Eleverna gav "
        "först mest beröm; efter att lärarna modellerat respons på en gemensam text blev "
        "kommentarerna konkreta. Under våren skrev eleverna om sina texter efter responsen.",
        results=report.results
        + "\n\nÖkningen är tydlig men intervallet är brett, och vi vet inte hur mycket som "
        "beror på att samma lärare bedömde texterna.",
        obstacles="Schemat gav lite tid för sambedömning. Vi tänkte först arbeta i alla "
        "ämnen men avgränsade till svenska.",
        lessons="Respons behöver modelleras och övas. Mallar hjälper, men bara om eleverna "
        "får skriva om sin text efteråt.",
    )
    services.report_submit(report=report)
    services.report_review(
        report=report, reviewer=researcher, approve=True, comment="Tydlig och ärlig rapport."
    )
    services.report_publish(report=report, actor=principal, consent=True)


def _quality_cycle(world: DemoWorld, today: date) -> None:
    """Sjöviks kommun's year wheel, half done: the steps up to midsummer are done (one school
    is behind with its planning), the development work is under way."""
    owner = world.owners["Sjöviks kommun"]
    admin = world.users[f"huvudman@{DEMO_DOMAIN}"]
    quality = cycle.cycle_create(
        owner=owner,
        year=today.year,
        title=f"Systematiskt kvalitetsarbete {today.year}",
        actor=admin,
    )
    schools = cycle.schools_of(owner)
    midsummer = date(today.year, 6, 30)
    steps = list(quality.steps.order_by("deadline"))
    outcomes = {
        CycleStep.Kind.FOLLOW_UP: "Resultaten från förra året är genomgångna i arbetslagen.",
        CycleStep.Kind.ANALYSIS: "Målen följs sällan upp under lektionerna; tryggheten är hög.",
        CycleStep.Kind.PLANNING: "Utvecklingsområde: lärandemål och uppföljning av dem.",
    }
    for item in steps:
        if item.deadline > midsummer:
            if item.kind == CycleStep.Kind.IMPLEMENTATION:
                for school in schools:
                    cycle.step_status_set(step=item, school=school, status="started")
            continue
        if item.every_school:
            for school in schools:
                behind = item.kind == CycleStep.Kind.PLANNING and school.name == "Fyrtornsskolan"
                cycle.step_status_set(
                    step=item,
                    school=school,
                    status="started" if behind else "done",
                    outcome="" if behind else outcomes.get(item.kind, ""),
                    on=item.deadline - timedelta(days=3),
                )
        else:
            cycle.step_status_set(
                step=item,
                status="done",
                outcome="Skolornas analyser visar samma mönster: målen presenteras men följs "
                "sällan upp. Det blir huvudmannens prioritering.",
                on=item.deadline - timedelta(days=2),
            )
    merit = Indicator.objects.filter(owner=None, code="grade9-merit").first()
    if merit is not None:
        cycle.step_evidence_add(
            step=steps[0], kind="indicator", indicator_code=merit.code, label=merit.name_sv
        )
    round_ = Round.objects.filter(schools__in=schools, is_peer=False).order_by("starts_on").first()
    if round_ is not None:
        cycle.step_evidence_add(step=steps[1], kind="round", round=round_, label=round_.name)
    workshop = _first_workshop(schools)
    if workshop is not None:
        cycle.step_evidence_add(
            step=steps[1], kind="workshop", workshop=workshop, label=workshop.title
        )
    for project in Project.objects.filter(school__in=schools):
        implementation = next(s for s in steps if s.kind == CycleStep.Kind.IMPLEMENTATION)
        cycle.step_evidence_add(
            step=implementation, kind="project", project=project, label=project.title
        )


def _first_workshop(schools):
    from samsyn.workshops.models import Workshop

    return Workshop.objects.filter(school__in=schools).order_by("starts_at").first()


@cleanup
def _remove(organisation_ids: list[int]) -> None:
    for entry in LibraryEntry.objects.filter(
        Q(source=DEMO_SOURCE) | Q(organisation_id__in=organisation_ids)
    ):
        search.unindex_entry(entry.pk)
        entry.delete()
    QualityCycle.objects.filter(owner_id__in=organisation_ids).delete()
    Project.objects.filter(school_id__in=organisation_ids).delete()
    SupervisionGroup.objects.filter(organisation_id__in=organisation_ids).delete()


# ---------------------------------------------------------------- a school plan


@step
def _school_plan(world: DemoWorld) -> None:
    """Strandskolan's plan for skilled teaching, drafted from its baseline round, approved by
    the principal, with its actions linked to the school's triads and workshop and one term
    followed up against the spring round."""
    from samsyn.improvement import plans
    from samsyn.triads.models import TriadSet
    from samsyn.workshops.models import Workshop

    school = world.schools["Strandskolan"]
    principal = _principal(world, "Strandskolan")
    rounds = plans.rounds_of(school)
    baseline = next((r for r in rounds if r.kind == Round.Kind.BASELINE), None)
    later = [
        r
        for r in rounds
        if baseline and r.kind == Round.Kind.FOLLOW_UP and r.starts_on > baseline.starts_on
    ]
    if baseline is None:
        return
    plan = plans.plan_draft(
        school=school,
        baseline_round=baseline,
        title="Skicklig undervisning i varje klassrum 2025–2027",
        actor=principal,
    )
    plans.plan_update(
        plan=plan,
        title=plan.title,
        follow_up="Varje termin jämför vi målens dimensioner i nästa observationsrunda med "
        "nulägesbilden, på en arbetsplatsträff i februari och i september. Ledningsgruppen "
        "reviderar åtgärderna utifrån det.",
    )
    texts = {
        PlanGoal.Origin.WEAKEST: "Fler lektioner där eleverna arbetar aktivt med målen; "
        "vi följer upp dimensionen i varje runda.",
        PlanGoal.Origin.STRONGEST: "Behålla nivån och sprida arbetssätten mellan arbetslagen.",
    }
    for goal in plan.goals.all():
        plans.goal_update(goal=goal, text=texts.get(goal.origin, ""))
    weakest = plan.goals.filter(origin=PlanGoal.Origin.WEAKEST).first()
    triads = TriadSet.objects.filter(school=school).order_by("-created_at").first()
    workshop = Workshop.objects.filter(school=school).order_by("starts_at").first()
    actions = [
        dict(
            kind="coaching",
            what="Coachningssamtal efter varje observation",
            who="Förstelärare som coacher",
            when="Varannan vecka",
        ),
        dict(
            kind="triads",
            what="Kollegiala lektionsbesök i triader med fokus på målen",
            who="Alla lärare",
            when="Tre besök per termin",
            triad_set=triads,
        ),
        dict(
            kind="workshop",
            what="Workshop om vår undervisning utifrån nulägesbilden",
            who="Rektor leder, arbetslagen deltar",
            when="Vecka 45",
            workshop=workshop,
        ),
        dict(
            kind="support",
            what="Stödplan för den som vill ha mer stöd i en dimension",
            who="Rektor och coach",
            when="Vid behov",
        ),
    ]
    for fields in actions:
        plans.action_save(plan=plan, personal=True, goal=weakest, **fields)
    plans.plan_approve(plan=plan, actor=principal)
    if later:
        plans.follow_up_record(
            plan=plan,
            round=later[0],
            term="VT 2026",
            note="Rörelsen i målets dimension följs upp igen nästa termin. Siffrorna visar "
            "inte ensamma att det var planens åtgärder som gjorde skillnaden.",
            actor=principal,
        )


@cleanup
def _remove_plans(organisation_ids: list[int]) -> None:
    from samsyn.improvement.models import SchoolPlan

    SchoolPlan.objects.filter(school_id__in=organisation_ids).delete()

"""Demo observation rounds, with ratings drawn from a known measurement model.

What the demo adds (on the default framework "samsyn-undervisning" v1):

- per municipality, a closed **baseline** round (autumn 2025) and a closed **follow-up** round
  (spring 2026), organised by the owner over all its schools: every teacher observed in two
  lessons by two different observers (the school's observer and principal, the other schools'
  and the owner's coach), about 10 % of the follow-up lessons observed by two observers at once
  (same date, subject and group: data for calibration); all observations released to the
  teachers when the round closed, most acknowledged, some with a comment;
- at Strandskolan, an **ongoing** round (autumn 2026) organised by the principal, asking teachers
  for proposals: some proposals made, observations submitted, released and in draft, several
  visits overdue, and the key observer (observator@) with visits planned for today and some not
  yet planned.

The ratings come from a partial-credit (Rasch) model, so later analyses have something true to
find. For teacher t, observer o, dimension d and a lesson:

    η = θ_t (+ g_t after the baseline) − s_o + ε_lesson
    P(step k) ∝ exp(Σ_{j<k} (η − τ_dj)),  τ_d = δ_d + (−1.2, 0, +1.2),  steps k = 1…4

with θ_t ~ N(0, 1) (teacher skill), g_t ~ N(0.4, 0.3) (growth; about 8 % of the teachers with
none or a decline), s_o ~ N(0, 0.3) (observer severity: a higher s_o gives lower steps),
ε ~ N(0, 0.5) per lesson (shared by two observers of the same lesson) and δ_d the fixed
`DIFFICULTY` below. About 3 % of the dimensions are "not observed" (no step). The ongoing round
uses θ_t + g_t too. At Strandskolan (`FOCUS_SCHOOL`) the growth is dimension-specific:
g_t × w_d with w_d from `FOCUS_GROWTH` (3 in the school's focus dimensions goals,
visible-learning and feedback; 0 in the others), in the follow-up and the ongoing round.

The true values are written, when the demo's transaction commits, to
`settings.DATA_DIR / "demo-truth.json"`:

    {"teachers":   {"<user id>": {"email": …, "theta": …, "growth": …}},
     "observers":  {"<user id>": {"email": …, "severity": …}},
     "dimensions": {"<dimension code>": <difficulty δ_d>},
     "thresholds": [-1.2, 0.0, 1.2], "lesson_sd": 0.5, "rounds": {"<round id>": …}, …}

Ids are those of the database the demo was loaded into; `load_truth()` reads the file and maps
the people to the current database's ids by their e-mail (the demo's people and the model's
values are the same in every load: the model has its own seeded random generator).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.demo.services import (
    DEMO_DOMAIN,
    MUNICIPALITIES,
    DemoWorld,
    cleanup,
    refresh_planner_statistics,
    step,
)
from samsyn.frameworks.models import Dimension, FrameworkVersion
from samsyn.observations import services, summaries
from samsyn.observations.models import (
    Assignment,
    Conflict,
    Observation,
    ObservationEvent,
    Rating,
    Round,
    RoundObserver,
    RoundTeacher,
)

FRAMEWORK_SLUG = "samsyn-undervisning"
SEED = 20260404
TRUTH_FILE = "demo-truth.json"

# Dimension difficulty δ_d in logits: seeing learning made visible and feedback for learning is
# rarer than a calm environment and working routines.
DIFFICULTY = {
    "environment": -1.0,
    "routines": -0.8,
    "leadership": -0.5,
    "planning": -0.3,
    "goals": 0.0,
    "participation": 0.2,
    "collaboration": 0.4,
    "differentiation": 0.6,
    "feedback": 0.9,
    "visible-learning": 1.0,
}
THRESHOLDS = (-1.2, 0.0, 1.2)
LESSON_SD = 0.5
SEVERITY_SD = 0.3
GROWTH_MEAN, GROWTH_SD = 0.4, 0.3
NO_GROWTH_SHARE = 0.08
NOT_OBSERVED_SHARE = 0.03
DOUBLE_SHARE = 0.10
NOTE_SHARE = 0.2
# Strandskolan worked on assessment for learning between the baseline and the follow-up: its
# teachers' growth shows in these dimensions (g_t × weight) and not in the others (weight 0),
# so the follow-up shows clear improvement in some dimensions and none in the rest.
FOCUS_SCHOOL = "Strandskolan"
FOCUS_GROWTH = {"goals": 3.0, "visible-learning": 3.0, "feedback": 3.0}

BASELINE = (dt.date(2025, 9, 15), dt.date(2025, 10, 31))
FOLLOW_UP = (dt.date(2026, 3, 2), dt.date(2026, 4, 24))
ONGOING = (dt.date(2026, 10, 19), dt.date(2026, 12, 18))
ONGOING_SCHOOL = "Strandskolan"
# School breaks (höstlov, påsklov) get no visits.
BREAKS = [
    (dt.date(2025, 10, 27), dt.date(2025, 10, 31)),
    (dt.date(2026, 4, 6), dt.date(2026, 4, 10)),
    (dt.date(2026, 11, 2), dt.date(2026, 11, 6)),
]
# How the visits already made in the ongoing round stand.
DONE_STATES = ["released", "submitted", "released", "draft", "released", "submitted"]
LESSON_STARTS = [(8, 10), (9, 0), (10, 0), (10, 50), (13, 0), (14, 0)]

# Which grades each demo school teaches (others: F–9).
SCHOOL_GRADES = {
    "Strandskolan": ["7", "8", "9"],
    "Björkhagens skola": ["F", "1", "2", "3", "4", "5", "6"],
    "Fyrtornsskolan": ["F", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    "Ekbacka centralskola": ["7", "8", "9"],
    "Ängsskolan": ["F", "1", "2", "3", "4", "5", "6"],
    "Kvarnbyskolan": ["F", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
}
SENIOR_SUBJECTS = [
    ("Matematik", "NO"),
    ("Matematik", "Teknik"),
    ("Fysik", "Matematik"),
    ("Biologi", "Kemi"),
    ("Svenska", "Engelska"),
    ("Svenska", "SO"),
    ("Svenska som andraspråk", "Svenska"),
    ("Engelska", "Moderna språk – spanska"),
    ("Historia", "Samhällskunskap"),
    ("Geografi", "Religionskunskap"),
    ("Idrott och hälsa",),
    ("Bild",),
    ("Musik",),
    ("Slöjd",),
    ("Hem- och konsumentkunskap",),
]
JUNIOR_SUBJECTS = [
    ("Svenska", "Matematik", "NO", "SO"),
    ("Svenska", "Matematik", "NO", "SO"),
    ("Svenska", "Matematik", "SO", "Engelska"),
    ("Engelska",),
    ("Idrott och hälsa",),
    ("Musik",),
    ("Slöjd", "Bild"),
]

# Evidence notes: what an observer saw or heard, for lower (1–2) and higher (3–4) steps.
NOTES: dict[str, dict[str, list[str]]] = {
    "goals": {
        "high": [
            "Läraren skrev lektionens mål på tavlan och frågade två elever vad de skulle lära sig.",
            "Målet kopplades till förra lektionen; eleverna formulerade det med egna ord i par.",
        ],
        "low": ["Lektionens mål nämndes muntligt i början men återkom inte under lektionen."],
    },
    "environment": {
        "high": [
            "Material låg framme vid varje bord; eleverna var igång inom två minuter.",
            "Lugn ljudnivå under det enskilda arbetet; läraren sänkte rösten i stället för att höja den.",
        ],
        "low": ["Flera elever saknade läromedel och hämtade dem efter lektionsstart."],
    },
    "participation": {
        "high": [
            "Läraren fördelade ordet med namnpinnar; 14 av 24 elever sa något i helklass.",
            "Eleverna valde mellan tre svarsalternativ med handuppräckning och motiverade sitt val.",
        ],
        "low": ["Samtalet i helklass fördes mest med fyra elever som räckte upp handen."],
    },
    "visible-learning": {
        "high": [
            "Ett elevexempel visades i dokumentkameran; eleverna pekade ut vad som gjorde det bra.",
            "Exit ticket med två frågor i slutet; läraren sorterade lapparna medan eleverna packade.",
        ],
        "low": [
            "Eleverna arbetade med uppgifter i boken; det framgick inte hur läraren följde vad de förstått."
        ],
    },
    "feedback": {
        "high": [
            "Läraren gick runt och gav korta muntliga kommentarer kopplade till bedömningsstödet.",
            "Eleverna gav varandra återkoppling med två stjärnor och en önskan på en mall.",
        ],
        "low": ["Återkopplingen var mest beröm, till exempel ”bra” och ”snyggt”."],
    },
    "planning": {
        "high": [
            "Tydliga övergångar mellan genomgång, övning och sammanfattning; tiden räckte till allt.",
        ],
        "low": [
            "Genomgången tog 25 minuter; den planerade övningen flyttades till nästa lektion.",
        ],
    },
    "leadership": {
        "high": [
            "Läraren hälsade på eleverna vid dörren och började lektionen på utsatt tid.",
            "En elev som störde fick en tyst påminnelse utan att genomgången avbröts.",
        ],
        "low": ["Flera avbrott för mobiltelefoner; genomgången började om två gånger."],
    },
    "differentiation": {
        "high": [
            "Uppgifterna fanns på tre nivåer och eleverna valde själva var de började.",
            "Två elever fick instruktionen uppläst och en lista med bildstöd att bocka av.",
        ],
        "low": ["Alla arbetade med samma uppgift i samma takt; några var klara efter tio minuter."],
    },
    "routines": {
        "high": [
            "Eleverna visste var de skulle lämna sina arbeten utan att fråga.",
            "Lektionen började med en inarbetad rutin: dagens ord och en repetitionsfråga.",
        ],
        "low": ["Utdelningen av datorer tog ungefär tio minuter av lektionstiden."],
    },
    "collaboration": {
        "high": [
            "Grupper om tre med roller: sekreterare, tidshållare och ordförande.",
            "Tänk–para–dela före helklassamtalet; alla par hade något att säga.",
        ],
        "low": ["Grupparbetet leddes i praktiken av en elev per grupp; övriga lyssnade."],
    },
}
TEACHER_COMMENTS = [
    "Tack! Bra att få syn på hur jag fördelar ordet, det tar jag med mig.",
    "Jag känner igen mig i beskrivningen av återkopplingen och vill gärna ta upp den i arbetslaget.",
    "Halva klassen var på studiebesök den dagen, men iakttagelserna stämmer med hur jag brukar arbeta.",
    "Intressant med exit tickets, jag provar det i nästa arbetsområde.",
    "Tack för tydliga exempel. Till uppföljningen vill jag fokusera på stöd för elever med olika behov.",
    "Jag uppfattade övergångarna annorlunda, men förstår hur det såg ut längst bak i rummet.",
    "Bra samtal efteråt. Vi bestämde att jag ska prova roller i grupparbetet.",
    "Tack, det hjälper mig att planera nästa period.",
]
PROPOSALS = [
    "Tisdag lektion 2: introduktion av ett nytt arbetsområde, mycket genomgång.",
    "Onsdag efter lunch: grupparbete där eleverna redovisar för varandra.",
    "Torsdag morgon: laboration i halvklass.",
    "Måndag lektion 3: muntlig övning i par, jag vill veta hur många som kommer till tals.",
    "Fredag: repetition inför prov, jag provar exit tickets för första gången.",
    "Tisdag eftermiddag: lässtrategier med en klass där flera elever har svenska som andraspråk.",
    "Onsdag lektion 1: problemlösning i grupp.",
    "Torsdag: skrivande med kamratrespons.",
]


# ----------------------------------------------------------------------------- the truth file


def truth_path() -> Path:
    return Path(settings.DATA_DIR) / TRUTH_FILE


def load_truth(path: Path | None = None) -> dict[str, Any]:
    """The demo's true values keyed by the current database's user ids (int) and dimension codes.

    People are matched by e-mail, so the file works whichever database wrote it; people not in
    this database are left out."""
    raw = json.loads((path or truth_path()).read_text())
    emails = [v["email"] for v in raw["teachers"].values()] + [
        v["email"] for v in raw["observers"].values()
    ]
    ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    teachers = {ids[v["email"]]: v for v in raw["teachers"].values() if v["email"] in ids}
    observers = {ids[v["email"]]: v for v in raw["observers"].values() if v["email"] in ids}
    return {**raw, "teachers": teachers, "observers": observers}


def _write_truth(data: dict[str, Any]) -> None:
    path = truth_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    os.replace(tmp, path)


# ----------------------------------------------------------------------------- the model


@dataclass
class Model:
    rng: random.Random
    theta: dict[int, float] = field(default_factory=dict)
    growth: dict[int, float] = field(default_factory=dict)
    severity: dict[int, float] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)

    def teacher(self, user: User) -> None:
        if user.pk in self.theta:
            return
        self.emails[user.pk] = user.email
        self.theta[user.pk] = self.rng.gauss(0.0, 1.0)
        if self.rng.random() < NO_GROWTH_SHARE:
            self.growth[user.pk] = self.rng.choice([0.0, self.rng.gauss(-0.25, 0.1)])
        else:
            self.growth[user.pk] = self.rng.gauss(GROWTH_MEAN, GROWTH_SD)

    def observer(self, user: User) -> None:
        if user.pk not in self.severity:
            self.emails[user.pk] = user.email
            self.severity[user.pk] = self.rng.gauss(0.0, SEVERITY_SD)

    def step(self, eta: float, delta: float) -> int:
        """A step 1…4 drawn from the partial-credit model."""
        logits, total = [0.0], 0.0
        for tau in THRESHOLDS:
            total += eta - (delta + tau)
            logits.append(total)
        top = max(logits)
        weights = [math.exp(v - top) for v in logits]
        pick = self.rng.random() * sum(weights)
        for k, w in enumerate(weights):
            pick -= w
            if pick <= 0:
                return k + 1
        return len(weights)


@dataclass
class Scale:
    """The framework version's dimensions with their steps (by order) and criteria."""

    dimensions: list[Dimension]
    steps: dict[int, dict[int, int]]  # dimension id → step order → step id
    criteria: dict[int, list[int]]  # step id → criterion ids

    @classmethod
    def load(cls, version: FrameworkVersion) -> Scale:
        dimensions = list(version.dimensions.order_by("order").prefetch_related("steps__criteria"))
        steps: dict[int, dict[int, int]] = {}
        criteria: dict[int, list[int]] = {}
        for d in dimensions:
            steps[d.pk] = {s.order: s.pk for s in d.steps.all()}
            for s in d.steps.all():
                criteria[s.pk] = sorted(c.pk for c in s.criteria.all())
        return cls(dimensions, steps, criteria)


def _ratings(
    model: Model,
    scale: Scale,
    eta: float,
    *,
    dims: list[Dimension] | None = None,
    shift: dict[str, float] | None = None,
):
    """Rating dicts (the API's shape) for one observer's view of one lesson; `shift` adds a
    per-dimension term to η (by dimension code)."""
    rng = model.rng
    rows = []
    for d in dims or scale.dimensions:
        if rng.random() < NOT_OBSERVED_SHARE:
            rows.append(
                {
                    "dimension_id": d.pk,
                    "step_id": None,
                    "not_observed": True,
                    "criteria": [],
                    "note": "",
                }
            )
            continue
        order = model.step(eta + (shift or {}).get(d.code, 0.0), DIFFICULTY.get(d.code, 0.0))
        step_id = scale.steps[d.pk][order]
        own = scale.criteria[step_id]
        seen = ([c for c in own if rng.random() < 0.85] or [rng.choice(own)]) if own else []
        if order > 1 and rng.random() < 0.2:
            below = scale.criteria[scale.steps[d.pk][order - 1]]
            if below:
                seen.append(rng.choice(below))
        note = ""
        if rng.random() < NOTE_SHARE and d.code in NOTES:
            note = rng.choice(NOTES[d.code]["high" if order >= 3 else "low"])
        rows.append(
            {
                "dimension_id": d.pk,
                "step_id": step_id,
                "not_observed": False,
                "criteria": sorted(set(seen)),
                "note": note,
            }
        )
    return rows


# ----------------------------------------------------------------------------- calendar


def _school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and not any(a <= day <= b for a, b in BREAKS):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class Profile:
    """A teacher's subjects and grades, for the lesson context."""

    subjects: tuple[str, ...]
    grades: list[str]


def _profile(rng: random.Random, school_name: str) -> Profile:
    grades = SCHOOL_GRADES.get(school_name, SCHOOL_GRADES["Kvarnbyskolan"])
    senior = [g for g in grades if g in ("7", "8", "9")]
    junior = [g for g in grades if g not in senior]
    if senior and (not junior or rng.random() < 0.4):
        first = rng.randrange(max(1, len(senior) - 1))
        return Profile(rng.choice(SENIOR_SUBJECTS), senior[first : first + 2])
    return Profile(rng.choice(JUNIOR_SUBJECTS), [rng.choice(junior)])


def _context(rng: random.Random, profile: Profile, day: dt.date) -> dict[str, Any]:
    grade = rng.choice(profile.grades)
    return {
        "subject": rng.choice(profile.subjects),
        "grade": grade,
        "group_name": f"{grade}{rng.choice('ABC')}",
        "group_size": rng.randint(18, 30),
        "minutes_observed": rng.choice([30, 35, 40, 45, 50, 55, 60]),
        "observed_on": day,
    }


def _hash(context: dict[str, Any], ratings: list[dict[str, Any]]) -> str:
    return services._content_hash(
        {name: context[name] for name in services.CONTEXT_FIELDS}, ratings
    )


# ----------------------------------------------------------------------------- the steps


@dataclass
class Demo:
    """State shared by the demo's parts."""

    world: DemoWorld
    version: FrameworkVersion
    scale: Scale
    model: Model
    profiles: dict[int, Profile] = field(default_factory=dict)
    rounds: dict[int, dict[str, Any]] = field(default_factory=dict)


@step
def observation_rounds(world: DemoWorld) -> None:
    version = FrameworkVersion.objects.get(
        framework__slug=FRAMEWORK_SLUG, status=FrameworkVersion.Status.PUBLISHED, number=1
    )
    demo = Demo(world, version, Scale.load(version), Model(random.Random(SEED)))
    for school_name in world.schools:
        for teacher in world.teachers[school_name]:
            demo.model.teacher(teacher)
            demo.profiles.setdefault(teacher.pk, _profile(demo.model.rng, school_name))
    for owner_name in MUNICIPALITIES:
        short = owner_name.removesuffix(" kommun")
        _closed_round(
            demo, owner_name, Round.Kind.BASELINE, BASELINE, f"Nulägesbild hösten 2025 – {short}"
        )
        _closed_round(
            demo, owner_name, Round.Kind.FOLLOW_UP, FOLLOW_UP, f"Uppföljning våren 2026 – {short}"
        )
    _ongoing_round(demo)
    truth = {
        "description": (
            "True values behind the demo ratings (samsyn/observations/demo.py): "
            "eta = theta (+ growth after the baseline) - severity + N(0, lesson_sd); "
            "partial credit model with thresholds difficulty + thresholds; steps 1-4."
        ),
        "seed": SEED,
        "framework": {"slug": FRAMEWORK_SLUG, "version": version.number, "id": version.pk},
        "thresholds": list(THRESHOLDS),
        "lesson_sd": LESSON_SD,
        "dimensions": {d.code: DIFFICULTY.get(d.code, 0.0) for d in demo.scale.dimensions},
        "focus": {"school": FOCUS_SCHOOL, "growth_weights": FOCUS_GROWTH},
        "teachers": {
            str(pk): {
                "email": demo.model.emails[pk],
                "theta": round(theta, 6),
                "growth": round(demo.model.growth[pk], 6),
            }
            for pk, theta in demo.model.theta.items()
        },
        "observers": {
            str(pk): {"email": demo.model.emails[pk], "severity": round(s, 6)}
            for pk, s in demo.model.severity.items()
        },
        "rounds": {str(pk): info for pk, info in demo.rounds.items()},
    }
    # Written once the demo is committed, so the file describes what is in the database.
    transaction.on_commit(lambda: _write_truth(truth))


def _growth(demo: Demo, teacher_id: int, school_id: int) -> tuple[float, dict[str, float]]:
    """A teacher's growth after the baseline: uniform (added to η), or at the focus school
    per dimension (the shift passed to `_ratings`)."""
    focus = demo.world.schools.get(FOCUS_SCHOOL)
    growth = demo.model.growth[teacher_id]
    if focus is not None and school_id == focus.pk:
        return 0.0, {code: growth * w for code, w in FOCUS_GROWTH.items()}
    return growth, {}


def _members(orgs: list[Organisation], roles: list[str]) -> list[User]:
    users = {
        m.user.pk: m.user
        for m in Membership.objects.filter(organisation__in=orgs, role__in=roles)
        .select_related("user")
        .order_by("user__email")
    }
    return list(users.values())


def _closed_round(
    demo: Demo, owner_name: str, kind: str, window: tuple[dt.date, dt.date], name: str
) -> Round:
    world, model, rng = demo.world, demo.model, demo.model.rng
    owner = world.owners[owner_name]
    schools = [world.schools[n] for n in MUNICIPALITIES[owner_name]]
    admin = _members([owner], [Role.OWNER_ADMIN])[0]
    school_staff = {s.pk: _members([s], [Role.OBSERVER, Role.PRINCIPAL]) for s in schools}
    observers = [u for staff in school_staff.values() for u in staff]
    observers += [u for u in _members([owner], [Role.OBSERVER]) if u not in observers]
    teachers: list[tuple[User, int, str]] = []  # (teacher, school id, school name)
    seen: set[int] = set()
    for school in schools:
        for teacher in world.teachers[school.name]:
            if teacher.pk not in seen:
                seen.add(teacher.pk)
                teachers.append((teacher, school.pk, school.name))
    for observer in observers:
        model.observer(observer)

    round_ = services.round_create(
        actor=admin,
        organisation=owner,
        schools=schools,
        name=name,
        kind=kind,
        framework_version=demo.version,
        starts_on=window[0],
        ends_on=window[1],
        target_lessons=2,
        release_mode=Round.Release.AT_CLOSE,
        ask_proposals=False,
        teachers=[t for t, _s, _n in teachers],
        observers=observers,
    )
    follow_up = kind == Round.Kind.FOLLOW_UP
    days = _school_days(*window)
    closed_at = _at(window[1] + dt.timedelta(days=4), 15, 30)

    # Plan the lessons: two per teacher, by two observers (the first from the teacher's own
    # school when possible), keeping every observer's load even.
    load: Counter[int] = Counter({o.pk: 0 for o in observers})
    lessons: list[dict[str, Any]] = []
    for teacher, school_id, _school_name in teachers:
        chosen: list[int] = []
        for i in range(2):
            pool = [o.pk for o in (school_staff[school_id] if i == 0 else observers)]
            pool = [o for o in pool if o != teacher.pk and o not in chosen] or [
                o.pk for o in observers if o.pk != teacher.pk and o.pk not in chosen
            ]
            pick = min(pool, key=lambda o: (load[o], rng.random()))
            load[pick] += 1
            chosen.append(pick)
        lesson_days = rng.sample(days, 2)
        for observer_id, day in zip(chosen, sorted(lesson_days), strict=True):
            hour, minute = rng.choice(LESSON_STARTS)
            lessons.append(
                {
                    "teacher": teacher,
                    "school_id": school_id,
                    "observers": [observer_id],
                    "at": _at(day, hour, minute),
                    "context": _context(rng, demo.profiles[teacher.pk], day),
                    "noise": rng.gauss(0.0, LESSON_SD),
                }
            )
    if follow_up:
        for lesson in rng.sample(lessons, round(DOUBLE_SHARE * len(lessons))):
            others = [
                o.pk
                for o in observers
                if o.pk != lesson["teacher"].pk and o.pk not in lesson["observers"]
            ]
            lesson["observers"].append(min(others, key=lambda o: (load[o], rng.random())))
            load[lesson["observers"][-1]] += 1

    # Build every visit, observation and rating in memory, then write them in bulk.
    assignments: list[Assignment] = []
    observations: list[Observation] = []
    rating_rows: list[list[dict[str, Any]]] = []
    for lesson in lessons:
        teacher = lesson["teacher"]
        context = lesson["context"]
        uniform, shift = _growth(demo, teacher.pk, lesson["school_id"]) if follow_up else (0, {})
        skill = model.theta[teacher.pk] + uniform
        for observer_id in lesson["observers"]:
            assignment = Assignment(
                round=round_,
                observer_id=observer_id,
                teacher=teacher,
                school_id=lesson["school_id"],
                planned_at=lesson["at"],
                subject=context["subject"],
                group_name=context["group_name"],
                grade=context["grade"],
            )
            assignments.append(assignment)
            eta = skill - model.severity[observer_id] + lesson["noise"]
            ratings = _ratings(model, demo.scale, eta, shift=shift)
            submitted_at = lesson["at"] + dt.timedelta(hours=rng.randint(1, 50))
            acknowledged = teacher.email == f"larare@{DEMO_DOMAIN}" or rng.random() < 0.8
            comment = ""
            if acknowledged and (
                rng.random() < 0.25 or (teacher.email == f"larare@{DEMO_DOMAIN}" and follow_up)
            ):
                comment = rng.choice(TEACHER_COMMENTS)
            observation = Observation(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                round=round_,
                assignment=assignment,
                framework_version=demo.version,
                observer_id=observer_id,
                teacher=teacher,
                school_id=lesson["school_id"],
                status=Observation.Status.RELEASED,
                # Every autosave counts (created at 1), and submitting adds one.
                revision=rng.randint(4, 16),
                payload_hash=_hash(context, ratings),
                subject=context["subject"],
                grade=context["grade"],
                group_size=context["group_size"],
                minutes_observed=context["minutes_observed"],
                observed_on=context["observed_on"],
                submitted_at=submitted_at,
                released_at=closed_at,
                acknowledged_at=(
                    closed_at + dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
                    if acknowledged
                    else None
                ),
                teacher_comment=comment,
            )
            observations.append(observation)
            rating_rows.append(ratings)

    Assignment.objects.bulk_create(assignments)
    for observation in observations:
        observation.assignment_id = observation.assignment.pk
    Observation.objects.bulk_create(observations)
    _bulk_ratings(observations, rating_rows)
    events: list[ObservationEvent] = []
    for o in observations:
        events.append(ObservationEvent(observation=o, actor_id=o.observer_id, action="submit"))
        events.append(ObservationEvent(observation=o, actor=admin, action="release"))
        if o.acknowledged_at:
            events.append(
                ObservationEvent(observation=o, actor_id=o.teacher_id, action="acknowledge")
            )
    ObservationEvent.objects.bulk_create(events, batch_size=500)
    refresh_planner_statistics()  # PostgreSQL: the updates below join what was just inserted
    # Times set automatically on insert (created, updated, the events') are backdated in SQL.
    Observation.objects.filter(round=round_).update(
        created_at=Subquery(
            Assignment.objects.filter(pk=OuterRef("assignment_id")).values("planned_at")
        ),
        updated_at=Coalesce(F("acknowledged_at"), F("released_at")),
    )
    for action, source in (
        ("submit", "submitted_at"),
        ("release", "released_at"),
        ("acknowledge", "acknowledged_at"),
    ):
        ObservationEvent.objects.filter(observation__round=round_, action=action).update(
            at=Subquery(Observation.objects.filter(pk=OuterRef("observation_id")).values(source))
        )
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED, closed_at=closed_at)
    summaries.rebuild(round_ids=[round_.pk])  # bulk inserts send no signals
    demo.rounds[round_.pk] = {
        "name": name,
        "kind": kind,
        "skill": "theta + growth" if follow_up else "theta",
    }
    return round_


def _bulk_ratings(observations: list[Observation], rating_rows: list[list[dict[str, Any]]]) -> None:
    ratings: list[Rating] = []
    criteria: list[list[int]] = []
    for observation, rows in zip(observations, rating_rows, strict=True):
        for r in rows:
            ratings.append(
                Rating(
                    observation_id=observation.pk,
                    dimension_id=r["dimension_id"],
                    step_id=r["step_id"],
                    note=r["note"],
                )
            )
            criteria.append(r["criteria"])
    Rating.objects.bulk_create(ratings, batch_size=500)
    through = Rating.criteria.through
    through.objects.bulk_create(
        (
            through(rating_id=rating.pk, criterion_id=criterion_id)
            for rating, ids in zip(ratings, criteria, strict=True)
            for criterion_id in ids
        ),
        batch_size=900,
    )


def _ongoing_round(demo: Demo) -> Round:
    """Strandskolan's round in progress, written through the services as the pages would."""
    world, model, rng = demo.world, demo.model, demo.model.rng
    school = world.schools[ONGOING_SCHOOL]
    principal = world.users[f"rektor@{DEMO_DOMAIN}"]
    key_observer = world.users[f"observator@{DEMO_DOMAIN}"]
    key_teacher = world.users[f"larare@{DEMO_DOMAIN}"]
    observers = [key_observer, principal]
    coach = world.users.get(f"coach.sjovik@{DEMO_DOMAIN}")
    if coach is not None:
        observers.append(coach)
    for observer in observers:
        model.observer(observer)
    teachers = world.teachers[ONGOING_SCHOOL]
    round_ = services.round_create(
        actor=principal,
        organisation=school,
        schools=[school],
        name="Kollegial observation hösten 2026",
        kind=Round.Kind.ONGOING,
        framework_version=demo.version,
        starts_on=ONGOING[0],
        ends_on=ONGOING[1],
        target_lessons=2,
        release_mode=Round.Release.BY_OBSERVER,
        ask_proposals=True,
        teachers=teachers,
        observers=observers,
    )
    services.assignments_generate(round_=round_)

    # Proposals from about half of the teachers (always the key teacher).
    focus = {d.code: d for d in demo.scale.dimensions}
    for entry in round_.round_teachers.select_related("teacher").order_by("teacher__email"):
        if entry.teacher_id == key_teacher.pk or rng.random() < 0.5:
            services.proposal_save(
                entry=entry,
                proposed_lesson=rng.choice(PROPOSALS),
                focus_dimension=focus.get(rng.choice(list(focus))),
            )

    today = timezone.localdate()
    now = timezone.now()
    past = [d for d in _school_days(ONGOING[0], ONGOING[1]) if d < today] or [ONGOING[0]]
    future = [d for d in _school_days(ONGOING[0], ONGOING[1]) if d > today] or [ONGOING[1]]
    growth = {pk: _growth(demo, pk, school.pk) for pk in model.theta}
    skill = {pk: model.theta[pk] + growth[pk][0] for pk in model.theta}
    released_to_key_teacher = False
    n_done = 0
    for observer in observers:
        visits = list(round_.assignments.filter(observer=observer).order_by("teacher__email", "pk"))
        rng.shuffle(visits)
        # Each observer: some visits not yet planned, a few overdue, some done, the rest ahead;
        # the key observer also has three visits today.
        n_today = 3 if observer == key_observer else 0
        plan: list[str] = ["today"] * n_today + ["unplanned"] * (
            2 if observer == key_observer else 1
        )
        plan += ["overdue"] * 2
        rest = len(visits) - len(plan)
        n_done = max(0, round(rest * 0.6))
        plan += ["done"] * n_done + ["future"] * max(0, rest - n_done)
        today_slots = [(8, 20), (10, 0), (13, 15)]
        # Put the key teacher's visit among the done ones, so she has something released.
        visits.sort(key=lambda a: a.teacher_id != key_teacher.pk)
        if visits and visits[0].teacher_id == key_teacher.pk and "done" in plan:
            plan.remove("done")
            plan.insert(0, "done")
        n_planned_today = 0
        for visit, kind in zip(visits, plan, strict=False):
            context = _context(rng, demo.profiles[visit.teacher_id], today)
            if kind == "today":
                hour, minute = today_slots[n_planned_today % len(today_slots)]
                n_planned_today += 1
                planned = _at(today, hour, minute)
            elif kind == "unplanned":
                planned = None
            else:
                day = rng.choice(past if kind in ("done", "overdue") else future)
                hour, minute = rng.choice(LESSON_STARTS)
                planned = _at(day, hour, minute)
            services.assignment_update(
                assignment=visit,
                planned_at=planned,
                subject=context["subject"],
                group_name=context["group_name"],
                grade=context["grade"],
            )
            # The first of today's visits is under way: a draft.
            started = kind == "done" or (
                kind == "today" and n_planned_today == 1 and planned <= now
            )
            if not started:
                continue
            assert planned is not None
            context["observed_on"] = planned.date()
            eta = skill[visit.teacher_id] - model.severity[observer.pk] + rng.gauss(0, LESSON_SD)
            ratings = _ratings(model, demo.scale, eta, shift=growth[visit.teacher_id][1])
            if kind == "today":
                state = "draft"
            elif visit.teacher_id == key_teacher.pk and not released_to_key_teacher:
                state = "released"
                released_to_key_teacher = True
            else:
                # A fixed mix (not a random one), so every status is there whatever the date.
                state = DONE_STATES[n_done % len(DONE_STATES)]
                n_done += 1
            if state == "draft":
                ratings = ratings[: rng.randint(3, 7)]
            _capture(
                demo,
                observer=observer,
                visit=visit,
                context=context,
                ratings=ratings,
                state=state,
                planned=planned,
                now=now,
            )
    demo.rounds[round_.pk] = {
        "name": round_.name,
        "kind": round_.kind,
        "skill": "theta + growth",
    }
    return round_


def _capture(
    demo: Demo,
    *,
    observer: User,
    visit: Assignment,
    context: dict[str, Any],
    ratings: list[dict[str, Any]],
    state: str,
    planned: dt.datetime,
    now: dt.datetime,
) -> None:
    """Capture one visit as the capture page would (a few autosaves), then submit/release."""
    rng = demo.model.rng
    payload = {
        "assignment_id": visit.pk,
        **{name: context[name] for name in services.CONTEXT_FIELDS},
    }
    uid = uuid.UUID(int=rng.getrandbits(128), version=4)
    revision = 0
    # Autosaves as the observer works through the dimensions (two partial saves, then all).
    cuts = sorted({max(1, len(ratings) // 3), max(1, 2 * len(ratings) // 3), len(ratings)})
    for cut in cuts:
        result = services.observation_save(
            actor=observer,
            uuid=uid,
            data={**payload, "ratings": ratings[:cut]},
            base_revision=revision,
        )
        revision = result.observation.revision
    observation = result.observation
    created = min(planned, now)
    times: dict[str, Any] = {"created_at": created, "updated_at": created}
    events: dict[str, dt.datetime] = {}
    if state in ("submitted", "released"):
        observation = services.observation_submit(actor=observer, observation=observation)
        submitted = min(planned + dt.timedelta(hours=rng.randint(1, 30)), now)
        times.update(submitted_at=submitted, updated_at=submitted)
        events["submit"] = submitted
        if state == "released":
            observation = services.observation_release(actor=observer, observation=observation)
            released = min(submitted + dt.timedelta(days=rng.randint(0, 3), hours=2), now)
            times.update(released_at=released, updated_at=released)
            events["release"] = released
            if visit.teacher.email != f"larare@{DEMO_DOMAIN}" and rng.random() < 0.5:
                observation = services.observation_acknowledge(
                    teacher=visit.teacher,
                    observation=observation,
                    comment=rng.choice(TEACHER_COMMENTS) if rng.random() < 0.4 else "",
                )
                acknowledged = min(released + dt.timedelta(days=rng.randint(1, 4)), now)
                times.update(acknowledged_at=acknowledged, updated_at=acknowledged)
                events["acknowledge"] = acknowledged
    Observation.objects.filter(pk=observation.pk).update(**times)
    for action, at in events.items():
        ObservationEvent.objects.filter(observation=observation, action=action).update(at=at)


@step
def sync_conflicts(world: DemoWorld) -> None:
    """A second device that sent an older copy of an observation after it had moved on: the
    save is refused and kept as a conflict for the observer to review (the key observer's
    first observation at Strandskolan, and an Ekbacka observer's in the closed follow-up)."""
    for observations in (
        Observation.objects.filter(
            observer=world.users[f"observator@{DEMO_DOMAIN}"],
            school=world.schools[ONGOING_SCHOOL],
            round__is_peer=False,
        ),
        Observation.objects.filter(
            school__parent=world.owners["Ekbacka kommun"], round__is_peer=False
        ),
    ):
        observation = observations.select_related("observer").order_by("pk").first()
        if observation is None:
            continue
        state = services.observation_state(observation)
        older = {name: state.get(name) for name in services.CONTEXT_FIELDS}
        older["ratings"] = state["ratings"][:-1]  # the old copy lacks the last rating
        # The refused save raises, and is kept as a Conflict row.
        with contextlib.suppress(services.ObservationConflict):
            services.observation_save(
                actor=observation.observer,
                uuid=observation.uuid,
                data=older,
                base_revision=max(0, observation.revision - 1),
            )


# ----------------------------------------------------------------------------- cleanup


@cleanup
def remove_rounds(organisation_ids: list[int]) -> None:
    """Delete the demo rounds and everything under them; observations protect their round,
    teacher, observer and school, so they (and their ratings) go first."""
    round_ids = list(
        Round.objects.filter(
            Q(organisation_id__in=organisation_ids) | Q(schools__in=organisation_ids)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    observations = Observation.objects.filter(
        Q(round_id__in=round_ids) | Q(school_id__in=organisation_ids)
    )
    observation_ids = list(observations.values_list("pk", flat=True))
    round_ids = sorted(
        set(round_ids) | set(observations.values_list("round_id", flat=True).distinct())
    )
    for start in range(0, len(observation_ids), 500):
        chunk = observation_ids[start : start + 500]
        Rating.criteria.through.objects.filter(rating__observation_id__in=chunk).delete()
        Rating.objects.filter(observation_id__in=chunk).delete()
        ObservationEvent.objects.filter(observation_id__in=chunk).delete()
        Conflict.objects.filter(observation_id__in=chunk).delete()
        Observation.objects.filter(pk__in=chunk).delete()
    Assignment.objects.filter(round_id__in=round_ids).delete()
    RoundTeacher.objects.filter(round_id__in=round_ids).delete()
    RoundObserver.objects.filter(round_id__in=round_ids).delete()
    Round.schools.through.objects.filter(round_id__in=round_ids).delete()
    Round.objects.filter(pk__in=round_ids).delete()

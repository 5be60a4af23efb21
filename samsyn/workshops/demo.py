"""Demo workshops at Strandskolan (runs after the observation rounds and the dashboards).

- a **held** workshop (May 2026) on the municipality's follow-up round compared with its
  baseline: every chart, the four questions with the group's notes (written from what the
  dashboard shows: the dimensions that improved clearly, the weakest one), and three actions
  on the weakest dimension (one done, two open: one carried by the key teacher larare@, one
  by "all of us");
- an **upcoming** workshop three weeks from today, which opens with the follow-up of the two
  open actions.

Written through the services, as the pages would. The demo world is Swedish, so are its notes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samsyn.dashboards.selectors import school_dashboard
from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, cleanup, step
from samsyn.observations.models import Round
from samsyn.workshops import charts, services
from samsyn.workshops.models import Workshop, WorkshopItem

SCHOOL = "Strandskolan"

QUESTIONS = [
    "Vad ser vi? Beskriv mönstren i underlaget innan vi förklarar dem.",
    "Vad förvånar oss? Var skiljer sig underlaget från det vi trodde?",
    "Vad kan förklara det? Vilka av våra vanor i klassrummet kan ligga bakom?",
    "Vad gör vi tillsammans? Välj en eller två förändringar för oss alla, och hur vi märker "
    "att de fungerar.",
]


def _names(dims: list[str]) -> str:
    dims = [d.lower() for d in dims]
    return dims[0] if len(dims) == 1 else ", ".join(dims[:-1]) + " och " + dims[-1]


def _story(dashboard) -> tuple[list[str], str]:
    """The group's notes, written from what the dashboard actually shows (so the demo's notes
    agree with its charts whatever the observation model draws), and the dimension to work on."""
    clear = [c.dimension.short_name for c in dashboard.changes if c.clear and (c.change or 0) > 0]
    unclear = [c.dimension.short_name for c in dashboard.changes if not c.clear]
    weakest = [r.dimension.short_name for r in dashboard.weakest] or unclear or ["samarbete"]
    strongest = [r.dimension.short_name for r in dashboard.strongest]
    seen = (
        f"Tydlig förbättring från nollmätningen i {_names(clear)}. "
        if clear
        else "Ingen dimension har förbättrats tydligt sedan nollmätningen. "
    )
    if unclear:
        seen += f"I {_names(unclear[:4])} kan vi inte säga att något har förändrats. "
    if strongest:
        seen += f"Starkast i eftermätningen: {_names(strongest)}."
    notes = [
        seen.strip(),
        f"Att {weakest[0].lower()} fortfarande ligger lägst, fast vi har pratat mycket om det i "
        "arbetslagen. Och att skillnaderna mellan årskurserna var mindre än vi trott.",
        f"Det vi har arbetat med tillsammans, med gemensamma underlag, har rört sig. "
        f"{weakest[0]} har varit upp till var och en; vi har inte sett varandras lektioner.",
        f"Vi provar gemensamma arbetssätt för {weakest[0].lower()} i alla ämnen under hösten och "
        "följer upp dem i nästa observationsomgång.",
    ]
    return notes, weakest[0].lower()


@step
def workshops(world: DemoWorld) -> None:
    school = world.schools[SCHOOL]
    principal = world.users[f"rektor@{DEMO_DOMAIN}"]
    key_teacher = world.users[f"larare@{DEMO_DOMAIN}"]
    rounds = Round.objects.filter(schools=school, is_peer=False)
    follow_up = rounds.get(kind=Round.Kind.FOLLOW_UP)
    baseline = rounds.get(kind=Round.Kind.BASELINE)
    keys = charts.chart_keys()
    zone = timezone.get_current_timezone()

    held = services.workshop_create(
        actor=principal,
        school=school,
        title="Vår undervisning: nollmätning och eftermätning",
        round=follow_up,
        compare_round=baseline,
        starts_at=dt.datetime(2026, 5, 20, 13, 0, tzinfo=zone),
        duration_minutes=180,
        place="Aulan",
        chart_keys=keys,
        questions=QUESTIONS,
    )
    dashboard = school_dashboard(
        user=principal, school=school, round=follow_up, compare_round=baseline
    )
    notes_for, focus = _story(dashboard)
    questions = list(held.items.filter(kind=WorkshopItem.Kind.QUESTION))
    for item, notes in zip(questions, notes_for, strict=True):
        services.item_notes_save(item=item, notes=notes)
    colleague = next(t for t in world.teachers[SCHOOL] if t.pk != key_teacher.pk)
    done = services.action_create(
        workshop=held,
        what="Samla arbetslagens exempel på lektionsmål i en gemensam mapp",
        owner=colleague,
        due_on=dt.date(2026, 6, 12),
    )
    services.action_set_status(action=done, status=done.Status.DONE)
    services.action_create(
        workshop=held,
        what=f"Pröva ett gemensamt arbetssätt för {focus} i alla ämnen",
        owner=None,
        due_on=dt.date(2026, 12, 18),
    )
    in_progress = services.action_create(
        workshop=held,
        what=f"Ordna auskultationer i varandras lektioner med fokus på {focus}",
        owner=key_teacher,
        due_on=dt.date(2026, 12, 4),
    )
    services.action_set_status(action=in_progress, status=in_progress.Status.IN_PROGRESS)

    day = timezone.localdate() + dt.timedelta(days=21)
    services.workshop_create(
        actor=principal,
        school=school,
        title="Uppföljning: samarbete och återkoppling",
        round=follow_up,
        compare_round=baseline,
        starts_at=dt.datetime.combine(day, dt.time(13, 0), tzinfo=zone),
        duration_minutes=180,
        place="Personalrummet",
        chart_keys=keys,
        questions=QUESTIONS,
    )


@cleanup
def remove_workshops(organisation_ids: list[int]) -> None:
    """Workshops protect the rounds they look at: they go before the rounds."""
    Workshop.objects.filter(school_id__in=organisation_ids).delete()

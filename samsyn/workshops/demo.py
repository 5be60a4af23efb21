"""Demo workshops at Strandskolan (runs after the observation rounds and the dashboards).

- a **held** workshop (May 2026) on the municipality's follow-up round compared with its
  baseline: every chart, the four questions with the group's notes, and three actions (one
  done, two open: one carried by the key teacher larare@, one by "all of us");
- an **upcoming** workshop three weeks from today, which opens with the follow-up of the two
  open actions.

Written through the services, as the pages would. The demo world is Swedish, so are its notes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

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
NOTES = [
    "Fler lektioner på de högre stegen i eftermätningen, tydligast för mål som utgångspunkt och "
    "för återkoppling. Variation i undervisningen och elevernas samarbete ligger kvar ungefär "
    "där de var i nollmätningen.",
    "Att samarbetet inte rört sig, trots att vi pratat mycket om det i arbetslagen. Och att "
    "skillnaden mellan årskurserna var mindre än vi trott.",
    "Målen har vi arbetat med tillsammans hela året, med gemensamma underlag. Samarbetet har "
    "varit upp till var och en; vi har inte sett varandras lektioner i det.",
    "Vi provar gemensamma strukturer för samarbete i alla ämnen under hösten och följer upp dem "
    "i nästa observationsomgång.",
]


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
    questions = list(held.items.filter(kind=WorkshopItem.Kind.QUESTION))
    for item, notes in zip(questions, NOTES, strict=True):
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
        what="Pröva en gemensam struktur för elevernas samarbete i alla ämnen",
        owner=None,
        due_on=dt.date(2026, 12, 18),
    )
    in_progress = services.action_create(
        workshop=held,
        what="Ordna auskultationer i varandras lektioner med fokus på samarbete",
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

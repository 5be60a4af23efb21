"""Demo coaching: conversations, next steps in every state, and one support plan.

- The key teacher larare@ with observator@ as coach: a conversation after the baseline round
  whose next step is done; one after the follow-up round whose next step is in progress with
  its follow-up due in two days (so the reminder shows on both home pages); and one just
  started, with her reflection and self-rating written before the talk.
- Other Strandskolan teachers, coached by observator@ and the municipality's coach, with next
  steps agreed, in progress, done and set aside.
- At Strandskolan, a support plan for a teacher below the satisfactory step in the follow-up
  round (if the demo's ratings put anyone there), coached by observator@.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samsyn.coaching import selectors, services
from samsyn.coaching.models import Conversation, NextStep, SupportPlan
from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, cleanup, step

SCHOOL = "Strandskolan"
WENT_WELL = [
    "Tydlig struktur med mål, övning och sammanfattning; eleverna visste vad de skulle göra.",
    "Lugn start och väl inarbetade rutiner; många elever deltog i helklassamtalet.",
    "Bra frågor som fick eleverna att förklara hur de tänkte.",
]
ACTIONS = {
    "goals": "Skriva lektionens mål på tavlan och låta två elever säga det med egna ord.",
    "feedback": "Avsluta varje lektion med en exit ticket och börja nästa med det den visade.",
    "visible-learning": "Visa ett elevexempel i dokumentkameran och låta klassen peka ut kvaliteter.",
    "participation": "Använda namnpinnar och tänk-par-dela i varje genomgång.",
    "differentiation": "Förbereda två stödnivåer till varje uppgift och en utmaning.",
}


def _conversation(coach, teacher, observations, *, started: dt.datetime) -> Conversation:
    school = selectors.teacher_schools(teacher)[0]
    # The teacher asks for the conversation (a coach may start one only with a teacher whose
    # lessons they observed, on what they may already read).
    c = services.conversation_start(
        actor=teacher, teacher=teacher, coach=coach, school=school, observations=observations
    )
    Conversation.objects.filter(pk=c.pk).update(created_at=started)
    return c


def _held(
    c: Conversation,
    coach,
    code: str,
    *,
    held_on: dt.date,
    follow_up_on: dt.date,
    status: str,
    i: int = 0,
):
    dimension = c.framework_version.dimensions.get(code=code)
    services.conversation_prepare(
        conversation=c, actor=coach, strengths=WENT_WELL[(i + 1) % 3], suggested_focus=dimension
    )
    step_ = services.conversation_record(
        conversation=c,
        actor=coach,
        held_on=held_on,
        went_well=WENT_WELL[i % 3],
        dimension=dimension,
        action=ACTIONS[code],
        follow_up_on=follow_up_on,
    )
    if status != NextStep.Status.AGREED:
        services.next_step_set_status(next_step=step_, actor=c.teacher, status=status)
    if follow_up_on < timezone.localdate():
        # Past follow-ups were reminded when they fell due.
        NextStep.objects.filter(pk=step_.pk).update(reminder_sent_at=timezone.now())
    return step_


def _by_round(teacher) -> list[list]:
    """The teacher's released observations, grouped per round, oldest round first."""
    groups: dict[int, list] = {}
    for o in selectors.coachable_observations_unscoped(teacher=teacher).order_by(
        "round__starts_on"
    ):
        groups.setdefault(o.round_id, []).append(o)
    return list(groups.values())


@step
def coaching_records(world: DemoWorld) -> None:
    today = timezone.localdate()
    now = timezone.now()
    teacher = world.users[f"larare@{DEMO_DOMAIN}"]
    coach = world.users[f"observator@{DEMO_DOMAIN}"]
    rounds = _by_round(teacher)
    if len(rounds) >= 2:
        first = _conversation(coach, teacher, rounds[0], started=now - dt.timedelta(days=330))
        services.conversation_reflect(
            conversation=first,
            actor=teacher,
            reflection="Jag vill bli bättre på att visa eleverna vad lektionen ska leda till.",
            self_ratings={},
        )
        _held(
            first,
            coach,
            "goals",
            held_on=today - dt.timedelta(days=325),
            follow_up_on=today - dt.timedelta(days=280),
            status=NextStep.Status.DONE,
        )
        second = _conversation(coach, teacher, rounds[1], started=now - dt.timedelta(days=40))
        _held(
            second,
            coach,
            "feedback",
            held_on=today - dt.timedelta(days=35),
            follow_up_on=today + dt.timedelta(days=2),
            status=NextStep.Status.IN_PROGRESS,
            i=1,
        )
    if rounds:
        third = _conversation(coach, teacher, rounds[-1], started=now - dt.timedelta(days=1))
        dims = list(third.framework_version.dimensions.prefetch_related("steps").order_by("order"))
        services.conversation_reflect(
            conversation=third,
            actor=teacher,
            reflection="Exit tickets fungerar; nu vill jag att eleverna ger varandra återkoppling.",
            self_ratings={
                d.pk: list(d.steps.all())[2 if i % 3 else 1].pk for i, d in enumerate(dims[:6])
            },
        )

    # Other teachers at the school: next steps in every state.
    coaches = [coach, world.users[f"coach.sjovik@{DEMO_DOMAIN}"]]
    states = [
        NextStep.Status.AGREED,
        NextStep.Status.IN_PROGRESS,
        NextStep.Status.DONE,
        NextStep.Status.SET_ASIDE,
        NextStep.Status.IN_PROGRESS,
        NextStep.Status.DONE,
    ]
    codes = list(ACTIONS)
    others = [t for t in world.teachers[SCHOOL] if t.pk not in (teacher.pk, coach.pk)]
    for i, (other, status) in enumerate(zip(others, states, strict=False)):
        groups = _by_round(other)
        if not groups:
            continue
        c = _conversation(
            coaches[i % 2], other, groups[-1], started=now - dt.timedelta(days=60 - i)
        )
        _held(
            c,
            coaches[i % 2],
            codes[i % len(codes)],
            held_on=today - dt.timedelta(days=55 - i),
            follow_up_on=today + dt.timedelta(days=7 * (i - 2)),
            status=status,
            i=i,
        )

    # One support plan at the school.
    school = world.schools[SCHOOL]
    eligible = selectors.support_eligible_unscoped(school)
    if eligible["teachers"]:
        entry = eligible["teachers"][0]
        plan = services.support_plan_start(
            actor=world.users[f"rektor@{DEMO_DOMAIN}"],
            school=school,
            teacher=entry["teacher"],
            coach=coach,
            focus_dimensions=[b["dimension"] for b in entry["below"][:2]],
            actions=(
                "Handledning med förstelärare varannan vecka; planera lektioner tillsammans "
                "med fokus på mål och återkoppling; auskultera hos en kollega."
            ),
            starts_on=today - dt.timedelta(weeks=3),
            check_in_dates=[today + dt.timedelta(weeks=2), today + dt.timedelta(weeks=6)],
        )
        services.support_plan_check_in_add(
            plan=plan,
            planned_on=today - dt.timedelta(weeks=1),
            observation=None,
            note="Samtal om planeringen; målen syns nu i lektionsplaneringen.",
        )


@cleanup
def remove_coaching(organisation_ids: list[int]) -> None:
    Conversation.objects.filter(school_id__in=organisation_ids).delete()
    SupportPlan.objects.filter(school_id__in=organisation_ids).delete()

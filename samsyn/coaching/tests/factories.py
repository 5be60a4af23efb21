"""Released observations, conversations and support plans in the personas' world."""

from __future__ import annotations

import datetime as dt
import uuid

from samsyn.coaching import services
from samsyn.coaching.models import Conversation, SupportPlan
from samsyn.observations import services as obs_services
from samsyn.observations.models import Observation
from samsyn.observations.tests.factories import default_version, full_ratings, make_round


def released(
    case,
    *,
    step_order: int = 2,
    close: bool = False,
    lessons: int = 1,
    steps: list[int] | None = None,
    **round_args,
):
    """Observations of alice by oscar in a new round of School A, released: `lessons` rated at
    `step_order` everywhere, or one lesson per entry of `steps`."""
    round_ = make_round(case, **round_args)
    assignment = round_.assignments.first()
    made = []
    for order in steps or [step_order] * lessons:
        result = obs_services.observation_save(
            actor=case.oscar,
            uuid=uuid.uuid4(),
            data={
                "assignment_id": assignment.pk,
                "ratings": full_ratings(default_version(), order),
                "observed_on": round_.starts_on.isoformat(),
            },
            base_revision=0,
        )
        observation = obs_services.observation_submit(
            actor=case.oscar, observation=result.observation
        )
        made.append(obs_services.observation_release(actor=case.oscar, observation=observation))
    if close:
        obs_services.round_close(actor=case.pia, round_=round_)
    return made


def conversation(case, observations: list[Observation] | None = None) -> Conversation:
    return services.conversation_start(
        actor=case.alice,
        teacher=case.alice,
        coach=case.oscar,
        school=case.school,
        observations=observations or released(case),
    )


def recorded(case, *, follow_up_on: dt.date | None = None) -> Conversation:
    c = conversation(case)
    services.conversation_record(
        conversation=c,
        actor=case.oscar,
        held_on=dt.date(2026, 11, 20),
        went_well="Tydlig start",
        dimension=default_version().dimensions.get(code="feedback"),
        action="Exit tickets varje lektion",
        follow_up_on=follow_up_on or dt.date(2026, 12, 10),
    )
    return c


def support_plan(case) -> SupportPlan:
    released(case, step_order=1, close=True, lessons=2, name="Nollmätning")
    version = default_version()
    return services.support_plan_start(
        actor=case.pia,
        school=case.school,
        teacher=case.alice,
        coach=case.oscar,
        focus_dimensions=list(version.dimensions.filter(code__in=["goals", "feedback"])),
        actions="Planering med förstelärare varje vecka",
        starts_on=dt.date(2026, 11, 23),
    )

"""Where a school stands in its cycle (observe → coach → workshop → follow-up), for the
principal's home page: the current round's coverage, coaching conversations held, the next
workshop, actions due, the phase, and the three to five next things to do.

Aggregates only (counts), read for a school the caller may lead: no individual's data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from samsyn.accounts.models import Organisation
from samsyn.coaching.models import Conversation
from samsyn.observations.models import Observation, Round, RoundTeacher
from samsyn.workshops.models import Action, Workshop

PHASES = [
    ("observe", pgettext_lazy("cycle phase", "Observe")),
    ("coach", pgettext_lazy("cycle phase", "Coach")),
    ("workshop", pgettext_lazy("cycle phase", "Workshop")),
    ("follow_up", pgettext_lazy("cycle phase", "Follow up")),
]
DUE_DAYS = 7


@dataclass
class NextStep:
    title: str
    url: str


@dataclass
class SchoolCycle:
    school: Organisation
    round: Round | None
    phase: str
    lessons_done: int = 0
    lessons_target: int = 0
    teachers_observed: int = 0
    conversations: int = 0
    next_workshop: Workshop | None = None
    actions_due: int = 0
    actions_overdue: int = 0
    next_steps: list[NextStep] = field(default_factory=list)

    @property
    def phases(self) -> list[dict]:
        index = [key for key, _label in PHASES].index(self.phase)
        return [
            {"key": key, "label": label, "done": i < index, "current": i == index}
            for i, (key, label) in enumerate(PHASES)
        ]

    @property
    def coverage_percent(self) -> int:
        if not self.lessons_target:
            return 0
        return min(100, round(100 * self.lessons_done / self.lessons_target))


def _current_round(school: Organisation) -> Round | None:
    rounds = Round.objects.filter(schools=school, is_peer=False).order_by("-starts_on", "-pk")
    return rounds.filter(status=Round.Status.OPEN).first() or rounds.first()


def school_cycle(school: Organisation) -> SchoolCycle:
    """The school's cycle now (a fixed number of queries)."""
    today = timezone.localdate()
    round_ = _current_round(school)
    cycle = SchoolCycle(school=school, round=round_, phase="observe")
    if round_ is not None:
        teachers = RoundTeacher.objects.filter(round=round_, school=school).count()
        cycle.lessons_target = teachers * round_.target_lessons
        counted = Observation.objects.filter(
            round=round_, school=school, status__in=Observation.COUNTED
        ).aggregate(n=Count("pk"), teachers=Count("teacher", distinct=True))
        cycle.lessons_done, cycle.teachers_observed = counted["n"], counted["teachers"]
        cycle.conversations = (
            Conversation.objects.filter(school=school, held_on__gte=round_.starts_on)
            .values("teacher")
            .distinct()
            .count()
        )
    now = timezone.now()
    cycle.next_workshop = (
        Workshop.objects.filter(school=school, starts_at__gte=now).order_by("starts_at").first()
    )
    held = (
        round_ is not None
        and Workshop.objects.filter(school=school, round=round_, starts_at__lt=now).exists()
    )
    open_actions = Action.objects.filter(school=school, status__in=Action.OPEN_STATUSES)
    cycle.actions_due = open_actions.filter(due_on__lte=today + dt.timedelta(days=DUE_DAYS)).count()
    cycle.actions_overdue = open_actions.filter(due_on__lt=today).count()
    if (
        round_ is not None
        and round_.status == Round.Status.OPEN
        and (cycle.lessons_done < cycle.lessons_target)
    ):
        cycle.phase = "observe"
    elif round_ is not None and cycle.conversations < cycle.teachers_observed:
        cycle.phase = "coach"
    elif round_ is not None and not held:
        cycle.phase = "workshop"
    elif round_ is not None:
        cycle.phase = "follow_up"
    cycle.next_steps = _next_steps(cycle)
    return cycle


def _next_steps(cycle: SchoolCycle) -> list[NextStep]:
    school, round_ = cycle.school, cycle.round
    steps: list[NextStep] = []
    if round_ is None:
        steps.append(NextStep(_("Plan an observation round"), reverse("observations:round_create")))
    elif cycle.lessons_done < cycle.lessons_target and round_.status == Round.Status.OPEN:
        steps.append(
            NextStep(
                _("Observe: %(done)s of %(target)s lessons in %(round)s")
                % {
                    "done": cycle.lessons_done,
                    "target": cycle.lessons_target,
                    "round": round_.name,
                },
                reverse("observations:round", args=[round_.pk]),
            )
        )
    if round_ is not None and cycle.conversations < cycle.teachers_observed:
        steps.append(
            NextStep(
                _("Coaching conversations: %(held)s of %(teachers)s observed teachers")
                % {"held": cycle.conversations, "teachers": cycle.teachers_observed},
                reverse("coaching:conversation_start"),
            )
        )
    if cycle.next_workshop is not None:
        when = timezone.localtime(cycle.next_workshop.starts_at)
        steps.append(
            NextStep(
                _("Prepare the workshop on %(date)s: %(title)s")
                % {"date": when.strftime("%Y-%m-%d"), "title": cycle.next_workshop.title},
                reverse("workshops:workshop_detail", args=[school.pk, cycle.next_workshop.pk]),
            )
        )
    elif round_ is not None and cycle.phase in ("workshop", "coach"):
        steps.append(
            NextStep(
                _("Plan a workshop on the round's results"),
                reverse("workshops:workshop_create", args=[school.pk]),
            )
        )
    if cycle.actions_due:
        steps.append(
            NextStep(
                ngettext(
                    "Follow up one collective action due this week",
                    "Follow up %(n)s collective actions due this week",
                    cycle.actions_due,
                )
                % {"n": cycle.actions_due},
                reverse("workshops:action_list", args=[school.pk]),
            )
        )
    steps.append(
        NextStep(_("See the school's dashboard"), reverse("dashboards:school", args=[school.pk]))
    )
    return steps[:5]

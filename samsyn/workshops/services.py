"""Writes for workshops: preparing one, its slides, the group's notes and collective actions.

Keyword-only `<entity>_<verb>` functions, one transaction each; a refused write raises
ValidationError naming the field and saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from samsyn.accounts.models import Organisation, User
from samsyn.observations.models import Round
from samsyn.workshops import charts, selectors
from samsyn.workshops.models import DEFAULT_DURATION, Action, Workshop, WorkshopItem

ERR_ROUND = gettext_lazy("Choose a round that observed this school (peer rounds are private).")
ERR_SAME_ROUND = gettext_lazy("Compare with a different round than the one shown.")
ERR_FRAMEWORK = gettext_lazy("The two rounds use different frameworks and cannot be compared.")
ERR_TEAM = gettext_lazy("Not a teacher at this school: %(names)s")
ERR_CHART = gettext_lazy("There is no chart called “%(key)s”.")
ERR_CHART_TWICE = gettext_lazy("This chart is in the workshop already.")
ERR_NO_CHARTS = gettext_lazy("Choose at least one chart.")
ERR_DURATION = gettext_lazy("A workshop lasts between 15 minutes and 8 hours.")
ERR_QUESTION_EMPTY = gettext_lazy("Write the question.")
ERR_OWNER = gettext_lazy("The owner must be someone at this school.")
ERR_WHAT = gettext_lazy("Write what we will do.")
ERR_STATUS = gettext_lazy("Choose a status.")

# The default sequence of questions, from looking to doing (our own wording).
DEFAULT_QUESTIONS = (
    gettext_lazy("What do we see? Describe the patterns in the data before explaining them."),
    gettext_lazy("What surprises us? Where does the data differ from what we expected?"),
    gettext_lazy("What explains it? Which of our habits in the classroom could lie behind it?"),
    gettext_lazy(
        "What do we do together? Choose one or two changes for all of us, and how we will "
        "notice that they work."
    ),
)


def default_questions() -> list[str]:
    """The default questions in the active language (stored as text: the group may edit them)."""
    return [str(q) for q in DEFAULT_QUESTIONS]


def _check(
    *,
    school: Organisation,
    round: Round,
    compare_round: Round | None,
    team: Iterable[User],
    duration_minutes: int,
) -> None:
    errors: dict[str, ValidationError] = {}
    rounds = selectors.school_rounds_unscoped(school)
    if not rounds.filter(pk=round.pk).exists():
        errors["round"] = ValidationError(ERR_ROUND)
    if compare_round is not None:
        if compare_round.pk == round.pk:
            errors["compare_round"] = ValidationError(ERR_SAME_ROUND)
        elif not rounds.filter(pk=compare_round.pk).exists():
            errors["compare_round"] = ValidationError(ERR_ROUND)
        elif compare_round.framework_version.framework_id != round.framework_version.framework_id:
            errors["compare_round"] = ValidationError(ERR_FRAMEWORK)
    teacher_ids = set(selectors.school_teachers_unscoped(school).values_list("pk", flat=True))
    strangers = [u for u in team if u.pk not in teacher_ids]
    if strangers:
        errors["team"] = ValidationError(
            ERR_TEAM, params={"names": ", ".join(u.get_full_name() for u in strangers)}
        )
    if not 15 <= duration_minutes <= 480:
        errors["duration_minutes"] = ValidationError(ERR_DURATION)
    if errors:
        raise ValidationError(errors)


def _check_charts(chart_keys: list[str], *, field: str = "charts") -> None:
    known = charts.chart_keys()
    if not chart_keys:
        raise ValidationError({field: ValidationError(ERR_NO_CHARTS)})
    for key in chart_keys:
        if key not in known:
            raise ValidationError({field: ValidationError(ERR_CHART, params={"key": key})})
    if len(set(chart_keys)) != len(chart_keys):
        raise ValidationError({field: ValidationError(ERR_CHART_TWICE)})


@transaction.atomic
def workshop_create(
    *,
    actor: User,
    school: Organisation,
    title: str,
    round: Round,
    compare_round: Round | None = None,
    team: Iterable[User] = (),
    starts_at: dt.datetime,
    duration_minutes: int = DEFAULT_DURATION,
    place: str = "",
    chart_keys: list[str],
    questions: list[str] | None = None,
) -> Workshop:
    """A workshop with its slides: the chosen charts in order, then the questions (the default
    sequence unless given)."""
    team = list(team)
    _check(
        school=school,
        round=round,
        compare_round=compare_round,
        team=team,
        duration_minutes=duration_minutes,
    )
    _check_charts(chart_keys)
    workshop = Workshop(
        school=school,
        title=title.strip(),
        round=round,
        compare_round=compare_round,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place.strip(),
        created_by=actor,
    )
    workshop.full_clean()
    workshop.save()
    workshop.team.set(team)
    items = [
        WorkshopItem(workshop=workshop, kind=WorkshopItem.Kind.CHART, chart_key=key)
        for key in chart_keys
    ]
    texts = default_questions() if questions is None else questions
    items += [
        WorkshopItem(workshop=workshop, kind=WorkshopItem.Kind.QUESTION, text=text.strip())
        for text in texts
        if text.strip()
    ]
    for position, item in enumerate(items):
        item.position = position
    WorkshopItem.objects.bulk_create(items)
    return workshop


@transaction.atomic
def workshop_update(
    *,
    workshop: Workshop,
    title: str,
    round: Round,
    compare_round: Round | None,
    team: Iterable[User],
    starts_at: dt.datetime,
    duration_minutes: int,
    place: str,
) -> Workshop:
    team = list(team)
    _check(
        school=workshop.school,
        round=round,
        compare_round=compare_round,
        team=team,
        duration_minutes=duration_minutes,
    )
    workshop.title = title.strip()
    workshop.round = round
    workshop.compare_round = compare_round
    workshop.starts_at = starts_at
    workshop.duration_minutes = duration_minutes
    workshop.place = place.strip()
    workshop.full_clean()
    workshop.save()
    workshop.team.set(team)
    return workshop


@transaction.atomic
def workshop_delete(*, workshop: Workshop) -> None:
    """Delete a workshop with its slides, notes and the actions it decided."""
    workshop.delete()


def _next_position(workshop: Workshop) -> int:
    last = workshop.items.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def item_add_chart(*, workshop: Workshop, chart_key: str) -> WorkshopItem:
    _check_charts([chart_key], field="chart_key")
    if workshop.items.filter(kind=WorkshopItem.Kind.CHART, chart_key=chart_key).exists():
        raise ValidationError({"chart_key": ValidationError(ERR_CHART_TWICE)})
    return WorkshopItem.objects.create(
        workshop=workshop,
        kind=WorkshopItem.Kind.CHART,
        chart_key=chart_key,
        position=_next_position(workshop),
    )


@transaction.atomic
def item_add_question(*, workshop: Workshop, text: str) -> WorkshopItem:
    if not text.strip():
        raise ValidationError({"text": ValidationError(ERR_QUESTION_EMPTY)})
    return WorkshopItem.objects.create(
        workshop=workshop,
        kind=WorkshopItem.Kind.QUESTION,
        text=text.strip(),
        position=_next_position(workshop),
    )


@transaction.atomic
def item_update_question(*, item: WorkshopItem, text: str) -> WorkshopItem:
    if not text.strip():
        raise ValidationError({"text": ValidationError(ERR_QUESTION_EMPTY)})
    item.text = text.strip()
    item.save(update_fields=["text"])
    return item


@transaction.atomic
def item_move(*, item: WorkshopItem, offset: int) -> None:
    """Move a slide `offset` places (−1 earlier, +1 later); positions are renumbered 0…n−1."""
    items = list(WorkshopItem.objects.select_for_update().filter(workshop_id=item.workshop_id))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    target = max(0, min(len(items) - 1, index + offset))
    items.insert(target, items.pop(index))
    for position, it in enumerate(items):
        it.position = position
    WorkshopItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def item_remove(*, item: WorkshopItem) -> None:
    workshop_id = item.workshop_id
    item.delete()
    items = list(WorkshopItem.objects.filter(workshop_id=workshop_id))
    for position, it in enumerate(items):
        it.position = position
    WorkshopItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def item_notes_save(*, item: WorkshopItem, notes: str) -> WorkshopItem:
    item.notes = notes.strip()
    item.notes_updated_at = timezone.now()
    item.save(update_fields=["notes", "notes_updated_at"])
    return item


@transaction.atomic
def action_create(*, workshop: Workshop, what: str, owner: User | None, due_on: dt.date) -> Action:
    """A collective action; no owner means "all of us"."""
    errors: dict[str, ValidationError] = {}
    if not what.strip():
        errors["what"] = ValidationError(ERR_WHAT)
    if (
        owner is not None
        and not selectors.school_people_unscoped(workshop.school).filter(pk=owner.pk).exists()
    ):
        errors["owner"] = ValidationError(ERR_OWNER)
    if errors:
        raise ValidationError(errors)
    action = Action(
        school=workshop.school, workshop=workshop, what=what.strip(), owner=owner, due_on=due_on
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_set_status(
    *, action: Action, status: str, reviewed_in: Workshop | None = None
) -> Action:
    """Update an action's status; `reviewed_in` is the workshop whose follow-up did it."""
    if status not in Action.Status.values:
        raise ValidationError({"status": ValidationError(ERR_STATUS)})
    action.status = status
    fields = ["status", "updated_at"]
    if reviewed_in is not None:
        action.reviewed_in = reviewed_in
        fields.append("reviewed_in")
    action.save(update_fields=fields)
    return action

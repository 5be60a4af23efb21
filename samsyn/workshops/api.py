"""JSON API routes of samsyn.workshops (added to /api/v1/ by samsyn/api.py): the school's
workshops and collective actions, read-only, for the same people as the pages (the school's
own teachers, observers and principals; 403 for those who reach it from above, 404 for
outsiders)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Path, Router, Schema

from samsyn.workshops import selectors

router = Router(tags=["workshops"])


class ErrorOut(Schema):
    detail: str


class WorkshopOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    place: str
    round_id: int
    compare_round_id: int | None
    team_size: int
    upcoming: bool


class ActionOut(Schema):
    id: int
    what: str
    owner: str | None
    due_on: dt.date
    status: str
    workshop_id: int


@router.get(
    "/workshops/schools/{school_id}/workshops",
    response={200: list[WorkshopOut], 403: ErrorOut, 404: ErrorOut},
    summary="A school's workshops, latest first",
    url_name="workshops_of_school",
)
def workshop_list(request: HttpRequest, school_id: int = Path(..., ge=1, le=2**63 - 1)):
    school = selectors.get_school_for_user(user=request.user, pk=school_id)
    workshops = selectors.workshops_of(user=request.user, school=school).prefetch_related("team")
    return [
        {
            "id": w.pk,
            "title": w.title,
            "starts_at": w.starts_at,
            "duration_minutes": w.duration_minutes,
            "place": w.place,
            "round_id": w.round_id,
            "compare_round_id": w.compare_round_id,
            "team_size": len(w.team.all()),
            "upcoming": w.is_upcoming,
        }
        for w in workshops
    ]


@router.get(
    "/workshops/schools/{school_id}/actions",
    response={200: list[ActionOut], 403: ErrorOut, 404: ErrorOut},
    summary="A school's collective actions (open ones with `open=true`), by due date",
    url_name="workshop_actions_of_school",
)
def action_list(
    request: HttpRequest, school_id: int = Path(..., ge=1, le=2**63 - 1), open: bool = False
):
    school = selectors.get_school_for_user(user=request.user, pk=school_id)
    return [
        {
            "id": a.pk,
            "what": a.what,
            # No owner: the whole group carries the action ("all of us").
            "owner": a.owner.get_full_name() if a.owner else None,
            "due_on": a.due_on,
            "status": a.status,
            "workshop_id": a.workshop_id,
        }
        for a in selectors.actions_of(user=request.user, school=school, open_only=open)
    ]

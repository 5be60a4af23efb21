"""JSON API routes of samsyn.coaching (added to /api/v1/ by samsyn/api.py).

Only one's own next steps: the content of coaching conversations stays on the pages of their
teacher and coach.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from samsyn.accounts.models import AuditEvent
from samsyn.accounts.services import audit_record
from samsyn.coaching import services
from samsyn.coaching.models import NextStep

router = Router(tags=["coaching"])


class NextStepOut(Schema):
    id: int
    conversation_id: int
    teacher_id: int
    coach_id: int | None
    dimension_code: str
    dimension_name: str
    action: str
    follow_up_on: dt.date
    status: str


class StatusIn(Schema):
    status: str


class ErrorOut(Schema):
    detail: str


def _out(step: NextStep) -> dict:
    return {
        "id": step.pk,
        "conversation_id": step.conversation_id,
        "teacher_id": step.conversation.teacher_id,
        "coach_id": step.conversation.coach_id,
        "dimension_code": step.dimension.code,
        "dimension_name": step.dimension.name,
        "action": step.action,
        "follow_up_on": step.follow_up_on,
        "status": step.status,
    }


def _mine(request: HttpRequest):
    user = request.auth
    return NextStep.objects.filter(
        Q(conversation__teacher=user) | Q(conversation__coach=user)
    ).select_related("conversation", "dimension")


@router.get(
    "/coaching/next-steps",
    response=list[NextStepOut],
    summary="My next steps (as teacher or coach)",
)
def coaching_next_steps(request: HttpRequest):
    steps = list(
        _mine(request)
        .select_related("conversation__school", "conversation__teacher")
        .order_by("follow_up_on")
    )
    for step in steps:
        # A coach reads the teacher's coaching record: audited as on the conversation's page
        # (the teacher's own reads are not).
        audit_record(
            actor=request.auth,
            action=AuditEvent.Action.READ,
            object_type="coaching_next_step",
            subject=step.conversation.teacher,
            object_id=step.pk,
            organisation=step.conversation.school,
            request=request,
        )
    return [_out(s) for s in steps]


@router.post(
    "/coaching/next-steps/{pk}/status",
    response={200: NextStepOut, 404: ErrorOut, 422: ErrorOut},
    summary="Update the status of one of my next steps",
)
def coaching_next_step_status(request: HttpRequest, pk: int, payload: StatusIn):
    step = _mine(request).filter(pk=pk).first()
    if step is None:
        return Status(404, {"detail": "Not found"})
    try:
        services.next_step_set_status(next_step=step, actor=request.auth, status=payload.status)
    except ValidationError as error:
        return Status(422, {"detail": " ".join(error.messages)})
    return Status(200, _out(step))

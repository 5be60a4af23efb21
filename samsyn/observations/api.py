"""API for capture: my assignments, and idempotent saves of observations by their UUID.

`PUT /api/v1/observations/{uuid}` creates or updates a draft: send the whole state with the
`base_revision` it was built on (0 for new). 201 created, 200 saved or unchanged (a re-sent
request stores once), 409 conflict or locked (both versions in the body, and kept for review),
422 invalid (each problem under its field path), 404 not yours.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema, Status
from pydantic import BaseModel

from samsyn.observations import selectors, services
from samsyn.observations.models import Observation

router = Router(tags=["observations"])


class ErrorOut(Schema):
    detail: str


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, str]


# The capture save's schemas are plain pydantic models: ninja's Schema runs its root validator
# (wrapping the data for attribute access) on every nested rating, a cost on every save and
# nothing these dicts need.
class RatingIn(BaseModel):
    dimension_id: int = Field(..., ge=1, le=2**63 - 1)
    step_id: int | None = Field(None, ge=1, le=2**63 - 1)
    not_observed: bool = False
    criteria: list[int] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=2000)


class ObservationIn(BaseModel):
    base_revision: int = Field(0, ge=0, le=2**31 - 1)
    assignment_id: int | None = Field(None, ge=1, le=2**63 - 1)
    round_id: int | None = Field(None, ge=1, le=2**63 - 1)
    teacher_id: int | None = Field(None, ge=1, le=2**63 - 1)
    subject: str = Field("", max_length=100)
    grade: str = Field("", max_length=20)
    group_size: int | None = Field(None, ge=1, le=200)
    minutes_observed: int | None = Field(None, ge=1, le=600)
    observed_on: date | None = None
    ratings: list[RatingIn] = Field(default_factory=list, max_length=50)


class RatingOut(BaseModel):
    dimension_id: int
    step_id: int | None
    not_observed: bool
    criteria: list[int]
    note: str


class ObservationOut(BaseModel):
    uuid: str
    revision: int
    status: str
    round_id: int
    assignment_id: int | None
    teacher_id: int
    framework_version_id: int
    subject: str
    grade: str
    group_size: int | None
    minutes_observed: int | None
    observed_on: str | None
    ratings: list[RatingOut]


class ConflictOut(Schema):
    detail: str
    reason: str
    server: ObservationOut
    yours: dict


class AssignmentOut(Schema):
    id: int
    round_id: int
    round_name: str
    framework_version_id: int
    teacher_id: int
    teacher_name: str
    school: str
    planned_at: datetime | None
    subject: str
    group_name: str
    grade: str
    observation_uuid: str | None
    observation_status: str | None


def _conflict_response(error: services.ObservationConflict, payload: dict):
    detail = (
        "The observation is submitted and locked."
        if error.reason == "locked"
        else "Another device saved this observation since your copy was made."
    )
    return Status(
        409,
        {
            "detail": detail,
            "reason": error.reason,
            "server": services.observation_state(error.observation),
            "yours": payload,
        },
    )


@router.get("/assignments", response=list[AssignmentOut], summary="My visits in open rounds")
def my_assignments(request: HttpRequest):
    rows = []
    for a in selectors.assignments_for_observer(user=request.auth):
        observation = next(iter(a.observations.all()), None)
        rows.append(
            {
                "id": a.pk,
                "round_id": a.round_id,
                "round_name": a.round.name,
                "framework_version_id": a.round.framework_version_id,
                "teacher_id": a.teacher_id,
                "teacher_name": str(a.teacher),
                "school": a.school.name,
                "planned_at": a.planned_at,
                "subject": a.subject,
                "group_name": a.group_name,
                "grade": a.grade,
                "observation_uuid": str(observation.uuid) if observation else None,
                "observation_status": observation.status if observation else None,
            }
        )
    return rows


def _own_observation(request: HttpRequest, uuid: UUID) -> Observation | None:
    return Observation.objects.filter(uuid=uuid, observer=request.auth).first()


@router.get(
    "/observations/{uuid}",
    response={200: ObservationOut, 404: ErrorOut},
    summary="One of my observations",
)
def get_observation(request: HttpRequest, uuid: UUID):
    observation = _own_observation(request, uuid)
    if observation is None:
        return Status(404, {"detail": "Not found"})
    return Status(200, services.observation_state(observation))


@router.put(
    "/observations/{uuid}",
    response={
        200: ObservationOut,
        201: ObservationOut,
        404: ErrorOut,
        409: ConflictOut,
        422: FieldErrorsOut,
    },
    summary="Create or update a draft observation (idempotent)",
)
def put_observation(request: HttpRequest, uuid: UUID, payload: ObservationIn):
    data = payload.model_dump()
    try:
        result = services.observation_save(
            actor=request.auth, uuid=uuid, data=data, base_revision=payload.base_revision
        )
    except services.NotYours:  # someone else's observation: as if it did not exist
        return Status(404, {"detail": "Not found"})
    except services.ObservationConflict as error:
        return _conflict_response(error, payload.model_dump(mode="json"))
    except services.PayloadError as error:
        return Status(422, {"detail": "Invalid observation", "errors": error.errors})
    return Status(201 if result.created else 200, result.state())


@router.post(
    "/observations/{uuid}/submit",
    response={200: ObservationOut, 404: ErrorOut, 422: FieldErrorsOut},
    summary="Submit (lock) a draft observation; submitting twice is not an error",
)
def submit_observation(request: HttpRequest, uuid: UUID):
    try:
        state = services.observation_submit_own(actor=request.auth, uuid=uuid)
    except services.PayloadError as error:
        return Status(422, {"detail": "The observation is not complete", "errors": error.errors})
    if state is None:
        return Status(404, {"detail": "Not found"})
    return Status(200, state)


@router.get(
    "/rounds/{round_id}/framework",
    response={200: dict, 404: ErrorOut},
    summary="The framework version of a round I observe in, with ids, for capture",
)
def round_framework(request: HttpRequest, round_id: int = Path(..., ge=1, le=2**63 - 1)):
    try:
        framework = selectors.round_capture_framework(user=request.auth, round_pk=round_id)
    except Http404:
        return Status(404, {"detail": "Not found"})
    return Status(200, framework)

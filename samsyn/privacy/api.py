"""JSON API routes of samsyn.privacy (added to /api/v1/ by samsyn/api.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from samsyn.privacy import personal

router = Router(tags=["privacy"])


class PersonOut(Schema):
    id: int
    name: str
    email: str


class FieldOut(Schema):
    name: str
    label: str


class DatasetOut(Schema):
    model: str
    app: str
    verbose_name: str
    fields: list[FieldOut]
    redacted: dict[str, str]
    rows: list[dict[str, Any]]


class SectionOut(Schema):
    key: str
    label: str
    content: Any


class PersonalExportOut(Schema):
    format: str
    generated_at: str
    person: PersonOut
    datasets: list[DatasetOut]
    sections: list[SectionOut]


@router.get(
    "/me/data",
    response={200: PersonalExportOut},
    summary="Everything Samsyn holds about me (the personal data export)",
)
def my_data_export(request: HttpRequest):
    """Every row linked to the signed-in person, grouped by model with field names; the same
    content as the JSON download on the "Your data" page."""
    return personal.personal_export(request.user)

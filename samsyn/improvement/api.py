"""JSON API routes of samsyn.improvement (added to /api/v1/ by samsyn/api.py)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from samsyn.improvement import selectors

router = Router(tags=["improvement"])


class LibraryEntryOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    language: str
    school_form: str
    area: str
    dimension_code: str
    organisation: str
    evidence: list[dict]
    published_at: datetime


class LibraryQuery(Schema):
    q: str = ""
    school_form: str = ""
    area: str = ""
    dimension: str = ""


@router.get(
    "/library",
    response={200: list[LibraryEntryOut]},
    summary="Search the library of proven experience (full text, Swedish and English stemming)",
    url_name="improvement_library",
)
def library(request: HttpRequest, filters: Query[LibraryQuery]):
    entries = selectors.library_search(
        user=request.user,
        query=filters.q[:200],
        school_form=filters.school_form,
        area=filters.area,
        dimension=filters.dimension,
    )[:100]
    return [
        {
            "id": e.pk,
            "kind": e.kind,
            "title": e.title,
            "summary": e.summary,
            "language": e.language,
            "school_form": e.school_form,
            "area": e.area,
            "dimension_code": e.dimension_code,
            "organisation": e.organisation_name,
            "evidence": e.evidence,
            "published_at": e.published_at,
        }
        for e in entries
    ]

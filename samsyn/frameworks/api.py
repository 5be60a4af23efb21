"""API: frameworks the user may read, and any readable version in the file format."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from samsyn.frameworks import format as fmt
from samsyn.frameworks import selectors

router = Router(tags=["frameworks"])


class ErrorOut(Schema):
    detail: str


class FrameworkOut(Schema):
    slug: str
    organisation_id: int | None
    name: str
    published_version: int | None
    draft_version: int | None


@router.get("/frameworks", response=list[FrameworkOut], summary="Frameworks the user may read")
def frameworks(request: HttpRequest):
    return [
        {
            "slug": row["framework"].slug,
            "organisation_id": row["framework"].organisation_id,
            "name": (row["published"] or row["draft"]).name,
            "published_version": row["published"].number if row["published"] else None,
            "draft_version": row["draft"].number if row["draft"] else None,
        }
        for row in selectors.frameworks_for_user(user=request.auth)
    ]


@router.get(
    "/frameworks/{slug}/versions/{number}",
    response={200: dict, 404: ErrorOut},
    summary="One version in the framework file format (docs/framework.schema.json)",
)
def framework_version(request: HttpRequest, slug: str, number: int):
    framework = selectors.get_framework_for_user(user=request.user, slug=slug)
    version = selectors.version_for_user(user=request.user, framework=framework, number=number)
    return fmt.export_version(version)

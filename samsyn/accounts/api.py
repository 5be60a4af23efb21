"""API for the acting user and their organisations."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Router, Schema

from samsyn.accounts import selectors
from samsyn.accounts.access import Perm, get_organisation_for_user

router = Router(tags=["accounts"])


class ErrorOut(Schema):
    detail: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str
    is_platform_admin: bool


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    unit_code: str
    municipality_code: str


class MyOrganisationOut(OrganisationOut):
    roles: list[str]


@router.get("/me", response=MeOut, summary="The logged-in user")
def me(request: HttpRequest):
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "is_platform_admin": user.is_platform_admin,
    }


@router.get(
    "/organisations",
    response=list[MyOrganisationOut],
    summary="Organisations where the user holds a role",
)
def my_organisations(request: HttpRequest):
    return [
        {**OrganisationOut.from_orm(entry.organisation).dict(), "roles": entry.roles}
        for entry in selectors.organisations_for_user(user=request.auth)
    ]


@router.get(
    "/organisations/{org_id}",
    response={200: OrganisationOut, 403: ErrorOut, 404: ErrorOut},
    summary="One organisation the user may see",
)
def organisation(request: HttpRequest, org_id: int = Path(..., ge=1, le=2**63 - 1)):
    return get_organisation_for_user(user=request.user, pk=org_id, perm=Perm.VIEW)

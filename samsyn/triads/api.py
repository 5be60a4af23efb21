"""JSON API routes of samsyn.triads (added to /api/v1/ by samsyn/api.py).

`GET /api/v1/triads/mine`: the caller's current triads with their members. Peer observations
are read through the observations API like any other observation of one's own.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from samsyn.triads import selectors

router = Router(tags=["triads"])


class MemberOut(Schema):
    id: int
    name: str


class TriadOut(Schema):
    id: int
    school: str
    set_name: str
    number: int
    members: list[MemberOut]


@router.get("/triads/mine", response=list[TriadOut], summary="My current triads and their members")
def my_triads(request: HttpRequest):
    return [
        {
            "id": t.pk,
            "school": t.triad_set.school.name,
            "set_name": t.triad_set.name,
            "number": t.number,
            "members": [{"id": u.pk, "name": u.full_name} for u in t.teachers],
        }
        for t in selectors.current_triads_for(user=request.auth)
    ]

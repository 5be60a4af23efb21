"""Observer severity and certification pages: access helper → computation → render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from samsyn.accounts.models import AuditEvent, User
from samsyn.accounts.services import audit_record
from samsyn.observations.models import Observation, Round
from samsyn.observations.selectors import get_round_for_user


@login_required
def severity_round(request: HttpRequest, pk: int) -> HttpResponse:
    """The round leader's view: every observer's severity (404 outsiders, 403 without
    Perm.MANAGE_ROUNDS). Reading someone else's severity is recorded in the audit log."""
    from samsyn.reliability import severity

    round_ = get_round_for_user(request, pk)
    result = severity.compute(round_)
    people = User.objects.in_bulk([s.observer_id for s in result.observers])
    rows = [{"s": s, "observer": people.get(s.observer_id)} for s in result.observers]
    for row in rows:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.READ,
            object_type="reliability.severity",
            subject=row["observer"],
            object_id=round_.pk,
            organisation=round_.organisation,
            detail=f"round={round_.pk}",
            request=request,
        )
    ctx = {"round": round_, "result": result, "rows": rows, "leader": True}
    return render(request, "reliability/severity.html", ctx)


@login_required
def severity_mine(request: HttpRequest, pk: int) -> HttpResponse:
    """An observer's own severity in a round they observed in; 404 for anyone else (the
    page exists only for the round's observers, and shows only the reader's own row)."""
    from samsyn.reliability import severity

    round_ = get_object_or_404(Round, pk=pk, is_peer=False)
    observed = round_.observations.filter(
        observer=request.user, status__in=Observation.COUNTED
    ).exists()
    if not observed:
        raise Http404
    result = severity.compute(round_)
    own = [s for s in result.observers if s.observer_id == request.user.pk]
    rows = [{"s": s, "observer": request.user} for s in own]
    ctx = {"round": round_, "result": result, "rows": rows, "leader": False}
    return render(request, "reliability/severity.html", ctx)

"""Observer severity and certification pages: access helper → computation → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.models import AuditEvent, User
from samsyn.accounts.services import audit_record
from samsyn.observations.models import Observation, Round
from samsyn.observations.selectors import get_observed_round_for_user, get_round_for_user


@login_required
def severity_round(request: HttpRequest, pk: int) -> HttpResponse:
    """The round leader's view: every observer's severity (404 outsiders, 403 without
    Perm.MANAGE_ROUNDS). Reading someone else's severity is recorded in the audit log."""
    from samsyn.reliability import severity

    round_ = get_round_for_user(user=request.user, pk=pk)
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
    from samsyn.reliability.certification import status

    for row in rows:
        row["certification"] = status(row["observer"]).state if row["observer"] else "none"
    ctx = {"round": round_, "result": result, "rows": rows, "leader": True}
    return render(request, "reliability/severity.html", ctx)


@login_required
def severity_mine(request: HttpRequest, pk: int) -> HttpResponse:
    """An observer's own severity in a round they observed in; 404 for anyone else (the
    page exists only for the round's observers, and shows only the reader's own row)."""
    from samsyn.reliability import severity

    round_ = get_observed_round_for_user(user=request.user, pk=pk)
    result = severity.compute(round_)
    own = [s for s in result.observers if s.observer_id == request.user.pk]
    rows = [{"s": s, "observer": request.user} for s in own]
    ctx = {"round": round_, "result": result, "rows": rows, "leader": False}
    return render(request, "reliability/severity.html", ctx)


@login_required
def certification_page(request: HttpRequest) -> HttpResponse:
    """The reader's own certification: the bank, their agreement, where they differ."""
    from samsyn.reliability import certification

    within, exact = certification.thresholds()
    exercises = certification.bank_exercises(request.user)
    answered = set(
        request.user.calibration_responses.filter(exercise__in=exercises).values_list(
            "exercise_id", flat=True
        )
    )
    ctx = {
        "exercises": [{"e": e, "answered": e.pk in answered} for e in exercises],
        "score": certification.score(request.user),
        "status": certification.status(request.user),
        "within_target": within,
        "exact_target": exact,
        "min_pairs": certification.DRIFT_MIN_PAIRS,
        "observed_rounds": Round.objects.filter(
            is_peer=False,
            observations__observer=request.user,
            observations__status__in=Observation.COUNTED,
        )
        .distinct()
        .order_by("-starts_on"),
    }
    return render(request, "reliability/certification.html", ctx)


@login_required
@require_POST
def certification_certify(request: HttpRequest) -> HttpResponse:
    from samsyn.reliability import certification

    try:
        result = certification.certify(observer=request.user)
    except certification.CertificationError:
        messages.error(request, _("Answer every vignette of the bank before certifying."))
    else:
        if result.passed:
            messages.success(request, _("You are certified."))
        else:
            messages.warning(request, _("Not certified this time: see where you differ below."))
    return redirect("reliability:certification")

"""Dashboard pages and their exports: access (inside the selector) → selection → render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from samsyn.accounts.models import AuditEvent, Organisation
from samsyn.accounts.services import audit_record
from samsyn.dashboards import exports
from samsyn.dashboards.charts import charts_for
from samsyn.dashboards.forms import SelectionForm
from samsyn.dashboards.selectors import Dashboard, area_dashboard, school_dashboard

FORMATS = ("pdf", "xlsx", "csv")


def _selection(request: HttpRequest) -> dict:
    def number(name: str):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    compare = request.GET.get("compare")
    return {
        "round": number("round"),
        # An explicit empty "compare" means "no comparison"; absent means the default.
        "compare_round": number("compare"),
        "explicit_compare": compare is not None,
        "filters": {
            "subject": request.GET.get("subject", ""),
            "grade_span": request.GET.get("grade_span", ""),
        },
    }


def _load(request: HttpRequest, pk: int, scope: str) -> Dashboard:
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise Http404
    sel = _selection(request)
    compare = sel["compare_round"]
    if sel["explicit_compare"] and compare is None:
        compare = 0  # no comparison
    kwargs = dict(round=sel["round"], compare_round=compare, filters=sel["filters"])
    if scope == "school":
        return school_dashboard(user=request.user, school=org, **kwargs)
    return area_dashboard(user=request.user, organisation=org, **kwargs)


def _form(request: HttpRequest, dashboard: Dashboard) -> SelectionForm:
    initial = {
        "round": dashboard.round.pk if dashboard.round else None,
        "compare": dashboard.compare_round.pk if dashboard.compare_round else "",
        "subject": dashboard.filters.get("subject", ""),
        "grade_span": dashboard.filters.get("grade_span", ""),
    }
    return SelectionForm(
        initial=initial,
        rounds=dashboard.rounds,
        subjects=dashboard.subjects,
        spans=dashboard.grade_spans,
    )


def _audit_teachers(request: HttpRequest, dashboard: Dashboard, action: str, how: str) -> None:
    """The per-teacher table is individual data: one audit row per teacher shown (`action`
    read or export, `how` the page or the export format)."""
    if not dashboard.teacher_rows:
        return
    from samsyn.accounts.models import User

    people = User.objects.in_bulk([r.teacher_id for r in dashboard.teacher_rows])
    for row in dashboard.teacher_rows:
        audit_record(
            actor=request.user,
            action=action,
            object_type="dashboard.teacher_row",
            subject=people.get(row.teacher_id),
            object_id=dashboard.round.pk if dashboard.round else "",
            organisation=dashboard.organisation,
            detail=f"{how} round={dashboard.round.pk if dashboard.round else ''}",
            request=request,
        )


def _comparison_gate(dashboard: Dashboard):
    """Teachers are compared only when each one's profile is reliable enough (issue 23)."""
    from samsyn.observations.models import Round
    from samsyn.reliability.profiles import comparison_gate

    rows, info = dashboard.teacher_rows, dashboard.round
    return comparison_gate(Round.objects.filter(pk=info.pk).first() if rows and info else None)


def _page(request: HttpRequest, pk: int, scope: str) -> HttpResponse:
    dashboard = _load(request, pk, scope)
    gate = _comparison_gate(dashboard)
    show_teachers = (
        bool(dashboard.teacher_rows) and request.GET.get("teachers") == "1" and gate.allowed
    )
    if show_teachers:
        _audit_teachers(request, dashboard, AuditEvent.Action.READ, "page")
    query = request.GET.copy()
    query.pop("teachers", None)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "dashboard": dashboard,
            "org": dashboard.organisation,
            "charts": charts_for(dashboard),
            "form": _form(request, dashboard),
            "show_teachers": show_teachers,
            "comparison_gate": gate,
            "query": query.urlencode(),
            "export_url": f"dashboards:{'school' if scope == 'school' else 'area'}_export",
        },
    )


def _export(request: HttpRequest, pk: int, fmt: str, scope: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    dashboard = _load(request, pk, scope)
    teachers = (
        bool(dashboard.teacher_rows)
        and request.GET.get("teachers") == "1"
        and _comparison_gate(dashboard).allowed
    )
    charts = charts_for(dashboard)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="dashboard",
        object_id=dashboard.organisation.pk,
        organisation=dashboard.organisation,
        detail=(
            f"format={fmt} scope={dashboard.scope} round={dashboard.round.pk if dashboard.round else ''} "
            f"compare={dashboard.compare_round.pk if dashboard.compare_round else ''} "
            f"filters={dashboard.filters} teachers={int(teachers)}"
        ),
        request=request,
    )
    if teachers:
        _audit_teachers(request, dashboard, AuditEvent.Action.EXPORT, f"format={fmt}")
    if fmt == "csv":
        return exports.csv_response(dashboard, charts, teachers)
    if fmt == "xlsx":
        return exports.xlsx_response(dashboard, charts, teachers)
    return exports.pdf_response(request, dashboard, charts, teachers)


@login_required
def school(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "school")


@login_required
def area(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk, "area")


@login_required
def school_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _export(request, pk, fmt, "school")


@login_required
def area_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _export(request, pk, fmt, "area")

"""Workshop pages: access helper → form → service → render.

The presentation page saves notes, actions and follow-up statuses with htmx (the slide stays
on screen, full-screen mode is kept); without JavaScript the same forms post and come back.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm
from samsyn.accounts.models import Organisation
from samsyn.observations.models import Round
from samsyn.workshops import charts, selectors, services
from samsyn.workshops.forms import (
    ActionForm,
    ChartAddForm,
    NotesForm,
    QuestionForm,
    StatusForm,
    WorkshopForm,
)
from samsyn.workshops.models import Action, Workshop, WorkshopItem


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _detail_url(workshop: Workshop) -> str:
    return reverse("workshops:workshop_detail", args=[workshop.school_id, workshop.pk])


def _managed_workshop(
    request: HttpRequest, pk: int, workshop_pk: int
) -> tuple[Organisation, Workshop]:
    """The school and its workshop, for someone who manages the school's workshops."""
    school = selectors.get_school_for_user(user=request.user, pk=pk, perm=Perm.WORKSHOPS_MANAGE)
    workshop = selectors.get_workshop_for_user(
        user=request.user, pk=workshop_pk, school_pk=school.pk, perm=Perm.WORKSHOPS_MANAGE
    )
    return school, workshop


def _initial_rounds(user, school) -> dict:
    """Default rounds: the latest round, compared with the latest baseline before it."""
    rounds = list(selectors.school_rounds(user=user, school=school))
    if not rounds:
        return {}
    latest = next((r for r in rounds if r.status == Round.Status.CLOSED), rounds[0])
    baseline = next(
        (
            r
            for r in rounds
            if r.kind == Round.Kind.BASELINE
            and r.starts_on < latest.starts_on
            and r.framework_version.framework_id == latest.framework_version.framework_id
        ),
        None,
    )
    return {"round": latest.pk, "compare_round": baseline.pk if baseline else None}


@login_required
def workshop_list(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.get_school_for_user(user=request.user, pk=pk)
    workshops = list(selectors.workshops_of(user=request.user, school=school))
    ctx = {
        "school": school,
        "upcoming": [w for w in workshops if w.is_upcoming][::-1],
        "past": [w for w in workshops if not w.is_upcoming],
        "open_actions": list(
            selectors.actions_of(user=request.user, school=school, open_only=True)
        ),
        "can": selectors.workshop_perms(request.user, school),
        "has_rounds": selectors.school_rounds(user=request.user, school=school).exists(),
    }
    return render(request, "workshops/workshop_list.html", ctx)


@login_required
def workshop_create(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.get_school_for_user(user=request.user, pk=pk, perm=Perm.WORKSHOPS_MANAGE)
    now = timezone.localtime()
    initial = {
        "title": _("Our teaching: what the observations show"),
        "date": (now + dt.timedelta(days=14)).date(),
        "time": dt.time(13, 0),
        "charts": charts.chart_keys(),
        **_initial_rounds(request.user, school),
    }
    # Started from the dashboard: its round and comparison (`?round=…&compare=…`).
    offered = None
    for field, param in (("round", "round"), ("compare_round", "compare")):
        value = request.GET.get(param)
        if value == "" and field == "compare_round":
            initial[field] = None  # the dashboard compared with nothing
        elif value and value.isdecimal() and value.isascii():
            if offered is None:
                offered = {r.pk for r in selectors.school_rounds(user=request.user, school=school)}
            if int(value) in offered:
                initial[field] = int(value)
    form = WorkshopForm(request.POST or None, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workshop = services.workshop_create(
                actor=request.user,
                school=school,
                title=data["title"],
                round=data["round"],
                compare_round=data["compare_round"],
                team=data["team"],
                starts_at=form.starts_at(),
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                chart_keys=data["charts"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The workshop is prepared. Check the slides and the questions.")
            )
            return redirect(_detail_url(workshop))
    ctx = {
        "school": school,
        "form": form,
        "has_rounds": selectors.school_rounds(user=request.user, school=school).exists(),
    }
    return render(request, "workshops/workshop_form.html", ctx)


@login_required
def workshop_edit(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    school, workshop = _managed_workshop(request, pk, workshop_pk)
    form = WorkshopForm(request.POST or None, school=school, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.workshop_update(
                workshop=workshop,
                title=data["title"],
                round=data["round"],
                compare_round=data["compare_round"],
                team=data["team"],
                starts_at=form.starts_at(),
                duration_minutes=data["duration_minutes"],
                place=data["place"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The workshop is saved."))
            return redirect(_detail_url(workshop))
    ctx = {"school": school, "workshop": workshop, "form": form, "has_rounds": True}
    return render(request, "workshops/workshop_form.html", ctx)


@login_required
@require_POST
def workshop_delete(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    school, workshop = _managed_workshop(request, pk, workshop_pk)
    services.workshop_delete(workshop=workshop)
    messages.success(request, _("The workshop is deleted."))
    return redirect("workshops:workshop_list", school.pk)


def _items_with_titles(workshop: Workshop) -> list[WorkshopItem]:
    items = list(workshop.items.all())
    catalogue = charts.catalogue()
    for item in items:
        if item.kind == WorkshopItem.Kind.CHART:
            chart = catalogue.get(item.chart_key)
            item.title = str(chart.title) if chart else ""
    return items


@login_required
def workshop_detail(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    school = selectors.get_school_for_user(user=request.user, pk=pk)
    workshop = selectors.get_workshop_for_user(
        user=request.user, pk=workshop_pk, school_pk=school.pk
    )
    can = selectors.workshop_perms(request.user, school)
    can_manage = Perm.WORKSHOPS_MANAGE in can
    ctx = {
        "school": school,
        "workshop": workshop,
        "items": _items_with_titles(workshop),
        "team": list(workshop.team.order_by("full_name")),
        "min_group": settings.SAMSYN_MIN_GROUP,
        "actions": list(workshop.actions.select_related("owner")),
        "followup": selectors.followup_actions(user=request.user, workshop=workshop),
        "can": can,
        "chart_form": ChartAddForm() if can_manage else None,
        "question_form": QuestionForm() if can_manage else None,
    }
    return render(request, "workshops/workshop_detail.html", ctx)


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    _school, workshop = _managed_workshop(request, pk, workshop_pk)
    try:
        if request.POST.get("kind") == WorkshopItem.Kind.CHART:
            form = ChartAddForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["chart_key"])
            services.item_add_chart(workshop=workshop, chart_key=form.cleaned_data["chart_key"])
        else:
            services.item_add_question(workshop=workshop, text=request.POST.get("text", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_detail_url(workshop) + "#slides-heading")


@login_required
@require_POST
def item_edit(request: HttpRequest, pk: int, workshop_pk: int, item_pk: int) -> HttpResponse:
    _school, workshop = _managed_workshop(request, pk, workshop_pk)
    item = selectors.get_item_for_user(user=request.user, pk=item_pk, workshop=workshop)
    try:
        services.item_update_question(item=item, text=request.POST.get("text", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_detail_url(workshop) + f"#item-{item.pk}")


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int, workshop_pk: int, item_pk: int) -> HttpResponse:
    _school, workshop = _managed_workshop(request, pk, workshop_pk)
    item = selectors.get_item_for_user(user=request.user, pk=item_pk, workshop=workshop)
    services.item_move(item=item, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(_detail_url(workshop) + f"#item-{item.pk}")


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, workshop_pk: int, item_pk: int) -> HttpResponse:
    _school, workshop = _managed_workshop(request, pk, workshop_pk)
    services.item_remove(
        item=selectors.get_item_for_user(user=request.user, pk=item_pk, workshop=workshop)
    )
    return redirect(_detail_url(workshop) + "#slides-heading")


@login_required
def present(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    school, workshop = _managed_workshop(request, pk, workshop_pk)
    items = _items_with_titles(workshop)
    built = charts.build_charts(
        user=request.user,
        workshop=workshop,
        keys=[i.chart_key for i in items if i.kind == WorkshopItem.Kind.CHART],
    )
    for item in items:
        if item.kind == WorkshopItem.Kind.CHART:
            item.slide = built[item.chart_key]
        else:
            item.notes_form = NotesForm(initial={"notes": item.notes}, prefix=f"item{item.pk}")
    followup = selectors.followup_actions(user=request.user, workshop=workshop)
    ctx = {
        "school": school,
        "workshop": workshop,
        "items": items,
        "followup": followup,
        "can": selectors.workshop_perms(request.user, school),
        # The title slide, the follow-up (if any), the items and the actions slide.
        "slide_count": len(items) + 2 + (1 if followup else 0),
        "actions": list(workshop.actions.select_related("owner")),
        "action_form": ActionForm(school=school),
        "status_choices": Action.Status.choices,
    }
    return render(request, "workshops/present.html", ctx)


@login_required
@require_POST
def notes_save(request: HttpRequest, pk: int, workshop_pk: int, item_pk: int) -> HttpResponse:
    school, workshop = _managed_workshop(request, pk, workshop_pk)
    item = selectors.get_item_for_user(user=request.user, pk=item_pk, workshop=workshop)
    if item.kind != WorkshopItem.Kind.QUESTION:
        raise PermissionDenied
    form = NotesForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        services.item_notes_save(item=item, notes=form.cleaned_data["notes"])
    if _htmx(request):
        item.notes_form = form
        return render(
            request,
            "workshops/_notes_form.html",
            {"school": school, "workshop": workshop, "item": item, "saved": form.is_valid()},
        )
    messages.success(request, _("The notes are saved."))
    return _back(request, _detail_url(workshop))


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    school, workshop = _managed_workshop(request, pk, workshop_pk)
    form = ActionForm(request.POST, school=school)
    created = None
    if form.is_valid():
        try:
            created = services.action_create(
                workshop=workshop,
                what=form.cleaned_data["what"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if _htmx(request):
        ctx = {
            "school": school,
            "workshop": workshop,
            "actions": list(workshop.actions.select_related("owner")),
            "action_form": ActionForm(school=school) if created else form,
            "created": created,
        }
        return render(request, "workshops/_actions_slide.html", ctx)
    if created:
        messages.success(request, _("The action is recorded."))
    else:
        for message in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, message)
    return _back(request, _detail_url(workshop))


@login_required
def action_list(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.get_school_for_user(user=request.user, pk=pk)
    actions = list(selectors.actions_of(user=request.user, school=school))
    ctx = {
        "school": school,
        "open_actions": [a for a in actions if a.is_open],
        "closed_actions": [a for a in actions if not a.is_open],
        "can": selectors.workshop_perms(request.user, school),
        "status_choices": Action.Status.choices,
    }
    return render(request, "workshops/action_list.html", ctx)


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Principals update any action of the school, an owner their own."""
    school = selectors.get_school_for_user(user=request.user, pk=pk)
    action = selectors.get_action_for_user(user=request.user, pk=action_pk, school_pk=school.pk)
    can_manage = Perm.WORKSHOPS_MANAGE in selectors.workshop_perms(request.user, school)
    if not can_manage and action.owner_id != request.user.pk:
        raise PermissionDenied
    form = StatusForm(request.POST)
    reviewed_in = None
    if can_manage and request.POST.get("workshop"):
        reviewed_in = Workshop.objects.filter(
            pk=request.POST.get("workshop"), school=school
        ).first()
    if form.is_valid():
        services.action_set_status(
            action=action, status=form.cleaned_data["status"], reviewed_in=reviewed_in
        )
    if _htmx(request):
        return render(
            request,
            "workshops/_action_row.html",
            {
                "school": school,
                "action": action,
                "can": selectors.workshop_perms(request.user, school),
                "status_choices": Action.Status.choices,
                "workshop": reviewed_in,
                "saved": form.is_valid(),
            },
        )
    if form.is_valid():
        messages.success(request, _("The status is saved."))
    else:
        messages.error(request, _("Choose a status."))
    return _back(request, reverse("workshops:action_list", args=[school.pk]))

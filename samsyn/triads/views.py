"""Triads: the principal's proposal, editing and saved sets; a teacher's own triad and its
peer visits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm, get_organisation_for_user
from samsyn.lib.forms import errors_to_form as _form_errors
from samsyn.triads import selectors, services
from samsyn.triads.forms import DetailsForm, MoveForm, PeerVisitForm, ProposeForm, SaveForm


@login_required
def index(request: HttpRequest) -> HttpResponse:
    schools = selectors.schools_for_manager(request.user)
    triads = selectors.current_triads_for(user=request.user)
    if len(schools) == 1 and not triads:
        return redirect("triads:school", school_pk=schools[0].pk)
    return render(request, "triads/index.html", {"schools": schools, "triads": triads})


@login_required
def school(request: HttpRequest, school_pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(
        user=request.user, pk=school_pk, perm=Perm.TRIADS_MANAGE
    )
    sets = list(selectors.sets_for_school(user=request.user, school=organisation))
    current = next((s for s in sets if s.status == "saved"), None)
    ctx = {
        "school": organisation,
        "draft": next((s for s in sets if s.status == "draft"), None),
        "current": current,
        "current_view": selectors.set_view(user=request.user, triad_set=current)
        if current
        else None,
        "history": [s for s in sets if s.status == "saved" and s != current],
        "round": selectors.latest_round(user=request.user, school=organisation),
        "n_teachers": selectors.school_teachers(user=request.user, school=organisation).count(),
        "form": ProposeForm(),
    }
    return render(request, "triads/school.html", ctx)


@require_POST
@login_required
def propose(request: HttpRequest, school_pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(
        user=request.user, pk=school_pk, perm=Perm.TRIADS_MANAGE
    )
    form = ProposeForm(request.POST)
    form.is_valid()  # two optional tick boxes: always valid
    triad_set = services.triad_set_propose(
        actor=request.user, school=organisation, **form.cleaned_data
    )
    messages.success(request, _("Here is a proposal. Move teachers if you wish, then save it."))
    return redirect("triads:set", pk=triad_set.pk)


@login_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    triad_set = selectors.get_triad_set_for_user(user=request.user, pk=pk)
    view = selectors.set_view(user=request.user, triad_set=triad_set)
    editable = triad_set.status == "draft"
    teachers = [m["user"] for row in view.triads for m in row["members"]] + view.unplaced
    ctx = {
        "view": view,
        "triad_set": triad_set,
        "school": triad_set.school,
        "editable": editable,
        "move_form": MoveForm(
            teachers=sorted(teachers, key=lambda u: u.full_name),
            triads=[row["triad"] for row in view.triads],
        )
        if editable
        else None,
        "save_form": SaveForm() if editable else None,
    }
    return render(request, "triads/set.html", ctx)


@require_POST
@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    triad_set = selectors.get_triad_set_for_user(user=request.user, pk=pk)
    view = selectors.set_view(user=request.user, triad_set=triad_set)
    teachers = [m["user"] for row in view.triads for m in row["members"]] + view.unplaced
    form = MoveForm(request.POST, teachers=teachers, triads=[r["triad"] for r in view.triads])
    if not form.is_valid():
        messages.error(request, _("Choose a teacher and the triad to move them to."))
        return redirect("triads:set", pk=pk)
    try:
        triad = services.triad_member_move(
            triad_set=triad_set, teacher=form.cleaned_data["teacher"], to=form.cleaned_data["to"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("triads:set", pk=pk)
    after = selectors.set_view(user=request.user, triad_set=triad_set)
    message = _("%(teacher)s is now in triad %(number)d.") % {
        "teacher": form.cleaned_data["teacher"],
        "number": triad.number,
    }
    if after.hard:
        messages.warning(request, message + " " + _("The rules are now broken: see below."))
    else:
        messages.success(request, message)
    return redirect("triads:set", pk=pk)


@require_POST
@login_required
def save(request: HttpRequest, pk: int) -> HttpResponse:
    triad_set = selectors.get_triad_set_for_user(user=request.user, pk=pk)
    form = SaveForm(request.POST)
    if form.is_valid():
        try:
            services.triad_set_save(triad_set=triad_set, name=form.cleaned_data["name"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The triads are saved. Each teacher now sees their triad and can plan peer visits."
                ),
            )
            return redirect("triads:set", pk=pk)
    view = selectors.set_view(user=request.user, triad_set=triad_set)
    teachers = [m["user"] for row in view.triads for m in row["members"]] + view.unplaced
    ctx = {
        "view": view,
        "triad_set": triad_set,
        "school": triad_set.school,
        "editable": triad_set.status == "draft",
        "move_form": MoveForm(teachers=teachers, triads=[r["triad"] for r in view.triads]),
        "save_form": form,
    }
    return render(request, "triads/set.html", ctx, status=400)


@login_required
def details(request: HttpRequest, school_pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(
        user=request.user, pk=school_pk, perm=Perm.TRIADS_MANAGE
    )
    teachers = list(selectors.school_teachers(user=request.user, school=organisation))
    stored = selectors.teacher_details(user=request.user, school=organisation)
    forms_by_teacher = []
    for teacher in teachers:
        d = stored.get(teacher.pk)
        initial = {
            "subject_area": d.subject_area if d else "",
            "grade_span": d.grade_span if d else "",
            "line_manager": str(d.line_manager_id) if d and d.line_manager_id else "",
        }
        others = [t for t in teachers if t.pk != teacher.pk]
        form = DetailsForm(
            request.POST if request.method == "POST" else None,
            people=others,
            initial=initial,
            prefix=f"t{teacher.pk}",
        )
        forms_by_teacher.append((teacher, form))
    if request.method == "POST":
        if all(form.is_valid() for _t, form in forms_by_teacher):
            try:
                with services.transaction.atomic():
                    for teacher, form in forms_by_teacher:
                        services.teacher_details_update(
                            school=organisation, teacher=teacher, **form.cleaned_data
                        )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Saved. New proposals follow these details."))
                return redirect("triads:school", school_pk=organisation.pk)
        else:
            messages.error(request, _("Some rows have errors: see the fields marked below."))
    ctx = {"school": organisation, "rows": forms_by_teacher}
    return render(request, "triads/details.html", ctx)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    triads = selectors.current_triads_for(user=request.user)
    rows = [
        {"triad": t, "visits": selectors.peer_visits(user=request.user, triad=t)} for t in triads
    ]
    return render(request, "triads/mine.html", {"rows": rows})


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    triad = selectors.get_triad_for_user(user=request.user, pk=pk)
    members = triad.teachers
    form = PeerVisitForm(
        request.POST or None,
        members=members,
        initial={"observer": str(request.user.pk)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.peer_visit_plan(actor=request.user, triad=triad, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The visit is planned. The observer captures it from their observations of the day."
                ),
            )
            return redirect("triads:mine")
    return render(request, "triads/plan.html", {"triad": triad, "form": form})

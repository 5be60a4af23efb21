"""Rounds, coverage, the observer's day, the capture page, and reading an observation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from samsyn.accounts.access import (
    Perm,
    get_organisation_for_user,
    permissions_at,
    perms_anywhere,
)
from samsyn.accounts.models import AuditEvent
from samsyn.accounts.services import audit_record
from samsyn.lib.staticfiles import service_worker_script
from samsyn.observations import selectors, services
from samsyn.observations.forms import (
    NOT_OBSERVED,
    AcknowledgeForm,
    AssignmentForm,
    ExerciseForm,
    ProposalForm,
    RatingSheetForm,
    ReopenForm,
    RoundForm,
)
from samsyn.observations.models import Conflict, Observation


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    rounds = selectors.rounds_for_user(user=request.user)
    ctx = {
        **rounds,
        "perms_anywhere": perms_anywhere(request.user),
        "today_count": selectors.assignments_for_observer(
            user=request.user, day=timezone.localdate()
        ).count(),
    }
    return render(request, "observations/overview.html", ctx)


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    organisations = selectors.round_organisations_for(request.user)
    if not organisations:
        raise PermissionDenied
    org_id = request.GET.get("organisation") or request.POST.get("organisation")
    if org_id is None and len(organisations) > 1:
        return render(
            request, "observations/round_choose_org.html", {"organisations": organisations}
        )
    organisation = (
        get_organisation_for_user(user=request.user, pk=int(org_id), perm=Perm.MANAGE_ROUNDS)
        if org_id and org_id.isdigit()
        else organisations[0]
    )
    form = RoundForm(request.POST or None, user=request.user, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            created = (
                services.assignments_generate(round_=round_)
                if round_.round_observers.exists()
                else 0
            )
            messages.success(
                request,
                _(
                    "The round was created with %(count)d planned visits, spread evenly over the observers."
                )
                % {"count": created},
            )
            return redirect("observations:round", pk=round_.pk)
    return render(
        request, "observations/round_form.html", {"form": form, "organisation": organisation}
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    coverage = services.coverage_rows(round_)
    assignments = round_.assignments.select_related("observer", "teacher", "school").order_by(
        "school__name", "teacher__full_name", "planned_at"
    )
    proposals = round_.round_teachers.select_related("teacher", "focus_dimension").exclude(
        proposed_at=None
    )
    ctx = {
        "round": round_,
        "coverage": coverage,
        "assignments": assignments,
        "proposals": proposals,
        "conflicts": Conflict.objects.filter(observation__round=round_, resolved_at=None).count(),
    }
    return render(request, "observations/round_detail.html", ctx)


@require_POST
@login_required
def round_generate(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    try:
        created = services.assignments_generate(round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)d visits were added.") % {"count": created})
    return redirect("observations:round", pk=pk)


@require_POST
@login_required
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    released = services.round_close(actor=request.user, round_=round_)
    messages.success(
        request,
        _("The round is closed. %(count)d observations were released to their teachers.")
        % {"count": released},
    )
    return redirect("observations:round", pk=pk)


@login_required
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.get_assignment_for_user(user=request.user, pk=pk)
    round_ = selectors.get_round_for_user(user=request.user, pk=assignment.round_id)
    form = AssignmentForm(
        request.POST or None,
        round_=round_,
        initial={
            "observer": str(assignment.observer_id),
            "planned_at": assignment.planned_at and timezone.localtime(assignment.planned_at),
            "subject": assignment.subject,
            "group_name": assignment.group_name,
            "grade": assignment.grade,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_update(assignment=assignment, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The visit was saved."))
            return redirect("observations:round", pk=round_.pk)
    return render(
        request,
        "observations/assignment_form.html",
        {"form": form, "assignment": assignment, "round": round_},
    )


@require_POST
@login_required
def assignment_double(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.get_assignment_for_user(user=request.user, pk=pk)
    round_ = selectors.get_round_for_user(user=request.user, pk=assignment.round_id)
    observers = {
        str(e.observer_id): e.observer for e in round_.round_observers.select_related("observer")
    }
    observer = observers.get(request.POST.get("observer", ""))
    try:
        if observer is None:
            raise ValidationError(_("Choose an observer of this round."))
        services.assignment_double(assignment=assignment, observer=observer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("observations:assignment_edit", pk=pk)
    messages.success(
        request,
        _("%(observer)s will observe the same lesson: a double observation.")
        % {"observer": observer},
    )
    return redirect("observations:round", pk=round_.pk)


@login_required
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_proposal_for_user(user=request.user, round_pk=pk)
    form = ProposalForm(
        request.POST or None,
        round_=entry.round,
        initial={
            "proposed_lesson": entry.proposed_lesson,
            "focus_dimension": entry.focus_dimension_id and str(entry.focus_dimension_id),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.proposal_save(entry=entry, **form.cleaned_data)
        messages.success(request, _("Thank you: your observers will see your proposal."))
        return redirect("observations:overview")
    return render(request, "observations/proposal.html", {"form": form, "entry": entry})


@login_required
def today(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    assignments = list(selectors.assignments_for_observer(user=request.user))
    for a in assignments:
        a.current = next(iter(a.observations.all()), None)
    todays = [a for a in assignments if a.planned_at and timezone.localdate(a.planned_at) == day]
    unplanned = [a for a in assignments if a.planned_at is None]
    later = [a for a in assignments if a.planned_at and timezone.localdate(a.planned_at) > day]
    earlier = [
        a
        for a in assignments
        if a.planned_at
        and timezone.localdate(a.planned_at) < day
        and (a.current is None or a.current.status == Observation.Status.DRAFT)
    ]
    capture_urls = [
        reverse("observations:capture", args=[a.pk]) for a in todays + unplanned + earlier
    ]
    ctx = {
        "today": todays,
        "overdue": earlier,
        "unplanned": unplanned,
        "later": later,
        "day": day,
        "capture_urls": capture_urls,
        "conflicts": Conflict.objects.filter(
            observation__observer=request.user, resolved_at=None
        ).select_related("observation__teacher"),
    }
    return render(request, "observations/today.html", ctx)


@never_cache
@login_required
def capture(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.get_assignment_for_observer(user=request.user, pk=pk)
    existing = assignment.observations.filter(observer=request.user).order_by("-updated_at").first()
    data = {
        "assignment": {
            "id": assignment.pk,
            "teacher": str(assignment.teacher),
            "school": assignment.school.name,
            "subject": assignment.subject,
            "group": assignment.group_name,
            "grade": assignment.grade,
            "round": assignment.round.name,
        },
        "framework": selectors.assignment_capture_framework(
            user=request.user, assignment=assignment
        ),
        "observation": services.observation_state(existing) if existing else None,
        "api": "/api/v1/observations/",
        "today": timezone.localdate().isoformat(),
        "detail_url": reverse("observations:detail", args=["00000000-0000-0000-0000-000000000000"]),
    }
    return render(request, "observations/capture.html", {"assignment": assignment, "data": data})


def service_worker(request: HttpRequest) -> HttpResponse:
    """The capture page's service worker, served from the root so it may control /…/capture/."""
    response = HttpResponse(service_worker_script(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def observation_detail(request: HttpRequest, uuid) -> HttpResponse:
    observation = selectors.get_observation_for_user(user=request.user, uuid=uuid)
    user = request.user
    if user.pk != observation.teacher_id:
        audit_record(
            actor=user,
            action=AuditEvent.Action.READ,
            subject=observation.teacher,
            organisation=observation.school,
            object_type="observation",
            object_id=observation.uuid,
            request=request,
        )
    is_observer = user.pk == observation.observer_id
    ctx = {
        "observation": observation,
        "rows": selectors.observation_detail(user=request.user, observation=observation),
        "is_teacher": user.pk == observation.teacher_id,
        "is_observer": is_observer,
        "can": selectors.observation_perms(user, observation),
        "reopen_form": ReopenForm(),
        "acknowledge_form": AcknowledgeForm(initial={"comment": observation.teacher_comment}),
        "events": observation.events.select_related("actor"),
        "conflicts": observation.conflicts.filter(resolved_at=None) if is_observer else [],
    }
    return render(request, "observations/detail.html", ctx)


@require_POST
@login_required
def observation_release(request: HttpRequest, uuid) -> HttpResponse:
    observation = selectors.get_observation_for_user(
        user=request.user, uuid=uuid, perm=Perm.OBSERVATION_OBSERVE
    )
    try:
        services.observation_release(actor=request.user, observation=observation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The teacher can now read the observation."))
    return redirect("observations:detail", uuid=uuid)


@require_POST
@login_required
def observation_reopen(request: HttpRequest, uuid) -> HttpResponse:
    user = request.user
    observation = selectors.get_observation_for_user(
        user=user, uuid=uuid, perm=Perm.OBSERVATION_REOPEN
    )
    form = ReopenForm(request.POST)
    if form.is_valid():
        services.observation_reopen(
            actor=user, observation=observation, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The observation is a draft again; the reason is in its log."))
        if user.pk != observation.observer_id:
            # A draft is the observer's own: the leader who reopened it no longer reads it.
            return redirect("observations:round", pk=observation.round_id)
    else:
        messages.error(
            request, _("Give a reason for reopening: it is kept in the observation's log.")
        )
    return redirect("observations:detail", uuid=uuid)


@require_POST
@login_required
def observation_acknowledge(request: HttpRequest, uuid) -> HttpResponse:
    observation = selectors.get_observation_for_user(
        user=request.user, uuid=uuid, perm=Perm.OBSERVATION_ACKNOWLEDGE
    )
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        services.observation_acknowledge(
            teacher=request.user, observation=observation, comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("Thank you. The observer sees that you have read it."))
    return redirect("observations:detail", uuid=uuid)


@require_POST
@login_required
def conflict_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = selectors.get_conflict_for_user(user=request.user, pk=pk)
    services.conflict_resolve(conflict=conflict)
    messages.success(request, _("Marked as reviewed."))
    return redirect("observations:detail", uuid=conflict.observation.uuid)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    from samsyn.observations.readable import teacher_reading

    observations = list(selectors.observations_released_to(user=request.user))
    return render(
        request,
        "observations/mine.html",
        {
            "observations": observations,
            "measures": selectors.own_measures(user=request.user, observations=observations),
            "reading": teacher_reading(observations=observations),
        },
    )


# ----------------------------------------------------------------------------- calibration


@login_required
def round_reliability(request: HttpRequest, pk: int) -> HttpResponse:
    from samsyn.observations import calibration  # scipy: imported on first use, not at start-up

    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    ctx = {"round": round_, "reliability": calibration.round_reliability(round_)}
    return render(request, "observations/round_reliability.html", ctx)


@login_required
def calibration_list(request: HttpRequest) -> HttpResponse:
    ctx = {
        "exercises": selectors.calibrations_for_user(user=request.user),
        "perms_anywhere": perms_anywhere(request.user),
    }
    return render(request, "observations/calibration_list.html", ctx)


@login_required
def calibration_create(request: HttpRequest) -> HttpResponse:
    from samsyn.observations import calibration  # scipy: imported on first use, not at start-up

    organisations = selectors.calibration_organisations_for(request.user)
    if not organisations:
        raise PermissionDenied
    form = ExerciseForm(request.POST or None, user=request.user)
    sheet = None
    if form.is_bound and form.is_valid():
        sheet = RatingSheetForm(
            request.POST if "dim_check" in request.POST else None,
            version=form.cleaned_data["framework_version"],
            prefix="ref",
        )
        if "dim_check" in request.POST and sheet.is_valid():
            try:
                exercise = calibration.exercise_create(
                    actor=request.user,
                    organisation=organisations[0],
                    reference=sheet.ratings(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("The exercise is open. Observers find it under Calibration.")
                )
                return redirect("observations:calibration", pk=exercise.pk)
    ctx = {"form": form, "sheet": sheet, "organisation": organisations[0]}
    return render(request, "observations/calibration_form.html", ctx)


@login_required
def calibration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from samsyn.observations import calibration  # scipy: imported on first use, not at start-up

    exercise = selectors.get_calibration_for_user(user=request.user, pk=pk)
    can = selectors.calibration_perms(request.user, exercise)
    runs_it = Perm.RUN_CALIBRATION in can
    mine = exercise.responses.filter(observer=request.user).first()
    form = None
    if not runs_it and exercise.is_open:
        form = RatingSheetForm(request.POST or None, version=exercise.framework_version)
        if mine and not form.is_bound:
            form.initial = {
                f"dim_{k}": (str(v) if v else NOT_OBSERVED) for k, v in mine.ratings.items()
            }
        if request.method == "POST" and form.is_valid():
            calibration.response_save(
                exercise=exercise, observer=request.user, ratings=form.ratings()
            )
            messages.success(
                request, _("Thank you. Your answer is compared with the reference below.")
            )
            return redirect("observations:calibration", pk=pk)
    results = calibration.exercise_results(exercise, only=None if runs_it else request.user)
    if not runs_it and not mine:
        results = None  # the reference stays hidden until the observer has answered
    ctx = {"exercise": exercise, "form": form, "results": results, "can": can}
    return render(request, "observations/calibration_detail.html", ctx)


# ----------------------------------------------------------------------------- measurement


@login_required
def round_measurement(request: HttpRequest, pk: int) -> HttpResponse:
    from samsyn.observations import measurement, readable  # numerical: loaded on first use

    # Peer observations (triads) are never measured: get_round_for_user leaves them out.
    round_ = selectors.get_round_for_user(user=request.user, pk=pk, perm=Perm.VIEW_MEASUREMENT)
    perms = permissions_at(request.user, round_.organisation)
    stored, fresh = measurement.current(round_)
    data = stored.data if stored else {}
    dimensions = list(round_.framework_version.dimensions.order_by("order"))
    n_teachers = len(data.get("teachers", {}))
    small = n_teachers < settings.SAMSYN_MIN_GROUP and Perm.VIEW_OBSERVATIONS not in perms
    ctx = {
        "round": round_,
        "data": data,
        "fresh": fresh,
        "computed_at": stored.computed_at if stored else None,
        "map": measurement.item_map(data, dimensions) if data.get("dimensions") else None,
        "n_teachers": n_teachers,
        "hide_teachers": small,
        "min_group": settings.SAMSYN_MIN_GROUP,
        "fit_range": (measurement.FIT_LOW, measurement.FIT_HIGH),
        "components": measurement.planning_components(data.get("planning")),
        # The fit's messages and notes in the reader's language, never the English of
        # samsyn.analysis; a negative reliability or an empty planning table is "not estimable".
        "error": readable.explain_error(data["error"]) if data.get("error") else "",
        "notes": readable.explain_notes(data.get("notes", []), {d.pk: d.name for d in dimensions}),
        "reliability": readable.reliability_shown(data.get("reliability")),
        "planning_estimable": readable.planning_estimable(data.get("planning")),
    }
    return render(request, "observations/round_measurement.html", ctx)

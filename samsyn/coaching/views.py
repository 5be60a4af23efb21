"""Coaching conversations, "my teaching" and support plans: short function views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm, get_organisation_for_user
from samsyn.accounts.models import AuditEvent, User
from samsyn.accounts.services import audit_record
from samsyn.coaching import charts, selectors, services
from samsyn.coaching.forms import (
    CheckInForm,
    CloseForm,
    PrepareForm,
    RecordForm,
    ReflectionForm,
    StartForm,
    StatusForm,
    SupportPlanForm,
)
from samsyn.lib.forms import errors_to_form as _errors_to_form

# ----------------------------------------------------------------------------- my teaching


@login_required
def my_teaching(request: HttpRequest) -> HttpResponse:
    from samsyn.observations.readable import teacher_reading
    from samsyn.observations.selectors import observations_released_to, own_measures

    user = request.user
    observations = list(observations_released_to(user=user))
    own = [o for o in observations if not o.round.is_peer]
    profile = selectors.teaching_profile(user=user)
    conversations = selectors.conversations_for(user=user)
    self_vs_observed = [
        {"conversation": c, "rows": selectors.conversation_ratings(user=user, conversation=c)}
        for c in conversations["as_teacher"]
        if c.self_ratings.exists()
    ]
    ctx = {
        "observations": observations,
        "profile": profile,
        "profile_spec": charts.profile_spec(profile) if profile["rounds"] else None,
        "measures": own_measures(user=user, observations=own),
        "reading": teacher_reading(observations=own),
        "conversations": conversations,
        "self_vs_observed": self_vs_observed,
        "next_steps": selectors.next_steps_for(user=user),
        "status_form": StatusForm(),
        "triad": selectors.current_triad(user=user),
        "plans": selectors.support_plans_for(user=user),
        "can": selectors.coaching_perms(user),
    }
    return render(request, "coaching/my_teaching.html", ctx)


# ----------------------------------------------------------------------------- conversations


@login_required
def conversation_start(request: HttpRequest) -> HttpResponse:
    """The teacher picks a coach and observations; a coach first picks the teacher."""
    user = request.user
    own_schools = selectors.teacher_schools(user)
    coach_schools = selectors.coach_schools(user)
    if not own_schools and not coach_schools:
        raise PermissionDenied
    # A coach starts only with a teacher whose lesson they observed; anyone else asks for
    # coaching by starting the conversation herself (issue 19: coaching was a back door).
    teachers = selectors.coached_teachers(user=user) if coach_schools else []
    teacher_id = request.POST.get("teacher") or request.GET.get("teacher")
    teacher = None
    if teacher_id:
        teacher = next((t for t in teachers if str(t.pk) == teacher_id), None)
        if teacher is None and teacher_id == str(user.pk) and own_schools:
            teacher = user
        if teacher is None:
            raise Http404
    elif own_schools and not coach_schools:
        teacher = user
    if teacher is None:
        ctx = {"teachers": teachers, "own": own_schools, "coaches": bool(coach_schools)}
        return render(request, "coaching/start.html", ctx)
    school = (selectors.teacher_schools(teacher) or [None])[0]
    if teacher.pk != user.pk:
        school = next((s for s in selectors.teacher_schools(teacher) if s in coach_schools), school)
    coaches = selectors.coaches_at(user=user, school=school).exclude(pk=teacher.pk)
    observations = selectors.observations_for_conversation(user=user, teacher=teacher)
    if teacher.pk != user.pk:
        coaches = coaches.filter(pk=user.pk)
        # The page lists someone else's observations: a read of her data, audited.
        audit_record(
            actor=user,
            action=AuditEvent.Action.READ,
            object_type="coaching_start",
            subject=teacher,
            object_id=teacher.pk,
            organisation=school,
            request=request,
        )
    form = StartForm(
        request.POST or None,
        coaches=coaches,
        observations=observations,
        initial={"coach": user.pk} if teacher.pk != user.pk else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.conversation_start(
                actor=user, teacher=teacher, school=school, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The conversation is started."))
            return redirect("coaching:conversation", conversation.pk)
    ctx = {"form": form, "teacher": teacher, "teachers": teachers, "own": own_schools}
    return render(request, "coaching/start.html", ctx)


def _conversation_page(request, conversation, **forms) -> HttpResponse:
    from samsyn.observations.readable import teacher_reading

    user = request.user
    # The coach reads the teacher's ratings, measures and reflection: audited like any read of
    # someone else's individual data, also when a form is shown again after an error (the
    # teacher's own reads are not: audit_record skips them).
    audit_record(
        actor=user,
        action=AuditEvent.Action.READ,
        object_type="coaching_conversation",
        subject=conversation.teacher,
        object_id=conversation.pk,
        organisation=conversation.school,
        request=request,
    )
    is_teacher = user.pk == conversation.teacher_id
    is_coach = user.pk == conversation.coach_id
    version_id = conversation.framework_version_id
    observations = list(conversation.observations.select_related("round", "observer"))
    rows = selectors.conversation_ratings(user=request.user, conversation=conversation)
    next_step = getattr(conversation, "next_step", None)
    if is_teacher and "reflection_form" not in forms:
        initial = {"reflection": conversation.reflection}
        initial.update(
            {f"dim_{r['dimension'].pk}": r["self"].pk for r in rows if r["self"] is not None}
        )
        forms["reflection_form"] = ReflectionForm(initial=initial, version_id=version_id)
    if is_coach and "prepare_form" not in forms:
        forms["prepare_form"] = PrepareForm(
            initial={
                "strengths": conversation.strengths,
                "suggested_focus": conversation.suggested_focus_id,
            },
            version_id=version_id,
        )
    if is_coach and "record_form" not in forms:
        initial = {"went_well": conversation.went_well}
        if conversation.held_on:
            initial["held_on"] = conversation.held_on
        if next_step is not None:
            initial.update(
                dimension=next_step.dimension_id,
                action=next_step.action,
                follow_up_on=next_step.follow_up_on,
            )
        elif conversation.suggested_focus_id:
            initial["dimension"] = conversation.suggested_focus_id
        forms["record_form"] = RecordForm(initial=initial, version_id=version_id)
    ctx = {
        "conversation": conversation,
        "is_teacher": is_teacher,
        "is_coach": is_coach,
        "observations": observations,
        "rows": rows,
        "next_step": next_step,
        "status_form": StatusForm(initial={"status": next_step.status} if next_step else None),
        "measures": selectors.conversation_measures(
            user=request.user, conversation=conversation, observations=observations
        )
        if is_coach
        else [],
        "reading": teacher_reading(observations=observations),
        **forms,
    }
    return render(request, "coaching/conversation.html", ctx)


@login_required
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = selectors.get_conversation_for_user(user=request.user, pk=pk)
    return _conversation_page(request, conversation)


@login_required
@require_POST
def conversation_reflect(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = selectors.get_conversation_for_user(user=request.user, pk=pk)
    if request.user.pk != conversation.teacher_id:
        raise PermissionDenied
    form = ReflectionForm(request.POST, version_id=conversation.framework_version_id)
    if form.is_valid():
        try:
            services.conversation_reflect(
                conversation=conversation,
                actor=request.user,
                reflection=form.cleaned_data["reflection"],
                self_ratings=form.self_ratings(),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request, _("Your reflection is saved. Only you and your coach see it.")
            )
            return redirect("coaching:conversation", pk)
    return _conversation_page(request, conversation, reflection_form=form)


@login_required
@require_POST
def conversation_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = selectors.get_conversation_for_user(user=request.user, pk=pk)
    if request.user.pk != conversation.coach_id:
        raise PermissionDenied
    form = PrepareForm(request.POST, version_id=conversation.framework_version_id)
    if form.is_valid():
        try:
            services.conversation_prepare(
                conversation=conversation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Your preparation is saved."))
            return redirect("coaching:conversation", pk)
    return _conversation_page(request, conversation, prepare_form=form)


@login_required
@require_POST
def conversation_record(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = selectors.get_conversation_for_user(user=request.user, pk=pk)
    if request.user.pk != conversation.coach_id:
        raise PermissionDenied
    form = RecordForm(request.POST, version_id=conversation.framework_version_id)
    if form.is_valid():
        try:
            services.conversation_record(
                conversation=conversation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The conversation and its next step are recorded."))
            return redirect("coaching:conversation", pk)
    return _conversation_page(request, conversation, record_form=form)


@login_required
@require_POST
def next_step_status(request: HttpRequest, pk: int) -> HttpResponse:
    step = selectors.get_next_step_for_user(user=request.user, pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.next_step_set_status(
            next_step=step, actor=request.user, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The status of the next step is updated."))
    else:
        messages.error(request, _("Choose one of the statuses offered."))
    target = request.POST.get("next")
    if target == "my_teaching":
        return redirect("coaching:my_teaching")
    return redirect("coaching:conversation", step.conversation_id)


@login_required
def school_conversations(request: HttpRequest, pk: int) -> HttpResponse:
    """The school's leadership: who had a coaching conversation and when, never the content."""
    school = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.VIEW_OBSERVATIONS)
    ctx = {
        "school": school,
        "rows": selectors.school_conversation_dates(user=request.user, school=school),
    }
    return render(request, "coaching/school_conversations.html", ctx)


# ----------------------------------------------------------------------------- support plans


@login_required
def support_plans(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.SUPPORT_PLANS_MANAGE)
    eligible = selectors.support_eligible(user=request.user, school=school)
    audit_record(
        actor=request.user,
        action="read",
        object_type="support_eligibility",
        object_id=school.pk,
        organisation=school,
        detail=f"{len(eligible['teachers'])} teachers below satisfactory",
        request=request,
    )
    ctx = {
        "school": school,
        "eligible": eligible,
        "plans": selectors.support_plans_at(user=request.user, school=school),
        "min_dimensions": selectors.SUPPORT_MIN_DIMENSIONS,
    }
    return render(request, "coaching/support_plans.html", ctx)


@login_required
def support_plan_create(request: HttpRequest, pk: int, teacher_pk: int) -> HttpResponse:
    school = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.SUPPORT_PLANS_MANAGE)
    eligible = selectors.support_eligible(user=request.user, school=school)
    entry = next((e for e in eligible["teachers"] if e["teacher"].pk == teacher_pk), None)
    if entry is None:
        raise Http404
    teacher: User = entry["teacher"]
    form = SupportPlanForm(
        request.POST or None,
        version_id=eligible["round"].framework_version_id,
        coaches=selectors.coaches_at(user=request.user, school=school).exclude(pk=teacher.pk),
        below=[b["dimension"].pk for b in entry["below"]],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.support_plan_start(
                actor=request.user,
                school=school,
                teacher=teacher,
                coach=data["coach"],
                focus_dimensions=list(data["focus_dimensions"]),
                actions=data["actions"],
                starts_on=data["starts_on"],
                weeks=data["weeks"],
                check_in_dates=data["check_ins"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The support plan is started."))
            return redirect("coaching:support_plan", plan.pk)
    else:
        audit_record(
            actor=request.user,
            action="read",
            object_type="support_eligibility",
            subject=teacher,
            object_id=teacher.pk,
            organisation=school,
            request=request,
        )
    ctx = {"school": school, "entry": entry, "form": form, "round": eligible["round"]}
    return render(request, "coaching/support_plan_create.html", ctx)


def _plan_page(request, plan, **forms) -> HttpResponse:
    user = request.user
    can = selectors.support_plan_perms(user, plan)
    can_manage = Perm.SUPPORT_PLANS_MANAGE in can
    can_update = can_manage or user.pk == plan.coach_id
    active = plan.status == plan.Status.ACTIVE
    if can_update and active:
        forms.setdefault(
            "check_in_form",
            CheckInForm(observations=selectors.check_in_observations(user=request.user, plan=plan)),
        )
    if can_manage and active:
        forms.setdefault("close_form", CloseForm())
    audit_record(
        actor=user,
        action="read",
        object_type="support_plan",
        subject=plan.teacher,
        object_id=plan.pk,
        organisation=plan.school,
        request=request,
    )
    dimensions = {d.code: d for d in plan.framework_version.dimensions.all()}
    reason = [
        {**b, "dimension": dimensions.get(b["dimension"])}
        for b in (plan.reason or {}).get("below", [])
    ]
    ctx = {
        "plan": plan,
        "reason": reason,
        "focus": list(plan.focus_dimensions.order_by("order")),
        "check_ins": selectors.check_ins(user=request.user, plan=plan),
        "can": can,
        **forms,
    }
    return render(request, "coaching/support_plan.html", ctx)


@login_required
def support_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_support_plan_for_user(user=request.user, pk=pk)
    return _plan_page(request, plan)


@login_required
@require_POST
def support_plan_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_support_plan_for_user(
        user=request.user, pk=pk, perm=Perm.SUPPORT_PLAN_CHECK_IN
    )
    form = CheckInForm(
        request.POST, observations=selectors.check_in_observations(user=request.user, plan=plan)
    )
    if form.is_valid():
        try:
            services.support_plan_check_in_add(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The check-in is saved."))
            return redirect("coaching:support_plan", pk)
    return _plan_page(request, plan, check_in_form=form)


@login_required
@require_POST
def support_plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_support_plan_for_user(
        user=request.user, pk=pk, perm=Perm.SUPPORT_PLANS_MANAGE
    )
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.support_plan_close(plan=plan, outcome=form.cleaned_data["outcome"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The support plan is closed."))
            return redirect("coaching:support_plan", pk)
    return _plan_page(request, plan, close_form=form)

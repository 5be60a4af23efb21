"""Pages of a school's plan for skilled teaching in every classroom (`plans` holds the rules)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm, get_organisation_for_user, permissions_at
from samsyn.accounts.models import Organisation, User
from samsyn.improvement import plans
from samsyn.improvement.models import PlanAction, SchoolPlan
from samsyn.lib import pdf
from samsyn.lib.forms import errors_to_messages as _errors
from samsyn.observations.models import Round


def _label(record) -> str:
    """A linked record's label: coaching and support without the teacher's name."""
    from samsyn.coaching.models import Conversation, SupportPlan

    if isinstance(record, Conversation):
        day = record.held_on or record.created_at.date()
        return _("Coaching conversation · %(date)s") % {"date": day.isoformat()}
    if isinstance(record, SupportPlan):
        return _("Support plan · %(start)s–%(end)s") % {
            "start": record.starts_on.isoformat(),
            "end": record.ends_on.isoformat(),
        }
    return str(record)


class _RecordChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _label(obj)


class DraftForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    baseline_round = forms.ModelChoiceField(
        label=gettext_lazy("Baseline round"), queryset=Round.objects.none()
    )

    def __init__(self, *args, school: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        rounds = plans.rounds_of(school)
        self.fields["baseline_round"].queryset = Round.objects.filter(
            pk__in=[r.pk for r in rounds]
        ).order_by("-starts_on")
        baselines = [r for r in rounds if r.kind == Round.Kind.BASELINE]
        if baselines:
            self.fields["baseline_round"].initial = baselines[-1].pk


class PlanForm(forms.ModelForm):
    class Meta:
        model = SchoolPlan
        fields = ["title", "follow_up"]


class EditorsForm(forms.Form):
    editors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("May also edit"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, school: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editors"].queryset = (
            User.objects.filter(memberships__organisation=school, is_active=True)
            .distinct()
            .order_by("full_name")
        )


class GoalForm(forms.Form):
    goal = forms.CharField(label=gettext_lazy("Goal"), widget=forms.Textarea(attrs={"rows": 3}))


class GoalAddForm(forms.Form):
    dimension_code = forms.ChoiceField(label=gettext_lazy("Dimension"))
    goal = forms.CharField(
        label=gettext_lazy("Goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, plan: SchoolPlan, **kwargs):
        super().__init__(*args, **kwargs)
        taken = set(plan.goals.values_list("dimension_code", flat=True))
        values = plans.dimension_values(plan.school, plan.baseline_round)
        self.fields["dimension_code"].choices = [
            (v.code, v.name) for v in values if v.code not in taken
        ]


class ActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["goal", "kind", "what", "who", "when", *plans.LINKS]
        widgets = {"what": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: SchoolPlan, personal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
        choices = plans.link_choices(plan.school, personal)
        labels = {
            "conversation": _("Coaching conversation it links to"),
            "triad_set": _("Triads it links to"),
            "workshop": _("Workshop it links to"),
            "support_plan": _("Support plan it links to"),
        }
        for name in plans.LINKS:
            if name in choices:
                self.fields[name] = _RecordChoice(
                    queryset=choices[name], required=False, label=labels[name]
                )
            else:
                del self.fields[name]


class FollowUpForm(forms.Form):
    term = forms.CharField(label=gettext_lazy("Term"), max_length=40)
    round = forms.ModelChoiceField(
        label=gettext_lazy("Follow-up round"), queryset=Round.objects.none()
    )
    note = forms.CharField(
        label=gettext_lazy("What the school makes of it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, plan: SchoolPlan, **kwargs):
        super().__init__(*args, **kwargs)
        later = [
            r.pk
            for r in plans.rounds_of(plan.school)
            if r.pk != plan.baseline_round_id and r.starts_on >= plan.baseline_round.starts_on
        ]
        self.fields["round"].queryset = Round.objects.filter(pk__in=later).order_by("starts_on")


# ---------------------------------------------------------------- pages


def _edit(request: HttpRequest, pk: int) -> SchoolPlan:
    return plans.get_plan_for_user(user=request.user, pk=pk, perm=Perm.PLAN_EDIT)


@login_required
def plan_list(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.VIEW)
    if school.kind != Organisation.Kind.SCHOOL:
        raise Http404
    ctx = {
        "org": school,
        "plans": plans.plans_at(request.user, school),
        "can": permissions_at(request.user, school),
    }
    return render(request, "improvement/plans/plan_list.html", ctx)


@login_required
def plan_draft(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.PROJECTS_MANAGE)
    form = DraftForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.plan_draft(school=school, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The plan is drafted from the baseline round."))
            return redirect("improvement:plan", plan.pk)
    return render(request, "improvement/plans/plan_draft.html", {"org": school, "form": form})


def _context(request: HttpRequest, plan: SchoolPlan) -> dict:
    actions = list(
        plan.actions.select_related("goal", "conversation", "triad_set", "workshop", "support_plan")
    )
    for action in actions:
        action.links = [
            (_label(record), _link_url(record))
            for record in (getattr(action, name) for name in plans.LINKS)
            if record is not None
        ]
    return {
        "can": plans.plan_perms(request.user, plan),
        "plan": plan,
        # Stored figures drawn only through the small-cell guard (plans.figure_shown).
        "goals": plans.goals_shown(plan),
        "actions": actions,
        "follow_ups": plans.follow_ups_shown(plan),
    }


def _link_url(record) -> str:
    from django.urls import reverse

    from samsyn.triads.models import TriadSet
    from samsyn.workshops.models import Workshop

    if isinstance(record, TriadSet):
        return reverse("triads:set", args=[record.pk])
    if isinstance(record, Workshop):
        return reverse("workshops:workshop_detail", args=[record.school_id, record.pk])
    return ""  # coaching and support: their own pages decide who sees them


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plans.get_plan_for_user(user=request.user, pk=pk)
    ctx = _context(request, plan)
    if Perm.PLAN_EDIT in ctx["can"]:
        ctx["plan_form"] = PlanForm(instance=plan)
        ctx["goal_add_form"] = GoalAddForm(plan=plan)
        ctx["editors_form"] = EditorsForm(
            school=plan.school, initial={"editors": plan.editors.all()}
        )
        if plan.status == SchoolPlan.Status.APPROVED:
            ctx["follow_up_form"] = FollowUpForm(plan=plan)
    return render(request, "improvement/plans/plan_detail.html", ctx)


@login_required
@require_POST
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _edit(request, pk)
    form = PlanForm(request.POST, instance=plans.get_plan_for_user(user=request.user, pk=plan.pk))
    if form.is_valid():
        plans.plan_update(plan=plan, **form.cleaned_data)
        messages.success(request, _("The plan is saved."))
    else:
        messages.error(request, _("Give the plan a title."))
    return redirect("improvement:plan", plan.pk)


@login_required
@require_POST
def plan_editors(request: HttpRequest, pk: int) -> HttpResponse:
    # Delegating is the principal's (PROJECTS_MANAGE at the school).
    plan = plans.get_plan_for_user(user=request.user, pk=pk, perm=Perm.PROJECTS_MANAGE)
    form = EditorsForm(request.POST, school=plan.school)
    if form.is_valid():
        plans.editors_set(plan=plan, editors=list(form.cleaned_data["editors"]))
        messages.success(request, _("Who may edit the plan is saved."))
    return redirect("improvement:plan", pk)


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    plan = _edit(request, pk)
    goal = plans.get_goal_for_user(user=request.user, pk=goal_pk, perm=Perm.PLAN_EDIT, plan=plan)
    form = GoalForm(request.POST or None, initial={"goal": goal.goal})
    if request.method == "POST" and form.is_valid():
        plans.goal_update(goal=goal, text=form.cleaned_data["goal"])
        messages.success(request, _("The goal is saved."))
        return redirect("improvement:plan", plan.pk)
    ctx = {"plan": plan, "goal": plans.goal_shown(goal), "form": form}
    return render(request, "improvement/plans/goal_form.html", ctx)


@login_required
@require_POST
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _edit(request, pk)
    form = GoalAddForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            plans.goal_add(
                plan=plan, code=form.cleaned_data["dimension_code"], goal=form.cleaned_data["goal"]
            )
            messages.success(request, _("The goal is added."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Choose a dimension of the baseline round."))
    return redirect("improvement:plan", plan.pk)


@login_required
@require_POST
def goal_remove(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    plan = _edit(request, pk)
    plans.goal_remove(
        goal=plans.get_goal_for_user(user=request.user, pk=goal_pk, perm=Perm.PLAN_EDIT, plan=plan)
    )
    messages.success(request, _("The goal is removed."))
    return redirect("improvement:plan", plan.pk)


@login_required
def action_edit(request: HttpRequest, pk: int, action_pk: int | None = None) -> HttpResponse:
    plan = _edit(request, pk)
    personal = Perm.PROJECTS_MANAGE in plans.plan_perms(request.user, plan)
    action = (
        plans.get_action_for_user(user=request.user, pk=action_pk, perm=Perm.PLAN_EDIT, plan=plan)
        if action_pk
        else None
    )
    form = ActionForm(request.POST or None, instance=action, plan=plan, personal=personal)
    if request.method == "POST" and form.is_valid():
        try:
            plans.action_save(plan=plan, action=action, personal=personal, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The action is saved."))
            return redirect("improvement:plan", plan.pk)
    ctx = {"plan": plan, "action": action, "form": form}
    return render(request, "improvement/plans/action_form.html", ctx)


@login_required
@require_POST
def action_remove(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    plan = _edit(request, pk)
    plans.action_remove(
        action=plans.get_action_for_user(
            user=request.user, pk=action_pk, perm=Perm.PLAN_EDIT, plan=plan
        )
    )
    messages.success(request, _("The action is removed."))
    return redirect("improvement:plan", plan.pk)


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plans.get_plan_for_user(user=request.user, pk=pk, perm=Perm.PLAN_APPROVE)
    try:
        plans.plan_approve(plan=plan, actor=request.user)
        messages.success(request, _("The plan is approved."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("improvement:plan", pk)


@login_required
@require_POST
def follow_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _edit(request, pk)
    form = FollowUpForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            plans.follow_up_record(plan=plan, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The term's follow-up is recorded."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Give the term and choose a later round."))
    return redirect("improvement:plan", plan.pk)


@login_required
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plans.get_plan_for_user(user=request.user, pk=pk)
    out = pdf.render_pdf(request, "improvement/plans/plan_pdf.html", _context(request, plan))
    return pdf.pdf_response(out, f"{slugify(plan.title) or 'plan'}.pdf")

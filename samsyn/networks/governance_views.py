"""Pages of the regional collaboration: its groups, the decision log and joint competence
development (access rules in `governance` and `competence`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm
from samsyn.lib.forms import errors_to_form as _errors
from samsyn.networks import competence, governance
from samsyn.networks import governance_forms as forms
from samsyn.networks.models import CollaborationGroup


def _save(form, service, **extra) -> bool:
    """Validate the form and call the service; errors land on the form."""
    if not form.is_valid():
        return False
    try:
        service(**extra, **form.cleaned_data)
    except ValidationError as error:
        _errors(form, error)
        return False
    return True


# ----------------------------------------------------------------------------- groups


@login_required
def collaboration(request: HttpRequest, pk: int) -> HttpResponse:
    network = governance.get_collaboration_for_user(user=request.user, pk=pk)
    user = request.user
    groups = list(governance.visible_groups(user, network).prefetch_related("members__user"))
    by_kind = [
        (label, [g for g in groups if g.kind == kind])
        for kind, label in CollaborationGroup.Kind.choices
    ]
    return render(
        request,
        "networks/groups/collaboration.html",
        {
            "network": network,
            "by_kind": [(label, found) for label, found in by_kind if found],
            "can": governance.collaboration_perms(user, network),
        },
    )


@login_required
def group_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = governance.get_collaboration_for_user(
        user=request.user, pk=pk, perm=Perm.COLLABORATION_MANAGE
    )
    form = forms.GroupForm(request.POST or None, exchanges=governance.exchanges_of(network))
    if request.method == "POST" and _save(form, governance.group_save, network=network):
        messages.success(request, _("The group is created."))
        return redirect("networks:collaboration", network.pk)
    return render(request, "networks/groups/group_form.html", {"network": network, "form": form})


def _group_page(request: HttpRequest, group: CollaborationGroup, **bound) -> HttpResponse:
    network = group.network
    can = governance.group_perms(request.user, group)
    ctx = {
        "group": group,
        "network": network,
        "can": can,
        **governance.group_overview(group),
    }
    if Perm.COLLABORATION_MANAGE in can:
        ctx["member_form"] = bound.get("member_form") or forms.MemberForm(
            people=governance.people_of(network)
        )
    if Perm.COLLABORATION_RECORD in can:
        ctx["meeting_form"] = bound.get("meeting_form") or forms.MeetingForm()
        ctx["decision_form"] = bound.get("decision_form") or forms.DecisionForm(group=group)
        ctx["assignment_form"] = bound.get("assignment_form") or forms.AssignmentForm(group=group)
    return render(request, "networks/groups/group.html", ctx)


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _group_page(request, governance.get_group_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def group_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_MANAGE)
    form = forms.MemberForm(request.POST, people=governance.people_of(group.network))
    if not _save(form, governance.group_member_set, group=group):
        return _group_page(request, group, member_form=form)
    messages.success(request, _("The group's members are updated."))
    return redirect("networks:group", group.pk)


@login_required
@require_POST
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_RECORD)
    form = forms.MeetingForm(request.POST)
    if not _save(form, governance.meeting_save, group=group):
        return _group_page(request, group, meeting_form=form)
    messages.success(request, _("The meeting is saved."))
    return redirect("networks:group", group.pk)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_RECORD)
    form = forms.DecisionForm(request.POST, group=group)
    if not _save(form, governance.decision_create, group=group, actor=request.user):
        return _group_page(request, group, decision_form=form)
    messages.success(request, _("The decision is in the decision log."))
    return redirect("networks:group", group.pk)


def _edit_page(request: HttpRequest, group: CollaborationGroup, form, **ctx) -> HttpResponse:
    return render(
        request,
        "networks/groups/edit.html",
        {"group": group, "network": group.network, "form": form, **ctx},
    )


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's name and mandate, for the coordinators."""
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_MANAGE)
    form = forms.GroupEditForm(
        request.POST or None, initial={"name": group.name, "mandate": group.mandate}
    )
    saved = request.method == "POST" and _save(
        form,
        governance.group_save,
        network=group.network,
        kind=group.kind,
        exchange=group.exchange,
        group=group,
    )
    if saved:
        messages.success(request, _("The group is saved."))
        return redirect("networks:group", group.pk)
    return _edit_page(request, group, form, title=_("Edit the group"))


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_MANAGE)
    member = governance.get_member_for_user(user=request.user, pk=member_pk, group=group)
    governance.group_member_remove(member=member)
    messages.success(request, _("%(name)s has left the group.") % {"name": member.user.full_name})
    return redirect("networks:group", group.pk)


@login_required
def meeting_edit(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_RECORD)
    meeting = governance.get_meeting_for_user(user=request.user, pk=meeting_pk, group=group)
    names = ("held_on", "agenda", "minutes")
    form = forms.MeetingForm(
        request.POST or None, initial={name: getattr(meeting, name) for name in names}
    )
    if request.method == "POST" and _save(
        form, governance.meeting_save, group=group, meeting=meeting
    ):
        messages.success(request, _("The meeting is saved."))
        return redirect("networks:group", group.pk)
    return _edit_page(request, group, form, title=_("Edit the meeting"), meeting=meeting)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_RECORD)
    meeting = governance.get_meeting_for_user(user=request.user, pk=meeting_pk, group=group)
    try:
        governance.meeting_cancel(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect("networks:group", group.pk)


@login_required
def decision_correct(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """A correction of a decision: a new entry in the log that corrects it (append-only)."""
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_RECORD)
    decision = governance.get_decision_for_user(user=request.user, pk=decision_pk, group=group)
    names = ("decided_on", "meeting", "text", "basis", "follow_up")
    form = forms.CorrectionForm(
        request.POST or None,
        group=group,
        initial={name: getattr(decision, name) for name in names},
    )
    if request.method == "POST" and _save(
        form, governance.decision_correct, decision=decision, actor=request.user
    ):
        messages.success(request, _("The correction is in the decision log."))
        return redirect("networks:group", group.pk)
    return _edit_page(request, group, form, title=_("Correct a decision"), decision=decision)


@login_required
@require_POST
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = governance.get_group_for_user(user=request.user, pk=pk, perm=Perm.COLLABORATION_RECORD)
    form = forms.AssignmentForm(request.POST, group=group)
    if not _save(form, governance.assignment_create, from_group=group):
        return _group_page(request, group, assignment_form=form)
    messages.success(request, _("The assignment is given."))
    return redirect("networks:group", group.pk)


@login_required
@require_POST
def assignment_status(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = governance.get_assignment_for_user(user=request.user, pk=pk)
    form = forms.AssignmentStatusForm(request.POST)
    if _save(form, governance.assignment_set_status, assignment=assignment):
        messages.success(request, _("The assignment's status is saved."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("networks:group", assignment.to_group_id)


@login_required
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    network = governance.get_collaboration_for_user(user=request.user, pk=pk)
    query = request.GET.get("q", "")[:200]
    found = list(governance.decisions_for_user(request.user, network, query=query)[:200])
    return render(
        request,
        "networks/groups/decisions.html",
        {
            "network": network,
            "decisions": found,
            "query": query,
            "can": governance.collaboration_perms(request.user, network),
        },
    )


# ----------------------------------------------------------------------------- competence


@login_required
def efforts(request: HttpRequest, pk: int) -> HttpResponse:
    network = competence.get_efforts_network_for_user(user=request.user, pk=pk)
    return render(
        request,
        "networks/groups/efforts.html",
        {
            "network": network,
            "efforts": list(competence.efforts_for_user(request.user, network)),
            # A participant without a seat in any group may not open the groups' page
            # (COLLABORATION_VIEW).
            "can": governance.collaboration_perms(request.user, network),
        },
    )


def _effort_form(request: HttpRequest, network, effort=None):
    initial = {}
    if effort is not None:
        names = ("title", "kind", "exchange", "need", "starts_on", "ends_on", "material")
        initial = {name: getattr(effort, name) for name in names}
        initial["participants"] = list(effort.participants.values_list("pk", flat=True))
    return forms.EffortForm(
        request.POST or None,
        initial=initial,
        exchanges=governance.exchanges_of(network),
        people=governance.people_of(network),
    )


@login_required
def effort_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = governance.get_collaboration_for_user(
        user=request.user, pk=pk, perm=Perm.COLLABORATION_MANAGE
    )
    form = _effort_form(request, network)
    if request.method == "POST" and form.is_valid():
        try:
            effort = competence.effort_save(
                actor=request.user, network=network, **form.cleaned_data
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The competence effort is saved."))
            return redirect("networks:effort", effort.pk)
    return render(request, "networks/groups/effort_form.html", {"network": network, "form": form})


@login_required
def effort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    effort = competence.get_effort_for_user(
        user=request.user, pk=pk, perm=Perm.COLLABORATION_MANAGE
    )
    form = _effort_form(request, effort.network, effort)
    if request.method == "POST" and form.is_valid():
        try:
            competence.effort_save(
                actor=request.user, network=effort.network, effort=effort, **form.cleaned_data
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The competence effort is saved."))
            return redirect("networks:effort", effort.pk)
    return render(
        request,
        "networks/groups/effort_form.html",
        {"network": effort.network, "form": form, "effort": effort},
    )


def _effort_page(request: HttpRequest, effort, links: list[str] | None = None) -> HttpResponse:
    return render(
        request,
        "networks/groups/effort.html",
        {
            "effort": effort,
            "network": effort.network,
            "participants": list(effort.participants.order_by("full_name")),
            "summary": competence.summary(effort),
            "can": competence.effort_perms(request.user, effort),
            "links": links or [],
        },
    )


@login_required
def effort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _effort_page(request, competence.get_effort_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    effort = competence.get_effort_for_user(
        user=request.user, pk=pk, perm=Perm.COLLABORATION_MANAGE
    )
    try:
        competence.evaluation_create(actor=request.user, effort=effort)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The evaluation is created. Hand out the answer links next."))
    return redirect("networks:effort", effort.pk)


@login_required
@require_POST
def evaluation_links(request: HttpRequest, pk: int) -> HttpResponse:
    """New one-time answer links, one per participant, shown once (only hashes are kept)."""
    effort = competence.get_effort_for_user(
        user=request.user, pk=pk, perm=Perm.COLLABORATION_MANAGE
    )
    try:
        tokens = competence.evaluation_links(effort=effort)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("networks:effort", effort.pk)
    links = [
        request.build_absolute_uri(reverse("indicators:survey_answer", args=[token]))
        for token in tokens
    ]
    return _effort_page(request, effort, links=links)

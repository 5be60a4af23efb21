"""Setting up in the product: the owner's schools, a round's observers and dates, a network's
member schools and reviewers' conflicts of interest."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm, get_organisation_for_user
from samsyn.accounts.models import NetworkMembership, Organisation, User
from samsyn.lib.forms import errors_to_form as _errors
from samsyn.networks.models import ConflictOfInterest
from samsyn.networks.selectors import get_network_for_user
from samsyn.observations.selectors import get_round_for_user, round_observer_candidates
from samsyn.privacy.selectors import get_owner_for_user
from samsyn.provisioning import editing, odt, paperwork, selectors
from samsyn.provisioning.forms import ConflictForm, PickForm, RoundEditForm, SchoolForm
from samsyn.provisioning.views import owner_for


@login_required
def schools(request: HttpRequest, pk: int) -> HttpResponse:
    owner = owner_for(request, pk)
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school = editing.school_create(owner=owner, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": school.name})
            return redirect("provisioning:schools", owner.pk)
    listed = Organisation.objects.filter(parent=owner, kind=Organisation.Kind.SCHOOL)
    ctx = {"owner": owner, "form": form, "schools": listed.order_by("name")}
    return render(request, "provisioning/schools.html", ctx)


@login_required
def school_edit(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    owner = owner_for(request, pk)
    school = selectors.get_owner_school_for_user(user=request.user, pk=school_pk, owner=owner)
    initial = {
        "name": school.name,
        "unit_code": school.unit_code,
        "municipality_code": school.municipality_code,
    }
    form = SchoolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            editing.school_update(school=school, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": school.name})
            return redirect("provisioning:schools", owner.pk)
    return render(
        request, "provisioning/school_edit.html", {"owner": owner, "school": school, "form": form}
    )


def _observer_candidates(request: HttpRequest, round_) -> list[User]:
    return round_observer_candidates(user=request.user, round_=round_)


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(user=request.user, pk=pk)
    initial = {
        "name": round_.name,
        "starts_on": round_.starts_on,
        "ends_on": round_.ends_on,
        "observers": [
            str(pk) for pk in round_.round_observers.values_list("observer_id", flat=True)
        ],
    }
    form = RoundEditForm(
        request.POST or None, initial=initial, candidates=_observer_candidates(request, round_)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = editing.round_edit(actor=request.user, round_=round_, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            if changes:
                messages.success(request, _("The round was changed; the change is recorded."))
            return redirect("observations:round", round_.pk)
    return render(request, "provisioning/round_edit.html", {"round": round_, "form": form})


def _region_schools(network: Organisation):
    """Schools a network may take in: those of owners in the network's region."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.SCHOOL, parent__parent_id=network.parent_id
    ).select_related("parent")


@login_required
def network_members(request: HttpRequest, pk: int) -> HttpResponse:
    network = get_network_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE)
    members = NetworkMembership.objects.filter(network=network).select_related("school__parent")
    candidates = _region_schools(network).exclude(network_links__network=network)
    form = PickForm(request.POST or None, objects=candidates.order_by("name"), label=_("School"))
    if request.method == "POST" and form.is_valid():
        try:
            editing.network_member_add(network=network, school=form.cleaned_data["choice"])
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The school joined the network."))
            return redirect("provisioning:network_members", network.pk)
    ctx = {"network": network, "members": members.order_by("school__name"), "form": form}
    return render(request, "provisioning/network_members.html", ctx)


@require_POST
@login_required
def network_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    network = get_network_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE)
    membership = selectors.get_network_membership_for_user(
        user=request.user, pk=member_pk, network=network
    )
    editing.network_member_remove(membership=membership)
    messages.success(request, _("The school left the network."))
    return redirect("provisioning:network_members", network.pk)


def _network_people(network: Organisation, schools) -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(memberships__organisation__in=schools) | Q(memberships__organisation=network))
        .distinct()
        .order_by("full_name")
    )


@login_required
def conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    network = get_network_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE)
    schools = list(Organisation.objects.filter(network_links__network=network).order_by("name"))
    form = ConflictForm(
        request.POST or None, people=_network_people(network, schools), schools=schools
    )
    if request.method == "POST" and form.is_valid():
        try:
            editing.conflict_add(**form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The conflict of interest is recorded."))
            return redirect("provisioning:conflicts", network.pk)
    listed = ConflictOfInterest.objects.filter(school__in=schools).select_related("user", "school")
    ctx = {"network": network, "form": form, "conflicts": listed.order_by("school__name")}
    return render(request, "provisioning/conflicts.html", ctx)


@require_POST
@login_required
def conflict_remove(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    network = get_network_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE)
    conflict = selectors.get_conflict_of_interest_for_user(
        user=request.user, pk=conflict_pk, perm=Perm.PEER_REVIEW_COORDINATE, network=network
    )
    editing.conflict_remove(conflict=conflict)
    messages.success(request, _("The conflict of interest was removed."))
    return redirect("provisioning:conflicts", network.pk)


PAPERWORK = {
    "dpia": ("konsekvensbedomning-utkast", paperwork.dpia),
    "staff-information": ("information-till-personal-och-fack-utkast", paperwork.staff_information),
}


@login_required
def paperwork_view(request: HttpRequest, pk: int) -> HttpResponse:
    owner = get_owner_for_user(user=request.user, pk=pk)
    return render(request, "provisioning/paperwork.html", {"owner": owner})


@login_required
def paperwork_download(request: HttpRequest, pk: int, document: str) -> HttpResponse:
    owner = get_owner_for_user(user=request.user, pk=pk)
    if document not in PAPERWORK:
        raise Http404
    filename, build = PAPERWORK[document]
    response = HttpResponse(build(owner), content_type=odt.MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.odt"'
    return response


@login_required
def my_conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer declares their own conflicts of interest with the network's member schools
    (anyone with a role in the network or a member school; outsiders 404)."""
    network = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.VIEW)
    if network.kind != Organisation.Kind.NETWORK:
        raise Http404
    schools = list(Organisation.objects.filter(network_links__network=network).order_by("name"))
    form = PickForm(request.POST or None, objects=schools, label=_("School"))
    reason = (request.POST.get("reason") or "").strip()[:200]
    if request.method == "POST" and form.is_valid():
        editing.conflict_add(user=request.user, school=form.cleaned_data["choice"], reason=reason)
        messages.success(request, _("The conflict of interest is recorded."))
        return redirect("provisioning:my_conflicts", network.pk)
    listed = ConflictOfInterest.objects.filter(user=request.user, school__in=schools)
    ctx = {"network": network, "form": form, "conflicts": listed.select_related("school")}
    return render(request, "provisioning/my_conflicts.html", ctx)


@require_POST
@login_required
def my_conflict_remove(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    network = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.VIEW)
    conflict = selectors.get_own_conflict_of_interest_for_user(
        user=request.user, pk=conflict_pk, network=network
    )
    editing.conflict_remove(conflict=conflict)
    messages.success(request, _("The conflict of interest was removed."))
    return redirect("provisioning:my_conflicts", network.pk)

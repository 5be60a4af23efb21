"""Onboarding views: the SS 12000 import (file, API, CSV), its dry run and its progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm, get_organisation_for_user
from samsyn.accounts.models import Organisation
from samsyn.provisioning import csvformat, runs, selectors
from samsyn.provisioning.forms import ApiForm, UploadForm
from samsyn.provisioning.models import ImportRun
from samsyn.provisioning.problems import describe

SUMMARY_ORDER = [
    "schools_new",
    "schools_linked",
    "schools_updated",
    "people_new",
    "people_linked",
    "people_updated",
    "duties_new",
    "duties_updated",
    "duties_ended",
    "roles_given",
    "roles_ended",
    "details_filled",
    "problems",
]


def progress_text(run: ImportRun) -> str:
    """What the run is doing now, in words."""
    step, _sep, detail = run.progress_label.partition(":")
    if step == "read":
        return _("Reading %(what)s from the API: %(n)s records so far") % {
            "what": detail,
            "n": run.progress_done,
        }
    if step == "compare":
        return _("Comparing with what is stored: step %(done)s of %(total)s") % {
            "done": run.progress_done + 1,
            "total": run.progress_total,
        }
    if step == "save":
        return _("Saving everything in one transaction…")
    return _("Starting…")


def owner_for(request: HttpRequest, pk: int, perm: Perm = Perm.ORGANISATIONS_MANAGE):
    """The owner `pk` if the user may manage its organisations: 404 / 403 otherwise."""
    owner = get_organisation_for_user(user=request.user, pk=pk, perm=perm)
    if owner.kind != Organisation.Kind.OWNER:
        raise Http404
    return owner


@login_required
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    owner = owner_for(request, pk)
    upload_form = UploadForm()
    api_form = ApiForm()
    if request.method == "POST" and "file" in request.FILES:
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            run = runs.run_from_bytes(
                owner=owner, actor=request.user, name=upload.name, content=upload.read()
            )
            return redirect("provisioning:run", owner.pk, run.pk)
    elif request.method == "POST":
        api_form = ApiForm(request.POST)
        if api_form.is_valid():
            run = runs.run_from_api(owner=owner, actor=request.user, **api_form.cleaned_data)
            return redirect("provisioning:run", owner.pk, run.pk)
    ctx = {
        "owner": owner,
        "upload_form": upload_form,
        "api_form": api_form,
        "runs": ImportRun.objects.filter(owner=owner)[:10],
    }
    return render(request, "provisioning/import.html", ctx)


@login_required
def csv_template(request: HttpRequest, pk: int) -> HttpResponse:
    owner_for(request, pk)
    response = HttpResponse(csvformat.template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="samsyn-personal-mall.csv"'
    return response


def _run_context(owner: Organisation, run: ImportRun) -> dict:
    summary = run.summary or {}
    return {
        "owner": owner,
        "run": run,
        "summary": [(key, summary.get(key, 0)) for key in SUMMARY_ORDER if key in summary],
        "totals": summary,
        "problems": [describe(p) for p in run.problems[:500]],
        "more_problems": max(0, len(run.problems) - 500),
        "progress": progress_text(run),
        "has_changes": any(v for k, v in summary.items() if k != "problems"),
        "busy": run.status in (ImportRun.Status.READING, ImportRun.Status.SAVING),
    }


@login_required
def run_detail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    owner = owner_for(request, pk)
    run = selectors.get_import_run_for_user(user=request.user, pk=run_pk, owner=owner)
    return render(request, "provisioning/run.html", _run_context(owner, run))


@login_required
def run_progress(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """The progress fragment the run page polls while the run reads or saves."""
    owner = owner_for(request, pk)
    run = selectors.get_import_run_for_user(user=request.user, pk=run_pk, owner=owner)
    response = render(request, "provisioning/_progress.html", _run_context(owner, run))
    if run.status not in (ImportRun.Status.READING, ImportRun.Status.SAVING):
        response["HX-Refresh"] = "true"  # done: show the whole result
    return response


@require_POST
@login_required
def run_save(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    owner = owner_for(request, pk)
    run = selectors.get_import_run_for_user(user=request.user, pk=run_pk, owner=owner)
    runs.run_confirm(run=run)
    return redirect("provisioning:run", owner.pk, run.pk)

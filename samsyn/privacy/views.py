"""Data protection pages: access helper → form → selector/service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm
from samsyn.lib import pdf
from samsyn.privacy import personal, reads, records, research, selectors, services
from samsyn.privacy.forms import (
    PersonExportForm,
    ResearchRequestForm,
    ResearchReviewForm,
    RetentionForm,
    ReviewForm,
    SubjectRequestForm,
)
from samsyn.privacy.models import ResearchExport, SubjectRequest

FORMATS = ("json", "pdf")


def _pdf(request: HttpRequest, template: str, ctx: dict, filename: str) -> HttpResponse:
    return pdf.pdf_response(pdf.render_pdf(request, template, ctx), filename)


def _export_response(request: HttpRequest, user, fmt: str) -> HttpResponse:
    data = personal.personal_export(user)
    stamp = timezone.now().strftime("%Y%m%d")
    if fmt == "json":
        response = HttpResponse(
            personal.dumps(data), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="samsyn-data-{user.pk}-{stamp}.json"'
        )
        return response
    return _pdf(
        request, "privacy/export_print.html", {"data": data}, f"samsyn-data-{user.pk}-{stamp}.pdf"
    )


# --- right of access ----------------------------------------------------------------------
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    owners = selectors.owners_with_perm(request.user, Perm.PRIVACY_MANAGE)
    research_owners = selectors.owners_with_perm(request.user, Perm.RESEARCH_EXPORT_REQUEST)
    return render(
        request,
        "privacy/my_data.html",
        {"owners": owners, "research": bool(research_owners)},
    )


@login_required
def my_reads(request: HttpRequest) -> HttpResponse:
    """Who has read, exported or changed my individual data (my own audit trail)."""
    lines = reads.reads_for(user=request.user)
    return render(request, "privacy/my_reads.html", {"lines": lines, "limit": reads.LIMIT})


@login_required
def my_data_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    return _export_response(request, request.user, fmt)


@login_required
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The person confirms a corrected e-mail address, logged in as themselves: a link alone
    (in whoever's mailbox) changes nothing."""
    change = services.email_change_read(token=token, user=request.user)
    if change is None:
        raise Http404
    if request.method == "POST":
        try:
            services.email_change_confirm(token=token, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your e-mail address has been changed."))
        return redirect("privacy:my_data")
    return render(request, "privacy/email_confirm.html", {"change": change})


# --- the owner's pages --------------------------------------------------------------------
@login_required
def owner_overview(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    ctx = {
        "owner": owner,
        "export_form": PersonExportForm(owner=owner),
        "open_requests": selectors.requests_for(user=request.user, owner=owner).exclude(
            status__in=[SubjectRequest.Status.EXECUTED, SubjectRequest.Status.REJECTED]
        ),
        "pending_exports": selectors.research_exports_for_owner(
            user=request.user, owner=owner
        ).filter(status=ResearchExport.Status.PENDING),
        "preview": selectors.retention_preview(user=request.user, owner=owner),
    }
    return render(request, "privacy/owner.html", ctx)


@login_required
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    form = PersonExportForm(request.GET or None, owner=owner)
    if form.is_bound and form.is_valid():
        person = form.cleaned_data["person"]
        fmt = form.cleaned_data["format"]
        services.personal_export_audit(
            actor=request.user, subject=person, owner=owner, fmt=fmt, request=request
        )
        return _export_response(request, person, fmt)
    return render(request, "privacy/person_export.html", {"owner": owner, "form": form})


@login_required
def retention(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    form = RetentionForm(request.POST or None, owner=owner)
    if request.method == "POST" and form.is_valid():
        try:
            for entry, months, action in form.rows():
                services.retention_setting_save(
                    owner=owner,
                    record_type=entry.key,
                    months=form.cleaned_data[months.name],
                    action=form.cleaned_data[action.name],
                    actor=request.user,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Retention periods saved."))
            return redirect("privacy:retention", owner.pk)
    ctx = {
        "owner": owner,
        "form": form,
        "preview": selectors.retention_preview(user=request.user, owner=owner),
        "runs": selectors.retention_runs(user=request.user, owner=owner),
    }
    return render(request, "privacy/retention.html", ctx)


@login_required
@require_POST
def retention_run(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    run = services.retention_run(owners=[owner], actor=request.user)
    messages.success(
        request, _("Retention run finished: %(n)s records removed.") % {"n": run.removed}
    )
    return redirect("privacy:retention", owner.pk)


@login_required
def requests(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    form = SubjectRequestForm(request.POST or None, owner=owner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        is_erasure = data["kind"] == SubjectRequest.Kind.ERASURE
        try:
            req = services.request_create(
                owner=owner,
                actor=request.user,
                subject=data["person"],
                kind=data["kind"],
                scope=list(data["scope"]) if is_erasure else data["changes"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Request registered; review it below."))
            return redirect("privacy:request_detail", owner.pk, req.pk)
    ctx = {
        "owner": owner,
        "form": form,
        "requests": selectors.requests_for(user=request.user, owner=owner),
    }
    return render(request, "privacy/requests.html", ctx)


def _owner_request(request: HttpRequest, pk: int, request_pk: int):
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    req = selectors.requests_for(user=request.user, owner=owner).filter(pk=request_pk).first()
    if req is None:
        raise Http404
    return owner, req


@login_required
def request_detail(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    owner, req = _owner_request(request, pk, request_pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_review(
                request=req,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("privacy:request_detail", owner.pk, req.pk)
    scopes = dict(services.erasure_scopes())
    ctx = {
        "owner": owner,
        "req": req,
        "form": form,
        "result_lines": selectors.result_lines(user=request.user, request=req),
        "scope_labels": [scopes.get(key, key) for key in req.scope]
        if req.kind == SubjectRequest.Kind.ERASURE
        else [],
    }
    return render(request, "privacy/request_detail.html", ctx)


@login_required
@require_POST
def request_execute(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    owner, req = _owner_request(request, pk, request_pk)
    try:
        services.request_execute(request=req, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The request has been carried out."))
    return redirect("privacy:request_detail", owner.pk, req.pk)


@login_required
def records_page(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    return render(request, "privacy/records.html", {"record": records.controller_record(owner)})


@login_required
def records_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    return _pdf(
        request,
        "privacy/records_print.html",
        {"record": records.controller_record(owner)},
        f"samsyn-processing-{owner.pk}.pdf",
    )


# --- research exports ---------------------------------------------------------------------
@login_required
def research_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    ctx = {
        "owner": owner,
        "exports": selectors.research_exports_for_owner(user=request.user, owner=owner),
    }
    return render(request, "privacy/research_reviews.html", ctx)


@login_required
def research_review(request: HttpRequest, pk: int, export_pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(user=request.user, pk=pk)
    export = (
        selectors.research_exports_for_owner(user=request.user, owner=owner)
        .filter(pk=export_pk)
        .first()
    )
    if export is None:
        raise Http404
    form = ResearchReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.research_review(
                export=export,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                notes_approved=form.cleaned_data["notes_approved"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("privacy:research_reviews", owner.pk)
    ctx = {
        "owner": owner,
        "export": export,
        "form": form,
        "field_labels": [research.FIELDS[f] for f in export.fields if f in research.FIELDS],
    }
    return render(request, "privacy/research_review.html", ctx)


@login_required
def research_list(request: HttpRequest) -> HttpResponse:
    owners = selectors.owners_with_perm(request.user, Perm.RESEARCH_EXPORT_REQUEST)
    if not owners:
        raise Http404
    ctx = {"owners": owners, "exports": selectors.research_exports_of(request.user)}
    return render(request, "privacy/research_list.html", ctx)


@login_required
def research_create(request: HttpRequest, pk: int) -> HttpResponse:
    owner = selectors.get_owner_for_user(
        user=request.user, pk=pk, perm=Perm.RESEARCH_EXPORT_REQUEST
    )
    form = ResearchRequestForm(request.POST or None, owner=owner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.research_request_create(
                researcher=request.user,
                owner=owner,
                project=data["project"],
                purpose=data["purpose"],
                rounds=list(data["rounds"]),
                schools=list(data["schools"]),
                fields=list(data["fields"]),
                notes_requested=data["notes_requested"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Request sent to the owner for review."))
            return redirect("privacy:research_list")
    return render(request, "privacy/research_form.html", {"owner": owner, "form": form})


@login_required
def research_download(request: HttpRequest, export_pk: int, fmt: str) -> HttpResponse:
    export = selectors.research_export_for_researcher(request.user, export_pk)
    if fmt not in ("csv", "parquet") or export.status != ResearchExport.Status.APPROVED:
        raise Http404
    columns, rows, stats = research.build_rows(export)
    if fmt == "csv":
        body, content_type = research.to_csv(columns, rows), "text/csv; charset=utf-8"
    else:
        body, content_type = research.to_parquet(columns, rows), "application/vnd.apache.parquet"
    services.research_download_record(
        export=export, actor=request.user, file_format=fmt, stats=stats, request=request
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="samsyn-research-{export.pk}.{fmt}"'
    return response

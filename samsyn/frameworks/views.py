"""Frameworks: list, reader (+ PDF and JSON), import, and the draft editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm, perms_anywhere
from samsyn.frameworks import format as fmt
from samsyn.frameworks import selectors, services
from samsyn.frameworks.forms import (
    DimensionCreateForm,
    DimensionForm,
    FrameworkCreateForm,
    ImportForm,
    VersionForm,
)
from samsyn.frameworks.models import Framework, FrameworkVersion
from samsyn.lib import pdf

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _draft_for(request: HttpRequest, slug: str) -> tuple[Framework, FrameworkVersion]:
    framework = selectors.get_framework_for_user(
        user=request.user, slug=slug, perm=Perm.MANAGE_FRAMEWORKS
    )
    draft = selectors.draft_of(user=request.user, framework=framework)
    if draft is None:
        raise Http404
    return framework, draft


def _creation_options(request: HttpRequest) -> dict:
    organisations = selectors.manageable_organisations(request.user)
    if not organisations and not request.user.is_platform_admin:
        raise PermissionDenied
    return {"organisations": organisations, "allow_global": request.user.is_platform_admin}


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.frameworks_for_user(user=request.user)
    ctx = {"rows": rows, "perms_anywhere": perms_anywhere(request.user)}
    return render(request, "frameworks/list.html", ctx)


@login_required
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = selectors.get_framework_for_user(user=request.user, slug=slug)
    version = selectors.latest_published(user=request.user, framework=framework)
    if version is None:
        if Perm.MANAGE_FRAMEWORKS in selectors.framework_perms(request.user, framework):
            return redirect("frameworks:draft", slug=slug)
        raise Http404
    return _reader(request, framework, version)


@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    framework = selectors.get_framework_for_user(user=request.user, slug=slug)
    version = selectors.version_for_user(user=request.user, framework=framework, number=number)
    return _reader(request, framework, version)


def _reader(request: HttpRequest, framework: Framework, version: FrameworkVersion) -> HttpResponse:
    ctx = {
        "framework": framework,
        "version": version,
        "dimensions": selectors.version_content(user=request.user, version=version),
        "versions": framework.versions.filter(status="published").order_by("-number"),
        "can": selectors.framework_perms(request.user, framework),
        "draft": selectors.draft_of(user=request.user, framework=framework),
    }
    return render(request, "frameworks/reader.html", ctx)


@login_required
def version_pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    framework = selectors.get_framework_for_user(user=request.user, slug=slug)
    version = selectors.version_for_user(user=request.user, framework=framework, number=number)
    out = pdf.render_pdf(
        request,
        "frameworks/print.html",
        {
            "framework": framework,
            "version": version,
            "dimensions": selectors.version_content(user=request.user, version=version),
        },
    )
    return pdf.pdf_response(out, f"{slug}-v{number}.pdf")


@login_required
def version_export(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    framework = selectors.get_framework_for_user(user=request.user, slug=slug)
    version = selectors.version_for_user(user=request.user, framework=framework, number=number)
    response = HttpResponse(
        fmt.dumps(fmt.export_version(version)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-v{number}.json"'
    return response


@login_required
def framework_import(request: HttpRequest) -> HttpResponse:
    options = _creation_options(request)
    form = ImportForm(request.POST or None, request.FILES or None, **options)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 2 MB."))
        else:
            try:
                version = services.framework_import(
                    raw=upload.read(),
                    actor=request.user,
                    organisation=form.cleaned_data["organisation"],
                )
            except fmt.FrameworkFileError as error:
                errors = error.errors
            else:
                messages.success(
                    request,
                    _(
                        "The file was imported as a draft of version %(number)d. Check it, then publish."
                    )
                    % {"number": version.number},
                )
                return redirect("frameworks:draft", slug=version.framework.slug)
    return render(request, "frameworks/import.html", {"form": form, "errors": errors})


@login_required
def framework_create(request: HttpRequest) -> HttpResponse:
    options = _creation_options(request)
    form = FrameworkCreateForm(request.POST or None, **options)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.framework_create(
                actor=request.user,
                organisation=data["organisation"],
                slug=data["slug"],
                name_sv=data["name_sv"],
                name_en=data["name_en"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("frameworks:draft", slug=version.framework.slug)
    return render(request, "frameworks/create.html", {"form": form})


@require_POST
@login_required
def draft_create(request: HttpRequest, slug: str) -> HttpResponse:
    framework = selectors.get_framework_for_user(
        user=request.user, slug=slug, perm=Perm.MANAGE_FRAMEWORKS
    )
    version = services.version_new_draft(framework=framework, actor=request.user)
    messages.info(
        request,
        _("Version %(number)d is a draft copy of the published version. Edit it, then publish.")
        % {"number": version.number},
    )
    return redirect("frameworks:draft", slug=slug)


@login_required
def draft(request: HttpRequest, slug: str) -> HttpResponse:
    framework, version = _draft_for(request, slug)
    form = VersionForm(
        request.POST or None,
        initial={
            "languages": version.languages,
            "name_sv": version.name_sv,
            "name_en": version.name_en,
            "description_sv": version.description_sv,
            "description_en": version.description_en,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.version_update(version=version, languages=data.pop("languages"), **data)
        messages.success(request, _("Saved."))
        return redirect("frameworks:draft", slug=slug)
    ctx = {
        "framework": framework,
        "version": version,
        "form": form,
        "dimensions": selectors.version_content(user=request.user, version=version),
        "new_dimension": DimensionCreateForm(version=version),
        "problems": fmt.check(fmt.export_version(version)),
    }
    return render(request, "frameworks/draft.html", ctx)


@require_POST
@login_required
def dimension_create(request: HttpRequest, slug: str) -> HttpResponse:
    _framework, version = _draft_for(request, slug)
    form = DimensionCreateForm(request.POST, version=version)
    if form.is_valid():
        dimension = services.dimension_create(version=version, **form.cleaned_data)
        return redirect("frameworks:dimension", slug=slug, code=dimension.code)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("frameworks:draft", slug=slug)


@login_required
def dimension_edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    framework, version = _draft_for(request, slug)
    dimension = selectors.get_dimension_for_user(
        user=request.user, code=code, perm=Perm.MANAGE_FRAMEWORKS, version=version
    )
    form = DimensionForm(request.POST or None, dimension=dimension)
    if request.method == "POST" and form.is_valid():
        fields, steps = form.service_arguments()
        try:
            services.dimension_update(dimension=dimension, fields=fields, steps=steps)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dimension was saved."))
            return redirect("frameworks:draft", slug=slug)
    ctx = {"framework": framework, "version": version, "dimension": dimension, "form": form}
    return render(request, "frameworks/dimension.html", ctx)


@require_POST
@login_required
def dimension_action(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Move up/down, delete, add or remove a step: small edits from the draft page."""
    _framework, version = _draft_for(request, slug)
    dimension = selectors.get_dimension_for_user(
        user=request.user, code=code, perm=Perm.MANAGE_FRAMEWORKS, version=version
    )
    action = request.POST.get("action")
    try:
        if action == "up":
            services.dimension_move(dimension=dimension, offset=-1)
        elif action == "down":
            services.dimension_move(dimension=dimension, offset=1)
        elif action == "delete":
            services.dimension_delete(dimension=dimension)
            messages.success(request, _("The dimension was removed from the draft."))
        elif action == "add_step":
            services.step_add(dimension=dimension)
            return redirect("frameworks:dimension", slug=slug, code=code)
        elif action == "remove_step":
            services.step_remove_last(dimension=dimension)
            return redirect("frameworks:dimension", slug=slug, code=code)
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("frameworks:draft", slug=slug)


@login_required
def draft_preview(request: HttpRequest, slug: str) -> HttpResponse:
    framework, version = _draft_for(request, slug)
    ctx = {
        "framework": framework,
        "version": version,
        "dimensions": selectors.version_content(user=request.user, version=version),
    }
    return render(request, "frameworks/preview.html", ctx)


@require_POST
@login_required
def draft_publish(request: HttpRequest, slug: str) -> HttpResponse:
    _framework, version = _draft_for(request, slug)
    try:
        services.version_publish(version=version, actor=request.user)
    except fmt.FrameworkFileError as error:
        messages.error(
            request,
            _("Not published: %(count)d things need fixing first (listed on this page).")
            % {"count": len(error.errors)},
        )
        return redirect("frameworks:draft", slug=slug)
    messages.success(
        request,
        _("Version %(number)d is published. Rounds can now use it.") % {"number": version.number},
    )
    return redirect("frameworks:version", slug=slug, number=version.number)


@require_POST
@login_required
def draft_discard(request: HttpRequest, slug: str) -> HttpResponse:
    framework, version = _draft_for(request, slug)
    services.version_discard(version=version)
    messages.success(request, _("The draft was discarded."))
    if Framework.objects.filter(pk=framework.pk).exists():
        return redirect("frameworks:detail", slug=slug)
    return redirect("frameworks:list")

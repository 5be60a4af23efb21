"""Pages of development projects, supervision groups, final reports and the library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import (
    Perm,
    get_organisation_for_user,
    organisations_with_perm,
    permissions_at,
    perms_anywhere,
    refuse,
)
from samsyn.accounts.models import Organisation
from samsyn.improvement import cycle, selectors, services
from samsyn.improvement.forms import (
    CommentForm,
    CycleForm,
    EvidenceForm,
    GroupChoiceForm,
    GroupForm,
    GroupSessionForm,
    LibrarySearchForm,
    MeasureForm,
    PhaseForm,
    ProjectForm,
    PublishForm,
    ReportForm,
    ReviewForm,
    SessionForm,
    StepEvidenceForm,
    StepForm,
    StepStatusForm,
)
from samsyn.improvement.models import (
    Project,
    QualityCycle,
    Report,
)
from samsyn.improvement.report_figures import report_figures
from samsyn.indicators.selectors import organisation_municipality_code
from samsyn.lib import pdf
from samsyn.lib.forms import errors_to_messages as _error_messages


def _school(request: HttpRequest, pk: int) -> Organisation:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.PROJECTS_MANAGE)
    if org.kind != Organisation.Kind.SCHOOL:
        raise Http404
    return org


# ---------------------------------------------------------------- projects


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """One's development work: own and supervised projects, and where to start or follow more."""
    user = request.user
    schools = [
        org
        for org in organisations_with_perm(user, Perm.PROJECTS_MANAGE)
        if org.kind == Organisation.Kind.SCHOOL
    ]
    quality = [
        org
        for org in organisations_with_perm(user, Perm.QUALITY_CYCLE_VIEW)
        if org.kind in (Organisation.Kind.SCHOOL, Organisation.Kind.OWNER)
    ]
    ctx = {
        "projects": selectors.projects_for_user(user),
        "schools": schools,
        "quality": quality,
        # Only whether to link the groups page: the groups themselves are listed there.
        "supervises_groups": user.supervision_groups.exists(),
        "perms_anywhere": perms_anywhere(user),
    }
    return render(request, "improvement/project_list.html", ctx)


@login_required
def school_projects(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    ctx = {"org": school, "projects": selectors.projects_at(user=request.user, school=school)}
    return render(request, "improvement/school_projects.html", ctx)


@login_required
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    form = ProjectForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        project = services.project_create(
            school=school, lead=request.user, title=data.pop("title"), **data
        )
        messages.success(request, _("The project is created. Link the evidence it starts from."))
        return redirect("improvement:project", project.pk)
    return render(request, "improvement/project_form.html", {"org": school, "form": form})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(user=request.user, pk=pk)
    report = Report.objects.filter(project=project).first()
    ctx = {
        "can": selectors.project_perms(request.user, project),
        "project": project,
        "evidence": project.evidence.all(),
        "openable_rounds": _openable_rounds(request, project),
        "measures": project.measures.all(),
        "sessions": project.sessions.prefetch_related("participants"),
        "comments": project.comments.select_related("author"),
        "phases": project.phase_changes.all(),
        "staff": project.staff.order_by("full_name"),
        "report": report,
        "dimension": dict(selectors.dimension_choices()).get(project.dimension_code, ""),
        # An indicator's page needs the municipality its figures are about (else it is a 404).
        "indicator_pages": _indicator_pages(request, project.school),
        "phase_form": PhaseForm(initial={"phase": project.phase}),
        "comment_form": CommentForm(),
        "group_form": GroupChoiceForm(school=project.school, initial={"group": project.group_id}),
    }
    return render(request, "improvement/project_detail.html", ctx)


def _indicator_pages(request: HttpRequest, school: Organisation) -> bool:
    """Whether the school's indicator pages open for this reader: they may see the school's
    statistics and the school (or its owner) has a municipality code."""
    if Perm.INDICATORS_VIEW not in permissions_at(request.user, school):
        return False
    return bool(organisation_municipality_code(user=request.user, organisation=school))


def _openable_rounds(request: HttpRequest, project) -> set[int]:
    """The project's evidence rounds the reader plans, whose pages they may open (a round of
    the school's owner is evidence for the school, but its page is its planners')."""
    from samsyn.observations.models import Round

    ids = [e.round_id for e in project.evidence.all() if e.kind == "round" and e.round_id]
    rounds = Round.objects.filter(pk__in=ids, is_peer=False).select_related("organisation")
    return {
        r.pk for r in rounds if Perm.MANAGE_ROUNDS in permissions_at(request.user, r.organisation)
    }


def _manage(request: HttpRequest, pk: int) -> Project:
    return selectors.get_project_for_user(user=request.user, pk=pk, perm=Perm.PROJECTS_MANAGE)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _manage(request, pk)
    form = ProjectForm(request.POST or None, instance=project, school=project.school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        staff = data.pop("staff")
        services.project_update(project=project, staff=staff, **data)
        messages.success(request, _("The project is saved."))
        return redirect("improvement:project", project.pk)
    return render(
        request,
        "improvement/project_form.html",
        {"org": project.school, "form": form, "project": project},
    )


@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _manage(request, pk)
    form = EvidenceForm(request.POST or None, school=project.school)
    if request.method == "POST" and form.is_valid():
        services.project_evidence_add(
            project=project, note=form.cleaned_data["note"], **form.cleaned_data["link"]
        )
        messages.success(request, _("The evidence is linked to the starting analysis."))
        return redirect("improvement:project", project.pk)
    return render(request, "improvement/evidence_form.html", {"project": project, "form": form})


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    project = _manage(request, pk)
    evidence = selectors.get_evidence_for_user(user=request.user, pk=evidence_pk, project=project)
    services.project_evidence_remove(evidence=evidence)
    messages.success(request, _("The link is removed."))
    return redirect("improvement:project", project.pk)


@login_required
def measure_edit(request: HttpRequest, pk: int, measure_pk: int | None = None) -> HttpResponse:
    project = _manage(request, pk)
    measure = (
        selectors.get_measure_for_user(user=request.user, pk=measure_pk, project=project)
        if measure_pk
        else None
    )
    form = MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        services.measure_save(project=project, measure=measure, **form.cleaned_data)
        messages.success(request, _("The follow-up measure is saved."))
        return redirect("improvement:project", project.pk)
    return render(
        request,
        "improvement/measure_form.html",
        {"project": project, "form": form, "measure": measure},
    )


@login_required
@require_POST
def phase_set(request: HttpRequest, pk: int) -> HttpResponse:
    project = _manage(request, pk)
    form = PhaseForm(request.POST)
    if form.is_valid():
        services.project_phase_set(
            project=project,
            phase=form.cleaned_data["phase"],
            on=form.cleaned_data["on"],
            actor=request.user,
        )
        messages.success(request, _("The phase is changed."))
    else:
        messages.error(request, _("Choose a phase and a date."))
    return redirect("improvement:project", project.pk)


@login_required
@require_POST
def group_set(request: HttpRequest, pk: int) -> HttpResponse:
    project = _manage(request, pk)
    form = GroupChoiceForm(request.POST, school=project.school)
    if form.is_valid():
        services.project_group_set(project=project, group=form.cleaned_data["group"])
        messages.success(request, _("The supervision group is saved."))
    else:
        messages.error(request, _("Choose one of the supervision groups."))
    return redirect("improvement:project", project.pk)


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(user=request.user, pk=pk, perm=Perm.PROJECTS_FOLLOW)
    form = SessionForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        services.session_log(project=project, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The session is in the log."))
        return redirect("improvement:project", project.pk)
    return render(request, "improvement/session_form.html", {"project": project, "form": form})


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(user=request.user, pk=pk, perm=Perm.PROJECTS_FOLLOW)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(project=project, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The comment is saved."))
    else:
        messages.error(request, _("Write a comment."))
    return redirect("improvement:project", project.pk)


# ---------------------------------------------------------------- final report


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _manage(request, pk)
    report = services.report_start(project=project, language=request.LANGUAGE_CODE[:2])
    if report.status == Report.Status.PUBLISHED:
        return redirect("improvement:report", project.pk)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        services.report_save(report=report, **form.cleaned_data)
        messages.success(request, _("The report is saved."))
        return redirect("improvement:report", project.pk)
    return render(request, "improvement/report_form.html", {"project": project, "form": form})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(user=request.user, pk=pk)
    can = selectors.project_perms(request.user, project)
    report = Report.objects.filter(project=project).first()
    if report is None:
        if Perm.PROJECTS_MANAGE in can:
            return redirect("improvement:report_edit", pk)
        raise Http404
    ctx = {
        "can": can,
        "project": project,
        "report": report,
        "sections": _sections(report),
        "measures": project.measures.all(),
        "review_form": ReviewForm(),
        "publish_form": PublishForm(),
    }
    return render(request, "improvement/report_detail.html", ctx)


def _sections(report: Report) -> list[tuple[str, str]]:
    return [
        (str(Report._meta.get_field(name).verbose_name), getattr(report, name))
        for name in Report.SECTIONS
    ]


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _manage(request, pk)
    report = selectors.get_report_for_user(
        user=request.user, project=project, perm=Perm.PROJECTS_MANAGE
    )
    try:
        services.report_submit(report=report)
        messages.success(request, _("The report is sent to the supervisor for review."))
    except ValidationError as error:
        _error_messages(request, error)
    return redirect("improvement:report", project.pk)


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(user=request.user, pk=pk, perm=Perm.PROJECTS_SUPERVISE)
    report = selectors.get_report_for_user(
        user=request.user, project=project, perm=Perm.PROJECTS_SUPERVISE
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or ask for changes."))
        return redirect("improvement:report", pk)
    try:
        services.report_review(
            report=report,
            reviewer=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Your review is saved."))
    except ValidationError as error:
        _error_messages(request, error)
    return redirect("improvement:report", pk)


@login_required
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    project = _manage(request, pk)
    report = selectors.get_report_for_user(
        user=request.user, project=project, perm=Perm.PROJECTS_MANAGE
    )
    if project.lead_id != request.user.pk:
        # Consent is the author's: another principal of the school cannot give it.
        raise PermissionDenied
    form = PublishForm(request.POST)
    try:
        entry = services.report_publish(report=report, actor=request.user, consent=form.is_valid())
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("improvement:report", pk)
    messages.success(request, _("The report is published in the library."))
    return redirect("improvement:library_entry", entry.pk)


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = Report.objects.filter(project_id=pk).select_related("project__school").first()
    if report is not None and report.status == Report.Status.PUBLISHED:
        project = report.project  # published: shared with every signed-in person
    else:
        project = selectors.get_project_for_user(user=request.user, pk=pk)
        if report is None:
            raise Http404
    out = pdf.render_pdf(
        request,
        "improvement/report_pdf.html",
        {
            "project": project,
            "report": report,
            "sections": _sections(report),
            "measures": project.measures.all(),
        },
    )
    return pdf.pdf_response(out, f"{slugify(project.title) or 'report'}.pdf", inline=True)


# ---------------------------------------------------------------- supervision groups


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    ctx = {
        "groups": selectors.groups_for_user(request.user),
        "organisations": organisations_with_perm(request.user, Perm.PROJECTS_SUPERVISE),
    }
    return render(request, "improvement/group_list.html", ctx)


@login_required
def group_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.PROJECTS_SUPERVISE)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.group_create(
            organisation=org, supervisor=request.user, name=form.cleaned_data["name"]
        )
        messages.success(
            request,
            _("The group is created. Principals of %(org)s can now join it with their projects.")
            % {"org": org.name},
        )
        return redirect("improvement:group", group.pk)
    return render(request, "improvement/group_form.html", {"org": org, "form": form})


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_access(request.user, pk)
    form = GroupSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.group_session_plan(group=group, **form.cleaned_data)
        messages.success(request, _("The session is planned."))
        return redirect("improvement:group", group.pk)
    projects = group.projects.select_related("school", "lead").prefetch_related("sessions")
    ctx = {
        "group": group,
        "projects": projects,
        "planned": group.planned_sessions.all(),
        "form": form,
    }
    return render(request, "improvement/group_detail.html", ctx)


# ---------------------------------------------------------------- library


@login_required
def library(request: HttpRequest) -> HttpResponse:
    form = LibrarySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.library_search(
        user=request.user,
        query=filters.get("q", ""),
        school_form=filters.get("school_form", ""),
        area=filters.get("area", ""),
        dimension=filters.get("dimension", ""),
    )
    dimensions = dict(selectors.dimension_choices())
    entries = list(entries[:50])
    for entry in entries:
        entry.dimension_name = dimensions.get(entry.dimension_code, "")
    ctx = {"form": form, "entries": entries, "query": filters.get("q", "")}
    return render(request, "improvement/library.html", ctx)


@login_required
def library_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_library_entry_for_user(user=request.user, pk=pk, perm=Perm.LIBRARY_READ)
    ctx = {
        "entry": entry,
        "related": selectors.related_entries(user=request.user, entry=entry),
        "dimension": dict(selectors.dimension_choices()).get(entry.dimension_code, ""),
    }
    return render(request, "improvement/library_entry.html", ctx)


# ---------------------------------------------------------------- annual quality cycle


def _cycle(request: HttpRequest, pk: int, perm: Perm) -> QualityCycle:
    return selectors.get_cycle_for_user(user=request.user, pk=pk, perm=perm)


@login_required
def cycle_list(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.QUALITY_CYCLE_VIEW)
    if org.kind == Organisation.Kind.OWNER:
        owner = org
    elif org.kind == Organisation.Kind.SCHOOL and org.parent_id:
        owner = org.parent
    else:
        raise Http404
    can = permissions_at(request.user, owner)
    form = CycleForm(
        request.POST or None,
        initial={
            "year": timezone.localdate().year,
            "title": _("Systematic quality work %(year)s") % {"year": timezone.localdate().year},
        },
    )
    if request.method == "POST":
        if Perm.QUALITY_CYCLE_MANAGE not in can:
            raise PermissionDenied
        if form.is_valid():
            try:
                created = cycle.cycle_create(
                    owner=owner,
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                    actor=request.user,
                    template=form.cleaned_data["template"],
                )
            except ValidationError as error:
                form.add_error("year", error.messages[0])
            else:
                messages.success(request, _("The quality cycle is created."))
                return redirect("improvement:cycle", created.pk)
    ctx = {
        "org": org,
        "owner": owner,
        "cycles": QualityCycle.objects.filter(owner=owner).annotate(step_count=Count("steps")),
        "can": can,
        "form": form,
        "school": org if org.kind == Organisation.Kind.SCHOOL else None,
    }
    return render(request, "improvement/cycle_list.html", ctx)


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quality = _cycle(request, pk, Perm.QUALITY_CYCLE_VIEW)
    ctx = {
        "cycle": quality,
        "months": cycle.months(quality),
        "schools": cycle.status_by_school(quality),
        "can": permissions_at(request.user, quality.owner),
        "today": timezone.localdate(),
    }
    return render(request, "improvement/cycle_detail.html", ctx)


@login_required
def cycle_school(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    quality = QualityCycle.objects.filter(pk=pk).select_related("owner").first()
    if quality is None:
        raise Http404
    school = get_organisation_for_user(
        user=request.user, pk=school_pk, perm=Perm.QUALITY_CYCLE_VIEW
    )
    if school.parent_id != quality.owner_id:
        raise Http404
    ctx = {
        "cycle": quality,
        "school": school,
        "steps": cycle.steps_for_school(quality, school),
        "can": permissions_at(request.user, school),
        "status_form": StepStatusForm(),
        "today": timezone.localdate(),
    }
    return render(request, "improvement/cycle_school.html", ctx)


@login_required
def step_edit(request: HttpRequest, pk: int, step_pk: int | None = None) -> HttpResponse:
    quality = _cycle(request, pk, Perm.QUALITY_CYCLE_MANAGE)
    step = (
        selectors.get_cycle_step_for_user(user=request.user, pk=step_pk, cycle_pk=quality.pk)
        if step_pk
        else None
    )
    form = StepForm(request.POST or None, instance=step, cycle=quality)
    if request.method == "POST" and form.is_valid():
        cycle.step_save(cycle=quality, step=step, **form.cleaned_data)
        messages.success(request, _("The step is saved."))
        return redirect("improvement:cycle", quality.pk)
    ctx = {"cycle": quality, "form": form, "step": step}
    return render(request, "improvement/step_form.html", ctx)


@login_required
@require_POST
def step_remove(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    quality = _cycle(request, pk, Perm.QUALITY_CYCLE_MANAGE)
    cycle.step_remove(
        step=selectors.get_cycle_step_for_user(user=request.user, pk=step_pk, cycle_pk=quality.pk)
    )
    messages.success(request, _("The step is removed."))
    return redirect("improvement:cycle", quality.pk)


@login_required
@require_POST
def step_status(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    """The owner marks a step; a school's principal marks their school's part of it."""
    # Anyone with a role reaching the owner gets this far (the checks below decide); everyone
    # else 404, as for a cycle or step that does not exist.
    step = selectors.get_cycle_step_for_user(
        user=request.user, pk=step_pk, cycle_pk=pk, perm=Perm.VIEW
    )
    quality = step.cycle
    school = None
    if request.POST.get("school"):
        school = get_organisation_for_user(
            user=request.user, pk=int(request.POST["school"]), perm=Perm.VIEW
        )
        if school.parent_id != quality.owner_id:
            raise Http404
        perms = permissions_at(request.user, school)
        if not (Perm.QUALITY_CYCLE_MANAGE in perms or Perm.PROJECTS_MANAGE in perms):
            refuse(request.user, quality.owner)
        back = reverse("improvement:cycle_school", args=[quality.pk, school.pk])
    else:
        perms = permissions_at(request.user, quality.owner)
        if Perm.QUALITY_CYCLE_MANAGE not in perms and step.responsible_id != request.user.pk:
            refuse(request.user, quality.owner, perms)
        back = reverse("improvement:cycle", args=[quality.pk])
    form = StepStatusForm(request.POST)
    if form.is_valid():
        try:
            cycle.step_status_set(step=step, school=school, **form.cleaned_data)
            messages.success(request, _("The status is saved."))
        except ValidationError as error:
            _error_messages(request, error)
    else:
        messages.error(request, _("Choose a status."))
    return redirect(back)


@login_required
def step_evidence(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    quality = _cycle(request, pk, Perm.QUALITY_CYCLE_MANAGE)
    step = selectors.get_cycle_step_for_user(user=request.user, pk=step_pk, cycle_pk=quality.pk)
    form = StepEvidenceForm(request.POST or None, owner=quality.owner)
    if request.method == "POST" and form.is_valid():
        cycle.step_evidence_add(step=step, **form.cleaned_data["link"])
        messages.success(request, _("The evidence is linked to the step."))
        return redirect("improvement:cycle", quality.pk)
    return render(
        request, "improvement/step_evidence.html", {"cycle": quality, "step": step, "form": form}
    )


@login_required
def cycle_report(request: HttpRequest, pk: int) -> HttpResponse:
    quality = _cycle(request, pk, Perm.QUALITY_CYCLE_VIEW)
    ctx = cycle.annual_report(quality)
    ctx["figures"] = report_figures(quality, request.user)
    out = pdf.render_pdf(request, "improvement/cycle_report.html", ctx)
    return pdf.pdf_response(out, f"quality-report-{quality.year}.pdf", inline=True)


@login_required
def cycle_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The annual quality report as a page, with the same figures as the PDF."""
    quality = _cycle(request, pk, Perm.QUALITY_CYCLE_VIEW)
    ctx = cycle.annual_report(quality)
    ctx["figures"] = report_figures(quality, request.user)
    return render(request, "improvement/cycle_report_page.html", ctx)

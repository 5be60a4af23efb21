"""Writes for development projects, supervision, final reports and the library.

Callers have checked access (see `selectors.project_access`). Every write is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.accounts.models import Organisation, User
from samsyn.improvement import search
from samsyn.improvement.models import (
    Comment,
    Evidence,
    GroupSession,
    LibraryEntry,
    Measure,
    PhaseChange,
    Project,
    Report,
    SupervisionGroup,
    SupervisionSession,
)

REPORT_SOURCE = "improvement.report"


# ---------------------------------------------------------------- projects


@transaction.atomic
def project_create(*, school: Organisation, lead: User, title: str, **fields) -> Project:
    if school.kind != Organisation.Kind.SCHOOL:
        raise ValidationError(_("A development project belongs to a school."))
    staff = fields.pop("staff", None)
    project = Project.objects.create(school=school, lead=lead, title=title, **fields)
    if staff is not None:
        project.staff.set(staff)
    PhaseChange.objects.create(
        project=project, phase=project.phase, on=timezone.localdate(), by=lead
    )
    return project


@transaction.atomic
def project_update(*, project: Project, staff: Iterable[User] | None = None, **fields) -> Project:
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    if staff is not None:
        project.staff.set(staff)
    return project


@transaction.atomic
def project_phase_set(*, project: Project, phase: str, on: date, actor: User) -> PhaseChange:
    if phase not in Project.Phase.values:
        raise ValidationError({"phase": _("Choose one of the phases.")})
    project.phase = phase
    project.save(update_fields=["phase", "updated_at"])
    return PhaseChange.objects.create(project=project, phase=phase, on=on, by=actor)


@transaction.atomic
def project_evidence_add(
    *,
    project: Project,
    kind: str,
    label: str,
    note: str = "",
    indicator_code: str = "",
    round=None,
    survey=None,
) -> Evidence:
    if round is not None and round.is_peer:
        # A triad's peer observations never reach school leadership.
        raise ValidationError(_("Peer observations within a triad cannot be linked."))
    return Evidence.objects.create(
        project=project,
        kind=kind,
        label=label,
        note=note,
        indicator_code=indicator_code,
        round=round,
        survey=survey,
    )


@transaction.atomic
def project_evidence_remove(*, evidence: Evidence) -> None:
    evidence.delete()


@transaction.atomic
def measure_save(*, project: Project, measure: Measure | None = None, **fields) -> Measure:
    measure = measure or Measure(project=project)
    for name, value in fields.items():
        setattr(measure, name, value)
    measure.save()
    return measure


@transaction.atomic
def measure_remove(*, measure: Measure) -> None:
    measure.delete()


@transaction.atomic
def project_group_set(*, project: Project, group: SupervisionGroup | None) -> Project:
    project.group = group
    project.save(update_fields=["group", "updated_at"])
    return project


@transaction.atomic
def session_log(
    *,
    project: Project,
    actor: User,
    held_on: date,
    kind: str,
    participants: Iterable[User] = (),
    other_participants: str = "",
    notes: str = "",
    decisions: str = "",
    literature: str = "",
) -> SupervisionSession:
    session = SupervisionSession.objects.create(
        project=project,
        created_by=actor,
        held_on=held_on,
        kind=kind,
        other_participants=other_participants,
        notes=notes,
        decisions=decisions,
        literature=literature,
    )
    session.participants.set(participants)
    return session


@transaction.atomic
def comment_add(*, project: Project, author: User, text: str) -> Comment:
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    return Comment.objects.create(project=project, author=author, text=text.strip())


# ---------------------------------------------------------------- supervision groups


@transaction.atomic
def group_create(*, organisation: Organisation, supervisor: User, name: str) -> SupervisionGroup:
    return SupervisionGroup.objects.create(
        organisation=organisation, supervisor=supervisor, name=name
    )


@transaction.atomic
def group_session_plan(
    *, group: SupervisionGroup, planned_on: date, place: str = "", agenda: str = ""
) -> GroupSession:
    return GroupSession.objects.create(
        group=group, planned_on=planned_on, place=place, agenda=agenda
    )


# ---------------------------------------------------------------- final report


def _number(value) -> str:
    return "–" if value is None else floatformat(value, -2)


def measure_line(measure: Measure) -> str:
    """One measure with its baseline, target, outcome and how sure we are."""
    parts = [
        _("baseline %(value)s") % {"value": _number(measure.baseline)},
        _("target %(value)s") % {"value": _number(measure.target)},
        _("outcome %(value)s") % {"value": _number(measure.outcome)},
    ]
    if measure.interval_low is not None and measure.interval_high is not None:
        parts.append(
            _("95%% interval %(low)s to %(high)s")
            % {"low": _number(measure.interval_low), "high": _number(measure.interval_high)}
        )
    if measure.n:
        parts.append(_("n = %(n)s") % {"n": measure.n})
    elif measure.outcome is not None:
        parts.append(_("number measured not given"))
    if measure.measured_on:
        parts.append(date_format(measure.measured_on))
    return f"{measure.name}: " + ", ".join(parts)


def report_draft_texts(project: Project) -> dict[str, str]:
    """The report's sections pre-filled from the project's own material."""
    evidence = [f"– {e.label}" + (f": {e.note}" if e.note else "") for e in project.evidence.all()]
    background = "\n".join([project.analysis, *evidence]).strip()
    area = "\n\n".join(
        part
        for part in [
            project.get_area_display(),
            project.area_description,
            _("Question: %(question)s") % {"question": project.question}
            if project.question
            else "",
        ]
        if part
    )
    staff = project.staff.count()
    method = "\n\n".join(
        part
        for part in [
            project.methods,
            ngettext("Staff group: %(n)s person.", "Staff group: %(n)s people.", staff)
            % {"n": staff}
            if staff
            else "",
        ]
        if part
    )
    sessions = [
        f"{date_format(s.held_on)} ({s.get_kind_display()})"
        + (f": {s.decisions}" if s.decisions else "")
        for s in project.sessions.order_by("held_on", "pk")
    ]
    what_happened = "\n".join(sessions)
    results = "\n".join(measure_line(m) for m in project.measures.all())
    return {
        "background": background,
        "area": area,
        "method": method,
        "what_happened": what_happened,
        "results": results,
    }


@transaction.atomic
def report_start(*, project: Project, language: str = "sv") -> Report:
    """The project's report, created with the sections pre-filled on first call."""
    existing = Report.objects.filter(project=project).first()
    if existing is not None:
        return existing
    with translation.override(language):
        texts = report_draft_texts(project)
    return Report.objects.create(project=project, language=language, **texts)


@transaction.atomic
def report_save(*, report: Report, **fields) -> Report:
    if report.status == Report.Status.PUBLISHED:
        raise ValidationError(_("A published report can no longer be edited."))
    for name, value in fields.items():
        setattr(report, name, value)
    if report.status == Report.Status.APPROVED:
        # Changed after approval: the supervisor reviews it again.
        report.status = Report.Status.DRAFT
    report.save()
    return report


@transaction.atomic
def report_submit(*, report: Report) -> Report:
    if report.status not in (Report.Status.DRAFT, Report.Status.CHANGES):
        raise ValidationError(_("Only a draft can be submitted for review."))
    missing = [
        str(Report._meta.get_field(name).verbose_name)
        for name in Report.SECTIONS
        if not getattr(report, name).strip()
    ]
    if missing:
        raise ValidationError(
            _("Write every section before submitting; missing: %(fields)s.")
            % {"fields": ", ".join(missing)}
        )
    if report.project.group_id is None:
        raise ValidationError(
            _("Join a supervision group first: the supervisor reviews the report.")
        )
    report.status = Report.Status.SUBMITTED
    report.save(update_fields=["status", "updated_at"])
    return report


@transaction.atomic
def report_review(*, report: Report, reviewer: User, approve: bool, comment: str = "") -> Report:
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    report.status = Report.Status.APPROVED if approve else Report.Status.CHANGES
    report.review_comment = comment.strip()
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.save()
    return report


def report_sections(report: Report) -> list[dict]:
    """The written sections with their headings in the report's language."""
    with translation.override(report.language):
        return [
            {
                "heading": str(Report._meta.get_field(name).verbose_name).capitalize(),
                "text": getattr(report, name).strip(),
            }
            for name in Report.SECTIONS
            if getattr(report, name).strip()
        ]


def report_body(sections: list[dict]) -> str:
    """The report's plain text (for search) from its `report_sections`."""
    return "\n\n".join(f"{s['heading']}\n{s['text']}" for s in sections)


def report_evidence(report: Report) -> list[dict]:
    project = report.project
    with translation.override(report.language):
        rows = [
            {"label": m.name, "detail": measure_line(m).split(": ", 1)[1]}
            for m in project.measures.all()
        ]
        rows += [{"label": e.label, "detail": e.get_kind_display()} for e in project.evidence.all()]
    return rows


@transaction.atomic
def report_publish(*, report: Report, actor: User, consent: bool) -> LibraryEntry:
    if report.status not in (Report.Status.APPROVED, Report.Status.PUBLISHED):
        raise ValidationError(_("The supervisor must approve the report before it is published."))
    if not consent:
        raise ValidationError({"consent": _("Publishing needs your consent as the author.")})
    project = report.project
    now = timezone.now()
    report.status = Report.Status.PUBLISHED
    report.consent_at = report.consent_at or now
    report.published_at = report.published_at or now
    report.save()
    if project.phase != Project.Phase.FINISHED:
        project_phase_set(
            project=project, phase=Project.Phase.FINISHED, on=timezone.localdate(), actor=actor
        )
    sections = report_sections(report)
    return library_entry_publish(
        kind=LibraryEntry.Kind.REPORT,
        source=REPORT_SOURCE,
        source_id=report.pk,
        title=project.title,
        summary=report.summary or report.background[:400],
        body=report_body(sections),
        sections=sections,
        language=report.language,
        school_form=project.school_form,
        area=project.area,
        dimension_code=project.dimension_code,
        organisation=project.school,
        evidence=report_evidence(report),
        url=reverse("improvement:report_pdf", args=[project.pk]),
        published_by=actor,
    )


# ---------------------------------------------------------------- library


@transaction.atomic
def library_entry_publish(
    *,
    kind: str,
    source: str,
    source_id: int,
    title: str,
    body: str,
    language: str = "sv",
    summary: str = "",
    school_form: str = "",
    area: str = "",
    dimension_code: str = "",
    organisation: Organisation | None = None,
    evidence: list[dict] | None = None,
    url: str = "",
    published_by: User | None = None,
    related: Iterable[LibraryEntry] = (),
    sections: list[dict] | None = None,
) -> LibraryEntry:
    """Publish (or republish) a piece of proven experience to the library.

    Other apps feed the library with this: `source` names the origin ("networks.excellence"),
    `source_id` its row, so publishing again updates the same entry. `evidence` is a list of
    {"label": ..., "detail": ...} shown with the entry; `sections`, optional, a list of
    {"heading": ..., "text": ...} shown instead of `body` (which is still what is searched,
    with the summary and evidence). Published means shared with every
    signed-in person, so pass nothing that identifies a teacher.
    """
    if language not in search.STEMMERS:
        raise ValidationError({"language": _("Choose Swedish or English.")})
    entry = LibraryEntry.objects.filter(source=source, source_id=source_id).first()
    entry = entry or LibraryEntry(source=source, source_id=source_id, published_at=timezone.now())
    entry.kind = kind
    entry.title = title
    entry.summary = summary
    entry.body = body
    entry.language = language
    entry.school_form = school_form
    entry.area = area
    entry.dimension_code = dimension_code
    entry.organisation = organisation
    entry.organisation_name = _organisation_name(organisation)
    entry.evidence = evidence or []
    entry.sections = sections or []
    entry.url = url
    entry.published_by = published_by
    entry.search_text = "\n".join(
        part
        for part in [summary, body, entry.organisation_name, *_evidence_texts(entry.evidence)]
        if part
    )
    entry.save()
    if related:
        entry.related.add(*related)
    search.index_entry(entry)
    return entry


@transaction.atomic
def library_entry_withdraw(*, source: str, source_id: int) -> None:
    """Take an entry out of the library (its source was withdrawn or deleted)."""
    for entry in LibraryEntry.objects.filter(source=source, source_id=source_id):
        search.unindex_entry(entry.pk)
        entry.delete()


def _organisation_name(organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    if organisation.parent_id:
        parent = Organisation.objects.filter(pk=organisation.parent_id).first()
        if parent is not None and parent.kind == Organisation.Kind.OWNER:
            return f"{organisation.name}, {parent.name}"
    return organisation.name


def _evidence_texts(evidence: list[dict]) -> list[str]:
    return [f"{row.get('label', '')} {row.get('detail', '')}".strip() for row in evidence]

"""Writes for data protection: retention, subject requests, research exports.

Every service runs in one transaction: a failure leaves nothing half-done.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, has_perm
from samsyn.accounts.models import AuditEvent, Membership, Organisation, User
from samsyn.accounts.services import audit_record, sessions_end_for_user
from samsyn.observations.models import Round
from samsyn.privacy import registry, selectors
from samsyn.privacy.models import (
    ResearchExport,
    RetainedAggregate,
    RetentionRun,
    RetentionSetting,
    SubjectRequest,
)

ACCOUNT_SCOPE = "account"
RECTIFIABLE_FIELDS = ("full_name", "email", "language")


# --- retention ----------------------------------------------------------------------------
@transaction.atomic
def retention_setting_save(
    *, owner: Organisation, record_type: str, months: int | None, action: str, actor: User
) -> RetentionSetting | None:
    """Set (or, with `months` None, remove) the owner's retention period for a record type."""
    if record_type not in registry.RECORD_TYPES:
        raise ValidationError({"record_type": _("Unknown record type.")})
    existing = RetentionSetting.objects.filter(owner=owner, record_type=record_type).first()
    if months is None:
        if existing is not None:
            existing.delete()
            _audit_owner(actor, owner, "retention", f"{record_type}: no period")
        return None
    setting = existing or RetentionSetting(owner=owner, record_type=record_type)
    setting.months = months
    setting.action = action
    setting.updated_by = actor
    setting.full_clean()
    setting.save()
    _audit_owner(actor, owner, "retention", f"{record_type}: {months} months, {action}")
    return setting


def _audit_owner(actor: User | None, owner: Organisation, what: str, detail: str) -> None:
    if actor is not None:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type=f"privacy.{what}",
            object_id=owner.pk,
            organisation=owner,
            detail=detail,
        )
    else:
        AuditEvent.objects.create(
            actor=None,
            actor_label="samsyn retention",
            action=AuditEvent.Action.CHANGE,
            organisation=owner,
            object_type=f"privacy.{what}",
            object_id=str(owner.pk),
            detail=detail[:500],
        )


def retention_run(
    *,
    dry_run: bool = False,
    actor: User | None = None,
    owners: list[Organisation] | None = None,
    now: dt.datetime | None = None,
) -> RetentionRun:
    """Remove (or aggregate and remove) every row past its owner's retention period.

    Each owner × record type is one transaction; a dry run counts without changing anything.
    """
    now = now or timezone.now()
    run = RetentionRun.objects.create(dry_run=dry_run, triggered_by=actor)
    settings_qs = RetentionSetting.objects.select_related("owner").order_by(
        "owner_id", "record_type"
    )
    if owners is not None:
        settings_qs = settings_qs.filter(owner__in=owners)
    summary = []
    for setting in settings_qs:
        entry = registry.RECORD_TYPES.get(setting.record_type)
        if entry is None:
            continue
        cutoff = selectors.months_before(now, setting.months)
        ids = selectors.owner_org_ids(setting.owner)
        with transaction.atomic():
            expired = entry.expired(ids, cutoff)
            count = expired.count()
            aggregates = 0
            if count and not dry_run:
                if setting.action == RetentionSetting.Action.AGGREGATE and entry.aggregate:
                    groups = entry.aggregate(expired)
                    RetainedAggregate.objects.bulk_create(
                        RetainedAggregate(
                            owner=setting.owner,
                            record_type=entry.key,
                            run=run,
                            key=key,
                            count=n,
                        )
                        for key, n in groups
                    )
                    aggregates = len(groups)
                entry.remove(entry.expired(ids, cutoff))
            line = {
                "owner": setting.owner_id,
                "owner_name": setting.owner.name,
                "record_type": entry.key,
                "action": setting.action,
                "months": setting.months,
                "cutoff": cutoff.isoformat(),
                "removed": count,
                "aggregates": aggregates,
            }
            summary.append(line)
            if count and not dry_run:
                _audit_owner(
                    actor,
                    setting.owner,
                    "retention_run",
                    f"{entry.key}: {count} removed before {cutoff.date().isoformat()} "
                    f"({setting.action}, {aggregates} aggregates kept)",
                )
    run.summary = summary
    run.finished_at = timezone.now()
    run.save(update_fields=["summary", "finished_at"])
    return run


# --- subject requests ---------------------------------------------------------------------
def erasure_scopes() -> list[tuple[str, str]]:
    return [
        *((key, str(entry.label)) for key, entry in registry.RECORD_TYPES.items() if entry.erase),
        (ACCOUNT_SCOPE, _("Account and roles in this owner's organisations")),
    ]


@transaction.atomic
def request_create(
    *,
    owner: Organisation,
    actor: User,
    subject: User,
    kind: str,
    scope: list,
    reason: str,
) -> SubjectRequest:
    if subject.pk not in set(selectors.people_of_owner(owner).values_list("pk", flat=True)):
        raise ValidationError(
            {"subject": _("This person has no role in this owner's organisations.")}
        )
    if kind == SubjectRequest.Kind.ERASURE:
        known = {key for key, _label in erasure_scopes()}
        if not scope or any(key not in known for key in scope):
            raise ValidationError({"scope": _("Choose what to erase.")})
    elif kind == SubjectRequest.Kind.RECTIFICATION:
        if not scope or any(c.get("field") not in RECTIFIABLE_FIELDS for c in scope):
            raise ValidationError({"scope": _("Say which value to correct and how.")})
    else:
        raise ValidationError({"kind": _("Unknown kind of request.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the request.")})
    req = SubjectRequest(
        owner=owner,
        kind=kind,
        subject=subject,
        subject_label=subject.email,
        scope=scope,
        reason=reason.strip(),
        requested_by=actor,
    )
    req.full_clean()
    req.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        object_type="privacy.request",
        object_id=req.pk,
        subject=subject,
        organisation=owner,
        detail=f"{kind} requested",
    )
    return req


@transaction.atomic
def request_review(
    *, request: SubjectRequest, actor: User, approve: bool, note: str = ""
) -> SubjectRequest:
    if request.status != SubjectRequest.Status.REQUESTED:
        raise ValidationError(_("This request has already been reviewed."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the request is rejected.")})
    request.status = SubjectRequest.Status.APPROVED if approve else SubjectRequest.Status.REJECTED
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.review_note = note.strip()
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        object_type="privacy.request",
        object_id=request.pk,
        subject=request.subject,
        organisation=request.owner,
        detail=f"{request.kind} {request.status}",
    )
    return request


def request_execute(*, request: SubjectRequest, actor: User) -> SubjectRequest:
    """Carry out an approved request in one transaction: all of it or nothing."""
    if request.status != SubjectRequest.Status.APPROVED:
        raise ValidationError(_("Only an approved request can be carried out."))
    if request.subject is None:
        raise ValidationError(_("The person's account no longer exists."))
    try:
        with transaction.atomic():
            if request.kind == SubjectRequest.Kind.ERASURE:
                result = _erase(request)
            else:
                result = _rectify(request)
            request.result = result
            request.status = SubjectRequest.Status.EXECUTED
            request.executed_at = timezone.now()
            request.save(update_fields=["result", "status", "executed_at"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                object_type="privacy.request",
                object_id=request.pk,
                subject=request.subject,
                organisation=request.owner,
                detail=f"{request.kind} carried out",
            )
    except (ProtectedError, RestrictedError) as exc:
        request.refresh_from_db()
        blocking = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        names = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
        raise ValidationError(
            _("Nothing was erased: other records still depend on this data (%(what)s).")
            % {"what": ", ".join(names)}
        ) from exc
    return request


def _erase(request: SubjectRequest) -> list[dict]:
    owner, user = request.owner, request.subject
    ids = selectors.owner_org_ids(owner)
    result = []
    for key in request.scope:
        if key == ACCOUNT_SCOPE:
            result.append(_erase_account(owner, user, ids))
            continue
        entry = registry.RECORD_TYPES[key]
        outcome = entry.erase(ids, user, selectors.cutoff_for(owner, key))
        result.append(
            {
                "record_type": key,
                "label": str(entry.label),
                "erased": outcome.erased,
                "kept": outcome.kept,
                "reason": outcome.reason,
            }
        )
    return result


def _erase_account(owner: Organisation, user: User, ids: list[int]) -> dict:
    removed, _detail = Membership.objects.filter(user=user, organisation_id__in=ids).delete()
    elsewhere = Membership.objects.filter(user=user).exists()
    kept, reason = 0, ""
    if elsewhere:
        kept = 1
        reason = _("The account is kept: the person has roles with other organisations.")
    else:
        user.full_name = _("Erased person")
        user.email = f"erased-{user.pk}@invalid.samsyn"
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.set_unusable_password()
        user.save()
        sessions_end_for_user(user=user)
        removed += 1
    return {
        "record_type": ACCOUNT_SCOPE,
        "label": str(_("Account and roles")),
        "erased": removed,
        "kept": kept,
        "reason": str(reason),
    }


def _rectify(request: SubjectRequest) -> list[dict]:
    user = User.objects.select_for_update().get(pk=request.subject.pk)
    changes = []
    for change in request.scope:
        name = change["field"]
        old = getattr(user, name)
        new = change["new"]
        if name == "email":
            new = new.strip().lower()
        setattr(user, name, new)
        changes.append({"field": name, "old": old, "new": new})
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    user.save(update_fields=[c["field"] for c in changes])
    request.subject = user
    return changes


# --- research exports ---------------------------------------------------------------------
@transaction.atomic
def research_request_create(
    *,
    researcher: User,
    owner: Organisation,
    project: str,
    purpose: str,
    rounds: list[Round],
    schools: list[Organisation],
    fields: list[str],
    notes_requested: bool,
) -> ResearchExport:
    from samsyn.privacy.research import FIELDS

    if not has_perm(researcher, owner, Perm.RESEARCH_EXPORT_REQUEST):
        raise ValidationError(_("You may not request exports from this owner."))
    ids = set(selectors.owner_org_ids(owner))
    errors = {}
    if not project.strip():
        errors["project"] = _("Name the project.")
    if not purpose.strip():
        errors["purpose"] = _("Describe the purpose.")
    if not rounds:
        errors["rounds"] = _("Choose at least one round.")
    elif any(r.is_peer or r.organisation_id not in ids for r in rounds):
        errors["rounds"] = _("Peer rounds and other owners' rounds cannot be exported.")
    if not schools:
        errors["schools"] = _("Choose at least one school.")
    elif any(s.pk not in ids or s.kind != Organisation.Kind.SCHOOL for s in schools):
        errors["schools"] = _("Choose schools of this owner.")
    if any(f not in FIELDS for f in fields):
        errors["fields"] = _("Unknown field.")
    if errors:
        raise ValidationError(errors)
    export = ResearchExport.objects.create(
        owner=owner,
        researcher=researcher,
        project=project.strip(),
        purpose=purpose.strip(),
        fields=list(fields),
        notes_requested=notes_requested,
    )
    export.rounds.set(rounds)
    export.schools.set(schools)
    return export


@transaction.atomic
def research_review(
    *,
    export: ResearchExport,
    actor: User,
    approve: bool,
    notes_approved: bool = False,
    note: str = "",
) -> ResearchExport:
    if export.status != ResearchExport.Status.PENDING:
        raise ValidationError(_("This request has already been reviewed."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the request is rejected.")})
    export.status = ResearchExport.Status.APPROVED if approve else ResearchExport.Status.REJECTED
    export.notes_approved = bool(approve and export.notes_requested and notes_approved)
    export.reviewed_by = actor
    export.reviewed_at = timezone.now()
    export.review_note = note.strip()
    export.save(
        update_fields=["status", "notes_approved", "reviewed_by", "reviewed_at", "review_note"]
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        object_type="privacy.research_export",
        object_id=export.pk,
        organisation=export.owner,
        detail=f"{export.project}: {export.status}",
    )
    return export


@transaction.atomic
def research_download_record(
    *,
    export: ResearchExport,
    actor: User,
    file_format: str,
    stats,
    request: HttpRequest | None = None,
):
    from samsyn.privacy.models import ResearchDownload

    download = ResearchDownload.objects.create(
        export=export,
        downloaded_by=actor,
        file_format=file_format,
        rows=stats.rows,
        dropped_rows=stats.dropped,
        generalised_rows=stats.generalised,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="privacy.research_export",
        object_id=export.pk,
        organisation=export.owner,
        detail=f"{export.project}: {file_format}, {stats.rows} rows",
        request=request,
    )
    return download


def personal_export_audit(
    *, actor: User, subject: User, owner: Organisation, fmt: str, request=None
) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="privacy.personal_export",
        object_id=subject.pk,
        subject=subject,
        organisation=owner,
        detail=f"personal data export ({fmt}) on request",
        request=request,
    )

"""Writes for data protection: retention, subject requests, research exports.

Every service runs in one transaction: a failure leaves nothing half-done.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.accounts.access import Perm, account_within_owner, has_perm, roles_at
from samsyn.accounts.models import AuditEvent, Membership, Organisation, Role, User
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
# How far a role reaches, for "nobody changes a person at or above their own level".
ROLE_LEVEL = {
    Role.TEACHER: 1,
    Role.OBSERVER: 1,
    Role.RESEARCHER: 1,
    Role.NETWORK_COORDINATOR: 2,
    Role.PRINCIPAL: 2,
    Role.OWNER_ADMIN: 3,
}
PLATFORM_LEVEL = 10
ERR_SELF_REVIEW = gettext_lazy(
    "A request is reviewed by someone else than the person who registered it."
)
ERR_OTHER_OWNER = gettext_lazy(
    "This person also holds a role under another owner; their account cannot be changed here."
)
ERR_LEVEL = gettext_lazy("You cannot change a person whose role is at or above your own level.")


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
        ids = selectors.owner_org_ids_unscoped(setting.owner)
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
def _level(roles) -> int:
    return max((ROLE_LEVEL.get(role, 0) for role in roles), default=0)


def check_may_change(*, owner: Organisation, actor: User, subject: User, kind: str) -> None:
    """Refuse a request that would let `actor` change a person beyond their reach.

    As for linking an account to single sign-on (`accounts.access.account_within_owner`): a
    rectification changes the account itself, which is shared with every other owner the
    person works for, so it is refused when any of the person's roles lies outside this
    owner. And nobody (erasure or rectification) acts on a person whose role is at or above
    their own level here, themselves included.
    """
    if subject.is_superuser or subject.is_staff:
        raise ValidationError(str(ERR_LEVEL))
    if kind == SubjectRequest.Kind.RECTIFICATION and not account_within_owner(subject, owner.pk):
        raise ValidationError(str(ERR_OTHER_OWNER))
    memberships = list(Membership.objects.filter(user=subject))
    mine = PLATFORM_LEVEL if actor.is_superuser else _level(roles_at(actor, owner))
    if actor.pk == subject.pk or _level(m.role for m in memberships) >= mine:
        raise ValidationError(str(ERR_LEVEL))


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
    if subject.pk not in set(
        selectors.people_of_owner_unscoped(owner).values_list("pk", flat=True)
    ):
        raise ValidationError(
            {"subject": _("This person has no role in this owner's organisations.")}
        )
    check_may_change(owner=owner, actor=actor, subject=subject, kind=kind)
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
    if approve:
        if actor.pk == request.requested_by_id:
            raise ValidationError(str(ERR_SELF_REVIEW))
        if request.subject is not None:
            check_may_change(
                owner=request.owner, actor=actor, subject=request.subject, kind=request.kind
            )
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
    check_may_change(owner=request.owner, actor=actor, subject=request.subject, kind=request.kind)
    try:
        with transaction.atomic():
            if request.kind == SubjectRequest.Kind.ERASURE:
                result = _erase(request)
            else:
                result = _rectify(request)
                email_change_send(request=request, result=result)
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
    ids = selectors.owner_org_ids_unscoped(owner)
    result = []
    for key in request.scope:
        if key == ACCOUNT_SCOPE:
            result.append(_erase_account(owner, user, ids))
            continue
        entry = registry.RECORD_TYPES[key]
        outcome = entry.erase(ids, user, selectors.cutoff_for_unscoped(owner, key))
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
    """Change the values; a new e-mail address is only recorded as pending: it takes effect
    when the person confirms it (`email_change_confirm`)."""
    user = User.objects.select_for_update().get(pk=request.subject.pk)
    changes = []
    for change in request.scope:
        name = change["field"]
        old = getattr(user, name)
        new = change["new"]
        if name == "email":
            new = new.strip().lower()
            if User.objects.filter(email__iexact=new).exclude(pk=user.pk).exists():
                raise ValidationError({"email": _("Another account already uses this address.")})
            changes.append({"field": name, "old": old, "new": new, "pending": True})
            continue
        setattr(user, name, new)
        changes.append({"field": name, "old": old, "new": new})
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    user.save(update_fields=[c["field"] for c in changes if not c.get("pending")])
    request.subject = user
    return changes


EMAIL_CHANGE_SALT = "samsyn.privacy.email_change"
EMAIL_CHANGE_DAYS = 7


def _mail(user: User, to: str, subject: str, lines: list[str]) -> None:
    """Send in the person's language once the transaction commits."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = str(subject), "\n\n".join(str(line) for line in lines) + "\n"
    transaction.on_commit(lambda: send_mail(text[0], text[1], settings.DEFAULT_FROM_EMAIL, [to]))


def email_change_send(*, request: SubjectRequest, result: list[dict]) -> None:
    """For a pending new address: a confirmation link to the new address, and a notice to the
    old one (so a change the person did not ask for is noticed)."""
    user = request.subject
    for line in result:
        if line.get("field") != "email" or not line.get("pending"):
            continue
        token = signing.dumps(
            {"u": user.pk, "o": user.email, "n": line["new"], "r": request.pk},
            salt=EMAIL_CHANGE_SALT,
        )
        with translation.override(user.language or settings.LANGUAGE_CODE):
            url = settings.SITE_URL + reverse("privacy:email_confirm", args=[token])
            _mail(
                user,
                line["new"],
                _("Confirm your new e-mail address in Samsyn"),
                [
                    _("%(owner)s has corrected your e-mail address in Samsyn to this one.")
                    % {"owner": request.owner.name},
                    _(
                        "Log in with your current address and open this link to confirm it "
                        "(valid for %(days)s days):"
                    )
                    % {"days": EMAIL_CHANGE_DAYS},
                    url,
                    _("Until you confirm, you log in with your current address."),
                ],
            )
            _mail(
                user,
                user.email,
                _("Your e-mail address in Samsyn is being changed"),
                [
                    _(
                        "%(owner)s has asked to change your e-mail address in Samsyn to "
                        "%(new)s. It changes only if you confirm it from that address while "
                        "logged in."
                    )
                    % {"owner": request.owner.name, "new": line["new"]},
                    _("If you did not ask for this, do nothing and tell %(owner)s.")
                    % {"owner": request.owner.name},
                ],
            )


def email_change_read(*, token: str, user: User) -> dict | None:
    """The pending change in `token` if it is valid, unused and meant for `user`."""
    try:
        data = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=dt.timedelta(days=EMAIL_CHANGE_DAYS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("o") != user.email:
        return None  # someone else's link, or the address has changed since (used once)
    return data


@transaction.atomic
def email_change_confirm(*, token: str, user: User) -> bool:
    """Carry out a pending change of e-mail address confirmed by the person themselves."""
    data = email_change_read(token=token, user=user)
    if data is None:
        return False
    user = User.objects.select_for_update().get(pk=user.pk)
    old, new = user.email, data["n"]
    if User.objects.filter(email__iexact=new).exclude(pk=user.pk).exists():
        raise ValidationError(_("Another account already uses this address."))
    user.email = new
    user.full_clean(exclude=["password"])
    user.save(update_fields=["email"])
    request = SubjectRequest.objects.filter(pk=data.get("r")).first()
    audit_record(
        actor=user,
        action=AuditEvent.Action.CHANGE,
        object_type="privacy.email_change",
        object_id=user.pk,
        organisation=request.owner if request else None,
        detail=f"e-mail address confirmed ({old} → {new})",
    )
    _mail(
        user,
        old,
        _("Your e-mail address in Samsyn has been changed"),
        [_("You now log in to Samsyn with %(new)s.") % {"new": new}],
    )
    return True


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
    ids = set(selectors.owner_org_ids_unscoped(owner))
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

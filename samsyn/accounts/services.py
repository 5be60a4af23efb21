"""Writes for accounts: invitations, memberships, profiles, deactivation, sessions, audit.

Keyword-only `<entity>_<verb>` functions under one transaction each (HackSoft's styleguide).
Checks of *who may* live in the views' access helpers; checks of *what is valid* live here.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.accounts.access import ROLES_FOR_KIND, invitable_roles
from samsyn.accounts.addresses import client_ip
from samsyn.accounts.models import (
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    Role,
    Session,
    User,
    hash_token,
)

ERR_ROLE_NOT_ALLOWED = gettext_lazy("You cannot invite people to this role here.")
ERR_ALREADY_MEMBER = gettext_lazy("This person already has that role here.")
ERR_INVITATION_CLOSED = gettext_lazy("This invitation has expired, been used or been withdrawn.")
ERR_WRONG_ACCOUNT = gettext_lazy("This invitation was sent to another e-mail address.")
ERR_REMOVE_SELF = gettext_lazy("You cannot remove your own role. Ask another administrator.")
ERR_DEACTIVATE_SELF = gettext_lazy("You cannot deactivate your own account.")


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_ip(request)


def audit_record(
    *,
    actor: User,
    action: str,
    object_type: str,
    subject: User | None = None,
    object_id: object = "",
    organisation: Organisation | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent | None:
    """Record that `actor` touched `subject`'s individual data. Own data is not audited.

    `action` is one of `AuditEvent.Action` (what kind of access); say what was touched in
    `object_type` and how in `detail`. An unknown action is refused here, on every database
    (SQLite would otherwise store an over-long one that PostgreSQL refuses)."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action {action!r}; use AuditEvent.Action.")
    if subject is not None and subject.pk == actor.pk:
        return None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.email,
        action=action,
        subject=subject,
        subject_label=subject.email if subject else "",
        organisation=organisation,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:500],
        ip_address=_client_ip(request),
    )


def sessions_end_for_user(*, user: User, except_key: str | None = None) -> int:
    """End every session of `user` (all devices); returns how many ended."""
    sessions = Session.objects.filter(user=user)
    if except_key:
        sessions = sessions.exclude(session_key=except_key)
    count, _details = sessions.delete()
    return count


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, language: str) -> User:
    user.full_name = full_name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "language"])
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    """Deactivate an account: it can no longer log in and all its sessions end now."""
    if actor.pk == user.pk:
        raise ValidationError(ERR_DEACTIVATE_SELF)
    if user.is_active:
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
    sessions_end_for_user(user=user)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DEACTIVATE,
        subject=user,
        object_type="user",
        object_id=user.pk,
        request=request,
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        subject=user,
        object_type="user",
        object_id=user.pk,
        detail="reactivated",
        request=request,
    )
    return user


def _invitation_url(token: str, language: str) -> str:
    with translation.override(language):
        path = reverse("accounts:invitation_accept", args=[token])
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str,
    full_name: str = "",
    language: str = "sv",
) -> tuple[Invitation, str]:
    """Invite `email` to `organisation` as `role`; e-mails the link in `language`.

    A new invitation to the same address, organisation and role replaces an open one, so
    "send again" is just inviting again. Returns the invitation and its one-time token.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if role not in invitable_roles(actor, organisation):
        raise ValidationError({"role": ERR_ROLE_NOT_ALLOWED})
    if Membership.objects.filter(
        user__email__iexact=email, organisation=organisation, role=role
    ).exists():
        raise ValidationError({"email": ERR_ALREADY_MEMBER})
    now = timezone.now()
    Invitation.objects.filter(
        email__iexact=email,
        organisation=organisation,
        role=role,
        accepted_at=None,
        revoked_at=None,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        full_name=full_name.strip(),
        organisation=organisation,
        role=role,
        language=language,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.SAMSYN_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    context = {
        "invitation": invitation,
        "url": _invitation_url(token, language),
        "site_name": settings.SITE_NAME,
        "inviter": actor,
        "role_label": Role(role).label,
        "days": settings.SAMSYN_INVITATION_DAYS,
    }
    with translation.override(language):
        subject = _("You are invited to %(organisation)s in Samsyn") % {
            "organisation": organisation.name
        }
        body = render_to_string("emails/invitation.txt", context)
    # Sent only if the transaction commits, so a failed invite sends nothing.
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return invitation, token


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
    language: str | None = None,
) -> User:
    """Accept an invitation: as the logged-in `user`, or by creating the invited account."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_open:
        raise ValidationError(ERR_INVITATION_CLOSED)
    if user is None:
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            user = User(
                email=invitation.email,
                full_name=full_name.strip() or invitation.full_name,
                language=language or invitation.language,
            )
            user.set_password(password)
            user.full_clean()
            user.save()
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(ERR_WRONG_ACCOUNT)
    if invitation.role not in ROLES_FOR_KIND.get(invitation.organisation.kind, ()):
        raise ValidationError(ERR_ROLE_NOT_ALLOWED)
    Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    if membership.user_id == actor.pk:
        raise ValidationError(ERR_REMOVE_SELF)
    membership.delete()


@transaction.atomic
def membership_create(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give `user` a role directly (demo data, admin); invitations are the user-facing path."""
    if role not in ROLES_FOR_KIND.get(organisation.kind, ()):
        raise ValidationError({"role": ERR_ROLE_NOT_ALLOWED})
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return membership

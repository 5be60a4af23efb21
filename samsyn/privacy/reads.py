"""Who has read my data: a person's own view of the audit log about them.

Every read, export or change of someone's individual data by someone else is written to the
audit log (`accounts.services.audit_record`). This module turns the rows *about the acting
user* into lines a teacher can read: who, what, when, and why, where "why" is the role that
gave the reader access at that organisation (the legal basis in practice). Only the person
themselves sees their list: the page takes no person id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.accounts.access import role_labels, roles_at
from samsyn.accounts.models import AuditEvent, User

LIMIT = 300
SHOWN_ACTIONS = (AuditEvent.Action.READ, AuditEvent.Action.EXPORT, AuditEvent.Action.CHANGE)
WHAT = {
    "observation": gettext_lazy("An observation of your lesson"),
    "dashboard.teacher_row": gettext_lazy("Your row in a dashboard's per-teacher table"),
    "coaching_conversation": gettext_lazy("A coaching conversation"),
    "coaching_start": gettext_lazy("Your observations, listed to start a coaching conversation"),
    "support_plan": gettext_lazy("A support plan"),
    "support_eligibility": gettext_lazy("Whether a support plan is indicated"),
    "person": gettext_lazy("Your page in the organisation"),
    "user": gettext_lazy("Your account"),
    "privacy.personal_export": gettext_lazy("A copy of all your data"),
    "privacy.request": gettext_lazy("An erasure or rectification request about you"),
}


@dataclass(frozen=True)
class ReadLine:
    at: datetime
    who: str
    action: str
    what: str
    why: str
    organisation: str


def events_about(*, user: User) -> QuerySet[AuditEvent]:
    """Audit rows about `user` written by someone else (reading one's own is not recorded)."""
    return (
        AuditEvent.objects.filter(subject=user, action__in=SHOWN_ACTIONS)
        .exclude(actor=user)
        .select_related("actor", "organisation")
        .order_by("-at", "-id")
    )


def _why(event: AuditEvent, cache: dict) -> str:
    actor, org = event.actor, event.organisation
    if actor is None:
        return _("An automatic job of the platform")
    if actor.is_superuser:
        return _("Platform administrator")
    if org is None:
        return ""
    key = (actor.pk, org.pk)
    if key not in cache:
        labels = role_labels(sorted(roles_at(actor, org)))
        cache[key] = (
            _("%(roles)s at %(organisation)s")
            % {"roles": ", ".join(labels), "organisation": org.name}
            if labels
            else _("No longer has a role at %(organisation)s") % {"organisation": org.name}
        )
    return cache[key]


def reads_for(*, user: User, limit: int = LIMIT) -> list[ReadLine]:
    """The newest `limit` lines about `user`, for `user` only."""
    cache: dict = {}
    lines = []
    for event in events_about(user=user)[:limit]:
        who = event.actor.full_name if event.actor else event.actor_label
        lines.append(
            ReadLine(
                at=event.at,
                who=who or event.actor_label,
                action=event.get_action_display(),
                what=str(WHAT.get(event.object_type, event.object_type)),
                why=_why(event, cache),
                organisation=event.organisation.name if event.organisation else "",
            )
        )
    return lines

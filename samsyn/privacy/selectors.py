"""Reads for data protection, scoped to the acting user or an owner."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from samsyn.accounts.access import Perm, has_perm, require
from samsyn.accounts.models import Membership, Organisation, User
from samsyn.privacy import registry
from samsyn.privacy.models import (
    ResearchExport,
    RetentionRun,
    RetentionSetting,
    SubjectRequest,
)


def owner_org_ids_unscoped(owner: Organisation) -> list[int]:
    """The owner and every organisation below it (its schools)."""
    ids = [owner.pk]
    frontier = [owner.pk]
    while frontier:
        frontier = list(
            Organisation.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def get_owner_for_user(*, user: User, pk: int, perm: Perm = Perm.PRIVACY_MANAGE) -> Organisation:
    """An owner (huvudman) the user may `perm` in: 404 outsiders and non-owners, 403 members."""
    owner = Organisation.objects.filter(pk=pk).first()
    if owner is None:
        raise Http404
    require(user, owner, perm)
    if owner.kind != Organisation.Kind.OWNER:
        raise Http404
    return owner


def owners_with_perm(user: User, perm: Perm) -> list[Organisation]:
    """Owners where `user` holds `perm` (directly or through a role above them)."""
    if not user.is_authenticated:
        return []
    candidates = Organisation.objects.filter(kind=Organisation.Kind.OWNER)
    if not user.is_superuser:
        member_ids = list(
            Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
        )
        candidates = candidates.filter(pk__in=member_ids) | candidates.filter(
            parent_id__in=member_ids
        )
    return [org for org in candidates.distinct().order_by("name") if has_perm(user, org, perm)]


def people_of_owner_unscoped(owner: Organisation) -> QuerySet[User]:
    """People with a role in the owner or one of its schools."""
    return (
        User.objects.filter(memberships__organisation_id__in=owner_org_ids_unscoped(owner))
        .distinct()
        .order_by("full_name", "email")
    )


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """`moment` moved back by whole calendar months (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def settings_for_unscoped(owner: Organisation) -> dict[str, RetentionSetting]:
    return {s.record_type: s for s in RetentionSetting.objects.filter(owner=owner)}


def cutoff_for_unscoped(owner: Organisation, record_type: str, now: dt.datetime | None = None):
    setting = RetentionSetting.objects.filter(owner=owner, record_type=record_type).first()
    if setting is None:
        return None
    return months_before(now or timezone.now(), setting.months)


def retention_preview(*, user: User, owner: Organisation) -> list[dict]:
    require(user, owner, Perm.PRIVACY_MANAGE)
    return retention_preview_unscoped(owner)


def retention_preview_unscoped(
    owner: Organisation, *, now: dt.datetime | None = None, ahead_days: int = 30
) -> list[dict]:
    """Per record type: its setting, what the next run removes, and what expires soon after."""
    now = now or timezone.now()
    ids = owner_org_ids_unscoped(owner)
    stored = settings_for_unscoped(owner)
    rows = []
    for key, entry in registry.RECORD_TYPES.items():
        setting = stored.get(key)
        due = soon = None
        cutoff = None
        if setting is not None:
            cutoff = months_before(now, setting.months)
            due = entry.expired(ids, cutoff).count()
            later = months_before(now + dt.timedelta(days=ahead_days), setting.months)
            soon = entry.expired(ids, later).count() - due
        rows.append(
            {
                "key": key,
                "type": entry,
                "setting": setting,
                "cutoff": cutoff,
                "due": due,
                "soon": soon,
            }
        )
    return rows


def retention_runs(*, user: User, owner: Organisation, limit: int = 10) -> list[dict]:
    """Recent runs with the lines that concern this owner."""
    require(user, owner, Perm.PRIVACY_MANAGE)
    runs = []
    for run in RetentionRun.objects.all()[:100]:
        lines = [
            {**line, "label": _type_label(line.get("record_type", ""))}
            for line in run.summary
            if line.get("owner") == owner.pk
        ]
        if lines:
            runs.append({"run": run, "lines": lines})
        if len(runs) >= limit:
            break
    return runs


def _type_label(key: str) -> str:
    entry = registry.RECORD_TYPES.get(key)
    return str(entry.label) if entry else key


def result_lines(*, user: User, request: SubjectRequest) -> list[dict]:
    """An executed erasure's lines with record-type labels in the reader's language."""
    require(user, request.owner, Perm.PRIVACY_MANAGE)
    from samsyn.privacy.services import erasure_scopes

    labels = dict(erasure_scopes())
    return [
        {**line, "label": labels.get(line.get("record_type"), line.get("label", ""))}
        for line in request.result
    ]


def requests_for(*, user: User, owner: Organisation) -> QuerySet[SubjectRequest]:
    require(user, owner, Perm.PRIVACY_MANAGE)
    return SubjectRequest.objects.filter(owner=owner).select_related(
        "subject", "requested_by", "reviewed_by"
    )


def research_exports_for_owner(*, user: User, owner: Organisation) -> QuerySet[ResearchExport]:
    require(user, owner, Perm.PRIVACY_MANAGE)
    return (
        ResearchExport.objects.filter(owner=owner)
        .select_related("researcher", "reviewed_by")
        .prefetch_related("downloads")
    )


def research_exports_of(user: User) -> QuerySet[ResearchExport]:
    return (
        ResearchExport.objects.filter(researcher=user)
        .select_related("owner")
        .prefetch_related("downloads", "rounds", "schools")
    )


def research_export_for_researcher(user: User, pk: int) -> ResearchExport:
    export = ResearchExport.objects.filter(pk=pk, researcher=user).select_related("owner").first()
    if export is None or not has_perm(user, export.owner, Perm.RESEARCH_EXPORT_REQUEST):
        raise Http404
    return export

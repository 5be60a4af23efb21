"""Writes for setting up in the product: an owner's schools, a round's observers and dates,
a network's member schools and reviewers' conflicts of interest.

Error messages are module constants (tests assert them). Changes to a round are written to the
audit log (who changed what, from what to what).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import AuditEvent, NetworkMembership, Organisation, User
from samsyn.networks.models import ConflictOfInterest
from samsyn.networks.services import conflict_declare
from samsyn.observations.models import Assignment, Round, RoundObserver

ERR_UNIT_CODE = _("A school unit code is eight digits.")
ERR_UNIT_CODE_TAKEN = _("Another school already has this school unit code.")
ERR_NAME_TAKEN = _("The owner already has a school with this name.")
ERR_MUNICIPALITY = _("A municipality code is four digits.")
ERR_DATES = _("The last day cannot be before the first day.")
ERR_ROUND_CLOSED = _("The round is closed; it can no longer be changed.")
ERR_NO_OBSERVERS = _("A round needs at least one observer.")
ERR_ALREADY_MEMBER = _("The school is already a member of the network.")


def _check_school(
    *,
    owner: Organisation,
    name: str,
    unit_code: str,
    municipality_code: str,
    school: Organisation | None = None,
) -> None:
    errors: dict[str, object] = {}
    if unit_code and not re.fullmatch(r"\d{8}", unit_code):
        errors["unit_code"] = ERR_UNIT_CODE
    elif (
        unit_code
        and Organisation.objects.filter(unit_code=unit_code)
        .exclude(pk=getattr(school, "pk", None))
        .exists()
    ):
        errors["unit_code"] = ERR_UNIT_CODE_TAKEN
    if municipality_code and not re.fullmatch(r"\d{4}", municipality_code):
        errors["municipality_code"] = ERR_MUNICIPALITY
    # Compared in Python: SQLite's case-insensitive matching knows ASCII only (Å, Ä, Ö).
    names = Organisation.objects.filter(parent=owner, kind=Organisation.Kind.SCHOOL).exclude(
        pk=getattr(school, "pk", None)
    )
    if any(n.casefold() == name.casefold() for n in names.values_list("name", flat=True)):
        errors["name"] = ERR_NAME_TAKEN
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def school_create(
    *, owner: Organisation, name: str, unit_code: str = "", municipality_code: str = ""
) -> Organisation:
    name, unit_code = name.strip(), unit_code.strip()
    municipality_code = municipality_code.strip() or owner.municipality_code
    _check_school(owner=owner, name=name, unit_code=unit_code, municipality_code=municipality_code)
    school = Organisation(
        kind=Organisation.Kind.SCHOOL,
        parent=owner,
        name=name,
        unit_code=unit_code,
        municipality_code=municipality_code,
    )
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def school_update(
    *, school: Organisation, name: str, unit_code: str = "", municipality_code: str = ""
) -> Organisation:
    name, unit_code, municipality_code = name.strip(), unit_code.strip(), municipality_code.strip()
    _check_school(
        owner=school.parent,
        name=name,
        unit_code=unit_code,
        municipality_code=municipality_code,
        school=school,
    )
    school.name, school.unit_code, school.municipality_code = name, unit_code, municipality_code
    school.full_clean()
    school.save(update_fields=["name", "unit_code", "municipality_code"])
    return school


@transaction.atomic
def round_edit(
    *,
    actor: User,
    round_: Round,
    name: str,
    starts_on: date,
    ends_on: date,
    observers: list[User],
) -> list[str]:
    """Change a round's name, dates and observers; returns the changes (also audited).

    A removed observer's visits that have no observation yet are dropped (plan them again);
    visits with an observation stay."""
    if round_.status == Round.Status.CLOSED:
        raise ValidationError(ERR_ROUND_CLOSED)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": ERR_DATES})
    if not observers:
        raise ValidationError({"observers": ERR_NO_OBSERVERS})
    changes = []
    for field, label, value in (
        ("name", "name", name.strip()),
        ("starts_on", "first day", starts_on),
        ("ends_on", "last day", ends_on),
    ):
        old = getattr(round_, field)
        if old != value:
            changes.append(f"{label}: {old} → {value}")
            setattr(round_, field, value)
    round_.full_clean()
    round_.save(update_fields=["name", "starts_on", "ends_on"])
    current = set(round_.round_observers.values_list("observer_id", flat=True))
    wanted = {u.pk: u for u in observers}
    added = [wanted[pk] for pk in wanted.keys() - current]
    removed = list(User.objects.filter(pk__in=current - wanted.keys()))
    RoundObserver.objects.bulk_create(RoundObserver(round=round_, observer=u) for u in added)
    if removed:
        RoundObserver.objects.filter(round=round_, observer__in=removed).delete()
        Assignment.objects.filter(
            round=round_, observer__in=removed, observations__isnull=True
        ).delete()
    if added:
        changes.append("observers added: " + ", ".join(sorted(u.email for u in added)))
    if removed:
        changes.append("observers removed: " + ", ".join(sorted(u.email for u in removed)))
    if changes:
        AuditEvent.objects.create(
            actor=actor,
            actor_label=actor.email,
            action=AuditEvent.Action.CHANGE,
            organisation=round_.organisation,
            object_type="round",
            object_id=str(round_.pk),
            detail="; ".join(changes)[:500],
        )
    return changes


@transaction.atomic
def network_member_add(*, network: Organisation, school: Organisation) -> NetworkMembership:
    try:
        with transaction.atomic():
            return NetworkMembership.objects.create(network=network, school=school)
    except IntegrityError as error:
        raise ValidationError({"school": ERR_ALREADY_MEMBER}) from error


@transaction.atomic
def network_member_remove(*, membership: NetworkMembership) -> None:
    membership.delete()


@transaction.atomic
def conflict_add(*, user: User, school: Organisation, reason: str) -> ConflictOfInterest:
    """Record (or update the reason of) a reviewer's conflict of interest with a school."""
    return conflict_declare(user=user, school=school, reason=reason.strip())


@transaction.atomic
def conflict_remove(*, conflict: ConflictOfInterest) -> None:
    conflict.delete()

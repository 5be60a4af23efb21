"""SS 12000 provisioning: compare a snapshot with what is stored (the dry run), then save it.

`plan_import(owner=…, snapshot=…)` reads only; it returns a `Plan` whose `summary()` is what the
owner reviews ("12 new schools, 340 people, 5 duties ended"). `apply_plan(…)` saves the plan in
one transaction: an error anywhere rolls everything back, so nothing is half-saved. Records
with problems are left out (and listed); they never end an existing role.

Keyed on SS 12000 ids (`Imported*` rows), so importing the same data again changes nothing.
A duty gives its role while it lasts (first day ≤ today ≤ last day); a duty that ended or left
the source ends the role (the membership goes; the account, its observations and the duty row
stay). Subjects and grades from activities fill a teacher's details where they are empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from samsyn.accounts.models import AuditEvent, Membership, Organisation, User
from samsyn.accounts.services import audit_record
from samsyn.provisioning.models import ImportedDuty, ImportedOrganisation, ImportedPerson
from samsyn.provisioning.ss12000 import Snapshot
from samsyn.triads.models import TeacherDetails

Progress = Callable[[str, int, int], None]
CHUNK = 500


def _noop(label: str, done: int, total: int) -> None:
    return None


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class Plan:
    owner: Organisation
    today: date
    schools_new: list[dict] = field(default_factory=list)  # "adopt": pk of an existing school
    schools_updated: list[tuple[int, dict]] = field(default_factory=list)
    school_pk: dict[str, int] = field(default_factory=dict)  # source id → existing pk
    persons_new: list[dict] = field(default_factory=list)  # "user": pk of an existing account
    persons_updated: list[tuple[int, dict]] = field(default_factory=list)  # user pk, record
    person_pk: dict[str, int] = field(default_factory=dict)  # source id → ImportedPerson pk
    person_user: dict[str, int] = field(default_factory=dict)  # source id → user pk
    duties_new: list[dict] = field(default_factory=list)
    duties_updated: list[tuple[int, dict]] = field(default_factory=list)
    duties_ended: list[int] = field(default_factory=list)  # ImportedDuty pks that stop now
    roles_given: int = 0
    roles_ended: int = 0
    roles_to_end: list[tuple] = field(default_factory=list)
    details: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    snapshot: Snapshot | None = None

    def summary(self) -> dict[str, int]:
        linked = sum(1 for p in self.persons_new if p.get("user"))
        return {
            "schools_new": sum(1 for s in self.schools_new if not s.get("adopt")),
            "schools_linked": sum(1 for s in self.schools_new if s.get("adopt")),
            "schools_updated": len(self.schools_updated),
            "people_new": len(self.persons_new) - linked,
            "people_linked": linked,
            "people_updated": len(self.persons_updated),
            "duties_new": len(self.duties_new),
            "duties_updated": len(self.duties_updated),
            "duties_ended": len(self.duties_ended),
            "roles_given": self.roles_given,
            "roles_ended": self.roles_ended,
            "details_filled": len(self.details),
            "problems": len(self.problems),
        }

    @property
    def has_changes(self) -> bool:
        summary = self.summary()
        return any(v for k, v in summary.items() if k != "problems")


def duty_active(duty: dict, today: date) -> bool:
    start = date.fromisoformat(duty["start"])
    end = date.fromisoformat(duty["end"]) if duty.get("end") else None
    return start <= today and (end is None or end >= today)


def plan_import(
    *,
    owner: Organisation,
    snapshot: Snapshot,
    today: date | None = None,
    progress: Progress = _noop,
) -> Plan:
    """What saving `snapshot` for `owner` would change (reads only)."""
    plan = Plan(owner=owner, today=today or timezone.localdate(), snapshot=snapshot)
    plan.problems = list(snapshot.problems)
    progress("schools", 0, 4)
    _plan_schools(plan, snapshot)
    progress("people", 1, 4)
    _plan_persons(plan, snapshot)
    progress("duties", 2, 4)
    _plan_duties(plan, snapshot)
    progress("details", 3, 4)
    _plan_details(plan, snapshot)
    progress("compared", 4, 4)
    return plan


def _plan_schools(plan: Plan, snapshot: Snapshot) -> None:
    links = dict(
        ImportedOrganisation.objects.filter(owner=plan.owner).values_list(
            "source_id", "organisation_id"
        )
    )
    codes = [s["unit_code"] for s in snapshot.schools]
    by_code = {
        o.unit_code: o
        for o in Organisation.objects.filter(unit_code__in=codes).only(
            "pk", "name", "unit_code", "municipality_code", "parent_id", "kind"
        )
    }
    linked = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=links.values()).only(
            "pk", "name", "unit_code", "municipality_code"
        )
    }
    kept = []
    for school in snapshot.schools:
        pk = links.get(school["id"])
        holder = by_code.get(school["unit_code"])
        if holder is not None and holder.pk != pk and holder.parent_id != plan.owner.pk:
            plan.problems.append(
                {"kind": "organisation", "id": school["id"], "reason": "unit_code_taken"}
                | {"value": school["unit_code"]}
            )
            continue
        kept.append(school)
        if pk is None:
            plan.schools_new.append({**school, "adopt": holder.pk if holder else None})
            continue
        plan.school_pk[school["id"]] = pk
        current = linked[pk]
        if (current.name, current.unit_code, current.municipality_code) != (
            school["name"],
            school["unit_code"],
            school["municipality_code"] or current.municipality_code,
        ):
            plan.schools_updated.append((pk, school))
    if len(kept) != len(snapshot.schools):
        _drop_duties_at(plan, snapshot, {s["id"] for s in kept})


def _drop_duties_at(plan: Plan, snapshot: Snapshot, school_ids: set[str]) -> None:
    gone = [d for d in snapshot.duties if d["school"] not in school_ids]
    for duty in gone:
        plan.problems.append(
            {"kind": "duty", "id": duty["id"], "reason": "unknown_school", "value": duty["school"]}
        )
    snapshot.duties = [d for d in snapshot.duties if d["school"] in school_ids]
    people = {d["person"] for d in snapshot.duties}
    snapshot.persons = [p for p in snapshot.persons if p["id"] in people]


def _plan_persons(plan: Plan, snapshot: Snapshot) -> None:
    links = {
        row[0]: row[1:]
        for row in ImportedPerson.objects.filter(owner=plan.owner).values_list(
            "source_id", "pk", "user_id", "user__email", "user__full_name"
        )
    }
    emails = [p["email"] for p in snapshot.persons]
    accounts: dict[str, int] = {}
    for chunk in _chunks(emails):
        accounts.update(User.objects.filter(email__in=chunk).values_list("email", "pk"))
    for person in snapshot.persons:
        link = links.get(person["id"])
        if link is None:
            plan.persons_new.append({**person, "user": accounts.get(person["email"])})
            continue
        link_pk, user_pk, email, name = link
        plan.person_pk[person["id"]] = link_pk
        plan.person_user[person["id"]] = user_pk
        if (email, name) == (person["email"], person["name"]):
            continue
        holder = accounts.get(person["email"])
        if holder is not None and holder != user_pk:
            plan.problems.append(
                {"kind": "person", "id": person["id"], "reason": "email_taken"}
                | {"value": person["email"]}
            )
            continue
        plan.persons_updated.append((user_pk, person))


def _plan_duties(plan: Plan, snapshot: Snapshot) -> None:
    new_users = {p["id"]: p["user"] for p in plan.persons_new if p.get("user")}
    user_key = lambda person: plan.person_user.get(person) or new_users.get(person) or f"p:{person}"  # noqa: E731
    school_key = lambda school: plan.school_pk.get(school) or f"s:{school}"  # noqa: E731
    links = {
        row["source_id"]: row
        for row in ImportedDuty.objects.filter(owner=plan.owner).values(
            "pk",
            "source_id",
            "school_id",
            "role",
            "duty_role",
            "start_date",
            "end_date",
            "is_active",
            "person__user_id",
        )
    }
    held = {d["id"] for d in snapshot.duties}
    troubled = {p["id"] for p in plan.problems if p["kind"] == "duty"}
    desired: set[tuple] = set()
    ending: set[tuple] = set()
    for duty in snapshot.duties:
        active = duty_active(duty, plan.today)
        triple = (user_key(duty["person"]), school_key(duty["school"]), duty["role"])
        if active:
            desired.add(triple)
        link = links.get(duty["id"])
        if link is None:
            plan.duties_new.append({**duty, "active": active})
            continue
        old_triple = (link["person__user_id"], link["school_id"], link["role"])
        if link["is_active"] and not active:
            plan.duties_ended.append(link["pk"])
            ending.add(old_triple)
        elif link["is_active"] and old_triple[1:] != triple[1:]:
            ending.add(old_triple)  # moved to another school or role: the old role ends
        current = (link["school_id"], link["role"], link["duty_role"], link["start_date"])
        current += (link["end_date"], link["is_active"])
        wanted = (school_key(duty["school"]), duty["role"], duty["duty_role"])
        wanted += (date.fromisoformat(duty["start"]), _end(duty), active)
        if current != wanted:
            plan.duties_updated.append((link["pk"], {**duty, "active": active}))
    for source_id, link in links.items():
        triple = (link["person__user_id"], link["school_id"], link["role"])
        if source_id in held or not link["is_active"]:
            continue
        if source_id in troubled:
            desired.add(triple)  # a record with a problem never ends a role
        else:
            plan.duties_ended.append(link["pk"])
            ending.add(triple)
    _plan_roles(plan, desired, ending)


def _end(duty: dict) -> date | None:
    return date.fromisoformat(duty["end"]) if duty.get("end") else None


def _plan_roles(plan: Plan, desired: set[tuple], ending: set[tuple]) -> None:
    known = [t for t in desired | ending if isinstance(t[0], int) and isinstance(t[1], int)]
    users = sorted({t[0] for t in known})
    existing: set[tuple] = set()
    for chunk in _chunks(users):
        existing.update(
            Membership.objects.filter(
                user_id__in=chunk, organisation__parent=plan.owner
            ).values_list("user_id", "organisation_id", "role")
        )
    plan.roles_given = len(desired - existing)
    plan.roles_to_end = sorted((ending - desired) & existing)
    plan.roles_ended = len(plan.roles_to_end)


def _plan_details(plan: Plan, snapshot: Snapshot) -> None:
    new_users = {p["id"]: p["user"] for p in plan.persons_new if p.get("user")}
    people = {p["id"] for p in snapshot.persons}
    rows = [
        d
        for d in snapshot.details
        if d["person"] in people and d["school"] in {s["id"] for s in snapshot.schools}
    ]
    keys = [
        (
            plan.person_user.get(d["person"]) or new_users.get(d["person"]),
            plan.school_pk.get(d["school"]),
        )
        for d in rows
    ]
    users = sorted({u for u, s in keys if u and s})
    existing: dict[tuple, TeacherDetails] = {}
    for chunk in _chunks(users):
        for row in TeacherDetails.objects.filter(
            teacher_id__in=chunk, school__parent=plan.owner
        ).only("pk", "teacher_id", "school_id", "subject_area", "grade_span"):
            existing[(row.teacher_id, row.school_id)] = row
    for detail, key in zip(rows, keys, strict=True):
        current = existing.get(key) if key[0] and key[1] else None
        subject = detail["subject_area"] if not (current and current.subject_area) else None
        span = detail["grade_span"] if not (current and current.grade_span) else None
        if subject or span:
            plan.details.append(
                {**detail, "pk": current.pk if current else None, "subject": subject, "span": span}
            )


@transaction.atomic
def import_save(
    *,
    owner: Organisation,
    snapshot: Snapshot,
    actor: User | None,
    today: date | None = None,
    progress: Progress = _noop,
) -> Plan:
    """Compare again (the data may have changed since the dry run) and save, all or nothing."""
    plan = plan_import(owner=owner, snapshot=snapshot, today=today, progress=progress)
    schools = _save_schools(plan)
    users = _save_persons(plan)
    _save_duties(plan, schools, users)
    _save_roles(plan, schools, users)
    _save_details(plan, schools, users)
    if actor is not None and plan.has_changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="ss12000_import",
            organisation=owner,
            detail=", ".join(f"{k}={v}" for k, v in plan.summary().items()),
        )
    return plan


def _save_schools(plan: Plan) -> dict[str, int]:
    """Source id → school pk for every school of the snapshot."""
    pks = dict(plan.school_pk)
    created, adopted = [], []
    for school in plan.schools_new:
        if school.get("adopt"):
            pks[school["id"]] = school["adopt"]
            adopted.append((school["adopt"], school))
        else:
            created.append(school)
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=Organisation.Kind.SCHOOL,
                parent=plan.owner,
                name=s["name"],
                unit_code=s["unit_code"],
                municipality_code=s["municipality_code"] or plan.owner.municipality_code,
            )
            for s in created
        ]
    )
    pks.update({s["id"]: org.pk for s, org in zip(created, orgs, strict=True)})
    ImportedOrganisation.objects.bulk_create(
        ImportedOrganisation(owner=plan.owner, source_id=s["id"], organisation_id=pks[s["id"]])
        for s in plan.schools_new
    )
    for pk, school in [*plan.schools_updated, *adopted]:
        fields = {"name": school["name"], "unit_code": school["unit_code"]}
        if school["municipality_code"]:
            fields["municipality_code"] = school["municipality_code"]
        Organisation.objects.filter(pk=pk).update(**fields)
    return pks


def _save_persons(plan: Plan) -> dict[str, int]:
    """Source id → user pk for every person of the snapshot."""
    users = dict(plan.person_user)
    fresh = [p for p in plan.persons_new if not p.get("user")]
    accounts = []
    for person in fresh:
        account = User(email=person["email"], full_name=person["name"])
        account.set_unusable_password()  # they log in through single sign-on or a reset link
        accounts.append(account)
    User.objects.bulk_create(accounts, batch_size=CHUNK)
    users.update({p["id"]: a.pk for p, a in zip(fresh, accounts, strict=True)})
    users.update({p["id"]: p["user"] for p in plan.persons_new if p.get("user")})
    links = ImportedPerson.objects.bulk_create(
        [
            ImportedPerson(owner=plan.owner, source_id=p["id"], user_id=users[p["id"]])
            for p in plan.persons_new
        ],
        batch_size=CHUNK,
    )
    plan.person_pk.update({link.source_id: link.pk for link in links})
    # Names follow the staff system, also for an account that existed before (so that the
    # next import of the same data finds nothing to change).
    changed = [
        User(pk=p["user"], email=p["email"], full_name=p["name"])
        for p in plan.persons_new
        if p.get("user")
    ]
    for user_pk, person in plan.persons_updated:
        changed.append(User(pk=user_pk, email=person["email"], full_name=person["name"]))
    User.objects.bulk_update(changed, ["email", "full_name"], batch_size=CHUNK)
    return users


def _save_duties(plan: Plan, schools: dict[str, int], users: dict[str, int]) -> None:
    now = timezone.now()
    ImportedDuty.objects.bulk_create(
        [
            ImportedDuty(
                owner=plan.owner,
                source_id=d["id"],
                person_id=plan.person_pk[d["person"]],
                school_id=schools[d["school"]],
                duty_role=d["duty_role"],
                role=d["role"],
                start_date=date.fromisoformat(d["start"]),
                end_date=_end(d),
                is_active=d["active"],
            )
            for d in plan.duties_new
        ],
        batch_size=CHUNK,
    )
    updated = [
        ImportedDuty(
            pk=pk,
            school_id=schools[d["school"]],
            duty_role=d["duty_role"],
            role=d["role"],
            start_date=date.fromisoformat(d["start"]),
            end_date=_end(d),
            is_active=d["active"],
            ended_at=None if d["active"] else now,
        )
        for pk, d in plan.duties_updated
    ]
    fields = ["school_id", "duty_role", "role", "start_date", "end_date", "is_active", "ended_at"]
    ImportedDuty.objects.bulk_update(updated, fields, batch_size=CHUNK)
    for chunk in _chunks(plan.duties_ended):
        ImportedDuty.objects.filter(pk__in=chunk).update(is_active=False, ended_at=now)


def _save_roles(plan: Plan, schools: dict[str, int], users: dict[str, int]) -> None:
    wanted = {
        (users[d["person"]], schools[d["school"]], d["role"])
        for d in plan.snapshot.duties
        if duty_active(d, plan.today)
    }
    Membership.objects.bulk_create(
        [Membership(user_id=u, organisation_id=o, role=r) for u, o, r in sorted(wanted)],
        ignore_conflicts=True,
        batch_size=CHUNK,
    )
    if plan.roles_to_end:
        query = Q()
        for user_pk, org_pk, role in plan.roles_to_end:
            query |= Q(user_id=user_pk, organisation_id=org_pk, role=role)
        Membership.objects.filter(query).delete()


def _save_details(plan: Plan, schools: dict[str, int], users: dict[str, int]) -> None:
    created = []
    for detail in plan.details:
        row = TeacherDetails(
            pk=detail["pk"],
            teacher_id=users[detail["person"]],
            school_id=schools[detail["school"]],
        )
        if detail["pk"] is None:
            row.subject_area = detail["subject"] or ""
            row.grade_span = detail["span"] or ""
            created.append(row)
            continue
        fields = []
        if detail["subject"]:
            row.subject_area = detail["subject"]
            fields.append("subject_area")
        if detail["span"]:
            row.grade_span = detail["span"]
            fields.append("grade_span")
        TeacherDetails.objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in fields})
    TeacherDetails.objects.bulk_create(created, ignore_conflicts=True, batch_size=CHUNK)

"""Read an SS 12000 export into the few records Samsyn keeps (no Django models touched).

`normalise(data)` takes the export as parsed JSON — an object with the lists `organisations`,
`persons`, `duties` and optionally `groups` and `activities` (each a list or an API page
`{"data": [...]}`) — and returns a `Snapshot` plus the records it could not use, each with its
id and a reason code (`REASONS` in `samsyn.provisioning.problems` says it in words).

Staff only: a person is kept only when a duty refers to them, and of a person only the name and
one e-mail address (or eduPersonPrincipalName) are read; `civicNo` is never read.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

# dutyRole → Samsyn role; None: staff without a role in lesson observation (not imported).
DUTY_ROLES: dict[str, str | None] = {
    "Rektor": "principal",
    "Förskolechef": "principal",
    "Lärare": "teacher",
    "Förskollärare": "teacher",
    "Övrig pedagogisk personal": None,
    "Annan personal": None,
}
ORGANISATION_TYPES = {"Huvudman", "Stadsdel", "Rektorsområde", "Skola", "Skolenhet", "Övrigt"}
UNIT_CODE = re.compile(r"^\d{8}$")
MUNICIPALITY_CODE = re.compile(r"^\d{4}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SUBJECT_AREA_MAX = 60


@dataclass
class Snapshot:
    owner: dict | None = None  # the Huvudman: id, name, municipality_code
    schools: list[dict] = field(default_factory=list)  # id, name, unit_code, municipality_code
    persons: list[dict] = field(default_factory=list)  # id, name, email
    duties: list[dict] = field(default_factory=list)  # id, person, school, duty_role, role, ...
    details: list[dict] = field(default_factory=list)  # person, school, subject_area, grade_span
    problems: list[dict] = field(default_factory=list)  # kind, id, reason, value

    def as_json(self) -> dict:
        return {
            "owner": self.owner,
            "schools": self.schools,
            "persons": self.persons,
            "duties": self.duties,
            "details": self.details,
        }

    @classmethod
    def from_json(cls, data: dict, problems: list[dict] | None = None) -> Snapshot:
        return cls(
            owner=data.get("owner"),
            schools=list(data.get("schools", [])),
            persons=list(data.get("persons", [])),
            duties=list(data.get("duties", [])),
            details=list(data.get("details", [])),
            problems=list(problems or []),
        )


def records(data: dict, key: str) -> list[dict]:
    """The list under `key`, whether given as a list or as an API page `{"data": [...]}`."""
    value = data.get(key) or []
    if isinstance(value, dict):
        value = value.get("data") or []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _ref(value) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "").strip()
    return str(value or "").strip()


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _problem(snapshot: Snapshot, kind: str, record_id: str, reason: str, value: str = "") -> None:
    snapshot.problems.append(
        {"kind": kind, "id": record_id or "?", "reason": reason, "value": str(value)[:120]}
    )


def normalise(data: dict, *, today: date | None = None) -> Snapshot:
    snapshot = Snapshot()
    if not isinstance(data, dict):
        _problem(snapshot, "file", "", "not_an_export")
        return snapshot
    _organisations(snapshot, records(data, "organisations"))
    _inherit_municipality(snapshot)
    school_ids = {s["id"] for s in snapshot.schools}
    duty_people = _duties(snapshot, records(data, "duties"), school_ids)
    _persons(snapshot, records(data, "persons"), duty_people)
    kept_people = {p["id"] for p in snapshot.persons}
    dropped = [d for d in snapshot.duties if d["person"] not in kept_people]
    for duty in dropped:
        _problem(snapshot, "duty", duty["id"], "unknown_person", duty["person"])
    snapshot.duties = [d for d in snapshot.duties if d["person"] in kept_people]
    _details(snapshot, records(data, "groups"), records(data, "activities"))
    return snapshot


def _organisations(snapshot: Snapshot, items: list[dict]) -> None:
    seen_codes: dict[str, str] = {}
    for item in items:
        org_id = str(item.get("id") or "").strip()
        kind = item.get("organisationType")
        name = str(item.get("displayName") or "").strip()
        if not org_id:
            _problem(snapshot, "organisation", "", "missing_id", name)
            continue
        if kind not in ORGANISATION_TYPES:
            _problem(snapshot, "organisation", org_id, "unknown_organisation_type", kind or "")
            continue
        municipality = str(item.get("municipalityCode") or "").strip()
        if municipality and not MUNICIPALITY_CODE.match(municipality):
            _problem(snapshot, "organisation", org_id, "bad_municipality_code", municipality)
            continue
        if kind == "Huvudman":
            snapshot.owner = {"id": org_id, "name": name, "municipality_code": municipality}
            continue
        if kind != "Skolenhet":
            continue  # Stadsdel, Rektorsområde, Skola: levels Samsyn does not keep.
        code = str(item.get("schoolUnitCode") or "").strip()
        end = _date(item.get("endDate"))
        if not name:
            _problem(snapshot, "organisation", org_id, "missing_name")
        elif not UNIT_CODE.match(code):
            _problem(snapshot, "organisation", org_id, "bad_unit_code", code)
        elif code in seen_codes:
            _problem(snapshot, "organisation", org_id, "duplicate_unit_code", code)
        else:
            seen_codes[code] = org_id
            snapshot.schools.append(
                {
                    "id": org_id,
                    "name": name[:200],
                    "unit_code": code,
                    "municipality_code": municipality,
                    "end": end.isoformat() if end else None,
                }
            )


def _inherit_municipality(snapshot: Snapshot) -> None:
    """A school unit without a municipality code takes the Huvudman's."""
    code = (snapshot.owner or {}).get("municipality_code") or ""
    for school in snapshot.schools:
        school["municipality_code"] = school["municipality_code"] or code


def _duties(snapshot: Snapshot, items: list[dict], school_ids: set[str]) -> set[str]:
    people: set[str] = set()
    seen: set[str] = set()
    for item in items:
        duty_id = str(item.get("id") or "").strip()
        person = _ref(item.get("person"))
        school = _ref(item.get("dutyAt"))
        duty_role = str(item.get("dutyRole") or "").strip()
        start = _date(item.get("startDate"))
        end = _date(item.get("endDate"))
        if not duty_id:
            _problem(snapshot, "duty", "", "missing_id")
        elif duty_id in seen:
            _problem(snapshot, "duty", duty_id, "duplicate_id")
        elif duty_role not in DUTY_ROLES:
            _problem(snapshot, "duty", duty_id, "unknown_duty_role", duty_role)
        elif not person:
            _problem(snapshot, "duty", duty_id, "missing_person")
        elif school not in school_ids:
            _problem(snapshot, "duty", duty_id, "unknown_school", school)
        elif start is None:
            _problem(snapshot, "duty", duty_id, "bad_start_date", item.get("startDate") or "")
        elif end is not None and end < start:
            _problem(snapshot, "duty", duty_id, "end_before_start", item.get("endDate"))
        else:
            seen.add(duty_id)
            role = DUTY_ROLES[duty_role]
            if role is None:
                continue  # staff without a role in Samsyn: neither the duty nor the person
            people.add(person)
            snapshot.duties.append(
                {
                    "id": duty_id,
                    "person": person,
                    "school": school,
                    "duty_role": duty_role,
                    "role": role,
                    "start": start.isoformat(),
                    "end": end.isoformat() if end else None,
                }
            )
    return people


def person_email(item: dict) -> str:
    """The person's work e-mail: a staff-type address first, else any address, else the
    eduPersonPrincipalName when it has the form of an address."""
    emails = [e for e in item.get("emails") or [] if isinstance(e, dict) and e.get("value")]
    emails.sort(key=lambda e: 0 if "personal" in str(e.get("type", "")).lower() else 1)
    candidates = [str(e["value"]) for e in emails]
    candidates += [str(v) for v in item.get("eduPersonPrincipalNames") or [] if v]
    for candidate in candidates:
        candidate = candidate.strip().lower()
        if EMAIL.match(candidate):
            return candidate
    return ""


def _persons(snapshot: Snapshot, items: list[dict], wanted: set[str]) -> None:
    by_email: dict[str, str] = {}
    for item in items:
        person_id = str(item.get("id") or "").strip()
        if person_id not in wanted:
            continue  # not staff with a role here (pupils, other staff): not read further
        name = " ".join(
            str(item.get(k) or "").strip() for k in ("givenName", "familyName") if item.get(k)
        )
        email = person_email(item)
        if not name:
            _problem(snapshot, "person", person_id, "missing_name")
        elif not email:
            _problem(snapshot, "person", person_id, "missing_email")
        elif email in by_email:
            _problem(snapshot, "person", person_id, "duplicate_email", email)
        else:
            by_email[email] = person_id
            snapshot.persons.append({"id": person_id, "name": name[:200], "email": email})


def group_grades(group: dict) -> list[str]:
    """Grades of a teaching group: F for förskoleklass, 1–9 in compulsory school (from
    `schoolYear` when given, else the leading number of its name, as in "7B"), GY upper
    secondary."""
    school_type = str(group.get("schoolType") or "")
    if school_type == "FKLASS":
        return ["F"]
    if school_type in {"GY", "GYS"}:
        return ["GY"]
    if school_type not in {"GR", "GRS", "SP", "SAM"}:
        return []
    years = group.get("schoolYears") or (
        [group["schoolYear"]] if group.get("schoolYear") is not None else []
    )
    if not years:
        match = re.match(r"\s*(\d{1,2})", str(group.get("displayName") or ""))
        years = [match.group(1)] if match else []
    grades = []
    for year in years:
        try:
            number = int(year)
        except (TypeError, ValueError):
            continue
        if 0 <= number <= 9:
            grades.append("F" if number == 0 else str(number))
    return grades


def grade_span_label(grades: set[str]) -> str:
    """ "F–3", "7–9", "4", "GY" or "7–9, GY" for a set of grades."""
    numbers = sorted(0 if g == "F" else int(g) for g in grades if g != "GY")
    parts = []
    if numbers:
        low = "F" if numbers[0] == 0 else str(numbers[0])
        parts.append(low if numbers[0] == numbers[-1] else f"{low}–{numbers[-1]}")
    if "GY" in grades:
        parts.append("GY")
    return ", ".join(parts)


def _subject(activity: dict) -> str:
    syllabus = activity.get("syllabus")
    if isinstance(syllabus, dict):
        return str(syllabus.get("subjectName") or syllabus.get("subjectCode") or "").strip()
    return ""


def _details(snapshot: Snapshot, groups: list[dict], activities: list[dict]) -> None:
    """Each teacher's subjects and grades per school, from the activities they teach."""
    duty_of = {d["id"]: d for d in snapshot.duties if d["role"] == "teacher"}
    group_of = {str(g.get("id")): g for g in groups}
    subjects: dict[tuple[str, str], Counter] = defaultdict(Counter)
    grades: dict[tuple[str, str], set[str]] = defaultdict(set)
    for activity in activities:
        subject = _subject(activity)
        activity_grades: set[str] = set()
        for ref in activity.get("groups") or []:
            group = group_of.get(_ref(ref))
            if group is not None:
                activity_grades.update(group_grades(group))
        for teacher in activity.get("teachers") or []:
            duty = duty_of.get(_ref((teacher or {}).get("duty")))
            if duty is None:
                continue
            key = (duty["person"], duty["school"])
            if subject:
                subjects[key][subject] += 1
            grades[key] |= activity_grades
    for key in sorted(set(subjects) | set(grades)):
        names = [name for name, _n in subjects[key].most_common()]
        area = ""
        for name in names:
            candidate = f"{area}, {name}" if area else name
            if len(candidate) > SUBJECT_AREA_MAX:
                break
            area = candidate
        snapshot.details.append(
            {
                "person": key[0],
                "school": key[1],
                "subject_area": area,
                "grade_span": grade_span_label(grades[key])[:30],
            }
        )

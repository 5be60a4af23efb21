"""A CSV file for owners without SS 12000, turned into the same shape as an SS 12000 export.

One row per duty: the school, the person and their role there. Stable ids are made from the
school unit code and the e-mail address, so importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import io

COLUMNS = [
    "school_unit_code",
    "school_name",
    "municipality_code",
    "given_name",
    "family_name",
    "email",
    "role",
    "start_date",
    "end_date",
    "subjects",
    "grades",
]
REQUIRED = ["school_unit_code", "school_name", "given_name", "email", "role", "start_date"]
ROLE_WORDS = {
    "teacher": "Lärare",
    "lärare": "Lärare",
    "principal": "Rektor",
    "rektor": "Rektor",
}
EXAMPLE = [
    [
        *("12345678", "Exempelskolan", "1380", "Anna", "Andersson"),
        *("anna.andersson@kommun.example", "Lärare", "2026-08-01", "", "Matematik;NO", "7;8;9"),
    ],
    [
        *("12345678", "Exempelskolan", "1380", "Per", "Persson"),
        *("per.persson@kommun.example", "Rektor", "2024-01-01", "", "", ""),
    ],
]


def template() -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE)
    return out.getvalue()


def to_export(text: str) -> tuple[dict, list[dict]]:
    """The rows as an SS 12000-shaped export, and the rows that could not be read."""
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    schools: dict[str, dict] = {}
    persons: dict[str, dict] = {}
    duties, groups, activities, problems = [], [], [], []
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if any(not row.get(column) for column in REQUIRED):
            problems.append({"kind": "row", "id": str(number), "reason": "bad_csv_row"})
            continue
        duty_role = ROLE_WORDS.get(row["role"].lower())
        if duty_role is None:
            problems.append(
                {
                    "kind": "row",
                    "id": str(number),
                    "reason": "unknown_csv_role",
                    "value": row["role"],
                }
            )
            continue
        code, email = row["school_unit_code"], row["email"].lower()
        school_id, person_id = f"csv:{code}", f"csv:{email}"
        schools.setdefault(
            school_id,
            {
                "id": school_id,
                "organisationType": "Skolenhet",
                "displayName": row["school_name"],
                "schoolUnitCode": code,
                "municipalityCode": row.get("municipality_code", ""),
            },
        )
        persons.setdefault(
            person_id,
            {
                "id": person_id,
                "givenName": row["given_name"],
                "familyName": row.get("family_name", ""),
                "emails": [{"value": email, "type": "Privat"}],
            },
        )
        duty_id = f"csv:{email}:{code}:{duty_role}"
        duties.append(
            {
                "id": duty_id,
                "person": {"id": person_id},
                "dutyAt": {"id": school_id},
                "dutyRole": duty_role,
                "startDate": row["start_date"],
                "endDate": row.get("end_date") or None,
            }
        )
        grades = [g.strip() for g in row.get("grades", "").split(";") if g.strip()]
        group_id = f"{duty_id}:group"
        groups.append(
            {
                "id": group_id,
                "schoolType": "GR",
                "schoolYears": [0 if g.upper() == "F" else g for g in grades],
            }
        )
        subjects = [s.strip() for s in row.get("subjects", "").split(";") if s.strip()]
        for subject in subjects or ([""] if grades else []):
            activities.append(
                {
                    "id": f"{duty_id}:{subject}",
                    "syllabus": {"subjectName": subject},
                    "groups": [{"id": group_id}],
                    "teachers": [{"duty": {"id": duty_id}}],
                }
            )
    export = {
        "organisations": list(schools.values()),
        "persons": list(persons.values()),
        "duties": duties,
        "groups": groups,
        "activities": activities,
    }
    return export, problems

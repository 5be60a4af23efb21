"""A fictional SS 12000 export, for the demo, the benchmark and the tests.

Deterministic for a seed: the same arguments give the same file, ids included. Persons carry a
`civicNo` (fictional, all zeros) as real exports do, to show that Samsyn never keeps it; a few
pupils are included, who have no duty and are therefore not imported.
"""

from __future__ import annotations

import random
import uuid

GIVEN = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Per", "Elin", "Nils"]
GIVEN += ["Emma", "Olof", "Lena", "Anders", "Hanna", "Mats", "Ida", "Jonas", "Frida", "Oskar"]
FAMILY = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson"]
FAMILY += ["Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Berg"]
SUBJECTS = ["Matematik", "Svenska", "Engelska", "NO", "SO", "Idrott och hälsa", "Bild", "Musik"]


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def export(
    *,
    owner_name: str = "Exempelkommun",
    municipality_code: str = "1380",
    schools: int = 3,
    staff: int = 60,
    domain: str = "kommun.example",
    unit_code_start: int = 90000001,
    seed: int = 12000,
    school_names: list[str] | None = None,
) -> dict:
    """`schools` school units and `staff` persons with duties (one principal per school, the
    rest teachers), plus groups and activities that give each teacher subjects and grades."""
    rng = random.Random(seed)  # noqa: S311 (fictional data, not security)
    owner_id = _id(rng)
    organisations = [
        {
            "id": owner_id,
            "displayName": owner_name,
            "organisationType": "Huvudman",
            "municipalityCode": municipality_code,
        }
    ]
    for i in range(schools):
        name = school_names[i] if school_names and i < len(school_names) else f"Skola {i + 1}"
        organisations.append(
            {
                "id": _id(rng),
                "displayName": name,
                "organisationType": "Skolenhet",
                "parentOrganisation": {"id": owner_id},
                "schoolUnitCode": str(unit_code_start + i),
                "schoolTypes": ["GR"],
                "municipalityCode": municipality_code,
            }
        )
    units = organisations[1:]
    persons, duties, groups, activities = [], [], [], []
    for n in range(staff):
        unit = units[n % len(units)]
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        person_id = _id(rng)
        persons.append(
            {
                "id": person_id,
                "givenName": given,
                "familyName": family,
                "civicNo": {"value": "000000000000", "nationality": "SE"},
                "emails": [{"value": f"{given}.{family}.{n}@{domain}".lower(), "type": "Personal"}],
                "eduPersonPrincipalNames": [f"{given}.{family}.{n}@{domain}".lower()],
            }
        )
        duty_id = _id(rng)
        duties.append(
            {
                "id": duty_id,
                "person": {"id": person_id},
                "dutyAt": {"id": unit["id"]},
                "dutyRole": "Rektor" if n < len(units) else "Lärare",
                "startDate": "2020-08-01",
            }
        )
        if n >= len(units):
            year = rng.randint(1, 9)
            group_id = _id(rng)
            groups.append(
                {
                    "id": group_id,
                    "displayName": f"{year}{rng.choice('ABC')}",
                    "groupType": "Undervisning",
                    "schoolType": "GR",
                    "organisation": {"id": unit["id"]},
                }
            )
            activities.append(
                {
                    "id": _id(rng),
                    "displayName": f"{year} {rng.choice(SUBJECTS)}",
                    "activityType": "Undervisning",
                    "groups": [{"id": group_id}],
                    "teachers": [{"duty": {"id": duty_id}}],
                    "organisation": {"id": unit["id"]},
                    "syllabus": {"subjectName": rng.choice(SUBJECTS)},
                }
            )
    for n in range(3):  # pupils: no duty, so never imported
        persons.append(
            {
                "id": _id(rng),
                "givenName": "Elev",
                "familyName": str(n),
                "civicNo": {"value": "000000000000", "nationality": "SE"},
                "emails": [{"value": f"elev{n}@{domain}", "type": "Skola elev"}],
            }
        )
    return {
        "organisations": organisations,
        "persons": persons,
        "duties": duties,
        "groups": groups,
        "activities": activities,
    }

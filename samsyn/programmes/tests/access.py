"""Access-matrix rows for programmes (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from samsyn.programmes import services

ANON = "anon"


def rows(case) -> dict:
    programme = services.programme_create(
        organisation=case.owner,
        name="Programmet",
        start_year=2025,
        end_year=2027,
        schools=[case.school, case.school_b],
        actor=case.olle,
    )
    pk = lambda: [programme.pk]  # noqa: E731
    # managers (owner admin) 200; principals of member schools read (200) but do not manage
    # (403); teachers, observers, network coordinators and researchers 403; outsiders 404
    read = {
        ANON: 302,
        "charlie": 404,
        "alice": 403,
        "oscar": 403,
        "bob": 403,
        "rita": 403,
        "nina": 403,
        "pia": 200,
        "olle": 200,
    }
    manage = {**read, "pia": 403}
    return {
        "programmes:list": ("get", list, {ANON: 302, "alice": 200, "olle": 200, "charlie": 200}),
        "programmes:create": (
            "get",
            lambda: [case.owner.pk],
            {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 200},
        ),
        "programmes:detail": ("get", pk, read),
        "programmes:pdf": ("get", pk, read),
        "programmes:edit": ("get", pk, manage),
        "programmes:measures": ("get", pk, manage),
    }

"""Access-matrix rows for samsyn.dashboards (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

ANON = "anon"


def rows(case) -> dict:
    school = lambda: [case.school.pk]  # noqa: E731
    owner = lambda: [case.owner.pk]  # noqa: E731
    school_csv = lambda: [case.school.pk, "csv"]  # noqa: E731
    owner_csv = lambda: [case.owner.pk, "csv"]  # noqa: E731
    # School: principal and teachers (anonymised); observers and network coordinators are
    # members without the right; people elsewhere are outsiders.
    at_school = {
        ANON: 302,
        "charlie": 404,
        "bob": 404,
        "oscar": 403,
        "nina": 403,
        "alice": 200,
        "pia": 200,
        "olle": 200,
        "rita": 200,
    }
    # Owner: its administrators and the region's researchers; school staff below are members
    # without the right. (The network coordinator's network dashboard: test_dashboards.py.)
    at_owner = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 200, "rita": 200}
    return {
        "dashboards:school": ("get", school, at_school),
        "dashboards:school_export": ("get", school_csv, at_school),
        "dashboards:area": ("get", owner, at_owner),
        "dashboards:area_export": ("get", owner_csv, at_owner),
    }

"""Access-matrix rows for reliability (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

import uuid

from samsyn.observations import services
from samsyn.observations.tests.factories import default_version, full_ratings, make_round

ANON = "anon"


def rows(case) -> dict:
    round_ = make_round(case)
    assignment = round_.assignments.first()
    result = services.observation_save(
        actor=case.oscar,
        uuid=uuid.uuid4(),
        data={"assignment_id": assignment.pk, "ratings": full_ratings(default_version())},
        base_revision=0,
    )
    services.observation_submit(actor=case.oscar, observation=result.observation)
    rnd = lambda: [round_.pk]  # noqa: E731
    return {
        **_own_pages(),
        # the round leader only (an observer's severity is theirs and the leader's alone)
        "reliability:severity_round": (
            "get",
            rnd,
            {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "pia": 200},
        ),
        # the round's observers only, each their own row
        "reliability:severity_mine": (
            "get",
            rnd,
            {ANON: 302, "charlie": 404, "alice": 404, "pia": 404, "oscar": 200},
        ),
    }


def _own_pages() -> dict:
    return {
        # everyone's own certification page; nothing of anyone else's is on it
        "reliability:certification": (
            "get",
            list,
            {ANON: 302, "alice": 200, "oscar": 200, "charlie": 200},
        ),
        "reliability:certification_certify": ("post", list, {ANON: 302, "oscar": 302}),
    }

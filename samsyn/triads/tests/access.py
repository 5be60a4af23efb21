"""Access-matrix rows for samsyn.triads (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from samsyn.triads.tests.factories import saved_set

ANON = "anon"


def rows(case) -> dict:
    triad_set, triad = saved_set(case)
    school = lambda: [case.school.pk]  # noqa: E731
    in_set = lambda: [triad_set.pk]  # noqa: E731
    manager = {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "olle": 403, "pia": 200}
    manager_post = {ANON: 302, "charlie": 404, "alice": 403, "olle": 403, "pia": 302}
    return {
        "triads:index": ("get", list, {ANON: 302, "alice": 200, "bob": 200, "pia": 302}),
        "triads:mine": ("get", list, {ANON: 302, "alice": 200, "bob": 200, "pia": 200}),
        "triads:school": ("get", school, manager),
        "triads:propose": ("post", school, manager_post),
        "triads:details": ("get", school, manager),
        "triads:set": ("get", in_set, manager),
        # A saved set cannot be edited: the move is refused with a message (redirect).
        "triads:move": ("post", in_set, manager_post),
        # No name sent: the form is shown again with its error.
        "triads:save": ("post", in_set, {**manager_post, "pia": 400}),
        # What a triad plans among itself is its members' only: 404 even for the principal.
        "triads:plan": (
            "get",
            lambda: [triad.pk],
            {ANON: 302, "alice": 200, "pia": 404, "olle": 404, "bob": 404, "charlie": 404},
        ),
        "api:my_triads": ("get", list, {ANON: 401, "alice": 200, "bob": 200}),
    }

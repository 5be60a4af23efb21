"""Access-matrix rows for samsyn.coaching (collected by samsyn/tests/test_access_matrix.py).

Coaching content: teacher (alice) and coach (oscar) only; the principal, the owner
administrator, other teachers and outsiders get 404. Support plans: teacher, principal and the
plan's coach; other members of the school 403, everyone else 404.
"""

from __future__ import annotations

from samsyn.coaching.tests import factories

ANON = "anon"


def rows(case) -> dict:
    conversation = factories.recorded(case)
    plan = factories.support_plan(case)
    conv = lambda: [conversation.pk]  # noqa: E731
    step = lambda: [conversation.next_step.pk]  # noqa: E731
    school = lambda: [case.school.pk]  # noqa: E731
    private = {ANON: 302, "pia": 404, "olle": 404, "bob": 404, "charlie": 404, "adam": 404}
    private_post = {ANON: 302, "pia": 404, "olle": 404, "bob": 404, "charlie": 404}
    principal = {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "olle": 403, "pia": 200}
    return {
        "coaching:my_teaching": ("get", list, {ANON: 302, "alice": 200, "oscar": 200, "bob": 200}),
        "coaching:conversation_start": (
            "get",
            list,
            {ANON: 302, "alice": 200, "oscar": 200, "pia": 200, "nina": 403, "rita": 403},
        ),
        "coaching:conversation": ("get", conv, {**private, "alice": 200, "oscar": 200}),
        "coaching:reflect": ("post", conv, {**private_post, "oscar": 403, "alice": 200}),
        "coaching:prepare": ("post", conv, {**private_post, "alice": 403, "oscar": 200}),
        "coaching:record": ("post", conv, {**private_post, "alice": 403, "oscar": 200}),
        "coaching:next_step_status": ("post", step, {**private_post, "alice": 302, "oscar": 302}),
        "coaching:school_conversations": ("get", school, principal),
        "coaching:support_plans": ("get", school, principal),
        "coaching:support_plan_create": (
            "get",
            lambda: [case.school.pk, case.bob.pk],  # not eligible: nobody to start a plan for
            {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "pia": 404},
        ),
        "coaching:support_plan": (
            "get",
            lambda: [plan.pk],
            {
                ANON: 302,
                "charlie": 404,
                "bob": 404,
                "olle": 403,
                "alice": 200,
                "oscar": 200,
                "pia": 200,
            },
        ),
        "coaching:support_plan_check_in": (
            "post",
            lambda: [plan.pk],
            {ANON: 302, "charlie": 404, "bob": 404, "alice": 403, "oscar": 200, "pia": 200},
        ),
        "api:coaching_next_steps": ("get", list, {ANON: 401, "alice": 200, "pia": 200}),
        # The matrix posts no body, which the API refuses (400) before looking anything up;
        # 404 for anyone but the teacher and coach is tested in test_coaching.ApiTests.
        "api:coaching_next_step_status": ("post", step, {ANON: 401, "pia": 400, "alice": 400}),
        "coaching:support_plan_close": (
            "post",
            lambda: [plan.pk],
            {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "olle": 403, "pia": 200},
        ),
    }

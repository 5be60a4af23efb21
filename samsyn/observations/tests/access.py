"""Access-matrix rows for observations (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

import uuid

from samsyn.observations import services
from samsyn.observations.models import Conflict
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
    observation = services.observation_submit(actor=case.oscar, observation=result.observation)
    observation = services.observation_release(actor=case.oscar, observation=observation)
    obs = lambda: [observation.uuid]  # noqa: E731
    rnd = lambda: [round_.pk]  # noqa: E731

    def conflict():
        return [
            Conflict.objects.create(
                observation=observation, base_revision=0, server_revision=1, incoming={}, server={}
            ).pk
        ]

    from samsyn.observations import calibration as calibration_services

    exercise = calibration_services.exercise_create(
        actor=case.olle,
        organisation=case.owner,
        framework_version=default_version(),
        title="Övning",
        lesson_description="Text",
        video_url="",
        reference={d.pk: None for d in default_version().dimensions.all()},
    )
    planner = {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "pia": 200, "olle": 200}
    planner_post = {ANON: 302, "charlie": 404, "alice": 403, "pia": 302}
    return {
        "observations:overview": ("get", list, {ANON: 302, "alice": 200, "charlie": 200}),
        "observations:today": ("get", list, {ANON: 302, "oscar": 200}),
        "observations:mine": ("get", list, {ANON: 302, "alice": 200}),
        "observations:round_create": (
            "get",
            list,
            {ANON: 302, "alice": 403, "oscar": 403, "pia": 200, "olle": 200},
        ),
        "observations:round": ("get", rnd, planner),
        "observations:round_generate": ("post", rnd, planner_post),
        "observations:round_close": (
            "post",
            lambda: [make_round(case, name="Stängs").pk],
            planner_post,
        ),
        "observations:proposal": (
            "get",
            rnd,
            {ANON: 302, "charlie": 404, "pia": 403, "alice": 200},
        ),
        "observations:assignment_edit": (
            "get",
            lambda: [assignment.pk],
            {ANON: 302, "charlie": 404, "alice": 403, "pia": 200},
        ),
        "observations:assignment_double": (
            "post",
            lambda: [assignment.pk],
            {ANON: 302, "charlie": 404, "alice": 403, "pia": 302},
        ),
        "observations:capture": (
            "get",
            lambda: [assignment.pk],
            {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "oscar": 200},
        ),
        "observations:detail": (
            "get",
            obs,
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
        "observations:release": (
            "post",
            obs,
            {ANON: 302, "charlie": 404, "alice": 403, "oscar": 302},
        ),
        "observations:reopen": (
            "post",
            obs,
            {ANON: 302, "charlie": 404, "alice": 403, "oscar": 302},
        ),
        "observations:acknowledge": (
            "post",
            obs,
            {ANON: 302, "charlie": 404, "oscar": 403, "alice": 302},
        ),
        "observations:conflict_resolve": (
            "post",
            conflict,
            {ANON: 302, "charlie": 404, "alice": 403, "oscar": 302},
        ),
        "observations:round_reliability": ("get", rnd, planner),
        "observations:round_measurement": (
            "get",
            rnd,
            {
                ANON: 302,
                "charlie": 404,
                "alice": 403,
                "oscar": 403,
                "pia": 200,
                "olle": 200,
                "rita": 200,
            },
        ),
        "observations:calibrations": (
            "get",
            list,
            {ANON: 302, "alice": 200, "oscar": 200, "olle": 200},
        ),
        "observations:calibration_create": (
            "get",
            list,
            {ANON: 302, "alice": 403, "oscar": 403, "pia": 403, "olle": 200},
        ),
        "observations:calibration": (
            "get",
            lambda: [exercise.pk],
            {ANON: 302, "charlie": 404, "alice": 403, "oscar": 200, "pia": 200, "olle": 200},
        ),
        "capture_sw": ("get", list, {ANON: 200}),
        "api:my_assignments": ("get", list, {ANON: 401, "oscar": 200}),
        "api:get_observation": ("get", obs, {ANON: 401, "charlie": 404, "pia": 404, "oscar": 200}),
        # Without a body the schema answers 422 before anything is looked up, the same for any
        # UUID (so nothing leaks); with a body, others get 404 (test_api.py).
        "api:put_observation": ("put", obs, {ANON: 401, "charlie": 422, "oscar": 422}),
        "api:submit_observation": ("post", obs, {ANON: 401, "charlie": 404, "oscar": 200}),
        "api:round_framework": ("get", rnd, {ANON: 401, "charlie": 404, "oscar": 200}),
    }

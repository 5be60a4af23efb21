"""Access-matrix rows for indicators and surveys (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from samsyn.indicators import services
from samsyn.indicators.models import KoladaFetch, Survey

ANON = "anon"


def _survey(case) -> Survey:
    return services.survey_create(
        organisation=case.school, actor=case.pia, title="Trygghet", audience="students"
    )


def _failed_fetch() -> KoladaFetch:
    return KoladaFetch.objects.create(
        municipalities="1384", first_year=2024, last_year=2024, state="failed", error="down"
    )


def rows(case) -> dict:
    case.owner.municipality_code = "1384"
    case.owner.save(update_fields=["municipality_code"])
    survey = _survey(case)
    school = lambda: [case.school.pk]  # noqa: E731
    owner = lambda: [case.owner.pk]  # noqa: E731
    in_survey = lambda: [case.school.pk, survey.pk]  # noqa: E731

    def question():
        return [case.school.pk, survey.pk, services.survey_question_add(survey=survey, text="x").pk]

    def token():
        services.survey_set_open(survey=survey, is_open=True)  # an earlier row closes it
        return [services.survey_links_create(survey=survey, count=1)[0]]

    viewer = {ANON: 302, "charlie": 404, "nina": 403, "alice": 200, "rita": 200, "olle": 200}
    owner_admin = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 200, "adam": 200}
    surveyor = {ANON: 302, "charlie": 404, "alice": 403, "oscar": 403, "pia": 200, "olle": 200}
    surveyor_post = {ANON: 302, "charlie": 404, "alice": 403, "pia": 302}
    platform = {ANON: 302, "alice": 404, "olle": 404, "adam": 200}
    return {
        "indicators:overview": ("get", school, viewer),
        "indicators:indicator_detail": (
            "get",
            lambda: [case.school.pk, "grade9-merit"],
            viewer,
        ),
        "indicators:indicator_create": ("get", owner, owner_admin),
        "indicators:municipality_link": ("get", owner, owner_admin),
        "indicators:survey_list": ("get", school, surveyor),
        "indicators:survey_create": ("get", school, surveyor),
        "indicators:survey_detail": ("get", in_survey, surveyor),
        "indicators:survey_question_add": ("post", in_survey, surveyor_post),
        "indicators:survey_question_remove": ("post", question, surveyor_post),
        "indicators:survey_links": ("post", in_survey, surveyor_post),
        "indicators:survey_open": ("post", in_survey, surveyor_post),
        "indicators:survey_outcome": ("post", in_survey, surveyor_post),
        "indicators:survey_results": ("get", in_survey, surveyor),
        "indicators:survey_export": ("get", in_survey, surveyor),
        "indicators:import": ("get", list, platform),
        "indicators:kolada_fetch": ("post", list, {ANON: 302, "olle": 404, "adam": 302}),
        "indicators:kolada_upload": ("post", list, {ANON: 302, "olle": 404, "adam": 200}),
        "indicators:kolada_retry": (
            "post",
            lambda: [_failed_fetch().pk],
            {ANON: 302, "olle": 404, "alice": 404, "adam": 302},
        ),
        # The answer page needs no login; a used or unknown token is refused (see tests).
        "indicators:survey_answer": ("get", token, {ANON: 200, "charlie": 200}),
        "api:indicator_catalogue": (
            "get",
            school,
            {ANON: 401, "charlie": 404, "nina": 403, "alice": 200, "olle": 200},
        ),
        "api:indicator_series": (
            "get",
            lambda: [case.school.pk, "grade9-merit"],
            {ANON: 401, "charlie": 404, "nina": 403, "alice": 200, "olle": 200},
        ),
    }

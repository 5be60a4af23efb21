"""Access-matrix rows for samsyn.privacy (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from samsyn.privacy import services

ANON = "anon"


def rows(case) -> dict:
    from samsyn.privacy.tests.helpers import make_plain_round

    owner = lambda: [case.owner.pk]  # noqa: E731

    def request():
        req = services.request_create(
            owner=case.owner,
            actor=case.olle,
            subject=case.alice,
            kind="rectification",
            scope=[{"field": "full_name", "new": "Alice T"}],
            reason="x",
        )
        return [case.owner.pk, req.pk]

    def approved_request():
        args = request()
        req = services.SubjectRequest.objects.get(pk=args[1])
        services.request_review(request=req, actor=case.adam, approve=True)
        return args

    def email_token():
        from django.core import signing

        data = {"u": case.alice.pk, "o": case.alice.email, "n": "alice.new@example.org", "r": 0}
        return [signing.dumps(data, salt=services.EMAIL_CHANGE_SALT)]

    def export(approve: bool = False):
        round_ = make_plain_round(case, name="Matrix")
        exp = services.research_request_create(
            researcher=case.rita,
            owner=case.owner,
            project="Matrix",
            purpose="x",
            rounds=[round_],
            schools=[case.school],
            fields=[],
            notes_requested=False,
        )
        if approve:
            services.research_review(export=exp, actor=case.olle, approve=True)
        return exp

    admin = {
        ANON: 302,
        "charlie": 404,
        "nina": 404,
        "alice": 403,
        "pia": 403,
        "rita": 403,
        "olle": 200,
        "adam": 200,
    }
    admin_post = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 302}
    everyone = {ANON: 302, "alice": 200, "charlie": 200, "rita": 200, "olle": 200}
    researcher = {ANON: 302, "alice": 404, "olle": 404, "rita": 200}
    return {
        "privacy:my_data": ("get", list, everyone),
        "privacy:my_data_download": ("get", lambda: ["json"], everyone),
        "privacy:my_reads": ("get", list, everyone),
        "privacy:email_confirm": (
            "get",
            email_token,
            {ANON: 302, "alice": 200, "olle": 404, "charlie": 404, "adam": 404},
        ),
        "privacy:owner": ("get", owner, admin),
        "privacy:person_export": ("get", owner, admin),
        "privacy:retention": ("get", owner, admin),
        "privacy:retention_run": ("post", owner, admin_post),
        "privacy:requests": ("get", owner, admin),
        "privacy:request_detail": ("get", request, admin),
        "privacy:request_execute": ("post", approved_request, admin_post),
        "privacy:records": ("get", owner, admin),
        "privacy:records_pdf": (
            "get",
            owner,
            {ANON: 302, "charlie": 404, "alice": 403, "olle": 200},
        ),
        "privacy:research_reviews": ("get", owner, admin),
        "privacy:research_review": ("get", lambda: [case.owner.pk, export().pk], admin),
        "privacy:research_list": ("get", list, researcher),
        "privacy:research_create": (
            "get",
            owner,
            {ANON: 302, "charlie": 404, "alice": 403, "olle": 403, "rita": 200},
        ),
        "api:my_data_export": ("get", list, {ANON: 401, "alice": 200, "charlie": 200}),
        "privacy:research_download": (
            "get",
            lambda: [export(approve=True).pk, "csv"],
            {ANON: 302, "charlie": 404, "alice": 404, "olle": 404, "rita": 200},
        ),
    }

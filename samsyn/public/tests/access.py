"""Access-matrix rows for samsyn.public (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from samsyn.public import services

ANON = "anon"


def rows(case) -> dict:
    draft = services.page_create(organisation=case.owner, actor=case.olle, slug="matrix-draft")
    public = services.page_create(organisation=case.owner, actor=case.olle, slug="matrix-public")
    public = services.page_update(
        page=public,
        actor=case.olle,
        enabled=True,
        indicator_codes=["grade9-merit"],
        baseline_round=None,
        latest_round=None,
        intro_sv="",
        intro_en="",
    )
    services.page_submit(page=public, actor=case.olle)
    services.page_approve(page=public, actor=case.adam)

    owner = lambda: [case.owner.pk]  # noqa: E731
    page = lambda: [draft.pk]  # noqa: E731
    # The network coordinator manages the network's pages, not the owner's.
    view = {ANON: 302, "charlie": 404, "nina": 404, "alice": 403, "rita": 403, "olle": 200}
    post = {**view, "olle": 302}
    return {
        "public:manage": ("get", owner, view),
        "public:edit": ("get", page, view),
        "public:preview": ("get", page, view),
        "public:submit": ("post", page, post),
        "public:approve": ("post", page, post),
        "public:withdraw": ("post", page, post),
        "public:page": (
            "get",
            lambda: [public.slug],
            {ANON: 200, "charlie": 200, "alice": 200, "olle": 200},
        ),
    }

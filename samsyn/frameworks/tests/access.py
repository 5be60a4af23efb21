"""Access-matrix rows for frameworks (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from samsyn.frameworks import services
from samsyn.frameworks.tests.factories import framework_json

ANON = "anon"
SLUG = "test-framework"


def _framework(case):
    """Testkommun's framework: version 1 published, version 2 a draft."""
    version = services.framework_import(
        raw=framework_json(slug=SLUG), actor=None, organisation=case.owner
    )
    services.version_publish(version=version, actor=None)
    services.version_new_draft(framework=version.framework, actor=None)
    return version.framework


def rows(case) -> dict:
    framework = _framework(case)
    slug = lambda: [framework.slug]  # noqa: E731
    version = lambda: [framework.slug, 1]  # noqa: E731
    dim = lambda: [framework.slug, "dim-1"]  # noqa: E731
    reader = {ANON: 302, "charlie": 404, "alice": 200, "olle": 200, "adam": 200}
    editor = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 200}
    editor_post = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 302}
    return {
        "frameworks:list": ("get", list, {ANON: 302, "alice": 200, "olle": 200}),
        "frameworks:create": (
            "get",
            list,
            {ANON: 302, "alice": 403, "pia": 403, "olle": 200, "adam": 200},
        ),
        "frameworks:import": ("get", list, {ANON: 302, "alice": 403, "olle": 200, "adam": 200}),
        "frameworks:detail": ("get", slug, reader),
        "frameworks:version": ("get", version, reader),
        "frameworks:version_pdf": ("get", version, {ANON: 302, "charlie": 404, "alice": 200}),
        "frameworks:version_export": ("get", version, reader),
        "frameworks:draft_create": ("post", slug, editor_post),
        "frameworks:draft": ("get", slug, editor),
        "frameworks:draft_preview": ("get", slug, editor),
        "frameworks:draft_publish": ("post", slug, {ANON: 302, "charlie": 404, "alice": 403}),
        "frameworks:draft_discard": ("post", slug, {ANON: 302, "charlie": 404, "alice": 403}),
        "frameworks:dimension_create": ("post", slug, editor_post),
        "frameworks:dimension": ("get", dim, editor),
        "frameworks:dimension_action": ("post", dim, editor_post),
        "api:frameworks": ("get", list, {ANON: 401, "alice": 200}),
        "api:framework_version": ("get", version, {ANON: 401, "charlie": 404, "alice": 200}),
    }

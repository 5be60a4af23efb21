"""axe-core itself works here: it finds a planted violation, and the public pages are clean."""

from __future__ import annotations

import pytest

from tests.e2e.a11y import assert_accessible, axe_violations

pytestmark = pytest.mark.e2e


def test_axe_finds_a_planted_violation(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    # An image without a text alternative and a form field without a label: both refused.
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/favicon.svg';"
        " document.querySelector('main').appendChild(i);"
        " const f = document.createElement('input'); f.type = 'text';"
        " document.querySelector('main').appendChild(f); }"
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= ids


@pytest.mark.parametrize("path", ["/", "/en/", "/accounts/password-reset/"])
def test_public_pages_have_no_serious_violations(live_server, page, path):
    page.goto(f"{live_server.url}{path}")
    assert_accessible(page, path)

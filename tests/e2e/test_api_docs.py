"""The API documentation at /api/v1/docs renders its operations in Chromium from our own static
files, under our Content Security Policy, with the page in the reader's language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("locale", "lang", "heading"),
    [("sv-SE", "sv", "API-dokumentation"), ("en-GB", "en", "API documentation")],
)
def test_the_api_documentation_lists_the_operations(
    live_server, browser, locale, lang, heading, screenshot
):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    external: list[str] = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    try:
        page.goto(live_server.url + "/api/v1/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").first.inner_text() == heading
        schema = page.request.get(live_server.url + "/api/v1/openapi.json").json()
        expected = sum(len(methods) for methods in schema["paths"].values())
        assert expected >= 10
        # Every operation of the schema is drawn (Swagger UI draws them in batches).
        page.wait_for_function(
            "n => document.querySelectorAll('.opblock-summary-path').length >= n", arg=expected
        )
        assert "/api/v1/me" in page.locator("#swagger-ui").inner_text()
        screenshot(f"api-docs-{lang}", page)
    finally:
        context.close()
    assert problems == [], problems  # a CSP refusal shows here as a console error
    assert external == [], external  # nothing from a CDN

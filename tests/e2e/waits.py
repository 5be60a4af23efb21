"""Waiting for what a click does before reading the page (Playwright's sync API).

A click returns once the browser has dispatched it, not once the page it leads to has loaded.
Read right after it, `page.content()` may be the old page, the new one half parsed, or '' (what
CI's PostgreSQL half once got); `page.wait_for_load_state()` right after it resolves at once on
the old page, which is still loaded; a `page.goto()` right after a login's click may abort the
POST before its session cookie arrives. Wait for the navigation itself:

    click_and_wait(page, "form.card button[type=submit]")      # a selector on the page
    click_and_wait(page.get_by_role("link", name="Styrgruppen"))  # or a locator

or for something only the new page has (`page.wait_for_url(...)` with an address the old page
does not have, `expect(locator).to_contain_text(...)`). tests/e2e/test_no_races.py keeps the
unwaited pattern out of the browser tests.
"""

from __future__ import annotations

import json
from typing import Any


def click_and_wait(
    where: Any, selector: str | None = None, *, url: Any = None, timeout: float | None = None
) -> Any:
    """Click a link or a submit button and return once the page it leads to has loaded
    (its `load` event; after the redirects, if any): the response of that page, or None for a
    navigation inside the page.

    `where` is a Page (with `selector`) or a Locator. `url` (glob, regex or predicate) waits for
    the navigation to that address, for a click whose way passes other pages (single sign-on).
    """
    if selector is None:
        page, click = where.page, where.click
    else:
        page, click = where, lambda: where.click(selector)
    with page.expect_navigation(url=url, timeout=timeout) as navigation:
        click()
    return navigation.value


def outbox_settled(page) -> None:
    """Once the page is online, the outbox (static/js/outbox.js) has sent what it was going to
    send: its flush is shared while it runs, so awaiting one awaits the one under way."""
    page.wait_for_function("() => navigator.onLine")
    page.evaluate("() => window.samsynOutbox.flushAll().then(() => true)")


def capture_saved(page, ratings: int, *, timeout: float = 20_000):
    """Around the clicks on the capture page (static/js/capture.js): on leaving the block, the
    server has answered a save (PUT) that carries at least `ratings` ratings. Its
    "saved" state is no such signal: the page shows it from the start, and still shows the
    last save while the next change waits to be sent."""

    def carries(response) -> bool:
        request = response.request
        if request.method != "PUT" or not response.ok:
            return False
        try:
            body = json.loads(request.post_data or "{}")
        except ValueError:
            return False
        return len(body.get("ratings") or []) >= ratings

    return page.expect_response(carries, timeout=timeout)

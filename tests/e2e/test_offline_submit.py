"""Submitting offline: the submission is queued on the device, the capture page and today's
list say it is sent when online, and it is submitted exactly once when the connection returns,
whichever Samsyn page is open then."""

from __future__ import annotations

import pytest

from samsyn.observations.models import Observation
from tests.e2e.waits import capture_saved, click_and_wait, outbox_settled

from .test_capture import PASSWORD, visit  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


def _rate_everything_offline_and_submit(page, live_server, assignment, version) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "obs@example.org")
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")
    # Today's list registers the service worker and keeps the day's pages for offline use.
    page.goto(f"{live_server.url}/observations/today/")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )
    page.goto(f"{live_server.url}/observations/capture/{assignment.pk}/")
    page.wait_for_selector("#dimension-tabs li:nth-child(10)")
    page.context.set_offline(True)
    for dimension in version.dimensions.order_by("order"):
        page.click(f"label[for='s-{dimension.steps.get(order=2).pk}']")
        if page.locator("#next").is_enabled():
            page.click("#next")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit")
    page.wait_for_selector("#sync-state[data-state='queued']")
    assert "sent when you are online" in page.locator("#sync-state").inner_text().lower() or (
        "skickas när du är uppkopplad" in page.locator("#sync-state").inner_text()
    )
    assert Observation.objects.count() == 0


def _assert_submitted_once(version) -> None:
    observations = list(Observation.objects.all())
    assert len(observations) == 1
    assert observations[0].status == Observation.Status.SUBMITTED
    assert observations[0].ratings.count() == version.dimensions.count()


def test_submitted_offline_is_sent_from_todays_list(live_server, browser, visit, screenshot):  # noqa: F811
    assignment, version = visit
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        _rate_everything_offline_and_submit(page, live_server, assignment, version)
        # Still offline: today's list comes from the device and says what waits.
        page.goto(f"{live_server.url}/observations/today/")
        row = page.locator(f"[data-outbox-assignment='{assignment.pk}']")
        hint = row.locator("[data-outbox-hint='submit']")
        hint.wait_for(state="visible")
        screenshot("offline-submit-queued-today", page)
        assert Observation.objects.count() == 0

        context.set_offline(False)
        hint.wait_for(state="hidden", timeout=20_000)
        _assert_submitted_once(version)
        # Coming back and going offline and online again sends nothing twice.
        page.reload()
        context.set_offline(True)
        context.set_offline(False)
        outbox_settled(page)
        _assert_submitted_once(version)
    finally:
        context.close()


def test_submitted_offline_is_sent_from_the_capture_page(live_server, browser, visit):  # noqa: F811
    assignment, version = visit
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        _rate_everything_offline_and_submit(page, live_server, assignment, version)
        context.set_offline(False)
        page.wait_for_url("**/observations/o/**", timeout=20_000)
        _assert_submitted_once(version)
    finally:
        context.close()


def test_a_queued_submission_that_conflicts_is_left_for_the_observer(
    live_server,
    browser,
    visit,  # noqa: F811
):
    """Another device saved the observation meanwhile: the outbox does not overwrite it or
    submit it; today's list says to open the visit, and the server keeps one draft."""
    import uuid as uuid_module

    from samsyn.observations import services
    from samsyn.observations.tests.factories import full_ratings

    assignment, version = visit
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "obs@example.org")
        page.fill("#id_password", PASSWORD)
        click_and_wait(page, "form.card button[type=submit]")
        page.goto(f"{live_server.url}/observations/today/")
        page.wait_for_function(
            "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
        )
        page.goto(f"{live_server.url}/observations/capture/{assignment.pk}/")
        page.wait_for_selector("#dimension-tabs li:nth-child(10)")
        first = version.dimensions.order_by("order").first()
        with capture_saved(page, 1):  # the first save reaches the server
            page.click(f"label[for='s-{first.steps.get(order=1).pk}']")
        page.wait_for_selector("#sync-state[data-state='saved']")
        observation = Observation.objects.get()
        context.set_offline(True)
        for dimension in version.dimensions.order_by("order"):
            page.click(f"label[for='s-{dimension.steps.get(order=2).pk}']")
            if page.locator("#next").is_enabled():
                page.click("#next")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#submit")
        page.wait_for_selector("#sync-state[data-state='queued']")
        # Meanwhile another device saves on the same revision.
        services.observation_save(
            actor=observation.observer,
            uuid=uuid_module.UUID(str(observation.uuid)),
            data={"assignment_id": assignment.pk, "ratings": full_ratings(version)},
            base_revision=observation.revision,
        )
        page.goto(f"{live_server.url}/observations/today/")
        context.set_offline(False)
        row = page.locator(f"[data-outbox-assignment='{assignment.pk}']")
        row.locator("[data-outbox-hint='problem']").wait_for(state="visible", timeout=20_000)
        stored = Observation.objects.get()
        assert stored.status == Observation.Status.DRAFT
        assert stored.revision == observation.revision + 1
        # Opening the visit shows both versions; nothing is sent or submitted meanwhile.
        page.goto(f"{live_server.url}/observations/capture/{assignment.pk}/")
        page.wait_for_selector("#conflict:not([hidden])")
        page.wait_for_timeout(1500)  # window: a wrong send or submit would reach the server
        stored = Observation.objects.get()
        assert stored.status == Observation.Status.DRAFT
        assert stored.revision == observation.revision + 1
    finally:
        context.close()


def test_submitting_while_a_save_is_under_way_submits_once_it_is_saved(
    live_server,
    browser,
    visit,  # noqa: F811
):
    """Online, the last rating's save is still on its way when "Submit" is pressed: the page
    must not drop the submission (it used to return without submitting, and nothing retried
    until the browser went offline and online again or the page was reloaded)."""
    assignment, version = visit
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    held: list = []
    holding = [True]

    def hold_saves(route) -> None:
        if route.request.method == "PUT" and holding[0]:
            held.append(route)
        else:
            route.continue_()

    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "obs@example.org")
        page.fill("#id_password", PASSWORD)
        click_and_wait(page, "form.card button[type=submit]")
        page.goto(f"{live_server.url}/observations/capture/{assignment.pk}/")
        page.wait_for_selector("#dimension-tabs li:nth-child(10)")
        dimensions = list(version.dimensions.order_by("order"))
        with capture_saved(page, len(dimensions) - 1):  # these reach the server
            for dimension in dimensions[:-1]:
                page.click(f"label[for='s-{dimension.steps.get(order=2).pk}']")
                page.click("#next")
        page.route("**/api/v1/observations/**", hold_saves)
        page.click(f"label[for='s-{dimensions[-1].steps.get(order=2).pk}']")
        for _ in range(100):  # until the last rating's save is held in flight
            if held:
                break
            page.wait_for_timeout(50)  # poll: the route handler runs while Playwright waits
        assert held, "the last rating's save was never sent"
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#submit")
        page.wait_for_selector("#sync-state[data-state='queued']")
        holding[0] = False
        held.pop().continue_()
        page.wait_for_url("**/observations/o/**", timeout=20_000)
        _assert_submitted_once(version)
    finally:
        context.close()

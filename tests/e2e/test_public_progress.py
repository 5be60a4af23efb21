"""The public progress page in a real browser: anyone reads the demo's published page in
Swedish and English without logging in (axe finds no serious violation); the owner's
administrator prepares and submits a new page, cannot approve it herself, a second
administrator approves it, and a withdrawal answers 410 at once."""

from __future__ import annotations

import pytest

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD, MUNICIPALITIES
from samsyn.public.demo import APPROVER, SLUG
from samsyn.public.models import ProgressPage
from tests.e2e.a11y import assert_accessible
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def open_home_link(page, href: str) -> None:
    menu = page.locator("details.home-menu")  # "Everything else" on the home page
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    click_and_wait(page, f"a[href='{href}']")


def test_anyone_reads_the_published_page_in_swedish_and_english(live_server, demo_world, page):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url
    for path, heading, note in (
        (f"/progress/{SLUG}/", "Utvecklingen i Sjöviks kommun", "Vad sidan kan och inte kan visa"),
        (
            f"/en/progress/{SLUG}/",
            "Progress in Sjöviks kommun",
            "What this page can and cannot show",
        ),
    ):
        response = page.goto(f"{base}{path}")
        assert response.status == 200
        assert "public" in response.headers["cache-control"]
        assert page.inner_text("h1") == heading
        body = page.inner_text("main")
        assert note in body and "95" in body
        for school in MUNICIPALITIES["Sjöviks kommun"]:
            assert school not in body  # no school is named, let alone ranked
        assert_accessible(page, path)
        assert not [c for c in page.context.cookies() if c["name"] in ("sessionid", "csrftoken")]
    # The language link leads to the other language's page.
    click_and_wait(page, "header a[hreflang=sv]")
    assert page.inner_text("h1") == "Utvecklingen i Sjöviks kommun"
    assert not problems


def test_a_manager_submits_another_approves_and_withdraws(
    live_server, demo_world, page, browser, screenshot
):
    base = live_server.url
    owner = Organisation.objects.get(name="Sjöviks kommun")
    manage = f"/progress/manage/{owner.pk}/"

    # 1. The owner's administrator creates, fills in and submits a page.
    log_in(page, base, f"huvudman@{DEMO_DOMAIN}")
    open_home_link(page, manage)
    assert_accessible(page, manage)
    page.fill("#id_slug", "sjovik-uppfoljning")
    click_and_wait(page, "main form.card button[type=submit]")
    created = ProgressPage.objects.get(slug="sjovik-uppfoljning")
    assert page.url.endswith(f"/progress/pages/{created.pk}/")
    page.check("#id_enabled")
    page.select_option("#id_baseline_round", index=1)
    page.select_option("#id_latest_round", index=2)
    page.fill("#id_intro_sv", "Uppföljningen efter ett läsår.")
    page.fill("#id_intro_en", "The follow-up after one school year.")
    click_and_wait(page, "main form.card button[type=submit]")
    click_and_wait(page, "text=Förhandsvisa med dagens siffror")
    assert "Uppföljningen efter ett läsår." in page.inner_text("main")
    assert_accessible(page, "preview")
    page.go_back()
    click_and_wait(page, "form[action$='/submit/'] button")
    created.refresh_from_db()
    assert created.state == ProgressPage.State.SUBMITTED
    assert page.locator("form[action$='/approve/']").count() == 0  # not her own approval
    assert_accessible(page, "edit")
    assert page.goto(f"{base}/progress/sjovik-uppfoljning/").status == 404

    # 2. A second administrator approves it from her home page.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    second = other.new_page()
    log_in(second, base, APPROVER)
    click_and_wait(second, f"a[href='/progress/pages/{created.pk}/']")
    click_and_wait(second, "form[action$='/approve/'] button")
    created.refresh_from_db()
    assert created.state == ProgressPage.State.PUBLISHED
    assert created.approved_by.email == APPROVER
    anonymous = browser.new_context().new_page()
    response = anonymous.goto(f"{base}/en/progress/sjovik-uppfoljning/")
    assert response.status == 200
    assert "The follow-up after one school year." in anonymous.inner_text("main")
    screenshot("public-progress-approved", anonymous)

    # 3. Withdrawn: the address says so at once, without the content.
    click_and_wait(second, "form[action$='/withdraw/'] button")
    response = anonymous.goto(f"{base}/en/progress/sjovik-uppfoljning/")
    assert response.status == 410
    body = anonymous.inner_text("main")
    assert "withdrawn" in body and "The follow-up after one school year." not in body
    assert_accessible(anonymous, "withdrawn")
    other.close()

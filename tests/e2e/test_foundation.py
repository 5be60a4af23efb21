"""The front door in a real browser: Swedish by default, English on request, each role home."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from samsyn.accounts.models import Role
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(page, base: str, key: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", f"{key}@{DEMO_DOMAIN}")
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_it_logs_in_in_swedish_and_switches_to_english(live_server, demo_world, page, screenshot):
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "sv"
    with translation.override("sv"):
        swedish = gettext("Log in to Samsyn")
    assert swedish != "Log in to Samsyn", "the Swedish catalogue lacks the login heading"
    assert page.locator("h1").inner_text() == swedish

    log_in(page, live_server.url, "rektor")
    assert "Strandskolan" in page.locator("main").inner_text()
    with translation.override("sv"):
        assert str(Role.PRINCIPAL.label) in page.locator("main").inner_text()

    page.select_option("#language-select", "en")
    click_and_wait(page, ".language-switch button")
    assert page.url.endswith("/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Your organisations" in page.locator("main").inner_text()
    screenshot("foundation-principal-home-en")

    # The choice follows the account: a Swedish URL now leads to the English page.
    page.goto(f"{live_server.url}/accounts/profile/")
    assert "/en/accounts/profile/" in page.url


@pytest.mark.parametrize(
    "key,org",
    [
        ("larare", "Strandskolan"),
        ("observator", "Strandskolan"),
        ("huvudman", "Sjöviks kommun"),
        ("natverk", "Nätverket Lärande kust"),
        ("forskare", "Region Havsbandet"),
    ],
)
def test_each_role_sees_its_home(live_server, demo_world, page, screenshot, key, org):
    log_in(page, live_server.url, key)
    assert org in page.locator("main").inner_text()
    screenshot(f"foundation-home-{key}")


def test_the_layout_holds_on_a_phone(live_server, demo_world, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, "larare")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px phone"
    context.close()

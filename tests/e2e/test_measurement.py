"""Measurement quality in the demo, in Chromium: a teacher reads how reliable her profile is
(Swedish), the certified observer reads his status and his own severity (English), the
uncertified coach sees where he differs (Swedish), and the round leader every observer's
severity with severity-adjusted means (English); another observer is refused."""

from __future__ import annotations

import pytest

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.observations.models import Round
from samsyn.reliability import severity
from tests.e2e.waits import click_and_wait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def log_in(browser, base: str, email: str, lang: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")
    if page.locator("html").get_attribute("lang") != lang:
        page.select_option("#language-select", lang)
        click_and_wait(page, ".language-switch button")
    assert page.locator("html").get_attribute("lang") == lang
    return page


def test_profile_reliability_severity_and_certification(
    live_server, demo_world, browser, screenshot
):
    base = live_server.url
    teacher = log_in(browser, base, f"larare@{DEMO_DOMAIN}", "sv")
    teacher.goto(f"{base}/coaching/")
    block = teacher.locator("#profile-reliability")
    block.wait_for()
    assert "Hur tillförlitlig profilen är" in block.inner_text()
    assert "tillförlitlighet" in block.inner_text()
    screenshot("measurement-teacher-profile-reliability", teacher)

    oskar = log_in(browser, base, f"observator@{DEMO_DOMAIN}", "en")
    oskar.goto(f"{base}/en/observations/calibration/")
    click_and_wait(oskar, "#certification-link")
    oskar.wait_for_selector("#certification-state")
    assert "certified" in oskar.locator("#certification-state").inner_text()
    assert oskar.locator("#vignettes li").count() == 12
    if oskar.locator("#my-severity a").count():
        click_and_wait(oskar.locator("#my-severity a").first)
        assert "How severe am I as an observer?" in oskar.locator("h1").inner_text()
    screenshot("measurement-observer-certified", oskar)

    coach = log_in(browser, base, f"coach.sjovik@{DEMO_DOMAIN}", "sv")
    coach.goto(f"{base}/reliability/certification/")
    assert "inte certifierad" in coach.locator("#certification-state").inner_text()
    assert coach.locator("#differences tbody tr").count() > 0
    screenshot("measurement-coach-not-certified", coach)

    owner = Organisation.objects.get(name="Sjöviks kommun")
    fitted = [
        r
        for r in Round.objects.filter(organisation=owner, is_peer=False).order_by("pk")
        if not severity.compute(r).error
    ]
    assert fitted, "a demo round of the municipality gives observer severities"
    leader = log_in(browser, base, f"huvudman@{DEMO_DOMAIN}", "en")
    leader.goto(f"{base}/en/observations/rounds/{fitted[0].pk}/")
    click_and_wait(leader, "#severity-link")
    leader.wait_for_selector("#severity-table")
    assert leader.locator("#severity-table tbody tr").count() >= 2
    assert leader.locator("#adjusted-table tbody tr").count() == 10
    screenshot("measurement-round-leader-severity", leader)

    # another observer's severity is not theirs to see
    coach.goto(f"{base}/reliability/rounds/{fitted[0].pk}/severity/")
    assert coach.locator("h1").inner_text() != ""
    assert coach.locator("#severity-table").count() == 0

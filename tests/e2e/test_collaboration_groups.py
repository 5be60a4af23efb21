"""The collaboration's groups in the browser, on the demo world: the coordinator records a
decision in the steering group and finds it in the decision log by a word of its basis in
another inflection; a teacher in the working group finds only that group (the steering
group's page is 403 for her); the director of education, who chairs the steering group, sees
every group and reads the competence effort with its evaluation in the regional yearly
documentation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.networks.models import CollaborationGroup, CompetenceEffort
from tests.e2e.a11y import assert_accessible
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(context, live_server, who: str):
    page = context.new_page()
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("#id_username", f"{who}@{DEMO_DOMAIN}")
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")
    return page


def open_collaboration(page, base: str, network_name: str) -> None:
    """From the home page: "Everything else" holds the collaboration's entry."""
    page.goto(f"{base}/en/")
    menu = page.locator("details.home-menu")
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    click_and_wait(page.get_by_role("link", name=f"The collaboration's groups: {network_name}"))


def test_the_coordinator_records_a_decision_and_a_member_sees_only_their_group(
    live_server, demo_world, browser, screenshot
):
    steering = CollaborationGroup.objects.get(kind="steering", name="Styrgruppen")
    working = CollaborationGroup.objects.get(kind="working")
    network = steering.network
    base = live_server.url

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = log_in(context, live_server, "natverk")
        open_collaboration(page, base, network.name)
        page.get_by_role("link", name="Styrgruppen", exact=True).click()
        page.wait_for_url(f"**/networks/groups/{steering.pk}/")
        expect(page.locator("#id_decided_on")).to_be_visible()
        assert_accessible(page, "steering group")
        page.fill("#id_decided_on", "2026-11-20")
        page.fill("#id_text", "Nästa utbytesperiod handlar om bedömning för lärande.")
        page.fill("#id_basis", "Utvärderingarna visade att deltagarna saknade gemensamma exempel.")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator("body")).to_contain_text("The decision is in the decision log.")
        click_and_wait(page.get_by_role("link", name="Decision log", exact=True))
        page.fill("#decision-q", "utvärdering exempel")
        page.click("form[role=search] button")
        page.wait_for_url(re.compile(r"/decisions/\?q="))
        rows = page.locator("table.decision-log tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("bedömning för lärande")
        assert_accessible(page, "decision log")
        screenshot("collaboration-decision-log", page)
    finally:
        context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = log_in(context, live_server, "larare")
        open_collaboration(page, base, network.name)
        names = page.locator("ul.actions li a").all_inner_texts()
        assert names == [working.name]
        page.get_by_role("link", name=working.name, exact=True).click()
        page.wait_for_url(f"**/networks/groups/{working.pk}/")
        expect(page.locator("body")).to_contain_text("Genomför utbytesperioden")
        assert page.locator("#id_text").count() == 0  # a member, not the chair
        response = page.goto(f"{base}/en/networks/groups/{steering.pk}/")
        assert response.status == 403
        page.goto(f"{base}/en/networks/{network.pk}/collaboration/decisions/")
        assert "seminarieserie" not in page.content()  # the steering group's decision
        assert "exit tickets" in page.content()  # her working group's
        screenshot("collaboration-working-member", page)
    finally:
        context.close()

    effort = CompetenceEffort.objects.get(network=network)
    year = effort.starts_on.year
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = log_in(context, live_server, "huvudman")
        open_collaboration(page, base, network.name)  # he chairs the steering group
        names = page.locator("ul.actions li a").all_inner_texts()
        assert sorted(names) == sorted(g.name for g in network.collaboration_groups.all())
        assert len(names) == 4
        page.goto(f"{base}/en/networks/exchanges/year/{effort.exchange.organiser_id}/{year}/")
        section = page.locator("section.competence-effort")
        assert effort.title in section.inner_text()
        assert "8 participants" in section.inner_text()
        assert "Evaluation: 7 answers" in section.inner_text()
        assert_accessible(page, "regional year")
    finally:
        context.close()

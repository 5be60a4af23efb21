"""Editing the collaboration's groups in the browser, on the demo world: the coordinator edits
the steering group's mandate and removes a member; the director of education, who chairs
the steering group, edits its meeting and corrects its decision, and the decision log keeps
both the decision and its correction; the chair has no way to edit the group itself (403).

Every navigation is followed by `wait_for_url` or an `expect(...)` before the page is read.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.networks.models import CollaborationGroup, GroupDecision
from tests.e2e.a11y import assert_accessible

pytestmark = pytest.mark.e2e


def log_in(context, base: str, who: str):
    page = context.new_page()
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", f"{who}@{DEMO_DOMAIN}")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.card button[type=submit]")
    expect(page.locator("main h1")).to_be_visible()
    return page


def test_coordinator_edits_the_group_and_the_chair_corrects_a_decision(
    live_server, demo_world, browser
):
    steering = CollaborationGroup.objects.get(kind="steering", name="Styrgruppen")
    decision = steering.decisions.get()
    meeting = steering.meetings.get()
    researcher_seat = steering.members.get(user__email=f"forskare@{DEMO_DOMAIN}")
    base = live_server.url
    group_url = f"{base}/en/networks/groups/{steering.pk}/"

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        # 1. The coordinator: the group's name and mandate, then a member removed.
        page = log_in(context, base, "natverk")
        page.goto(group_url)
        page.get_by_role("link", name="Edit the name and mandate").click()
        page.wait_for_url(f"**/networks/groups/{steering.pk}/edit/")
        expect(page.locator("#id_mandate")).to_be_visible()
        assert_accessible(page, "edit a group")
        page.fill("#id_mandate", "Ger uppdrag och beslutar om gemensamma resurser.")
        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url(f"**/networks/groups/{steering.pk}/")
        expect(page.locator("body")).to_contain_text("The group is saved.")
        expect(page.locator("main")).to_contain_text("beslutar om gemensamma resurser")
        name = researcher_seat.user.full_name
        page.get_by_role("button", name=f"Remove {name}").click()
        expect(page.locator("body")).to_contain_text(f"{name} has left the group.")
        expect(page.get_by_role("button", name=f"Remove {name}")).to_have_count(0)
        assert not steering.members.filter(pk=researcher_seat.pk).exists()
        context.clear_cookies()

        # 2. The chair: no way to edit the group; the meeting edited; the decision corrected.
        page = log_in(context, base, "huvudman")
        page.goto(group_url)
        expect(page.locator("main h1")).to_have_text("Styrgruppen")
        expect(page.get_by_role("link", name="Edit the name and mandate")).to_have_count(0)
        response = page.goto(f"{group_url}edit/")
        assert response.status == 403
        page.goto(group_url)
        page.locator("details.card summary").first.click()
        page.get_by_role("link", name="Edit the meeting").click()
        page.wait_for_url(f"**/networks/groups/{steering.pk}/meetings/{meeting.pk}/")
        expect(page.locator("#id_minutes")).to_be_visible()
        page.fill("#id_minutes", "Protokollet justerat: arbetsgruppen redovisade analysen.")
        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url(f"**/networks/groups/{steering.pk}/")
        expect(page.locator("body")).to_contain_text("The meeting is saved.")
        page.get_by_role("link", name="Correct this decision").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/correct/")
        expect(page.locator("#id_text")).to_have_value(decision.text)
        assert_accessible(page, "correct a decision")
        page.fill("#id_text", decision.text.replace("förstelärare", "förstelärare och lärare"))
        page.fill("#id_reason", "Lärarna föll bort i protokollet.")
        page.get_by_role("button", name="Record the correction").click()
        page.wait_for_url(f"**/networks/groups/{steering.pk}/")
        expect(page.locator("body")).to_contain_text("The correction is in the decision log.")
        expect(page.get_by_role("link", name="Correct this decision")).to_have_count(1)
        correction = GroupDecision.objects.get(corrects=decision)
        assert correction.created_by.email == f"huvudman@{DEMO_DOMAIN}"

        # 3. The decision log keeps both, each saying how they relate.
        page.get_by_role("link", name="Decision log", exact=True).click()
        page.wait_for_url(f"**/networks/{steering.network_id}/collaboration/decisions/")
        log = page.locator("table.decision-log")
        expect(log).to_contain_text("förstelärare och lärare")
        expect(log).to_contain_text(decision.text)
        expect(log).to_contain_text("Corrected by the decision of")
        expect(log).to_contain_text("Lärarna föll bort i protokollet.")
        assert_accessible(page, "decision log with a correction")
    finally:
        context.close()

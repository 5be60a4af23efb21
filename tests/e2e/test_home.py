"""The principal's home is a working surface: the school's cycle with its phase and progress
and the next things to do, checked against the demo's state, on a laptop and a phone."""

from __future__ import annotations

import pytest

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.workshops.cycle import school_cycle
from tests.e2e.a11y import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_the_principals_home_shows_the_schools_cycle(
    live_server, demo_world, browser, width, screenshot
):
    school = Organisation.objects.get(name="Strandskolan")
    cycle = school_cycle(school)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", f"rektor@{DEMO_DOMAIN}")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("form.card button[type=submit]")
        page.wait_for_load_state()
        panel = page.locator(f".cycle-panel[data-school='{school.pk}']")
        panel.wait_for()
        assert panel.locator("h2").inner_text() == "Strandskolan: där ni står"
        current = panel.locator(".cycle-phases li[aria-current='step']").inner_text()
        labels = {"observe": "Observera", "coach": "Coacha", "workshop": "Workshop"}
        assert current == labels.get(cycle.phase, "Följa upp")
        assert panel.locator(".cycle-phases li").all_inner_texts() == [
            "Observera",
            "Coacha",
            "Workshop",
            "Följa upp",
        ]
        assert cycle.round is not None
        coverage = panel.locator("[data-figure='coverage']").inner_text()
        assert coverage.startswith(f"{cycle.lessons_done} av {cycle.lessons_target} ")
        conversations = panel.locator("[data-figure='conversations']").inner_text()
        assert conversations.startswith(f"{cycle.conversations} av {cycle.teachers_observed} ")
        assert (
            panel.locator("[data-figure='actions']").inner_text().startswith(str(cycle.actions_due))
        )
        links = panel.locator(".cycle-next a")
        assert 3 <= links.count() <= 5
        assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
            s.url for s in cycle.next_steps
        ]
        # Everything else is one click away, in a compact menu.
        assert page.locator("details.home-menu").count() == 1
        assert not page.locator("details.home-menu ul.actions").is_visible()
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= width, f"the home page is {width_used}px wide at {width}px"
        assert_accessible(page, "the principal's home")
        page.locator("details.home-menu summary").click()
        assert page.locator("details.home-menu ul.actions").is_visible()
        screenshot(f"home-principal-{width}", page)
    finally:
        context.close()

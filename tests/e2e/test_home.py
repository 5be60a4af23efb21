"""Each role's home is a working surface, checked against the demo's state: the principal sees
the school's cycle with its phase and progress and the next things to do; the teacher their
released observations and next step; the observer today's visits and what is not yet sent."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.accounts.models import Organisation, User
from samsyn.coaching.models import NextStep
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.observations.models import Assignment, Observation
from samsyn.workshops.cycle import school_cycle
from tests.e2e.a11y import assert_accessible
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(context, live_server, who: str):
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", f"{who}@{DEMO_DOMAIN}")
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")
    return page


def assert_fits(page, width: int) -> None:
    used = page.evaluate("document.documentElement.scrollWidth")
    assert used <= width, f"the home page is {used}px wide at {width}px"


def test_the_principals_home_shows_the_schools_cycle(live_server, demo_world, browser, screenshot):
    school = Organisation.objects.get(name="Strandskolan")
    cycle = school_cycle(school)
    assert cycle.round is not None
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = log_in(context, live_server, "rektor")
            panel = page.locator(f".cycle-panel[data-school='{school.pk}']")
            panel.wait_for()
            assert panel.locator("h2").inner_text() == "Strandskolan: där ni står"
            assert panel.locator(".cycle-phases li").all_inner_texts() == [
                "Observera",
                "Coacha",
                "Workshop",
                "Följa upp",
            ]
            labels = {"observe": "Observera", "coach": "Coacha", "workshop": "Workshop"}
            current = panel.locator(".cycle-phases li[aria-current='step']").inner_text()
            assert current == labels.get(cycle.phase, "Följa upp")
            coverage = panel.locator("[data-figure='coverage']").inner_text()
            assert coverage.startswith(f"{cycle.lessons_done} av {cycle.lessons_target} ")
            conversations = panel.locator("[data-figure='conversations']").inner_text()
            assert conversations.startswith(f"{cycle.conversations} av {cycle.teachers_observed} ")
            actions = panel.locator("[data-figure='actions']").inner_text()
            assert actions.startswith(str(cycle.actions_due))
            links = panel.locator(".cycle-next a")
            assert 3 <= links.count() <= 5
            assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
                s.url for s in cycle.next_steps
            ]
            # Everything else is one click away, in a compact menu.
            assert not page.locator("details.home-menu ul.actions").is_visible()
            assert_fits(page, width)
            if width == 1280:
                assert_accessible(page, "the principal's home")
            page.locator("details.home-menu summary").click()
            expect(page.locator("details.home-menu ul.actions")).to_be_visible()
            screenshot(f"home-principal-{width}", page)
        finally:
            context.close()


def test_the_teacher_and_the_observer_see_their_own_work(
    live_server, demo_world, browser, screenshot
):
    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
    released = Observation.objects.filter(teacher=teacher, status="released")
    steps = NextStep.objects.filter(conversation__teacher=teacher, status__in=NextStep.OPEN)
    step = steps.order_by("follow_up_on").first()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = log_in(context, live_server, "larare")
        panel = page.locator(".teacher-panel")
        panel.wait_for()
        figure = panel.locator("[data-figure='released']").inner_text()
        unread = released.filter(acknowledged_at=None).count()
        assert figure == f"{released.count()} ({unread} olästa)"
        if step is not None:
            assert panel.locator("[data-figure='step']").inner_text() == step.action[:120] or (
                panel.locator("[data-figure='step']").inner_text().endswith("…")
            )
        else:
            assert panel.locator("[data-figure='step']").inner_text() == "Inget överenskommet ännu"
        assert_fits(page, 390)
        screenshot("home-teacher-390", page)
    finally:
        context.close()

    observer = User.objects.get(email=f"observator@{DEMO_DOMAIN}")
    today = timezone.localdate()
    planned_today = Assignment.objects.filter(
        observer=observer, round__status="open", planned_at__date=today
    )
    drafts = Observation.objects.filter(observer=observer, status="draft", round__status="open")
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = log_in(context, live_server, "observator")
        panel = page.locator(".observer-panel")
        panel.wait_for()
        shown = {
            int(v)
            for v in panel.locator("[data-outbox-assignment]").evaluate_all(
                "els => els.map(e => e.dataset.outboxAssignment)"
            )
        }
        assert set(planned_today.values_list("pk", flat=True)) <= shown
        assert (
            panel.locator("[data-figure='drafts']")
            .inner_text()
            .startswith(f"{drafts.count()} observation")
        )
        assert_fits(page, 1024)
        screenshot("home-observer-1024", page)
    finally:
        context.close()

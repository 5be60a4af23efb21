"""The owner administrator's, the network coordinator's and the researcher's homes (issue #24)
in Chromium, checked against the demo's state: each opens with what needs the person now, the
figures counted here from the database (not by the code under test), each linking to where it
is acted on; everything else is one click away in the compact menu, which starts closed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, NETWORK_NAME
from samsyn.improvement.models import SchoolPlan
from samsyn.networks.models import PeerReview
from samsyn.observations.models import Assignment, Round
from samsyn.privacy.models import ResearchExport, SubjectRequest
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_home import assert_fits, log_in
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def shown_figures(panel) -> dict[str, str]:
    return {
        key: panel.locator(f"[data-figure='{key}']").inner_text().strip()
        for key in panel.locator("[data-figure]").evaluate_all(
            "els => els.map(e => e.dataset.figure)"
        )
    }


def open_menu(page, hrefs: list[str]) -> None:
    """The compact menu starts closed, opens with one click and holds `hrefs`."""
    menu = page.locator("details.home-menu")
    assert menu.get_attribute("open") is None
    assert not menu.locator("ul.actions").is_visible()
    menu.locator("summary").click()
    expect(menu.locator("ul.actions")).to_be_visible()
    links = menu.locator("ul.actions a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    for href in hrefs:
        assert href in links, (href, links)


def needs_now(page) -> list[str]:
    return page.locator(".needs-now a").evaluate_all("els => els.map(a => a.getAttribute('href'))")


def test_the_owner_administrators_home(live_server, demo_world, browser, screenshot):
    owner = Organisation.objects.get(name="Sjöviks kommun")
    schools = set(
        Organisation.objects.filter(parent=owner, kind="school").values_list("pk", flat=True)
    )
    open_rounds = Round.objects.filter(
        status="open", is_peer=False, organisation_id__in=[owner.pk, *schools]
    )
    in_a_round = {pk for pk in open_rounds.values_list("schools", flat=True) if pk in schools}
    planned = set(
        SchoolPlan.objects.filter(school_id__in=schools, status="approved").values_list(
            "school_id", flat=True
        )
    )
    requests = SubjectRequest.objects.filter(owner=owner, status="requested").count()
    exports = ResearchExport.objects.filter(owner=owner, status="pending").count()
    expected = {
        "requests": str(requests),
        "exports": str(exports),
        "no-round": f"{len(schools - in_a_round)} av {len(schools)} skolor",
        "unscheduled": str(
            Assignment.objects.filter(round__in=open_rounds, planned_at=None).count()
        ),
        "no-plan": f"{len(schools - planned)} av {len(schools)} skolor",
    }
    assert exports >= 1, "the demo leaves one research export for the owner to review"
    reviews_url = reverse("privacy:research_reviews", args=[owner.pk])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = log_in(context, live_server, "huvudman")
        panel = page.locator(f".owner-panel[aria-labelledby='owner-{owner.pk}']")
        panel.wait_for()
        assert panel.locator("h2").inner_text() == "Sjöviks kommun: det som väntar på dig"
        assert shown_figures(panel) == expected
        assert reviews_url in needs_now(page)
        assert_fits(page, 1280)
        assert_accessible(page, "the owner administrator's home")
        open_menu(
            page,
            [
                reverse("privacy:owner", args=[owner.pk]),
                reverse("accounts:organisation_members", args=[owner.pk]),
                reverse("observations:overview"),
            ],
        )
        screenshot("home-owner-1280", page)
        # One click from the figure to where it is decided.
        click_and_wait(panel.locator("[data-figure='exports'] a"))
        assert page.url.endswith(reviews_url)
    finally:
        context.close()


def test_the_network_coordinators_home(live_server, demo_world, browser, screenshot):
    network = Organisation.objects.get(name=NETWORK_NAME)
    today = timezone.localdate()
    reviews = PeerReview.objects.filter(network=network, year=today.year)
    ongoing = reviews.exclude(status="completed")
    upcoming = ongoing.filter(visit_starts_on__gte=today).order_by("visit_starts_on", "pk")
    expected = {
        "in-progress": str(ongoing.count()),
        "completed": str(reviews.filter(status="completed").count()),
        "no-visit": str(ongoing.filter(visit_starts_on=None).count()),
    }
    visit = upcoming.select_related("school").first()
    assert ongoing.exists(), "the demo has a peer review in progress"
    with translation.override("sv"):
        expected["next-visit"] = (
            f"{date_format(visit.visit_starts_on)} · {visit.school.name}"
            if visit
            else "Inget planerat"
        )
    network_url = reverse("networks:network", args=[network.pk])
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = log_in(context, live_server, "natverk")
        panel = page.locator(f".coordinator-panel[aria-labelledby='network-{network.pk}']")
        panel.wait_for()
        assert panel.locator("h2").inner_text() == f"{NETWORK_NAME}: där nätverket står"
        assert shown_figures(panel) == expected
        assert network_url in needs_now(page)
        assert_fits(page, 390)
        open_menu(page, [reverse("networks:index")])
        screenshot("home-coordinator-390", page)
        if visit is not None:
            click_and_wait(panel.locator("[data-figure='next-visit'] a"))
            assert page.url.endswith(reverse("networks:review", args=[visit.pk]))
    finally:
        context.close()


def test_the_researchers_home(live_server, demo_world, browser, screenshot):
    researcher_exports = ResearchExport.objects.filter(researcher__email=f"forskare@{DEMO_DOMAIN}")
    ready = researcher_exports.filter(status="approved", downloads__isnull=True).distinct().count()
    expected = {
        "ready": str(ready),
        "pending": str(researcher_exports.filter(status="pending").count()),
        "rejected": str(researcher_exports.filter(status="rejected").count()),
    }
    assert ready >= 1, "the demo approves one export for the researcher"
    list_url = reverse("privacy:research_list")
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = log_in(context, live_server, "forskare")
        panel = page.locator(".researcher-panel")
        panel.wait_for()
        assert panel.locator("h2").inner_text() == "Dina forskningsuttag"
        assert shown_figures(panel) == expected
        assert list_url in needs_now(page)
        assert_fits(page, 1024)
        open_menu(page, [list_url, reverse("privacy:my_data")])
        screenshot("home-researcher-1024", page)
        click_and_wait(panel.locator("[data-figure='ready'] a"))
        assert page.url.endswith(list_url)
        assert page.locator("h1").count() == 1
    finally:
        context.close()

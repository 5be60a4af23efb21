"""Two more roles on issue 25's pages, in a real browser.

- The network coordinator prepares the collaboration's own public progress page (a network
  page: its member schools' teaching change and their owners' national indicators), submits
  it, cannot approve it herself; a second coordinator approves it and anyone reads it. She
  gets 404 on a municipality's progress pages (a network's coordinators manage the
  network's pages, not the owners').
- The researcher (a role in the region) may not read a municipality's programme: its list
  shows her none, the programme and its PDF answer 403 with the "not allowed" page, and what
  she can read instead is the published progress page (aggregates, no login needed).

Every navigation is followed by `wait_for_url` or an `expect(...)` before the page is read.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD, MUNICIPALITIES, NETWORK_NAME
from samsyn.programmes.models import Programme
from samsyn.public.demo import SLUG
from samsyn.public.models import ProgressPage
from samsyn.public.selectors import round_choices
from tests.e2e.a11y import assert_accessible

pytestmark = pytest.mark.e2e

NEW_SLUG = "samverkan-uppfoljning"
SECOND = f"natverk2@{DEMO_DOMAIN}"


def t(message: str, lang: str = "sv") -> str:
    with translation.override(lang):
        return gettext(message)


def state(value: str, lang: str) -> str:
    """A page state's label as the manager's page shows it (`#page-state`)."""
    with translation.override(lang):
        return str(ProgressPage.State(value).label)


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/(en/)?$"))
    expect(page.locator("main h1")).to_be_visible()


def test_coordinator_prepares_the_collaborations_page_and_another_approves(
    live_server, demo_world, page, browser
):
    base = live_server.url
    network = Organisation.objects.get(name=NETWORK_NAME)
    owner = Organisation.objects.get(name="Sjöviks kommun")
    second = User.objects.create(
        email=SECOND, full_name="Sara Lind", password=make_password(DEMO_PASSWORD)
    )
    Membership.objects.create(user=second, organisation=network, role=Role.NETWORK_COORDINATOR)

    # 1. The coordinator: the network's pages, a new page, filled in and submitted.
    coordinator = User.objects.get(email=f"natverk@{DEMO_DOMAIN}")
    lang, second_lang = coordinator.language or "sv", second.language or "sv"
    log_in(page, base, coordinator.email)
    response = page.goto(f"{base}/progress/manage/{network.pk}/")
    assert response.status == 200
    expect(page.locator("#id_slug")).to_be_visible()
    assert_accessible(page, "network progress pages")
    page.fill("#id_slug", NEW_SLUG)
    page.click("main form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/progress/pages/\d+/$"))
    created = ProgressPage.objects.get(slug=NEW_SLUG)
    assert created.organisation == network and not created.enabled  # off by default
    expect(page.locator("#id_enabled")).to_be_visible()
    page.check("#id_enabled")
    # Two of the area's rounds that start on different days (the baseline first).
    rounds = round_choices(user=coordinator, organisation=network)
    baseline = rounds[0]
    latest = next(r for r in reversed(rounds) if r.starts_on > baseline.starts_on)
    page.select_option("#id_baseline_round", value=str(baseline.pk))
    page.select_option("#id_latest_round", value=str(latest.pk))
    page.check("input[name=indicator_codes][value='grade6-all-subjects']")
    page.fill("#id_intro_sv", "Samverkans utveckling mellan två rundor.")
    page.fill("#id_intro_en", "The collaboration's progress between two rounds.")
    page.click("main form.card button[type=submit]")
    # The same address answers again: wait for the saved page (turned on), not the URL.
    expect(page.locator("#page-state")).not_to_contain_text(t("turned off", lang))
    expect(page.locator("form[action$='/submit/'] button")).to_be_visible()
    page.click("form[action$='/submit/'] button")
    expect(page.locator("#page-state")).to_have_text(state("submitted", lang))
    created.refresh_from_db()
    assert created.state == ProgressPage.State.SUBMITTED
    assert page.locator("form[action$='/approve/']").count() == 0  # not her own approval
    # A municipality's pages are its administrators', not the network's coordinators'.
    assert page.goto(f"{base}/progress/manage/{owner.pk}/").status == 404
    sjovik_page = ProgressPage.objects.get(slug=SLUG)
    assert page.goto(f"{base}/progress/pages/{sjovik_page.pk}/").status == 404

    # 2. The second coordinator approves; anyone reads it, in English, without logging in.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    approver = context.new_page()
    log_in(approver, base, SECOND)
    approver.goto(f"{base}/progress/pages/{created.pk}/")
    expect(approver.locator("form[action$='/approve/'] button")).to_be_visible()
    approver.click("form[action$='/approve/'] button")
    expect(approver.locator("#page-state")).to_have_text(state("published", second_lang))
    expect(approver.locator("form[action$='/withdraw/'] button")).to_be_visible()
    created.refresh_from_db()
    assert created.state == ProgressPage.State.PUBLISHED and created.approved_by == second
    anonymous = browser.new_context().new_page()
    response = anonymous.goto(f"{base}/en/progress/{NEW_SLUG}/")
    assert response.status == 200
    expect(anonymous.locator("h1")).to_have_text(f"Progress in {network.name}")
    main = anonymous.inner_text("main")
    assert "The collaboration's progress between two rounds." in main
    # The member schools' owners' national figures: Sjövik's stand-in, with source and date.
    grade6 = created.snapshot["en"]["indicators"][0]
    municipalities = [area["municipality"] for area in grade6["areas"]]
    assert "Falkenberg" in municipalities and "Falkenberg" in main
    imported = grade6["areas"][municipalities.index("Falkenberg")]["series"][0]["imported"]
    assert f"Source: Skolverket, imported {imported}" in main
    for schools in MUNICIPALITIES.values():
        for school in schools:
            assert school not in main  # no school is named, let alone ranked
    assert_accessible(anonymous, "the collaboration's public page")
    context.close()


def test_a_researcher_cannot_read_a_programme_and_reads_the_public_page(
    live_server, demo_world, page
):
    base = live_server.url
    programme = Programme.objects.get(organisation__name="Sjöviks kommun")
    detail = f"/programmes/{programme.pk}/"
    researcher = User.objects.get(email=f"forskare@{DEMO_DOMAIN}")
    lang = researcher.language or "sv"
    log_in(page, base, researcher.email)

    # Her list of programmes names none of the municipality's.
    response = page.goto(f"{base}/programmes/")
    assert response.status == 200
    expect(page.locator("main h1")).to_be_visible()
    assert page.locator(f"main a[href$='{detail}']").count() == 0
    assert programme.name not in page.inner_text("main")

    # The programme and its PDF: 403, the "not allowed" page, no figures.
    for path in (detail, f"{detail}pdf/", f"{detail}measures/"):
        response = page.goto(f"{base}{path}")
        assert response.status == 403, path
        expect(page.locator("main h1")).to_have_text(t("Not allowed", lang))
        assert page.locator("section[data-measure]").count() == 0
    assert_accessible(page, "programme refused")

    # What she can read instead: the municipality's published progress page.
    response = page.goto(f"{base}/en/progress/{SLUG}/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("Progress in Sjöviks kommun")
    assert "What this page can and cannot show" in page.inner_text("main")

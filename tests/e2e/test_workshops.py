"""Issue 7's journey in a real browser, on the demo world: the principal opens the school
dashboard, switches between baseline and follow-up, downloads the PDF report (its first page
rendered to PNG here and checked not blank), starts workshop mode, moves through the slides by
keyboard, follows up an earlier action and records a new one. Under our Content Security
Policy: no eval, no inline scripts or styles."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.observations.models import Round
from samsyn.workshops.models import Action, Workshop
from tests.e2e.waits import click_and_wait

from .conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


# Whether the browser granted the deck's request for full screen: the event it answers with.
FULLSCREEN_OUTCOME = """() => {
  const answer = (outcome) => () => { window.samsynTestFullscreen ??= outcome; };
  document.addEventListener("fullscreenchange", answer("on"), {once: true});
  document.addEventListener("fullscreenerror", answer("refused"), {once: true});
}"""


def non_white_share(pdf_path) -> float:
    """Share of the first page's pixels that are not (nearly) white, rendered by pdfium."""
    import numpy as np
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    bitmap = document[0].render(scale=1.5)
    image = bitmap.to_pil()
    image.save(ARTIFACTS / "workshops-05-pdf-page1.png")
    pixels = np.asarray(image.convert("L"))
    document.close()
    return float((pixels < 240).mean())


def test_dashboard_to_workshop_mode_with_keyboard_actions_and_pdf(
    live_server, demo_world, page, screenshot
):
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{msg.text} @ {msg.location}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    school = Organisation.objects.get(name="Strandskolan")
    rounds = Round.objects.filter(schools=school, is_peer=False)
    baseline = rounds.get(kind=Round.Kind.BASELINE)
    follow_up = rounds.get(kind=Round.Kind.FOLLOW_UP)
    base = live_server.url

    log_in(page, base, f"rektor@{DEMO_DOMAIN}")
    # The home page offers the principal's next workshop.
    upcoming = Workshop.objects.filter(school=school).order_by("-starts_at").first()
    assert upcoming.is_upcoming
    assert page.locator(f"a[href='/workshops/school/{school.pk}/{upcoming.pk}/']").count() >= 1

    # The school dashboard: the baseline alone, then the follow-up beside the baseline.
    page.goto(f"{base}/dashboards/school/{school.pk}/")
    page.select_option("#id_round", str(baseline.pk))
    page.select_option("#id_compare", "")
    click_and_wait(page, "form.dash-filters button[type=submit]")
    assert baseline.name in page.locator("#summary-heading").inner_text()
    page.locator("#chart-distribution svg").first.wait_for(state="visible", timeout=20000)
    screenshot("workshops-01-dashboard-baseline")

    page.select_option("#id_round", str(follow_up.pk))
    page.select_option("#id_compare", str(baseline.pk))
    click_and_wait(page, "form.dash-filters button[type=submit]")
    heading = page.locator("#summary-heading").inner_text()
    assert follow_up.name in heading and baseline.name in heading
    page.locator("#chart-comparison svg").first.wait_for(state="visible", timeout=20000)
    screenshot("workshops-02-dashboard-follow-up")

    # The PDF report of what is on screen; its first page is not blank.
    with page.expect_download(timeout=60000) as info:
        page.click("#download-pdf")
    download = info.value
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "workshops-dashboard.pdf"
    download.save_as(str(pdf_path))
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    assert non_white_share(pdf_path) > 0.01

    # Workshop mode: the upcoming workshop, prepared in the demo.
    page.goto(f"{base}/workshops/school/{school.pk}/")
    click_and_wait(page, f"a[href='/workshops/school/{school.pk}/{upcoming.pk}/']")
    page.click("#present-link")
    page.wait_for_selector("#deck.is-ready")
    position = page.locator("#deck-position")
    assert position.inner_text() == "1"
    assert page.locator("#slide-start").is_visible()
    total = int(page.locator("#deck-total").inner_text())
    assert total == upcoming.items.count() + 3  # title, follow-up, items, actions
    screenshot("workshops-03-title-slide")

    # → the follow-up of earlier actions: mark the one in progress as done.
    page.keyboard.press("ArrowRight")
    followup = page.locator("#slide-followup")
    followup.wait_for(state="visible")
    assert page.locator("#slide-start").is_hidden()
    in_progress = Action.objects.get(school=school, status=Action.Status.IN_PROGRESS)
    row = page.locator(f"#action-{in_progress.pk}")
    row.locator("select").select_option("done")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(f"#action-{in_progress.pk} .saved")
    in_progress.refresh_from_db()
    assert in_progress.status == Action.Status.DONE
    assert in_progress.reviewed_in_id == upcoming.pk
    assert position.inner_text() == "2"  # saved in place: the deck stayed on its slide

    # → the first chart, drawn when shown; its table view on demand.
    page.locator("#deck").focus()
    page.keyboard.press("ArrowRight")
    chart_slide = page.locator("section.slide-chart").first
    chart_slide.wait_for(state="visible")
    chart_slide.locator(".dash-drawing svg").first.wait_for(state="visible", timeout=20000)
    assert chart_slide.locator(".dash-drawing").get_attribute("data-rendered") == "true"
    screenshot("workshops-04-chart-slide")
    chart_slide.locator(".dash-toggle").click()
    expect(chart_slide.locator("table.chart-table")).to_be_visible()
    screenshot("workshops-04b-chart-slide-table")

    # End, Home, ← and → move through the deck.
    page.keyboard.press("End")
    expect(position).to_have_text(str(total))
    page.keyboard.press("Home")
    expect(position).to_have_text("1")
    page.keyboard.press("ArrowLeft")
    expect(position).to_have_text("1")
    page.keyboard.press("End")
    page.wait_for_selector("#slide-actions", state="visible")

    # Record a collective action on the last slide.
    page.fill("#id_what", "Gemensam planering av samarbetsövningar")
    page.select_option("#id_owner", "")
    page.fill("#id_due_on", "2027-02-15")
    page.click("#slide-actions button[type=submit]")
    page.wait_for_selector("#slide-actions tr.just-added")
    assert "Gemensam planering" in page.locator("#slide-actions tr.just-added").inner_text()
    recorded = Action.objects.get(what="Gemensam planering av samarbetsövningar")
    assert recorded.workshop_id == upcoming.pk and recorded.owner is None
    assert position.inner_text() == str(total)
    screenshot("workshops-06-action-recorded")

    # Full screen on request (where the browser allows it), and Esc leaves the presentation.
    page.evaluate(FULLSCREEN_OUTCOME)
    page.click("#deck-fullscreen")
    outcome = page.wait_for_function("() => window.samsynTestFullscreen").json_value()
    if outcome == "on":
        page.keyboard.press("Escape")
        page.wait_for_selector("#deck:not(.is-fullscreen)")
    page.locator("#deck").focus()
    page.keyboard.press("Escape")
    page.wait_for_url(f"{base}/workshops/school/{school.pk}/{upcoming.pk}/")
    assert "Gemensam planering" in page.locator("main").inner_text()

    # A teacher of the school sees the actions on the school's action list.
    page.context.clear_cookies()
    log_in(page, base, f"larare@{DEMO_DOMAIN}")
    page.goto(f"{base}/workshops/school/{school.pk}/actions/")
    assert "Gemensam planering" in page.locator("main").inner_text()
    screenshot("workshops-07-teacher-actions")

    # Nothing of ours breaks the policy. (htmx, loaded by every page, inserts its indicator
    # <style> and is reported on every page; that is the base template's business.)
    ours = [p for p in problems if "htmx" not in p]
    assert not [p for p in ours if "Content Security Policy" in p or "unsafe-eval" in p], ours
    assert not [p for p in ours if "Error" in p], ours

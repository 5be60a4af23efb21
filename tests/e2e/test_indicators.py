"""A municipality's indicator page in a real browser: the trend chart and the residual are
drawn by Vega under our Content Security Policy (no eval, no inline styles)."""

from __future__ import annotations

import pytest

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.indicators.tests.helpers import GRADE9_XLSX, skolverket_dir
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_a_municipality_page_shows_its_trend_chart_and_residual(
    live_server, demo_world, page, screenshot
):
    if not (skolverket_dir() / GRADE9_XLSX).exists():
        pytest.skip("shared Skolverket data absent: the demo has no statistics to draw")
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{msg.text} @ {msg.location}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    kungsbacka = Organisation.objects.get(municipality_code="1384")

    log_in(page, live_server.url, f"kvalitet.kungsbacka@{DEMO_DOMAIN}")
    menu = page.locator("details.home-menu")  # "Everything else" on the home page
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    click_and_wait(page, f"a[href='/indicators/org/{kungsbacka.pk}/']")
    assert "Kungsbacka" in page.locator("h1").inner_text()
    click_and_wait(page, f"a[href='/indicators/org/{kungsbacka.pk}/grade9-merit/']")

    trend = page.locator("#trend-chart")
    trend.locator("svg").first.wait_for(state="visible", timeout=15000)
    assert trend.get_attribute("data-rendered") == "true", trend.get_attribute("data-error")
    # The own line has a point per year: Vega draws marks as SVG paths.
    assert trend.locator("svg path").count() > 10

    residual = page.locator("#residual-chart")
    residual.locator("svg").first.wait_for(state="visible", timeout=15000)
    assert residual.get_attribute("data-rendered") == "true", residual.get_attribute("data-error")
    assert page.locator("#residual-trend").is_visible()
    # The accessible alternative holds the same numbers (Swedish decimal comma).
    assert "236,3" in page.locator("table.chart-table").first.inner_text()

    # Nothing of ours breaks the policy. (htmx, loaded by every page, inserts its indicator
    # <style> and is reported here on every page; that is the base template's business.)
    ours = [p for p in problems if "htmx" not in p]
    assert not [p for p in ours if "Content Security Policy" in p or "unsafe-eval" in p], ours
    assert not [p for p in ours if "Error" in p], ours
    screenshot("indicators-kungsbacka-merit")


def test_a_student_answers_through_an_anonymous_link(live_server, demo_world, page, screenshot):
    from samsyn.indicators import services
    from samsyn.indicators.models import Response, Survey

    survey = Survey.objects.get(phase="outcome", title="Trygghet och studiero, våren")
    (token,) = services.survey_links_create(survey=survey, count=1)
    before = Response.objects.filter(survey=survey).count()

    page.goto(f"{live_server.url}/indicators/s/{token}/")
    assert page.locator("h1").inner_text() == survey.title
    for fieldset in page.locator("fieldset").all():
        fieldset.locator("input[type=radio]").first.check()  # "strongly agree"
    screenshot("indicators-survey-answer")
    click_and_wait(page, "form.card button[type=submit]")
    assert Response.objects.filter(survey=survey).count() == before + 1
    page.goto(f"{live_server.url}/indicators/s/{token}/")  # the link is used up
    assert page.locator("h1").count() == 1
    assert Response.objects.filter(survey=survey).count() == before + 1

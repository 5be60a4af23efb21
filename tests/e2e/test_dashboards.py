"""The school dashboard in a real browser: charts drawn by Vega under our CSP, baseline and
follow-up switched, a chart's table view opened, and the PDF report downloaded and rendered."""

from __future__ import annotations

import pytest

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.observations.models import Round
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_the_principal_compares_rounds_and_downloads_the_report(
    live_server, demo_world, page, screenshot, tmp_path
):
    import pypdfium2

    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" else None,
    )
    school = Organisation.objects.get(name="Strandskolan")
    baseline = Round.objects.filter(kind="baseline", schools=school).first()
    follow_up = Round.objects.filter(kind="follow_up", schools=school).first()

    log_in(page, live_server.url, f"rektor@{DEMO_DOMAIN}")
    click_and_wait(page, f"a[href='/dashboards/school/{school.pk}/']")
    assert "Strandskolan" in page.locator("h1").inner_text()

    # The default: the follow-up compared with the baseline, side by side.
    comparison = page.locator("#chart-comparison .dash-drawing")
    comparison.locator("svg").first.wait_for(state="visible", timeout=20000)
    assert comparison.get_attribute("data-rendered") == "true", comparison.get_attribute(
        "data-error"
    )
    assert page.locator("#id_round").input_value() == str(follow_up.pk)
    assert page.locator("#id_compare").input_value() == str(baseline.pk)
    screenshot("dashboards-school-follow-up")

    # Switch: look at the baseline alone.
    page.select_option("#id_round", str(baseline.pk))
    page.select_option("#id_compare", "")
    click_and_wait(page, "form.dash-filters button[type=submit]")
    assert page.locator("#id_round").input_value() == str(baseline.pk)
    # No comparison round: the side-by-side and change charts do not apply.
    assert page.locator("#chart-comparison").count() == 0
    assert page.locator("#chart-change").count() == 0
    drawing = page.locator("#chart-distribution .dash-drawing")
    drawing.locator("svg").first.wait_for(state="visible", timeout=20000)

    # And back to follow-up vs baseline; the change chart's table view holds its numbers.
    page.select_option("#id_round", str(follow_up.pk))
    page.select_option("#id_compare", str(baseline.pk))
    click_and_wait(page, "form.dash-filters button[type=submit]")
    page.locator("#chart-change .dash-drawing svg").first.wait_for(state="visible", timeout=20000)
    toggle = page.locator("#chart-change .dash-toggle")
    toggle.click()
    table = page.locator("#chart-change-table")
    table.wait_for(state="visible")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.locator("#chart-change .dash-drawing").is_hidden()
    assert table.locator("tbody tr").count() == 10
    screenshot("dashboards-school-change-table")

    # The PDF report: page 1 rendered to an image is not blank.
    # (The report renders every chart on the server: allow for a slow, shared machine.)
    page.set_default_timeout(180000)
    with page.expect_download(timeout=180000) as download_info:
        page.click("#download-pdf", no_wait_after=True)
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    pdf = pypdfium2.PdfDocument(str(path))
    assert len(pdf) >= 2
    image = pdf[0].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    non_white = sum(histogram[:200]) / sum(histogram)
    assert non_white > 0.02, non_white
    assert "Strandskolan" in pdf[0].get_textpage().get_text_range()
    image.save(str(tmp_path / "page1.png"))

    assert not [p for p in problems if "Content Security Policy" in p or "Error" in p], problems

"""National data in a real browser: a platform admin imports a Skolverket file with the
categories above the measures and Kolada's JSON from a file; the collaboration's developer
reads Kungsbacka's annual quality report with its figures and the regional documentation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.indicators.models import StatValue
from samsyn.indicators.tests.helpers import GRADE9_XLSX, skolverket_dir
from samsyn.indicators.tests.test_skolverket_corpus import categories_above_csv
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[2] / "samsyn" / "indicators" / "tests" / "fixtures"


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_an_admin_imports_skolverket_and_kolada_files(
    live_server, demo_world, page, screenshot, tmp_path
):
    name, data, _layout = categories_above_csv()
    skolverket_file = tmp_path / name
    skolverket_file.write_bytes(data)
    kolada_file = tmp_path / "kolada.json"
    kolada_file.write_text((FIXTURES / "kolada_page1.json").read_text())

    log_in(page, live_server.url, f"admin@{DEMO_DOMAIN}")
    page.goto(f"{live_server.url}/indicators/import/")
    page.set_input_files("#id_files", str(skolverket_file))
    click_and_wait(page, "section[aria-labelledby=skolverket-heading] button[type=submit]")
    assert name in page.locator(".messages, [role=status], body").first.inner_text()
    groups = set(
        StatValue.objects.filter(batch__name=name).values_list("group", flat=True).distinct()
    )
    assert groups == {"Totalt", "Flickor", "Pojkar"}

    page.set_input_files("#id_kolada_files", str(kolada_file))
    click_and_wait(page, "form[action$='/import/kolada/file/'] button[type=submit]")
    rows = json.loads(kolada_file.read_text())["values"]
    assert StatValue.objects.filter(source="kolada", measure=rows[0]["kpi"]).exists()
    screenshot("national-data-import")


def test_the_collaborations_annual_report_and_regional_documentation(
    live_server, demo_world, page, screenshot
):
    if not (skolverket_dir() / GRADE9_XLSX).exists():
        pytest.skip("shared Skolverket data absent: the demo has no statistics to draw")
    from samsyn.improvement.models import QualityCycle

    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    quality = QualityCycle.objects.get(owner__municipality_code="1384")
    log_in(page, live_server.url, f"kvalitet.kungsbacka@{DEMO_DOMAIN}")
    page.goto(f"{live_server.url}/improvement/quality/{quality.pk}/")
    click_and_wait(page, f"a[href='/improvement/quality/{quality.pk}/report/']")
    trend = page.locator("#figure-grade9-merit-trend")
    trend.locator("svg").first.wait_for(state="visible", timeout=15000)
    assert trend.get_attribute("data-rendered") == "true", trend.get_attribute("data-error")
    expected = page.locator("#figure-grade6-all-subjects-expected")
    expected.locator("svg").first.wait_for(state="visible", timeout=15000)
    body = page.locator("main").inner_text()
    assert "Saknas:" in body and "N15454" in body  # where the grade-3 figures come from
    assert not problems, problems
    screenshot("national-data-annual-report")

    page.goto(f"{live_server.url}/networks/exchanges/")
    click_and_wait(page, f"a[href='/networks/exchanges/year/{quality.owner_id}/{quality.year}/']")
    text = page.locator("main").inner_text()
    assert "Från bra till utmärkt: kritiska vänner" in text
    for name in ("Kungsbacka kommun", "Varberg kommun", "Hylte kommun"):
        assert name in text
    assert page.locator("table.indicator-table tbody tr").count() == 13
    screenshot("national-data-regional-documentation")

"""Data protection in a real browser: a teacher downloads her data, a researcher downloads an
approved pseudonymised export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from samsyn.accounts.models import User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_a_teacher_downloads_her_data(live_server, demo_world, page, screenshot):
    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
    log_in(page, live_server.url, teacher.email)
    page.click("details.home-menu summary")  # "Everything else" on the home page
    click_and_wait(page, "a[href='/privacy/my-data/']")
    with page.expect_download() as info:
        page.click("a[href='/privacy/my-data/json/']")
    data = json.loads(Path(info.value.path()).read_text())
    assert data["person"]["email"] == teacher.email
    models = {ds["model"] for ds in data["datasets"]}
    assert {"accounts.User", "observations.Observation"} <= models
    with page.expect_download() as info:
        page.click("a[href='/privacy/my-data/pdf/']")
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    screenshot("privacy-my-data")


def test_a_researcher_downloads_an_approved_export(live_server, demo_world, page, screenshot):
    from samsyn.privacy.models import ResearchExport

    export = ResearchExport.objects.get(status="approved")
    log_in(page, live_server.url, f"forskare@{DEMO_DOMAIN}")
    click_and_wait(page, "a[href='/privacy/research/']")
    assert "Kollegialt lärande i Sjövik 2026" in page.content()
    with page.expect_download() as info:
        page.click(f"a[href='/privacy/research/{export.pk}/csv/']")
    text = Path(info.value.path()).read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and rows[0]["teacher"].startswith("T-")
    for person in User.objects.filter(email__endswith=DEMO_DOMAIN):
        assert person.email not in text and person.full_name not in text
    with page.expect_download() as info:
        page.click(f"a[href='/privacy/research/{export.pk}/parquet/']")
    assert Path(info.value.path()).read_bytes()[:4] == b"PAR1"
    assert export.downloads.count() == 2
    page.reload()
    screenshot("privacy-research-exports")


def test_a_teacher_sees_who_has_read_her_observations(live_server, demo_world, browser, screenshot):
    from samsyn.observations.models import Observation

    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
    observation = (
        Observation.objects.filter(
            teacher=teacher, status=Observation.Status.RELEASED, round__is_peer=False
        )
        .order_by("-observed_on")
        .first()
    )
    # The principal reads one of her observations in her own browser session.
    principal = browser.new_context().new_page()
    log_in(principal, live_server.url, f"rektor@{DEMO_DOMAIN}")
    response = principal.goto(f"{live_server.url}/observations/o/{observation.uuid}/")
    assert response.status == 200
    principal.context.close()

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, teacher.email)
    page.click("details.home-menu summary")  # "Everything else" on the home page
    click_and_wait(page, "a[href='/privacy/my-data/']")
    click_and_wait(page, "a[href='/privacy/my-data/reads/']")
    row = page.locator("tbody tr", has_text="observation av din lektion").first
    assert "Karin Holm" in row.inner_text()
    assert "Rektor på Strandskolan" in row.inner_text()
    screenshot("privacy-who-read-my-data", page)
    page.context.close()

"""Frameworks in a real browser: a teacher reads; an owner administrator imports and publishes."""

from __future__ import annotations

import json

import pytest

from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.frameworks.tests.factories import framework_data
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(page, base: str, key: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", f"{key}@{DEMO_DOMAIN}")
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_a_teacher_reads_what_good_teaching_looks_like(live_server, demo_world, page, screenshot):
    log_in(page, live_server.url, "larare")
    page.goto(f"{live_server.url}/frameworks/samsyn-undervisning/")
    assert page.locator("section.dimension").count() == 10
    assert page.locator("section.dimension").first.locator(".step").count() == 4
    screenshot("frameworks-teacher-reader")


def test_an_owner_admin_imports_fixes_and_publishes(
    live_server, demo_world, page, screenshot, tmp_path
):
    log_in(page, live_server.url, "huvudman")
    bad = framework_data(slug="sjovik-matematik")
    bad["dimensions"][0]["steps"] = bad["dimensions"][0]["steps"][:1]
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad))
    page.goto(f"{live_server.url}/frameworks/import/")
    page.set_input_files("#id_file", str(bad_file))
    click_and_wait(page, "form.card button[type=submit]")
    assert "dimensions[0].steps: en dimension behöver 3 till 7 steg, hittade 1" in page.inner_text(
        "main"
    )

    good_file = tmp_path / "good.json"
    good_file.write_text(json.dumps(framework_data(slug="sjovik-matematik")))
    page.set_input_files("#id_file", str(good_file))
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/frameworks/sjovik-matematik/draft/")
    page.click('form[action$="/draft/publish/"] button')
    page.wait_for_url("**/frameworks/sjovik-matematik/v1/")
    assert page.locator("section.dimension").count() == 3
    screenshot("frameworks-owner-published")

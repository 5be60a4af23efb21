"""A programme evaluation in a real browser: the owner's administrator opens Sjöviks kommun's
three-year programme from the home page, sees the four measures with their intervals and the
design note, and downloads the PDF; a principal of a programme school reads it without the
managing controls; a teacher is refused."""

from __future__ import annotations

import pypdfium2
import pytest

from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.programmes.models import Programme
from tests.e2e.a11y import assert_accessible
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e

MEASURES = ["teaching", "safety", "workload", "attainment"]


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_owner_admin_principal_and_teacher_on_the_programme(
    live_server, demo_world, page, screenshot, tmp_path
):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url
    programme = Programme.objects.get(organisation__name="Sjöviks kommun")
    detail = f"/programmes/{programme.pk}/"

    # 1. The owner's administrator: home page → programmes → the programme.
    log_in(page, base, f"huvudman@{DEMO_DOMAIN}")
    menu = page.locator("details.home-menu")
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    click_and_wait(page, "a[href='/programmes/']")
    click_and_wait(page, f"a[href='{detail}']")
    for kind in MEASURES:
        assert page.locator(f"section[data-measure='{kind}']").count() == 1, kind
    main = page.inner_text("main")
    assert "jämförelsegrupp" in main  # the design note: no comparison group
    assert "Alla visade skolor (3)" in main  # the programme's row over its schools
    assert "Utforskande" in main and page.locator("svg.programme-scatter").count() == 2
    assert page.locator(f"a[href='/programmes/{programme.pk}/measures/']").count() == 1
    screenshot("programme")
    assert_accessible(page, "programme evaluation")

    # 2. The PDF, with the same measures and the design note.
    with page.expect_download(timeout=180000) as download_info:
        page.click(f"a[href='/programmes/{programme.pk}/pdf/']", no_wait_after=True)
    path = tmp_path / "programme.pdf"
    download_info.value.save_as(path)
    pdf = pypdfium2.PdfDocument(str(path))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert programme.name in text
    assert "Undervisningens kvalitet" in text and "jämförelsegrupp" in text

    # 3. The principal of Strandskolan reads it, without the managing controls.
    page.context.clear_cookies()
    log_in(page, base, f"rektor@{DEMO_DOMAIN}")
    response = page.goto(f"{base}{detail}")
    assert response.status == 200
    assert page.locator("section[data-measure='teaching']").count() == 1
    assert page.locator(f"a[href='/programmes/{programme.pk}/measures/']").count() == 0
    assert page.goto(f"{base}/programmes/{programme.pk}/measures/").status == 403

    # 4. A teacher of a programme school is refused.
    page.context.clear_cookies()
    log_in(page, base, f"larare@{DEMO_DOMAIN}")
    assert page.goto(f"{base}{detail}").status == 403
    assert not problems, problems

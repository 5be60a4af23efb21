"""A school's plan for skilled teaching in a real browser: the principal drafts it from the
baseline round, edits a goal, approves it and downloads the PDF; a teacher then reads it."""

from __future__ import annotations

import pypdfium2
import pytest

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.improvement.models import SchoolPlan
from tests.e2e.a11y import assert_accessible
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_the_principal_drafts_edits_approves_and_downloads_the_plan(
    live_server, demo_world, page, browser, screenshot, tmp_path
):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url
    school = Organisation.objects.get(name="Strandskolan")

    # 1. From the home page to the school's plans, and a draft from the baseline round.
    log_in(page, base, f"rektor@{DEMO_DOMAIN}")
    menu = page.locator("details.home-menu")  # "Everything else" on the home page
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    click_and_wait(page, f"a[href='/improvement/org/{school.pk}/plans/']")
    click_and_wait(page, f"a[href='/improvement/org/{school.pk}/plans/new/']")
    page.fill("#id_title", "Planen för läsåret 2026/27")
    click_and_wait(page, "main form.card button[type=submit]")
    plan = SchoolPlan.objects.get(title="Planen för läsåret 2026/27")
    assert page.url.endswith(f"/improvement/plans/{plan.pk}/")
    weakest = plan.goals.filter(origin="weakest").first()
    assert weakest is not None and weakest.baseline_low is not None
    body = page.inner_text("main")
    assert weakest.dimension_name in body
    assert "95" in body  # the interval is on the page

    # 2. The principal writes the goal for the weakest dimension.
    click_and_wait(page, f"a[href='/improvement/plans/{plan.pk}/goals/{weakest.pk}/']")
    page.fill("#id_goal", "Varje lektion avslutas med att eleverna prövar målet.")
    click_and_wait(page, "main form.card button[type=submit]")
    assert "Varje lektion avslutas med att eleverna prövar målet." in page.inner_text("main")

    # 3. Approval by the principal.
    click_and_wait(page, f"form[action='/improvement/plans/{plan.pk}/approve/'] button")
    plan.refresh_from_db()
    assert plan.status == SchoolPlan.Status.APPROVED
    screenshot("school-plan")
    assert_accessible(page, "school plan")

    # 4. The PDF.
    with page.expect_download(timeout=180000) as download_info:
        page.click(f"a[href='/improvement/plans/{plan.pk}/plan.pdf']", no_wait_after=True)
    path = tmp_path / "plan.pdf"
    download_info.value.save_as(path)
    pdf = pypdfium2.PdfDocument(str(path))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Planen för läsåret 2026/27" in text
    assert "prövar målet" in text

    # 5. A teacher of the school reads the approved plan but gets no edit controls.
    page.context.clear_cookies()
    log_in(page, base, f"larare@{DEMO_DOMAIN}")
    page.goto(f"{base}/improvement/plans/{plan.pk}/")
    assert "Varje lektion avslutas med att eleverna prövar målet." in page.inner_text("main")
    assert page.locator(f"a[href='/improvement/plans/{plan.pk}/goals/{weakest.pk}/']").count() == 0
    assert not problems, problems

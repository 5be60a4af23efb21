"""A principal's development project in a real browser: from the starting analysis to a report
published in the library, found there by a principal in another municipality with another
form of a word than the one in the report."""

from __future__ import annotations

import pytest

from samsyn.accounts.models import Organisation
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.improvement.models import LibraryEntry, Project
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def submit(page, label_selector: str = "main form.card button[type=submit]") -> None:
    click_and_wait(page, label_selector)


def test_a_principal_publishes_a_report_that_another_municipality_finds(
    live_server, demo_world, page, browser, screenshot
):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url
    school = Organisation.objects.get(name="Strandskolan")

    # 1. The principal starts a project from the home page.
    log_in(page, base, f"rektor@{DEMO_DOMAIN}")
    menu = page.locator("details.home-menu")  # "Everything else" on the home page
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    click_and_wait(page, f"a[href='/improvement/org/{school.pk}/projects/']")
    click_and_wait(page, f"a[href='/improvement/org/{school.pk}/projects/new/']")
    page.fill("#id_title", "Språklekar i förskoleklass")
    page.select_option("#id_school_form", "compulsory")
    page.select_option("#id_area", "literacy")
    page.fill(
        "#id_analysis",
        "Eleverna i förskoleklass återberättade sällan berättelserna de hört.",
    )
    page.fill("#id_area_description", "Muntligt berättande och ordförråd.")
    page.fill("#id_question", "Stärker dagliga språklekar elevernas ordförråd?")
    page.fill("#id_methods", "Dagliga språklekar och bildstöd vid högläsning.")
    page.locator("input[name=staff]").first.check()
    page.fill("#id_starts_on", "2026-08-15")
    page.fill("#id_ends_on", "2027-12-15")
    submit(page)
    project = Project.objects.get(title="Språklekar i förskoleklass")
    assert page.url.endswith(f"/improvement/projects/{project.pk}/")

    # 2. Evidence the school already has: one of its surveys.
    click_and_wait(page, f"a[href='/improvement/projects/{project.pk}/evidence/']")
    page.select_option("#id_survey", index=1)
    page.fill("#id_note", "Få elever säger att de får berätta i klassen.")
    submit(page)
    assert project.evidence.count() == 1

    # 3. A follow-up measure with baseline and target, then its outcome with n and interval.
    click_and_wait(page, f"a[href='/improvement/projects/{project.pk}/measures/new/']")
    page.fill("#id_name", "Elever som återberättar en saga med egna ord (%)")
    page.fill("#id_baseline", "35")
    page.fill("#id_target", "60")
    page.fill("#id_outcome", "58")
    page.fill("#id_n", "44")
    page.fill("#id_interval_low", "43")
    page.fill("#id_interval_high", "72")
    submit(page)

    # 4. The project joins the region's supervision group, and a session is logged.
    page.select_option("#id_group", index=1)
    click_and_wait(page, "form[action$='/group/'] button[type=submit]")
    click_and_wait(page, f"a[href='/improvement/projects/{project.pk}/sessions/new/']")
    page.fill("#id_held_on", "2026-09-10")
    page.select_option("#id_kind", "literature")
    page.fill("#id_notes", "Vi läste om dialogisk högläsning.")
    page.fill("#id_decisions", "Pröva bildstöd i två klasser.")
    page.fill("#id_literature", "Whitehurst m.fl. (1988). Dialogic reading.")
    submit(page)
    assert "Dialogic reading" in page.locator("main").inner_text()

    # 5. The final report starts from the project's material; two sections remain to write.
    click_and_wait(page, f"a[href='/improvement/projects/{project.pk}/report/edit/']")
    assert "berättelserna" in page.input_value("#id_background")
    assert "58" in page.input_value("#id_results")
    page.fill("#id_summary", "Språklekar varje dag gjorde fler elever till berättare.")
    page.fill("#id_obstacles", "Sjukfrånvaro bland personalen under hösten.")
    page.fill("#id_lessons", "Korta dagliga lekar slår långa pass en gång i veckan.")
    submit(page)
    click_and_wait(page, "form[action$='/report/submit/'] button[type=submit]")
    screenshot("improvement-report-submitted")

    # 6. The supervisor approves it.
    project.refresh_from_db()
    assert project.group is not None
    supervisor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(supervisor, base, f"forskare@{DEMO_DOMAIN}")
    supervisor.goto(f"{base}/improvement/supervision/")
    click_and_wait(supervisor, f"a[href='/improvement/supervision/{project.group_id}/']")
    click_and_wait(supervisor, f"a[href='/improvement/projects/{project.pk}/']")
    click_and_wait(supervisor, f"a[href='/improvement/projects/{project.pk}/report/']")
    supervisor.check("input[name=decision][value=approve]")
    supervisor.fill("#id_comment", "Väl avvägd slutsats.")
    click_and_wait(supervisor, "form[action$='/report/review/'] button[type=submit]")
    supervisor.context.close()

    # 7. The principal gives consent and publishes.
    page.reload()
    page.check("#id_consent")
    click_and_wait(page, "form[action$='/report/publish/'] button[type=submit]")
    entry = LibraryEntry.objects.get(title="Språklekar i förskoleklass")
    assert page.url.endswith(f"/improvement/library/{entry.pk}/")
    screenshot("improvement-published-entry")

    # 8. A principal in another municipality finds it by another form of a word.
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(other, base, f"rektor.angsskolan@{DEMO_DOMAIN}")
    click_and_wait(other, "a[href='/improvement/library/']")
    other.fill("#id_q", "berättelse")
    click_and_wait(other, "form[role=search] button[type=submit]")
    results = other.locator(".library-list").inner_text()
    assert "Språklekar i förskoleklass" in results
    click_and_wait(other, f"a[href='/improvement/library/{entry.pk}/']")
    assert "Elever som återberättar" in other.locator("main").inner_text()
    screenshot("improvement-library-found", other)
    # The project's own page stays with its school.
    response = other.goto(f"{base}/improvement/projects/{project.pk}/")
    assert response.status == 404
    other.context.close()
    assert not problems, problems

"""Onboarding in Chromium: an owner administrator imports an SS 12000 file (dry run, then
save) and adds a school; a principal changes a round's observers and dates; a network
coordinator adds a member school and records a conflict of interest; the owner downloads the
impact assessment draft."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from samsyn.accounts.models import (
    AuditEvent,
    Membership,
    NetworkMembership,
    Organisation,
    Role,
    User,
)
from samsyn.frameworks import services as framework_services
from samsyn.networks.models import ConflictOfInterest
from samsyn.observations import services as observation_services
from samsyn.provisioning import generate
from samsyn.provisioning.models import ImportRun
from tests.e2e.a11y import assert_accessible
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e
PASSWORD = "onboarding-password-42"


@pytest.fixture
def world(transactional_db):
    region = Organisation.objects.create(kind="region", name="Regionen")
    owner = Organisation.objects.create(kind="owner", name="Kustkommun", parent=region)
    school = Organisation.objects.create(kind="school", name="Kustskolan", parent=owner)
    other = Organisation.objects.create(kind="school", name="Bergskolan", parent=owner)
    network = Organisation.objects.create(kind="network", name="Kustnätverket", parent=region)
    NetworkMembership.objects.create(network=network, school=school)
    people = {}
    for key, org, role in [
        ("admin", owner, Role.OWNER_ADMIN),
        ("rektor", school, Role.PRINCIPAL),
        ("coach", school, Role.OBSERVER),
        ("larare", school, Role.TEACHER),
        ("natverk", network, Role.NETWORK_COORDINATOR),
    ]:
        people[key] = User.objects.create_user(
            f"{key}@kust.example", PASSWORD, full_name=key.title()
        )
        Membership.objects.create(user=people[key], organisation=org, role=role)
    return {"owner": owner, "school": school, "other": other, "network": network, **people}


def login(page, live_server, user: User) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_an_owner_imports_staff_from_ss12000_and_adds_a_school(
    live_server, world, page, screenshot, tmp_path
):
    owner = world["owner"]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(generate.export(schools=2, staff=12, domain="kust.example")))
    login(page, live_server, world["admin"])
    page.goto(f"{live_server.url}/onboarding/owner/{owner.pk}/import/")
    page.set_input_files("#id_file", str(export))
    click_and_wait(page, "form[enctype] button[type=submit]")
    page.wait_for_selector("#summary")
    assert page.locator('[data-key="people_new"]').inner_text() == "12"
    assert ImportRun.objects.get().status == ImportRun.Status.PREVIEW
    screenshot("onboarding-dry-run")
    assert_accessible(page, "import dry run")
    click_and_wait(page, "text=Spara ändringarna")
    page.wait_for_selector("#run-status")
    assert ImportRun.objects.get().status == ImportRun.Status.DONE
    schools = Organisation.objects.filter(parent=owner, unit_code__startswith="9000")
    assert schools.count() == 2
    assert Membership.objects.filter(organisation__in=schools).count() == 12

    page.goto(f"{live_server.url}/onboarding/owner/{owner.pk}/schools/")
    page.fill("#id_name", "Ängsskolan")
    page.fill("#id_unit_code", "12345678")
    click_and_wait(page, "#school-form button[type=submit]")
    page.wait_for_selector("#schools")
    assert "Ängsskolan" in page.locator("#schools").inner_text()
    page.fill("#id_name", "ängsskolan")
    click_and_wait(page, "#school-form button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert Organisation.objects.filter(parent=owner, name__endswith="ngsskolan").count() == 1
    screenshot("onboarding-schools")
    assert_accessible(page, "schools")

    page.goto(f"{live_server.url}/privacy/owner/{owner.pk}/records/")
    click_and_wait(page, "text=Dokument inför införandet")
    with page.expect_download() as download:
        page.click("text=Konsekvensbedömning (utkast, .odt)")
    assert download.value.suggested_filename.endswith(".odt")


def test_a_principal_changes_a_rounds_observers_and_dates(live_server, world, page):
    version = framework_services.default_framework_ensure()
    round_ = observation_services.round_create(
        actor=world["rektor"],
        organisation=world["school"],
        schools=[world["school"]],
        name="Höstrundan",
        kind="baseline",
        framework_version=version,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 10, 31),
        target_lessons=1,
        release_mode="observer",
        ask_proposals=False,
        teachers=[world["larare"]],
        observers=[world["coach"]],
    )
    login(page, live_server, world["rektor"])
    page.goto(f"{live_server.url}/observations/rounds/{round_.pk}/")
    click_and_wait(page, "text=Ändra observatörer och datum")
    page.wait_for_selector("#round-form")
    assert_accessible(page, "round edit")
    page.fill("#id_ends_on", "2026-11-30")
    page.check(f"input[name=observers][value='{world['rektor'].pk}']")
    click_and_wait(page, "#round-form button[type=submit]")
    page.wait_for_url(f"**/observations/rounds/{round_.pk}/")
    round_.refresh_from_db()
    assert round_.ends_on == dt.date(2026, 11, 30)
    assert round_.round_observers.count() == 2
    assert AuditEvent.objects.filter(object_type="round", actor=world["rektor"]).exists()


def test_a_coordinator_adds_a_member_school_and_records_a_conflict(
    live_server, world, page, screenshot
):
    network = world["network"]
    login(page, live_server, world["natverk"])
    page.goto(f"{live_server.url}/networks/{network.pk}/")
    click_and_wait(page, "text=Medlemsskolor")
    page.wait_for_selector("#member-form")
    page.select_option("#id_choice", label="Bergskolan")
    click_and_wait(page, "#member-form button[type=submit]")
    page.wait_for_selector("#members")
    assert "Bergskolan" in page.locator("#members").inner_text()
    click_and_wait(page, "main >> text=Jäv")
    page.wait_for_selector("#conflict-form")
    page.select_option("#id_user", label="Larare")
    page.select_option("#id_school", label="Bergskolan")
    page.fill("#id_reason", "Tidigare anställd")
    click_and_wait(page, "#conflict-form button[type=submit]")
    page.wait_for_selector("#conflicts")
    screenshot("onboarding-conflicts")
    assert_accessible(page, "conflicts")
    assert ConflictOfInterest.objects.filter(
        user=world["larare"], school=world["other"], reason="Tidigare anställd"
    ).exists()

"""Capture on a phone, offline and back: the server ends with exactly one observation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.frameworks import services as framework_services
from samsyn.observations import services
from samsyn.observations.models import Observation
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e
PASSWORD = "capture-test-password"


@pytest.fixture
def visit(transactional_db):
    """A school with an observer, a teacher and a planned visit on the default framework."""
    owner = Organisation.objects.create(kind="owner", name="Kommunen")
    school = Organisation.objects.create(kind="school", name="Skolan", parent=owner)
    observer = User.objects.create_user("obs@example.org", PASSWORD, full_name="Olga Observatör")
    teacher = User.objects.create_user("teach@example.org", PASSWORD, full_name="Tore Lärare")
    principal = User.objects.create_user("rek@example.org", PASSWORD, full_name="Rut Rektor")
    Membership.objects.create(user=observer, organisation=school, role=Role.OBSERVER)
    Membership.objects.create(user=teacher, organisation=school, role=Role.TEACHER)
    Membership.objects.create(user=principal, organisation=school, role=Role.PRINCIPAL)
    # Transactional tests empty the database between tests, data migrations included.
    version = framework_services.default_framework_ensure()
    round_ = services.round_create(
        actor=principal,
        organisation=school,
        schools=[school],
        name="Runda",
        kind="baseline",
        framework_version=version,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        target_lessons=1,
        release_mode="observer",
        ask_proposals=False,
        teachers=[teacher],
        observers=[observer],
    )
    services.assignments_generate(round_=round_)
    return round_.assignments.get(), version


def test_capture_offline_then_sync_stores_exactly_once(live_server, browser, visit, screenshot):
    assignment, version = visit
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "obs@example.org")
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")
    page.goto(f"{live_server.url}/observations/capture/{assignment.pk}/")
    page.wait_for_selector("#dimension-tabs li:nth-child(10)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"capture page is {width}px wide on a 375px phone"

    context.set_offline(True)
    dimensions = list(version.dimensions.order_by("order")[:3])
    chosen = {}
    for index, dimension in enumerate(dimensions):
        step = dimension.steps.get(order=(index % 4) + 1)
        chosen[dimension.pk] = step.pk
        page.click(f"label[for='s-{step.pk}']")
        page.click("#next")
    page.wait_for_selector("#sync-state[data-state='offline']")
    assert Observation.objects.count() == 0
    screenshot("capture-offline-phone", page)

    context.set_offline(False)
    page.wait_for_selector("#sync-state[data-state='saved']", timeout=20000)
    observations = list(Observation.objects.all())
    assert len(observations) == 1
    stored = dict(observations[0].ratings.values_list("dimension_id", "step_id"))
    assert stored == chosen
    assert observations[0].framework_version_id == version.pk
    # A reload resumes from the server, and nothing is sent twice.
    page.reload()
    page.wait_for_selector("#dimension-tabs li.done")
    assert page.locator("#dimension-tabs li.done").count() == 3
    assert Observation.objects.count() == 1
    screenshot("capture-synced-phone", page)
    context.close()

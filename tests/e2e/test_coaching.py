"""A coaching conversation end to end: the teacher writes her reflection, the coach (another
browser) records the talk with one next step, and the teacher finds it in "my teaching"."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.frameworks import services as framework_services
from samsyn.observations import services
from samsyn.observations.tests.factories import full_ratings
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e
PASSWORD = "coaching-test-password"


@pytest.fixture
def observed(transactional_db):
    """A teacher with one released observation, and an observer who will coach her."""
    owner = Organisation.objects.create(kind="owner", name="Kommunen")
    school = Organisation.objects.create(kind="school", name="Skolan", parent=owner)
    observer = User.objects.create_user("obs@example.org", PASSWORD, full_name="Olga Observatör")
    teacher = User.objects.create_user("teach@example.org", PASSWORD, full_name="Tove Lärare")
    principal = User.objects.create_user("rek@example.org", PASSWORD, full_name="Rut Rektor")
    Membership.objects.create(user=observer, organisation=school, role=Role.OBSERVER)
    Membership.objects.create(user=teacher, organisation=school, role=Role.TEACHER)
    Membership.objects.create(user=principal, organisation=school, role=Role.PRINCIPAL)
    version = framework_services.default_framework_ensure()
    round_ = services.round_create(
        actor=principal,
        organisation=school,
        schools=[school],
        name="Höstens runda",
        kind="baseline",
        framework_version=version,
        starts_on=timezone.localdate() - dt.timedelta(days=10),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        target_lessons=1,
        release_mode="observer",
        ask_proposals=False,
        teachers=[teacher],
        observers=[observer],
    )
    services.assignments_generate(round_=round_)
    result = services.observation_save(
        actor=observer,
        uuid=uuid.uuid4(),
        data={"assignment_id": round_.assignments.get().pk, "ratings": full_ratings(version)},
        base_revision=0,
    )
    observation = services.observation_submit(actor=observer, observation=result.observation)
    services.observation_release(actor=observer, observation=observation)
    return version


def _login(browser, url: str, email: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/en/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")
    return page


def test_reflection_then_record_then_my_teaching(live_server, browser, observed, screenshot):
    version = observed
    teacher = _login(browser, live_server.url, "teach@example.org")
    teacher.goto(f"{live_server.url}/en/coaching/conversations/new/")
    teacher.select_option("#id_coach", label="Olga Observatör")
    teacher.check("input[name=observations]")
    click_and_wait(teacher, "form.card button[type=submit]")
    teacher.wait_for_selector("#reflection-form")
    teacher.fill("#id_reflection", "I tried exit tickets; I want the students to use them.")
    goals = version.dimensions.get(code="goals")
    teacher.select_option(f"#id_dim_{goals.pk}", value=str(goals.steps.get(order=3).pk))
    click_and_wait(teacher, "#reflection-form button[type=submit]")
    teacher.wait_for_selector(".message-success")
    conversation_url = teacher.url

    coach = _login(browser, live_server.url, "obs@example.org")
    coach.goto(conversation_url)
    coach.wait_for_selector("text=I tried exit tickets")
    feedback = version.dimensions.get(code="feedback")
    coach.fill("#id_strengths", "Clear structure.")
    coach.select_option("#id_suggested_focus", value=str(feedback.pk))
    click_and_wait(coach, "#prepare-form button[type=submit]")
    coach.wait_for_selector(".message-success")
    coach.fill("#id_went_well", "Calm start, clear goals.")
    coach.select_option("#id_dimension", value=str(feedback.pk))
    coach.fill("#id_action", "End every lesson with an exit ticket and start the next from it.")
    coach.fill("#id_follow_up_on", (timezone.localdate() + dt.timedelta(days=21)).isoformat())
    click_and_wait(coach, "#record-form button[type=submit]")
    coach.wait_for_selector("#next-step")

    teacher.goto(f"{live_server.url}/en/coaching/")
    teacher.wait_for_selector("#next-steps table")
    text = teacher.inner_text("#next-steps")
    assert "End every lesson with an exit ticket" in text
    assert teacher.input_value("#next-steps select[name=status]") == "agreed"
    teacher.wait_for_selector("#profile-chart[data-rendered='true']")
    screenshot("coaching-my-teaching", teacher)


def test_a_coach_starts_only_with_a_teacher_whose_lesson_they_observed(
    live_server, browser, observed, screenshot
):
    """Issue 19: coaching is no back door. The observer lists only Tove (whose lesson she
    observed) and starts with her; Tim, whom she never observed, is not offered and a
    hand-made address for him answers 404."""
    school = Organisation.objects.get(name="Skolan")
    other = User.objects.create_user("tim@example.org", PASSWORD, full_name="Tim Lärare")
    Membership.objects.create(user=other, organisation=school, role=Role.TEACHER)
    coach = _login(browser, live_server.url, "obs@example.org")
    coach.goto(f"{live_server.url}/en/coaching/conversations/new/")
    options = coach.locator("#id_teacher option").all_inner_texts()
    assert "Tove Lärare" in options and "Tim Lärare" not in options
    # An /en/ address is shown in English whatever the profile says (issue 24).
    assert "whose lesson you observed" in coach.inner_text("main")
    response = coach.goto(f"{live_server.url}/en/coaching/conversations/new/?teacher={other.pk}")
    assert response.status == 404
    coach.goto(f"{live_server.url}/en/coaching/conversations/new/")
    coach.select_option("#id_teacher", label="Tove Lärare")
    click_and_wait(coach, "form.card button[type=submit]")
    coach.check("input[name=observations]")
    click_and_wait(coach, "form.card button[type=submit]")
    coach.wait_for_selector("#preparation")
    screenshot("coaching-coach-starts", coach)

"""A whole peer review in the browser: self-evaluation → team → pre-review analysis → joint
observation (capture) → agreed estimates → report → shared with the hub. The hub's principal
reads the report; the principal of another member school gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samsyn.accounts.models import Membership, NetworkMembership, Organisation, Role, User
from samsyn.frameworks import services as framework_services
from samsyn.networks import services
from samsyn.networks.models import PeerReview, ShareScope
from samsyn.observations.models import Observation, Rating, Round
from tests.e2e.waits import capture_saved, click_and_wait

pytestmark = pytest.mark.e2e
PASSWORD = "networks-test-password"


def person(email: str, name: str, org: Organisation, role: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name, language="en")
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def network_world(transactional_db):
    Kind = Organisation.Kind
    region = Organisation.objects.create(kind=Kind.REGION, name="Regionen")
    kommun = Organisation.objects.create(kind=Kind.OWNER, name="Kommunen", parent=region)
    friskola = Organisation.objects.create(kind=Kind.OWNER, name="Friskolan AB", parent=region)
    network = Organisation.objects.create(kind=Kind.NETWORK, name="Nätverket", parent=region)
    school = Organisation.objects.create(kind=Kind.SCHOOL, name="Granskade skolan", parent=kommun)
    hub_school = Organisation.objects.create(kind=Kind.SCHOOL, name="Hubbskolan", parent=friskola)
    reviewer_school = Organisation.objects.create(
        kind=Kind.SCHOOL, name="Granskarskolan", parent=friskola
    )
    other_school = Organisation.objects.create(kind=Kind.SCHOOL, name="Andra skolan", parent=kommun)
    for member in (school, hub_school, reviewer_school, other_school):
        NetworkMembership.objects.create(
            network=network, school=member, is_hub=member == hub_school
        )
    people = {
        "rektor": person("rektor@example.org", "Rut Rektor", school, Role.PRINCIPAL),
        "hubb": person("hubb@example.org", "Hanna Hubb", hub_school, Role.PRINCIPAL),
        "granskare": person(
            "granskare@example.org", "Gustav Granskare", reviewer_school, Role.PRINCIPAL
        ),
        "annan": person("annan@example.org", "Anders Annan", other_school, Role.PRINCIPAL),
        "koordinator": person(
            "koord@example.org", "Kim Koordinator", network, Role.NETWORK_COORDINATOR
        ),
        "larare": person("larare@example.org", "Lisa Lärare", school, Role.TEACHER),
    }
    services.hub_save(
        network=network,
        name="Hubben",
        hub_school=hub_school,
        schools=[school],
        coordinators=[],
    )
    services.settings_update(network=network, team_size=1, default_share=ShareScope.NONE)
    version = framework_services.default_framework_ensure()
    # Earlier observations at the school: six teachers, one of them alone at step 4 in the
    # first dimension (a small cell the analysis must hide).
    earlier = Round.objects.create(
        organisation=school,
        name="Höstens runda",
        framework_version=version,
        starts_on=timezone.localdate() - dt.timedelta(days=90),
        ends_on=timezone.localdate() - dt.timedelta(days=60),
        status=Round.Status.CLOSED,
    )
    dims = list(version.dimensions.order_by("order"))
    for i in range(6):
        teacher = person(f"t{i}@example.org", f"Tidigare Lärare {i}", school, Role.TEACHER)
        observation = Observation.objects.create(
            round=earlier,
            framework_version=version,
            observer=people["rektor"],
            teacher=teacher,
            school=school,
            status=Observation.Status.SUBMITTED,
            observed_on=timezone.localdate() - dt.timedelta(days=70),
        )
        for dim in dims[:2]:
            order = 4 if (i == 0 and dim == dims[0]) else 2
            Rating.objects.create(
                observation=observation, dimension=dim, step=dim.steps.get(order=order)
            )
    review = services.review_create(
        actor=people["koordinator"],
        network=network,
        school=school,
        year=timezone.localdate().year,
        visit_starts_on=timezone.localdate(),
        visit_ends_on=timezone.localdate() + dt.timedelta(days=1),
    )
    return review, people, version


def login(browser, base: str, email: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")
    return context, page


def test_a_peer_review_from_self_evaluation_to_a_report_shared_with_the_hub(
    live_server, browser, network_world, screenshot
):
    review, people, version = network_world
    base = live_server.url
    headings = list(review.evaluations.order_by("heading__order"))

    # 1. The school's self-evaluation.
    context, page = login(browser, base, "rektor@example.org")
    page.goto(f"{base}/en/networks/reviews/{review.pk}/")
    click_and_wait(page, "text=Write the self-evaluation")
    for i, e in enumerate(headings):
        page.select_option(
            f"#id_estimate_{e.heading_id}", ["effective", "working_towards", "leading"][i % 3]
        )
        page.fill(f"#id_text_{e.heading_id}", f"Our evidence for heading {i + 1}.")
    page.fill("#id_excellence_title", "Reading in the early years")
    click_and_wait(page, "button[name=done]")
    page.wait_for_selector("text=The self-evaluation is saved.")
    context.close()
    review.refresh_from_db()
    assert review.self_evaluation_done_at is not None

    # 2. The coordinator forms the team from Samsyn's proposal (another owner, another hub).
    context, page = login(browser, base, "koord@example.org")
    page.goto(f"{base}/en/networks/reviews/{review.pk}/")
    click_and_wait(page, "text=Form the review team")
    page.wait_for_selector("text=Proposed team")
    assert "Gustav Granskare" in page.inner_text("section.card")
    click_and_wait(page, "form.card button[type=submit]")
    page.wait_for_selector("text=The review team is saved.")
    assert list(review.team.values_list("user__email", flat=True)) == ["granskare@example.org"]

    # 4a. ... and plans the visit: the teacher observed by the reviewer, the principal beside.
    page.goto(f"{base}/en/networks/reviews/{review.pk}/visit/")
    page.check(f"input[name=teachers][value='{people['larare'].pk}']")
    page.select_option("#id_colleague", str(people["rektor"].pk))
    click_and_wait(page, "form.card button[type=submit]")
    page.wait_for_selector("text=The visit is planned")
    context.close()

    # 3. The reviewer reads the pre-review analysis: the small cell is hidden, with the reason.
    context, page = login(browser, base, "granskare@example.org")
    page.goto(f"{base}/en/networks/reviews/{review.pk}/analysis/")
    page.wait_for_selector("table.profile")
    assert page.locator("table.profile .suppressed").count() >= 1
    assert "Tidigare Lärare" not in page.content()
    screenshot("networks-analysis", page)

    # 4b. The joint observation through the normal capture page.
    page.goto(f"{base}/en/networks/reviews/{review.pk}/")
    click_and_wait(page, "text=Observe this lesson")
    page.wait_for_selector("#dimension-tabs li:nth-child(10)")
    dimensions = list(version.dimensions.order_by("order"))
    with capture_saved(page, len(dimensions)):  # every rating on the server before submitting
        for index, dim in enumerate(dimensions):
            step = dim.steps.get(order=3)
            page.click(f"label[for='s-{step.pk}']")
            if index < len(dimensions) - 1:
                page.click("#next")
    page.wait_for_selector("#sync-state[data-state='saved']", timeout=20000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#submit")
    page.wait_for_url("**/observations/o/**", timeout=20000)
    review.refresh_from_db()
    observation = Observation.objects.get(round=review.round, observer=people["granskare"])
    assert observation.status == Observation.Status.SUBMITTED
    assert observation.teacher == people["larare"]

    # 5. Agreed estimates with evidence, then the report.
    page.goto(f"{base}/en/networks/reviews/{review.pk}/agreement/")
    for i, e in enumerate(headings):
        page.select_option(f"#id_agreed_{e.heading_id}", "effective")
        page.fill(f"#id_evidence_{e.heading_id}", f"Joint observation and talks, heading {i + 1}.")
        page.fill(f"#id_went_well_{e.heading_id}", f"Clear goals {i + 1}.")
        page.fill(f"#id_even_better_if_{e.heading_id}", f"More feedback {i + 1}.")
    click_and_wait(page, "#agreement button[type=submit]")
    page.wait_for_selector("text=The agreed estimates are saved.")
    page.goto(f"{base}/en/networks/reviews/{review.pk}/agreement/")
    click_and_wait(page, "#complete button[type=submit]")
    page.wait_for_selector("text=The report is completed.")
    context.close()
    review.refresh_from_db()
    assert review.status == PeerReview.Status.COMPLETED

    # 6. The school shares it with its hub (the network's default here was "no one").
    other_context, other = login(browser, base, "hubb@example.org")
    report_url = f"{base}/en/networks/reviews/{review.pk}/report/"
    assert other.goto(report_url).status == 404
    other_context.close()
    context, page = login(browser, base, "rektor@example.org")
    page.goto(report_url)
    page.select_option("#id_scope", "hub")
    click_and_wait(page, "#share button[type=submit]")
    page.wait_for_selector("text=Sharing is saved.")
    context.close()

    # 7. The hub's principal reads it; another school's principal cannot see it exists.
    context, page = login(browser, base, "hubb@example.org")
    response = page.goto(report_url)
    assert response.status == 200
    assert "Clear goals 1." in page.content()
    assert "More feedback 3." in page.content()
    screenshot("networks-report-hub", page)
    context.close()
    context, page = login(browser, base, "annan@example.org")
    assert page.goto(report_url).status == 404
    context.close()

"""Every role's journey in Chromium on the demo world, with axe-core on every page visited.

The demo world (built once for the run, see conftest.py) is put back ONCE for the whole module: a
module-scoped fixture restores it, starts a live server of its own on it, and at the end puts
back what was there before. The tests
are plain `django_db` tests, not pytest-django's `live_server` ones (which flush the database
after each test). On SQLite the live server shares the test's in-memory connection, so what a
journey writes is rolled back after it and every journey starts from the same demo; on
PostgreSQL the server commits on its own connection and the journeys do not depend on one
another's writes.

Journeys, in Swedish (the demo's language), and the teacher's once more in English:
teacher, observer (offline capture), principal, owner administrator, network coordinator,
researcher. Each ends with a screenshot `journey-<role>` in test-artifacts/.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from samsyn.accounts.models import Organisation, User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import DatabaseSnapshot, Server
from tests.e2e.waits import click_and_wait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
CHART_TIMEOUT = 30000


@pytest.fixture(scope="module")
def journey_server(django_db_setup, django_db_blocker, demo_snapshot, browser):
    """The demo world put back once, and a live server of our own on it, for this module."""
    from django.db import connection

    with django_db_blocker.unblock():
        before = DatabaseSnapshot(connection)
        server = None
        try:
            demo_snapshot.restore()
            bring_the_visits_to_today()
            server = Server().start()
            with server._live_server_modified_settings:
                yield server
        finally:
            if server is not None:
                server.stop()
            before.restore()
            before.drop()


def bring_the_visits_to_today() -> None:
    """The demo plans the observer's visits for the day it was built, once per run: a run that
    passes midnight in the server's time zone (23:00 UTC in winter) would find no visit for
    today. Move every planned visit by the days since then."""
    from django.db.models import F

    from samsyn.demo.services import REGION_NAME
    from samsyn.observations.models import Assignment

    region = Organisation.objects.get(kind=Organisation.Kind.REGION, name=REGION_NAME)
    days = (timezone.localdate() - timezone.localdate(region.created_at)).days
    if days:
        Assignment.objects.exclude(planned_at=None).update(
            planned_at=F("planned_at") + dt.timedelta(days=days)
        )


def t(lang: str, message: str) -> str:
    with translation.override(lang):
        return gettext(message)


def new_page(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    return context, page


def log_in(page, base: str, key: str, lang: str = "sv") -> None:
    """Log in as a demo user and make the account's language `lang` (it follows the account)."""
    page.goto(f"{base}/")
    page.fill("#id_username", f"{key}@{DEMO_DOMAIN}")
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")
    if page.locator("html").get_attribute("lang") != lang:
        page.select_option("#language-select", lang)
        click_and_wait(page, ".language-switch button")
    assert page.locator("html").get_attribute("lang") == lang


def follow(page, href_end: str) -> None:
    """Click the link (in main) whose address ends with `href_end`, as a user would: on the
    home page, opening the compact menu of everything else first when the link is there."""
    link = page.locator(f"main a[href$='{href_end}']").first
    menu = page.locator("main details.home-menu")
    if not link.is_visible() and menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    click_and_wait(link)


def wait_for_charts(page, scope: str = "main") -> None:
    """Wait until every Vega drawing in `scope` has drawn (or said why not)."""
    drawings = page.locator(f"{scope} [data-vega-spec]")
    for k in range(drawings.count()):
        drawing = drawings.nth(k)
        if drawing.is_visible():
            drawing.locator("svg").first.wait_for(state="attached", timeout=CHART_TIMEOUT)
            assert drawing.get_attribute("data-error") in (None, ""), drawing.get_attribute(
                "data-error"
            )


# --- teacher ------------------------------------------------------------------------------


def teacher_journey(base, browser, screenshot, lang: str) -> None:
    from samsyn.coaching.models import Conversation, NextStep

    teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
    conversation = Conversation.objects.filter(teacher=teacher).order_by("-created_at").first()
    observation = conversation.observations.order_by("-observed_on").first()
    context, page = new_page(browser)

    log_in(page, base, "larare", lang)
    assert teacher.full_name.split()[0] in page.locator("main h1").inner_text()
    assert_accessible(page, f"teacher home ({lang})")

    # Her released observations; open the one the coaching conversation is about.
    follow(page, "/observations/mine/")
    assert page.locator("main h1").inner_text() == t(lang, "Observations of my lessons")
    assert observation.round.name in page.locator("main").inner_text()
    assert_accessible(page, f"my observations ({lang})")
    follow(page, f"/observations/o/{observation.uuid}/")
    assert teacher.full_name in page.locator("main h1").inner_text()
    ratings = observation.ratings.count()
    assert ratings == 10
    assert page.locator("main table tbody tr").count() >= ratings
    assert_accessible(page, f"released observation ({lang})")

    # "My teaching": her next steps and her profile over time.
    page.goto(f"{base}/")
    follow(page, "/coaching/")
    assert page.locator("main h1").inner_text() == t(lang, "My teaching")
    next_step = NextStep.objects.filter(conversation__teacher=teacher).order_by("-pk").first()
    assert page.locator("#next-steps table tbody tr").count() >= 1
    assert next_step.action in page.locator("#next-steps").inner_text()
    page.wait_for_selector("#profile-chart[data-rendered='true']", timeout=CHART_TIMEOUT)
    assert_accessible(page, f"my teaching ({lang})")

    # The coming coaching conversation: she writes her self-reflection.
    follow(page, f"/coaching/conversations/{conversation.pk}/")
    assert teacher.full_name in page.locator("main h1").inner_text()
    assert_accessible(page, f"coaching conversation ({lang})")
    reflection = {
        "sv": "Eleverna gav varandra återkoppling med exit tickets; nästa gång vill jag ha kamratrespons.",
        "en": "The students gave each other feedback on exit tickets; next I want peer response.",
    }[lang]
    page.fill("#id_reflection", reflection)
    click_and_wait(page, "#reflection-form button[type=submit]")
    page.wait_for_selector(".message-success")
    conversation.refresh_from_db()
    assert conversation.reflection == reflection
    assert reflection in page.locator("main").inner_text()
    assert_accessible(page, f"coaching conversation after saving ({lang})")

    # "My data": the JSON download carries her e-mail address.
    page.goto(f"{base}/")
    follow(page, "/privacy/my-data/")
    assert page.locator("main h1").inner_text() == t(lang, "My data")
    assert_accessible(page, f"my data ({lang})")
    with page.expect_download() as info:
        page.locator("main a[href$='/privacy/my-data/json/']").click()
    data = json.loads(Path(info.value.path()).read_text())
    assert data["person"]["email"] == teacher.email
    assert "coaching.Conversation" in {dataset["model"] for dataset in data["datasets"]}
    screenshot("journey-teacher" if lang == "sv" else f"journey-teacher-{lang}", page)
    assert not page.problems, page.problems
    context.close()


def test_teacher_journey_in_swedish(journey_server, browser, screenshot):
    teacher_journey(journey_server.url, browser, screenshot, "sv")


def test_teacher_journey_in_english(journey_server, browser, screenshot):
    # (log_in sets the account's language, so the order of the two does not matter.)
    teacher_journey(journey_server.url, browser, screenshot, "en")


# --- observer -------------------------------------------------------------------------------


def test_observer_journey(journey_server, browser, screenshot):
    from samsyn.observations.models import Assignment, Observation

    base = journey_server.url
    observer = User.objects.get(email=f"observator@{DEMO_DOMAIN}")
    today = timezone.localdate()
    visit = (
        Assignment.objects.filter(observer=observer, planned_at__date=today, round__is_peer=False)
        .exclude(pk__in=Observation.objects.values("assignment"))
        .order_by("planned_at")
        .first()
    )
    assert visit is not None, "the demo plans a visit for today"
    context, page = new_page(browser)

    log_in(page, base, "observator")
    assert "Strandskolan" in page.locator("main").inner_text()
    assert_accessible(page, "observer home")
    follow(page, "/observations/today/")
    today_list = page.locator("main section.visits").first
    assert today_list.locator("h2").inner_text() == t("sv", "Today")
    assert visit.teacher.full_name in today_list.inner_text()
    # The list makes today's capture pages available offline.
    page.wait_for_selector("#offline-ready:not([hidden])", timeout=15000)
    assert_accessible(page, "today's visits")

    follow(page, f"/observations/capture/{visit.pk}/")
    page.wait_for_selector("#dimension-tabs li:nth-child(10)")
    assert_accessible(page, "capture")

    # The network goes: three dimensions rated, kept on the phone.
    context.set_offline(True)
    version = visit.round.framework_version
    chosen = {}
    for index, dimension in enumerate(version.dimensions.order_by("order")[:3]):
        step = dimension.steps.get(order=(index % 4) + 1)
        chosen[dimension.pk] = step.pk
        page.click(f"label[for='s-{step.pk}']")
        page.click("#next")
    page.wait_for_selector("#sync-state[data-state='offline']")
    assert not Observation.objects.filter(assignment=visit).exists()
    assert_accessible(page, "capture, offline")

    # Back online: synced, stored once.
    context.set_offline(False)
    page.wait_for_selector("#sync-state[data-state='saved']", timeout=20000)
    stored = Observation.objects.get(assignment=visit)
    assert dict(stored.ratings.values_list("dimension_id", "step_id")) == chosen
    page.reload()
    page.wait_for_selector("#dimension-tabs li.done")
    assert page.locator("#dimension-tabs li.done").count() == 3
    assert Observation.objects.filter(assignment=visit).count() == 1
    assert_accessible(page, "capture, synced")
    screenshot("journey-observer", page)
    assert not page.problems, page.problems
    context.close()


# --- principal ------------------------------------------------------------------------------


def test_principal_journey(journey_server, browser, screenshot, tmp_path):
    from samsyn.observations.models import Round
    from samsyn.workshops.models import Workshop

    base = journey_server.url
    school = Organisation.objects.get(name="Strandskolan")
    oskar = User.objects.get(email=f"observator@{DEMO_DOMAIN}")
    context, page = new_page(browser)

    log_in(page, base, "rektor")
    assert school.name in page.locator("main").inner_text()
    assert_accessible(page, "principal home")

    # A new round: every teacher of the school, observed by Oskar.
    follow(page, "/observations/")
    assert page.locator("main h1").inner_text() == t("sv", "Observations")
    assert_accessible(page, "observation rounds")
    follow(page, "/observations/rounds/new/")
    assert_accessible(page, "new round form")
    starts = timezone.localdate() + dt.timedelta(days=7)
    page.fill("#id_name", "Vårens observationer 2027")
    page.select_option("#id_kind", "follow_up")
    page.fill("#id_starts_on", starts.isoformat())
    page.fill("#id_ends_on", (starts + dt.timedelta(days=60)).isoformat())
    page.fill("#id_target_lessons", "1")
    page.check(f"input[name=observers][value='{oskar.pk}']")
    teachers = page.locator("input[name=teachers]:checked").count()
    assert teachers >= 20
    click_and_wait(page, "main form.round-form button[type=submit]")
    new_round = Round.objects.get(name="Vårens observationer 2027")
    assert page.locator("main h1").inner_text() == new_round.name

    # Its coverage: nothing observed yet, one visit planned per teacher.
    coverage = page.locator("table.coverage").first
    cells = coverage.locator("tbody tr").first.locator("td").all_inner_texts()
    # (An observer who also teaches is not planned to observe himself.)
    planned = new_round.assignments.count()
    assert teachers - 1 <= planned <= teachers
    assert cells[:3] == ["Strandskolan", "0", str(planned)], cells
    assert_accessible(page, "round with coverage")

    # Triads: Samsyn proposes groups from the last closed round.
    page.goto(f"{base}/")
    follow(page, f"/triads/school/{school.pk}/")
    assert school.name in page.locator("main h1").inner_text()
    assert_accessible(page, "triads")
    click_and_wait(page, "#propose-form button[type=submit]")
    page.wait_for_selector("#move-form")
    assert page.locator(".triad").count() >= 5
    assert page.locator(".triad .why li").count() >= 1
    assert_accessible(page, "triad proposal")

    # The prepared workshop, then presented.
    workshop = Workshop.objects.filter(school=school).order_by("-starts_at").first()
    page.goto(f"{base}/")
    follow(page, f"/workshops/school/{school.pk}/{workshop.pk}/")
    assert workshop.title in page.locator("main h1").inner_text()
    assert_accessible(page, "workshop preparation")
    click_and_wait(page, "#present-link")
    page.wait_for_selector("#deck.is-ready")
    assert page.locator("#deck-position").inner_text() == "1"
    assert_accessible(page, "workshop presentation: title slide")
    page.locator("#deck").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    chart_slide = page.locator("section.slide-chart").first
    chart_slide.wait_for(state="visible")
    chart_slide.locator(".dash-drawing svg").first.wait_for(state="visible", timeout=CHART_TIMEOUT)
    assert page.locator("#deck-position").inner_text() == "3"
    assert_accessible(page, "workshop presentation: chart slide")

    # The school dashboard and its PDF report.
    page.goto(f"{base}/")
    follow(page, f"/dashboards/school/{school.pk}/")
    assert school.name in page.locator("main h1").inner_text()
    wait_for_charts(page)
    assert page.locator("figure.dash-chart").count() >= 3
    assert_accessible(page, "school dashboard")
    with page.expect_download(timeout=120000) as info:
        page.click("#download-pdf")
    pdf = tmp_path / "school.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    screenshot("journey-principal", page)
    assert not page.problems, page.problems
    context.close()


# --- owner administrator --------------------------------------------------------------------


def test_owner_admin_journey(journey_server, browser, screenshot, tmp_path):
    from samsyn.frameworks.tests.factories import framework_data

    base = journey_server.url
    owner = Organisation.objects.get(name="Sjöviks kommun")
    context, page = new_page(browser)

    log_in(page, base, "huvudman")
    assert owner.name in page.locator("main").inner_text()
    assert_accessible(page, "owner home")

    # The municipality's dashboard: small groups are hidden, and say so.
    follow(page, f"/dashboards/area/{owner.pk}/")
    assert owner.name in page.locator("main h1").inner_text()
    wait_for_charts(page)
    trends = page.locator("#chart-school_trends")
    trends.locator(".dash-toggle").click()
    table = page.locator("#chart-school_trends-table")
    table.wait_for(state="visible")
    hidden = table.locator("td.hidden-cell")
    assert hidden.count() >= 1
    assert hidden.first.is_visible()
    reason = hidden.first.locator("abbr").get_attribute("title")
    assert reason and reason in hidden.first.inner_text()
    assert_accessible(page, "area dashboard with a suppressed cell")

    # Indicators of the municipality.
    page.goto(f"{base}/")
    follow(page, f"/indicators/org/{owner.pk}/")
    assert owner.name in page.locator("main h1").inner_text()
    # Sjöviks kommun is fictional: the demo links it to Falkenberg's code (when Kolada's list
    # of municipalities is there), and the page names Falkenberg as whose figures it shows;
    # unlinked, it says why there are none. Either way it offers to link another municipality.
    main = page.locator("main").inner_text()
    if Organisation.objects.get(pk=owner.pk).municipality_code:
        assert "Falkenberg" in main
    else:
        notice = t(
            "sv",
            "This organisation is not linked to a municipality, so there are no national figures to show.",
        )
        assert notice in main
    assert_accessible(page, "indicators")
    follow(page, f"/indicators/org/{owner.pk}/municipality/")
    assert page.locator("main h1").inner_text() == t("sv", "Link to a municipality")
    assert (
        page.locator("main form.card select, main form.card input:not([type=hidden])").count() >= 1
    )
    assert_accessible(page, "indicators: link to a municipality")

    # Framework import: a faulty file is refused with the reason, on the page.
    page.goto(f"{base}/")
    follow(page, "/frameworks/")
    assert page.locator("main h1").inner_text() == t("sv", "Observation frameworks")
    assert_accessible(page, "frameworks")
    follow(page, "/frameworks/import/")
    assert page.locator("#id_file").count() == 1
    assert_accessible(page, "framework import")
    bad = framework_data(slug="sjovik-journey")
    bad["dimensions"][0]["steps"] = bad["dimensions"][0]["steps"][:1]
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad))
    page.set_input_files("#id_file", str(bad_file))
    click_and_wait(page, "main form.card button[type=submit]")
    assert "dimensions[0].steps" in page.locator("main").inner_text()
    assert_accessible(page, "framework import with an error")
    screenshot("journey-owner-admin", page)
    assert not page.problems, page.problems
    context.close()


# --- network coordinator --------------------------------------------------------------------


def test_network_coordinator_journey(journey_server, browser, screenshot):
    from samsyn.networks.models import PeerReview

    base = journey_server.url
    network = Organisation.objects.get(name="Nätverket Lärande kust")
    review = (
        PeerReview.objects.filter(network=network, status=PeerReview.Status.COMPLETED)
        .order_by("pk")
        .first()
    )
    upcoming = (
        PeerReview.objects.filter(network=network).exclude(pk=review.pk).order_by("pk").first()
    )
    context, page = new_page(browser)

    log_in(page, base, "natverk")
    assert network.name in page.locator("main").inner_text()
    assert_accessible(page, "network coordinator home")
    follow(page, "/networks/")
    assert page.locator("main h1").inner_text() == t("sv", "Networks and peer review")
    assert network.name in page.locator("main").inner_text()
    assert_accessible(page, "networks")
    follow(page, f"/networks/{network.pk}/")
    assert network.name in page.locator("main h1").inner_text()
    members = network.network_members.count()
    assert page.locator("main table").first.locator("tbody tr").count() == members
    assert_accessible(page, "network page")

    # A completed peer review and its analysis.
    follow(page, f"/networks/reviews/{review.pk}/")
    assert review.school.name in page.locator("main h1").inner_text()
    assert_accessible(page, "completed peer review")
    follow(page, f"/networks/reviews/{review.pk}/analysis/")
    assert review.school.name in page.locator("main").inner_text()
    assert_accessible(page, "peer review analysis")

    # A review in preparation: the coordinator forms its team from Samsyn's proposal.
    page.goto(f"{base}/")
    follow(page, "/networks/")
    follow(page, f"/networks/{network.pk}/")
    follow(page, f"/networks/reviews/{upcoming.pk}/")
    assert upcoming.school.name in page.locator("main h1").inner_text()
    assert_accessible(page, "peer review in preparation")
    follow(page, f"/networks/reviews/{upcoming.pk}/team/")
    # The proposal comes ticked; the coordinator keeps it and names the first as team lead.
    proposed = page.locator("input[name=members]:checked")
    assert proposed.count() >= 1
    chosen = sorted(int(v) for v in (box.get_attribute("value") for box in proposed.all()))
    page.select_option("#id_lead", str(chosen[0]))
    assert_accessible(page, "review team")
    click_and_wait(page, "main form.card button[type=submit]")
    page.wait_for_selector(".message-success")
    assert sorted(upcoming.team.values_list("user_id", flat=True)) == chosen
    assert upcoming.team.get(is_lead=True).user_id == chosen[0]
    assert_accessible(page, "peer review with its team")
    screenshot("journey-network-coordinator", page)
    assert not page.problems, page.problems
    context.close()


# --- researcher -----------------------------------------------------------------------------


def test_researcher_journey(journey_server, browser, screenshot):
    from samsyn.privacy.models import ResearchExport

    base = journey_server.url
    ekbacka = Organisation.objects.get(name="Ekbacka kommun")
    approved = ResearchExport.objects.get(status="approved")
    context, page = new_page(browser)

    log_in(page, base, "forskare")
    assert "Region Havsbandet" in page.locator("main").inner_text()
    assert_accessible(page, "researcher home")
    follow(page, "/privacy/research/")
    assert page.locator("main h1").inner_text() == t("sv", "Research exports")
    assert approved.project in page.locator("main table").inner_text()
    assert_accessible(page, "research exports")

    # A new request to another owner.
    follow(page, f"/privacy/research/new/{ekbacka.pk}/")
    assert ekbacka.name in page.locator("main").inner_text()
    assert_accessible(page, "research request form")
    page.fill("#id_project", "Återkoppling i Ekbacka")
    page.fill("#id_purpose", "Hur återkopplingen i klassrummet utvecklas mellan mätningarna.")
    page.locator("input[name=rounds]").first.check()
    for box in page.locator("input[name=schools]").all():
        box.check()
    click_and_wait(page, "main form button[type=submit]")
    requested = ResearchExport.objects.get(project="Återkoppling i Ekbacka")
    assert requested.status != "approved"
    assert "Återkoppling i Ekbacka" in page.locator("main table").inner_text()
    assert_accessible(page, "research exports after the request")

    # The approved export, pseudonymised: no name or address of anyone in it.
    with page.expect_download() as info:
        page.locator(f"main a[href$='/privacy/research/{approved.pk}/csv/']").click()
    text = Path(info.value.path()).read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and rows[0]["teacher"].startswith("T-")
    for person in User.objects.filter(email__endswith=DEMO_DOMAIN).only("email", "full_name"):
        assert person.email not in text and person.full_name not in text
    screenshot("journey-researcher", page)
    assert not page.problems, page.problems
    context.close()

"""Every chart page, in Swedish and in English, in a real browser: no console error, and no
chart without labels.

The pages: the school, owner and network dashboards, the workshop slides, a municipality's
indicator page, "my teaching" and the round's item map (an SVG drawn by the template). A chart
drawn by Vega must finish (`data-rendered`), carry axis or legend labels, and format its axis
numbers in the page's language (decimal comma in Swedish, point in English). The strongest and
weakest dimensions are labelled with the dimensions' names on a 1…4 axis, with the bars to the
right of the labels. The item map's coordinates are plain numbers (a localised `x="186,7"` is a
console error in Chromium and draws nothing).
"""

from __future__ import annotations

import re

import pytest

from samsyn.accounts.models import Organisation, User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
from samsyn.frameworks.models import Dimension
from samsyn.indicators.tests.helpers import GRADE9_XLSX, skolverket_dir
from samsyn.observations.models import Round
from samsyn.workshops.models import Workshop
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e

LOCAL_DECIMAL = {"sv": re.compile(r"^[−-]?\d+\.\d+$"), "en": re.compile(r"^[−-]?\d+,\d+$")}


def log_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def texts(locator) -> list[str]:
    return [t.strip() for t in locator.evaluate_all("els => els.map(e => e.textContent)") if t]


def check_vega(page, root, lang: str, where: str) -> int:
    """Every Vega chart under `root` rendered, with labels in the page's number format."""
    charts = root.locator("[data-vega-spec]")
    drawn = 0
    for i in range(charts.count()):
        chart = charts.nth(i)
        page.wait_for_function(
            "el => el.getAttribute('data-rendered') === 'true' || el.getAttribute('data-error')"
            " || el.getAttribute('data-rendered') === 'error'",
            arg=chart.element_handle(),
            timeout=20000,
        )
        name = f"{where} #{chart.get_attribute('data-vega-spec')}"
        assert chart.get_attribute("data-rendered") == "true", (
            name,
            chart.get_attribute("data-error"),
        )
        labels = texts(chart.locator(".role-axis-label text, .role-legend-label text"))
        assert len(labels) >= 2, f"{name}: a chart without labels"
        wrong = [t for t in labels if LOCAL_DECIMAL[lang].match(t)]
        assert not wrong, f"{name}: numbers not in the page's language: {wrong}"
        drawn += 1
    return drawn


def check_profile_chart(page, lang: str, where: str) -> None:
    """Strongest and weakest: the dimensions' names, a 1…4 axis, bars right of the labels."""
    chart = page.locator("#chart-profile .dash-drawing, #chart-profile [data-vega-spec]").first
    names = set(Dimension.objects.values_list("short_name_sv", flat=True)) | set(
        Dimension.objects.values_list("short_name_en", flat=True)
    )
    label_boxes = []
    axis_numbers = []
    labels = chart.locator(".role-axis-label text")
    for i in range(labels.count()):
        label = labels.nth(i)
        text = (label.text_content() or "").strip()
        if text in names:
            label_boxes.append(label.bounding_box())
        else:
            axis_numbers.append(text)
    assert len(label_boxes) >= 5, f"{where}: the strongest/weakest chart has no dimension labels"
    assert axis_numbers[0] == "1" and axis_numbers[-1] == "4", f"{where}: axis {axis_numbers}"
    right_of_labels = max(b["x"] + b["width"] for b in label_boxes)
    bars = chart.locator(".mark-rect path")
    assert bars.count() >= 5
    lefts = [bars.nth(i).bounding_box()["x"] for i in range(bars.count())]
    assert min(lefts) >= right_of_labels, f"{where}: bars drawn over the dimension labels"


def check_item_map(page, where: str) -> None:
    svg = page.locator("figure.item-map svg")
    svg.wait_for(state="visible")
    values = svg.locator("circle").evaluate_all("els => els.map(e => e.getAttribute('cx'))")
    assert values, f"{where}: no thresholds drawn"
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in values), values[:5]
    assert len(texts(svg.locator("text"))) > 5, f"{where}: the item map has no labels"


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda msg: problems.append(f"{page.url}: {msg.text}") if msg.type == "error" else None,
    )
    return problems


def visit_dashboards(page, base: str, lang: str) -> int:
    school = Organisation.objects.get(name="Strandskolan")
    owner = Organisation.objects.get(name="Sjöviks kommun")
    network = Organisation.objects.get(kind=Organisation.Kind.NETWORK)
    drawn = 0
    for email, url in (
        (f"rektor@{DEMO_DOMAIN}", f"/dashboards/school/{school.pk}/"),
        (f"huvudman@{DEMO_DOMAIN}", f"/dashboards/area/{owner.pk}/"),
        (f"natverk@{DEMO_DOMAIN}", f"/dashboards/area/{network.pk}/"),
    ):
        log_in(page, base, email)
        page.goto(base + url)
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang
        drawn += check_vega(page, page, lang, url)
        if page.locator("#chart-profile").count():
            check_profile_chart(page, lang, url)
    return drawn


def visit_workshop(page, base: str, lang: str) -> int:
    school = Organisation.objects.get(name="Strandskolan")
    workshop = Workshop.objects.filter(school=school).order_by("-pk").first()
    log_in(page, base, f"rektor@{DEMO_DOMAIN}")
    page.goto(f"{base}/workshops/school/{school.pk}/{workshop.pk}/present/")
    page.wait_for_selector("#deck.is-ready")
    total = int(page.locator("#deck-total").inner_text())
    drawn = 0
    for _slide in range(total):
        page.locator("#deck").focus()
        page.keyboard.press("ArrowRight")
    # Slides draw their charts when shown; after walking through, every chart has been shown.
    for slide in page.locator("section.slide-chart").all():
        drawn += check_vega(page, slide, lang, "workshop slide")
    return drawn


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_chart_page_renders_with_labels(live_server, demo_world, page, screenshot, lang):
    User.objects.filter(email__endswith=DEMO_DOMAIN).update(language=lang)
    problems = watch(page)
    base = live_server.url

    drawn = visit_dashboards(page, base, lang)
    screenshot(f"charts-dashboard-{lang}")
    drawn += visit_workshop(page, base, lang)

    # "My teaching": the teacher's profile over rounds.
    log_in(page, base, f"larare@{DEMO_DOMAIN}")
    page.goto(f"{base}/coaching/")
    drawn += check_vega(page, page, lang, "/coaching/")
    assert page.locator("#profile-chart").get_attribute("data-rendered") == "true"

    # The round on one scale (researcher): the item map drawn by the template.
    log_in(page, base, f"forskare@{DEMO_DOMAIN}")
    for round_ in Round.objects.filter(is_peer=False, observations__isnull=False).distinct():
        url = f"/observations/rounds/{round_.pk}/measurement/"
        page.goto(base + url)
        page.wait_for_load_state()
        if page.locator("figure.item-map").count():
            check_item_map(page, url)
    screenshot(f"charts-item-map-{lang}")

    # A municipality's indicator page (needs the shared Skolverket files for its statistics).
    if (skolverket_dir() / GRADE9_XLSX).exists():
        kungsbacka = Organisation.objects.get(municipality_code="1384")
        log_in(page, base, f"kvalitet.kungsbacka@{DEMO_DOMAIN}")
        page.goto(f"{base}/indicators/org/{kungsbacka.pk}/grade9-merit/")
        drawn += check_vega(page, page, lang, "indicator")

    assert drawn >= 10
    assert not problems, problems

"""Workshop slides fit the screen: on a 1280×720 projector and a 1920×1080 screen, every slide
of the demo's upcoming workshop (its charts drawn) shows whole without scrolling the page, and
nothing in the slide is cut off (the slide's own content fits its box)."""

from __future__ import annotations

import pytest

from samsyn.accounts.models import Organisation
from samsyn.workshops.models import Workshop

from .test_workshops import log_in

pytestmark = pytest.mark.e2e

MEASURE = """() => {
  const slide = [...document.querySelectorAll('[data-slide]')].find(s => !s.hidden);
  const drawing = slide.querySelector('.dash-drawing:not([hidden]) svg');
  const box = drawing ? drawing.getBoundingClientRect() : null;
  return {
    id: slide.id,
    docHeight: document.documentElement.scrollHeight,
    docWidth: document.documentElement.scrollWidth,
    viewHeight: window.innerHeight,
    viewWidth: window.innerWidth,
    slideScroll: slide.scrollHeight,
    slideClient: slide.clientHeight,
    chartBottom: box ? box.bottom : 0,
    chartHeight: box ? box.height : null,
  };
}"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_every_slide_fits_without_scrolling(live_server, demo_world, browser, size, screenshot):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        school = Organisation.objects.get(name="Strandskolan")
        workshop = Workshop.objects.filter(school=school).order_by("-starts_at").first()
        base = live_server.url
        log_in(page, base, "rektor@samsyn.example")
        page.goto(f"{base}/workshops/school/{school.pk}/{workshop.pk}/present/")
        page.wait_for_selector(".deck.is-ready")
        total = int(page.inner_text("#deck-total"))
        assert total >= 3
        problems, charts = [], 0
        for index in range(total):
            page.wait_for_function(
                """() => [...document.querySelectorAll('[data-slide]')].find(s => !s.hidden)
                     .querySelectorAll('[data-vega-spec]:not([data-rendered="true"])').length === 0"""
            )
            m = page.evaluate(MEASURE)
            if m["chartHeight"] is not None:
                charts += 1
                screenshot(f"slide-fit-{width}x{height}-chart-{charts}", page)
                if m["chartHeight"] < 150 or m["chartBottom"] > m["viewHeight"]:
                    problems.append((m["id"], "chart", m["chartHeight"], m["chartBottom"]))
            if m["docHeight"] > m["viewHeight"] or m["docWidth"] > m["viewWidth"]:
                problems.append((m["id"], "page scrolls", m))
            if m["slideScroll"] > m["slideClient"] + 1:
                problems.append((m["id"], "slide cut off", m))
            if index < total - 1:
                page.keyboard.press("ArrowRight")
        assert charts >= 1, "the workshop has chart slides"
        assert problems == []
    finally:
        context.close()

"""The demo's published progress page: Sjöviks kommun, approved by a second administrator."""

from __future__ import annotations

import pytest
from django.conf import settings

from samsyn.demo.services import demo_delete
from samsyn.public.demo import SLUG
from samsyn.public.models import ProgressPage


def test_the_demo_publishes_sjoviks_progress_page(demo_db, client):
    page = ProgressPage.objects.get(slug=SLUG)
    assert page.is_public and page.organisation.name == "Sjöviks kommun"
    assert page.submitted_by.email.startswith("huvudman@")
    assert page.approved_by != page.submitted_by
    teaching = page.snapshot["en"]["teaching"]
    shown = [c for c in teaching["changes"] if "hidden" not in c]
    assert shown, teaching
    assert all(c["n_teachers"] >= settings.SAMSYN_MIN_GROUP for c in shown)
    assert client.get(f"/en/progress/{SLUG}/").status_code == 200
    assert client.get(f"/progress/{SLUG}/").status_code == 200
    demo_delete()
    assert not ProgressPage.objects.exists()


def grade6_cell(code: str, year: int) -> float:
    """Skolverket's grade-6 file of `year`: the share passing all subjects, all schools of the
    municipality ("Samtliga"), read with the csv module (independently of the importer)."""
    import csv

    from samsyn.indicators.tests.helpers import skolverket_dir

    name = (
        "Grundskola - Betyg årskurs 6, andel som fått godkänt betyg (A-E), samtliga elever "
        f"{year} Kommun.csv"
    )
    path = skolverket_dir() / name
    if not path.exists():
        pytest.skip(f"{name} not found (shared data absent)")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Kommun;"))
    for row in csv.DictReader(lines[start:], delimiter=";"):
        if row["Kommun-kod"] == code and row["Typ av huvudman"] == "Samtliga":
            return float(
                row["Andel (%) elever som fått godkänt betyg i alla ämnen"].replace(",", ".")
            )
    raise AssertionError(f"{code} not in {name}")


def test_the_demo_page_shows_real_indicators_with_source_and_date(demo_db, client):
    from samsyn.indicators.demo import SJOVIK_STAND_IN

    expected = grade6_cell(SJOVIK_STAND_IN, 2024)
    page = ProgressPage.objects.get(slug=SLUG)
    content = page.snapshot["en"]
    assert content["has_municipality"]
    grade6 = next(i for i in content["indicators"] if i["code"] == "grade6-all-subjects")
    [area] = grade6["areas"]
    assert area["municipality"] == "Falkenberg"
    [series] = area["series"]
    assert series["source"] == "Skolverket" and series["imported"]
    points = {p["year"]: p["value"] for p in series["points"]}
    assert points[2024] == pytest.approx(expected)
    assert series["last"] == {"year": 2024, "value": pytest.approx(expected)}
    html = client.get(f"/en/progress/{SLUG}/").content.decode()
    assert "Falkenberg" in html
    assert f"Source: {series['source']}, imported {series['imported']}" in html
    assert f"{expected:.1f}" in html

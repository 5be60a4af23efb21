"""The demo's programme: goal attainment shows real register figures (Falkenberg's, the real
municipality the fictional Sjöviks kommun is linked to in the demo), checked against the cells
of Skolverket's file read here independently of the importer."""

from __future__ import annotations

import pytest
from django.conf import settings

from samsyn.accounts.models import User
from samsyn.demo.services import DEMO_DOMAIN
from samsyn.indicators.demo import SJOVIK_STAND_IN
from samsyn.indicators.tests.helpers import GRADE9_XLSX, skolverket_dir
from samsyn.programmes.models import Programme
from samsyn.programmes.selectors import evaluation_unscoped

PASSED_ALL = "Andel (%) som fått godkänt betyg i alla ämnen"


def grade9_cells(code: str, measure: str, school_years: tuple[str, ...]) -> list:
    """The cells of the grade-9 over-time file (sheet "Samtliga": all schools of the
    municipality) for one municipality, measure and school years, read with openpyxl."""
    import openpyxl

    path = skolverket_dir() / GRADE9_XLSX
    if not path.exists():
        pytest.skip(f"{GRADE9_XLSX} not found (shared data absent)")
    book = openpyxl.load_workbook(path, read_only=True)
    rows = book["Samtliga"].iter_rows(values_only=True)
    header = next(r for r in rows if r and r[0] == "Kommun")
    row = next(r for r in rows if r and r[1] == code and r[4] == measure)
    return [row[header.index(year)] for year in school_years]


def test_the_programmes_goal_attainment_comes_from_skolverkets_file(demo_db, client):
    baseline, outcome = grade9_cells(SJOVIK_STAND_IN, PASSED_ALL, ("2022/23", "2024/25"))
    programme = Programme.objects.get(organisation__name="Sjöviks kommun")
    evaluation = evaluation_unscoped(programme)
    results = {r.measure.kind: r for r in evaluation.measures}
    attainment = results["attainment"]
    assert not attainment.missing
    [row] = attainment.register  # the three schools share one municipality
    assert row["municipality"] == "Falkenberg" and not row["note"]
    assert row["baseline"][0] == pytest.approx(baseline)
    assert row["outcome"][0] == pytest.approx(outcome)
    assert row["change"] == pytest.approx(outcome - baseline)
    assert row["source"] == "Skolverket" and row["imported"]
    # The other measures keep their intervals and hide every school under the minimum.
    for kind in ("teaching", "safety", "workload"):
        comparison = results[kind].comparison
        assert comparison is not None and comparison.change is not None, kind
        for school in comparison.schools:
            if not school.hidden:
                assert min(school.n_baseline, school.n_outcome) >= settings.SAMSYN_MIN_GROUP
    client.force_login(User.objects.get(email=f"huvudman@{DEMO_DOMAIN}"))
    html = client.get(f"/en/programmes/{programme.pk}/").content.decode()
    assert "Falkenberg" in html and "Skolverket" in html
    assert f"{baseline:.1f}" in html and f"{outcome:.1f}" in html

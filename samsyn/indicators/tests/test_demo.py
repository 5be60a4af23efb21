"""The demo's indicator part: the five collaboration municipalities with real values and
residuals, and a survey with answers."""

from __future__ import annotations

import pytest

from samsyn.accounts.models import Organisation
from samsyn.indicators import selectors
from samsyn.indicators.models import Indicator, StatValue, Survey
from samsyn.indicators.surveys import compare, survey_results
from samsyn.indicators.tests.helpers import GRADE9_XLSX, skolverket_dir


def test_the_demo_has_the_collaboration_and_a_survey(demo_db):
    owners = Organisation.objects.filter(
        municipality_code__in=["1384", "1383", "1380", "1381", "1315"]
    )
    assert sorted(owners.values_list("name", flat=True)) == [
        "Halmstad kommun",
        "Hylte kommun",
        "Kungsbacka kommun",
        "Laholm kommun",
        "Varberg kommun",
    ]
    # The indicators step's pair at Strandskolan (the programmes step adds surveys of its own).
    baseline = Survey.objects.get(phase="baseline", title="Trygghet och studiero, hösten")
    outcome = Survey.objects.get(phase="outcome", title="Trygghet och studiero, våren")
    assert baseline.responses.count() == 26 and outcome.responses.count() == 24
    rows = compare(survey_results(baseline), survey_results(outcome))
    assert all(r.shown for r in rows)
    if not (skolverket_dir() / GRADE9_XLSX).exists():
        pytest.skip("shared data absent: the statistics part of the demo was skipped")
    assert StatValue.objects.filter(municipality_code="1384").exists()
    merit = Indicator.objects.get(code="grade9-merit", owner=None)
    for code in ("1384", "1383", "1380", "1381", "1315"):
        result = selectors.expected_for(indicator=merit, code=code)
        assert len(result.years) >= 8, code
    _the_collaboration_year_shows_its_indicators()


def _the_collaboration_year_shows_its_indicators():
    """Kungsbacka's annual report and the collaboration's regional documentation: every one of
    the 13 indicators, with figures where the data exists and where the rest comes from."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from samsyn.accounts.models import User
    from samsyn.improvement.models import QualityCycle
    from samsyn.improvement.report_figures import report_figures
    from samsyn.networks.selectors import regional_year_for_user

    elin = User.objects.get(full_name="Elin Nyström")
    quality = QualityCycle.objects.get(owner__municipality_code="1384")
    figures = report_figures(quality, elin)
    sections = {s.indicator.code: s for s in figures.indicators}
    assert len(sections) == 13
    assert all(s.linked for s in sections.values())
    with_figures = {code for code, s in sections.items() if s.figures}
    # Skolverket's files in shared/ give these; the Kolada-only ones say where to get them.
    assert {
        "grade6-all-subjects",
        "grade9-all-subjects",
        "grade9-merit",
        "eligible-higher-education-preparatory",
        "eligible-vocational",
    } <= with_figures
    assert len(sections["grade6-all-subjects"].figures) == 2  # trend and expected vs actual
    for code, section in sections.items():
        if code not in with_figures:
            assert section.missing and all(m.where for m in section.missing), code
    doc = regional_year_for_user(user=elin, organiser_pk=quality.owner_id, year=quality.year)
    assert len(doc.owners) == 5 and len(doc.exchanges) == 1
    assert len(doc.indicators[0]["rows"]) == 13
    assert doc.missing  # the Kolada key figures not in the demo, with where to get them
    client = Client()
    client.force_login(elin)
    with translation.override(elin.language or "sv"):  # an earlier test may leave "en" active
        url = reverse("improvement:cycle_report_page", args=[quality.pk])
    assert client.get(url).status_code == 200

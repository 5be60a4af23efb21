"""The demo's indicator part: the five collaboration municipalities with real values and
residuals, and a survey with answers."""

from __future__ import annotations

import time

import pytest

from samsyn.accounts.models import Organisation
from samsyn.demo.services import demo_load
from samsyn.indicators import selectors
from samsyn.indicators.models import Indicator, StatValue, Survey
from samsyn.indicators.surveys import compare, survey_results
from samsyn.indicators.tests.helpers import GRADE9_XLSX, skolverket_dir


@pytest.mark.django_db
def test_the_demo_has_the_collaboration_and_a_survey():
    started = time.monotonic()
    demo_load()
    elapsed = time.monotonic() - started
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
    baseline = Survey.objects.get(phase="baseline")
    outcome = Survey.objects.get(phase="outcome")
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
    print(f"demo_load with indicators: {elapsed:.1f} s")

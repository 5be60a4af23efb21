"""The shared result type and the Wilson interval."""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

from samsyn.analysis.results import AnalysisError, Estimate, wilson_interval


def test_estimate_is_frozen_and_carries_its_uncertainty():
    e = Estimate(estimate=0.5, se=0.1, ci_low=0.3, ci_high=0.7, n=40)
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.estimate = 0.6  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(Estimate)] == [
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
    ]


def test_analysis_error_is_a_value_error():
    assert issubclass(AnalysisError, ValueError)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (5, 10), (10, 10), (37, 251), (1, 1)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_interval_matches_statsmodels(k, n, confidence):
    low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    assert wilson_interval(k, n, confidence=confidence) == pytest.approx((low, high), abs=1e-12)


def test_wilson_interval_is_clamped_to_zero_and_one():
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [((1, 0), "n = 0"), ((5, 3), "between 0 and n"), ((-1, 3), "between 0 and n")],
)
def test_wilson_interval_refuses_impossible_counts(args, message):
    with pytest.raises(AnalysisError, match=message):
        wilson_interval(*args)


# --------------------------------------------------------------------------- docs agree with code

METHODS_MD = Path(__file__).resolve().parents[3] / "docs" / "methods.md"


def public_functions() -> list:
    from samsyn.analysis import agreement, change, facets, gtheory, rasch, results, suppression

    found = []
    for module in (results, agreement, change, suppression, rasch, facets, gtheory):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                found.append(pytest.param(obj, id=f"{module.__name__.rsplit('.', 1)[1]}.{name}"))
    return found


@pytest.mark.parametrize("func", public_functions())
def test_every_public_function_states_formula_reference_and_types(func):
    doc = inspect.getdoc(func) or ""
    assert "Formula" in doc or "formula" in doc or "Method" in doc, func.__name__
    assert "Reference" in doc, func.__name__
    assert re.search(r"\(\d{4}\)", doc), f"{func.__name__}: no (year) in its references"
    hints = typing.get_type_hints(func)
    assert "return" in hints, func.__name__
    params = inspect.signature(func).parameters
    assert set(params) <= set(hints), func.__name__


@pytest.mark.parametrize("func", public_functions())
def test_every_public_function_is_described_in_methods_md(func):
    assert f"`{func.__name__}(" in METHODS_MD.read_text(encoding="utf-8"), func.__name__

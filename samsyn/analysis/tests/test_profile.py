"""Projected reliability of one teacher's profile: hand-computed D-study values."""

from __future__ import annotations

import numpy as np
import pytest

from samsyn.analysis import gtheory
from samsyn.analysis.profile import Route, profile_reliability, route_to
from samsyn.analysis.results import AnalysisError

# σ²(t)=0.2, σ²(l:t)=0.1, σ²(o)=0.05, σ²(t×o)=0.05, residual 0.3 (with SEs)
C = {
    "teacher": (0.20, 0.05),
    "lesson:teacher": (0.10, 0.04),
    "observer": (0.05, 0.03),
    "teacher x observer": (0.05, 0.03),
    "lesson x observer:teacher": (0.30, 0.04),
}


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # δ = .1/3 + (.05+.05)·(1/3) + .3/3 = 1/6 → .2/(.2+1/6) = 6/11
        ([1, 1, 1], 6 / 11),
        # one observer: δ = .1/3 + .1 + .1 = 7/30 → 6/13
        ([3], 6 / 13),
        # 2 + 1: Σw² = 5/9, δ = 1/30 + 1/18 + 1/10 = 17/90 → 18/35
        ([2, 1], 18 / 35),
        # one visit: δ = .1 + .1 + .3 = .5 → 2/7
        ([1], 2 / 7),
    ],
)
def test_hand_computed_values(counts, expected):
    r = profile_reliability(C, counts)
    assert r.value == pytest.approx(expected, abs=1e-12)
    assert r.visits == sum(counts) and r.observers == len(counts)
    assert r.low is not None and r.low < r.value < r.high


def test_other_observers_help_more_than_more_lessons():
    assert profile_reliability(C, [1, 1, 1]).value > profile_reliability(C, [3]).value


def test_negative_estimates_count_as_zero_and_missing_se_gives_no_interval():
    c = {**C, "observer": (-0.01, None), "teacher x observer": (0.05, None)}
    r = profile_reliability(c, [1, 1])
    # δ = .05 + .05·.5 + .15 = .225
    assert r.value == pytest.approx(0.2 / 0.425)
    assert r.low is None and r.high is None


def test_route_to_target_by_hand():
    c = {**C, "teacher": (0.5, 0.1)}
    # target .70 needs δ ≤ .5·.3/.7 = .2143. From one visit: [3] gives .2333 (no),
    # [2, 1] gives .1333 + .0556 = .1889 (yes): two more visits, one by another observer.
    route = route_to(c, [1], 0.70)
    assert route == Route(
        more_visits=2, new_observers=1, reliability=pytest.approx(0.5 / 0.6889, abs=1e-3)
    )
    assert route_to(c, [1, 1, 1], 0.70) is None  # .5/(.5+1/6) = .75 already
    assert route_to(C, [1], 0.99, max_more=5) is None  # out of reach
    # no visit yet: first visits come from some observer
    assert route_to(c, [], 0.70).new_observers >= 1


def test_every_visit_by_another_observer_equals_phi_of_the_nested_d_study():
    """With its own observers per teacher, the observer main effect is error for comparisons
    between teachers: the coefficient is Brennan's Φ of the nested D study."""
    rng = np.random.default_rng(3)
    rows = []
    for t in range(40):
        te = rng.normal(0, 0.6)
        for lesson in range(3):
            le = rng.normal(0, 0.3)
            for o in rng.choice(8, 2, replace=False):
                rows.append((t, f"{t}-{lesson}", int(o), 2 + te + le + rng.normal(0, 0.5)))
    t, lesson, o, y = zip(*rows, strict=True)
    g = gtheory.gstudy(
        y, {"teacher": t, "lesson": lesson, "observer": o}, nested={"lesson": "teacher"}
    )
    comps = {c.name: (c.estimate, c.se) for c in g.components}
    for n in (1, 2, 4):
        d = gtheory.dstudy(g, {"lesson": n, "observer": 1}, nested={"observer": "lesson"})
        assert profile_reliability(comps, [1] * n).value == pytest.approx(d.phi)


def test_unusable_input():
    with pytest.raises(AnalysisError):
        profile_reliability(C, [])
    with pytest.raises(AnalysisError):
        profile_reliability({"observer": (0.1, 0.1)}, [1])

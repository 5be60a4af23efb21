"""Small-cell suppression: property-based proof that no hidden cell can be recovered.

For every generated table the published numbers (visible cells, published totals) define a
linear system in the hidden unknowns. Two independent checks, neither using the module's own
graph reasoning:

* linear algebra: a hidden cell is determined iff its unit vector lies in the row space of
  the constraint matrix (rank test);
* linear programming: over all non-negative tables that agree with what is published,
  ``linprog`` finds the minimum and maximum of each hidden cell; both x − 1 and x + 1 must be
  reachable (the guarantee in the module docstring).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from samsyn.analysis.results import AnalysisError
from samsyn.analysis.suppression import _bridges, suppress


def published_system(table: np.ndarray, result):
    """Unknowns, equality constraints A x = b and true values, as a reader would set them up.

    Unknowns are hidden body cells and hidden or unpublished totals (the grand total is known
    whenever any margin is published, as the module assumes).
    """
    r, c = table.shape
    any_totals = result.row_totals is not None or result.col_totals is not None
    unknown: dict[tuple, int] = {}
    truth: list[float] = []

    def var(key, value):
        unknown[key] = len(truth)
        truth.append(float(value))

    for i in range(r):
        for j in range(c):
            if result.values[i][j] is None:
                var(("cell", i, j), table[i, j])
    row_sum, col_sum, total = table.sum(axis=1), table.sum(axis=0), table.sum()
    for i in range(r):
        if result.row_totals is None or result.row_totals[i] is None:
            var(("row", i), row_sum[i])
    for j in range(c):
        if result.col_totals is None or result.col_totals[j] is None:
            var(("col", j), col_sum[j])
    if not any_totals or result.grand_total is None:
        var(("grand",), total)

    def known(key, value):
        return unknown.get(key), value

    rows_a, rows_b = [], []

    def equation(terms):  # terms: list of (coefficient, key, true value)
        a = np.zeros(len(truth))
        b = 0.0
        for coef, key, value in terms:
            if key in unknown:
                a[unknown[key]] += coef
            else:
                b -= coef * value
        rows_a.append(a)
        rows_b.append(b)

    for i in range(r):
        equation(
            [(1, ("cell", i, j), table[i, j]) for j in range(c)] + [(-1, ("row", i), row_sum[i])]
        )
    for j in range(c):
        equation(
            [(1, ("cell", i, j), table[i, j]) for i in range(r)] + [(-1, ("col", j), col_sum[j])]
        )
    equation([(1, ("row", i), row_sum[i]) for i in range(r)] + [(-1, ("grand",), total)])
    equation([(1, ("col", j), col_sum[j]) for j in range(c)] + [(-1, ("grand",), total)])
    return unknown, np.array(rows_a), np.array(rows_b), np.array(truth)


def determined_cells(table, result) -> list[tuple[int, int]]:
    unknown, a, _, _ = published_system(table, result)
    if not unknown:
        return []
    rank = np.linalg.matrix_rank(a)
    out = []
    for key, idx in unknown.items():
        if key[0] != "cell":
            continue
        e = np.zeros(len(unknown))
        e[idx] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.append(key[1:])
    return out


def lp_ranges(table, result) -> dict[tuple[int, int], tuple[float, float, float]]:
    unknown, a, b, truth = published_system(table, result)
    assert np.allclose(a @ truth, b)  # the true table satisfies what is published
    out = {}
    for key, idx in unknown.items():
        if key[0] != "cell":
            continue
        cost = np.zeros(len(unknown))
        cost[idx] = 1
        lo = linprog(cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status in (0, 3)
        upper = np.inf if hi.status == 3 else -hi.fun
        out[key[1:]] = (lo.fun, truth[idx], upper)
    return out


small_counts = st.one_of(st.integers(0, 4), st.integers(0, 30))
tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(1, 5).flatmap(
        lambda c: st.lists(st.lists(small_counts, min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=tables,
    min_group=st.integers(3, 6),
    row_totals=st.booleans(),
    col_totals=st.booleans(),
)
def test_no_hidden_cell_can_be_recovered(table, min_group, row_totals, col_totals):
    t = np.array(table)
    res = suppress(t, min_group=min_group, row_totals=row_totals, col_totals=col_totals)
    hidden = res.hidden
    # Every small group is hidden, no zero is hidden, and what is shown is the truth.
    assert np.array_equal(hidden & (t > 0) & (t < min_group), (t > 0) & (t < min_group))
    assert not (hidden & (t == 0)).any()
    for i in range(t.shape[0]):
        for j in range(t.shape[1]):
            if not hidden[i, j]:
                assert res.values[i][j] == t[i, j] and res.reasons[i][j] is None
            else:
                expected = "primary" if 0 < t[i, j] < min_group else "complementary"
                assert res.reasons[i][j] == expected
    if row_totals:
        for i, v in enumerate(res.row_totals):
            assert v is None or v == t[i].sum()
    assert determined_cells(t, res) == []
    for (i, j), (low, value, high) in lp_ranges(t, res).items():
        assert low <= value - 1 + 1e-7, (i, j, low, value)
        assert high >= value + 1 - 1e-7, (i, j, high, value)


def test_a_lone_small_cell_gets_the_cheapest_partners():
    table = [[2, 10, 12], [8, 9, 1], [20, 30, 40]]
    res = suppress(table, min_group=5)
    assert res.reasons == (
        ("primary", None, "complementary"),
        ("complementary", None, "primary"),
        (None, None, None),
    )
    assert res.values[2] == (20, 30, 40)
    assert res.row_totals == (24, 18, 90) and res.grand_total == 132


def test_a_row_with_nothing_else_to_hide_hides_its_total():
    res = suppress([[2, 0, 0], [8, 9, 10]], min_group=5)
    assert res.values[0] == (None, 0, 0)  # zeros stay visible
    assert res.row_totals[0] is None and res.row_total_reasons[0] == "complementary"
    assert determined_cells(np.array([[2, 0, 0], [8, 9, 10]]), res) == []


def test_two_hidden_per_line_is_not_enough_and_the_bridge_is_caught():
    """The classic gap: two hidden 2×2 blocks joined by one hidden cell. Every row and column
    has two hidden cells, yet the joining cell equals a sum of known totals."""
    t = np.array(
        [
            [1, 1, 7, 9],
            [1, 1, 9, 9],
            [9, 9, 1, 1],
            [9, 9, 1, 1],
        ]
    )
    mask = np.zeros((4, 4), dtype=bool)
    mask[:2, :2] = mask[2:, 2:] = True
    mask[0, 2] = True  # the bridge
    # Build the naive result by hand and let the independent checks judge it.
    from samsyn.analysis.suppression import SuppressedTable

    naive = SuppressedTable(
        values=tuple(
            tuple(None if mask[i, j] else int(t[i, j]) for j in range(4)) for i in range(4)
        ),
        reasons=tuple(tuple("primary" if mask[i, j] else None for j in range(4)) for i in range(4)),
        row_totals=tuple(int(v) for v in t.sum(axis=1)),
        col_totals=tuple(int(v) for v in t.sum(axis=0)),
        grand_total=int(t.sum()),
        row_total_reasons=(None,) * 4,
        col_total_reasons=(None,) * 4,
        grand_total_reason=None,
        min_group=5,
    )
    assert determined_cells(t, naive) == [(0, 2)]
    # The module's graph view finds exactly that bridge ...
    ends = [(i, 5 + j) for i in range(4) for j in range(4)]
    state = [1 if mask[i, j] else 0 for i in range(4) for j in range(4)]
    assert _bridges(10, ends, state) == {2}
    # ... and suppress() (primaries at every 1) protects that cell too.
    t2 = t.copy()
    t2[0, 2] = 2  # now a primary itself
    res = suppress(t2, min_group=5)
    assert determined_cells(t2, res) == []


def test_min_group_below_three_is_refused():
    with pytest.raises(AnalysisError, match="at least 3"):
        suppress([[5, 5]], min_group=2)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([[1.5, 2]], "whole, non-negative"),
        ([[-1, 2]], "whole, non-negative"),
        ([[np.nan, 2]], "whole, non-negative"),
        ([], "non-empty"),
        ([1, 2, 3], "non-empty rows × columns"),
    ],
)
def test_bad_tables_are_refused(table, message):
    with pytest.raises(AnalysisError, match=message):
        suppress(table, min_group=5)


def test_min_group_must_be_a_whole_number():
    with pytest.raises(AnalysisError, match="whole number"):
        suppress([[5, 5]], min_group=4.5)


def test_a_table_without_small_cells_is_untouched():
    res = suppress([[5, 6], [7, 8]], min_group=5)
    assert res.n_hidden == 0
    assert res.values == ((5, 6), (7, 8))

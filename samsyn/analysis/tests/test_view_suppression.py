"""Complementary suppression across overlapping filtered views (`ViewProtector`).

The property test draws random schools (teachers with subjects and grade spans, some dimensions
not rated) and random team choices, decides what may be published, then tries every pairwise
difference of published cells, as an attacker with all the exports would.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from samsyn.analysis.suppression import (
    Record,
    ViewProtector,
    filters_of,
    protect_filtered_views,
    view_parts,
)

K = 5
SUBJECTS = ["NO", "SV", "MA", "EN"]
SPANS = ["f3", "46", "79"]
MEASURES = [0, 1, 2]


def _matches(record: Record, chosen) -> bool:
    return all(v is None or v == a for v, a in zip(chosen, record.attrs, strict=True))


def attack_school() -> list[Record]:
    """6 teachers of NO, 5 of them in F-3 and one in 4-6; 6 in maths."""
    records = [Record(f"no{i}", "A", ("NO", "f3"), frozenset(MEASURES)) for i in range(5)]
    records.append(Record("no5", "A", ("NO", "46"), frozenset(MEASURES)))
    records += [Record(f"ma{i}", "A", ("MA", "79"), frozenset(MEASURES)) for i in range(6)]
    return records


def test_the_attack_no_minus_no_f3_is_refused() -> None:
    records = attack_school()
    views = protect_filtered_views(records, levels=[("A", frozenset({"A"}))], min_group=K)

    def shown(chosen) -> bool:
        return views.shows([r for r in records if _matches(r, chosen)])

    assert shown((None, None)) and shown(("NO", None)) and shown(("MA", None))
    # NO (6 teachers) and NO, F-3 (5) are each large enough, but not both: they differ by one.
    assert not (shown(("NO", None)) and shown(("NO", "f3")))
    assert not (shown(("NO", None)) and shown((None, "f3")))


def test_a_view_that_adds_nothing_is_admitted_and_a_splitting_one_not() -> None:
    p = ViewProtector(min_group=K)
    everyone = [Record(f"t{i}", "A", ("x",)) for i in range(12)]
    assert p.offer(view_parts(everyone))
    assert p.admits(view_parts(everyone))
    assert not p.admits(view_parts(everyone[:6]))
    assert p.offer(view_parts(everyone[:6]))
    assert p.admits(view_parts(everyone[6:]))  # the complement is now known anyway
    assert not p.offer(view_parts(everyone[:8]))  # would split off a group of 2


def test_filters_come_broadest_first() -> None:
    order = filters_of(attack_school())
    assert order[0] == (None, None)
    assert all(sum(v is not None for v in f) <= 1 for f in order[:5])


school = st.lists(
    st.tuples(
        st.integers(0, 14),  # teacher
        st.sampled_from(SUBJECTS),
        st.sampled_from(SPANS),
        st.sets(st.sampled_from(MEASURES), min_size=0, max_size=3),
    ),
    min_size=1,
    max_size=45,
)


@settings(max_examples=150, deadline=None)
@given(rows=school, team_bits=st.lists(st.integers(0, 2**15 - 1), max_size=3))
def test_no_pairwise_difference_of_published_cells_reveals_a_small_group(rows, team_bits) -> None:
    records = list(
        {(t, s, g): Record(f"t{t}", "A", (s, g), frozenset(m)) for t, s, g, m in rows}.values()
    )
    teams = [
        (f"team{i}", "A", frozenset(f"t{t}" for t in range(15) if bits >> t & 1))
        for i, bits in enumerate(team_bits)
    ]
    views = protect_filtered_views(
        records, levels=[("A", frozenset({"A"}))], teams=teams, min_group=K
    )
    # Every cell an attacker can obtain: per shown view (every filter, every team), its
    # teachers and records, and per shown measure the records that carry it.
    obtainable = {
        chosen: [r for r in records if _matches(r, chosen)] for chosen in filters_of(records)
    }
    obtainable.update(
        {key: [r for r in records if r.person in persons] for key, _group, persons in teams}
    )
    cells: dict[tuple, set] = {}
    for key, picked in obtainable.items():
        if not picked or not views.shows(picked):
            continue
        cells[("persons", None, key)] = {(r.person, r.group) for r in picked}
        cells[("records", None, key)] = {(r.person, r.attrs) for r in picked}
        for m in MEASURES:
            if views.shows_measure(picked, m):
                cells[("records", m, key)] = {
                    (r.person, r.attrs) for r in picked if m in r.measures
                }
    for (k1, a), (k2, b) in itertools.combinations(cells.items(), 2):
        if k1[:2] != k2[:2]:
            continue  # different quantities (a teacher count and a dimension's ratings)
        for cell in (a, b):  # an empty cell (a dimension nobody was rated on) shows nobody
            assert not cell or len({unit[0] for unit in cell}) >= K
        difference = a ^ b
        people = {unit[0] for unit in difference}
        assert not difference or len(people) >= K, (k1, k2, sorted(people))
    # and the invariant itself: every atom holds at least K people
    for _universe, units in views.protector.atoms():
        assert len({p for p, _detail in units}) >= K

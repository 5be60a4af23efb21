"""The triad proposer: constraints never violated, perfect groupings found, better than chance."""

from __future__ import annotations

import functools
import random
from itertools import combinations
from operator import or_

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samsyn.analysis.triads import Options, Teacher, _Problem, evaluate, group_sizes, propose


def test_it_sizes_groups_of_three_with_documented_remainders():
    assert group_sizes(9) == [3, 3, 3]
    assert group_sizes(10) == [4, 3, 3]
    assert group_sizes(11) == [4, 4, 3]
    assert group_sizes(5) == [3, 2]
    assert group_sizes(2) == [2]
    assert group_sizes(1) == []
    assert group_sizes(4) == [4]
    assert group_sizes(10, allow_four=False) == [3, 3, 2, 2]
    assert group_sizes(11, allow_four=False) == [3, 3, 3, 2]
    for n in range(2, 60):
        assert sum(group_sizes(n)) == n
        assert sum(group_sizes(n, allow_four=False)) == n


@st.composite
def schools(draw):
    n = draw(st.integers(1, 26))
    dims = draw(st.integers(1, 5))
    subjects = draw(st.lists(st.sampled_from(["ma", "sv", "en", None]), min_size=n, max_size=n))
    spans = draw(st.lists(st.sampled_from(["f-3", "4-6", "7-9"]), min_size=n, max_size=n))
    teachers = []
    for i in range(n):
        profile = {
            d: draw(st.one_of(st.none(), st.floats(1, 4, allow_nan=False))) for d in range(dims)
        }
        manager = draw(st.one_of(st.none(), st.integers(0, n - 1)))
        teachers.append(
            Teacher(i, profile, subjects[i], spans[i], None if manager == i else manager)
        )
    previous_order = draw(st.permutations(list(range(n))))
    previous = [previous_order[k : k + 3] for k in range(0, n, 3)]
    options = Options(
        same_subject_area=draw(st.booleans()),
        same_grade_span=draw(st.booleans()),
        allow_four=draw(st.booleans()),
        seed=draw(st.integers(0, 1000)),
        restarts=1,
        kicks=20,
    )
    return teachers, previous, options


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schools())
def test_it_never_violates_a_hard_constraint(school):
    teachers, previous, options = school
    result = propose(teachers, options, previous)
    by_id = {t.id: t for t in teachers}
    placed = [m for g in result.groups for m in g.members]
    # Everyone exactly once: in a group or unplaced.
    assert sorted(placed + [u.teacher for u in result.unplaced]) == sorted(by_id)
    for group in result.groups:
        members = [by_id[m] for m in group.members]
        assert 2 <= len(members) <= 4
        if not options.allow_four:
            assert len(members) <= 3
        for a, b in combinations(members, 2):
            assert a.line_manager != b.id and b.line_manager != a.id
        if options.same_subject_area:
            assert len({m.subject_area for m in members}) == 1
        if options.same_grade_span:
            assert len({m.grade_span for m in members}) == 1
    # Nobody is left out except alone in their block or because of a line manager.
    for u in result.unplaced:
        assert u.reason in {"alone_in_block", "line_manager"}
    # The checker agrees: no hard violation in the proposal.
    checked = evaluate(teachers, [g.members for g in result.groups], options, previous)
    assert not [v for v in checked.violations if v.hard]
    assert checked.covered == result.covered


def test_it_is_deterministic_for_a_seed():
    teachers, previous = random_school(random.Random(5), 40, 6)
    a = propose(teachers, Options(seed=3), previous)
    b = propose(teachers, Options(seed=3), previous)
    assert [g.members for g in a.groups] == [g.members for g in b.groups]


def test_it_keeps_the_sizes_for_the_whole_school():
    teachers, _ = random_school(random.Random(1), 11, 5)
    assert sorted(len(g.members) for g in propose(teachers).groups) == [3, 4, 4]
    teachers, _ = random_school(random.Random(1), 5, 5)
    assert sorted(len(g.members) for g in propose(teachers).groups) == [2, 3]


def test_it_avoids_repeating_pairs_when_it_can():
    teachers, _ = random_school(random.Random(2), 12, 5)
    first = propose(teachers, Options(seed=1))
    second = propose(teachers, Options(seed=1), [g.members for g in first.groups])
    assert second.repeated_pairs == 0
    assert not any(g.same_as_before for g in second.groups)


def test_it_leaves_the_managed_teacher_out_when_there_is_no_other_way():
    teachers = [
        Teacher("boss", {"a": 3.0}),
        Teacher("x", {"a": 1.0}, line_manager="boss"),
        Teacher("y", {"a": 2.0}, line_manager="boss"),
    ]
    result = propose(teachers)
    for group in result.groups:
        assert "boss" not in group.members or len(group.members) == 1
    assert {u.reason for u in result.unplaced} == {"line_manager"}


def test_it_explains_which_partner_covers_which_need():
    teachers = [
        Teacher("a", {"goals": 1.0, "feedback": 3.0, "routines": 2.0}),
        Teacher("b", {"goals": 3.5, "feedback": 2.0, "routines": 2.0}),
        Teacher("c", {"goals": 2.0, "feedback": 2.0, "routines": 1.0}),
        Teacher("d", {"goals": 2.0, "feedback": 2.5, "routines": 3.8}),
    ]
    result = propose(teachers, Options(allow_four=True))
    (group,) = result.groups
    assert result.weakest["a"] == ("goals",)
    assert "goals" in result.strong["b"]
    cover = next(c for c in group.covers if c.teacher == "a")
    assert cover.dimension == "goals" and cover.partners == ("b",)
    checked = evaluate(teachers, [["a", "b"], ["c", "d"]])
    assert "a" in checked.groups[0].covered and "c" in checked.groups[1].covered


def test_evaluate_names_hard_violations():
    teachers = [
        Teacher(1, {"a": 1.0}, "ma"),
        Teacher(2, {"a": 2.0}, "sv", line_manager=1),
        Teacher(3, {"a": 3.0}, "ma"),
    ]
    result = evaluate(teachers, [[1, 2], [3]], Options(same_subject_area=True))
    kinds = {(v.kind, v.group) for v in result.violations}
    assert kinds == {("line_manager", 0), ("subject_area", 0), ("size", 1)}


# ----------------------------------------------------------------------------- quality


def planted_school(rng: random.Random, groups: int, dims: int) -> list[Teacher]:
    """A school built so that a perfect grouping exists: in each planted triad a is weak where b
    is strong, b where c is, c where a is; everything else is average. Dimensions are used
    evenly, so every low value is the owner's weakest and every high value is strong."""
    teachers = []
    k = 0
    for _ in range(groups):
        x, y, z = rng.sample(range(dims), 3)
        low = {0: x, 1: y, 2: z}
        high = {0: z, 1: x, 2: y}
        for m in range(3):
            profile = {d: 2.5 for d in range(dims)}
            profile[low[m]] = round(rng.uniform(1.0, 1.4), 2)
            profile[high[m]] = round(rng.uniform(3.6, 4.0), 2)
            teachers.append(Teacher(f"t{k}", profile))
            k += 1
    rng.shuffle(teachers)
    return teachers


@pytest.mark.parametrize("seed", range(8))
def test_it_finds_a_perfect_grouping_when_one_exists(seed):
    rng = random.Random(seed)
    teachers = planted_school(rng, groups=rng.randint(3, 30), dims=rng.randint(4, 10))
    result = propose(teachers, Options(seed=seed))
    assert result.coverable == len(teachers)
    assert result.perfect, f"{result.covered}/{result.coverable}"


def random_school(rng: random.Random, n: int, dims: int):
    teachers = [
        Teacher(
            i,
            {
                d: None if rng.random() < 0.15 else rng.choice([1, 1.5, 2, 2.5, 3, 3.5, 4])
                for d in range(dims)
            },
            line_manager=rng.choice([None, None, None, 0, 1]) if i > 1 else None,
        )
        for i in range(n)
    ]
    order = list(range(n))
    rng.shuffle(order)
    return teachers, [order[k : k + 3] for k in range(0, n, 3)]


def random_valid_grouping(rng: random.Random, teachers: list[Teacher]) -> list[list] | None:
    ids = [t.id for t in teachers]
    rng.shuffle(ids)
    groups, k = [], 0
    for s in group_sizes(len(ids)):
        groups.append(ids[k : k + s])
        k += s
    return groups


@pytest.mark.parametrize("seed", range(5))
def test_it_beats_the_best_of_1000_random_valid_groupings(seed):
    rng = random.Random(100 + seed)
    teachers, _ = random_school(rng, rng.randint(12, 40), rng.randint(4, 10))
    result = propose(teachers, Options(seed=seed))
    assert not result.unplaced
    problem = _Problem(teachers, Options(), [])  # the same definitions, built once
    best = 0
    tried = 0
    while tried < 1000:
        groups = [[problem.index[m] for m in g] for g in random_valid_grouping(rng, teachers)]
        if any(problem.manages[i][j] for g in groups for i, j in combinations(g, 2)):
            continue  # not valid: a teacher with their line manager
        tried += 1
        covered = sum(
            1
            for g in groups
            for i in g
            if problem.need[i]
            and functools.reduce(or_, (problem.cover[i][j] for j in g if j != i), 0)
            == problem.need[i]
        )
        best = max(best, covered)
    # The random groupings' count agrees with evaluate() on the last one.
    last = [[teachers[i].id for i in g] for g in groups]
    assert evaluate(teachers, last).covered == covered
    assert result.covered >= best, (result.covered, best)

"""The team proposer's hard constraints hold for any network (hypothesis), and its soft
preferences win where the pool allows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from samsyn.analysis.review_teams import Reviewer, ReviewSlot, eligible, propose_review_teams


@st.composite
def worlds(draw):
    n_schools = draw(st.integers(1, 8))
    owners = [draw(st.integers(1, 3)) for _ in range(n_schools)]
    hubs = [draw(st.one_of(st.none(), st.integers(1, 3))) for _ in range(n_schools)]
    reviewers = []
    for rid in range(1, draw(st.integers(0, 14)) + 1):
        school = draw(st.integers(0, n_schools - 1))
        reviewers.append(
            Reviewer(
                id=rid,
                school_id=school,
                owner_id=owners[school],
                hub_id=hubs[school],
                reviews_done=draw(st.integers(0, 4)),
                load=draw(st.integers(0, 2)),
                months=frozenset(draw(st.sets(st.integers(1, 12), max_size=3))),
                conflicts=frozenset(draw(st.sets(st.integers(0, n_schools - 1), max_size=2))),
            )
        )
    reviewed = draw(st.lists(st.integers(0, n_schools - 1), min_size=1, max_size=6))
    slots = [
        ReviewSlot(
            id=100 + i,
            school_id=school,
            owner_id=owners[school],
            hub_id=hubs[school],
            month=draw(st.one_of(st.none(), st.integers(1, 12))),
        )
        for i, school in enumerate(reviewed)
    ]
    return slots, reviewers, draw(st.integers(1, 4)), draw(st.integers(1, 3))


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_hard_constraints_always_hold(world):
    slots, reviewers, team_size, max_per_person = world
    proposal = propose_review_teams(
        slots, reviewers, team_size=team_size, max_reviews_per_person=max_per_person
    )
    by_id = {r.id: r for r in reviewers}
    assigned = {r.id: 0 for r in reviewers}
    for slot in slots:
        team = proposal.teams[slot.id]
        assert len(team) <= team_size
        assert len(set(team)) == len(team), "nobody sits twice in a team"
        for rid in team:
            reviewer = by_id[rid]
            assert reviewer.school_id != slot.school_id, "nobody reviews their own school"
            assert slot.school_id not in reviewer.conflicts, "no conflict of interest"
            assigned[rid] += 1
    for rid, extra in assigned.items():
        if extra:
            assert by_id[rid].load + extra <= max_per_person, "the yearly load limit holds"
    # A team is short only when nobody eligible with capacity left is outside it.
    for slot in slots:
        team = proposal.teams[slot.id]
        if len(team) < team_size:
            assert slot.id in proposal.short
            for reviewer in reviewers:
                if reviewer.id in team or not eligible(reviewer, slot):
                    continue
                assert reviewer.load + assigned[reviewer.id] >= max_per_person
        else:
            assert slot.id not in proposal.short


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_it_is_deterministic(world):
    slots, reviewers, team_size, max_per_person = world
    first = propose_review_teams(
        slots, reviewers, team_size=team_size, max_reviews_per_person=max_per_person
    )
    again = propose_review_teams(
        slots, reviewers, team_size=team_size, max_reviews_per_person=max_per_person
    )
    assert first == again


def test_it_prefers_other_owners_and_hubs_where_the_pool_allows():
    slot = ReviewSlot(id=1, school_id=10, owner_id=1, hub_id=1)
    reviewers = [
        Reviewer(id=1, school_id=11, owner_id=1, hub_id=2),  # same owner
        Reviewer(id=2, school_id=12, owner_id=2, hub_id=1),  # same hub
        Reviewer(id=3, school_id=13, owner_id=2, hub_id=2),
        Reviewer(id=4, school_id=14, owner_id=3, hub_id=None),
    ]
    proposal = propose_review_teams([slot], reviewers, team_size=2)
    assert set(proposal.teams[1]) == {3, 4}
    assert proposal.reasons == {}


def test_it_explains_a_compromise_when_the_pool_is_small():
    slot = ReviewSlot(id=1, school_id=10, owner_id=1)
    reviewers = [Reviewer(id=1, school_id=11, owner_id=1)]
    proposal = propose_review_teams([slot], reviewers, team_size=2)
    assert proposal.teams[1] == (1,)
    assert proposal.reasons[(1, 1)] == ("same_owner",)
    assert proposal.short == (1,)


def test_it_puts_an_experienced_reviewer_in_every_team_it_can():
    slots = [ReviewSlot(id=1, school_id=1), ReviewSlot(id=2, school_id=2)]
    reviewers = [
        Reviewer(id=1, school_id=3, reviews_done=3),
        Reviewer(id=2, school_id=4, reviews_done=2),
        Reviewer(id=3, school_id=5),
        Reviewer(id=4, school_id=6),
    ]
    proposal = propose_review_teams(slots, reviewers, team_size=2, max_reviews_per_person=1)
    for team in proposal.teams.values():
        assert sum(1 for rid in team if rid in (1, 2)) == 1


def test_it_spreads_the_load():
    slots = [ReviewSlot(id=i, school_id=i) for i in range(1, 5)]
    reviewers = [Reviewer(id=10 + i, school_id=100 + i) for i in range(4)]
    proposal = propose_review_teams(slots, reviewers, team_size=1, max_reviews_per_person=4)
    chosen = [team[0] for team in proposal.teams.values()]
    assert sorted(chosen) == [10, 11, 12, 13]


def test_it_never_uses_the_reviewed_schools_own_leader():
    slot = ReviewSlot(id=1, school_id=1)
    proposal = propose_review_teams([slot], [Reviewer(id=1, school_id=1)], team_size=3)
    assert proposal.teams[1] == ()
    assert proposal.short == (1,)

"""Propose peer-review teams: leaders of other schools visit a school for its annual review.

Pure Python (no Django): the networks app turns its rows into `Reviewer` and `ReviewSlot`
values, calls `propose_review_teams`, and shows the proposal for a coordinator to accept or
change.

Hard constraints (always hold, tested as properties with hypothesis):
- nobody reviews their own school;
- nobody reviews a school they have declared a conflict of interest with;
- nobody sits twice in one team;
- nobody is given more reviews in the year than ``max_reviews_per_person`` (counting the
  reviews they already have);
- a team never has more than ``team_size`` members, and it is only short when no eligible
  reviewer with capacity is left for it.

Soft preferences, weighed in a cost (lower is better), where the pool allows:
- not the same owner (huvudman) as the reviewed school, not the same local hub;
- not two members from the same school in one team;
- experience balanced: each team gets one experienced reviewer (``reviews_done`` > 0) first,
  and then newcomers learn beside them;
- the load spread fairly: fewer reviews this year first, and no two visits in the same month
  for one person.

The method is greedy and deterministic: reviews with the fewest eligible reviewers are staffed
first (so scarce reviewers go where they are needed), one seat at a time, each seat going to
the eligible reviewer with the lowest cost (ties broken by id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Proposal", "ReviewSlot", "Reviewer", "propose_review_teams"]

# Costs of the soft preferences (a reviewer's current load costs LOAD per review).
SAME_OWNER = 8
SAME_HUB = 6
SAME_SCHOOL_IN_TEAM = 5
SAME_MONTH = 3
LOAD = 2
EXPERIENCE_FIRST = -4  # the team's first experienced reviewer
NEWCOMER_BESIDE = -1  # a newcomer joining a team that has an experienced reviewer


@dataclass(frozen=True)
class Reviewer:
    """A school leader who may review. ``load`` is the reviews already given this year;
    ``months`` the months (1–12) of those visits; ``conflicts`` the schools they must not
    review (e.g. a former workplace, a relative on the staff)."""

    id: int
    school_id: int
    owner_id: int | None = None
    hub_id: int | None = None
    reviews_done: int = 0
    load: int = 0
    months: frozenset[int] = frozenset()
    conflicts: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ReviewSlot:
    """A review to staff: the reviewed school, its owner and hub, and the visit month."""

    id: int
    school_id: int
    owner_id: int | None = None
    hub_id: int | None = None
    month: int | None = None
    existing: tuple[int, ...] = ()  # reviewers already in the team (kept)


@dataclass(frozen=True)
class Proposal:
    """``teams`` maps a review id to the proposed reviewer ids (existing members first);
    ``reasons`` maps (review id, reviewer id) to the soft preferences that could not be met;
    ``short`` lists the reviews whose team is smaller than asked."""

    teams: dict[int, tuple[int, ...]]
    reasons: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    short: tuple[int, ...] = ()


def eligible(reviewer: Reviewer, slot: ReviewSlot) -> bool:
    """The hard constraints between one reviewer and one review (capacity aside)."""
    return reviewer.school_id != slot.school_id and slot.school_id not in reviewer.conflicts


def _compromises(reviewer: Reviewer, slot: ReviewSlot, team_schools: set[int]) -> list[str]:
    found = []
    if slot.owner_id is not None and reviewer.owner_id == slot.owner_id:
        found.append("same_owner")
    if slot.hub_id is not None and reviewer.hub_id == slot.hub_id:
        found.append("same_hub")
    if reviewer.school_id in team_schools:
        found.append("same_school_in_team")
    return found


def propose_review_teams(
    reviews: list[ReviewSlot],
    reviewers: list[Reviewer],
    *,
    team_size: int = 3,
    max_reviews_per_person: int = 2,
) -> Proposal:
    """Teams for `reviews` drawn from `reviewers`; see the module docstring for the rules."""
    if team_size < 1:
        raise ValueError("team_size must be at least 1")
    if max_reviews_per_person < 1:
        raise ValueError("max_reviews_per_person must be at least 1")
    by_id = {r.id: r for r in reviewers}
    load = {r.id: r.load for r in reviewers}
    months = {r.id: set(r.months) for r in reviewers}
    teams: dict[int, list[int]] = {}
    reasons: dict[tuple[int, int], tuple[str, ...]] = {}

    # Existing members are kept when they are still allowed (even beyond the load limit: the
    # coordinator chose them) and count towards their load; the caller leaves them out of
    # `Reviewer.load`.
    for slot in reviews:
        kept: list[int] = []
        for rid in slot.existing:
            reviewer = by_id.get(rid)
            if reviewer is not None and eligible(reviewer, slot) and rid not in kept:
                kept.append(rid)
        teams[slot.id] = kept[:team_size]
        for rid in teams[slot.id]:
            load[rid] += 1
            if slot.month is not None:
                months[rid].add(slot.month)

    def pool(slot: ReviewSlot) -> list[Reviewer]:
        return [r for r in reviewers if eligible(r, slot)]

    order = sorted(reviews, key=lambda s: (len(pool(s)), s.id))
    short: list[int] = []
    for slot in order:
        team = teams[slot.id]
        candidates = pool(slot)
        while len(team) < team_size:
            team_schools = {by_id[m].school_id for m in team}
            has_experienced = any(by_id[m].reviews_done > 0 for m in team)
            best: tuple[int, int] | None = None
            for reviewer in candidates:
                if reviewer.id in team or load[reviewer.id] >= max_reviews_per_person:
                    continue
                cost = LOAD * load[reviewer.id]
                compromises = _compromises(reviewer, slot, team_schools)
                cost += SAME_OWNER * ("same_owner" in compromises)
                cost += SAME_HUB * ("same_hub" in compromises)
                cost += SAME_SCHOOL_IN_TEAM * ("same_school_in_team" in compromises)
                if slot.month is not None and slot.month in months[reviewer.id]:
                    cost += SAME_MONTH
                if reviewer.reviews_done > 0 and not has_experienced:
                    cost += EXPERIENCE_FIRST
                elif reviewer.reviews_done == 0 and has_experienced:
                    cost += NEWCOMER_BESIDE
                key = (cost, reviewer.id)
                if best is None or key < best:
                    best = key
            if best is None:
                break
            chosen = by_id[best[1]]
            compromises = _compromises(chosen, slot, team_schools)
            if slot.month is not None and slot.month in months[chosen.id]:
                compromises.append("same_month")
            if compromises:
                reasons[(slot.id, chosen.id)] = tuple(compromises)
            team.append(chosen.id)
            load[chosen.id] += 1
            if slot.month is not None:
                months[chosen.id].add(slot.month)
        if len(team) < team_size:
            short.append(slot.id)
    return Proposal(
        teams={slot.id: tuple(teams[slot.id]) for slot in reviews},
        reasons=reasons,
        short=tuple(sorted(short)),
    )

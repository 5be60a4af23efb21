"""k-anonymity for released files: generalise quasi-identifiers, then suppress rows.

A file is *k-anonymous* over its quasi-identifiers (the released columns an outsider could know
about a person: school, round, subject, grade, observer, month, ...) when every combination of
their values that occurs in the file is shared by at least ``k`` distinct persons. ``k_anonymise``
makes a list of rows so, per partition (e.g. per school, which is itself a quasi-identifier, so
no combination spans two partitions):

1. Start with every quasi-identifier as given (level 0 of its *ladder*, a list of ever coarser
   recodings ending in ``"*"``, e.g. grade → grade span → ``*``).
2. While some rows are in combinations with fewer than ``k`` persons, move those rows one
   rung up the ladder of one quasi-identifier, together with every row of the partition that
   then shares their value (grade 8 alone joins grade 7 in "7-9"; a large class elsewhere
   keeps its detail). The quasi-identifier is the one whose step leaves the fewest rows in
   small combinations (a greedy form of Sweeney's Datafly, which takes the one with the
   most distinct values).
3. Drop the rows still in combinations with fewer than ``k`` persons (nothing can be raised).

The result holds by construction and ``k_of`` measures it on any list of rows (tests compute it
on the file itself). Reference: Sweeney, L. (2002). Achieving k-anonymity privacy protection
using generalization and suppression. *Int. J. Uncertainty, Fuzziness and Knowledge-Based
Systems* 10(5), 571-588.

Limit: k counts persons per combination of values in single rows. A person's *set* of rows
(e.g. a teacher seen in two subjects) is not protected as a whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from samsyn.analysis.results import AnalysisError

__all__ = ["ANY", "KAnonymised", "k_anonymise", "k_of"]

ANY = "*"

Ladder = Sequence[Callable[[object], object]]


@dataclass(frozen=True, slots=True)
class KAnonymised:
    rows: list[dict]
    dropped: int
    generalised: int  # rows kept with at least one value recoded


def k_of(rows: Sequence[dict], *, person: str, quasi: Sequence[str]) -> int | None:
    """The smallest number of distinct persons sharing a combination of quasi-identifier values
    (None for no rows)."""
    groups: dict[tuple, set] = defaultdict(set)
    for row in rows:
        groups[tuple(row.get(q) for q in quasi)].add(row[person])
    return min((len(p) for p in groups.values()), default=None)


def _value(row: dict, column: str, rung: int, ladders: dict[str, Ladder]) -> object:
    value = row.get(column)
    for step in list(ladders.get(column, ()))[:rung]:
        value = step(value)
    return value


def k_anonymise(
    rows: Sequence[dict],
    *,
    person: str,
    quasi: Sequence[str],
    ladders: dict[str, Ladder],
    k: int,
    partition: str | None = None,
) -> KAnonymised:
    """Recode ``quasi`` columns up their ``ladders`` and drop rows until every combination of
    the released values is shared by at least ``k`` persons (see the module docstring).

    ``quasi`` lists the quasi-identifiers in the order in which they are given up on a tie
    (least useful first); one without a ladder (the school, the round) is never recoded, only
    suppressed. Returns new row dicts; the input is not changed.
    """
    if k < 1:
        raise AnalysisError("k must be at least 1.")
    parts: dict[object, list[dict]] = defaultdict(list)
    for row in rows:
        parts[row.get(partition) if partition else None].append(row)
    kept: list[dict] = []
    dropped = generalised = 0
    for part in parts.values():
        rungs = [dict.fromkeys(quasi, 0) for _ in part]
        small = _recode(part, rungs, person=person, quasi=quasi, ladders=ladders, k=k)
        dropped += len(small)
        for i, row in enumerate(part):
            if i in small:
                continue
            values = {q: _value(row, q, rungs[i][q], ladders) for q in quasi}
            if any(rungs[i][q] for q in quasi):
                generalised += 1
            kept.append({**row, **values})
    return KAnonymised(rows=kept, dropped=dropped, generalised=generalised)


def _small(part, rungs, *, person, quasi, ladders, k) -> set[int]:
    """The rows whose combination of (recoded) values has fewer than ``k`` persons."""
    keys = [tuple(_value(r, q, rungs[i][q], ladders) for q in quasi) for i, r in enumerate(part)]
    groups: dict[tuple, set] = defaultdict(set)
    for r, key in zip(part, keys, strict=True):
        groups[key].add(r[person])
    return {i for i, key in enumerate(keys) if len(groups[key]) < k}


def _raised(part, rungs, small, q, quasi, ladders) -> list[dict]:
    """The rungs after moving the small rows one rung up ``q``, with every row that then
    falls into the same combination as one of them (so grade 8 alone joins grade 7 in
    "7-9"; rows elsewhere keep their detail)."""
    top = len(ladders.get(q, ()))

    def key(i: int, rung: dict) -> tuple:
        return tuple(_value(part[i], c, rung[c], ladders) for c in quasi)

    def up(i: int) -> dict | None:
        rung = rungs[i][q]
        return {**rungs[i], q: rung + 1} if rung < top else None

    targets = {key(i, up(i)) for i in small if up(i) is not None}
    out = []
    for i in range(len(part)):
        new = up(i)
        out.append(new if new is not None and key(i, new) in targets else rungs[i])
    return out


def _recode(part, rungs, *, person, quasi, ladders, k) -> set[int]:
    """Raise rungs until no small combination is left or none can be raised; return the rows
    still in small combinations (to be dropped). Each step tries every quasi-identifier that
    can still be raised for a small row and keeps the one that leaves the fewest rows in small
    combinations (on a tie the one listed first)."""
    small = _small(part, rungs, person=person, quasi=quasi, ladders=ladders, k=k)
    while small:
        best = None
        for q in quasi:
            if not any(rungs[i][q] < len(ladders.get(q, ())) for i in small):
                continue
            trial = _raised(part, rungs, small, q, quasi, ladders)
            left = _small(part, trial, person=person, quasi=quasi, ladders=ladders, k=k)
            if best is None or len(left) < len(best[1]):
                best = (trial, left)
        if best is None:
            break
        rungs[:], small = best
    return small

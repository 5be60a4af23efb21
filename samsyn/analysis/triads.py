"""Proposing triads of teachers with complementary strengths (pure: no Django).

`propose(teachers, options, previous)` groups one school's teachers so that, as far as possible,
each teacher's weakest dimension(s) are a strength of someone else in their group.
`evaluate(teachers, groups, options, previous)` checks and explains any grouping (a proposal the
principal has edited).

Definitions (all relative to the school, i.e. to the teachers passed in):

- A teacher's **profile** is one number per dimension (a mean step or a measure); missing
  dimensions are left out.
- A teacher's **relative score** on a dimension is their value minus the school's mean on that
  dimension. Their **weakest dimensions** are those with the lowest relative score (ties within
  `Options.weakest_tolerance` included). A teacher with no values has no weakest dimension and
  cannot be "covered"; they are still grouped.
- A teacher is **strong** on a dimension when their value is at or above the school's
  `Options.strong_quantile` quantile (default: the upper third) *and* above the school's mean
  there.
- A partner **covers** a teacher's weak dimension when the partner is strong there and their
  value is higher than the teacher's own. A teacher is **covered** when every one of their
  weakest dimensions is covered by someone in the group.

Group sizes (per block, see below) for n teachers: groups of 3; when n mod 3 == 1, one group of
4 (or, with `allow_four=False`, two groups of 2); when n mod 3 == 2, one group of 2 when n < 8,
otherwise two groups of 4 (or one group of 2 with `allow_four=False`). A single teacher cannot
form a group and is reported as unplaced.

Constraints:

- **Hard** (never violated in the answer): groups only within a block (same subject area and/or
  same grade span when the options require it; teachers whose subject area or grade span is
  unknown form a block of their own); never a teacher and their line manager in one group; the
  sizes above. If no grouping avoids a line-manager pair (e.g. three teachers, one managing the
  other two), the managed teacher is left unplaced with the reason, rather than placed with
  their manager.
- **Soft** (avoided where possible, in this order of priority): the same group as in a previous
  set, then any pair of teachers who were together in a previous set.

Objective, compared lexicographically: fewest line-manager pairs (driven to zero), fewest
identical previous groups, fewest repeated pairs, most covered teachers, most covered
(teacher, weakest dimension) pairs.

Method: a greedy construction (hardest-to-cover teachers first, each group filled with the
partner that adds most) followed by a local search of swaps between groups (best improving
swap for each teacher in a group that is not yet perfect, until no swap improves), repeated
from a few seeded random starts for small blocks, and perturbed (a few random swaps involving
an imperfect group, then the search again, kept when no worse) up to `Options.kicks` times. Deterministic for a given `Options.seed`.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

TeacherId = Hashable
Dimension = Hashable


@dataclass(frozen=True)
class Teacher:
    id: TeacherId
    profile: Mapping[Dimension, float | None] = field(default_factory=dict)
    subject_area: str | None = None
    grade_span: str | None = None
    line_manager: TeacherId | None = None


@dataclass(frozen=True)
class Options:
    same_subject_area: bool = False
    same_grade_span: bool = False
    allow_four: bool = True
    avoid_previous: bool = True
    strong_quantile: float = 2 / 3
    weakest_tolerance: float = 1e-9
    seed: int = 0
    kicks: int = 300  # perturbations of the local search's answer, while a group is imperfect
    patience: int = 100  # ... stopping after this many without a better answer
    restarts: int = 8  # extra random starts for blocks of at most `restart_limit` teachers
    restart_limit: int = 60


@dataclass(frozen=True)
class Cover:
    """`teacher`'s weakest `dimension`, and the group members strong there (empty: uncovered)."""

    teacher: TeacherId
    dimension: Dimension
    partners: tuple[TeacherId, ...]


@dataclass(frozen=True)
class Violation:
    kind: str  # "line_manager", "size", "subject_area", "grade_span", "duplicate", "unknown"
    hard: bool
    teachers: tuple[TeacherId, ...]
    group: int | None = None


@dataclass(frozen=True)
class Group:
    members: tuple[TeacherId, ...]
    covers: tuple[Cover, ...]
    covered: tuple[TeacherId, ...]  # members whose weakest dimensions are all covered
    repeated_pairs: tuple[tuple[TeacherId, TeacherId], ...]
    same_as_before: bool


@dataclass(frozen=True)
class Unplaced:
    teacher: TeacherId
    reason: str  # "alone_in_block" or "line_manager"


@dataclass(frozen=True)
class Result:
    groups: tuple[Group, ...]
    unplaced: tuple[Unplaced, ...]
    weakest: Mapping[TeacherId, tuple[Dimension, ...]]
    strong: Mapping[TeacherId, tuple[Dimension, ...]]
    covered: int  # teachers with a weakest dimension, all covered
    coverable: int  # teachers with at least one value
    covered_pairs: int
    repeated_pairs: int
    violations: tuple[Violation, ...] = ()

    @property
    def perfect(self) -> bool:
        return self.covered == self.coverable and not self.unplaced


# ----------------------------------------------------------------------------- definitions


def group_sizes(n: int, *, allow_four: bool = True) -> list[int]:
    """Sizes of the groups for n teachers (see the module docstring), largest first."""
    if n < 2:
        return []
    q, r = divmod(n, 3)
    if r == 0:
        return [3] * q
    if r == 1:
        if allow_four:
            return [4] + [3] * (q - 1)
        return [3] * (q - 1) + [2, 2]
    if allow_four and n >= 8:
        return [4, 4] + [3] * (q - 2)
    return [3] * q + [2]


def _quantile(values: list[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default, type 7)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _values(teacher: Teacher) -> dict[Dimension, float]:
    return {d: float(v) for d, v in teacher.profile.items() if v is not None}


def weakest_and_strong(
    teachers: Sequence[Teacher], options: Options = Options()
) -> tuple[dict[TeacherId, tuple[Dimension, ...]], dict[TeacherId, tuple[Dimension, ...]]]:
    """Each teacher's weakest dimensions and the dimensions where they are strong."""
    by_dim: dict[Dimension, list[float]] = {}
    values = {t.id: _values(t) for t in teachers}
    for vals in values.values():
        for d, v in vals.items():
            by_dim.setdefault(d, []).append(v)
    mean = {d: sum(vs) / len(vs) for d, vs in by_dim.items()}
    cut = {d: _quantile(vs, options.strong_quantile) for d, vs in by_dim.items()}
    order = {d: i for i, d in enumerate(by_dim)}
    weakest: dict[TeacherId, tuple[Dimension, ...]] = {}
    strong: dict[TeacherId, tuple[Dimension, ...]] = {}
    for t in teachers:
        vals = values[t.id]
        if not vals:
            weakest[t.id], strong[t.id] = (), ()
            continue
        rel = {d: v - mean[d] for d, v in vals.items()}
        low = min(rel.values())
        weakest[t.id] = tuple(
            sorted(
                (d for d, r in rel.items() if r <= low + options.weakest_tolerance),
                key=order.__getitem__,
            )
        )
        strong[t.id] = tuple(
            sorted(
                (d for d, v in vals.items() if v >= cut[d] and v > mean[d]),
                key=order.__getitem__,
            )
        )
    return weakest, strong


# ----------------------------------------------------------------------------- the search


class _Problem:
    """Indexes, coverage bitmasks and penalties for one school."""

    def __init__(
        self,
        teachers: Sequence[Teacher],
        options: Options,
        previous: Iterable[Iterable[TeacherId]],
    ) -> None:
        self.teachers = list(teachers)
        self.options = options
        self.n = len(self.teachers)
        self.index = {t.id: i for i, t in enumerate(self.teachers)}
        self.weakest, self.strong = weakest_and_strong(self.teachers, options)
        values = [_values(t) for t in self.teachers]
        # cover[i][j]: bitmask over i's weakest dimensions that j covers.
        self.need = [0] * self.n
        self.n_weak = [0] * self.n
        self.cover = [[0] * self.n for _ in range(self.n)]
        for i, t in enumerate(self.teachers):
            weak = self.weakest[t.id]
            self.need[i] = (1 << len(weak)) - 1
            self.n_weak[i] = len(weak)
            for j, u in enumerate(self.teachers):
                if i == j:
                    continue
                strong_u = set(self.strong[u.id])
                mask = 0
                for k, d in enumerate(weak):
                    if d in strong_u and values[j].get(d, float("-inf")) > values[i][d]:
                        mask |= 1 << k
                self.cover[i][j] = mask
        self.manages = [[False] * self.n for _ in range(self.n)]
        for i, t in enumerate(self.teachers):
            j = self.index.get(t.line_manager) if t.line_manager is not None else None
            if j is not None and j != i:
                self.manages[i][j] = self.manages[j][i] = True
        self.before = [[False] * self.n for _ in range(self.n)]
        self.previous_groups: set[frozenset[int]] = set()
        for group in previous if options.avoid_previous else ():
            idx = frozenset(self.index[m] for m in group if m in self.index)
            if len(idx) >= 2:
                self.previous_groups.add(idx)
            for a, b in combinations(sorted(idx), 2):
                self.before[a][b] = self.before[b][a] = True
        # Weights making the scalar score lexicographic over the tiers.
        max_weak = sum(self.n_weak) + 1
        self.w_teacher = max_weak
        self.w_repeat = (self.n + 1) * self.w_teacher
        self.w_same = (3 * self.n + 1) * self.w_repeat
        self.w_manager = (self.n + 1) * self.w_same

    def score(self, group: Sequence[int]) -> int:
        total = 0
        cover, need, manages, before = self.cover, self.need, self.manages, self.before
        for a in range(len(group)):
            i = group[a]
            got = 0
            for b in range(len(group)):
                if a != b:
                    got |= cover[i][group[b]]
            if need[i]:
                total += got.bit_count()
                if got == need[i]:
                    total += self.w_teacher
            for b in range(a + 1, len(group)):
                j = group[b]
                if manages[i][j]:
                    total -= self.w_manager
                if before[i][j]:
                    total -= self.w_repeat
        if self.previous_groups and frozenset(group) in self.previous_groups:
            total -= self.w_same
        return total

    def perfect(self, group: Sequence[int]) -> bool:
        """No penalty and every member covered: no swap can improve this group."""
        for a, i in enumerate(group):
            got = 0
            for b, j in enumerate(group):
                if a != b:
                    if self.manages[i][j] or self.before[i][j]:
                        return False
                    got |= self.cover[i][j]
            if got != self.need[i]:
                return False
        return True

    # ------------------------------------------------------------------ one block

    def solve_block(self, block: list[int], rng: random.Random) -> list[list[int]]:
        sizes = group_sizes(len(block), allow_four=self.options.allow_four)
        if not sizes:
            return []
        best = self._perturb(self._local_search(self._greedy(block, sizes), rng), rng)
        best_score = sum(self.score(g) for g in best)
        if len(block) <= self.options.restart_limit:
            for _ in range(self.options.restarts):
                if all(self.perfect(g) for g in best):
                    break
                shuffled = block[:]
                rng.shuffle(shuffled)
                start, k = [], 0
                for s in sizes:
                    start.append(shuffled[k : k + s])
                    k += s
                candidate = self._perturb(self._local_search(start, rng), rng)
                value = sum(self.score(g) for g in candidate)
                if value > best_score:
                    best, best_score = candidate, value
        return best

    def _perturb(self, groups: list[list[int]], rng: random.Random) -> list[list[int]]:
        """Iterated local search: swap a member of an imperfect group with a random teacher
        elsewhere (and one more random pair), search again, keep the result if it is no worse."""
        if len(groups) < 2:
            return groups
        current, value = groups, sum(self.score(g) for g in groups)
        best, best_value = current, value
        stale = 0
        for _ in range(self.options.kicks):
            stale += 1
            if stale > self.options.patience:
                break
            imperfect = [gi for gi, g in enumerate(current) if not self.perfect(g)]
            if not imperfect:
                break
            trial = [g[:] for g in current]
            for gi in (rng.choice(imperfect), rng.randrange(len(trial))):
                gj = rng.randrange(len(trial) - 1)
                gj += gj >= gi
                a, b = rng.randrange(len(trial[gi])), rng.randrange(len(trial[gj]))
                trial[gi][a], trial[gj][b] = trial[gj][b], trial[gi][a]
            trial = self._local_search(trial, rng)
            trial_value = sum(self.score(g) for g in trial)
            if trial_value >= value:
                current, value = trial, trial_value
                if value > best_value:
                    best, best_value, stale = current, value, 0
        return best

    def _greedy(self, block: list[int], sizes: list[int]) -> list[list[int]]:
        # Hardest first: teachers whom few others can cover.
        coverers = {
            i: sum(1 for j in block if j != i and self.cover[i][j]) if self.need[i] else len(block)
            for i in block
        }
        left = sorted(block, key=lambda i: (coverers[i], i))
        groups = []
        for size in sizes:
            group = [left.pop(0)]
            while len(group) < size:
                best_k, best_value = 0, None
                for k, j in enumerate(left):
                    value = self.score([*group, j])
                    if best_value is None or value > best_value:
                        best_k, best_value = k, value
                group.append(left.pop(best_k))
            groups.append(group)
        return groups

    def _local_search(self, groups: list[list[int]], rng: random.Random) -> list[list[int]]:
        groups = [g[:] for g in groups]
        where = {i: gi for gi, g in enumerate(groups) for i in g}
        scores = [self.score(g) for g in groups]
        improved = True
        passes = 0
        while improved and passes < 50:
            improved = False
            passes += 1
            movers = [i for gi, g in enumerate(groups) if not self.perfect(g) for i in g]
            rng.shuffle(movers)
            for i in movers:
                gi = where[i]
                if self.perfect(groups[gi]):
                    continue
                gi_list = groups[gi]
                pos_i = gi_list.index(i)
                best = None
                for gj, other in enumerate(groups):
                    if gj == gi:
                        continue
                    base = scores[gi] + scores[gj]
                    for pos_j, j in enumerate(other):
                        gi_list[pos_i] = j
                        other[pos_j] = i
                        new_i, new_j = self.score(gi_list), self.score(other)
                        other[pos_j] = j
                        gi_list[pos_i] = i
                        gain = new_i + new_j - base
                        if gain > 0 and (best is None or gain > best[0]):
                            best = (gain, gj, pos_j, new_i, new_j)
                if best is not None:
                    _gain, gj, pos_j, new_i, new_j = best
                    j = groups[gj][pos_j]
                    gi_list[pos_i] = j
                    groups[gj][pos_j] = i
                    where[i], where[j] = gj, gi
                    scores[gi], scores[gj] = new_i, new_j
                    improved = True
        return groups


def _blocks(teachers: Sequence[Teacher], options: Options) -> list[list[int]]:
    keyed: dict[tuple, list[int]] = {}
    for i, t in enumerate(teachers):
        key = (
            t.subject_area if options.same_subject_area else None,
            t.grade_span if options.same_grade_span else None,
        )
        keyed.setdefault(key, []).append(i)
    return [keyed[k] for k in sorted(keyed, key=lambda k: tuple(str(x) for x in k))]


# ----------------------------------------------------------------------------- public API


def propose(
    teachers: Sequence[Teacher],
    options: Options = Options(),
    previous: Iterable[Iterable[TeacherId]] = (),
) -> Result:
    """Group `teachers` (one school) into triads; see the module docstring for the rules."""
    ids = [t.id for t in teachers]
    if len(set(ids)) != len(ids):
        raise ValueError("teacher ids must be unique")
    previous = [tuple(g) for g in previous]
    problem = _Problem(teachers, options, previous)
    rng = random.Random(options.seed)  # noqa: S311 (a seeded search heuristic, nothing secret)
    groups: list[list[int]] = []
    unplaced: list[Unplaced] = []
    for block in _blocks(teachers, options):
        if len(block) < 2:
            unplaced += [Unplaced(teachers[i].id, "alone_in_block") for i in block]
            continue
        for group in problem.solve_block(block, rng):
            # A line-manager pair left only when no arrangement avoids it: the managed teacher
            # leaves the group rather than being placed with their manager.
            kept: list[int] = []
            for i in group:
                if any(problem.manages[i][k] for k in kept):
                    unplaced.append(Unplaced(teachers[i].id, "line_manager"))
                else:
                    kept.append(i)
            if len(kept) >= 2:
                groups.append(kept)
            else:
                unplaced += [Unplaced(teachers[i].id, "line_manager") for i in kept]
    return _result(problem, [[teachers[i].id for i in g] for g in groups], unplaced, ())


def evaluate(
    teachers: Sequence[Teacher],
    groups: Sequence[Sequence[TeacherId]],
    options: Options = Options(),
    previous: Iterable[Iterable[TeacherId]] = (),
) -> Result:
    """Explain and check a given grouping (e.g. a proposal the principal has edited).

    Hard violations: a teacher with their line manager, a group smaller than 2 or larger than 4,
    members of different subject areas / grade spans when required, a teacher in two groups or
    not among `teachers`. Soft ones (repeated pairs, identical previous groups) are reported in
    each group's `repeated_pairs` / `same_as_before`.
    """
    problem = _Problem(teachers, options, [tuple(g) for g in previous])
    violations: list[Violation] = []
    seen: set[TeacherId] = set()
    by_id = {t.id: t for t in teachers}
    for n, group in enumerate(groups):
        unknown = tuple(m for m in group if m not in by_id)
        if unknown:
            violations.append(Violation("unknown", True, unknown, n))
        twice = tuple(m for m in group if m in seen)
        if twice:
            violations.append(Violation("duplicate", True, twice, n))
        seen.update(group)
        members = [by_id[m] for m in group if m in by_id]
        if not 2 <= len(group) <= 4:
            violations.append(Violation("size", True, tuple(group), n))
        for a, b in combinations(members, 2):
            if a.line_manager == b.id or b.line_manager == a.id:
                violations.append(Violation("line_manager", True, (a.id, b.id), n))
        if options.same_subject_area and len({m.subject_area for m in members}) > 1:
            violations.append(Violation("subject_area", True, tuple(group), n))
        if options.same_grade_span and len({m.grade_span for m in members}) > 1:
            violations.append(Violation("grade_span", True, tuple(group), n))
    known = [[m for m in g if m in by_id] for g in groups]
    return _result(problem, known, [], tuple(violations))


def _result(
    problem: _Problem,
    groups: list[list[TeacherId]],
    unplaced: list[Unplaced],
    violations: tuple[Violation, ...],
) -> Result:
    out = []
    covered_total = pairs_total = repeated_total = 0
    for group in groups:
        idx = [problem.index[m] for m in group]
        covers, covered = [], []
        for a, i in zip(group, idx, strict=True):
            weak = problem.weakest[a]
            all_covered = bool(weak)
            for k, d in enumerate(weak):
                partners = tuple(
                    b
                    for b, j in zip(group, idx, strict=True)
                    if j != i and problem.cover[i][j] >> k & 1
                )
                covers.append(Cover(a, d, partners))
                pairs_total += bool(partners)
                all_covered &= bool(partners)
            if all_covered:
                covered.append(a)
        repeated = tuple(
            (a, b)
            for (a, i), (b, j) in combinations(zip(group, idx, strict=True), 2)
            if problem.before[i][j]
        )
        covered_total += len(covered)
        repeated_total += len(repeated)
        out.append(
            Group(
                members=tuple(group),
                covers=tuple(covers),
                covered=tuple(covered),
                repeated_pairs=repeated,
                same_as_before=frozenset(idx) in problem.previous_groups,
            )
        )
    return Result(
        groups=tuple(out),
        unplaced=tuple(unplaced),
        weakest=problem.weakest,
        strong=problem.strong,
        covered=covered_total,
        coverable=sum(1 for t in problem.teachers if problem.weakest[t.id]),
        covered_pairs=pairs_total,
        repeated_pairs=repeated_total,
        violations=violations,
    )

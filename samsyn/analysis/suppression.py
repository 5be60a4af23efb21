"""Small-cell suppression for published count tables.

``suppress(table, min_group=5)`` hides every cell counting fewer than ``min_group`` people
(primary suppression) and then hides as few and as small other cells as it can so that no
hidden cell can be worked out from the published row/column totals and visible cells
(complementary suppression).

Zeros
-----
A zero is never suppressed: it counts nobody, so it is not a small group, and a hidden zero
protects little (a reader who knows which cells are structurally empty can put it back).
Consequently zeros are never chosen as complementary cells either; when a line has no
positive visible cell left, a positive *total* is hidden instead (see below).

The guarantee (and why it holds)
--------------------------------
Write the table with its margins as an (R+1) × (C+1) table: body cells x_rc, row totals T_r,
column totals C_c and the grand total N. Each published number is known; each hidden one is
unknown; every unknown appears in exactly two line equations (its row and its column, where
the margin row/column has the equation "Σ C_c = N" / "Σ T_r = N"). After switching the signs
of the margin equations and margin unknowns, the system is the incidence matrix of a
bipartite graph whose vertices are the R+1 row lines and C+1 column lines and whose edges are
the unknown cells. The null space of an incidence matrix is spanned by its cycles (vectors
that are ±1 alternately around a cycle), so **a hidden cell is determined by the published
numbers if and only if its edge is a bridge** (lies on no cycle). ``suppress`` adds hidden
cells until no hidden body cell is a bridge: for a bridge (r, c) it hides the cheapest path
of visible, positive cells from row line r to column line c that avoids (r, c) itself
(Dijkstra; cells already unknown cost nothing, body cells cost their count, totals cost more
than the whole table so body cells are always preferred), which closes a cycle through
(r, c). Such a path always exists: r → row total T_r → grand total N → column total C_c → c,
and each of these is ≥ x_rc ≥ 1. Adding edges never creates a bridge, so the loop ends.

Every unknown on a cycle is ≥ 1 (zeros are never hidden, totals are hidden only when
positive, and an unpublished total of an all-zero line cannot lie on a cycle), so adding or
subtracting a cycle's ±1 vector keeps the table non-negative and whole: **for every hidden
cell x there are non-negative integer tables that agree with everything published in which
that cell is x − 1 and x + 1.** A reader cannot
derive any hidden count, and cannot even rule out that a small cell is empty. (This is about
what the published numbers imply; a reader who knows a hidden cell's value from elsewhere, or
who knows that hidden primary cells are below ``min_group``, has more information.)

The grand total is assumed known whenever any totals are published (a page usually shows
"n = ..."), which is the cautious choice.

Reference: Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
*JASA* 75, 377-385; Willenborg, L. & de Waal, T. (2001). *Elements of Statistical Disclosure
Control*, ch. 6. Springer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from samsyn.analysis.results import AnalysisError

__all__ = [
    "MIN_GROUP_FLOOR",
    "FilteredViews",
    "Record",
    "SuppressedTable",
    "ViewProtector",
    "filters_of",
    "protect_filtered_views",
    "suppress",
    "view_parts",
]

#: Samsyn never shows a group smaller than this, whatever the configuration says.
MIN_GROUP_FLOOR = 3

Reason = Literal["primary", "complementary"] | None


@dataclass(frozen=True, slots=True)
class SuppressedTable:
    """A count table ready to publish.

    ``values`` holds the counts with ``None`` where hidden; ``reasons`` says per cell why
    (``"primary"``: fewer than ``min_group``; ``"complementary"``: hidden so that a primary
    cell cannot be recovered; ``None``: shown). Totals follow the same convention; a whole
    margin is ``None`` when it was not to be published.
    """

    values: tuple[tuple[int | None, ...], ...]
    reasons: tuple[tuple[Reason, ...], ...]
    row_totals: tuple[int | None, ...] | None
    col_totals: tuple[int | None, ...] | None
    grand_total: int | None
    row_total_reasons: tuple[Reason, ...] | None
    col_total_reasons: tuple[Reason, ...] | None
    grand_total_reason: Reason
    min_group: int

    @property
    def hidden(self) -> np.ndarray:
        """Boolean mask of hidden body cells."""
        return np.array([[r is not None for r in row] for row in self.reasons], dtype=bool)

    @property
    def n_hidden(self) -> int:
        return int(self.hidden.sum())


# Edge states in the augmented table.
_VISIBLE, _HIDDEN, _UNKNOWN = 0, 1, 2


def suppress(
    table: Any, *, min_group: int, row_totals: bool = True, col_totals: bool = True
) -> SuppressedTable:
    """Hide small cells and enough others that no hidden cell can be recovered.

    ``table`` is a 2-D table of non-negative whole counts (people per cell). Cells with
    0 < count < ``min_group`` are primary; zeros are shown (see the module docstring for why
    and for the proof of the guarantee). ``row_totals``/``col_totals`` say which margins will
    be published; both are computed from the table.

    Method: primary suppression, then repeated complementary suppression: while some hidden
    body cell is a bridge of the graph of unknown cells (i.e. derivable), hide the cheapest
    path of positive visible cells that closes a cycle through it (body cells before
    totals). A line with one hidden cell thus gets a second one, and the case the simple
    "two per line" rule misses (two hidden blocks joined by one cell) is caught too.
    Guarantee: every hidden cell can be both one higher and one lower in a non-negative
    integer table consistent with everything published.

    References: Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *JASA* 75, 377-385. Willenborg, L. & de Waal, T. (2001). *Elements of Statistical
    Disclosure Control*, ch. 6. Springer.
    """
    if isinstance(min_group, bool) or not isinstance(min_group, int | np.integer):
        raise AnalysisError(f"min_group must be a whole number, got {min_group!r}.")
    if min_group < MIN_GROUP_FLOOR:
        raise AnalysisError(
            f"min_group must be at least {MIN_GROUP_FLOOR}; got {min_group}. Groups smaller "
            "than that are never shown."
        )
    try:
        t = np.asarray(table, dtype=float)
    except (TypeError, ValueError):
        raise AnalysisError("table must hold whole, non-negative counts.") from None
    if t.ndim != 2 or t.size == 0:
        raise AnalysisError("table must be a non-empty rows × columns table of counts.")
    if not np.isfinite(t).all() or (t < 0).any() or (t != np.round(t)).any():
        raise AnalysisError("table must hold whole, non-negative counts (no missing values).")
    counts = t.astype(np.int64)
    n_rows, n_cols = counts.shape

    # Vertices: rows 0..R-1, the column-totals row R, columns R+1..R+C, the row-totals column
    # R+C+1. Edges: body cells, then row totals, column totals and the grand total.
    rt, ct = n_rows, n_rows + n_cols + 1
    ends: list[tuple[int, int]] = []
    value: list[int] = []
    state: list[int] = []
    for r in range(n_rows):
        for c in range(n_cols):
            ends.append((r, n_rows + 1 + c))
            value.append(int(counts[r, c]))
            state.append(_HIDDEN if 0 < counts[r, c] < min_group else _VISIBLE)
    row_sum = counts.sum(axis=1)
    col_sum = counts.sum(axis=0)
    for r in range(n_rows):
        ends.append((r, ct))
        value.append(int(row_sum[r]))
        state.append(_VISIBLE if row_totals else _UNKNOWN)
    for c in range(n_cols):
        ends.append((rt, n_rows + 1 + c))
        value.append(int(col_sum[c]))
        state.append(_VISIBLE if col_totals else _UNKNOWN)
    ends.append((rt, ct))
    value.append(int(counts.sum()))
    state.append(_VISIBLE if (row_totals or col_totals) else _UNKNOWN)
    primary = [s == _HIDDEN for s in state]
    n_body = n_rows * n_cols
    n_vertices = n_rows + n_cols + 2

    while True:
        bridges = _bridges(n_vertices, ends, state)
        body_bridges = [e for e in sorted(bridges) if e < n_body and state[e] == _HIDDEN]
        if not body_bridges:
            break
        e = body_bridges[0]
        path = _cheapest_path(n_vertices, ends, state, value, n_body, skip=e)
        for f in path:
            state[f] = _HIDDEN

    def reason(f: int) -> Reason:
        if state[f] != _HIDDEN:
            return None
        return "primary" if primary[f] else "complementary"

    def shown(f: int) -> int | None:
        return None if state[f] == _HIDDEN else value[f]

    rows_idx = range(n_body, n_body + n_rows)
    cols_idx = range(n_body + n_rows, n_body + n_rows + n_cols)
    grand = n_body + n_rows + n_cols
    any_totals = row_totals or col_totals
    return SuppressedTable(
        values=tuple(tuple(shown(r * n_cols + c) for c in range(n_cols)) for r in range(n_rows)),
        reasons=tuple(tuple(reason(r * n_cols + c) for c in range(n_cols)) for r in range(n_rows)),
        row_totals=tuple(shown(f) for f in rows_idx) if row_totals else None,
        col_totals=tuple(shown(f) for f in cols_idx) if col_totals else None,
        grand_total=shown(grand) if any_totals else None,
        row_total_reasons=tuple(reason(f) for f in rows_idx) if row_totals else None,
        col_total_reasons=tuple(reason(f) for f in cols_idx) if col_totals else None,
        grand_total_reason=reason(grand) if any_totals else None,
        min_group=int(min_group),
    )


def _adjacency(
    n_vertices: int, ends: list[tuple[int, int]], state: list[int], skip: int = -1
) -> list[list[tuple[int, int]]]:
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n_vertices)]
    for f, (u, v) in enumerate(ends):
        if state[f] != _VISIBLE and f != skip:
            adj[u].append((v, f))
            adj[v].append((u, f))
    return adj


def _bridges(n_vertices: int, ends: list[tuple[int, int]], state: list[int]) -> set[int]:
    """Edges on no cycle of the graph of unknown cells (iterative Tarjan; multi-edge safe)."""
    adj = _adjacency(n_vertices, ends, state)
    order = [-1] * n_vertices
    low = [0] * n_vertices
    found: set[int] = set()
    counter = 0
    for root in range(n_vertices):
        if order[root] != -1:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            vertex, via, it = stack[-1]
            advanced = False
            for nxt, edge in it:
                if edge == via:
                    continue
                if order[nxt] == -1:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, iter(adj[nxt])))
                    advanced = True
                    break
                low[vertex] = min(low[vertex], order[nxt])
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[vertex])
                if low[vertex] > order[parent]:
                    found.add(via)
    return found


def _cheapest_path(
    n_vertices: int,
    ends: list[tuple[int, int]],
    state: list[int],
    value: list[int],
    n_body: int,
    *,
    skip: int,
) -> list[int]:
    """Visible cells to hide so that edge ``skip`` lies on a cycle, as cheaply as possible.

    Dijkstra from one end of ``skip`` to the other without using it: unknown cells cost
    nothing, a visible positive body cell costs its count, a visible total its count plus
    more than the whole table (so body cells are always preferred), zeros are never used.
    Ties go to the lower cell index, so the result is deterministic.
    """
    import heapq

    penalty = sum(value[:n_body]) + 1
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n_vertices)]
    for f, (u, v) in enumerate(ends):
        if f == skip or (state[f] == _VISIBLE and value[f] <= 0):
            continue
        adj[u].append((v, f))
        adj[v].append((u, f))
    source, target = ends[skip]
    best: dict[int, tuple[int, int]] = {source: (0, 0)}
    came: dict[int, tuple[int, int]] = {}
    heap = [(0, 0, source)]
    done: set[int] = set()
    while heap:
        cost, hops, vertex = heapq.heappop(heap)
        if vertex in done:
            continue
        done.add(vertex)
        if vertex == target:
            break
        for nxt, f in sorted(adj[vertex], key=lambda item: item[1]):
            step = 0
            if state[f] == _VISIBLE:
                step = value[f] + (0 if f < n_body else penalty)
            key = (cost + step, hops + 1)
            if nxt not in done and (nxt not in best or key < best[nxt]):
                best[nxt] = key
                came[nxt] = (vertex, f)
                heapq.heappush(heap, (key[0], key[1], nxt))
    if target not in done:  # pragma: no cover - the totals always give a path (see docstring)
        raise AnalysisError("Could not protect the table; publish it without totals.")
    path = []
    vertex = target
    while vertex != source:
        vertex, f = came[vertex]
        if state[f] == _VISIBLE:
            path.append(f)
    return path


# --------------------------------------------------------------------------- overlapping views
#
# The tables above are one published table. A dashboard publishes many overlapping views of the
# same teachers: the whole school, every subject, every grade span, every subject × span, a
# workshop team, the school inside its owner ... Each is safe on its own when it counts at
# least ``min_group`` teachers, but two of them can differ by one teacher ("NO" minus "NO,
# F-3"). ``ViewProtector`` decides which views may be published so that no difference of
# published views, nor any other linear combination of them, rests on fewer than
# ``min_group`` teachers.
#
# Model. A *unit* is one person's contribution to a figure: ``(person, detail)`` (e.g. a
# teacher's ratings in one school, subject and grade span). A *universe* holds the units of one
# kind of figure (the teacher count of a round, the ratings of one dimension in a round ...);
# figures of different universes are different quantities and never combine. A view is, per
# universe, a set of units, and every published figure of the view is a sum over its units.
# Call two units of a universe equivalent when every published view either contains both or
# neither: the classes are the *atoms*. Every published figure is a sum of atom sums, so any
# linear combination of published figures is a combination of atom sums, and nothing finer
# than an atom can be worked out. The invariant kept is therefore:
#
#     every atom (of units covered by some published view) holds at least ``min_group``
#     distinct persons.
#
# In particular the units in which two published views differ (their symmetric difference, a
# union of atoms) are none or belong to at least ``min_group`` persons. Views are offered in
# order of priority (the whole unit first, then one filter, then two ...); one that would split
# an atom into a part with fewer than ``min_group`` persons is refused and the invariant
# holds after every step. ``admits`` asks whether a view is a union of existing atoms (it adds
# nothing), which can be decided per request without changing what else is published.

Unit = tuple[Any, Any]
Part = tuple[Any, frozenset]


class ViewProtector:
    """Greedy complementary suppression for overlapping views (see the comment above)."""

    def __init__(self, *, min_group: int) -> None:
        if isinstance(min_group, bool) or not isinstance(min_group, int | np.integer):
            raise AnalysisError(f"min_group must be a whole number, got {min_group!r}.")
        if min_group < MIN_GROUP_FLOOR:
            raise AnalysisError(f"min_group must be at least {MIN_GROUP_FLOOR}; got {min_group}.")
        self.min_group = int(min_group)
        self._atom: dict[Any, dict[Unit, int]] = {}
        self._units: dict[int, set[Unit]] = {}
        self._persons: dict[int, dict[Any, int]] = {}  # atom → units per person
        self._next = 0

    def _plan(self, parts: list[Part], *, split: bool) -> list | None:
        universes = [u for u, units in parts if units]
        if len(set(universes)) != len(universes):
            raise AnalysisError("A view has at most one set of units per universe.")
        plan = []
        for universe, units in parts:
            if not units:
                continue
            atoms = self._atom.get(universe, {})
            by_atom: dict[int | None, set[Unit]] = {}
            for unit in units:
                by_atom.setdefault(atoms.get(unit), set()).add(unit)
            for atom, inside in by_atom.items():
                if atom is not None and len(inside) == len(self._units[atom]):
                    continue  # the whole atom: nothing new
                if not split:
                    return None
                here: dict[Any, int] = {}
                for person, _detail in inside:
                    here[person] = here.get(person, 0) + 1
                if len(here) < self.min_group:
                    return None
                if atom is not None:
                    # persons left outside: those with more units in the atom than inside
                    counts = self._persons[atom]
                    gone = sum(1 for p, n in here.items() if counts[p] == n)
                    if len(counts) - gone < self.min_group:
                        return None
                plan.append((universe, atom, inside, here))
        return plan

    def offer(self, parts: list[Part]) -> bool:
        """Publish the view (one set of units per universe) if the invariant still holds."""
        plan = self._plan(parts, split=True)
        if plan is None:
            return False
        for universe, atom, inside, here in plan:
            atoms = self._atom.setdefault(universe, {})
            new = self._next
            self._next += 1
            for unit in inside:
                atoms[unit] = new
            self._units[new] = set(inside)
            self._persons[new] = dict(here)
            if atom is not None:
                self._units[atom] -= inside
                counts = self._persons[atom]
                for person, n in here.items():
                    counts[person] -= n
                    if not counts[person]:
                        del counts[person]
        return True

    def admits(self, parts: list[Part]) -> bool:
        """Whether the view is a union of atoms already published (so showing it adds nothing
        that cannot already be worked out, and deciding it changes nothing else)."""
        return self._plan(parts, split=False) is not None

    def atom_of(self, universe: Any, unit: Unit) -> int | None:
        """The atom a unit is in (None: in no published view)."""
        return self._atom.get(universe, {}).get(unit)

    def atoms(self) -> list[tuple[Any, frozenset]]:
        """The atoms (universe, units): for tests and for explaining a decision."""
        out = []
        for universe, atoms in self._atom.items():
            for atom in sorted(set(atoms.values())):
                units = self._units[atom]
                if units:
                    out.append((universe, frozenset(units)))
        return out


@dataclass(frozen=True, slots=True)
class Record:
    """One person's data in one round: ``group`` (the school), ``attrs`` (the filterable
    attributes, e.g. subject and grade span), ``measures`` (e.g. the dimensions rated)."""

    person: Any
    group: Any
    attrs: tuple
    measures: frozenset = frozenset()


#: A filter: one value or ``None`` (any) per attribute.
Filter = tuple


def view_parts(records: list[Record], measure: Any = None) -> list[Part]:
    """The units of a set of records: the persons (teacher counts) and the records (sums), for
    all measures together (``measure=None``) or for the records that carry ``measure``.

    Method: a unit is one teacher at a school (counts) or one teacher's records in one
    school × attribute combination (sums); units of different kinds never combine.

    Reference: Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *JASA* 75, 377–385.
    """
    if measure is not None:
        records = [r for r in records if measure in r.measures]
    return [
        (("persons", measure), frozenset((r.person, r.group) for r in records)),
        (("records", measure), frozenset((r.person, (r.group, r.attrs)) for r in records)),
    ]


def _filter_index(records: list[Record]) -> dict[Filter, list[Record]]:
    """Every filter that selects at least one record, with the records it selects."""
    found: dict[Filter, list[Record]] = {}
    if not records:
        return found
    width = len(records[0].attrs)
    for r in records:
        for mask in range(1 << width):
            chosen = tuple(r.attrs[i] if mask >> i & 1 else None for i in range(width))
            found.setdefault(chosen, []).append(r)
    return found


def _by_priority(index: dict[Filter, list[Record]]) -> list[Filter]:
    def key(chosen: Filter):
        persons = {r.person for r in index[chosen]}
        return (sum(v is not None for v in chosen), -len(persons), repr(chosen))

    return sorted(index, key=key)


def filters_of(records: list[Record]) -> list[Filter]:
    """Every filter that selects at least one record, in order of priority: fewer attributes
    set first, then more persons, then by value (so the order is the same on every request).

    Method: every combination of each record's attribute values with "any" (2^attributes
    filters per record), ordered by the number of attributes set, then the persons selected.

    Reference: Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *JASA* 75, 377–385.
    """
    return _by_priority(_filter_index(records))


@dataclass
class FilteredViews:
    """What may be published of one round: ask ``shows`` / ``shows_measure`` with the records a
    view sums over (any view: a filter, a team, a school inside an area ...)."""

    protector: ViewProtector
    offered: dict = field(default_factory=dict)  # level or team key, filter → published

    def shows(self, picked: list[Record], key: tuple | None = None) -> bool:
        """Whether the view over these records may be shown: it is a union of published atoms
        (so it adds nothing that cannot already be worked out from what is shown). ``key``
        (level, filter) names the view if it was offered: one accepted stays a union of atoms
        (later views only split atoms inside it)."""
        if key is not None and self.offered.get(key):
            return True
        if 0 < len({r.person for r in picked}) < self.protector.min_group:
            return False  # every atom holds at least min_group persons
        return self.protector.admits(view_parts(picked))

    def shows_measure(self, picked: list[Record], measure: Any) -> bool:
        """Whether the view's figures of ``measure`` (a dimension) may be shown: the view is
        shown, and within each of its atoms the records that carry the measure belong to none
        or to at least ``min_group`` persons. Every figure of a measure is then a sum over
        such pieces, each of at least ``min_group`` persons, whichever views are asked for."""
        return self.shows_measures(picked, [measure])[measure]

    def shows_measures(self, picked: list[Record], measures: list[Any]) -> dict[Any, bool]:
        """``shows_measure`` for several measures at once (one pass over the records)."""
        if not self.shows(picked):
            return dict.fromkeys(measures, False)
        bit = {m: 1 << i for i, m in enumerate(measures)}
        masks: dict[frozenset, int] = {}
        per_atom: dict[Any, dict[Any, int]] = {}  # atom → person → measures carried (bits)
        atoms = self.protector._atom.get(("records", None), {})
        for r in picked:
            mask = masks.get(r.measures)
            if mask is None:
                mask = masks[r.measures] = sum(bit[m] for m in r.measures if m in bit)
            persons = per_atom.setdefault(atoms.get((r.person, (r.group, r.attrs))), {})
            persons[r.person] = persons.get(r.person, 0) | mask
        k = self.protector.min_group
        out = dict.fromkeys(measures, True)
        for persons in per_atom.values():
            if len(persons) < k:  # then every measure carried here is carried by fewer
                carried = 0
                for mask in persons.values():
                    carried |= mask
                for m in measures:
                    if carried & bit[m]:
                        out[m] = False
                continue
            for m in measures:
                n = sum(1 for mask in persons.values() if mask & bit[m])
                if 0 < n < k:
                    out[m] = False
        return out


def protect_filtered_views(
    records: list[Record],
    *,
    levels: list[tuple[Any, frozenset]],
    teams: list[tuple[Any, Any, frozenset]] = (),  # type: ignore[assignment]
    min_group: int,
) -> FilteredViews:
    """Decide which views of one round may be published (complementary suppression).

    ``levels``: (key, groups) in order, e.g. each school on its own, then the owner, then the
    region: every filter of every level is offered, level by level, in the order of
    ``filters_of``. ``teams``: (key, group, persons), each offered, unfiltered, right after
    the first level that holds its group (a team is one school's). Because levels come in
    order and a school's units are its own, a school's decisions do not depend on the other
    schools or on higher levels, so a school page and its owner's page agree.

    Guarantee (``ViewProtector``): in both universes (the teachers counted and the records
    summed), every view that ``shows`` is a union of atoms of at least ``min_group`` persons,
    so no shown figure and no difference or other combination of shown figures rests on fewer
    than ``min_group`` persons; ``shows_measure`` keeps that per measure.

    Method: complementary suppression by atoms (see ``ViewProtector``).

    Reference: Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *JASA* 75, 377–385.
    """
    protector = ViewProtector(min_group=min_group)
    result = FilteredViews(protector=protector)
    placed: set = set()
    by_group: dict[Any, list[Record]] = {}
    for r in records:
        by_group.setdefault(r.group, []).append(r)
    for level, groups in levels:
        mine = [r for g in groups for r in by_group.get(g, [])]
        index = _filter_index(mine)
        for chosen in _by_priority(index):
            picked = index[chosen]
            # fewer persons than the limit: refused without building its units
            few = len({r.person for r in picked}) < min_group
            result.offered[(level, chosen)] = not few and protector.offer(view_parts(picked))
        for key, group, persons in teams:
            if key in placed or group not in groups:
                continue
            placed.add(key)
            team = [r for r in by_group.get(group, []) if r.person in persons]
            if team:
                result.offered[(key, None)] = protector.offer(view_parts(team))
    return result

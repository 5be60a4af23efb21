"""The layout of a framework version (its dimensions, steps and criteria as ids), cached.

A published version is frozen: nothing in it changes after publication (drafts are edited, a
published version never goes back to draft). Capture checks every save against the layout,
so the layout of a published version is kept in a small per-process LRU cache, keyed by the
version's id *and* its publication time (an id alone could come back with other content in a
test database whose sequence was rolled back). A draft's layout is read from the database
every time and never cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from samsyn.frameworks.models import Criterion, Dimension, Step


@dataclass(frozen=True)
class Layout:
    """Ids of one framework version; `dimensions` in the version's order."""

    dimensions: tuple[int, ...]
    step_dimension: dict[int, int]
    criterion_dimension: dict[int, int]

    @property
    def dimension_ids(self) -> frozenset[int]:
        return frozenset(self.dimensions)


def _read(version_id: int) -> Layout:
    dimensions = tuple(
        Dimension.objects.filter(version_id=version_id)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
    )
    steps = dict(
        Step.objects.filter(dimension__version_id=version_id).values_list("pk", "dimension_id")
    )
    criteria = dict(
        Criterion.objects.filter(step__dimension__version_id=version_id).values_list(
            "pk", "step__dimension_id"
        )
    )
    return Layout(dimensions, steps, criteria)


@lru_cache(maxsize=64)
def _frozen(version_id: int, published_at: datetime) -> Layout:
    return _read(version_id)


def version_layout(version_id: int, *, published_at: datetime | None) -> Layout:
    """The layout of a version: cached when it is published (`published_at` set), else read."""
    if published_at is None:
        return _read(version_id)
    return _frozen(version_id, published_at)


def cache_info():  # for tests and the profiling script
    return _frozen.cache_info()


def cache_clear() -> None:
    _frozen.cache_clear()

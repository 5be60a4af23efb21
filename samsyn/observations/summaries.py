"""Rating summaries: the counted ratings pre-aggregated for dashboards.

A dashboard over a municipality reads a million ratings; grouping them on every page view
took ~1.8 s. `RatingSummary` keeps, per round × teacher × school × subject × grade span, the
number of lessons, the distinct observers and the number of ratings at each step of each
dimension — about a tenth of the rows, read in one query and decoded with numpy.

Keeping them current (all in the same transaction as the change):
- Saving an observation that is counted (submitted or released) or was when it was loaded
  (reopened), and deleting any observation, marks its (round, teacher) as pending
  (`RatingSummaryPending`, signal receivers connected in `ObservationsConfig.ready`).
- `flush()` recomputes the pending ones from the ratings; dashboards call it before they read
  (one small query when nothing is pending), retention and erasure call it when they finish.
- Bulk writes that bypass model signals (the demo, benchmarks, imports) call `rebuild()`.
- `manage.py rebuild_summaries` recomputes everything, e.g. after a restore from an old backup.

Ratings of a counted observation cannot change (capture refuses edits after submission), so
the observation's own save is the only event to follow.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Case, Count, QuerySet, Value, When
from django.db.models.signals import post_delete, post_save

from samsyn.frameworks.format import MAX_STEPS
from samsyn.frameworks.models import Dimension, Step
from samsyn.observations.models import (
    Observation,
    Rating,
    RatingSummary,
    RatingSummaryPending,
    Round,
)

logger = logging.getLogger(__name__)

STEP_SLOTS = MAX_STEPS
COUNTED = Observation.COUNTED
_CHUNK = 400  # teachers per recomputation query

# --------------------------------------------------------------------------- grade spans

GRADE_SPANS: tuple[tuple[str, str], ...] = (
    ("f3", "F–3"),
    ("46", "4–6"),
    ("79", "7–9"),
    ("upper", "upper"),
    ("other", "other"),
)


def grade_span(grade: str) -> str:
    """The span of a free-text grade ("F", "7", "åk 8", "7B"): f3, 46, 79, upper or other."""
    text = (grade or "").strip().lower()
    if not text:
        return "other"
    if text.startswith(("f", "fk", "förskoleklass")) and not re.search(r"\d", text):
        return "f3"
    match = re.search(r"\d+", text)
    if not match:
        return "other"
    number = int(match.group())
    if number <= 3:
        return "f3"
    if number <= 6:
        return "46"
    if number <= 9:
        return "79"
    return "upper"


def grade_span_expression(grades: Iterable[str], field: str = "grade") -> Case:
    """A SQL CASE giving the span of each of these free-text grades (as `grade_span`)."""
    by_span: dict[str, list[str]] = defaultdict(list)
    for grade in set(grades):
        by_span[grade_span(grade)].append(grade)
    whens = [
        When(**{f"{field}__in": sorted(values)}, then=Value(span))
        for span, values in sorted(by_span.items())
    ]
    return Case(*whens, default=Value("other"))


# --------------------------------------------------------------------------- marking


def mark(pairs: Iterable[tuple[int, int]]) -> None:
    """Mark (round id, teacher id) pairs as pending (idempotent; same transaction)."""
    rows = [RatingSummaryPending(round_pk=r, teacher_pk=t) for r, t in set(pairs)]
    if rows:
        RatingSummaryPending.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def _observation_saved(sender, instance: Observation, **kwargs) -> None:
    """Counted now, or counted when loaded (reopened): drafts' autosaves mark nothing."""
    was = getattr(instance, "loaded_status", None)
    if instance.status in COUNTED or was in COUNTED:
        mark([(instance.round_id, instance.teacher_id)])
    instance.loaded_status = instance.status


def _observation_deleted(sender, instance: Observation, **kwargs) -> None:
    mark([(instance.round_id, instance.teacher_id)])


def connect() -> None:
    """Follow observation saves and deletes (called once from the app config)."""
    post_save.connect(_observation_saved, sender=Observation, dispatch_uid="summary-save")
    post_delete.connect(_observation_deleted, sender=Observation, dispatch_uid="summary-delete")


# --------------------------------------------------------------------------- recomputing


def flush() -> int:
    """Recompute the pending summaries; returns how many (round, teacher) pairs were done.
    One small query when nothing is pending. Concurrent flushes on PostgreSQL take disjoint
    pending rows (SKIP LOCKED)."""
    if not RatingSummaryPending.objects.exists():
        return 0
    return _flush()


@transaction.atomic
def _flush() -> int:
    pending = list(
        RatingSummaryPending.objects.select_for_update(skip_locked=True).values_list(
            "pk", "round_pk", "teacher_pk"
        )
    )
    if not pending:
        return 0
    by_round: dict[int, set[int]] = defaultdict(set)
    for _pk, round_pk, teacher_pk in pending:
        by_round[round_pk].add(teacher_pk)
    versions = dict(Round.objects.filter(pk__in=by_round).values_list("pk", "framework_version_id"))
    for round_pk, teachers in by_round.items():
        ordered = sorted(teachers)
        RatingSummary.objects.filter(round_id=round_pk, teacher_id__in=ordered).delete()
        if round_pk not in versions:
            continue  # the round was deleted after its observations
        layout = _layout(versions[round_pk])
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            _write(
                Observation.objects.filter(
                    round_id=round_pk, teacher_id__in=chunk, status__in=COUNTED
                ),
                round_pk,
                layout,
            )
    RatingSummaryPending.objects.filter(pk__in=[row[0] for row in pending]).delete()
    return len(pending)


@transaction.atomic
def rebuild(*, round_ids: Iterable[int] | None = None) -> int:
    """Recompute every summary (or those of these rounds) from the ratings; returns the
    number of summary rows written."""
    rounds = Round.objects.all() if round_ids is None else Round.objects.filter(pk__in=round_ids)
    written = 0
    for round_pk, version_id in rounds.order_by("pk").values_list("pk", "framework_version_id"):
        layout = _layout(version_id)
        RatingSummary.objects.filter(round_id=round_pk).delete()
        RatingSummaryPending.objects.filter(round_pk=round_pk).delete()
        schools = (
            Observation.objects.filter(round_id=round_pk, status__in=COUNTED)
            .values_list("school_id", flat=True)
            .order_by("school_id")
            .distinct()
        )
        for school_pk in schools:
            written += _write(
                Observation.objects.filter(
                    round_id=round_pk, school_id=school_pk, status__in=COUNTED
                ),
                round_pk,
                layout,
            )
    return written


def _layout(version_id: int) -> tuple[int, dict[int, tuple[int, int]]]:
    """Number of dimensions of the version, and step id → (dimension position, order − 1)."""
    positions = {
        pk: i
        for i, pk in enumerate(
            Dimension.objects.filter(version_id=version_id)
            .order_by("order", "pk")
            .values_list("pk", flat=True)
        )
    }
    steps = {
        pk: (positions[dim], order - 1)
        for pk, dim, order in Step.objects.filter(dimension_id__in=positions).values_list(
            "pk", "dimension_id", "order"
        )
    }
    return len(positions), steps


def _write(
    observations: QuerySet[Observation],
    round_pk: int,
    layout: tuple[int, dict[int, tuple[int, int]]],
) -> int:
    """Summaries of these observations (all of one round, whose version has `layout`),
    written with one bulk insert."""
    n_dims, steps = layout
    grades = observations.values_list("grade", flat=True).order_by().distinct()
    span = grade_span_expression(grades, "grade")
    keys = ("school_id", "teacher_id", "subject", "span")
    lessons: dict[tuple, int] = defaultdict(int)
    observers: dict[tuple, set[int]] = defaultdict(set)
    for row in (
        observations.annotate(span=span)
        .values(*keys, "observer_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = tuple(row[k] for k in keys)
        lessons[key] += row["n"]
        observers[key].add(row["observer_id"])
    counts: dict[tuple, np.ndarray] = {
        key: np.zeros((n_dims, STEP_SLOTS), dtype="<i4") for key in lessons
    }
    rating_span = grade_span_expression(grades, "observation__grade")
    for row in (
        Rating.objects.filter(observation__in=observations, step__isnull=False)
        .annotate(span=rating_span)
        .values(
            "observation__school_id",
            "observation__teacher_id",
            "observation__subject",
            "span",
            "step_id",
        )
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (
            row["observation__school_id"],
            row["observation__teacher_id"],
            row["observation__subject"],
            row["span"],
        )
        where = steps.get(row["step_id"])
        if where is not None and key in counts:
            counts[key][where] += row["n"]
    rows = [
        RatingSummary(
            round_id=round_pk,
            school_id=key[0],
            teacher_id=key[1],
            subject=key[2],
            grade_span=key[3],
            lessons=lessons[key],
            counts=counts[key].tobytes(),
            observers=np.asarray(sorted(observers[key]), dtype="<i8").tobytes(),
        )
        for key in lessons
    ]
    RatingSummary.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --------------------------------------------------------------------------- reading


@dataclass
class SummaryRows:
    """Summary rows as numpy columns; `counts` is rows × len(codes) × STEP_SLOTS, in the order
    of the dimension codes asked for (a dimension a round's version lacks counts zero)."""

    round: np.ndarray
    school: np.ndarray
    teacher: np.ndarray
    subject: np.ndarray  # index into `subjects`
    span: np.ndarray  # index into GRADE_SPANS
    lessons: np.ndarray
    counts: np.ndarray
    observer_ids: np.ndarray  # every row's distinct observers, one after the other
    observer_rows: np.ndarray  # the row each of `observer_ids` belongs to
    subjects: list[str]

    def where(self, mask: np.ndarray) -> SummaryRows:
        """The rows where the boolean `mask` is true."""
        keep = mask[self.observer_rows]
        renumber = np.cumsum(mask) - 1
        return SummaryRows(
            self.round[mask],
            self.school[mask],
            self.teacher[mask],
            self.subject[mask],
            self.span[mask],
            self.lessons[mask],
            self.counts[mask],
            self.observer_ids[keep],
            renumber[self.observer_rows[keep]],
            self.subjects,
        )

    def __len__(self) -> int:
        return int(self.round.size)


SPAN_INDEX = {key: i for i, (key, _label) in enumerate(GRADE_SPANS)}


def load(*, school_ids: list[int], round_ids: list[int], codes: list[str]) -> SummaryRows:
    """The summaries of these schools and rounds (call `flush()` first). A round whose rows do
    not fit its framework version (written before the version changed) is rebuilt first."""
    try:
        return _load(school_ids, round_ids, codes)
    except _Mismatch as mismatch:
        logger.warning(
            "Rating summaries of round %s did not fit its framework version; rebuilt.",
            mismatch.round_pk,
        )
        rebuild(round_ids=[mismatch.round_pk])
        return load(school_ids=school_ids, round_ids=round_ids, codes=codes)


class _Mismatch(Exception):
    def __init__(self, round_pk: int) -> None:
        self.round_pk = round_pk


def _load(school_ids: list[int], round_ids: list[int], codes: list[str]) -> SummaryRows:
    rows = list(
        RatingSummary.objects.filter(school_id__in=school_ids, round_id__in=round_ids)
        .order_by()
        .values_list(
            "round_id",
            "school_id",
            "teacher_id",
            "subject",
            "grade_span",
            "lessons",
            "counts",
            "observers",
        )
    )
    n = len(rows)
    counts = np.zeros((n, len(codes), STEP_SLOTS), dtype=np.int32)
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return SummaryRows(empty, empty, empty, empty, empty, empty, counts, empty, empty, [])
    cols = list(zip(*rows, strict=True))
    round_col = np.asarray(cols[0], dtype=np.int64)
    versions = dict(
        Round.objects.filter(pk__in=set(cols[0])).values_list("pk", "framework_version_id")
    )
    code_pos = {code: i for i, code in enumerate(codes)}
    layouts: dict[int, list[int]] = {}
    for version_id in set(versions.values()):
        layouts[version_id] = [
            code_pos.get(code, -1)
            for code in Dimension.objects.filter(version_id=version_id)
            .order_by("order", "pk")
            .values_list("code", flat=True)
        ]
    blobs = cols[6]
    for round_pk in np.unique(round_col):
        picked = np.flatnonzero(round_col == round_pk)
        target = layouts[versions[int(round_pk)]]
        raw = np.frombuffer(b"".join(bytes(blobs[i]) for i in picked), dtype="<i4")
        if raw.size != picked.size * len(target) * STEP_SLOTS:
            raise _Mismatch(int(round_pk))
        block = raw.reshape(picked.size, len(target), STEP_SLOTS)
        keep = [i for i, pos in enumerate(target) if pos >= 0]
        if keep:
            rows_idx = picked[:, None]
            counts[rows_idx, [target[i] for i in keep]] = block[:, keep]
    subjects = sorted(set(cols[3]))
    subject_index = {s: i for i, s in enumerate(subjects)}
    return SummaryRows(
        round=round_col,
        school=np.asarray(cols[1], dtype=np.int64),
        teacher=np.asarray(cols[2], dtype=np.int64),
        subject=np.asarray([subject_index[s] for s in cols[3]], dtype=np.int64),
        span=np.asarray([SPAN_INDEX.get(s, len(GRADE_SPANS) - 1) for s in cols[4]], dtype=np.int64),
        lessons=np.asarray(cols[5], dtype=np.int64),
        counts=counts,
        observer_ids=np.frombuffer(b"".join(bytes(b) for b in cols[7]), dtype="<i8").astype(
            np.int64
        ),
        observer_rows=np.repeat(np.arange(n, dtype=np.int64), [len(b) // 8 for b in cols[7]]),
        subjects=subjects,
    )

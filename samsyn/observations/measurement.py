"""A round's teaching-quality scale: the partial credit model fitted to its observations.

`compute(round)` fits `samsyn.analysis.rasch.fit_pcm` to the round's submitted and released
lessons (lessons × dimensions, steps 0…K, "not observed" missing), pools each teacher's lessons
into one measure with its standard error, and lists the steps just above each teacher's measure
(the "next steps"). The result is stored per round (`RoundMeasurement`) and recomputed by the
`refresh_round_measurement` task when the round's observations have changed.

A teacher's measure is shown only when its SE is at most `MAX_SE` logits; otherwise we say how
many more observed lessons would make it meaningful.
"""

from __future__ import annotations

import math

import numpy as np
from django.db.models import Count, Max

from samsyn.analysis import rasch
from samsyn.analysis.results import AnalysisError
from samsyn.frameworks.models import Dimension, Step
from samsyn.observations.models import Observation, Rating, Round, RoundMeasurement

MAX_SE = 0.5  # logits; a 95 % interval of about ±1 logit, roughly one step of the scale
DONE = (Observation.Status.SUBMITTED, Observation.Status.RELEASED)
FIT_LOW, FIT_HIGH = 0.7, 1.3  # mean-square range read as productive for measurement


def signature(round_: Round) -> str:
    """Changes whenever a counted observation is added, changed or withdrawn."""
    agg = round_.observations.filter(status__in=DONE).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    return f"{agg['n']}:{agg['last'].isoformat() if agg['last'] else ''}"


def _finite(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else round(x, 4)


def compute(round_: Round) -> dict:
    dimensions = list(
        Dimension.objects.filter(version_id=round_.framework_version_id)
        .annotate(n_steps=Count("steps"))
        .order_by("order")
    )
    column = {d.pk: j for j, d in enumerate(dimensions)}
    orders = dict(
        Step.objects.filter(dimension__version_id=round_.framework_version_id).values_list(
            "pk", "order"
        )
    )
    n_categories = [d.n_steps for d in dimensions]
    lessons = list(
        round_.observations.filter(status__in=DONE).values_list("pk", "teacher_id").order_by("pk")
    )
    row = {pk: i for i, (pk, _t) in enumerate(lessons)}
    X = np.full((len(lessons), len(dimensions)), np.nan)
    for obs_id, dim_id, step_id in Rating.objects.filter(
        observation_id__in=row, step__isnull=False
    ).values_list("observation_id", "dimension_id", "step_id"):
        X[row[obs_id], column[dim_id]] = orders[step_id] - 1
    base = {"signature": signature(round_), "n_lessons": len(lessons), "max_se": MAX_SE}
    try:
        result = rasch.fit_pcm(X, n_categories=n_categories)
    except AnalysisError as error:
        return {**base, "error": str(error)}

    dims_out = []
    for j, d in enumerate(dimensions):
        thresholds = [_finite(t) for t in result.thresholds[j][: max(result.n_steps[j], 0)]]
        infit, outfit = _finite(result.infit[j]), _finite(result.outfit[j])
        flagged = any(v is not None and not FIT_LOW <= v <= FIT_HIGH for v in (infit, outfit))
        dims_out.append(
            {
                "id": d.pk,
                "thresholds": thresholds,
                "step_labels": [list(pair) for pair in result.step_labels[j]],
                "infit": infit,
                "outfit": outfit,
                "fit_n": int(result.fit_n[j]),
                "flagged": flagged,
            }
        )
    by_teacher: dict[int, list[int]] = {}
    for i, (_pk, teacher_id) in enumerate(lessons):
        by_teacher.setdefault(teacher_id, []).append(i)
    teachers = {}
    for teacher_id, rows in by_teacher.items():
        try:
            measure, se = rasch.estimate_measure(result, X[rows])
        except AnalysisError:
            continue
        needed = 0
        if se > MAX_SE:
            try:
                needed = rasch.observations_needed(
                    MAX_SE, result=result, measure=measure, current_se=se
                )
            except AnalysisError:
                needed = 0
        next_steps = [
            {
                "dimension_id": dimensions[s.dimension].pk,
                "step_order": int(s.step_label[1]) + 1,
                "probability": round(s.probability, 3),
            }
            for s in rasch.next_steps(result, measure, limit=3)
        ]
        teachers[str(teacher_id)] = {
            "measure": _finite(measure),
            "se": _finite(se),
            "lessons": len(rows),
            "needed": int(needed),
            "next_steps": next_steps,
        }
    return {
        **base,
        "n_ratings": int(result.n_ratings),
        "dimensions": dims_out,
        "teachers": teachers,
        "reliability": _finite(result.separation_reliability),
        "notes": list(result.notes),
    }


def refresh(round_: Round) -> RoundMeasurement:
    data = compute(round_)
    measurement, _created = RoundMeasurement.objects.update_or_create(
        round=round_, defaults={"data": data, "signature": data["signature"]}
    )
    return measurement


def current(round_: Round) -> tuple[RoundMeasurement | None, bool]:
    """The stored fit and whether it is up to date; a stale or missing one is queued."""
    from samsyn.observations.tasks import refresh_round_measurement

    stored = RoundMeasurement.objects.filter(round=round_).first()
    fresh = stored is not None and stored.signature == signature(round_)
    if not fresh:
        refresh_round_measurement.enqueue(round_.pk)  # inline by default; a worker otherwise
        stored = RoundMeasurement.objects.filter(round=round_).first()
        fresh = stored is not None and stored.signature == signature(round_)
    return stored, fresh


def item_map(data: dict, dimensions: list[Dimension], width: int = 640) -> dict:
    """Positions for the item map: thresholds and teachers on one logit axis."""
    points = [t for d in data.get("dimensions", []) for t in d["thresholds"] if t is not None]
    measures = [t["measure"] for t in data.get("teachers", {}).values() if t["measure"] is not None]
    values = points + measures or [0.0]
    lo, hi = math.floor(min(values)) - 0.5, math.ceil(max(values)) + 0.5
    scale = lambda v: round(20 + (v - lo) / (hi - lo) * (width - 40), 1)  # noqa: E731
    names = {d.pk: d for d in dimensions}
    rows = []
    for i, d in enumerate(data.get("dimensions", [])):
        rows.append(
            {
                "y": 95 + 26 * i,
                "dimension": names.get(d["id"]),
                "marks": [
                    {"x": scale(t), "label": f"{pair[1] + 1}", "value": t}
                    for t, pair in zip(d["thresholds"], d["step_labels"], strict=False)
                    if t is not None
                ],
                **d,
            }
        )
    bins: dict[float, int] = {}
    for m in measures:
        key = math.floor(m * 2) / 2
        bins[key] = bins.get(key, 0) + 1
    top = max(bins.values(), default=1)
    histogram = [
        {
            "x": scale(k),
            "w": round(scale(k + 0.5) - scale(k) - 1, 1),
            "h": round(60 * n / top, 1),
            "n": n,
        }
        for k, n in sorted(bins.items())
    ]
    ticks = [{"x": scale(v), "label": str(v)} for v in range(int(lo + 0.5), int(hi) + 1)]
    axis_y = 95 + 26 * len(rows)
    return {
        "rows": rows,
        "histogram": [{**bar, "y": round(70 - bar["h"], 1)} for bar in histogram],
        "ticks": ticks,
        "width": width,
        "axis_y": axis_y,
        "height": axis_y + 20,
    }

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
from django.utils.translation import gettext_lazy as _

from samsyn.analysis import gtheory, rasch
from samsyn.analysis.results import AnalysisError
from samsyn.frameworks.models import Dimension, Step
from samsyn.observations import readable
from samsyn.observations.models import Observation, Rating, Round, RoundMeasurement

MAX_SE = 0.5  # logits; a 95 % interval of about ±1 logit, roughly one step of the scale
DONE = Observation.COUNTED
FIT_LOW, FIT_HIGH = 0.7, 1.3  # mean-square range read as productive for measurement
FORMAT = "2"  # 2: notes stored as codes (samsyn.observations.readable.structured_notes)


def signature(round_: Round) -> str:
    """Changes whenever a counted observation is added, changed or withdrawn."""
    agg = round_.observations.filter(status__in=DONE).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    # FORMAT changes when the stored data change shape, so older results are recomputed.
    return f"{FORMAT}:{agg['n']}:{agg['last'].isoformat() if agg['last'] else ''}"


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
        # The fit's notes as codes, put in the reader's language on the page.
        "notes": readable.structured_notes(result, [d.pk for d in dimensions], n_categories),
        "planning": planning(round_, X, lessons),
    }


PLANNING_TARGET = 0.70  # a common threshold for decisions about one teacher's development
PLANNING_VISITS = (1, 2, 3, 4, 6)


def planning(round_: Round, X: np.ndarray, lessons: list[tuple[int, int]]) -> dict:
    """Reliability planning: variance components of a lesson's mean step (teacher, lesson
    within teacher, observer) and the projected reliability of a teacher's mean over n visits,
    by the same observer or by a different observer each time (G and D study)."""
    meta = {
        pk: (teacher, observer, day, subject.lower())
        for pk, teacher, observer, day, subject in round_.observations.filter(
            pk__in=[pk for pk, _t in lessons]
        ).values_list("pk", "teacher_id", "observer_id", "observed_on", "subject")
    }
    with np.errstate(invalid="ignore"):
        score = np.nanmean(X, axis=1) + 1 if X.size else np.array([])
    keep = [i for i, (pk, _t) in enumerate(lessons) if np.isfinite(score[i])]
    teachers = [meta[lessons[i][0]][0] for i in keep]
    observers = [meta[lessons[i][0]][1] for i in keep]
    # A lesson: one teacher's lesson on one day in one subject (double observations share it);
    # an observation without a date is a lesson of its own.
    lesson_keys = [
        f"{meta[pk][0]}/{meta[pk][2]}/{meta[pk][3]}" if meta[pk][2] else f"#{pk}"
        for pk in (lessons[i][0] for i in keep)
    ]
    per_teacher: dict[int, int] = {}
    for t in teachers:
        per_teacher[t] = per_teacher.get(t, 0) + 1
    if len(set(observers)) < 2 or sum(1 for n in per_teacher.values() if n > 1) < 2:
        return {"error": "too_little"}
    try:
        g = gtheory.gstudy(
            score[keep],
            {"teacher": teachers, "lesson": lesson_keys, "observer": observers},
            nested={"lesson": "teacher"},
        )
        rows = []
        for n in PLANNING_VISITS:
            same = gtheory.dstudy(g, {"lesson": n, "observer": 1}, confidence=0.95)
            spread = gtheory.dstudy(
                g, {"lesson": n, "observer": 1}, nested={"observer": "lesson"}, confidence=0.95
            )
            rows.append(
                {
                    "visits": n,
                    "same": _coefficient(same),
                    "different": _coefficient(spread),
                }
            )
    except AnalysisError:
        return {"error": "not_estimable"}
    return {
        "method": g.method,
        "target": PLANNING_TARGET,
        "components": [
            {"name": c.name, "estimate": _finite(c.estimate), "se": _finite(c.se or float("nan"))}
            for c in g.components
        ],
        "rows": rows,
    }


COMPONENT_LABELS = {
    "teacher": _("Between teachers"),
    "lesson:teacher": _("Between one teacher's lessons"),
    "observer": _("Between observers (severity)"),
    "teacher x observer": _("Observer and teacher in combination"),
    "lesson x observer:teacher": _("Observer and lesson in combination, and the rest"),
    "residual": _("The rest"),
}


def planning_components(plan: dict | None) -> list[dict]:
    """The stored components with readable names, for the page."""
    if not plan or plan.get("error"):
        return []
    return [{**c, "label": COMPONENT_LABELS.get(c["name"], c["name"])} for c in plan["components"]]


def _coefficient(d: gtheory.DStudyResult) -> dict:
    low, high = d.g_interval if d.g_interval else (float("nan"), float("nan"))
    return {"value": _finite(d.g_coefficient), "low": _finite(low), "high": _finite(high)}


def refresh(round_: Round) -> RoundMeasurement:
    data = compute(round_)
    measurement, _created = RoundMeasurement.objects.update_or_create(
        round=round_, defaults={"data": data, "signature": data["signature"]}
    )
    return measurement


def current(round_: Round) -> tuple[RoundMeasurement | None, bool]:
    """The stored fit and whether it is up to date; a stale or missing one is queued."""
    from samsyn.observations.tasks import refresh_round_measurement

    if round_.is_peer:
        return None, True  # peer observations (triads) are never measured
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
    ticks = [
        {"x": scale(v), "label": str(v).replace("-", "\u2212")}
        for v in range(int(lo + 0.5), int(hi) + 1)
    ]
    axis_y = 95 + 26 * len(rows)
    return {
        "rows": rows,
        "histogram": [{**bar, "y": round(70 - bar["h"], 1)} for bar in histogram],
        "ticks": ticks,
        "width": width,
        "axis_y": axis_y,
        "height": axis_y + 20,
    }

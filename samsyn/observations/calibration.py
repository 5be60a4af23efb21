"""Calibration and reliability: how well observers agree, with the n behind every number.

Two sources:
- **double observations** in a round: two observers rated the same lesson (same teacher, date
  and subject). Per round we report exact and adjacent agreement, quadratic-weighted kappa and
  Krippendorff's ordinal alpha over all dimension ratings of those pairs;
- **calibration exercises**: every observer rates the same described or filmed lesson; each
  observer is compared with the reference rating (exact, adjacent, mean difference = leniency
  when positive, severity when negative).

The statistics come from `samsyn.analysis.agreement`; weights are defined over the framework's
full step range (a step nobody used still counts).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from django.db import transaction
from django.utils.translation import gettext_lazy

from samsyn.accounts.models import User
from samsyn.analysis import agreement
from samsyn.analysis.results import AnalysisError
from samsyn.frameworks.models import Dimension, Step
from samsyn.observations.models import (
    CalibrationExercise,
    CalibrationResponse,
    Observation,
    Rating,
    Round,
)
from samsyn.observations.readable import explain_error

ERR_INCOMPLETE = gettext_lazy('Answer every dimension: a step, or "not observed".')


@dataclass
class Figure:
    """One agreement figure for display: estimate, interval and n, or why it is missing."""

    estimate: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    reason: str = ""


def _figure(func, *args, **kwargs) -> Figure:
    try:
        result = func(*args, **kwargs)
    except AnalysisError as error:
        return Figure(None, reason=explain_error(error))  # never the English message
    clean = lambda x: None if x is None or (isinstance(x, float) and math.isnan(x)) else x  # noqa: E731
    return Figure(clean(result.estimate), clean(result.ci_low), clean(result.ci_high), result.n)


def _step_orders(version_id: int) -> dict[int, int]:
    return dict(Step.objects.filter(dimension__version_id=version_id).values_list("pk", "order"))


def _max_steps(version_id: int) -> int:
    counts = defaultdict(int)
    for dim_id in Step.objects.filter(dimension__version_id=version_id).values_list(
        "dimension_id", flat=True
    ):
        counts[dim_id] += 1
    return max(counts.values(), default=4)


def agreement_figures(a: list[int], b: list[int], steps: int) -> dict[str, Figure]:
    """Exact, adjacent, quadratic-weighted kappa and ordinal alpha for paired step orders."""
    categories = list(range(1, steps + 1))
    figures = {
        "exact": _figure(agreement.percent_agreement, a, b, tolerance=0),
        "adjacent": _figure(agreement.percent_agreement, a, b, tolerance=1),
        "kappa": _figure(agreement.cohen_kappa, a, b, weights="quadratic", categories=categories),
    }
    if a:
        data = np.array([a, b], dtype=float)
        figures["alpha"] = _figure(
            agreement.krippendorff_alpha, data, level="ordinal", n_boot=500, seed=1
        )
    else:
        figures["alpha"] = Figure(None, reason=str(gettext_lazy("No pairs yet.")))
    return figures


def round_pairs(round_: Round) -> tuple[list[int], list[int], int]:
    """Paired step orders from the round's double observations, and how many lessons."""
    done = Observation.COUNTED
    lessons: dict[tuple, list[int]] = defaultdict(list)
    for obs in round_.observations.filter(status__in=done).values(
        "pk", "teacher_id", "observed_on", "subject", "observer_id"
    ):
        lessons[(obs["teacher_id"], obs["observed_on"], obs["subject"].lower())].append(obs["pk"])
    doubles = [ids for ids in lessons.values() if len(ids) > 1]
    ids = [pk for group in doubles for pk in group]
    orders = _step_orders(round_.framework_version_id)
    ratings: dict[int, dict[int, int]] = defaultdict(dict)
    for obs_id, dim_id, step_id in Rating.objects.filter(
        observation_id__in=ids, step__isnull=False
    ).values_list("observation_id", "dimension_id", "step_id"):
        ratings[obs_id][dim_id] = orders[step_id]
    a: list[int] = []
    b: list[int] = []
    for group in doubles:
        for first, second in combinations(group, 2):
            for dim_id, step in ratings[first].items():
                if dim_id in ratings[second]:
                    a.append(step)
                    b.append(ratings[second][dim_id])
    return a, b, len(doubles)


def round_reliability(round_: Round) -> dict:
    a, b, lessons = round_pairs(round_)
    return {
        "lessons": lessons,
        "pairs": len(a),
        "figures": agreement_figures(a, b, _max_steps(round_.framework_version_id)),
    }


# ----------------------------------------------------------------------------- exercises


def _clean_ratings(exercise: CalibrationExercise, ratings: dict) -> dict[str, int | None]:
    from django.core.exceptions import ValidationError

    steps = dict(
        Step.objects.filter(dimension__version_id=exercise.framework_version_id).values_list(
            "pk", "dimension_id"
        )
    )
    dimensions = set(
        Dimension.objects.filter(version_id=exercise.framework_version_id).values_list(
            "pk", flat=True
        )
    )
    clean: dict[str, int | None] = {}
    for dim_id in dimensions:
        value = ratings.get(dim_id, ratings.get(str(dim_id), "missing"))
        if value == "missing":
            raise ValidationError(ERR_INCOMPLETE)
        if value is not None and steps.get(value) != dim_id:
            raise ValidationError(ERR_INCOMPLETE)
        clean[str(dim_id)] = value
    return clean


@transaction.atomic
def exercise_create(
    *,
    actor: User,
    organisation,
    framework_version,
    title: str,
    lesson_description: str,
    video_url: str,
    reference: dict,
) -> CalibrationExercise:
    exercise = CalibrationExercise(
        organisation=organisation,
        framework_version=framework_version,
        title=title.strip(),
        lesson_description=lesson_description.strip(),
        video_url=video_url.strip(),
        created_by=actor,
    )
    exercise.reference = _clean_ratings(exercise, reference)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def response_save(
    *, exercise: CalibrationExercise, observer: User, ratings: dict
) -> CalibrationResponse:
    clean = _clean_ratings(exercise, ratings)
    response, _created = CalibrationResponse.objects.update_or_create(
        exercise=exercise, observer=observer, defaults={"ratings": clean}
    )
    return response


@dataclass
class ObserverResult:
    observer: User
    n: int
    exact: Figure
    adjacent: Figure
    difference: float | None  # mean (observer − reference) in steps: + lenient, − severe
    per_dimension: list[tuple[Dimension, int | None, int | None]]


def exercise_results(exercise: CalibrationExercise, *, only: User | None = None) -> dict:
    orders = _step_orders(exercise.framework_version_id)
    dimensions = list(
        Dimension.objects.filter(version_id=exercise.framework_version_id).order_by("order")
    )
    reference = {int(k): (orders.get(v) if v else None) for k, v in exercise.reference.items()}
    responses = exercise.responses.select_related("observer").order_by("observer__full_name")
    if only is not None:
        responses = responses.filter(observer=only)
    results = []
    all_obs: list[int] = []
    all_ref: list[int] = []
    for response in responses:
        mine = {int(k): (orders.get(v) if v else None) for k, v in response.ratings.items()}
        a, b = [], []
        rows = []
        for dim in dimensions:
            got, want = mine.get(dim.pk), reference.get(dim.pk)
            rows.append((dim, got, want))
            if got is not None and want is not None:
                a.append(got)
                b.append(want)
        all_obs += a
        all_ref += b
        results.append(
            ObserverResult(
                observer=response.observer,
                n=len(a),
                exact=_figure(agreement.percent_agreement, a, b, tolerance=0),
                adjacent=_figure(agreement.percent_agreement, a, b, tolerance=1),
                difference=(sum(a) - sum(b)) / len(a) if a else None,
                per_dimension=rows,
            )
        )
    steps = _max_steps(exercise.framework_version_id)
    overall = agreement_figures(all_obs, all_ref, steps) if only is None else {}
    return {"observers": results, "overall": overall, "answers": len(results)}

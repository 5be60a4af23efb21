"""Observer severity in a round: the many-facet Rasch model (teacher × dimension × observer).

`round_severity(round)` fits `samsyn.analysis.facets.fit_facets` to the round's counted
ratings (steps 0…K, "not observed" left out) and returns each observer's severity (logits,
mean 0 over the round's observers; positive = harsher than the average observer) with its
standard error, and per dimension the mean step as rated and as an observer of average severity
would have rated the same teachers (severity-adjusted). The fit needs observers linked through
shared teachers; otherwise it says so and shows nothing.

Who sees what (selectors below): an observer their own severity only; the round leader
(Perm.MANAGE_ROUNDS for the round's organiser) every observer's. Nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count

from samsyn.analysis.facets import fit_facets
from samsyn.analysis.results import AnalysisError
from samsyn.frameworks.models import Dimension, Step
from samsyn.observations.models import Observation, Rating, Round


@dataclass
class ObserverSeverity:
    observer_id: int
    severity: float
    se: float
    ratings: int
    raw_mean: float | None = None  # mean step (1…) of the observer's ratings, as given
    adjusted_mean: float | None = None  # the same ratings, severity-adjusted

    @property
    def low(self) -> float:
        return self.severity - 1.96 * self.se

    @property
    def high(self) -> float:
        return self.severity + 1.96 * self.se

    @property
    def reading(self) -> str:
        """'harsher', 'milder' or 'typical': whether the 95 % interval excludes 0."""
        if self.low > 0:
            return "harsher"
        if self.high < 0:
            return "milder"
        return "typical"


@dataclass
class RoundSeverity:
    observers: list[ObserverSeverity] = field(default_factory=list)
    adjusted: list[dict] = field(default_factory=list)  # per dimension: raw and adjusted mean
    error: str = ""
    n_ratings: int = 0


def _ratings(round_: Round):
    dims = list(
        Dimension.objects.filter(version_id=round_.framework_version_id)
        .annotate(n_steps=Count("steps"))
        .order_by("order")
    )
    column = {d.pk: j for j, d in enumerate(dims)}
    orders = dict(
        Step.objects.filter(dimension__version_id=round_.framework_version_id).values_list(
            "pk", "order"
        )
    )
    rows = Rating.objects.filter(
        observation__round=round_,
        observation__status__in=Observation.COUNTED,
        step__isnull=False,
    ).values_list("observation__teacher_id", "observation__observer_id", "dimension_id", "step_id")
    t, o, d, x = [], [], [], []
    for teacher, observer, dim, step in rows:
        t.append(teacher)
        o.append(observer)
        d.append(column[dim])
        x.append(orders[step] - 1)
    return dims, np.array(t), np.array(o), np.array(d, dtype=int), np.array(x, dtype=float)


def compute(round_: Round) -> RoundSeverity:
    """Fitted on every request: a round's ratings are few (a fit takes milliseconds)."""
    return _compute(round_)


def _compute(round_: Round) -> RoundSeverity:
    dims, t, o, d, x = _ratings(round_)
    if x.size == 0:
        return RoundSeverity(error="no_ratings")
    try:
        fit = fit_facets(x, t, o, d, n_categories=[d_.n_steps for d_ in dims])
    except AnalysisError as error:
        return RoundSeverity(error=str(error), n_ratings=int(x.size))
    observers = [
        ObserverSeverity(int(obs), float(s), float(se), int(n))
        for obs, s, se, n in zip(
            fit.observers, fit.severity, fit.severity_se, fit.observer_n, strict=True
        )
    ]
    # severity-adjusted mean step per dimension: each rating's expected step from an observer
    # of average severity (0) minus that from its own observer, added to the rating
    person = {p: i for i, p in enumerate(fit.persons)}
    obs_index = {p: i for i, p in enumerate(fit.observers)}
    theta = fit.person_measures[[person[v] for v in t]]
    sev = fit.severity[[obs_index[v] for v in o]]
    adjusted = []
    shift = np.zeros(x.size)
    for j, dim in enumerate(dims):
        m = (d == j) & np.isfinite(theta)
        if not m.any() or fit.n_steps[j] == 0:
            continue
        labels = fit.step_labels[j]
        steps = np.array([labels[0][0]] + [b for _a, b in labels], dtype=float)
        thr = fit.thresholds[j, : fit.n_steps[j]]
        e_own = _mean_step(theta[m] - sev[m], thr, steps)
        e_avg = _mean_step(theta[m], thr, steps)
        shift[m] = e_avg - e_own
        adjusted.append(
            {
                "dimension": dim,
                "raw": float(x[m].mean() + 1),
                "adjusted": float((x[m] + e_avg - e_own).mean() + 1),
                "n": int(m.sum()),
            }
        )
    used = np.isfinite(theta) & np.isin(d, [j for j in range(len(dims)) if fit.n_steps[j]])
    for row in observers:
        m = used & (o == row.observer_id)
        if m.any():
            row.raw_mean = float(x[m].mean() + 1)
            row.adjusted_mean = float((x[m] + shift[m]).mean() + 1)
    return RoundSeverity(observers=observers, adjusted=adjusted, n_ratings=int(x.size))


def _mean_step(eta: np.ndarray, thresholds: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Expected original step index (0-based) for each η under the PCM with `thresholds`."""
    beta = np.concatenate([[0.0], -np.cumsum(thresholds)])
    k = np.arange(thresholds.size + 1, dtype=float)
    z = eta[:, None] * k[None, :] + beta[None, :]
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    return p @ steps

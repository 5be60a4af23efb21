"""Observer certification against the vignette bank, and re-certification on drift.

The bank (`data/vignettes.json`, written for Samsyn) holds lesson vignettes in Swedish with
reference ratings on the open default framework; `bank_install` makes them calibration
exercises of an organisation, answered on the ordinary calibration pages. An observer who has
answered every vignette may certify: over all (vignette, dimension) ratings, the share within
one step of the reference must reach `SAMSYN_CERTIFY_WITHIN_ONE` (.80) and the exact share
`SAMSYN_CERTIFY_EXACT` (.60); "not observed" where the reference has a step counts as a miss.

Drift: after certifying, the observer's double observations in rounds are compared with their
partner's ratings round by round; when a round has at least `DRIFT_MIN_PAIRS` paired ratings and
agreement falls below either threshold, the observer is asked to re-certify.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from django.conf import settings
from django.db import transaction

from samsyn.accounts.models import User
from samsyn.frameworks.models import FrameworkVersion
from samsyn.observations import calibration
from samsyn.observations.models import CalibrationExercise, Observation, Rating, Round
from samsyn.observations.selectors import calibrations_for_user
from samsyn.reliability.models import BankExercise, Certification

BANK_FILE = Path(__file__).parent / "data" / "vignettes.json"
DRIFT_MIN_PAIRS = 10

ERR_INCOMPLETE = "Answer every vignette of the bank before certifying."


def load_bank() -> dict:
    return json.loads(BANK_FILE.read_text(encoding="utf-8"))


def thresholds() -> tuple[float, float]:
    """(within one step, exact)."""
    return (
        float(getattr(settings, "SAMSYN_CERTIFY_WITHIN_ONE", 0.80)),
        float(getattr(settings, "SAMSYN_CERTIFY_EXACT", 0.60)),
    )


@transaction.atomic
def bank_install(
    *, actor: User | None, organisation, framework_version: FrameworkVersion
) -> list[CalibrationExercise]:
    """Install the bank's vignettes as the organisation's calibration exercises (once)."""
    bank = load_bank()
    dims = {d.order: d for d in framework_version.dimensions.prefetch_related("steps")}
    have = set(
        BankExercise.objects.filter(
            exercise__organisation=organisation, exercise__framework_version=framework_version
        ).values_list("key", flat=True)
    )
    made = []
    for v in bank["vignettes"]:
        if v["key"] in have:
            continue
        reference = {
            dims[int(order)].pk: next(s.pk for s in dims[int(order)].steps.all() if s.order == step)
            for order, step in v["reference"].items()
        }
        exercise = calibration.exercise_create(
            actor=actor,
            organisation=organisation,
            framework_version=framework_version,
            title=v["title"],
            lesson_description=v["lesson_description"],
            video_url="",
            reference=reference,
        )
        BankExercise.objects.create(exercise=exercise, key=v["key"])
        made.append(exercise)
    return made


def bank_exercises(observer: User) -> list[CalibrationExercise]:
    """The bank's exercises the observer may answer (one per vignette key)."""
    seen: dict[str, CalibrationExercise] = {}
    ids = {e.pk: e for e in calibrations_for_user(user=observer)}
    for entry in BankExercise.objects.filter(exercise_id__in=ids).order_by("key", "pk"):
        seen.setdefault(entry.key, ids[entry.exercise_id])
    return [seen[k] for k in sorted(seen)]


@dataclass
class Score:
    answered: int
    total: int
    n: int = 0
    exact: float | None = None
    within_one: float | None = None
    differences: list[dict] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered == self.total

    @property
    def passes(self) -> bool:
        within, exact = thresholds()
        return (
            self.complete
            and self.within_one is not None
            and self.within_one >= within
            and self.exact >= exact
        )


def score(observer: User) -> Score:
    """Agreement with the reference over the answered vignettes, and where they differ."""
    exercises = bank_exercises(observer)
    responses = {
        r.exercise_id: r for r in observer.calibration_responses.filter(exercise__in=exercises)
    }
    s = Score(answered=len(responses), total=len(exercises))
    hits = exact = 0
    versions: dict[int, tuple[dict, dict]] = {}
    for e in exercises:
        response = responses.get(e.pk)
        if response is None:
            continue
        if e.framework_version_id not in versions:  # the bank's exercises share one version
            dims_ = {str(d.pk): d for d in e.framework_version.dimensions.prefetch_related("steps")}
            versions[e.framework_version_id] = (
                dims_,
                {st.pk: st.order for d in dims_.values() for st in d.steps.all()},
            )
        dims, orders = versions[e.framework_version_id]
        for dim_id, ref_step in e.reference.items():
            if ref_step is None:
                continue
            mine = response.ratings.get(dim_id)
            ref_order = orders[ref_step]
            my_order = orders.get(mine) if mine else None
            s.n += 1
            if my_order == ref_order:
                exact += 1
            if my_order is not None and abs(my_order - ref_order) <= 1:
                hits += 1
            if my_order != ref_order:
                s.differences.append(
                    {
                        "exercise": e,
                        "dimension": dims[dim_id],
                        "mine": my_order,
                        "reference": ref_order,
                    }
                )
    if s.n:
        s.exact, s.within_one = exact / s.n, hits / s.n
    return s


class CertificationError(ValueError):
    pass


@transaction.atomic
def certify(*, observer: User) -> Certification:
    """Record an attempt; it passes when both thresholds are reached over the whole bank."""
    s = score(observer)
    if not s.complete:
        raise CertificationError(ERR_INCOMPLETE)
    version = bank_exercises(observer)[0].framework_version
    return Certification.objects.create(
        observer=observer,
        framework_version=version,
        passed=s.passes,
        exact=s.exact,
        within_one=s.within_one,
        n=s.n,
    )


def round_agreement(observer: User, round_: Round) -> tuple[int, float, float] | None:
    """(paired ratings, exact share, within-one share) of the observer's double observations
    in the round against their partners; None without any."""
    lessons: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for pk, teacher, day, subject, who in round_.observations.filter(
        status__in=Observation.COUNTED
    ).values_list("pk", "teacher_id", "observed_on", "subject", "observer_id"):
        lessons[(teacher, day, subject.lower())].append((pk, who))
    pairs = [
        (a, b)
        for group in lessons.values()
        for a, b in combinations(group, 2)
        if observer.pk in (a[1], b[1]) and a[1] != b[1]
    ]
    if not pairs:
        return None
    ids = {x[0] for pair in pairs for x in pair}
    steps: dict[int, dict[int, int]] = defaultdict(dict)
    for obs_id, dim_id, order in Rating.objects.filter(
        observation_id__in=ids, step__isnull=False
    ).values_list("observation_id", "dimension_id", "step__order"):
        steps[obs_id][dim_id] = order
    n = exact = within = 0
    for a, b in pairs:
        for dim_id, step in steps[a[0]].items():
            if dim_id in steps[b[0]]:
                n += 1
                diff = abs(step - steps[b[0]][dim_id])
                exact += diff == 0
                within += diff <= 1
    return (n, exact / n, within / n) if n else None


@dataclass
class Status:
    state: str  # "certified", "recertify", "failed", "none"
    latest: Certification | None
    drift: list[dict]


def status(observer: User) -> Status:
    latest = observer.certifications.first()
    if latest is None:
        return Status("none", None, [])
    if not latest.passed:
        return Status("failed", latest, [])
    within_t, exact_t = thresholds()
    drift = []
    rounds = Round.objects.filter(
        is_peer=False,
        observations__observer=observer,
        observations__status__in=Observation.COUNTED,
        observations__updated_at__gt=latest.created_at,
    ).distinct()
    for round_ in rounds:
        agreement = round_agreement(observer, round_)
        if agreement is None:
            continue
        n, exact, within = agreement
        if n >= DRIFT_MIN_PAIRS and (within < within_t or exact < exact_t):
            drift.append({"round": round_, "n": n, "exact": exact, "within_one": within})
    return Status("recertify" if drift else "certified", latest, drift)

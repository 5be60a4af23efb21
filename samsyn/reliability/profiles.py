"""How reliable one teacher's profile is: the round's G study projected to their own visits.

`for_teacher(teacher)` gives, per measured round with counted visits of the teacher, the
projected reliability of their profile (`samsyn.analysis.profile`) with its interval and, when
it is below the target, the fewest further visits (and other observers) reaching it.
`comparison_gate(round)` says whether pages that compare teachers may be offered: every
measured teacher's profile must reach `settings.SAMSYN_MIN_PROFILE_RELIABILITY` (.70).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.accounts.models import User
from samsyn.analysis import profile
from samsyn.analysis.results import AnalysisError
from samsyn.observations.models import Observation, Round


def target() -> float:
    return float(getattr(settings, "SAMSYN_MIN_PROFILE_RELIABILITY", 0.70))


def _components(round_: Round) -> dict | None:
    from samsyn.observations import measurement  # numerical code: loaded on first use

    if round_.is_peer:
        return None
    stored, _fresh = measurement.current(round_)
    plan = (stored.data.get("planning") or {}) if stored else {}
    if not plan or plan.get("error"):
        return None
    return {c["name"]: (c["estimate"] or 0.0, c["se"]) for c in plan["components"]}


def _visits(round_: Round, teacher: User | None = None) -> dict[int, Counter]:
    """Counted visits per teacher and observer: the whole round, or one teacher's part of it."""
    per: dict[int, Counter] = defaultdict(Counter)
    counted = round_.observations.filter(status__in=Observation.COUNTED)
    if teacher is not None:
        counted = counted.filter(teacher=teacher)
    for teacher_id, observer_id in counted.values_list("teacher_id", "observer_id"):
        per[teacher_id][observer_id] += 1
    return per


def _number(n: int) -> str:
    words = [
        _("no"),
        _("one"),
        _("two"),
        _("three"),
        _("four"),
        _("five"),
        _("six"),
        _("seven"),
        _("eight"),
        _("nine"),
        _("ten"),
        _("eleven"),
        _("twelve"),
    ]
    return words[n] if 0 <= n < len(words) else str(n)


def route_words(route: profile.Route | None) -> str:
    """E.g. "two more visits, one of them by another observer"."""
    if route is None:
        return ""
    k, r = route.more_visits, route.new_observers
    if r == 0:
        return ngettext("%(k)s more visit", "%(k)s more visits", k) % {"k": _number(k)}
    if r == k:
        return ngettext(
            "%(k)s more visit, by another observer",
            "%(k)s more visits, each by another observer",
            k,
        ) % {"k": _number(k)}
    return ngettext(
        "%(k)s more visits, %(r)s of them by another observer",
        "%(k)s more visits, %(r)s of them by other observers",
        r,
    ) % {"k": _number(k), "r": _number(r)}


@dataclass
class ProfileRow:
    round: Round
    value: float
    low: float | None
    high: float | None
    visits: int
    observers: int
    target: float
    reached: bool
    route: str


def _row(round_: Round, comps: dict, counts: Counter) -> ProfileRow | None:
    try:
        r = profile.profile_reliability(comps, list(counts.values()))
        route = profile.route_to(comps, list(counts.values()), target())
    except AnalysisError:
        return None
    reached = r.value >= target()
    words = route_words(route) if not reached else ""
    if not reached and not words:
        words = _("more than twelve further visits: the round's lessons vary too much")
    return ProfileRow(
        round_, r.value, r.low, r.high, r.visits, r.observers, target(), reached, words
    )


def for_teacher(teacher: User) -> list[ProfileRow]:
    """The teacher's profile reliability per measured round. The caller checks that the
    reader may see this teacher's data (the teacher, or their coach)."""
    rounds = Round.objects.filter(
        observations__teacher=teacher,
        observations__status__in=Observation.COUNTED,
        is_peer=False,
    ).distinct()
    rows = []
    for round_ in rounds.order_by("-starts_on"):
        comps = _components(round_)
        if comps is None:
            continue
        counts = _visits(round_, teacher).get(teacher.pk)
        row = _row(round_, comps, counts) if counts else None
        if row:
            rows.append(row)
    return rows


@dataclass
class Gate:
    allowed: bool
    lowest: float | None
    below: int
    target: float


def comparison_gate(round_: Round | None) -> Gate:
    """Whether teachers may be compared in this round: every visited teacher's profile reaches
    the target. Without a G study (too few data) comparison is not offered either."""
    if round_ is None:
        return Gate(False, None, 0, target())
    comps = _components(round_)
    if comps is None:
        return Gate(target() <= 0, None, 0, target())
    values = []
    for counts in _visits(round_).values():
        try:
            values.append(profile.profile_reliability(comps, list(counts.values()), draws=1).value)
        except AnalysisError:
            continue
    lowest = min(values) if values else None
    below = sum(1 for v in values if v < target())
    return Gate(lowest is not None and below == 0, lowest, below, target())

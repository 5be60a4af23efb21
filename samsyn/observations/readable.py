"""Numbers in the framework's language, for teachers' and coaches' pages.

The statistics (`samsyn.analysis`) answer in logits, differences and coefficients; a teacher
reads steps. This module turns a result into what the pages say:

- for each dimension, the step most lessons reached and the next step in reach, with its
  observable criteria (`dimension_readings`);
- how sure we are, in words and figures, and what is missing when the lessons are too few
  (`certainty`, from the round's reliability planning: a G study of the round's lessons);
- a Rasch position as a step on the framework's scale (`position_on_steps`);
- intervals clipped to what the scale allows, saying so (`clip_interval`);
- the statistics' English messages and notes as translated sentences (`explain_error`,
  `explain_notes`): no developer message reaches a page.

Pure helpers take plain values; `teacher_reading` reads the database for observations the
caller has already checked the reader may see.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A teacher's picture is called reliable from this generalizability coefficient on: the same
# threshold the round's planning table uses (`measurement.PLANNING_TARGET`).
RELIABLE = 0.70


# ----------------------------------------------------------------------------- intervals


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    clipped: bool


def clip_interval(low: float, high: float, *, lower: float, upper: float) -> Interval:
    """The interval cut to the scale's range [lower, upper]; `clipped` says whether it was."""
    new_low, new_high = max(low, lower), min(high, upper)
    return Interval(new_low, new_high, clipped=(new_low != low or new_high != high))


def change_interval(low: float, high: float, *, top_step: int) -> Interval:
    """A difference of mean steps on a 1…top scale lies between −(top−1) and top−1."""
    span = top_step - 1
    return clip_interval(low, high, lower=-span, upper=span)


# ----------------------------------------------------------------------------- per dimension


def step_reached(orders: list[int]) -> tuple[int, int] | None:
    """The highest step that more than half of the lessons reached (rated at or above), and
    how many lessons reached it; None without ratings. With one lesson, its step."""
    if not orders:
        return None
    n = len(orders)
    for step in sorted(set(orders), reverse=True):
        at_or_above = sum(1 for o in orders if o >= step)
        if at_or_above * 2 > n:
            return step, at_or_above
    low = min(orders)
    return low, n  # unreachable: every lesson is at or above the lowest rated step


def dimension_readings(
    dimensions: list[Any], orders_by_dimension: dict[int, list[int]]
) -> list[dict]:
    """Per dimension (objects with `pk`, `name` and `steps` holding `order`, `label` and
    `criteria`): the step most lessons reached, k of n lessons, and the next step with its
    criteria (None at the top)."""
    rows = []
    for d in dimensions:
        orders = orders_by_dimension.get(d.pk, [])
        steps = sorted(d.steps.all(), key=lambda s: s.order)
        reached = step_reached(orders)
        row: dict[str, Any] = {
            "dimension": d,
            "lessons": len(orders),
            "reached": None,
            "reached_by": 0,
            "next": None,
            "criteria": [],
            "at_top": False,
        }
        if reached is not None:
            order, k = reached
            row["reached"] = next((s for s in steps if s.order == order), None)
            row["reached_by"] = k
            above = [s for s in steps if s.order > order]
            row["at_top"] = not above
            if above:
                row["next"] = above[0]
                row["criteria"] = [c.text for c in above[0].criteria.all()]
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- how sure


@dataclass(frozen=True)
class Certainty:
    """How sure a picture of one teacher is: a level, words, figures and what is missing."""

    level: str  # "reliable", "indicative", "snapshot", "none"
    words: str
    figures: str = ""
    missing: str = ""
    reliability: float | None = None
    extra: dict = field(default_factory=dict)


def _row_at(rows: list[dict], visits: int) -> dict | None:
    """The planning row for `visits` lessons, or the largest planned number below it."""
    below = [r for r in rows if r["visits"] <= visits]
    return max(below, key=lambda r: r["visits"]) if below else None


def _usable(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def visits_needed(planning: dict | None, *, different: bool = True) -> int | None:
    """The fewest visits whose projected reliability reaches the planning target (by a
    different observer each time, or the same one); None when not estimable or never."""
    if not planning or planning.get("error"):
        return None
    key = "different" if different else "same"
    target = planning.get("target", RELIABLE)
    for row in sorted(planning.get("rows", []), key=lambda r: r["visits"]):
        value = row[key]["value"]
        if _usable(value) and value >= target:
            return int(row["visits"])
    return None


def _missing_text(more: int, another_observer: bool) -> str:
    if another_observer:
        return ngettext(
            "One more visit, by another observer, gives a reliable picture.",
            "%(n)s more visits, at least one by another observer, give a reliable picture.",
            more,
        ) % {"n": _number_word(more)}
    return ngettext(
        "One more visit gives a reliable picture.",
        "%(n)s more visits give a reliable picture.",
        more,
    ) % {"n": _number_word(more)}


def _number_word(n: int) -> str:
    words = {2: _("Two"), 3: _("Three"), 4: _("Four"), 5: _("Five")}
    return words.get(n, str(n))


def certainty(*, lessons: int, observers: int, planning: dict | None) -> Certainty:
    """How sure the picture from `lessons` lessons by `observers` observers is, read from the
    round's reliability planning (G study), and what is missing for a reliable one."""
    if lessons <= 0:
        return Certainty(
            "none",
            _("No observed lesson yet."),
            missing=_("Lessons observed by more than one observer give a first picture."),
        )
    lessons_text = ngettext("%(n)s observed lesson", "%(n)s observed lessons", lessons) % {
        "n": lessons
    }
    observers_text = ngettext("%(n)s observer", "%(n)s observers", observers) % {"n": observers}
    basis = _("from %(lessons)s, by %(observers)s") % {
        "lessons": lessons_text,
        "observers": observers_text,
    }
    needed = visits_needed(planning, different=True)
    if needed is None:
        # The round cannot say how many visits are enough: say what we know, in words.
        words = (
            _("A single lesson: a snapshot, not yet a picture.")
            if lessons == 1
            else _("A first indication.")
        )
        reason = (
            _("This round cannot yet estimate how many visits a reliable picture needs.")
            if not planning or planning.get("error")
            else _("In this round, even six visits do not give a reliable picture of a teacher.")
        )
        if observers < 2:
            reason = _("At least one visit by another observer is needed.") + " " + reason
        return Certainty(
            "snapshot" if lessons == 1 else "indicative",
            words,
            figures=basis,
            missing=reason,
        )
    rows = planning.get("rows", [])
    row = _row_at(rows, lessons)
    key = "different" if observers >= 2 else "same"
    value = row[key]["value"] if row else None
    reliability = value if _usable(value) else None
    figures = basis
    if reliability is not None:
        figures += "; " + _(
            "estimated reliability %(value)s, where %(target)s counts as reliable"
        ) % {
            "value": number_format(reliability, 2),
            "target": number_format(planning.get("target", RELIABLE), 2),
        }
    if lessons >= needed and (observers >= 2 or needed == 1):
        return Certainty("reliable", _("A reliable picture."), figures, reliability=reliability)
    more = max(needed - lessons, 1 if observers < 2 else 0)
    words = (
        _("A single lesson: a snapshot, not yet a picture.")
        if lessons == 1
        else _("A first indication, not yet a reliable picture.")
    )
    return Certainty(
        "snapshot" if lessons == 1 else "indicative",
        words,
        figures,
        missing=_missing_text(more, another_observer=observers < 2),
        reliability=reliability,
    )


# ----------------------------------------------------------------------------- Rasch position


def _expected_step(theta: float, thresholds: list[float], labels: list[list[int]]) -> float:
    """Expected step order (1-based) of one dimension at `theta` under the partial credit
    model, with the dimension's thresholds and the original categories they separate."""
    categories = [labels[0][0]] + [pair[1] for pair in labels]
    logits = [0.0]
    for tau in thresholds:
        logits.append(logits[-1] + theta - tau)
    top = max(logits)
    weights = [math.exp(v - top) for v in logits]
    total = sum(weights)
    return sum(w * (c + 1) for w, c in zip(weights, categories, strict=True)) / total


def position_on_steps(data: dict, measure: float, se: float | None) -> dict | None:
    """A teacher's Rasch measure as the mean expected step over the round's dimensions, with
    its 95 % interval mapped the same way (monotone, so it stays on the scale)."""
    dims = [
        d
        for d in data.get("dimensions", [])
        if d.get("thresholds")
        and all(t is not None for t in d["thresholds"])
        and len(d.get("step_labels") or []) == len(d["thresholds"])
    ]
    if not dims or measure is None:
        return None

    def at(theta: float) -> float:
        return sum(_expected_step(theta, d["thresholds"], d["step_labels"]) for d in dims) / len(
            dims
        )

    out = {"step": at(measure), "low": None, "high": None}
    if se is not None and math.isfinite(se):
        out["low"], out["high"] = at(measure - 1.96 * se), at(measure + 1.96 * se)
    return out


# ----------------------------------------------------------------------------- messages


def _patterns() -> list[tuple[re.Pattern, str]]:
    return [
        (re.compile(r"^No (ratings|values|pairs) (were|was) given"), _("No ratings yet.")),
        (re.compile(r"^All ratings are missing"), _("No ratings yet.")),
        (
            re.compile(r"No unit was rated by (both|every) rater"),
            _("No lesson was rated by both observers yet."),
        ),
        (
            re.compile(r"Kappa is undefined|Fleiss' kappa is undefined"),
            _(
                "Not estimable: every rating is on the same step, so read the agreement in per cent."
            ),
        ),
        (
            re.compile(r"at least two (values|raters|categories|subjects|teachers|clusters)"),
            _("Too few ratings to estimate this."),
        ),
        (
            re.compile(r"^At least two dimensions with two or more used steps"),
            _(
                "The scale needs at least two dimensions in which two or more steps were used; "
                "more observed lessons will give it."
            ),
        ),
        (
            re.compile(r"^Every person has an extreme raw score"),
            _(
                "Every lesson so far was rated all on the lowest or all on the highest steps: "
                "lessons with mixed steps are needed before the steps can be placed."
            ),
        ),
        (
            re.compile(r"nothing to test|no change to test"),
            _("Every lesson got the same step both times: there is no variation to judge from."),
        ),
        (re.compile(r"^X is empty"), _("No submitted observations yet.")),
    ]


def explain_error(error: BaseException | str) -> str:
    """A translated sentence for a statistic that could not be computed; never the English
    message of `samsyn.analysis`."""
    message = str(error)
    for pattern, text in _patterns():
        if pattern.search(message):
            return text
    return _("Not estimable from these ratings yet: more observed lessons are needed.")


def structured_notes(result: Any, dimension_ids: list[int], n_categories: list[int]) -> list[dict]:
    """The partial credit fit's notes as data (codes, dimension ids and step orders) from the
    fit's own fields, to be put in words on the page by `explain_notes`."""
    notes: list[dict] = []
    for j, dim_id in enumerate(dimension_ids):
        if result.n_steps[j] <= 0:
            notes.append({"code": "left_out", "dimension_id": dim_id})
            continue
        labels = result.step_labels[j]
        used = {labels[0][0], *(pair[1] for pair in labels)}
        unused = [k + 1 for k in range(n_categories[j]) if k not in used]
        if unused:
            notes.append({"code": "unused_steps", "dimension_id": dim_id, "steps": unused})
    excluded = len(getattr(result, "excluded_rows", ()) or ())
    if excluded:
        notes.append({"code": "excluded", "n": excluded})
    return notes


def explain_notes(notes: list, names: dict[int, str]) -> list[str]:
    """Translated sentences for `structured_notes` (older stored notes in English are left
    out: they are replaced when the round is next computed)."""
    out = []
    for note in notes:
        if not isinstance(note, dict):
            continue
        name = names.get(note.get("dimension_id"), "–")
        if note["code"] == "left_out":
            out.append(
                _(
                    "%(dimension)s is left out of the scale: fewer than two of its steps were "
                    "used in lessons with mixed steps."
                )
                % {"dimension": name}
            )
        elif note["code"] == "unused_steps":
            steps = ", ".join(str(s) for s in note["steps"])
            out.append(
                ngettext(
                    "%(dimension)s: step %(steps)s was not used in lessons with mixed steps; the "
                    "dimension is placed on the steps that were.",
                    "%(dimension)s: steps %(steps)s were not used in lessons with mixed steps; "
                    "the dimension is placed on the steps that were.",
                    len(note["steps"]),
                )
                % {"dimension": name, "steps": steps}
            )
        elif note["code"] == "excluded":
            out.append(
                ngettext(
                    "%(n)s lesson without any step rated is left out.",
                    "%(n)s lessons without any step rated are left out.",
                    note["n"],
                )
                % {"n": note["n"]}
            )
    return out


def reliability_shown(value: float | None) -> float | None:
    """A reliability for display: None (shown as "not estimable") when missing or below
    zero, which happens when the measurement error exceeds the spread between teachers."""
    if value is None or not math.isfinite(value) or value < 0:
        return None
    return value


def planning_estimable(planning: dict | None) -> bool:
    """Whether the planning table says anything: there is a variance between teachers and at
    least one positive projected reliability."""
    if not planning or planning.get("error"):
        return False
    teacher = next((c for c in planning.get("components", []) if c["name"] == "teacher"), None)
    if teacher is None or not _usable(teacher.get("estimate")):
        return False
    return any(
        _usable(row[key]["value"])
        for row in planning.get("rows", [])
        for key in ("same", "different")
    )


# ----------------------------------------------------------------------------- database


def teacher_reading(*, observations: list[Any]) -> dict | None:
    """For observations of one teacher (already checked for the reader), in their latest
    non-peer round: per dimension the step reached and the next step, and how sure."""
    from samsyn.frameworks.models import Dimension
    from samsyn.observations import measurement
    from samsyn.observations.models import Rating

    own = [o for o in observations if not o.round.is_peer]
    if not own:
        return None
    latest = max(own, key=lambda o: (o.round.starts_on, o.round_id)).round
    lessons = [o for o in own if o.round_id == latest.pk]
    dimensions = list(
        Dimension.objects.filter(version_id=latest.framework_version_id)
        .order_by("order")
        .prefetch_related("steps__criteria")
    )
    orders: dict[int, list[int]] = defaultdict(list)
    for dim_id, order in Rating.objects.filter(
        observation__in=lessons, step__isnull=False
    ).values_list("dimension_id", "step__order"):
        orders[dim_id].append(order)
    stored, _fresh = measurement.current(latest)
    planning = stored.data.get("planning") if stored else None
    return {
        "round": latest,
        "lessons": len(lessons),
        "dimensions": dimension_readings(dimensions, orders),
        "certainty": certainty(
            lessons=len(lessons),
            observers=len({o.observer_id for o in lessons}),
            planning=planning,
        ),
    }

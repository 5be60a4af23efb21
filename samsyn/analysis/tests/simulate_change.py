"""Simulated observation rounds with school-level clustering, for checking change intervals.

Ratings are steps 1-4 from a latent normal scale: teacher t in school s, lesson l,
    before: 2.5 + a_s + a_t + ε,   after: 2.5 + μ + a_s + a_t + u_s + v_t + ε',
rounded and clipped to 1..4; a teacher's value per round is the mean of ``lessons``
ratings, and the change is after − before. u_s (a school's shared change) is what makes
teachers of one school dependent. Because the rounding is symmetric around 2.5, the
expected change is exactly 0 when μ = 0; otherwise it is given in closed form by
:func:`true_change` (E f(2.5 + m + Z) = 1 + Σ_c Φ((2.5 + m − c)/σ), c = 1.5, 2.5, 3.5).

Which truth an interval should cover depends on the page: an owner's or a network's page
speaks about schools like these (``true_change``, over school effects too); a school's own
page about that school (``within``: the expected change given the school's a_s and u_s).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

SD = {"school": 0.3, "teacher": 0.4, "school_change": 0.3, "teacher_change": 0.3, "lesson": 0.6}


def _expected_step(shift: float, sd: float) -> float:
    return 1.0 + float(sum(ndtr((2.5 + shift - c) / sd) for c in (1.5, 2.5, 3.5)))


def true_change(mu: float) -> float:
    """The population mean change of a teacher's mean step for a latent shift ``mu``."""
    base = SD["school"] ** 2 + SD["teacher"] ** 2 + SD["lesson"] ** 2
    extra = SD["school_change"] ** 2 + SD["teacher_change"] ** 2
    return _expected_step(mu, math.sqrt(base + extra)) - _expected_step(0.0, math.sqrt(base))


def simulate_round_pair(
    rng: np.random.Generator,
    n_schools: int,
    *,
    mu: float = 0.0,
    sizes: tuple[int, int] = (4, 20),
    lessons: int = 3,
    shared_change: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(before, after, school, within): teacher means of ``lessons`` ratings per round, the
    school of each teacher, and each school's own expected change (given its effects).

    School sizes are drawn uniformly from ``sizes`` (inclusive), so clusters are unequal.
    With ``n_schools = 1`` all teachers belong to one school (a school's own page);
    ``shared_change=False`` drops u_s, so with μ = 0 every school's own change is 0.
    """
    n_t = rng.integers(sizes[0], sizes[1] + 1, n_schools)
    school = np.repeat(np.arange(n_schools), n_t)
    t = school.size
    a_s = rng.normal(0, SD["school"], n_schools)
    u_s = rng.normal(0, SD["school_change"] if shared_change else 0.0, n_schools)
    a = a_s[school] + rng.normal(0, SD["teacher"], t)
    u = u_s[school] + rng.normal(0, SD["teacher_change"], t)

    def mean_step(level: np.ndarray) -> np.ndarray:
        latent = level[:, None] + rng.normal(0, SD["lesson"], (t, lessons))
        return np.clip(np.rint(latent), 1, 4).mean(axis=1)

    before = mean_step(2.5 + a)
    after = mean_step(2.5 + mu + a + u)
    sd_before = math.hypot(SD["teacher"], SD["lesson"])
    sd_after = math.sqrt(sd_before**2 + SD["teacher_change"] ** 2)
    within = np.array(
        [
            _expected_step(mu + a_s[k] + u_s[k], sd_after) - _expected_step(a_s[k], sd_before)
            for k in range(n_schools)
        ]
    )
    return before, after, school, within

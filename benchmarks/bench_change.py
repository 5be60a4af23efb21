"""Benchmark: change intervals with few clusters (issue 22), speed and coverage.

Run from the checkout:  .venv/bin/python benchmarks/bench_change.py [--reps N]

Figures and targets:
1. Speed of the clustered method (samsyn.analysis.clustered, CR2 + Satterthwaite) for
   50,000 teachers: the mean change clustered by 2,500 schools, the same with every teacher
   its own unit, and the difference between two rounds of 50,000 different teachers each in
   2,500 schools: each < 1 s (best of 3 wall-clock runs, data in memory).
2. The seeded simulation of docs/methods.md at full size (default 4,000 replicates per
   scenario; the suite runs 1,000): owner pages with 8, 12 and 30 schools of 4-20 teachers
   sharing a school-level change, and a school's own page with 12 teachers. For each, the
   coverage of the 95 % interval (target >= 0.93, with no true change and with a latent
   shift of 0.3) and the share of "clear change" where there is none (target <= 0.07). The
   same draws are also analysed with the method used before (percentile cluster bootstrap,
   1,000 resamples) and with a t interval that ignores the schools, for comparison only.
   Also (``clustered_difference``) owner pages where the two rounds observed *different*
   teachers of the same 8, 12 or 30 schools: each school's teachers are split at random
   into a before half and an after half.

Exits non-zero when a target is missed. The figures depend on the machine's load (it is
shared), the coverages only on the seeds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samsyn.analysis.change import resample_cluster_totals  # noqa: E402
from samsyn.analysis.clustered import clustered_difference, clustered_mean  # noqa: E402
from samsyn.analysis.tests.simulate_change import (  # noqa: E402
    simulate_round_pair,
    true_change,
)


def line(name: str, value: str, target: str, ok: bool | None) -> bool:
    verdict = "PASS" if ok else ("FAIL" if ok is not None else "SKIP")
    print(f"{name:<62} {value:>10}   target {target:<8} {verdict}")
    return ok is not False


def best_of(fn, k: int = 3) -> float:
    times = []
    for _ in range(k):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def speed() -> bool:
    rng = np.random.default_rng(1)
    n, g = 50_000, 2_500
    school = rng.integers(0, g, n)
    d = rng.normal(0.1, 0.5, n) + rng.normal(0, 0.2, g)[school]
    before = rng.normal(2.5, 0.5, n)
    after = rng.normal(2.6, 0.5, n)
    school_after = rng.integers(0, g, n)
    clustered_mean(d[:100], school[:100])  # warm imports
    ok = True
    t = best_of(lambda: clustered_mean(d, school))
    ok &= line(
        "mean change, 50,000 teachers in 2,500 schools", f"{t * 1000:.0f} ms", "< 1 s", t < 1
    )
    t = best_of(lambda: clustered_mean(d))
    ok &= line("mean change, 50,000 teachers as units", f"{t * 1000:.0f} ms", "< 1 s", t < 1)
    t = best_of(
        lambda: clustered_difference(
            before, after, clusters_before=school, clusters_after=school_after
        )
    )
    ok &= line(
        "difference, 2 x 50,000 different teachers in 2,500 schools",
        f"{t * 1000:.0f} ms",
        "< 1 s",
        t < 1,
    )
    return ok


def bootstrap_interval(d: np.ndarray, school: np.ndarray, seed: int) -> tuple[float, float]:
    """The interval used before issue 22: percentile cluster bootstrap, 1,000 resamples."""
    _, ids = np.unique(school, return_inverse=True)
    g = int(ids.max()) + 1
    totals = np.column_stack(
        [np.bincount(ids, weights=d, minlength=g), np.bincount(ids, minlength=g)]
    )
    boot = resample_cluster_totals(totals, n_boot=1000, seed=seed, workers=1)
    low, high = np.quantile(boot[:, 0] / boot[:, 1], [0.025, 0.975])
    return float(low), float(high)


def scenario(n_schools: int, mu: float, reps: int, *, sizes=(4, 20), shared=True):
    rng = np.random.default_rng([2026, n_schools, int(mu * 100), 99])
    hits = {"CR2": [0, 0], "bootstrap": [0, 0], "ignoring schools": [0, 0]}
    for rep in range(reps):
        before, after, school, within = simulate_round_pair(
            rng, n_schools, mu=mu, sizes=sizes, shared_change=shared
        )
        d = after - before
        units = school if n_schools > 1 else np.arange(d.size)
        truth = true_change(mu) if n_schools > 1 else within[0]
        r = clustered_mean(d, units)
        naive = clustered_mean(d)
        intervals = {
            "CR2": (r.ci_low, r.ci_high),
            "bootstrap": bootstrap_interval(d, units, rep),
            "ignoring schools": (naive.ci_low, naive.ci_high),
        }
        for name, (low, high) in intervals.items():
            hits[name][0] += low <= truth <= high
            hits[name][1] += low > 0 or high < 0
    return {k: (v[0] / reps, v[1] / reps) for k, v in hits.items()}


def independent(n_schools: int, mu: float, reps: int):
    """Different teachers in the two rounds, same schools: CR2 by school vs ignoring schools."""
    rng = np.random.default_rng([2027, n_schools, int(mu * 100)])
    hits = {"CR2": [0, 0], "ignoring schools": [0, 0]}
    truth = true_change(mu)
    for _ in range(reps):
        before, after, school, _ = simulate_round_pair(rng, n_schools, mu=mu, sizes=(8, 40))
        first = rng.random(school.size) < 0.5
        kw = {"clusters_before": school[first], "clusters_after": school[~first]}
        results = {
            "CR2": clustered_difference(before[first], after[~first], **kw),
            "ignoring schools": clustered_difference(before[first], after[~first]),
        }
        for name, r in results.items():
            hits[name][0] += r.ci_low <= truth <= r.ci_high
            hits[name][1] += r.clear
    return {k: (v[0] / reps, v[1] / reps) for k, v in hits.items()}


def coverage_independent(reps: int) -> bool:
    ok = True
    print("\nDifferent teachers in the two rounds (schools of 8-40 teachers, half in each round)")
    print(f"{'scenario':<34}{'method':<18}{'cover μ=0':>10}{'clear μ=0':>10}{'cover μ=.3':>11}")
    for g in (8, 12, 30):
        null, alt = independent(g, 0.0, reps), independent(g, 0.3, reps)
        for method in null:
            c0, f0 = null[method]
            c1, _ = alt[method]
            print(f"{f'owner page, {g} schools':<34}{method:<18}{c0:>10.3f}{f0:>10.3f}{c1:>11.3f}")
        (c0, f0), (c1, _) = null["CR2"], alt["CR2"]
        worst = min(c0, c1)
        label = f"independent rounds, {g} schools"
        ok &= line(f"CR2 coverage, {label}", f"{worst:.3f}", ">= 0.93", worst >= 0.93)
        ok &= line(f"CR2 false clear change, {label}", f"{f0:.3f}", "<= 0.07", f0 <= 0.07)
    return ok


def coverage(reps: int) -> bool:
    ok = True
    print(f"\nCoverage of the 95 % interval, {reps:,} replicates per scenario")
    print(f"{'scenario':<34}{'method':<18}{'cover μ=0':>10}{'clear μ=0':>10}{'cover μ=.3':>11}")
    cases = [
        ("owner page, 8 schools", 8, {}),
        ("owner page, 12 schools", 12, {}),
        ("owner page, 30 schools", 30, {}),
        ("school page, 12 teachers", 1, {"sizes": (12, 12)}),
    ]
    results = []
    for label, g, kw in cases:
        # a school page's "no change" is a school whose own change is 0 (no shared change)
        null = scenario(g, 0.0, reps, shared=g > 1, **kw)
        alt = scenario(g, 0.3, reps, **kw)
        for method in null:
            c0, f0 = null[method]
            c1, _ = alt[method]
            print(f"{label:<34}{method:<18}{c0:>10.3f}{f0:>10.3f}{c1:>11.3f}")
        results.append((label, null["CR2"], alt["CR2"]))
    print()
    for label, (c0, f0), (c1, _) in results:
        worst = min(c0, c1)
        ok &= line(f"CR2 coverage, {label}", f"{worst:.3f}", ">= 0.93", worst >= 0.93)
        ok &= line(f"CR2 false clear change, {label}", f"{f0:.3f}", "<= 0.07", f0 <= 0.07)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=4000)
    args = parser.parse_args()
    print(f"Change benchmark (numpy {np.__version__}, Python {sys.version.split()[0]})\n")
    ok = speed()
    ok &= coverage(args.reps)
    ok &= coverage_independent(args.reps)
    print("\nALL PASS" if ok else "\nSOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

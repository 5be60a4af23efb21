"""Speed of the agreement and bootstrap code on realistic volumes (a script, not a test).

    .venv/bin/python benchmarks/bench_agreement.py

Prints each figure, its target and PASS/FAIL, and exits non-zero when a target is missed.
Times are the best of a few repeats (time.perf_counter), after one warm-up call.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samsyn.analysis.agreement import cohen_kappa, krippendorff_alpha
from samsyn.analysis.change import cluster_bootstrap_mean


def best_of(func: Callable[[], object], repeats: int) -> tuple[float, object]:
    value = func()  # warm-up (imports, caches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> int:
    rng = np.random.default_rng(2024)
    results: list[tuple[str, str, bool]] = []

    # Krippendorff's alpha, ordinal: 100,000 units × 3 raters, 10 % missing, steps 1-4.
    truth = rng.integers(1, 5, 100_000)
    data = np.clip(truth[None, :] + rng.choice([-1, 0, 0, 1], size=(3, 100_000)), 1, 4)
    data = data.astype(float)
    data[rng.random(data.shape) < 0.10] = np.nan
    ours_t, ours = best_of(lambda: krippendorff_alpha(data, level="ordinal", n_boot=0), 7)
    results.append(
        (
            f"Krippendorff ordinal alpha, 100k units x 3 raters: {ours_t * 1000:.1f} ms",
            "< 200 ms",
            ours_t < 0.2,
        )
    )
    boot_t, _ = best_of(lambda: krippendorff_alpha(data, level="ordinal", n_boot=1000, seed=1), 3)
    print(f"  (with a 1,000-resample bootstrap CI: {boot_t * 1000:.1f} ms; no target)")
    try:
        import krippendorff
    except ImportError:
        results.append(("PyPI krippendorff not installed", ">= 5x faster", False))
    else:
        ref_t, ref = best_of(lambda: krippendorff.alpha(data, level_of_measurement="ordinal"), 3)
        same = abs(float(ref) - ours.estimate) < 1e-9
        ratio = ref_t / ours_t
        results.append(
            (
                f"  vs PyPI krippendorff {ref_t * 1000:.1f} ms: ratio {ratio:.1f}x "
                f"(same alpha: {same})",
                ">= 5x",
                ratio >= 5 and same,
            )
        )

    # Weighted (quadratic) kappa on 1,000,000 pairs over the full 1-4 scale.
    a = rng.integers(1, 5, 1_000_000)
    b = np.clip(a + rng.choice([-1, 0, 0, 1], size=a.size), 1, 4)
    kap_t, _ = best_of(lambda: cohen_kappa(a, b, weights="quadratic", categories=[1, 2, 3, 4]), 5)
    results.append(
        (f"Weighted kappa, 1,000,000 pairs: {kap_t * 1000:.1f} ms", "< 200 ms", kap_t < 0.2)
    )

    # Teacher-clustered bootstrap CI: 50,000 teachers (3 ratings each), 2,000 resamples.
    teachers = np.repeat(np.arange(50_000), 3)
    values = rng.normal(0, 1, 50_000)[teachers] + rng.normal(0, 0.5, teachers.size)
    boot_t, _ = best_of(lambda: cluster_bootstrap_mean(values, teachers, n_boot=2000, seed=1), 3)
    results.append(
        (
            f"Teacher-clustered bootstrap CI, 50,000 teachers x 2,000 resamples: {boot_t:.2f} s",
            "< 2 s",
            boot_t < 2.0,
        )
    )

    failed = 0
    for text, target, ok in results:
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {text}  (target {target})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

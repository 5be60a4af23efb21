"""Benchmark: samsyn.analysis.facets.fit_facets, severity recovery at scale (issue 23).

Run from the checkout:  .venv/bin/python benchmarks/bench_facets.py [--sets N]

200 seeded data sets (by default) of 200 teachers x 3 lessons x 10 dimensions (steps 0-3),
20 observers of severity SD 0.5 logits, each lesson seen by one observer drawn at random.
Targets: the 95 % intervals (±1.96 SE) hold the true (centred) severity in 93-97 % of the
4,000 intervals; mean z² within 0.85-1.15; mean z within ±0.1; and the median fit time is
printed. The suite's small version is samsyn/analysis/tests/test_facets_validation.py.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samsyn.analysis.facets import fit_facets
from samsyn.analysis.tests.test_facets_validation import simulate


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, default=200)
    args = parser.parse_args()
    z, times = [], []
    for seed in range(args.sets):
        rng = np.random.default_rng(50_000 + seed)
        x, t, o, d, lam = simulate(rng, teachers=200, lessons=3, J=10, K=3, observers=20)
        start = time.perf_counter()
        r = fit_facets(x, t, o, d)
        times.append(time.perf_counter() - start)
        z.extend((r.severity - (lam - lam.mean())) / r.severity_se)
    z = np.asarray(z)
    coverage, z2, zbar = np.mean(np.abs(z) < 1.96), np.mean(z**2), np.mean(z)
    checks = [
        (f"coverage of 95 % intervals ({z.size} intervals)", coverage, 0.93 <= coverage <= 0.97),
        ("mean z²", z2, 0.85 <= z2 <= 1.15),
        ("mean z", zbar, abs(zbar) < 0.1),
    ]
    for name, value, ok in checks:
        print(f"{name}: {value:.4f}  {'OK' if ok else 'MISSED'}")
    print(f"median fit time: {np.median(times):.3f} s")
    return 0 if all(ok for *_, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The analyses of issue 16 against their targets: sensitivity with 1,000 samples of three
params on the 63 provinces (under 2 s), robustness to K = 3 rejected evidence items on the
63 provinces (under 5 s), and both at 10,000 units (under 30 s).

    python benchmarks/analyses.py            # 63 provinces, then 10,000 synthetic units
    python benchmarks/analyses.py --quick    # 63 provinces only

Times are wall clock, the median of three runs; the first run is reported apart as "cold"
(sensitivity then also checks the framework again with the params as columns and compiles
the program of the criteria that read them). Each line ends with the time over its target.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import dtiscore
from dtiscore.analyses.robustness import robustness
from dtiscore.analyses.sensitivity import sensitivity
from dtiscore.io.tables import read_table, score_table

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "frameworks" / "vn-dti-province-2022.dti"
VARY = {"online_target": (0.3, 0.7), "fiber_target": (0.6, 0.95), "full_service_target": (0.3, 0.7)}


def timed(run) -> tuple[float, float]:
    start = time.perf_counter()
    run()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm)


def report(result, label: str, targets: tuple[float, float]) -> None:
    cold, warm = timed(lambda: sensitivity(result, VARY, samples=1000, seed=1))
    print(f"sensitivity, {label} × 1,000 samples: median {warm:.2f} s (cold {cold:.2f} s; "
          f"target < {targets[0]:g} s: {warm / targets[0]:.2f} of it)")
    cold, warm = timed(lambda: robustness(result, 3))
    print(f"robustness, {label}, K = 3: median {warm:.2f} s (cold {cold:.2f} s; "
          f"target < {targets[1]:g} s: {warm / targets[1]:.2f} of it)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    dtiscore.clear_cache()
    framework = dtiscore.load(FRAMEWORK)
    report(score_table(framework, read_table(ROOT / "examples" / "province-2022.csv")), "63 provinces", (2, 5))
    if not args.quick:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from synthetic import synthetic_data

        report(framework.score(synthetic_data(framework, 10_000, seed=1)), "10,000 units", (30, 30))
    return 0


if __name__ == "__main__":
    sys.exit(main())

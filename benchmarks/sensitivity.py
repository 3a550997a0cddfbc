"""Sensitivity: rank intervals of the 63 provinces over 1,000 draws of three params,
against the target of issue 16 (under 2 s), and the same at 10,000 units (under 30 s).

    python benchmarks/sensitivity.py            # 63 provinces, then 10,000 synthetic units
    python benchmarks/sensitivity.py --quick    # 63 provinces only

Times are wall clock, best of three (the first run also checks the framework again with
the params as columns and compiles it; that run is reported apart as "cold").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import dtiscore
from dtiscore.analyses.sensitivity import sensitivity
from dtiscore.io.tables import read_table, score_table

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "frameworks" / "vn-dti-province-2022.dti"
VARY = {"online_target": (0.3, 0.7), "fiber_target": (0.6, 0.95), "full_service_target": (0.3, 0.7)}


def timed(result, samples: int) -> tuple[float, float]:
    start = time.perf_counter()
    sensitivity(result, VARY, samples=samples, seed=1)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        sensitivity(result, VARY, samples=samples, seed=1)
        warm.append(time.perf_counter() - start)
    return cold, min(warm)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    dtiscore.clear_cache()
    framework = dtiscore.load(FRAMEWORK)
    result = score_table(framework, read_table(ROOT / "examples" / "province-2022.csv"))
    cold, warm = timed(result, 1000)
    print(f"63 provinces × 1,000 samples: {warm:.2f} s (cold {cold:.2f} s; target < 2 s)")
    if not args.quick:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from synthetic import synthetic_data

        big = framework.score(synthetic_data(framework, 10_000, seed=1))
        cold, warm = timed(big, 1000)
        print(f"10,000 units × 1,000 samples: {warm:.2f} s (cold {cold:.2f} s; target < 30 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

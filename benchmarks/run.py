"""Benchmarks: dtiscore against hand-written baselines, measured in the same run.

    python benchmarks/run.py            # 1k, 10k, 100k, 1M units (a few minutes)
    python benchmarks/run.py --quick    # 1k, 10k, 100k (under a minute)

For the generated 100-criterion framework that mixes every clause kind (benchmarks/mixed.py)
and the shipped 2023 provincial framework, it prints compile and reload times, the median
score time at each size, nanoseconds per unit × criterion, peak memory, and the ratio of
each baseline's time to dtiscore's (> 1 means dtiscore is faster): (a) straightforward
numpy, (b) numexpr (when installed: `pip install -e ".[bench]"`), (c) a per-unit Python loop
and (d) pandas row-wise apply (both timed on a sample and scaled). Every baseline's totals
are compared with dtiscore's. Results go to benchmarks/results/ as JSON with the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import dtiscore  # noqa: E402
from baselines import Unsupported, numexpr_baseline, numpy_baseline, python_loop_baseline  # noqa: E402
from mixed import mixed_framework  # noqa: E402
from synthetic import encoded, synthetic_data  # noqa: E402

PROVINCE = HERE.parent / "frameworks" / "vn-dti-province-2023.dti"


def median_time(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def compile_times(text: str, path: Path | None, repeat: int) -> dict:
    def cold():
        dtiscore.clear_cache()  # parse, check and compile again, not the cached framework
        framework = dtiscore.loads(text)
        framework.program  # noqa: B018 - compiling is the point
    out = {"compile_s": median_time(cold, repeat)}
    if path is not None:
        dtiscore.load(path).program  # noqa: B018 - fill the cache
        out["reload_s"] = median_time(lambda: dtiscore.load(path).program, repeat)
    return out


def bench_size(framework, n: int, repeat: int, quick: bool) -> dict:
    data = synthetic_data(framework, n)
    columns = encoded(framework, data)
    criteria = len(framework.criteria)
    ours = median_time(lambda: framework.score(data), repeat)
    result = framework.score(data)
    row = {"units": n, "score_s": ours, "ns_per_unit_criterion": ours / (n * criteria) * 1e9}

    inputs_bytes = sum(np.asarray(v).nbytes for v in columns.values())
    scores = result.scores
    outputs_bytes = sum(a.nbytes for a in (scores.points, scores.group_max, scores.applicable,
                                            scores.status, scores.branch))
    if n <= 100_000 or not quick:
        row["peak_bytes"] = peak_memory(lambda: framework.score(data))
        row["peak_over_io"] = row["peak_bytes"] / (inputs_bytes + outputs_bytes)

    positions = np.random.default_rng(1).integers(0, n, 20)
    row["explain_s"] = median_time(lambda: [result.explain(int(p)) for p in positions], 1) / len(positions)
    if hasattr(result, "deductions"):
        row["ledger_s"] = median_time(lambda: result.deductions(), 1)
        row["ledger_over_score"] = row["ledger_s"] / ours

    with np.errstate(all="ignore"):
        try:
            baseline = numpy_baseline(framework.ir)
            row["numpy_s"] = median_time(lambda: baseline(columns), repeat)
            row["numpy_diff"] = float(np.max(np.abs(baseline(columns) - result.total)))
        except Unsupported as why:
            row["numpy_s"] = None
            row["numpy_note"] = f"unsupported: {why}"
        try:
            numexpr_score = numexpr_baseline(framework.ir)
            row["numexpr_s"] = median_time(lambda: numexpr_score(columns), repeat)
            row["numexpr_diff"] = float(np.max(np.abs(numexpr_score(columns) - result.total)))
        except (ImportError, Unsupported) as why:
            row["numexpr_s"] = None
            row["numexpr_note"] = str(why)
        try:
            unit, populations = python_loop_baseline(framework.ir)
            values = populations(columns)
            sample = min(n, 2_000)
            rows = [{k: float(v[i]) for k, v in columns.items()} for i in range(sample)]
            loop = median_time(lambda: [unit(r, values) for r in rows], 1)
            row["loop_s"] = loop * n / sample
            row["loop_diff"] = float(np.max(np.abs(np.array([unit(r, values) for r in rows]) - result.total[:sample])))
            row["pandas_s"] = _pandas_apply(unit, values, columns, n)
        except Unsupported as why:
            row["loop_s"] = row["pandas_s"] = None
            row["loop_note"] = str(why)
    return row


def _pandas_apply(unit, values, columns, n: int) -> float | None:
    try:
        import pandas as pd
    except ImportError:
        return None
    sample = min(n, 500)
    frame = pd.DataFrame({k: v[:sample] for k, v in columns.items()})
    seconds = median_time(lambda: frame.apply(lambda r: unit(r, values), axis=1), 1)
    return seconds * n / sample


def machine() -> dict:
    return {
        "python": platform.python_version(), "numpy": np.__version__, "dtiscore": dtiscore.__version__,
        "platform": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(),
        "numpy_threads_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
    }


def ratio(baseline: float | None, ours: float) -> str:
    return "-" if baseline is None else f"{baseline / ours:7.1f}x"


def print_table(name: str, compiled: dict, rows: list[dict]) -> None:
    reload = f", reload {compiled['reload_s'] * 1e3:.1f} ms" if "reload_s" in compiled else ""
    print(f"\n{name}: compile {compiled['compile_s'] * 1e3:.1f} ms{reload}")
    head = (f"{'units':>9} {'score':>9} {'ns/u·c':>7} {'peak/io':>7} {'explain':>8} {'ledger':>7} "
            f"{'numpy':>8} {'numexpr':>8} {'loop':>8} {'pandas':>8}")
    print(head)
    print("-" * len(head))
    for r in rows:
        peak = f"{r['peak_over_io']:.2f}" if "peak_over_io" in r else "-"
        ledger = f"{r['ledger_over_score']:.2f}x" if "ledger_over_score" in r else "-"
        print(f"{r['units']:>9,} {r['score_s'] * 1e3:>7.1f}ms {r['ns_per_unit_criterion']:>7.1f} {peak:>7} "
              f"{r['explain_s'] * 1e3:>6.2f}ms {ledger:>7} {ratio(r['numpy_s'], r['score_s']):>8} "
              f"{ratio(r['numexpr_s'], r['score_s']):>8} {ratio(r['loop_s'], r['score_s']):>8} "
              f"{ratio(r['pandas_s'], r['score_s']):>8}")
    worst = max((r.get("numpy_diff", 0), r.get("numexpr_diff", 0), r.get("loop_diff", 0)) for r in rows)
    print(f"largest difference from a baseline's totals: {max(worst):.3g} points")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k, 10k and 100k units only")
    parser.add_argument("--sizes", help="comma-separated unit counts (overrides --quick)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing; the median is kept")
    parser.add_argument("--output", type=Path, default=HERE / "results", help="folder for the JSON results")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else (
        [1_000, 10_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000])
    repeat = 3 if args.quick else args.repeat
    report = {"machine": machine(), "when": datetime.now(timezone.utc).isoformat(), "frameworks": {}}
    cases = [("mixed-100", mixed_framework(), None), ("vn-dti-province-2023", PROVINCE.read_text(encoding="utf-8"), PROVINCE)]
    for name, text, path in cases:
        framework = dtiscore.loads(text)
        compiled = compile_times(text, path, repeat)
        rows = [bench_size(framework, n, repeat if n < 1_000_000 else max(3, repeat // 2), args.quick) for n in sizes]
        print_table(f"{name} ({len(framework.criteria)} criteria)", compiled, rows)
        report["frameworks"][name] = {"criteria": len(framework.criteria), **compiled, "sizes": rows}
    args.output.mkdir(parents=True, exist_ok=True)
    target = args.output / f"run-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    target.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nratios are baseline time / dtiscore time (> 1: dtiscore faster). Written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

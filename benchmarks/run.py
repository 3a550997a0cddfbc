"""Benchmarks: dtiscore against hand-written baselines, measured in the same run.

    python benchmarks/run.py                        # 10k, 100k and 1M units (several minutes)
    python benchmarks/run.py --quick                # 10k and 100k units
    python benchmarks/run.py --sizes 1000000 --repeat 3

For the generated 100-criterion framework that mixes every clause kind (benchmarks/mixed.py)
and the shipped provincial frameworks, it prints the ladder, medians of `--repeat` runs at
each size: the read floor (every input read once), the framework's formulas in numpy on
64k-unit blocks, the same as plain numpy over whole columns, numexpr (when installed: `pip
install -e ".[bench]"`), dtiscore's default engine and its numba engine (`engine="numba"`,
when numba is installed), each also as a ratio to plain numpy and to the floor; then each
engine alone (on data already checked), peak memory over inputs + outputs, and around
scoring: explain, the deduction ledger, a per-unit Python loop and pandas row-wise apply
(both timed on a sample and scaled). Every baseline's totals are compared with dtiscore's.
Results go to benchmarks/results/ as JSON with the machine and its load.
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
from baselines import (Unsupported, numexpr_baseline, numpy_baseline, numpy_blocks_baseline,  # noqa: E402
                       python_loop_baseline)
from dtiscore.engine.columns import to_columns  # noqa: E402
from mixed import mixed_framework  # noqa: E402
from synthetic import encoded, synthetic_data  # noqa: E402

PROVINCES = [HERE.parent / "frameworks" / f"vn-dti-province-{year}.dti" for year in (2022, 2023)]


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


def has_numba() -> bool:
    try:
        import numba  # noqa: F401 - only asked whether it is there
    except ImportError:
        return False
    return True


def bench_size(framework, n: int, repeat: int, quick: bool) -> dict:
    data = synthetic_data(framework, n)
    columns = encoded(framework, data)
    criteria = len(framework.criteria)
    engines = ["auto", "numba"] if has_numba() else ["auto"]
    row: dict = {"units": n}
    row["floor_s"] = median_time(lambda: [np.add.reduce(v) for v in columns.values()], repeat)
    for engine in engines:
        framework.score(data, engine=engine)  # compiled (numba: loaded from its cache) before timing
        row[f"{engine}_s"] = median_time(lambda: framework.score(data, engine=engine), repeat)
    result = framework.score(data)
    checked = to_columns(framework.ir, data, None, "raise")
    for engine in engines:  # the engine alone: data checked beforehand
        row[f"{engine}_engine_s"] = median_time(lambda: framework.score_columns(checked, engine=engine), repeat)
    row["ns_per_unit_criterion"] = row["auto_s"] / (n * criteria) * 1e9

    inputs_bytes = sum(np.asarray(v).nbytes for v in columns.values())
    scores = result.scores
    outputs_bytes = sum(a.nbytes for a in (scores.points, scores.group_max, scores.applicable,
                                            scores.status, scores.branch))
    if n <= 100_000 or not quick:
        for engine in engines:
            peak = peak_memory(lambda: framework.score(data, engine=engine))
            row[f"{engine}_peak_over_io"] = peak / (inputs_bytes + outputs_bytes)

    positions = np.random.default_rng(1).integers(0, n, 20)
    row["explain_s"] = median_time(lambda: [result.explain(int(p)) for p in positions], 1) / len(positions)
    if hasattr(result, "deductions"):
        row["ledger_s"] = median_time(lambda: result.deductions(), 1)
        row["ledger_over_score"] = row["ledger_s"] / row["auto_s"]

    with np.errstate(all="ignore"):
        for name, make in (("blocks", numpy_blocks_baseline), ("numpy", numpy_baseline), ("numexpr", numexpr_baseline)):
            try:
                baseline = make(framework.ir)
                row[f"{name}_s"] = median_time(lambda: baseline(columns), repeat)
                row[f"{name}_diff"] = float(np.max(np.abs(baseline(columns) - result.total)))
            except (ImportError, Unsupported) as why:
                row[f"{name}_s"] = None
                row[f"{name}_note"] = str(why)
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
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "numpy_threads_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
    }


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.1f}"


def times(seconds: float | None, than: float | None) -> str:
    return "-" if seconds is None or not than else f"{seconds / than:.2f}"


RUNGS = (("floor", "read floor"), ("blocks", "numpy 64k"), ("numpy", "numpy"), ("numexpr", "numexpr"),
         ("auto", "default"), ("numba", "numba"))


def print_table(name: str, compiled: dict, rows: list[dict]) -> None:
    reload = f", reload {compiled['reload_s'] * 1e3:.1f} ms" if "reload_s" in compiled else ""
    print(f"\n{name}: compile {compiled['compile_s'] * 1e3:.1f} ms{reload}")
    head = f"{'units':>9} " + " ".join(f"{label:>10}" for _, label in RUNGS) + \
        f" {'dflt/np':>8} {'numba/np':>8} {'dflt/fl':>8} {'numba/fl':>8}"
    print(head + "   (ms; ratios: /np to plain numpy, /fl to the read floor)")
    print("-" * len(head))
    for r in rows:
        cells = " ".join(f"{ms(r.get(f'{key}_s')):>10}" for key, _ in RUNGS)
        print(f"{r['units']:>9,} {cells} {times(r['auto_s'], r['numpy_s']):>8} {times(r.get('numba_s'), r['numpy_s']):>8} "
              f"{times(r['auto_s'], r['floor_s']):>8} {times(r.get('numba_s'), r['floor_s']):>8}")
    print(f"{'units':>9} {'engine alone: default':>22} {'numba':>8} {'peak/io dflt':>13} {'numba':>6} "
          f"{'explain':>8} {'ledger':>7} {'loop':>9} {'pandas':>9}")
    for r in rows:
        peak = f"{r['auto_peak_over_io']:.2f}" if "auto_peak_over_io" in r else "-"
        numba_peak = f"{r['numba_peak_over_io']:.2f}" if "numba_peak_over_io" in r else "-"
        ledger = f"{r['ledger_over_score']:.2f}x" if "ledger_over_score" in r else "-"
        print(f"{r['units']:>9,} {ms(r['auto_engine_s']):>19}ms {ms(r.get('numba_engine_s')):>6}ms {peak:>13} "
              f"{numba_peak:>6} {r['explain_s'] * 1e3:>6.2f}ms {ledger:>7} {ms(r['loop_s']):>7}ms {ms(r['pandas_s']):>7}ms")
    worst = max(max(r.get(f"{k}_diff", 0) for k in ("blocks", "numpy", "numexpr", "loop")) for r in rows)
    print(f"largest difference from a baseline's totals: {worst:.3g} points")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k units only")
    parser.add_argument("--sizes", help="comma-separated unit counts (overrides --quick)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing; the median is kept")
    parser.add_argument("--output", type=Path, default=HERE / "results", help="folder for the JSON results")
    parser.add_argument("--only", help="comma-separated names of the frameworks to run (default: all)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else (
        [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000])
    repeat = 3 if args.quick else args.repeat
    report = {"machine": machine(), "when": datetime.now(timezone.utc).isoformat(), "frameworks": {}}
    cases = [("mixed-100", mixed_framework(), None)] + [(p.stem, p.read_text(encoding="utf-8"), p) for p in PROVINCES]
    if args.only:
        cases = [case for case in cases if case[0] in args.only.split(",")]
    print(f"load average at the start: {report['machine']['load_average']}")
    for name, text, path in cases:
        framework = dtiscore.loads(text)
        compiled = compile_times(text, path, repeat)
        rows = [bench_size(framework, n, repeat if n < 1_000_000 else max(3, repeat // 2), args.quick) for n in sizes]
        print_table(f"{name} ({len(framework.criteria)} criteria)", compiled, rows)
        report["frameworks"][name] = {"criteria": len(framework.criteria), **compiled, "sizes": rows}
    report["load_average_at_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    args.output.mkdir(parents=True, exist_ok=True)
    target = args.output / f"run-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    target.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nload average at the end: {report['load_average_at_end']}. Written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

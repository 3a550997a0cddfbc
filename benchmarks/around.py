"""Around scoring, against score itself, in one run, as issue 13 states the targets:
`Result.deductions()` ≤ 2 × score (then with its reason texts, for information); `explain(unit)`
≤ 10 ms on the first call (a framework loaded afresh and scored, never explained: every cache
the explanation keeps with the framework is cold) and ≤ 3 ms warm (another unit of the same
result); what reading an explanation costs (its text report; its JSON form: every criterion's
reason and next step); and the `dtiscore deductions` command ≤ 3 × `dtiscore score` on the same
CSV file (each a whole process, `--command-units` units).

    python benchmarks/around.py                       # 100,000 units; commands on 20,000
    python benchmarks/around.py --units 20000 --repeat 3
    python benchmarks/around.py --framework mixed-100  # the generated framework of every clause kind

Medians of --repeat runs; ratios are to score measured in the same run.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import dtiscore
import dtiscore.io.output

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "frameworks" / "vn-dti-province-2022.dti"
sys.path.insert(0, str(ROOT / "benchmarks"))
from mixed import mixed_framework  # noqa: E402
from synthetic import synthetic_data  # noqa: E402


def median(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def command(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "dtiscore", *args], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--command-units", type=int, default=20_000, help="units in the commands' CSV file")
    parser.add_argument("--no-commands", action="store_true", help="skip the two commands")
    parser.add_argument("--framework", default=str(FRAMEWORK),
                        help="a .dti file, or mixed-100 (benchmarks/mixed.py); default: the province framework of 2022")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        return run(args, Path(folder))


def run(args, folder: Path) -> int:
    source = Path(args.framework)
    if args.framework == "mixed-100":
        source = folder / "mixed-100.dti"
        source.write_text(mixed_framework(), encoding="utf-8")
    framework = dtiscore.load(source)
    data = synthetic_data(framework, args.units, seed=1)
    units = [f"u{i}" for i in range(args.units)]
    score = median(lambda: framework.score(data, units=units), args.repeat)
    result = framework.score(data, units=units)
    rows = median(lambda: result.deductions(), args.repeat)
    ledger = result.deductions()
    rows_count = len(ledger)
    texts = median(lambda: result.deductions().texts(), 1)
    del ledger
    gc.collect()  # the texts' garbage is not the explanations' cost
    firsts, warms, reports, jsons = [], [], [], []
    for k in range(args.repeat):
        dtiscore.clear_cache()  # a framework never explained: its kept reasons, shapes, ... cold
        fresh_framework = dtiscore.load(source)
        fresh = fresh_framework.score(data, units=units)
        start = time.perf_counter()
        fresh.explain(units[k])
        firsts.append(time.perf_counter() - start)
        warms += [median(lambda: fresh.explain(units[-1 - k]), 1) for _ in range(5)]
        reports.append(median(lambda: str(fresh.explain(units[-1 - k])), 5))
        jsons.append(median(lambda: fresh.explain(units[-1 - k]).to_dict(), 5))
    print(f"{source.stem}: {args.units:,} units × {len(framework.criteria)} criteria, {rows_count:,} ledger rows")
    print(f"score                        {score * 1000:9.1f} ms")
    print(f"deductions() rows            {rows * 1000:9.1f} ms   {rows / score:5.2f} × score  (target ≤ 2)")
    print(f"deductions() with texts      {(rows + texts) * 1000:9.1f} ms   {(rows + texts) / score:5.2f} × score")
    print(f"explain(unit), first call    {np.median(firsts) * 1000:9.1f} ms   (target ≤ 10)")
    print(f"explain(unit), warm          {np.median(warms) * 1000:9.1f} ms   (target ≤ 3; best of {len(warms)}: "
          f"{min(warms) * 1000:.1f} ms)")
    print(f"  and its text report        {np.median(reports) * 1000:9.1f} ms   (every deduction's reason and next step)")
    print(f"  and its JSON form          {np.median(jsons) * 1000:9.1f} ms   (every criterion's)")
    if args.no_commands:
        return 0
    n = args.command_units
    path = folder / "data.csv"
    dtiscore.io.output.write_table(path, {"unit": units[:n], **{k: v[:n] for k, v in data.items()}}
                                   if n <= args.units else
                                   {"unit": [f"u{i}" for i in range(n)], **synthetic_data(framework, n, seed=1)})
    scored = median(lambda: command("score", str(source), str(path), "-o", str(folder / "scores.csv")),
                    args.repeat)
    ledger_time = median(lambda: command("deductions", str(source), str(path), "-o",
                                         str(folder / "ledger.csv")), args.repeat)
    print(f"dtiscore score (process)     {scored:9.2f} s   {n:,} units")
    print(f"dtiscore deductions          {ledger_time:9.2f} s    {ledger_time / scored:5.2f} × score  (target ≤ 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

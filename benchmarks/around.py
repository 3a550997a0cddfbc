"""Around scoring, against score itself, in one run: `Result.deductions()` (rows, then with
reason texts), `explain(unit)` first and warm, and the `dtiscore deductions` command against
`dtiscore score` on the same CSV file (each a whole process).

    python benchmarks/around.py              # 100,000 units
    python benchmarks/around.py --units 20000 --repeat 3

Medians of --repeat runs; ratios are to score measured in the same run.
"""

from __future__ import annotations

import argparse
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
from synthetic import synthetic_data  # noqa: E402


def median(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def command(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dtiscore", *args], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-commands", action="store_true", help="skip the two commands")
    args = parser.parse_args()
    framework = dtiscore.load(FRAMEWORK)
    data = synthetic_data(framework, args.units, seed=1)
    units = [f"u{i}" for i in range(args.units)]
    score = median(lambda: framework.score(data, units=units), args.repeat)
    result = framework.score(data, units=units)
    rows = median(lambda: result.deductions(), args.repeat)
    ledger = result.deductions()
    texts = median(lambda: result.deductions().texts(), 1)
    firsts, warms = [], []
    for k in range(args.repeat):
        fresh = framework.score(data, units=units)
        start = time.perf_counter()
        fresh.explain(units[k])
        firsts.append(time.perf_counter() - start)
        warms.append(median(lambda: fresh.explain(units[-1 - k]), 5))
    print(f"{args.units:,} units × {len(framework.criteria)} criteria, {len(ledger):,} ledger rows")
    print(f"score                        {score * 1000:9.1f} ms")
    print(f"deductions() rows            {rows * 1000:9.1f} ms   {rows / score:5.2f} × score  (target ≤ 2)")
    print(f"deductions() with texts      {(rows + texts) * 1000:9.1f} ms   {(rows + texts) / score:5.2f} × score")
    print(f"explain(unit), first call    {np.median(firsts) * 1000:9.1f} ms   (target ≤ 10)")
    print(f"explain(unit), warm          {np.median(warms) * 1000:9.1f} ms   (target ≤ 3)")
    if args.no_commands:
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        dtiscore.io.output.write_table(path, {"unit": units, **data})
        scored = command("score", str(FRAMEWORK), str(path), "-o", str(Path(folder) / "scores.csv"))
        ledger_time = command("deductions", str(FRAMEWORK), str(path), "-o", str(Path(folder) / "ledger.csv"))
    print(f"dtiscore score (process)     {scored:9.2f} s")
    print(f"dtiscore deductions          {ledger_time:9.2f} s    {ledger_time / scored:5.2f} × score  (target ≤ 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

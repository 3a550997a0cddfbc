"""Data in at Arrow speed: `dtiscore score` on a large CSV file against polars.read_csv +
Framework.score + writing the result, each as a whole process, in one run (issue 14).

    python benchmarks/ingest.py                 # 100,000 units of the 2022 province framework
    python benchmarks/ingest.py --units 20000   # smaller
    python benchmarks/ingest.py --stream 1000000  # also: --chunk-size on 1M units of the department framework
    python benchmarks/ingest.py --units 0 --stream 1000000  # only that

Runs the two commands in turn (A B A B ...), `--runs` times each after one warm-up, and
prints each one's wall-time median and peak resident memory (ru_maxrss of the child), and
the ratios, against the targets: <= 2 x the wall time and <= 1.5 x the peak memory.
With --stream N: `dtiscore score --chunk-size` on N units against the same command without
it, rows/s and peak memory (the targets: >= 100,000 rows/s, < 2 GiB resident; the chunked
path within 1.2 x the whole-file path). The files go to the temporary directory and are
deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from stream import generate, measured  # noqa: E402

import dtiscore  # noqa: E402

PROVINCE = ROOT / "frameworks" / "vn-dti-province-2022.dti"
DEPARTMENT = ROOT / "frameworks" / "vn-dti-department.dti"

POLARS = """
import sys
import polars as pl
import dtiscore
framework = dtiscore.load(sys.argv[1])
frame = pl.read_csv(sys.argv[2])
result = framework.score(frame)
pl.DataFrame(result.table()).write_csv(sys.argv[3])
"""


def run(command: list[str]) -> tuple[float, int]:
    """(wall seconds, peak resident bytes) of one child process."""
    seconds, _, peak = measured(command)
    return seconds, peak


def compare(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """name → (median wall seconds, median peak bytes), the commands run in turn."""
    for command in commands.values():
        run(command)  # warm-up: file cache, compiled bytecode
    measured: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            measured[name].append(run(command))
    out = {}
    for name, values in measured.items():
        out[name] = statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)
        print(f"  {name:<34} wall {out[name][0]:6.2f} s (min {min(v[0] for v in values):.2f}), "
              f"peak {out[name][1] / 2**20:7.0f} MiB")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stream", type=int, default=0, metavar="N", help="also stream N units (--chunk-size)")
    parser.add_argument("--chunk-size", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    data = args.dir / f"dtiscore-ingest-{args.units}.csv"
    out = args.dir / f"dtiscore-ingest-{args.units}-scores.csv"
    files = [data, out]
    ok = True
    try:
        if args.units:
            ok = whole_file(args, data, out)
        if args.stream:
            ok &= stream(args, files)
    finally:
        if not args.keep:
            for path in files:
                path.unlink(missing_ok=True)
    return 0 if ok else 1


def whole_file(args, data: Path, out: Path) -> bool:
    """`dtiscore score` on the province file against polars + Framework.score + write."""
    if not data.exists():
        generate(dtiscore.load(PROVINCE), args.units, data)
    print(f"{data.name}: {args.units:,} units x {len(dtiscore.load(PROVINCE).inputs)} inputs, "
          f"{data.stat().st_size / 1e6:.0f} MB; medians of {args.runs} runs, each a whole process")
    python = sys.executable
    measured = compare({
        "dtiscore score": [python, "-m", "dtiscore", "score", str(PROVINCE), str(data), "-o", str(out)],
        "polars.read_csv + score + write": [python, "-c", POLARS, str(PROVINCE), str(data), str(out)],
    }, args.runs)
    ours, theirs = measured["dtiscore score"], measured["polars.read_csv + score + write"]
    wall, peak = ours[0] / theirs[0], ours[1] / theirs[1]
    print(f"  ratio: wall {wall:.2f} x (target <= 2), peak memory {peak:.2f} x (target <= 1.5)")
    return wall <= 2 and peak <= 1.5


def stream(args, files: list[Path]) -> bool:
    units = args.stream
    data = args.dir / f"dtiscore-ingest-stream-{units}.csv"
    out = args.dir / f"dtiscore-ingest-stream-{units}-scores.csv"
    files += [data, out]
    if not data.exists():
        generate(dtiscore.load(DEPARTMENT), units, data)
    print(f"{data.name}: {units:,} units of {DEPARTMENT.name}, {data.stat().st_size / 1e9:.2f} GB")
    python = sys.executable
    command = [python, "-m", "dtiscore", "score", str(DEPARTMENT), str(data), "-o", str(out)]
    chunked = f"dtiscore score --chunk-size {args.chunk_size:,}"
    measured = compare({chunked: command + ["--chunk-size", str(args.chunk_size)],
                        "dtiscore score (whole file)": command}, args.runs)
    seconds, peak = measured[chunked]
    ratio = seconds / measured["dtiscore score (whole file)"][0]
    rate = units / seconds
    print(f"  streamed: {rate:,.0f} rows/s (target >= 100,000), peak {peak / 2**30:.2f} GiB (target < 2), "
          f"{ratio:.2f} x the whole file (target <= 1.2)")
    return rate >= 100_000 and peak < 2 * 2**30 and ratio <= 1.2


if __name__ == "__main__":
    sys.exit(main())

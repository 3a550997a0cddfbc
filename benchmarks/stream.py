"""Streaming: `dtiscore score --chunk-size N` on a CSV file of millions of units, in a child
process, against the target of issue 14: 10M units streamed from CSV at >= 100,000 rows/s
with < 2 GiB resident.

    python benchmarks/stream.py                   # 10,000,000 units (a CSV file of ~4.5 GB)
    python benchmarks/stream.py --units 1000000   # 1,000,000 units
    python benchmarks/stream.py --quick           # 200,000 units

The framework is frameworks/vn-dti-department.dti: its 71 inputs are of every kind (bool,
count, share, choice), and it has a population function (`best(lgsp_transactions)`), so the
run includes the pass over the file that population functions take. The data are
`benchmarks/synthetic.py`'s (every input within its type and constraints), written as a
department would: counts as whole numbers, bools as true/false, choices by name. Reports
the time to write the file, the reader alone (rows/s), then the command: wall time, rows/s,
its CPU time (user + system, all threads: on a machine shared with other work, the wall
time it would take on a core of its own, before the reading thread overlaps anything) and
its peak resident memory (ru_maxrss of the child). The files are deleted at the end unless
--keep; --data reads an existing file instead of writing one.
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
from dtiscore.io.formats import csvarrow

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import synthetic_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = ROOT / "frameworks" / "vn-dti-department.dti"
TARGET_BYTES = 2 * 1024**3  # < 2 GiB resident
WRITE_BLOCK = 100_000  # units generated and written at a time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000_000, help="units in the file (default 10,000,000)")
    parser.add_argument("--quick", action="store_true", help="200,000 units")
    parser.add_argument("--chunk-size", type=int, default=100_000, help="rows a chunk (default 100,000)")
    parser.add_argument("--framework", type=Path, default=FRAMEWORK)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()),
                        help="where the files go (default: the temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the CSV file and the output")
    parser.add_argument("--data", type=Path, help="an existing file of this benchmark's data (kept), not written anew")
    args = parser.parse_args(argv)
    units = 200_000 if args.quick else args.units
    framework = dtiscore.load(args.framework)
    data = args.data or args.dir / f"dtiscore-stream-{units}.csv"
    output = args.dir / f"dtiscore-stream-{units}-scores.csv"
    try:
        if args.data:
            with open(data, "rb") as handle:
                units = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 24), b"")) - 1
        else:
            seconds = generate(framework, units, data)
            print(f"wrote {data}: {units:,} units, {data.stat().st_size / 1e9:.2f} GB in {seconds:.0f} s")
        seconds = read_alone(data, args.chunk_size)
        print(f"reader alone (chunks of {args.chunk_size:,}): {seconds:.1f} s, {units / seconds:,.0f} rows/s")
        seconds, cpu, peak = score(args.framework, data, output, args.chunk_size)
        print(f"dtiscore score --chunk-size {args.chunk_size:,}: {seconds:.1f} s, {units / seconds:,.0f} rows/s; "
              f"CPU {cpu:.1f} s ({units / cpu:,.0f} rows per CPU second); peak resident {peak / 2**20:,.0f} MiB")
        verdict = "met" if peak < TARGET_BYTES else "NOT met"
        print(f"target < 2 GiB resident for {units:,} units: {verdict}")
        return 0 if peak < TARGET_BYTES else 1
    finally:
        if not args.keep:
            for path in (output,) if args.data else (data, output):
                path.unlink(missing_ok=True)


def generate(framework: dtiscore.Framework, units: int, path: Path) -> float:
    """Write `units` rows of synthetic data, a block at a time; seconds taken."""
    start = time.perf_counter()
    names = list(framework.inputs)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(["unit", *names]) + "\n")
        for first in range(0, units, WRITE_BLOCK):
            count = min(WRITE_BLOCK, units - first)
            block = synthetic_data(framework, count, seed=first)
            cells = [[f"u{i:08d}" for i in range(first, first + count)]]
            cells += [_texts(framework.inputs[name].type, block[name]) for name in names]
            handle.write("\n".join(map(",".join, zip(*cells))) + "\n")
    return time.perf_counter() - start


def _texts(kind: str, values: np.ndarray) -> list[str]:
    if kind == "count":
        return values.astype(np.int64).astype(str).tolist()
    if kind == "bool":
        return np.where(values, "true", "false").tolist()
    if values.dtype.kind == "f":
        return list(map(repr, values.tolist()))  # shortest text that reads back to the same float
    return values.tolist()


def read_alone(path: Path, size: int) -> float:
    """Seconds to read the file a chunk at a time, with every check, scoring nothing."""
    start = time.perf_counter()
    for _ in csvarrow.read_chunks(path, size):
        pass
    return time.perf_counter() - start


def score(framework: Path, data: Path, output: Path, size: int) -> tuple[float, float, int]:
    """(seconds, CPU seconds, peak resident bytes) of `dtiscore score --chunk-size` in a child process."""
    return measured([sys.executable, "-m", "dtiscore", "score", str(framework), str(data),
                     "--chunk-size", str(size), "-o", str(output)])


# Run by a small Python process that starts the command and prints its usage: Linux counts in
# a child's peak memory the memory of the process it was forked from (this benchmark's, which
# holds the data it generated), so the command is forked from a process that holds nothing.
_MEASURE = """
import resource, subprocess, sys
status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(status, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def measured(command: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of every thread, peak resident bytes) of `command`, run with
    this checkout's dtiscore."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    report = subprocess.run([sys.executable, "-c", _MEASURE, *command], env=env, check=True,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    status, cpu, peak = report.stdout.split()
    if int(status):
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return seconds, float(cpu), int(peak) * 1024  # KiB on Linux


if __name__ == "__main__":
    sys.exit(main())

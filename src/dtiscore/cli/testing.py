"""Commands: fmt (the canonical layout of .dti files), test (a framework's golden cases),
verify (its invariants on generated data)."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from ..api import load
from ..testing.cases import SUFFIX, cases_path, read_cases
from ..testing.cases_run import run_cases, summary
from ..errors import DtiError
from ..language.fmt import format_text
from ..explain.wording import counted, word
from .core import lang_option, params_option, parse_params, progress_option
from .progress import Progress, shown


def register(commands) -> None:
    fmt = commands.add_parser(
        "fmt", help="rewrite .dti files in the canonical layout (comments kept)")
    fmt.add_argument("paths", nargs="+", metavar="FILE.dti",
                     help="files or folders (every .dti below); '-' reads standard input and prints the result")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; list the files that would change and exit 1 if there are any")
    fmt.add_argument("--diff", action="store_true", help="change nothing; print what would change as a diff")
    fmt.set_defaults(run=_fmt)

    test = commands.add_parser(
        "test", help="run a framework's golden cases (FILE.cases.toml next to FILE.dti)")
    test.add_argument("paths", nargs="+", metavar="FILE.dti",
                      help="frameworks, cases files, or folders (every *.cases.toml below)")
    test.add_argument("-k", "--case", action="append", default=[], metavar="NAME",
                      help="run only the cases whose name contains NAME (repeatable)")
    test.add_argument("-q", "--quiet", action="store_true", help="print only the cases that fail")
    test.set_defaults(run=_test)

    verify = commands.add_parser(
        "verify", help="check a framework's invariants on generated data; print a failing data row")
    verify.add_argument("framework", metavar="FILE.dti")
    verify.add_argument("--examples", type=_positive, default=100, metavar="N",
                        help="how many data sets to generate (default 100)")
    verify.add_argument("--seed", type=int, metavar="S", help="draw the same data as an earlier run")
    verify.add_argument("--max-units", type=_positive, default=6, metavar="N",
                        help="the most units in one data set (default 6)")
    lang_option(verify, "language of the summary")
    progress_option(verify)
    params_option(verify)
    verify.set_defaults(run=_verify)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MOST:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to {MOST}")
    return value


MOST = 1_000_000  # examples or units a verify run can draw


# ---- fmt ------------------------------------------------------------------------------------


def _fmt(args) -> int:
    status = 0
    changed = unchanged = 0
    for path in _files(args.paths, ".dti"):
        try:
            if path == "-":
                before = sys.stdin.read()
                after = format_text(before, "<stdin>")
            else:
                before = _read(path)
                after = format_text(before, str(path))
        except DtiError as error:
            print(error, file=sys.stderr)
            status = 1
            continue
        if after == before:
            unchanged += 1
            if path == "-" and not (args.check or args.diff):
                sys.stdout.write(after)
            continue
        changed += 1
        name = "<stdin>" if path == "-" else str(path)
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(
                before.splitlines(keepends=True), after.splitlines(keepends=True), name, name))
        if args.check:
            print(f"would reformat {name}")
            status = 1
        elif path == "-" and not args.diff:
            sys.stdout.write(after)
        elif not args.diff:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(after)
            print(f"reformatted {name}", file=sys.stderr)
    if args.check or len(args.paths) > 1 or any(Path(p).is_dir() for p in args.paths if p != "-"):
        verb = "would be reformatted" if args.check or args.diff else "reformatted"
        print(f"{changed} file{'s' if changed != 1 else ''} {verb}, {unchanged} unchanged", file=sys.stderr)
    return status


def _read(path: Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except OSError as error:
        raise DtiError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise DtiError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def _files(paths: list[str], suffix: str) -> list:
    """The paths, with every file ending in `suffix` below each folder, sorted."""
    out: list = []
    for name in paths:
        if name == "-":
            out.append("-")
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob(f"*{suffix}") if p.is_file())
            if not found:
                raise DtiError(f"{path}: no {suffix} files in this folder")
            out += found
        else:
            out.append(path)
    return out


# ---- test -----------------------------------------------------------------------------------


def _test(args) -> int:
    failed = False
    outcomes_all = []
    for path in _cases_files(args.paths):
        try:
            cases = read_cases(path)
        except DtiError as error:
            print(f"ERROR {path}\n{error}", file=sys.stderr)
            failed = True
            continue
        names = [c.name for c in cases.cases if not args.case or any(k in c.name for k in args.case)]
        outcomes = run_cases(cases, names)
        outcomes_all += outcomes
        print(f"{path} ({cases.framework_path.name})")
        for outcome in outcomes:
            if not (args.quiet and outcome.passed):
                print("  " + outcome.report().replace("\n", "\n  "))
        failed = failed or not all(o.passed for o in outcomes)
    if outcomes_all:
        print(summary(outcomes_all))
    elif args.case:
        print(f"no case name contains {' or '.join(map(repr, args.case))}", file=sys.stderr)
    return 1 if failed or not outcomes_all else 0


def _cases_files(paths: list[str]) -> list[Path]:
    out = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
            if not found:
                raise DtiError(f"{path}: no {SUFFIX} files in this folder")
            out += found
        elif path.name.endswith(SUFFIX):
            out.append(path)
        else:
            cases = cases_path(path)
            if not cases.exists():
                raise DtiError(f"{path}: no golden cases: write them in {cases} (see docs/testing.md)")
            out.append(cases)
    return out


# ---- verify ---------------------------------------------------------------------------------


def _verify(args) -> int:
    """Exit 0 when every invariant holds (warnings printed), 1 with the failing data on
    standard output as a CSV file `dtiscore explain` reads."""
    from ..testing import InvariantError, check_framework  # hypothesis: imported by the one command that draws

    framework = load(args.framework, params=parse_params(args.param))
    if framework.warnings:
        print(framework.render_warnings(), file=sys.stderr)
    lang = args.lang or "en"
    progress = Progress.for_run(framework.id, forced=args.progress)
    try:
        with shown(progress):
            done = check_framework(framework, max_examples=args.examples, seed=args.seed, max_units=args.max_units,
                                   progress=lambda n: progress.counting(n, args.examples, "data sets checked"))
    except InvariantError as error:
        print(f"{args.framework}: {error}", file=sys.stderr)
        print(word("smallest data", lang).format(seed=error.seed) +
              f"\n    dtiscore explain {args.framework} FILE.csv --unit {error.unit}", file=sys.stderr)
        sys.stdout.write(error.to_csv())
        return 1
    print(f"ok: {framework.id} — {counted(len(done.invariants), 'invariant', lang=lang)} {word('holds on' if len(done.invariants) == 1 else 'hold on', lang)} "
          f"{counted(done.examples, 'data set', lang=lang)} ({word('seed', lang)} {done.seed})"
          + (f", {counted(len(framework.warnings), 'warning', lang=lang)}" if framework.warnings else ""))
    return 0

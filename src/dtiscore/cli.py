"""The `dtiscore` command line: check, score and explain."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .api import load
from .errors import DtiError
from .tables import read_csv, write_csv


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except DtiError as error:
        print(error, file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `dtiscore score ... | head`
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dtiscore", description="Score DTI frameworks written as .dti files.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check a framework file: syntax, names, types, points")
    check.add_argument("framework", metavar="FILE.dti")
    _params_option(check)
    check.set_defaults(run=_check)

    score = commands.add_parser("score", help="score every unit of a CSV file")
    score.add_argument("framework", metavar="FILE.dti")
    score.add_argument("data", metavar="DATA.csv")
    score.add_argument("-o", "--output", metavar="OUT.csv", help="write here instead of standard output")
    _params_option(score)
    score.set_defaults(run=_score)

    explain = commands.add_parser("explain", help="explain one unit's points and lost points")
    explain.add_argument("framework", metavar="FILE.dti")
    explain.add_argument("data", metavar="DATA.csv")
    explain.add_argument("--unit", required=True, metavar="ID", help="the unit's id (its 'unit' cell)")
    _params_option(explain)
    explain.set_defaults(run=_explain)
    return parser


def _params_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                         help="override a param (repeatable); VALUE is a number, a percent or true/false")


def _params(pairs: list[str]) -> dict[str, object]:
    params: dict[str, object] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep:
            raise DtiError(f"--param {pair!r}: write NAME=VALUE")
        text = text.strip()
        if text.lower() in ("true", "false"):
            params[name.strip()] = text.lower() == "true"
            continue
        try:
            params[name.strip()] = float(text[:-1] + "e-2") if text.endswith("%") else float(text)
        except ValueError:
            raise DtiError(f"--param {pair!r}: {text!r} is not a number, a percent or true/false") from None
    return params


def _check(args) -> int:
    framework = load(args.framework, params=_params(args.param))
    if framework.warnings:
        print(framework.render_warnings(), file=sys.stderr)
    root = framework.root
    print(f"ok: {framework.id} — {len(framework.nodes)} nodes, {len(framework.groups)} groups, "
          f"{len(framework.criteria)} criteria, {root.max:g} points"
          + (f", {len(framework.warnings)} warnings" if framework.warnings else ""))
    return 0


def _scored(args):
    framework = load(args.framework, params=_params(args.param))
    units, columns = read_csv(args.data)
    return framework.score(columns, units=units)


def _score(args) -> int:
    result = _scored(args)
    table = result.table()
    if args.output:
        write_csv(args.output, table)
    else:
        write_csv(sys.stdout, table)
    return 0


def _explain(args) -> int:
    result = _scored(args)
    print(result.explain(args.unit))
    return 0


if __name__ == "__main__":
    sys.exit(main())

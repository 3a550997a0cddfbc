"""Commands: check, score, explain."""

from __future__ import annotations

import argparse
import sys

from ..api import load
from ..errors import DtiError
from ..tables import read_csv, write_csv


def register(commands) -> None:
    check = commands.add_parser("check", help="check a framework file: syntax, names, types, points")
    check.add_argument("framework", metavar="FILE.dti")
    params_option(check)
    check.set_defaults(run=_check)

    score = commands.add_parser("score", help="score every unit of a CSV file")
    score.add_argument("framework", metavar="FILE.dti")
    score.add_argument("data", metavar="DATA.csv")
    score.add_argument("-o", "--output", metavar="OUT.csv", help="write here instead of standard output")
    params_option(score)
    score.set_defaults(run=_score)

    explain = commands.add_parser("explain", help="explain one unit's points and lost points")
    explain.add_argument("framework", metavar="FILE.dti")
    explain.add_argument("data", metavar="DATA.csv")
    explain.add_argument("--unit", required=True, metavar="ID", help="the unit's id (its 'unit' cell)")
    params_option(explain)
    explain.set_defaults(run=_explain)


def params_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                         help="override a param (repeatable); VALUE is a number, a percent or true/false")


def parse_params(pairs: list[str]) -> dict[str, object]:
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
    framework = load(args.framework, params=parse_params(args.param))
    if framework.warnings:
        print(framework.render_warnings(), file=sys.stderr)
    root = framework.root
    print(f"ok: {framework.id} — {len(framework.nodes)} nodes, {len(framework.groups)} groups, "
          f"{len(framework.criteria)} criteria, {root.max:g} points"
          + (f", {len(framework.warnings)} warnings" if framework.warnings else ""))
    return 0


def scored(args):
    """Load the framework and score the data file the command names."""
    framework = load(args.framework, params=parse_params(args.param))
    units, columns = read_csv(args.data)
    return framework.score(columns, units=units)


def _score(args) -> int:
    result = scored(args)
    table = result.table()
    if args.output:
        write_csv(args.output, table)
    else:
        write_csv(sys.stdout, table)
    return 0


def _explain(args) -> int:
    result = scored(args)
    print(result.explain(args.unit))
    return 0

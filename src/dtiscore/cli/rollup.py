"""Command: rollup (units combined into parents: communes into their province, provinces that
merged into one)."""

from __future__ import annotations

import sys

from ..analyses.rollup import HOWS
from ..api import load
from ..errors import DtiError, did_you_mean
from ..io.tables import read_table, score_table, write_table
from .core import data_options, params_option, parse_params


def register(commands) -> None:
    roll = commands.add_parser("rollup", help="units combined into parents (communes into their province, merged "
                                              "provinces into one): parent, units, total, index, rank, tag views, "
                                              "each group's index")
    roll.add_argument("framework", metavar="FILE.dti")
    roll.add_argument("data", metavar="DATA")
    roll.add_argument("--by", required=True, metavar="COLUMN",
                      help="the column of DATA naming each unit's parent (a unit with an empty cell is left out)")
    roll.add_argument("--how", choices=HOWS, default="mean",
                      help="mean (default: each index the mean of the units' indices, the 2024 rule for merged "
                           "provinces) or sum (points and maxima add up)")
    roll.add_argument("--weights", metavar="COLUMN", help="a column of weights for the mean (e.g. population)")
    roll.add_argument("-o", "--output", metavar="OUT", help="write the table here (.csv, .json, .txt, ...)")
    roll.add_argument("--format", choices=("csv", "json", "table"), help="csv (default), json or table")
    params_option(roll)
    data_options(roll)
    roll.set_defaults(run=_rollup)


def _rollup(args) -> int:
    framework = load(args.framework, params=parse_params(args.param))
    table = read_table(args.data, delimiter=args.delimiter, sheet=args.sheet)
    result = score_table(framework, table, decimal_comma=args.decimal_comma)
    parents = [None if cell is None or not str(cell).strip() else str(cell).strip() for cell in _column(table, args.by)]
    weights = None
    if args.weights:
        try:
            weights = [float(str(cell).replace(",", ".")) for cell in _column(table, args.weights)]
        except (TypeError, ValueError):
            raise DtiError(f"--weights {args.weights}: every cell must be a number") from None
    rolled = result.rollup(parents, how=args.how, weights=weights)
    write_table(args.output or sys.stdout, rolled.table(), args.format if args.format or args.output else "csv")
    return 0


def _column(table, name: str) -> list:
    if name not in table.columns:
        close = did_you_mean(name, list(table.columns))
        raise DtiError(f"no column {name!r} in {table.source}" + (f" (did you mean '{close}'?)" if close else ""))
    return list(table.columns[name])

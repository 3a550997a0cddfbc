"""Commands: check, score, explain."""

from __future__ import annotations

import argparse
import sys

from ..api import load
from ..errors import DtiError, did_you_mean
from ..io.stream import score_csv
from ..io.output import FORMATS, WRITE_FORMATS, write_table
from ..io.tables import CsvChunks, peers, read_table, score_table, with_rank
from .progress import Progress


def register(commands) -> None:
    check = commands.add_parser("check", help="check a framework file: syntax, names, types, points")
    check.add_argument("framework", metavar="FILE.dti")
    params_option(check)
    check.set_defaults(run=_check)

    score = commands.add_parser("score", help="score every unit of a data file (CSV, Excel, Parquet, JSON)")
    score.add_argument("framework", metavar="FILE.dti")
    score.add_argument("data", metavar="DATA", help="a .csv, .xlsx, .parquet, .json or .jsonl file")
    output_option(score)
    score.add_argument("--format", choices=STDOUT_FORMATS,
                       help="csv, tsv, json (a list of records), jsonl (a record a line) or table (aligned text, "
                            "rounded, best rank first); default: table on a terminal, csv when piped, and with "
                            "-o the output's extension")
    score.add_argument("--rank-by", metavar="COLUMN",
                       help="rank within peer groups: units with the same value in COLUMN (an input or "
                            "another column of the data file, e.g. has_procedures) are ranked among themselves")
    score.add_argument("--chunk-size", type=_chunk_size, metavar="N",
                       help="read a CSV file N rows at a time, for files larger than memory (csv or json "
                            "output; the same output as without it)")
    params_option(score)
    data_options(score)
    score.set_defaults(run=_score)

    explain = commands.add_parser("explain", help="explain one unit's points and lost points")
    explain.add_argument("framework", metavar="FILE.dti")
    explain.add_argument("data", metavar="DATA", help="a .csv, .xlsx, .parquet, .json or .jsonl file")
    explain.add_argument("--unit", required=True, metavar="ID", help="the unit's id (its 'unit' cell)")
    explain.add_argument("--format", choices=("text", "json"), default="text",
                         help="text (default) or json (schema dtiscore.explain/1, see docs/explanations.md)")
    explain.add_argument("--lang", choices=("vi", "en"),
                         help="language of reasons (default: vi for a framework with a Vietnamese title)")
    explain.add_argument("--top", type=int, default=10, metavar="N",
                         help="deductions listed, most lost first (default 10; 0 for all)")
    params_option(explain)
    data_options(explain)
    explain.set_defaults(run=_explain)

    lsp = commands.add_parser("lsp", help="run the language server for editors (LSP over standard input and output)")
    lsp.set_defaults(run=_lsp)


STDOUT_FORMATS = tuple(f for f in FORMATS if f not in ("xlsx", "parquet"))  # what a terminal or a pipe takes


def output_option(command: argparse.ArgumentParser, metavar: str = "OUT") -> None:
    """-o: the file to write, its format chosen by its extension (`io.output`)."""
    command.add_argument("-o", "--output", metavar=metavar,
                         help="write here instead of standard output; the extension chooses the format: "
                              + ", ".join(WRITE_FORMATS) + " (floats in full; .txt is rounded for reading)")


def params_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                         help="override a param (repeatable); VALUE is a number, a percent or true/false")


def data_options(command: argparse.ArgumentParser) -> None:
    """How to read the data file: CSV delimiter and decimal comma, Excel sheet."""
    group = command.add_argument_group("reading the data file")
    group.add_argument("--delimiter", metavar="CHAR", type=_delimiter,
                       help="CSV cell separator (default: ',', ';' or tab, whichever the header uses); 'tab' for a tab")
    group.add_argument("--decimal-comma", action="store_true",
                       help="numbers are written with a decimal comma (848,47), in the data file and in the CSV "
                            "or TSV written (then ';'-separated), as a spreadsheet set up for a decimal comma does")
    group.add_argument("--thousands", metavar="SEP", type=_thousands,
                       help="the data file's numbers have this thousands separator (1.234.567 with '.'); "
                            "never guessed")
    group.add_argument("--sheet", metavar="NAME", help="Excel: the sheet to read (default: the first)")


def _delimiter(text: str) -> str:
    text = "\t" if text.lower() in ("tab", "\\t") else text
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"a delimiter is one character (or 'tab'), not {text!r}")
    return text


def _thousands(text: str) -> str:
    text = " " if text.lower() == "space" else text
    if text not in (".", ",", " ", "'", "\u00a0"):
        raise argparse.ArgumentTypeError(f"a thousands separator is '.', ',', ' ' (or 'space') or \"'\", not {text!r}")
    return text


def thousands_hook(args) -> None:
    """--thousands, declared: the columnar CSV reader takes it (`args.thousands`); until it
    does, a clear error rather than numbers read wrong."""
    separator = getattr(args, "thousands", None)
    if separator is None:
        return
    mark = "," if getattr(args, "decimal_comma", False) else "."
    if separator == mark:
        raise DtiError(f"--thousands {separator!r}: {separator!r} is the decimal mark"
                       + ("" if mark == "," else " (with --decimal-comma, ',' is, and '.' may separate thousands)"))
    raise DtiError(f"--thousands {separator!r}: reading thousands separators is not supported yet; "
                   "write the numbers without them")


def _chunk_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"a chunk size is a number of rows, a whole number ≥ 1, not {text!r}")
    return size


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 param', '2 params': a count with its noun."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


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
    print(f"ok: {framework.id} — {counted(len(framework.nodes), 'node')}, "
          f"{counted(len(framework.groups), 'group')}, {counted(len(framework.criteria), 'criterion', 'criteria')}, "
          f"{root.max:g} points" + (f", {counted(len(framework.warnings), 'warning')}" if framework.warnings else ""))
    return 0


def scored(args):
    """Load the framework and score the data file the command names."""
    return read_and_score(args)[0]


def read_and_score(args, progress: Progress | None = None):
    """(Result, Table): the framework scored on the data file, which is read with the
    command's data options; data errors name file:row, unit, column and value."""
    framework = load(args.framework, params=parse_params(args.param))
    thousands_hook(args)
    table = read_table(args.data, delimiter=getattr(args, "delimiter", None), sheet=getattr(args, "sheet", None),
                       progress=progress.reading if progress else None)
    if progress:
        progress.stage(f"scoring {len(table):,} units")
    result = score_table(framework, table, decimal_comma=getattr(args, "decimal_comma", False))
    return result, table


def _score(args) -> int:
    progress = Progress.for_file(args.data)
    if args.chunk_size:
        return _score_chunked(args, progress)
    try:
        result, table = read_and_score(args, progress)
        columns = result.table()
        if args.rank_by:
            columns = _ranked_by(columns, result, table, args.rank_by)
        progress.stage("writing")
        terminal = not args.output and is_terminal(sys.stdout)
        format = args.format or (None if args.output else "table" if terminal else "csv")
        if format == "table" and terminal:
            columns = by_rank(columns)
        write_table(args.output or sys.stdout, columns, format, args.decimal_comma)
    finally:
        progress.done()
    return 0


def is_terminal(stream) -> bool:
    """Whether `stream` is read by a person (a terminal), not a pipe or a file."""
    return getattr(stream, "isatty", lambda: False)()


def by_rank(columns: dict) -> dict:
    """The table's rows, best rank first (ties in the data's order, units without a rank
    last): a table on a terminal is read from the top."""
    if "rank" not in columns:
        return columns
    ranks = [_number(rank) for rank in columns["rank"]]
    order = sorted(range(len(ranks)), key=lambda i: (ranks[i] is None, ranks[i] or 0, i))
    return {name: [values[i] for i in order] for name, values in columns.items()}


def _number(value) -> float | None:
    value = value.item() if hasattr(value, "item") else value
    return None if value is None or value != value else value


def _score_chunked(args, progress: Progress) -> int:
    """`score --chunk-size N`: the same output, the CSV file read N rows at a time."""
    framework = load(args.framework, params=parse_params(args.param))
    thousands_hook(args)
    chunks = CsvChunks(framework, args.data, args.chunk_size, delimiter=args.delimiter,
                       decimal_comma=args.decimal_comma, progress=progress.stage)
    try:
        score_csv(framework, chunks, args.output or sys.stdout, args.format if args.format or args.output else "csv",
                  args.rank_by, decimal_comma=args.decimal_comma)
    finally:
        progress.done()
    return 0


def _ranked_by(columns: dict, result, table, name: str) -> dict:
    """The table with `rank` within peer groups and the peer column shown after it."""
    return with_rank(columns, result.rank(by=peers(result, table, name)), name, table.columns[name])


def _explain(args) -> int:
    from ..explain.explanation import render_text, to_json

    explanation = scored(args).explain(args.unit, lang=args.lang)
    top = args.top or None
    print(to_json(explanation, top) if args.format == "json" else render_text(explanation, top))
    return 0


def _lsp(args) -> int:
    try:
        from ..lsp.server import serve
    except ImportError as error:  # pygls, the `lsp` extra, is not installed
        raise DtiError(f"dtiscore lsp needs pygls ({error}): pip install 'dtiscore[lsp]'") from None
    serve()
    return 0

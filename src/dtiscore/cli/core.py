"""Commands: check, score, explain."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..api import load
from ..errors import DtiError, did_you_mean
from ..engine.ranks import rank_cells
from ..explain.wording import LANGS, counted, headings, points_text
from ..io.formats import terminal as text_table
from ..io.stream import score_csv
from ..io.output import FORMATS, WRITE_FORMATS, write_table
from ..io.tables import CsvChunks, peers, read_table, score_table, with_rank
from .progress import Progress, is_terminal, shown


def register(commands) -> None:
    check = commands.add_parser("check", help="check a framework file: syntax, names, types, points")
    check.add_argument("framework", metavar="FILE.dti")
    lang_option(check, "language of the summary")
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
    lang_option(score, "language of a table's headings (unit, total, index, band, rank)")
    score.add_argument("--engine", choices=("auto", "numpy", "numba"), default="auto",
                       help="numpy (auto, the default) or numba (pip install 'dtiscore[numba]'): "
                            "the same scores")
    params_option(score)
    data_options(score)
    score.set_defaults(run=_score)

    explain = commands.add_parser("explain", help="explain one unit's points and lost points")
    explain.add_argument("framework", metavar="FILE.dti")
    explain.add_argument("data", metavar="DATA", help="a .csv, .xlsx, .parquet, .json or .jsonl file")
    explain.add_argument("--unit", required=True, metavar="ID", help="the unit's id (its 'unit' cell)")
    explain.add_argument("--format", choices=("text", "json"), default="text",
                         help="text (default) or json (schema dtiscore.explain/1, see docs/explanations.md)")
    lang_option(explain, "language of reasons, statuses and headings (default: vi for a framework with a "
                         "Vietnamese title)")
    explain.add_argument("--top", type=int, default=10, metavar="N",
                         help="deductions listed, most lost first (default 10; 0 for all)")
    params_option(explain)
    data_options(explain)
    explain.set_defaults(run=_explain)

    lsp = commands.add_parser("lsp", help="run the language server for editors (LSP over standard input and output)")
    lsp.set_defaults(run=_lsp)


def lang_option(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--lang", choices=LANGS, help=what)


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
    progress_option(command)


def progress_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--progress", action="store_true",
                         help="report progress on standard error even when it is not a terminal, a line a step "
                              "(by default: only on a terminal, for a large data file)")


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


def thousands(args) -> str | None:
    """The thousands separator `--thousands` declares (None: not declared, never guessed);
    it cannot be the decimal mark."""
    separator = getattr(args, "thousands", None)
    mark = "," if getattr(args, "decimal_comma", False) else "."
    if separator is not None and separator == mark:
        raise DtiError(f"--thousands {separator!r}: {separator!r} is the decimal mark"
                       + ("" if mark == "," else " (with --decimal-comma, ',' is, and '.' may separate thousands)"))
    return separator


def _chunk_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"a chunk size is a number of rows, a whole number ≥ 1, not {text!r}")
    return min(size, sys.maxsize)  # more rows than any file holds: the whole file in one chunk


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
    lang = args.lang or "en"
    counts = [counted(len(framework.nodes), "node", lang=lang), counted(len(framework.groups), "group", lang=lang),
              counted(len(framework.criteria), "criterion", "criteria", lang), points_text(framework.root.max, lang)]
    if framework.warnings:
        counts.append(counted(len(framework.warnings), "warning", lang=lang))
    print(f"ok: {framework.id} — {', '.join(counts)}")
    return 0


def file_progress(args, path: str | None = None) -> Progress:
    """Progress of reading and scoring the command's data file (`path`, default DATA)."""
    return Progress.for_file(path or args.data, forced=getattr(args, "progress", False))


def read_and_score(args, progress: Progress | None = None, framework=None, path: str | None = None):
    """(Result, Table): the framework (default: the command's FILE.dti) scored on the data
    file (default: the command's DATA), which is read with the command's data options;
    data errors name file:row, unit, column and value."""
    framework = framework if framework is not None else load(args.framework, params=parse_params(args.param))
    separator = thousands(args)
    table = read_table(path or args.data, delimiter=getattr(args, "delimiter", None),
                       sheet=getattr(args, "sheet", None), progress=progress.reading if progress else None)
    if progress:
        progress.stage(f"scoring {counted(len(table), 'unit')}")
    result = score_table(framework, table, decimal_comma=getattr(args, "decimal_comma", False),
                         thousands=separator, engine=getattr(args, "engine", "auto"))
    return result, table


def _score(args) -> int:
    progress = file_progress(args)
    if args.chunk_size:
        return _score_chunked(args, progress)
    with shown(progress):
        result, table = read_and_score(args, progress)
        columns = result.table()
        if args.rank_by:
            columns = _ranked_by(columns, result, table, args.rank_by)
        progress.stage("writing")
        terminal = not args.output and is_terminal(sys.stdout)
        format = args.format or (None if args.output else "table" if terminal else "csv")
        if format == "table" and terminal:
            columns = by_rank(columns)
        write_columns(args.output or sys.stdout, columns, format, args.lang, args.decimal_comma)
    return 0


def write_columns(target, columns: dict, format: str | None, lang: str | None, decimal_comma: bool = False) -> None:
    """`write_table`, with a text table's headings in `lang` where it is given (unit →
    đơn vị); data formats (CSV, JSON, Excel, Parquet) keep the column names, which
    programs read."""
    text = format == "table" or (format is None and not hasattr(target, "write")
                                 and WRITE_FORMATS.get(Path(target).suffix.lower()) == "table")
    if not (lang and text):
        write_table(target, columns, format, decimal_comma)
        return
    rendered = text_table.render(columns, headings(columns, lang))
    if hasattr(target, "write"):
        target.write(rendered)
        return
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(rendered)
    except OSError as error:
        raise DtiError(f"{target}: cannot write: {error.strerror or error}") from None


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
    chunks = CsvChunks(framework, args.data, args.chunk_size, delimiter=args.delimiter,
                       decimal_comma=args.decimal_comma, thousands=thousands(args), progress=progress.stage)
    try:
        score_csv(framework, chunks, args.output or sys.stdout, args.format if args.format or args.output else "csv",
                  args.rank_by, decimal_comma=args.decimal_comma)
    finally:
        progress.done()
    return 0


def _ranked_by(columns: dict, result, table, name: str) -> dict:
    """The table with `rank` within peer groups and the peer column shown after it."""
    return with_rank(columns, rank_cells(result.rank(by=peers(result, table, name))), name, table.columns[name])


def _explain(args) -> int:
    from ..explain.explanation import render_text, to_json

    with shown(file_progress(args)) as progress:
        result = read_and_score(args, progress)[0]
        progress.stage(f"explaining {args.unit}")
        explanation = result.explain(args.unit, lang=args.lang)
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

"""Data files in and out: `read_table` picks a reader by the file's extension (CSV, Excel,
Parquet, JSON), `score_table` scores what it read and names file and row in any data error,
`write_table` writes results as CSV, JSON, a text table, Excel or Parquet.

A data file has a header of input names and a `unit` column of unit ids; other columns are
kept (for `--rank-by`) and otherwise ignored. The readers live in `dtiscore.formats`, one
module per format; Excel and Parquet need the `excel` and `parquet` extras.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

from .errors import DataError, DataProblem, DtiError
from .formats import csvfile, excel, jsonfile, parquet, text
from .formats.common import UNIT_COLUMN, Table

if TYPE_CHECKING:
    from .framework import Framework
    from .result import Result

__all__ = ["Table", "UNIT_COLUMN", "read_table", "score_table", "write_table", "locate",
           "read_csv", "parse_csv", "write_csv", "READ_FORMATS", "WRITE_FORMATS"]

READ_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
                ".parquet": "parquet", ".pq": "parquet", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
WRITE_FORMATS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".txt": "table", ".xlsx": "xlsx",
                 ".parquet": "parquet", ".pq": "parquet"}


def read_table(path: str | os.PathLike, *, delimiter: str | None = None, sheet: str | None = None,
               unit_column: str = UNIT_COLUMN, progress: Callable[[float], None] | None = None) -> Table:
    """Read a data file, by its extension: .csv/.tsv/.txt, .xlsx, .parquet, .json, .jsonl.
    delimiter: CSV only (default: `,`, `;` or tab, whichever the header uses); sheet: Excel
    only (default: the first sheet); progress: CSV only, called with the share read so far."""
    kind = _format(path, READ_FORMATS, "read")
    with gc_paused():
        return _read(path, kind, delimiter, sheet, unit_column, progress)


def _read(path, kind, delimiter, sheet, unit_column, progress) -> Table:
    if kind == "csv":
        if delimiter is None and Path(path).suffix.lower() == ".tsv":
            delimiter = "\t"
        return csvfile.read(path, delimiter, unit_column, progress)
    if kind == "xlsx":
        return excel.read(path, sheet, unit_column)
    if kind == "parquet":
        return parquet.read(path, unit_column)
    if kind == "json":
        return jsonfile.read(path, unit_column)
    return jsonfile.read_lines(path, unit_column)


def score_table(framework: "Framework", table: Table, *, invalid: str = "raise",
                decimal_comma: bool = False) -> "Result":
    """Score a table read by `read_table`; a `DataError` names file:row, unit, column, value.
    decimal_comma: numbers in text cells are written `848,47` (only then: `1,234` is ambiguous)."""
    columns: dict[str, Any] = dict(table.columns)
    if decimal_comma:
        columns.update(_decimal_comma(framework, table))
    for name in framework.inputs:
        if isinstance(columns.get(name), list):  # cells as they are: no guessing of a dtype
            cells = np.empty(len(table), dtype=object)
            cells[:] = columns[name]
            columns[name] = cells
    try:
        with gc_paused():
            return framework.score(columns, units=table.units, invalid=invalid)
    except DataError as error:
        raise locate(error, table) from None


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection for a while: reading and checking a large file makes
    millions of small objects without cycles, which the collector would scan again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def locate(error: DataError, table: Table) -> DataError:
    """The same error with each problem prefixed by `file:row` (the header's row for a
    missing column, the file alone where no unit is involved)."""
    problems = []
    positions: dict[str, int] | None = None
    for problem in error.details:
        if problem.message.startswith(table.source + ":"):
            problems.append(problem)
            continue
        position = problem.position
        if position is None and problem.message.startswith("unit "):  # e.g. on_missing error, raised by scoring
            positions = positions if positions is not None else {repr(u): i for i, u in enumerate(table.units)}
            named = re.match(r"unit ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", problem.message)
            position = positions.get(named.group(1)) if named else None
        where = table.where(position) if position is not None else (
            table.where(None) if problem.column is not None else table.source)
        problems.append(DataProblem(f"{where}: {problem.message}", position, problem.column))
    return type(error)(problems)


def write_table(target: Any, columns: Mapping[str, Sequence[object]], format: str | None = None) -> None:
    """Write columns (name → values): to a path (format by its extension unless given), or
    to an open text file (format csv, json or table; default csv)."""
    if format is None:
        format = _format(target, WRITE_FORMATS, "write") if isinstance(target, (str, os.PathLike)) else "csv"
    if format == "csv":
        delimiter = "\t" if isinstance(target, (str, os.PathLike)) and Path(target).suffix.lower() == ".tsv" else ","
        _to(target, lambda handle: csvfile.write(handle, columns, delimiter))
    elif format == "json":
        _to(target, lambda handle: jsonfile.write(handle, columns))
    elif format == "table":
        _to(target, lambda handle: text.write(handle, columns))
    elif format == "xlsx":
        excel.write(_path(target, format), columns)
    elif format == "parquet":
        parquet.write(_path(target, format), columns)
    else:
        raise DtiError(f"unknown output format {format!r} (csv, json, table, xlsx, parquet)")


# ---- compatibility: the CSV-only functions of v0.1


def read_csv(path: str | os.PathLike, unit_column: str = UNIT_COLUMN) -> tuple[list[str], dict[str, list[str]]]:
    """(unit ids, column name → list of cell texts)."""
    table = csvfile.read(path, None, unit_column)
    return table.units, dict(table.columns)


def parse_csv(text_: str, name: str = "<data>", unit_column: str = UNIT_COLUMN) -> tuple[list[str], dict[str, list[str]]]:
    table = csvfile.parse(text_, name, None, unit_column)
    return table.units, dict(table.columns)


def write_csv(target: Any, columns: Mapping[str, Sequence[object]]) -> None:
    """Write columns (name → values) as CSV to a path or an open text file."""
    csvfile.write(target, columns)


# ---- helpers


def _format(path: Any, formats: dict[str, str], verb: str) -> str:
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix in formats:
        return formats[suffix]
    known = ", ".join(sorted(formats))
    hint = "; save the workbook as .xlsx" if suffix == ".xls" else ""
    raise DtiError(f"{os.fspath(path)}: cannot {verb} {suffix or 'a file without an extension'} files "
                   f"(dtiscore {verb}s {known}){hint}")


def _path(target: Any, format: str) -> str | os.PathLike:
    if not isinstance(target, (str, os.PathLike)):
        raise DtiError(f"{format} output goes to a file: use -o FILE.{format}")
    return target


def _to(target: Any, write: Callable[[Any], None]) -> None:
    if not isinstance(target, (str, os.PathLike)):
        write(target)
        return
    try:
        with open(target, "w", encoding="utf-8", newline="") as handle:
            write(handle)
    except OSError as error:
        raise DtiError(f"{os.fspath(target)}: cannot write: {error.strerror or error}") from None


_COMMA_NUMBER = re.compile(r"[+-]?\d+(,\d+)?\s*%?")
_POINT_NUMBER = re.compile(r"[+-]?[\d.,]*\d[\d.,]*\s*%?")


def _decimal_comma(framework: "Framework", table: Table) -> dict[str, list]:
    """Numeric input columns with `848,47` read as 848.47; a `.` in a number is an error
    (with a decimal comma, `1.234` may mean 1234 or 1.234)."""
    out: dict[str, list] = {}
    problems: list[DataProblem] = []
    for name, info in framework.inputs.items():
        if info.type not in ("count", "number", "share") or name not in table.columns:
            continue
        cells = list(table.columns[name])
        for position, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            value = cell.strip()
            if _COMMA_NUMBER.fullmatch(value):
                cells[position] = value.replace(",", ".")
            elif "." in value and _POINT_NUMBER.fullmatch(value) and len(problems) < 50:
                problems.append(DataProblem(
                    f"{table.where(position)}: unit {table.units[position]!r}, column '{name}': {cell!r} has a '.', "
                    "but with --decimal-comma ',' is the decimal mark: write a decimal as 848,47 and a whole "
                    "number without thousands separators",
                    position, name))
        out[name] = cells
    if problems:
        raise DataError(problems)
    return out

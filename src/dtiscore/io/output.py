"""Tables out: the one place that picks a writer, by the output's extension (or a format
named with `--format`), for every command that writes a table.

Files keep full precision (each float written so that reading it back gives the same float);
a table for a terminal (`.txt`, `--format table`) is rounded for reading. `decimal_comma`
writes CSV and TSV as spreadsheets set up for a decimal comma read them (Vietnamese, most of
Europe): `848,47`, cells separated by `;` (TSV: a tab). JSON, Excel and Parquet hold numbers
as numbers, which no locale misreads.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from ..errors import DtiError
from .formats import csvfile, excel, jsonfile, parquet, terminal

__all__ = ["WRITE_FORMATS", "FORMATS", "STREAMED_FORMATS", "output_format", "write_table", "writing",
           "streamed_format"]

WRITE_FORMATS = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
                 ".txt": "table", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
FORMATS = ("csv", "tsv", "json", "jsonl", "table", "xlsx", "parquet")
STREAMED_FORMATS = ("csv", "tsv", "json", "jsonl")  # written a block of units at a time: rows in order


def output_format(target: Any, format: str | None = None) -> str:
    """The format to write: `format` when given, else the path's extension (an open file: csv).
    An unknown extension or format is a DtiError that lists the choices."""
    if format is not None:
        if format not in FORMATS:
            raise DtiError(f"unknown output format {format!r}: dtiscore writes {', '.join(FORMATS)}")
        return format
    if not isinstance(target, (str, os.PathLike)):
        return "csv"
    suffix = Path(os.fspath(target)).suffix.lower()
    if suffix not in WRITE_FORMATS:
        raise DtiError(f"{os.fspath(target)}: cannot write {suffix or 'a file without an extension'} files; "
                       f"the output's extension chooses the format: {', '.join(WRITE_FORMATS)}")
    return WRITE_FORMATS[suffix]


def write_table(target: Any, columns: Mapping[str, Sequence[object]], format: str | None = None,
                decimal_comma: bool = False) -> None:
    """Write columns (name → values): to a path (format by its extension unless given), or
    to an open text file (default csv)."""
    format = output_format(target, format)
    if format in STREAMED_FORMATS:
        with writing(target, format, decimal_comma) as writer:
            writer.write(columns)
    elif format == "table":
        with _opened(target) as handle:
            terminal.write(handle, columns)
    elif format == "xlsx":
        excel.write(_path(target, format), columns)
    else:
        parquet.write(_path(target, format), columns)


@contextlib.contextmanager
def writing(target: Any, format: str | None = None, decimal_comma: bool = False) -> Iterator[Any]:
    """A writer whose `write(columns)` adds units to a CSV, TSV, JSON or JSON Lines output,
    for results that come a block of units at a time; the text is that of `write_table` on
    all the units."""
    format = streamed_format(target, format)
    as_is = isinstance(target, (str, os.PathLike)) or csvfile.writes_lines_as_is(target)  # we open with newline=""
    with _opened(target) as handle:
        writer = _WRITERS[format](handle, decimal_comma, as_is)
        yield writer
        writer.close()


_WRITERS: dict[str, Callable[[Any, bool, bool], Any]] = {  # (handle, decimal comma, lines as is)
    "csv": lambda handle, comma, as_is: csvfile.Writer(handle, ";" if comma else ",", comma, as_is),
    "tsv": lambda handle, comma, as_is: csvfile.Writer(handle, "\t", comma, as_is),
    "json": lambda handle, comma, as_is: jsonfile.Writer(handle),
    "jsonl": lambda handle, comma, as_is: jsonfile.LinesWriter(handle),
}


def streamed_format(target: Any, format: str | None = None) -> str:
    """The output's format, when it can be written a block of units at a time."""
    format = output_format(target, format)
    if format not in STREAMED_FORMATS:
        raise DtiError(f"{format} output is laid out from every unit at once: write csv, tsv, json or jsonl "
                       f"(-o OUT.csv, -o OUT.jsonl, ...) when scoring a chunk at a time")
    return format


def _path(target: Any, format: str) -> str | os.PathLike:
    if not isinstance(target, (str, os.PathLike)):
        raise DtiError(f"{format} output goes to a file: use -o FILE.{format}")
    return target


@contextlib.contextmanager
def _opened(target: Any) -> Iterator[Any]:
    """An open text file: `target` itself, or the path opened for writing."""
    if not isinstance(target, (str, os.PathLike)):
        yield target
        return
    try:
        handle = open(target, "w", encoding="utf-8", newline="")
    except OSError as error:
        raise DtiError(f"{os.fspath(target)}: cannot write: {error.strerror or error}") from None
    with handle:
        try:
            yield handle
        except OSError as error:  # e.g. the disk is full
            raise DtiError(f"{os.fspath(target)}: cannot write: {error.strerror or error}") from None

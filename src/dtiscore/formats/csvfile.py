"""CSV files: UTF-8 with or without a BOM, cells separated by `,`, `;` or a tab (found from
the header line unless given), leading `#` lines skipped (a template's labels live there)."""

from __future__ import annotations

import csv
import io
import os
from typing import Any, Callable, Iterator, Mapping, Sequence

from ..errors import DataError
from .common import UNIT_COLUMN, Table, from_rows

DELIMITERS = (",", ";", "\t")
_SHOWN = {",": "','", ";": "';'", "\t": "a tab"}
PROGRESS_EVERY = 50_000  # rows between progress reports


def read(path: str | os.PathLike, delimiter: str | None = None, unit_column: str = UNIT_COLUMN,
         progress: Callable[[float], None] | None = None) -> Table:
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as error:
        raise DataError([f"{name}: cannot read: {error.strerror or error}"]) from None
    except UnicodeDecodeError as error:
        raise DataError([f"{name}: not UTF-8 text ({error.reason} at byte {error.start}); "
                         "save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8)"]) from None
    return parse(text, name, delimiter, unit_column, progress)


def parse(text: str, name: str = "<data>", delimiter: str | None = None, unit_column: str = UNIT_COLUMN,
          progress: Callable[[float], None] | None = None) -> Table:
    """A table from CSV text. `delimiter` None: whichever of `,` `;` tab the header uses most."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if delimiter is not None and len(delimiter) != 1:
        raise DataError([f"{name}: the delimiter must be one character, not {delimiter!r}"])
    lines = io.StringIO(text, newline="")
    skipped, header_line = _skip_comments(lines)
    if header_line is None:
        raise DataError([f"{name}: the file is empty; it needs a header row ({unit_column}, then one column per input)"])
    chosen = delimiter or detect_delimiter(header_line)
    total_lines = max(1, text.count("\n"))
    reader = csv.reader(_chain(header_line, lines), delimiter=chosen)
    header = next(reader)
    header_row = skipped + 1
    _check_split(name, header, header_line, header_row, chosen, delimiter is not None, unit_column)
    rows: list[tuple[int, list[str]]] = []
    mismatched: list[tuple[int, list[str]]] = []
    width = len(header)
    start = reader.line_num
    for cells in reader:
        number = skipped + start + 1
        start = reader.line_num
        if len(cells) != width and "".join(cells).strip():
            mismatched.append((number, cells))
            continue
        rows.append((number, cells))
        if progress is not None and not len(rows) % PROGRESS_EVERY:
            progress(min(1.0, (skipped + start) / total_lines))
    if mismatched:
        raise DataError([_mismatch(name, mismatched, len(header), chosen)])
    if progress is not None:
        progress(1.0)
    return from_rows(name, header, rows, header_row, unit_column)


def detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _skip_comments(lines: io.StringIO) -> tuple[int, str | None]:
    """(how many leading lines are `#` comments or blank, the header line)."""
    skipped = 0
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            return skipped, line
        skipped += 1
    return skipped, None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _check_split(name: str, header: list[str], line: str, row: int, delimiter: str, forced: bool,
                 unit_column: str) -> None:
    if len(header) != 1 or header[0].strip() == unit_column:
        return
    others = [d for d in DELIMITERS if d != delimiter and d in line]
    shown = line.strip()
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if others:
        cause = (f"the cells are separated by {_SHOWN[others[0]]}, not {_SHOWN[delimiter]}"
                 + (f"; drop --delimiter or pass --delimiter '{others[0]}'" if forced else ""))
    else:
        cause = "dtiscore reads cells separated by ',', ';' or a tab (--delimiter to choose another)"
    raise DataError([f"{name}:{row}: the header is a single column ({shown!r}): {cause}"])


def _mismatch(name: str, rows: list[tuple[int, list[str]]], width: int, delimiter: str) -> str:
    number, cells = rows[0]
    text = f"{name}:{number}: {len(cells)} cells, but the header has {width}"
    joined = "".join(cells)
    if len(cells) < width and any(d in joined for d in DELIMITERS if d != delimiter):
        other = next(d for d in DELIMITERS if d != delimiter and d in joined)
        text += f" (this row looks separated by {_SHOWN[other]}, the header by {_SHOWN[delimiter]})"
    elif len(cells) > width and delimiter == ",":
        text += (" (a number written with a decimal comma, like 848,47, splits in two in a ','-separated"
                 " file: quote it, or separate the cells with ';')")
    if len(rows) > 1:
        text += f"; {len(rows) - 1} more rows like it"
    return text


def write(target: Any, columns: Mapping[str, Sequence[object]], delimiter: str = ",",
          comments: Sequence[Sequence[str]] = (), bom: bool = False) -> None:
    """Write columns (name → values) to a path or an open text file; `comments` are rows
    written first, each starting with a `#` cell (readers skip them)."""
    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            _write(handle, columns, delimiter, comments)
    else:
        _write(target, columns, delimiter, comments)


def _write(handle, columns, delimiter: str, comments) -> None:
    writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
    for row in comments:
        writer.writerow([" ".join(str(cell).split()) for cell in row])  # one physical line each
    names = list(columns)
    writer.writerow(names)
    for row in zip(*(columns[name] for name in names)):
        writer.writerow([cell_text(value) for value in row])


def cell_text(value: object) -> str:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if value != value:
            return ""
        return f"{value:.10g}"
    if value is None:
        return ""
    return str(value)

"""CSV files: UTF-8 with or without a BOM, cells separated by `,`, `;` or a tab (found from
the header line unless given), leading `#` lines skipped (a template's labels live there).

Rows are read a block of lines at a time, the whole file (`read`) or a chunk of it at a time
(`read_chunks`, for files larger than memory). A block without a quote character is split by
numpy's C reader, which cuts such lines exactly as the csv module does, at a fraction of the
cost; a block with quotes, blank lines, a row of the wrong width or an empty unit id goes
through the csv module, so every rule and error message is the csv module's.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import sys
import unicodedata
import warnings
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import attrs
import numpy as np

from ...engine.columns import unicode_twins
from ...errors import DataError, DataProblem, DtiError
from . import csvtext
from .common import UNIT_COLUMN, Table, from_cells, twice, unit_text

DELIMITERS = (",", ";", "\t")
_SHOWN = {",": "','", ";": "';'", "\t": "a tab"}
PROGRESS_EVERY = 50_000  # lines a block holds when the whole file is read, between progress reports
NOT_UTF8 = "save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8)"


@attrs.frozen
class Layout:
    """What the header line says: the delimiter, the column names, the header's row and the
    row of the first line after it."""

    name: str
    delimiter: str
    header: list[str]
    names: list[str]
    header_row: int
    first_row: int
    unit_column: str

    @property
    def width(self) -> int:
        return len(self.names)


@attrs.frozen
class Block:
    """Rows of a block of lines, column by column: `rows` are their line numbers, `lines`
    how many lines the block took (more than asked when a quoted cell spans lines)."""

    rows: list[int]
    columns: list[list[str]]
    mismatched: list[tuple[int, list[str]]]
    lines: int


def read(path: str | os.PathLike, delimiter: str | None = None, unit_column: str = UNIT_COLUMN,
         progress: Callable[[float], None] | None = None) -> Table:
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as error:
        raise DataError([f"{name}: cannot read: {error.strerror or error}"]) from None
    except UnicodeDecodeError as error:
        raise DataError([f"{name}: not UTF-8 text ({error.reason} at byte {error.start}); {NOT_UTF8}"]) from None
    return parse(text, name, delimiter, unit_column, progress)


def parse(text: str, name: str = "<data>", delimiter: str | None = None, unit_column: str = UNIT_COLUMN,
          progress: Callable[[float], None] | None = None) -> Table:
    """A table from CSV text. `delimiter` None: whichever of `,` `;` tab the header uses most.
    Every row of the wrong width is counted before the first is reported."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = io.StringIO(text, newline="")
    layout = read_layout(lines, name, delimiter, unit_column)
    total_lines = max(1, text.count("\n"))
    rows: list[int] = []
    columns: list[list[str]] = [[] for _ in range(layout.width)]
    mismatched: list[tuple[int, list[str]]] = []
    for block in blocks(lines, layout, PROGRESS_EVERY):
        rows += block.rows
        for column, cells in zip(columns, block.columns):
            column += cells
        mismatched += block.mismatched
        if progress is not None:
            progress(min(1.0, (block.rows[-1] if block.rows else layout.first_row) / total_lines))
    if mismatched:
        raise DataError([_mismatch(name, mismatched, layout.width, layout.delimiter)])
    if progress is not None:
        progress(1.0)
    return from_cells(name, layout.names, rows, columns, layout.header_row, unit_column, text=True)


def read_chunks(path: str | os.PathLike, size: int, delimiter: str | None = None,
                unit_column: str = UNIT_COLUMN, check_units: bool = True,
                reader: Callable[..., Iterator[Table]] | None = None) -> Iterator[Table]:
    """The file as tables of at most `size` rows each, read one after the other, with the
    whole-file reader's checks; a file without rows gives one empty table. check_units: a
    unit id that is also in an earlier chunk is an error, raised after the last chunk (the
    ids are kept as 64-bit hashes, 8 bytes a unit, and confirmed by reading them again).
    reader(path, size, delimiter, unit_column): the tables (default: this module's reader;
    `csvarrow` passes Arrow's, `tables.FileChunks` the Parquet reader's)."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise DtiError(f"a chunk holds at least one row: the chunk size must be a whole number ≥ 1, not {size!r}")
    name = os.fspath(path)
    seen = UnitIds() if check_units else None
    try:
        for table in (reader or _read_chunks)(path, size, delimiter, unit_column):
            if seen is not None:
                seen.add(table.units)
            yield table
            del table  # one chunk's cells in memory at a time (see `blocks`)
    except OSError as error:
        raise DataError([f"{name}: cannot read: {error.strerror or error}"]) from None
    except UnicodeDecodeError as error:
        raise DataError([f"{name}: not UTF-8 text ({error.reason}) after the rows read so far; {NOT_UTF8}"]) from None
    if seen is not None and seen.candidates().size:
        _check_repeated(path, size, delimiter, unit_column, seen.candidates(), reader)


def _read_chunks(path: str | os.PathLike, size: int, delimiter: str | None, unit_column: str) -> Iterator[Table]:
    name = os.fspath(path)
    with open(name, encoding="utf-8-sig", newline="") as lines:
        layout = read_layout(lines, name, delimiter, unit_column)
        empty = True
        for table in tables(lines, layout, size):
            empty = False
            yield table
            del table
        if empty:
            yield no_rows(layout)


def tables(lines: Iterator[str], layout: Layout, size: int) -> Iterator[Table]:
    """Tables of at most `size` rows of the lines after the header (none where no row is left)."""
    for block in blocks(lines, layout, size):
        if block.mismatched:
            raise DataError([_mismatch(layout.name, block.mismatched, layout.width, layout.delimiter)])
        if block.rows:
            table = from_cells(layout.name, layout.names, block.rows, block.columns, layout.header_row,
                               layout.unit_column, text=True)
            del block
            yield table
            del table


def no_rows(layout: Layout) -> Table:
    """The table of a file with a header and no row."""
    return from_cells(layout.name, layout.names, [], [[] for _ in layout.names], layout.header_row,
                      layout.unit_column, text=True)


class UnitIds:
    """The unit ids of every chunk read so far, as 64-bit hashes: equal ids have equal
    hashes, so only units whose hashes repeat can repeat."""

    def __init__(self):
        self._hashes: list[np.ndarray] = []

    def add(self, units: list[str]) -> None:
        if not "".join(units).isascii():  # ids that differ in Unicode form only are one id
            units = [unicodedata.normalize("NFC", unit) for unit in units]
        self._hashes.append(np.fromiter(map(hash, units), dtype=np.int64, count=len(units)))

    def candidates(self) -> np.ndarray:
        """Positions (over all chunks) of the units whose hash another unit shares."""
        hashes = np.concatenate(self._hashes) if self._hashes else np.empty(0, dtype=np.int64)
        ordered = np.sort(hashes)
        repeated = ordered[1:][ordered[1:] == ordered[:-1]]
        return np.flatnonzero(np.isin(hashes, repeated)) if repeated.size else repeated


def _check_repeated(path, size: int, delimiter, unit_column: str, positions: np.ndarray, reader=None) -> None:
    """Read the ids at `positions` again and report those that truly repeat, as the
    whole-file reader does (a hash shared by different ids is no error)."""
    wanted = set(positions.tolist())
    first: dict[str, tuple[str, int]] = {}
    problems: list[DataProblem] = []
    position = 0
    for table in read_chunks(path, size, delimiter, unit_column, check_units=False, reader=reader):
        for unit, row in zip(table.units, table.rows):
            if position in wanted:
                key = unicodedata.normalize("NFC", unit)
                if key not in first:
                    first[key] = unit, row
                elif first[key][0] == unit:
                    problems.append(DataProblem(twice(table.source, unit, first[key][1], row), None, unit_column))
                else:
                    where = f"rows {first[key][1]} and {row}"
                    problems.append(DataProblem(f"{table.source}:{row}: " + unicode_twins(where, first[key][0], unit),
                                                None, unit_column))
            position += 1
    if problems:
        raise DataError(problems)


def read_layout(lines: Iterator[str], name: str, delimiter: str | None, unit_column: str) -> Layout:
    """Skip the leading comments and read the header line."""
    if delimiter is not None and len(delimiter) != 1:
        raise DataError([f"{name}: the delimiter must be one character, not {delimiter!r}"])
    skipped, header_line = _skip_comments(lines)
    if header_line is None:
        raise DataError([f"{name}: the file is empty; it needs a header row ({unit_column}, then one column per input)"])
    chosen = delimiter or detect_delimiter(header_line)
    reader = csv.reader(itertools.chain([header_line], lines), delimiter=chosen)
    header = _next(reader, name, skipped + 1)
    _check_split(name, header, header_line, skipped + 1, chosen, delimiter is not None, unit_column)
    names = [unit_text(cell) for cell in header]
    return Layout(name, chosen, header, names, skipped + 1, skipped + reader.line_num + 1, unit_column)


def blocks(lines: Iterator[str], layout: Layout, size: int) -> Iterator[Block]:
    """The rows after the header, `size` lines at a time. A generator's frame keeps its
    locals while the caller works and while it reads on: each block is let go as soon as
    it is handed over, or two chunks of cells would be in memory at a time (100k rows of
    71 columns: ~600 MB each)."""
    number = layout.first_row
    while block := list(itertools.islice(lines, size)):
        parsed = _split(block, layout, number) or _read(block, lines, layout, number)
        del block
        number += parsed.lines
        yield parsed
        del parsed


def _split(block: list[str], layout: Layout, first: int) -> Block | None:
    """The block cut by numpy's C reader, or None where the csv module must read it: quotes,
    blank lines and rows of the wrong width, empty unit ids (or blank rows)."""
    if '"' in "".join(block):
        return None
    try:
        with warnings.catch_warnings():  # a block of blank lines is "no data": the shape test below sends it on
            warnings.simplefilter("ignore", UserWarning)
            cells = np.loadtxt(block, dtype=object, delimiter=layout.delimiter, comments=None, quotechar=None,
                               ndmin=2, encoding=None)
    except ValueError:
        return None
    if cells.shape != (len(block), layout.width):
        return None
    if layout.unit_column in layout.names:
        units = cells[:, layout.names.index(layout.unit_column)].tolist()
        if not all(map(str.strip, units)):
            return None
    columns = [cells[:, position].tolist() for position in range(layout.width)]
    return Block(list(range(first, first + len(block))), columns, [], len(block))


def _read(block: list[str], rest: Iterator[str], layout: Layout, first: int) -> Block:
    """The block read by the csv module; a quoted cell open at its end takes lines from `rest`."""
    reader = csv.reader(itertools.chain(block, rest), delimiter=layout.delimiter)
    rows: list[int] = []
    kept: list[list[str]] = []
    mismatched: list[tuple[int, list[str]]] = []
    used = 0
    while used < len(block):
        cells = _next(reader, layout.name, first + used)
        if cells is None:
            break
        number, used = first + used, reader.line_num
        if not "".join(cells).strip():
            continue  # a blank row
        if len(cells) != layout.width:
            mismatched.append((number, cells))
            continue
        rows.append(number)
        kept.append(cells)
    columns = [list(column) for column in zip(*kept)] if kept else [[] for _ in range(layout.width)]
    return Block(rows, columns, mismatched, used)


def _next(reader, name: str, row: int) -> list[str] | None:
    """The csv reader's next row (None at the end); its errors (a cell past the csv module's
    size limit) as a DataError at the row."""
    try:
        return next(reader, None)
    except csv.Error as error:
        raise DataError([f"{name}:{row}: cannot read the row: {error}"]) from None


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


def _check_split(name: str, header: list[str], line: str, row: int, delimiter: str, forced: bool,
                 unit_column: str) -> None:
    if len(header) != 1 or header[0].strip() == unit_column:
        return
    others = [d for d in DELIMITERS if d != delimiter and d in line]
    shown = line.strip()
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if others:
        cause = (f"the cells are separated by {_SHOWN[others[0]]}, not {_SHOWN.get(delimiter, repr(delimiter))}"
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
        text += f" (this row looks separated by {_SHOWN[other]}, the header by {_SHOWN.get(delimiter, repr(delimiter))})"
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
            _write(handle, columns, delimiter, comments, lines_as_is=True)
    else:
        _write(target, columns, delimiter, comments, lines_as_is=writes_lines_as_is(target))


def _write(handle, columns, delimiter: str, comments, lines_as_is: bool) -> None:
    writer = Writer(handle, delimiter, lines_as_is=lines_as_is)
    writer.comments(comments)
    writer.write(columns)


class Writer:
    """CSV written a block of rows at a time (the header before the first), so that results
    too large for memory can be written as they come; one block makes the whole file.
    decimal_comma: floats written with ',' as the decimal mark (`848,47`). lines_as_is: the
    caller knows the file writes "\\n" as it is (opened with newline="", or standard output
    where the line end is "\\n"; a text file does not say how it was opened): then, when it
    writes UTF-8, the rows' bytes go straight to the binary file under it (`handle.buffer`),
    as Arrow made them."""

    def __init__(self, handle, delimiter: str = ",", decimal_comma: bool = False, lines_as_is: bool = False):
        self._writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        self._handle, self._delimiter = handle, delimiter
        self._binary = _utf8_binary(handle) if lines_as_is else None
        self._header = False
        self._comma = decimal_comma

    def comments(self, rows: Iterable[Sequence[str]]) -> None:
        for row in rows:
            self._writer.writerow([" ".join(str(cell).split()) for cell in row])  # one physical line each

    def write(self, columns: Mapping[str, Sequence[object]]) -> None:
        if not self._header:
            self._writer.writerow(list(columns))
            self._header = True
        try:
            pieces = csvtext.encoded(list(columns.values()), self._delimiter, self._comma)
            if self._binary is None:
                self._handle.write(b"".join(pieces).decode("utf-8"))
                return
        except UnicodeEncodeError:  # text that is no UTF-8 (a lone surrogate): the csv module writes what it can
            self._writer.writerows(zip(*(csvtext.cell_texts(values, self._comma) for values in columns.values())))
            return
        self._handle.flush()  # the text written so far (the header) first
        self._binary.writelines(pieces)

    def close(self) -> None:
        """Nothing is left to write: the header and every row went out with `write`."""


def writes_lines_as_is(handle) -> bool:
    """Whether an open text file is known to write "\\n" as it is: standard output, on a
    system whose line end is "\\n" (any other file may have been opened with newline="\\r\\n")."""
    return handle in (sys.stdout, sys.__stdout__) and os.linesep == "\n"


def _utf8_binary(handle) -> Any:
    """The binary file under a text file that writes UTF-8, else None: the text file must
    encode what is written."""
    binary, encoding = getattr(handle, "buffer", None), getattr(handle, "encoding", None)
    if binary is None or not isinstance(encoding, str):
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return binary if name in ("utf-8", "utf-8-sig") and isinstance(handle, io.TextIOWrapper) else None

"""CSV files read by pyarrow's C++ reader: the whole file (`read`) or a chunk of rows at a time
(`read_chunks`), every cell kept as Arrow text for scoring to type by the framework's inputs
(`engine.arrow_columns`), so a bad cell is an error naming it, never a failed read.

The rules are those of the Python reader (`csvfile`), which this module hands the file to
wherever the two could differ, so that every rule and error message is the same: a file or
a chunk with a quote that does not enclose a whole cell of one line, a blank line, a row of
the wrong width, an empty unit id, a NUL or a carriage return that ends no line, a cell past
the csv module's size limit, text that is not UTF-8. The header and the `#` lines before it
are read by `csvfile` too.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from typing import Any, Callable, Collection, Iterator

import attrs
import numpy as np

from ...errors import DataError
from . import csvfile
from .common import UNIT_COLUMN, Table, from_cells

_BOM = b"\xef\xbb\xbf"


def read(path: str | os.PathLike, delimiter: str | None = None, unit_column: str = UNIT_COLUMN,
         progress: Callable[[float], None] | None = None) -> Table:
    """The whole file, as `csvfile.read` reads it."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise DataError([f"{name}: cannot read: {error.strerror or error}"]) from None
    body = _body(data, name, delimiter, unit_column)
    if body is not None:
        layout, start = body
        block = read_block(data, layout, layout.first_row, start)
        if block is not None:
            del data
            if progress is not None:
                progress(1.0)
            return from_cells(name, layout.names, block.rows, block.columns, layout.header_row, unit_column,
                              text=True)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError([f"{name}: not UTF-8 text ({error.reason} at byte {error.start}); {csvfile.NOT_UTF8}"]) from None
    del data
    return csvfile.parse(text, name, delimiter, unit_column, progress)


class _Irregular(Exception):
    """The Python reader must read this: its rules and messages apply."""


def _body(data: bytes, name: str, delimiter: str | None, unit_column: str) -> tuple[csvfile.Layout, int] | None:
    """(the header's layout, where the rows start in `data`), or None where the Python reader
    must read the file (a quote anywhere, lines before the rows it would cut otherwise)."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    lines = _Lines(data, start)
    try:
        return csvfile.read_layout(lines, name, delimiter, unit_column), lines.end
    except _Irregular:
        return None


class _Lines:
    """The lines of bytes from `start` as text, one at a time (only the header and the lines
    before it are read this way); `end` is the byte after the last line given."""

    def __init__(self, data: bytes, start: int):
        self.data, self.end = data, start

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.end >= len(self.data):
            raise StopIteration
        stop = self.data.find(b"\n", self.end)
        stop = len(self.data) if stop < 0 else stop + 1
        line = _line_text(self.data[self.end:stop])
        self.end = stop
        return line


def _line_text(line: bytes) -> str:
    """A line of the header or before it as text; _Irregular where the Python reader would cut
    it otherwise (a carriage return that ends no line, a quote) or cannot read it (not UTF-8)."""
    if b'"' in line or line.count(b"\r") != line.count(b"\r\n"):
        raise _Irregular
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise _Irregular from None


def read_block(data: bytes | bytearray, layout: csvfile.Layout, first_row: int, start: int = 0,
               only: Collection[str] | None = None, lines: int | None = None,
               end: int | None = None) -> csvfile.Block | None:
    """Whole lines after the header (`data` from `start` to `end`) read by Arrow, where a
    quote only ever encloses a whole cell of one line (`_plainly_quoted`), columns as Arrow
    text (the unit column as Python text); None where the Python reader must read them.
    only: the names of the columns wanted (and the unit column), the others left out of the
    block (None, not read). lines: how many lines the block holds, when known (a line without
    its newline at the end counts). The block holds no reference to `data`."""
    import pyarrow as pa
    import pyarrow.csv as pv

    end = len(data) if end is None else end
    if lines is None:
        lines = data.count(b"\n", start, end) + (end > start and not data.endswith(b"\n", start, end))
    if not lines or data.find(b"\x00", start, end) >= 0 or (data.find(b"\r", start, end) >= 0 and (
            data.count(b"\r", start, end) != data.count(b"\r\n", start, end))):
        return None
    quoted = data.find(b'"', start, end) >= 0
    if quoted and not _plainly_quoted(memoryview(data)[start:end], layout.delimiter):
        return None
    names = [f"c{position}" for position in range(layout.width)]
    try:
        table = pv.read_csv(
            pa.py_buffer(memoryview(data)[start:end]),
            read_options=pv.ReadOptions(column_names=names, block_size=_ARROW_BLOCK),
            parse_options=pv.ParseOptions(delimiter=layout.delimiter, quote_char='"' if quoted else False,
                                          double_quote=True, newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(column_types={name: pa.string() for name in names},
                                              strings_can_be_null=False, include_columns=_wanted(layout, only)))
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a row of the wrong width, text that is not UTF-8
        return None
    if table.num_rows != lines or _too_long(table):
        return None
    if layout.unit_column not in layout.names:  # an error, which the Python reader words
        return None
    columns: list[Any] = [table.column(f"c{position}") if f"c{position}" in table.column_names else None
                          for position in range(layout.width)]
    position = layout.names.index(layout.unit_column)
    units = columns[position].to_pylist()
    if not all(map(str.strip, units)):  # an empty id, or a blank line (Arrow: a row of empty cells)
        return None
    columns[position] = units
    for position, name in enumerate(layout.names):
        if not name and columns[position] is not None:
            columns[position] = columns[position].to_pylist()
    return csvfile.Block(list(range(first_row, first_row + lines)), columns, [], lines)


def _plainly_quoted(block: memoryview, delimiter: str) -> bool:
    """Whether every quote in the block opens or closes a whole cell: right after a delimiter
    or the line's start, up to a quote right before a delimiter or the line's end, with no
    line break in it and every quote inside doubled. Arrow reads such cells as the csv module
    does (`"a,b"` is a,b; `"a""b"` is a"b); any other quote (`a"b`, ` "x"`, `"x"y`, a cell
    over two lines) is left to the csv module."""
    return b'"' not in _QUOTED_CELL[delimiter].sub(b"", block) if delimiter in _QUOTED_CELL else False


_QUOTED_CELL = {d: re.compile(rb'(?:^|(?<=' + re.escape(d.encode()) + rb'))"(?:[^"\r\n]|"")*"'
                              + rb'(?=' + re.escape(d.encode()) + rb'|\r?\n|\Z)', re.MULTILINE)
                for d in csvfile.DELIMITERS}


def _wanted(layout: csvfile.Layout, only: Collection[str] | None) -> list[str] | None:
    """Arrow's names of the columns to read (None: every one)."""
    if only is None:
        return None
    keep = set(only) | {layout.unit_column}
    return [f"c{position}" for position, name in enumerate(layout.names) if name in keep]


_ARROW_BLOCK = 1 << 24  # bytes Arrow parses at a time (its threads share the blocks)


def _too_long(table) -> bool:
    """Whether a cell is longer than the csv module reads (its `field_size_limit`), which the
    Python reader reports."""
    import pyarrow.compute as pc

    limit = csv.field_size_limit()
    return any((pc.max(pc.binary_length(column)).as_py() or 0) > limit for column in table.columns)


def read_chunks(path: str | os.PathLike, size: int, delimiter: str | None = None,
                unit_column: str = UNIT_COLUMN, check_units: bool = True,
                only: Collection[str] | None = None) -> Iterator[Table]:
    """The file as tables of at most `size` rows, as `csvfile.read_chunks` gives them. only:
    the columns wanted (and the unit column); others may be left out of the tables."""
    return csvfile.read_chunks(path, size, delimiter, unit_column, check_units,
                               reader=functools.partial(_chunks, only=only))


def _chunks(path: str | os.PathLike, size: int, delimiter: str | None, unit_column: str,
            only: Collection[str] | None = None) -> Iterator[Table]:
    name = os.fspath(path)
    with open(name, "rb") as handle:
        if handle.read(len(_BOM)) != _BOM:
            handle.seek(0)
        try:
            layout = csvfile.read_layout(map(_line_text, iter(handle.readline, b"")), name, delimiter, unit_column)
        except _Irregular:
            yield from csvfile.read_chunks(path, size, delimiter, unit_column, check_units=False)
            return
        row, empty = layout.first_row, True
        for start, data, end, lines in _line_blocks(handle, size):
            parsed = read_block(data, layout, row, only=only, lines=lines, end=end)
            if parsed is None:  # the Python reader from here on
                del data
                handle.seek(start)
                rest = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                for table in csvfile.tables(rest, attrs.evolve(layout, first_row=row), size):
                    empty = False
                    yield table
                    del table
                break
            del data
            row, empty = row + parsed.lines, False
            kept = [position for position, column in enumerate(parsed.columns) if column is not None]
            table = from_cells(name, [layout.names[p] for p in kept], parsed.rows, [parsed.columns[p] for p in kept],
                               layout.header_row, unit_column, text=True)
            del parsed
            yield table
            del table
        if empty:
            yield csvfile.no_rows(layout)


MAX_READ = 1 << 28  # bytes a read asks for at most: a chunk size past any file reads it in pieces
_SCAN = 4096  # newlines looked for one by one at most; past that numpy finds them all


def _read_size(lines: int, line_bytes: float) -> int:
    """Bytes to read for about `lines` more lines, between 64 KiB and `MAX_READ`."""
    return min(MAX_READ, max(1 << 16, int(lines * line_bytes * 1.02)))


def _line_blocks(handle, size: int) -> Iterator[tuple[int, bytearray, int, int]]:
    """(where it starts in the file, a buffer whose first `end` bytes are a block of at most
    `size` whole lines, how many lines) from the handle's position on. The buffer is read into
    again for the next block: its bytes are read (by Arrow, which copies what it keeps) before
    the next is asked for. Large reads straight into the buffer, cut at the size-th newline
    (looked for in the last read only): no object per line, no copy of the block, no fresh
    memory for each."""
    start, buffer, filled = handle.tell(), bytearray(), 0
    line_bytes = 256.0  # a guess of a line's length, then the measure of what was read
    while True:
        lines, read_from = buffer.count(b"\n", 0, filled), 0
        counted = lines  # newlines from read_from on
        while lines < size:
            want = _read_size(size - lines, line_bytes)
            if len(buffer) < filled + want:
                buffer = _grown(buffer, filled, filled + want)
            with memoryview(buffer) as view:
                got = handle.readinto(view[filled:filled + want])
            if not got:
                break
            read_from, filled = filled, filled + got
            counted = buffer.count(b"\n", read_from, filled)
            lines += counted
            line_bytes = filled / max(lines, 1)
        end = _after_newline(buffer, lines - size, read_from, filled, counted) if lines >= size else filled
        if not end:
            return
        yield start, buffer, end, min(lines, size) + (buffer[end - 1] != ord("\n"))
        start += end
        buffer[:filled - end] = buffer[end:filled]  # the start of the next block, moved to the front
        filled -= end


def _grown(buffer: bytearray, filled: int, need: int) -> bytearray:
    """A larger buffer holding the first `filled` bytes of `buffer`."""
    grown = bytearray(max(need, len(buffer) * 5 // 4))
    grown[:filled] = memoryview(buffer)[:filled]
    return grown


def _after_newline(data: bytearray, after: int, start: int, end: int, total: int) -> int:
    """The position just past the newline of `data[start:end]` (which holds `total` newlines,
    more than `after`) that `after` more newlines follow."""
    if min(after, total - after) > _SCAN:
        newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start) == ord("\n"))
        return start + int(newlines[total - after - 1]) + 1
    if after < total - after:
        position = end
        for _ in range(after + 1):
            position = data.rfind(b"\n", start, position)
        return position + 1
    position = start - 1
    for _ in range(total - after):
        position = data.find(b"\n", position + 1, end)
    return position + 1

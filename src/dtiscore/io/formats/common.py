"""What every reader gives back: a `Table` of unit ids, raw cells per column and the row each
unit came from, built by the same checks whatever the file format (header names, the unit
column, empty and duplicated unit ids)."""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Iterable, Iterator, Sequence

import attrs

from ...engine.cells import show
from ...engine.columns import unicode_twins
from ...errors import DataError, DataProblem, did_you_mean

UNIT_COLUMN = "unit"


@attrs.frozen(eq=False)
class Table:
    """A data file as read: unit ids, each column's raw cells (text or values, parsed later by
    each input's type; a CSV file's are `TextCells`), and where each unit stands in the file.

    rows[i] is unit i's row as a person finds it: a CSV line number, a spreadsheet row, or a
    record number (JSON, Parquet), counting from 1. header_row is the header's row (0 where
    the format has none). text: every cell is text as the file had it (CSV), which lets
    scoring read plain numbers and bools without looking at each cell's type."""

    source: str
    units: list[str]
    columns: dict[str, Sequence[Any]]
    rows: list[int]
    header_row: int = 1
    text: bool = False

    def __len__(self) -> int:
        return len(self.units)

    def cells(self, name: str) -> list[Any]:
        """A column's cells as a list of Python values (text for CSV)."""
        return list(self.columns[name])

    def where(self, position: int | None = None) -> str:
        """`file:row` of a unit (by position), of the header (None), or the file alone."""
        if position is not None and 0 <= position < len(self.rows):
            return f"{self.source}:{self.rows[position]}"
        if position is None and self.header_row:
            return f"{self.source}:{self.header_row}"
        return self.source


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def unit_text(value: Any) -> str:
    """A unit id as text: spreadsheets give numbers (101 or 101.0) where CSV gives '101'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def from_rows(source: str, header: Sequence[Any], rows: Iterable[tuple[int, Sequence[Any]]],
              header_row: int, unit_column: str = UNIT_COLUMN) -> Table:
    """A table from a header and (row number, cells) pairs; rows with no value at all are
    skipped (spreadsheets leave them behind), so are unnamed columns with no value."""
    names = [unit_text(cell) for cell in header]
    numbers: list[int] = []
    kept: list[Sequence[Any]] = []
    width = len(names)
    for number, cells in rows:
        if _blank_row(cells):
            continue
        if len(cells) != width:
            cells = (list(cells) + [None] * width)[:width] if len(cells) < width else cells
        numbers.append(number)
        kept.append(cells)
    by_column = list(zip(*kept)) if kept else [()] * width
    for number, cells in zip(numbers, kept):
        if len(cells) > width and not all(blank(value) for value in cells[width:]):
            raise DataError([f"{source}:{number}: {len(cells)} cells, but the header has {width}"])
    return from_cells(source, names, numbers, by_column, header_row, unit_column)


def from_cells(source: str, names: list[str], rows: list[int], by_column: Sequence[Sequence[Any]],
               header_row: int, unit_column: str = UNIT_COLUMN, text: bool = False) -> Table:
    """A table from the header's names and each column's cells (one per kept row, row
    numbers in `rows`): the column-wise half of `from_rows`, which fast readers call
    directly. A column with no name must have no value."""
    for position, name in enumerate(names):
        if name:
            continue
        for number, value in zip(rows, by_column[position]):
            if not blank(value):
                raise DataError([f"{source}:{number}: the value {show(value)} is in column {position + 1}, "
                                 f"which has no name in the header (row {header_row})"])
    used = [position for position, name in enumerate(names) if name]
    _check_header(source, [names[p] for p in used], header_row, unit_column, positions=[p + 1 for p in used])
    columns = {names[position]: _cells(by_column[position]) for position in used}
    return _finish(source, columns, rows, header_row, unit_column, text)


def _cells(values: Sequence[Any]) -> Sequence[Any]:
    """A column's cells as a list; an Arrow array (CSV text read by Arrow) as `TextCells`."""
    return TextCells(values) if hasattr(values, "to_pylist") else list(values)


class TextCells(Sequence):
    """A column of text cells held by Arrow (a CSV file read by Arrow's reader): a sequence of
    str like any other column, which scoring reads as Arrow (`__arrow_array__`), at C speed,
    without a Python object per cell."""

    __slots__ = ("arrow",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, arrow: Any):
        self.arrow = arrow

    def __len__(self) -> int:
        return len(self.arrow)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self.arrow.to_pylist()[index]
        return self.arrow[index].as_py()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.arrow.to_pylist())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"TextCells({list(self)!r})" if len(self) <= 20 else f"TextCells(<{len(self):,} cells>)"

    def __arrow_array__(self, type: Any = None) -> Any:
        return self.arrow


def _blank_row(cells: Sequence[Any]) -> bool:
    try:
        return not "".join(cells).strip()  # text cells (CSV): fast
    except TypeError:
        return all(blank(cell) for cell in cells)


def from_columns(source: str, columns: dict[str, Sequence[Any]], rows: list[int],
                 unit_column: str = UNIT_COLUMN, header_row: int = 0) -> Table:
    """A table from whole columns (JSON, Parquet): rows[i] is the record number of unit i."""
    _check_header(source, list(columns), header_row, unit_column)
    return _finish(source, dict(columns), rows, header_row, unit_column)


def _check_header(source: str, names: list[str], header_row: int, unit_column: str,
                  positions: list[int] | None = None) -> None:
    where = f"{source}:{header_row}" if header_row else source
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        position = positions[i] if positions else i + 1
        if name in seen:
            raise DataError([f"{where}: column '{name}' appears twice in the header "
                             f"(columns {seen[name]} and {position})"])
        seen[name] = position
    if unit_column not in seen:
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        close = did_you_mean(unit_column, names) or next(
            (n for n in names if n.strip().lower() == unit_column.lower()), None)
        hint = f" (did you mean '{close}'?)" if close else ""
        raise DataError([f"{where}: no '{unit_column}' column in the header ({shown}){hint}; "
                         f"the '{unit_column}' column holds each unit's id"])


def _finish(source: str, columns: dict[str, Sequence[Any]], rows: list[int], header_row: int,
            unit_column: str, text: bool = False) -> Table:
    units = _unit_texts(columns.pop(unit_column))
    ascii_only = "".join(units).isascii()  # then no two ids differ in Unicode form only
    if ascii_only and all(units) and len(set(units)) == len(units):
        return Table(source, units, columns, rows, header_row, text)  # the usual file, at C speed
    seen: dict[str, int] = {}
    problems: list[DataProblem] = []
    for position, unit in enumerate(units):
        key = unit if ascii_only else unicodedata.normalize("NFC", unit)
        if not unit:
            problems.append(DataProblem(f"{source}:{rows[position]}: the unit id is empty", position, unit_column))
        elif key in seen:
            first = seen[key]
            message = (twice(source, unit, rows[first], rows[position]) if units[first] == unit else
                       f"{source}:{rows[position]}: " + unicode_twins(f"rows {rows[first]} and {rows[position]}",
                                                                      units[first], unit))
            problems.append(DataProblem(message, position, unit_column))
        else:
            seen[key] = position
    if problems:
        raise DataError(problems)
    return Table(source, units, columns, rows, header_row, text)


def _unit_texts(values: Sequence[Any]) -> list[str]:
    """`unit_text` of each id; text ids (a CSV file's) stripped in one C loop."""
    values = list(values)
    try:
        return list(map(str.strip, values))
    except TypeError:  # ids of other types (a spreadsheet's numbers, None)
        return [unit_text(value) for value in values]


def twice(source: str, unit: str, first: int, row: int) -> str:
    """The error of a unit id on two rows."""
    return (f"{source}:{row}: unit id {show(unit)} appears twice (rows {first} and {row}); "
            "each unit needs its own row")

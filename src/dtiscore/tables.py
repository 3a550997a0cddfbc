"""Reading and writing data tables (CSV) for the command line and for users.

A data file has a header row of input names and a `unit` column of unit ids; values are
text that `dtiscore.data` parses by each input's type. UTF-8, with or without a BOM.
"""

from __future__ import annotations

import csv
import io
import os
from typing import Mapping, Sequence

from .errors import DataError

UNIT_COLUMN = "unit"


def read_csv(path: str | os.PathLike, unit_column: str = UNIT_COLUMN) -> tuple[list[str], dict[str, list[str]]]:
    """(unit ids, column name → list of cell texts)."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as error:
        raise DataError([f"{name}: cannot read: {error.strerror or error}"]) from None
    except UnicodeDecodeError as error:
        raise DataError([f"{name}: not UTF-8 text ({error.reason} at byte {error.start})"]) from None
    return parse_csv(text, name, unit_column)


def parse_csv(text: str, name: str = "<data>", unit_column: str = UNIT_COLUMN) -> tuple[list[str], dict[str, list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise DataError([f"{name}: the file is empty; it needs a header row"])
    header = [cell.strip() for cell in rows[0]]
    if unit_column not in header:
        raise DataError([f"{name}: no '{unit_column}' column in the header ({', '.join(header[:8])}{', ...' if len(header) > 8 else ''})"])
    seen: dict[str, int] = {}
    for position, column in enumerate(header):
        if column in seen:
            raise DataError([f"{name}: column '{column}' appears twice in the header (columns {seen[column] + 1} and {position + 1})"])
        seen[column] = position
    columns: dict[str, list[str]] = {column: [] for column in header}
    for line_number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError([f"{name}:{line_number}: {len(row)} cells, but the header has {len(header)}"])
        for column, cell in zip(header, row):
            columns[column].append(cell)
    units = [u.strip() for u in columns.pop(unit_column)]
    for i, unit in enumerate(units):
        if not unit:
            raise DataError([f"{name}:{i + 2}: the unit id is empty"])
    return units, columns


def write_csv(target, columns: Mapping[str, Sequence[object]]) -> None:
    """Write columns (name → values) as CSV to a path or an open text file."""
    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            _write(handle, columns)
    else:
        _write(target, columns)


def _write(handle, columns: Mapping[str, Sequence[object]]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    names = list(columns)
    writer.writerow(names)
    for row in zip(*(columns[name] for name in names)):
        writer.writerow([_cell(value) for value in row])


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return ""
        return f"{value:.10g}"
    if hasattr(value, "item"):
        return _cell(value.item())
    return str(value)


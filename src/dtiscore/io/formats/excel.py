"""Excel `.xlsx` workbooks (the `excel` extra, openpyxl): the first sheet (or a named one) is
read like a CSV file: leading rows whose first cell starts with `#` are skipped, then the
header row, then one row per unit."""

from __future__ import annotations

import os
import zipfile
from typing import Any, Mapping, Sequence

from ...errors import DataError
from .common import UNIT_COLUMN, Table, from_rows
from .optional import require


def read(path: str | os.PathLike, sheet: str | None = None, unit_column: str = UNIT_COLUMN) -> Table:
    openpyxl = require("openpyxl", "excel", "read .xlsx files")
    name = os.fspath(path)
    try:
        workbook = openpyxl.load_workbook(name, read_only=True, data_only=True)
    except OSError as error:
        raise DataError([f"{name}: cannot read: {error.strerror or error}"]) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DataError([f"{name}: not an .xlsx workbook ({error})"]) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise DataError([f"{name}: no sheet {sheet!r} (the sheets are {', '.join(map(repr, workbook.sheetnames))})"])
        rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
        header_row, header = _header(rows)
        if header is None:
            raise DataError([f"{name}: the sheet {worksheet.title!r} is empty; it needs a header row "
                             f"({unit_column}, then one column per input)"])
        return from_rows(f"{name}", header, ((number, list(cells)) for number, cells in rows),
                         header_row, unit_column)
    finally:
        workbook.close()


def _header(rows) -> tuple[int, Sequence[Any] | None]:
    for number, cells in rows:
        first = next((cell for cell in cells if cell is not None and str(cell).strip()), None)
        if first is None:
            continue
        if isinstance(cells[0], str) and cells[0].lstrip().startswith("#"):
            continue
        return number, cells
    return 0, None


def write(path: str | os.PathLike, columns: Mapping[str, Sequence[object]], sheet: str = "dtiscore") -> None:
    """A plain workbook: one sheet, a header row, one row per unit."""
    openpyxl = require("openpyxl", "excel", "write .xlsx files")
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    names = list(columns)
    worksheet.append(names)
    for row in zip(*(columns[name] for name in names)):
        worksheet.append([cell_value(value) for value in row])
    save(workbook, path)


def save(workbook, path: str | os.PathLike) -> None:
    try:
        workbook.save(os.fspath(path))
    except OSError as error:
        raise DataError([f"{os.fspath(path)}: cannot write: {error.strerror or error}"]) from None


def cell_value(value: object) -> object:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value

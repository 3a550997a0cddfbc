"""Excel `.xlsx` workbooks (the `excel` extra, openpyxl): the first sheet (or a named one) is
read like a CSV file: leading rows whose first cell starts with `#` are skipped, then the
header row, then one row per unit."""

from __future__ import annotations

import os
import re
import zipfile
from typing import Any, Mapping, Sequence
from xml.etree import ElementTree

from ...engine.cells import show
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
        rows = list(enumerate(worksheet.iter_rows(values_only=True), start=1))
        if any(None in cells for _, cells in rows):  # a formula never calculated reads as None
            _check_formulas(name, worksheet)
    finally:
        workbook.close()
    header_row, header = _header(iter(rows))
    if header is None:
        raise DataError([f"{name}: the sheet {worksheet.title!r} is empty; it needs a header row "
                         f"({unit_column}, then one column per input)"])
    return from_rows(f"{name}", header, ((number, list(cells)) for number, cells in rows[header_row:]),
                     header_row, unit_column)


def _check_formulas(name: str, worksheet) -> None:
    """A formula cell without a saved value (a workbook written by a program and never opened
    in a spreadsheet program) is an error: its value is unknown, not missing."""
    cells = _uncalculated(worksheet)
    if not cells:
        return
    where = "'" + worksheet.title.replace("'", "''") + "'!"
    problems = [f"{name}: {where}{cell}: the formula has no saved value (the workbook was written by a program "
                "and never calculated): open the file in a spreadsheet program (Excel, LibreOffice) and save it, "
                "which stores every formula's value" for cell in cells[:50]]
    if len(cells) > 50:
        problems.append(f"{name}: ... and {len(cells) - 50} more formulas without a saved value")
    raise DataError(problems)


def _uncalculated(worksheet) -> list[str]:
    """The cells (A1 style) of the sheet's formulas whose value is not in the file: no `<v>`,
    or an empty one that is no text result (`t="str"`). Read from the sheet's XML, since
    openpyxl gives such a cell as None, like an empty one."""
    found = []
    with worksheet._get_source() as source:
        for _, element in ElementTree.iterparse(source):
            tag = element.tag.rpartition("}")[2]
            if tag == "c":
                parts = {child.tag.rpartition("}")[2]: child for child in element}
                value = parts.get("v")
                if "f" in parts and (value is None or not value.text) and element.get("t") != "str":
                    found.append(element.get("r") or "?")
                element.clear()
            elif tag == "row":
                element.clear()
    return found


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
    """A plain workbook: one sheet, a header row, one row per unit; text stays text."""
    openpyxl = require("openpyxl", "excel", "write .xlsx files")
    from openpyxl.cell import WriteOnlyCell

    names = list(columns)
    rows = [[cell_value(value) for value in row] for row in zip(*(columns[name] for name in names))]
    for text in (value for row in [names, *rows] for value in row if isinstance(value, str)):
        checked_text(text)  # before the workbook is begun: a half-written one would be left behind
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)

    def cell(value: object) -> object:
        if isinstance(value, str) and value[:1] in LIVE:
            text = WriteOnlyCell(worksheet, value)
            keep_text(text)
            return text
        return value

    for row in [names, *rows]:
        worksheet.append([cell(value) for value in row])
    save(workbook, path)


LIVE = ("=", "+", "-", "@", "#")  # how a formula (or an error code: #N/A) starts
MAX_TEXT = 32767  # characters of a cell; openpyxl would cut a longer text silently


_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters a cell cannot hold (openpyxl's)


def checked_text(value: str) -> str:
    """Text a cell can hold, or a DataError: a spreadsheet cell holds no control character
    and at most 32,767 characters."""
    if _ILLEGAL.search(value):
        raise DataError([f"cannot write {show(value)} to a .xlsx file: it holds a control character, "
                         "which spreadsheet cells cannot hold (write csv or json)"])
    if len(value) > MAX_TEXT:
        raise DataError([f"cannot write {show(value)} to a .xlsx file: a cell holds at most {MAX_TEXT:,} characters "
                         "(write csv or json)"])
    return value


def keep_text(cell) -> None:
    """A text cell stays text: stored as a string, never a formula or an error code (a unit
    id `=HYPERLINK(...)` is not run), and marked with a quote prefix, so that a spreadsheet
    program keeps it text when the cell is edited."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value[:1] in LIVE:
            cell.quotePrefix = True


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

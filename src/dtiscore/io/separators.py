"""Numbers written the local way, read only when declared: a decimal comma (`848,47`, the
`--decimal-comma` option) and a thousands separator (`1.234.567` with `--thousands .`).
The cells of count, number and share columns that are such numbers are rewritten in the
data grammar (`engine.cells`) before scoring; every other cell is left as it is, to be read
(or reported) by the grammar. Nothing is guessed: `1,234` is ambiguous.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..engine.arrow_columns import PLAIN_NUMBER
from ..engine.cells import NUMBER, show
from ..errors import DataError, DataProblem, DtiError
from .formats.common import Table

if TYPE_CHECKING:
    from ..engine.compiled import CompiledFramework

NUMERIC = ("count", "number", "share")
_POINT_NUMBER = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*\s*%?")


def local_numbers(framework: "CompiledFramework", table: Table, decimal_comma: bool = False,
                  thousands: str | None = None) -> dict[str, Any]:
    """The numeric input columns of `table` whose cells are rewritten: `848,47` as 848.47 with a
    decimal comma (then a `.` in a number is an error: `1.234` may mean 1234 or 1.234), and
    digits grouped by threes with the declared thousands separator as one number."""
    mark = "," if decimal_comma else "."
    if thousands is not None and (len(thousands) != 1 or thousands == mark or thousands.isdigit()):
        raise DtiError(f"the thousands separator must be one character other than a digit and the decimal mark "
                       f"{mark!r}, not {thousands!r}")
    out: dict[str, Any] = {}
    problems: list[DataProblem] = []
    for name, info in framework.inputs.items():
        if info.type not in NUMERIC or name not in table.columns:
            continue
        cells = table.columns[name]
        fast = _arrow(cells.__arrow_array__(), mark, thousands) if hasattr(cells, "__arrow_array__") else None
        out[name] = fast if fast is not None else _cells(table, name, mark, thousands, problems)
    if problems:
        raise DataError(problems)
    return out


def _cells(table: Table, name: str, mark: str, thousands: str | None, problems: list[DataProblem]) -> list:
    cells = table.cells(name)
    grouped = _grouped(mark, thousands)
    for position, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        value = cell.strip()
        if grouped is not None and grouped.fullmatch(value):
            value = cells[position] = value.replace(thousands, "")
        if mark == ".":
            continue
        if NUMBER[","].fullmatch(value):
            cells[position] = value.replace(",", ".")
        elif "." in value and _POINT_NUMBER.fullmatch(value) and len(problems) < 50:
            problems.append(DataProblem(
                f"{table.where(position)}: unit {show(table.units[position])}, column '{name}': {show(cell)} has a '.', "
                "but with --decimal-comma ',' is the decimal mark: write a decimal as 848,47 and a whole "
                "number without thousands separators",
                position, name))
    return cells


def _grouped(mark: str, thousands: str | None) -> re.Pattern | None:
    """A number with its whole part in groups of three digits, by the thousands separator."""
    if thousands is None:
        return None
    sep, point = re.escape(thousands), re.escape(mark)
    return re.compile(rf"[+-]?[0-9]{{1,3}}(?:{sep}[0-9]{{3}})+(?:{point}[0-9]*)?(?:[eE][+-]?[0-9]+)?(?:\s*%)?")


def _arrow(cells: Any, mark: str, thousands: str | None) -> Any | None:
    """The rewrite at C speed for an Arrow column whose local numbers are all plain (no
    percent, no spaces); None where the cells must be looked at one by one (a `.` with a
    decimal comma, which is an error to word; a percent; a separator in a number that is
    not plain)."""
    import pyarrow.compute as pc

    rewritten = cells
    if thousands is not None:
        grouped = pc.fill_null(pc.match_substring_regex(cells, "^" + _grouped(mark, thousands).pattern + "$"), False)
        rewritten = pc.if_else(grouped, pc.replace_substring(cells, thousands, ""), cells)
    if mark == ",":
        if pc.any(pc.match_substring(rewritten, ".")).as_py():
            return None
        rewritten = pc.replace_substring(rewritten, ",", ".")
    plain = pc.fill_null(pc.match_substring_regex(rewritten, PLAIN_NUMBER), False)
    for separator in {thousands, "," if mark == "," else None} - {None}:
        local = pc.fill_null(pc.match_substring(cells, separator), False)
        if pc.any(pc.and_(local, pc.invert(plain))).as_py():
            return None
    return pc.if_else(plain, rewritten, cells)

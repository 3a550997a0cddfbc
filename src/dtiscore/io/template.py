"""Data-entry templates: an empty sheet with one column per input, and for each its label,
type, how to write a value and its constraint — what a province sends to its departments.
`dtiscore score` reads a filled template back as it is.

The header row shows each input's label with its id in brackets, `Số hồ sơ trực tuyến
[online]` (`io.headers.heading`): one row that a department reads in Vietnamese and that
sorting, filters and frozen panes treat as a header, the id kept at the end of the cell where
the reader finds it (`io.headers.input_ids` maps it back, as it maps a plain id or the label
alone). The unit column stays `unit`, which every reader looks for.

CSV: leading `#` lines carry the properties (one line per property, aligned with the columns;
readers skip them), then the header, then one row per unit.
Excel: the first sheet's row 1 is the header (each cell with a note giving label, type and
constraint), with drop-down lists and checks on the cells below; a second sheet,
"Hướng dẫn", lists every input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import attrs

from ..errors import DtiError
from .formats import csvfile, excel
from .formats.common import UNIT_COLUMN
from .formats.optional import require
from .headers import heading

if TYPE_CHECKING:
    from ..engine.compiled import CompiledFramework

DATA_SHEET = "Dữ liệu"
GUIDE_SHEET = "Hướng dẫn"
PROPERTIES = (  # (attribute, heading: Vietnamese (English))
    ("label", "nhãn (label)"),
    ("type", "kiểu (type)"),
    ("unit", "cách ghi (unit)"),
    ("constraint", "ràng buộc (constraint)"),
    ("used_in", "dùng cho (used in)"),
)
_HOW = {"count": "số nguyên ≥ 0", "number": "số", "share": "tỷ lệ: 82% hoặc 0.82", "bool": "có / không"}


@attrs.frozen
class TemplateColumn:
    name: str
    label: str
    type: str  # count | number | share | bool | choice(a, b, c) | text (the unit column)
    unit: str  # how to write a value
    constraint: str
    used_in: str  # titles of the groups whose criteria read it
    kind: str = "text"
    options: tuple[str, ...] = ()
    within: tuple[float, float] | None = None

    @property
    def heading(self) -> str:
        """What the header row shows: `label [name]` for an input with a label."""
        return self.name if self.name == UNIT_COLUMN else heading(self.name, self.label)


def template_columns(framework: "CompiledFramework") -> list[TemplateColumn]:
    """The unit column, then one column per input in declaration order."""
    used: dict[str, dict[str, None]] = {name: {} for name in framework.inputs}
    for criterion_id in framework.criteria:
        parent = framework.node(framework.node(criterion_id).parent).title
        for name in framework.ir_node(criterion_id).inputs:
            used[name].setdefault(parent, None)
    columns = [TemplateColumn(UNIT_COLUMN, "Tên hoặc mã đơn vị", "text", "mỗi đơn vị một dòng",
                              "bắt buộc, không trùng", "")]
    for name, info in framework.inputs.items():
        kind = "choice" if info.options else info.type
        how = f"một trong: {', '.join(info.options)}" if info.options else _HOW[kind]
        limits = []
        if info.at_most:
            limits.append(f"≤ {info.at_most}")
        if info.within:
            limits.append(f"trong khoảng {_number(info.within[0])}..{_number(info.within[1])}")
        columns.append(TemplateColumn(name, info.label or "", info.type, how, "; ".join(limits),
                                      "; ".join(used[name]), kind, info.options, info.within))
    return columns


def write_template(framework: "CompiledFramework", path: str | os.PathLike, units: Sequence[str] = (),
                   delimiter: str = ",") -> None:
    """An empty data-entry sheet for the framework: .csv or .xlsx, by the path's extension;
    `units` pre-fills the unit column."""
    suffix = Path(os.fspath(path)).suffix.lower()
    columns = template_columns(framework)
    if suffix in (".csv", ".txt"):
        _write_csv(framework, columns, path, units, delimiter)
    elif suffix == ".xlsx":
        _write_xlsx(framework, columns, path, units)
    else:
        raise DtiError(f"{os.fspath(path)}: a template is a .csv or .xlsx file")


def _intro(framework: "CompiledFramework") -> list[str]:
    return [f"# dtiscore: {framework.id}", framework.title,
            "mỗi đơn vị một dòng dưới dòng tiêu đề; để trống = không có số liệu; dòng bắt đầu bằng # được bỏ qua"]


def _write_csv(framework, columns: list[TemplateColumn], path, units: Sequence[str], delimiter: str) -> None:
    comments = [_intro(framework)]
    for attribute, heading in PROPERTIES:
        comments.append([f"# {heading}"] + [getattr(c, attribute) for c in columns[1:]])
    data = {c.heading: [""] * len(units) for c in columns}
    data[UNIT_COLUMN] = list(units)
    try:
        csvfile.write(path, data, delimiter=delimiter, comments=comments, bom=True)  # a BOM: Excel reads UTF-8
    except OSError as error:
        raise DtiError(f"{os.fspath(path)}: cannot write: {error.strerror or error}") from None


def _write_xlsx(framework, columns: list[TemplateColumn], path, units: Sequence[str]) -> None:
    openpyxl = require("openpyxl", "excel", "write .xlsx templates")
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([c.heading for c in columns])
    for unit in units:
        sheet.append([excel.checked_text(str(unit))])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    last_row = max(1000, len(units) + 1)
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(wrap_text=True, vertical="top")
        note = "\n".join(f"{heading}: {getattr(column, attribute)}" for attribute, heading in PROPERTIES
                         if getattr(column, attribute))
        cell.comment = Comment(note, "dtiscore", width=320, height=140)
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(12, min(32, len(column.heading) + 2))
        _validate(sheet, column, f"{letter}2:{letter}{last_row}")
    sheet.row_dimensions[1].height = 15 * min(4, 1 + max(len(c.heading) for c in columns) // 30)  # wrapped labels
    sheet.freeze_panes = "B2"
    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append([f"dtiscore: {framework.id}", framework.title])
    guide.append(["Điền số liệu vào trang “Dữ liệu”: mỗi đơn vị một dòng; để trống = không có số liệu; "
                  "không đổi dòng tiêu đề."])
    guide.append([])
    guide.append(["cột (column)"] + [heading for _, heading in PROPERTIES])
    for cell in guide[4]:
        cell.font = bold
    for column in columns:
        guide.append([column.name] + [getattr(column, attribute) for attribute, _ in PROPERTIES])
    for letter, width in zip("ABCDEF", (26, 60, 22, 26, 30, 40)):
        guide.column_dimensions[letter].width = width
    for worksheet in (sheet, guide):  # unit ids and labels are text, never formulas
        for row in worksheet.iter_rows():
            for cell in row:
                excel.keep_text(cell)
    excel.save(workbook, path)


def _validate(sheet, column: TemplateColumn, cells: str) -> None:
    """Drop-down lists for bools and choices, range checks for numbers (Excel warns, the
    reader still checks everything)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = None
    if column.kind == "bool":
        rule = DataValidation(type="list", formula1='"có,không"', allow_blank=True)
    elif column.kind == "choice" and column.options:
        rule = DataValidation(type="list", formula1=f'"{",".join(column.options)}"', allow_blank=True)
    elif column.kind == "count":
        low, high = column.within or (0, None)
        if high is None:
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(_number(max(0, low))),
                                  allow_blank=True)
        else:
            rule = DataValidation(type="whole", operator="between", formula1=_number(max(0, low)),
                                  formula2=_number(high), allow_blank=True)
    elif column.kind == "share":
        rule = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
    if rule is None:
        return
    rule.error = f"{column.name}: {column.unit}" + (f" ({column.constraint})" if column.constraint else "")
    rule.errorTitle = column.label[:32] if column.label else column.name
    rule.showErrorMessage = True
    sheet.add_data_validation(rule)
    rule.add(cells)


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))

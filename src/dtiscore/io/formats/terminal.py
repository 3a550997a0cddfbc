"""A plain-text table for reading on a terminal: columns aligned, numbers right-aligned,
points to 2 decimals, indices to 4, no value as `-`."""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Mapping, Sequence


def write(target: Any, columns: Mapping[str, Sequence[object]]) -> None:
    target.write(render(columns))


def render(columns: Mapping[str, Sequence[object]], headings: Mapping[str, str] | None = None) -> str:
    """headings: what to show above a column instead of its name (cells are still
    formatted by the name: an index to 4 decimals)."""
    names = list(columns)
    shown = [(headings or {}).get(name, name) for name in names]
    cells = [[_cell(name, value) for value in columns[name]] for name in names]
    numeric = [all(_is_number(value) for value in columns[name]) for name in names]
    widths = [max([_width(head)] + [_width(text) for text in column]) for head, column in zip(shown, cells)]
    lines = [_line(shown, widths, numeric)]
    lines.append("  ".join("-" * width for width in widths))
    for row in zip(*cells) if cells else ():
        lines.append(_line(row, widths, numeric))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _line(texts: Sequence[str], widths: list[int], numeric: list[bool]) -> str:
    parts = []
    for text, width, right in zip(texts, widths, numeric):
        pad = " " * (width - _width(text))
        parts.append(pad + text if right else text + pad)
    return "  ".join(parts)


def _is_number(value: object) -> bool:
    if hasattr(value, "item"):
        value = value.item()
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(name: str, value: object) -> str:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if name == "index" or name.endswith(("_index", ".index")):
            return f"{value:.4f}"
        return f"{value:.2f}"
    return "-" if value is None else str(value)


def _width(text: str) -> int:
    """Columns on a terminal: combining marks (Vietnamese tones) take none, wide letters two."""
    text = unicodedata.normalize("NFC", text)
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)

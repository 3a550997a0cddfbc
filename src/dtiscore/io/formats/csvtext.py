"""Rows of a table → CSV text a whole column at a time, in Arrow's kernels: the very text the
csv module writes row by row from the `cell_text` of each value (`csvfile.Writer` writes
with it), at a fraction of the cost of a Python string per cell.

A float is written as Python writes it in full (`cells.float_text`: the shortest text that
reads back as the same float, without a trailing `.0`). Arrow's cast to text gives the same
shortest digits and lays them out the same way for 1e-4 ≤ |x| < 1e10 (and 0); outside that
range it picks another layout (`1e+15` for Python's `1000000000000000.0`, `0.00001` for
`1e-05`), so those few floats, and NaN (an empty cell), are written by Python. A cell the
csv module would quote (one with the delimiter, a quote or a line break in it) is quoted as
it does, its quotes doubled; a cell with a carriage return, and any column that is not
numbers, text or bools, is written by the csv module itself.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Sequence

import numpy as np

from ...engine.cells import float_text

ROWS_AT_ONCE = 1 << 17  # rows turned into text at a time (bounded memory, well below Arrow's 2 GiB a text array)
_NUMBER_CHARACTERS = frozenset("0123456789.+-einf")  # what the text of a number holds (and ',' for a decimal comma)


def lines(columns: Sequence[Sequence[object]], delimiter: str = ",", decimal_comma: bool = False) -> str:
    """The rows of `columns` (each a sequence of equal length) as CSV lines, each ending in
    a newline, as `csv.writer(delimiter=delimiter, lineterminator="\\n").writerows` writes
    the `cell_text` of every value (an Arrow array: of each value of its `to_pylist()`)."""
    return b"".join(encoded(columns, delimiter, decimal_comma)).decode("utf-8")


def encoded(columns: Sequence[Sequence[object]], delimiter: str = ",", decimal_comma: bool = False) -> list[Any]:
    """`lines` as UTF-8 bytes, a piece of rows at a time: Arrow's own buffers (bytes-like),
    which a binary file writes as they are, no Python text made of them."""
    import pyarrow as pa

    columns = [values if isinstance(values, (np.ndarray, list, tuple, pa.Array, pa.ChunkedArray)) else
               values.tolist() if hasattr(values, "tolist") else list(values) for values in columns]
    count = min(map(len, columns)) if columns else 0  # as zip() pairs them
    return [_lines([values[start:start + ROWS_AT_ONCE] for values in columns], delimiter, decimal_comma)
            for start in range(0, count, ROWS_AT_ONCE)]


def _lines(columns: list, delimiter: str, decimal_comma: bool) -> Any:
    import pyarrow.compute as pc

    plain = delimiter not in _NUMBER_CHARACTERS and not (decimal_comma and delimiter == ",")
    texts = [_cells(values, delimiter, decimal_comma, plain, len(columns) == 1) for values in columns]
    texts[-1] = pc.binary_join_element_wise(texts[-1], "", "\n")  # the last cell, then the line's end
    joined = pc.binary_join_element_wise(*texts, delimiter) if len(texts) > 1 else texts[0]
    return _values(joined)


def _cells(values: Any, delimiter: str, decimal_comma: bool, plain: bool, alone: bool) -> Any:
    """A column's cells as the csv module writes them; a dictionary-coded one's names
    written (and quoted) once each, then put at their positions."""
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray) and pa.types.is_dictionary(values.type):
        values = values.combine_chunks()
    if isinstance(values, pa.DictionaryArray) and not alone:
        return _cells(values.dictionary, delimiter, decimal_comma, plain, alone).take(values.indices).fill_null("")
    texts, numeric = column_texts(values, decimal_comma)
    return texts if numeric and plain and not alone else _quoted(texts, delimiter, alone)


def column_texts(values: Any, decimal_comma: bool = False) -> tuple[Any, bool]:
    """(an Arrow text array of each value's `cell_text`, whether every value is a number).
    An Arrow array of text (or of dictionary-coded text) is taken as it is: its kind is
    known where it was made, and no value is looked at."""
    import pyarrow as pa

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        if pa.types.is_dictionary(values.type):
            values = values.dictionary_decode()
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            return values.fill_null(""), False
        values = values.to_pylist()
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return _float_texts(values.astype(np.float64, copy=False), decimal_comma), True
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return _cast(pa.array(values)), True
    if isinstance(values, np.ndarray) and values.dtype.kind == "b":
        return pa.array(np.where(values, "True", "False"), pa.string()), False
    if not isinstance(values, np.ndarray) or values.dtype.kind == "O":  # a list, or numpy's objects
        kinds = set(map(type, values))
        if kinds <= {str, type(None)}:
            return pa.array(values, pa.string()).fill_null(""), False
        if kinds <= {float, type(None)}:  # None, like NaN, an empty cell
            return _float_texts(np.array(values, dtype=np.float64), decimal_comma), True
        if kinds == {int}:
            try:
                return _cast(pa.array(values, pa.int64())), True
            except OverflowError:  # past 64 bits: Python writes it
                pass
    return pa.array(cell_texts(values, decimal_comma), pa.string()), False


def _float_texts(values: np.ndarray, decimal_comma: bool) -> Any:
    """Each float's `float_text` (NaN: an empty cell), Arrow's where its layout is Python's."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = _cast(pa.array(values))
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        odd = ~((size >= 1e-4) & (size < 1e10)) & (values != 0)  # NaN, ±inf, the very small and large
    if odd.any():
        texts = pc.replace_with_mask(texts, pa.array(odd),
                                     pa.array([float_text(value) for value in values[odd].tolist()], pa.string()))
    return pc.replace_substring(texts, ".", ",") if decimal_comma else texts


def _cast(values: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.cast(values, pa.string())


def _quoted(texts: Any, delimiter: str, alone: bool) -> Any:
    """The cells as the csv module writes them: a cell with the delimiter, a quote or a line
    break in it (and, in a row of one cell, an empty cell) written by the csv module itself."""
    import pyarrow as pa
    import pyarrow.compute as pc

    special = None  # cell by cell, only for the characters some cell holds (a scan of the bytes each)
    for character in dict.fromkeys(delimiter + '"\r\n'):
        if _holds(texts, character.encode()):
            holding = pc.match_substring(texts, character)
            special = holding if special is None else pc.or_(special, holding)
    if alone:
        empty = pc.equal(pc.binary_length(texts), 0)
        special = empty if special is None else pc.or_(special, empty)
    if special is None or not pc.any(special).as_py():
        return texts
    # the csv module quotes the cell and doubles its quotes: done here on the whole column,
    # but for a carriage return (whose quoting is the csv module's own affair), left to it
    doubled = pc.replace_substring(texts, '"', '""') if _holds(texts, b'"') else texts
    quoted = pc.binary_join_element_wise('"', doubled, '"', "")
    if not _holds(texts, b"\r"):
        return quoted if pc.all(special).as_py() else pc.if_else(special, quoted, texts)
    odd = pc.match_substring(texts, "\r")
    cells = [_field(cell, delimiter) for cell in pc.filter(texts, odd).to_pylist()]
    return pc.replace_with_mask(pc.if_else(special, quoted, texts), odd, pa.array(cells, pa.string()))


def _holds(texts: Any, character: bytes) -> bool:
    """Whether any cell holds the character: one scan of the cells' bytes (a search of the
    whole column, where Arrow's kernels would match cell by cell)."""
    return bytes(_values(texts)).find(character) >= 0  # a copy and memchr: faster than re's search


def _field(cell: str, delimiter: str) -> str:
    """A cell as the csv module writes it (quoted where it must be)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow([cell])
    return out.getvalue()[:-1]


def _values(texts: Any) -> Any:
    """The bytes of an Arrow text array's cells, one after the other (a slice of its buffer)."""
    import pyarrow as pa

    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if not len(texts):
        return b""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64 if pa.types.is_large_string(texts.type) else np.int32)
    first, last = int(offsets[texts.offset]), int(offsets[texts.offset + len(texts)])
    data = texts.buffers()[2]
    return b"" if data is None else data[first:last]  # no buffer: every cell is empty


def cell_texts(values: Sequence[object], decimal_comma: bool = False) -> list[str]:
    """`cell_text` of every value, one at a time (`decimal_comma`: a float's with ',')."""
    texts = list(map(cell_text, values.tolist() if hasattr(values, "tolist") else values))
    if not decimal_comma:
        return texts
    floats = [isinstance(value, (float, np.floating)) for value in values]
    return [text.replace(".", ",") if is_float else text for text, is_float in zip(texts, floats)]


def cell_text(value: object) -> str:
    """A value as a CSV cell holds it: a float in full (`float_text`), None as an empty cell."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return float_text(value)
    if value is None:
        return ""
    return str(value)

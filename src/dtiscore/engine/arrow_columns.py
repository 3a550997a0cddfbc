"""Arrow text columns → float64 columns, checked a whole column at a time in Arrow's C++
kernels, with no Python object per cell. `columns` hands over every Arrow array of text
or of dictionary-encoded values (what the CSV reader makes); numeric and bool Arrow arrays
become numpy arrays there, as any other column.

A column of numbers is cast to float64 in one step; Arrow's cast takes what the data
grammar takes (`cells`) and a little more ("nan", "inf"), which it turns into a NaN or an
infinity: those few cells are read again by the grammar (no value, or bad). Where the cast
fails (a blank, a percent, a word), the cells that are plain numbers by a regular
expression are cast and only the others are read by `cells.parse`, once per distinct value. A bool, a choice or any dictionary-encoded column is read through its
distinct values: `cells.parse` once per value of the dictionary, then one numpy take.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..language import ir
from .cells import parse

PLAIN_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"  # the grammar without % or spaces


def is_arrow(values: Any) -> bool:
    """Whether `values` is a pyarrow Array or ChunkedArray (pyarrow is not imported to know)."""
    return type(values).__module__.startswith("pyarrow") and hasattr(values, "type") and hasattr(values, "null_count")


def is_text(values: Any) -> bool:
    """Whether an Arrow column holds text or dictionary-encoded values (read here); any other
    Arrow column is read as a numpy array."""
    import pyarrow as pa

    kind = values.type
    return pa.types.is_dictionary(kind) or _is_string(pa, kind)


def _is_string(pa, kind) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


def convert(spec: ir.Input, values: Any) -> tuple[np.ndarray, np.ndarray]:
    """(the column as the input's float encoding with NaN for no value, which cells are not
    values of the input's type at all). Ranges and a count's whole numbers are checked by
    the caller, on the floats."""
    import pyarrow as pa

    if pa.types.is_string_view(values.type):
        values = values.cast(pa.large_string())
    if spec.type == ir.NUM and _is_string(pa, values.type):
        return _numbers(spec, values)
    return _by_distinct(spec, values)


def _numbers(spec: ir.Input, values: Any) -> tuple[np.ndarray, np.ndarray]:
    import pyarrow as pa
    import pyarrow.compute as pc

    nulls = _nulls(values)
    try:
        column = _floats(pc.cast(values, pa.float64()))
        parsed = ~nulls
        parsed &= ~np.isfinite(column)  # "nan", "inf", "1e400": what the grammar says of them
    except pa.ArrowInvalid:  # a cell the cast does not read: plain numbers cast, the others parsed
        matched = pc.fill_null(pc.match_substring_regex(values, PLAIN_NUMBER), False)
        column = np.full(len(values), math.nan)
        column[_filled(matched, False)] = _floats(pc.cast(values.filter(matched), pa.float64()))
        parsed = ~_filled(matched, False) & ~nulls
    wrong = np.zeros(len(values), dtype=bool)
    if parsed.any():
        column = column if column.flags.writeable else column.copy()
        column[parsed], wrong[parsed] = _by_distinct(spec, values.filter(pa.array(parsed)))
    return column, wrong


def _by_distinct(spec: ir.Input, values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct value read once by `cells.parse`, spread to the cells by index."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not pa.types.is_dictionary(values.type):
        values = pc.dictionary_encode(values)
    distinct = values.dictionary.to_pylist()
    read = [parse(spec, value) for value in distinct]
    parsed = np.array([math.nan if value is None else value for value in read] + [math.nan], dtype=float)
    bad = np.array([value is None for value in read] + [False], dtype=bool)
    indices = _filled(values.indices, len(distinct)).astype(np.intp, copy=False)  # no value: the last slot
    return parsed[indices], bad[indices]


def _nulls(values: Any) -> np.ndarray:
    if not values.null_count:
        return np.zeros(len(values), dtype=bool)
    return _filled(values.is_null(), True)


def _filled(values: Any, fill: Any) -> np.ndarray:
    """An Arrow array as numpy, its nulls `fill`."""
    import pyarrow.compute as pc

    if values.null_count:
        values = pc.fill_null(values, fill)
    return np.asarray(values.to_numpy(zero_copy_only=False))


def _floats(values: Any) -> np.ndarray:
    """A float64 Arrow array as numpy, NaN for null."""
    return _filled(values, math.nan)

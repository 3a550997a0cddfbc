"""Parquet files (the `parquet` extra, pyarrow): one column per input and a `unit` column.
Numeric columns stay numpy arrays (no per-value Python objects), so large files read fast.
A row is the record's number, counting from 1."""

from __future__ import annotations

import os
from typing import Mapping, Sequence

import numpy as np

from ...errors import DataError
from .common import UNIT_COLUMN, Table, from_columns
from .optional import require


def read(path: str | os.PathLike, unit_column: str = UNIT_COLUMN) -> Table:
    require("pyarrow", "parquet", "read .parquet files")
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = os.fspath(path)
    try:
        table = pq.read_table(name)
    except OSError as error:
        raise DataError([f"{name}: cannot read as Parquet: {error}"]) from None
    except pa.ArrowInvalid as error:
        raise DataError([f"{name}: not a Parquet file ({error})"]) from None
    columns = {column_name: _array(table.column(column_name), pa) for column_name in table.column_names}
    return from_columns(name, columns, list(range(1, table.num_rows + 1)), unit_column)


def _array(column, pa) -> Sequence[object]:
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        if column.null_count:
            column = column.cast(pa.float64())
        return column.to_numpy()
    if pa.types.is_boolean(kind) and not column.null_count:
        return column.to_numpy()
    return column.to_pylist()  # text, bools with gaps, anything else: values as Python objects


def write(path: str | os.PathLike, columns: Mapping[str, Sequence[object]]) -> None:
    require("pyarrow", "parquet", "write .parquet files")
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {}
    for column_name, values in columns.items():
        if isinstance(values, np.ndarray):
            arrays[column_name] = pa.array(values)
        else:
            arrays[column_name] = pa.array([v.item() if hasattr(v, "item") else v for v in values])
    try:
        pq.write_table(pa.table(arrays), os.fspath(path))
    except OSError as error:
        raise DataError([f"{os.fspath(path)}: cannot write: {error}"]) from None

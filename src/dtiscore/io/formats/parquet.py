"""Parquet files (pyarrow): one column per input and a `unit` column. Numeric columns stay
numpy arrays and text stays Arrow (no per-value Python objects), so large files read fast;
`read_chunks` reads a file larger than memory a batch of rows at a time. A row is the
record's number, counting from 1."""

from __future__ import annotations

import contextlib
import os
from typing import Collection, Iterator, Mapping, Sequence

import numpy as np

from ...errors import DataError
from .common import UNIT_COLUMN, Table, TextCells, from_columns
from .optional import require


def read(path: str | os.PathLike, unit_column: str = UNIT_COLUMN) -> Table:
    pa, pq = _pyarrow()
    name = os.fspath(path)
    with _reading(name, pa):
        table = pq.read_table(name)
    return _table(name, table, 1, unit_column, pa)


def read_chunks(path: str | os.PathLike, size: int, unit_column: str = UNIT_COLUMN,
                only: Collection[str] | None = None) -> Iterator[Table]:
    """The file as tables of at most `size` rows, read a batch of rows at a time from its row
    groups (a file larger than memory is never read whole); a file without rows gives one
    empty table. only: the columns wanted (and the unit column); the others are not read."""
    pa, pq = _pyarrow()
    name = os.fspath(path)
    with _reading(name, pa):
        file = pq.ParquetFile(name)
        names = file.schema_arrow.names
        wanted = None if only is None else [n for n in names if n in set(only) | {unit_column}]
        batches = file.iter_batches(batch_size=size, columns=wanted)
    first = 1
    while True:
        with _reading(name, pa):
            batch = next(batches, None)
        if batch is None:
            break
        table = _table(name, pa.Table.from_batches([batch]), first, unit_column, pa)
        first += len(table.rows)
        del batch
        yield table
        del table
    if first == 1:
        yield _table(name, file.schema_arrow.empty_table(), 1, unit_column, pa)


def _pyarrow():
    require("pyarrow", "parquet", "read .parquet files")
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pa, pq


@contextlib.contextmanager
def _reading(name: str, pa) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise DataError([f"{name}: cannot read as Parquet: {error}"]) from None
    except pa.ArrowInvalid as error:
        raise DataError([f"{name}: not a Parquet file ({error})"]) from None


def _table(name: str, table, first: int, unit_column: str, pa) -> Table:
    columns = {column_name: _array(table.column(column_name), pa) for column_name in table.column_names}
    return from_columns(name, columns, list(range(first, first + table.num_rows)), unit_column)


def _array(column, pa) -> Sequence[object]:
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        if column.null_count:
            column = column.cast(pa.float64())
        return column.to_numpy()
    if pa.types.is_boolean(kind) and not column.null_count:
        return column.to_numpy()
    if _text(pa, kind) or pa.types.is_dictionary(kind) and _text(pa, kind.value_type):
        return TextCells(column)  # typed by scoring at C speed, as a CSV file's text
    return column.to_pylist()  # bools with gaps, anything else: values as Python objects


def _text(pa, kind) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


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

"""The shapes data comes in → one column object per name, and the unit ids the data carries.

`to_columns` takes a mapping of name → column, a pandas or polars DataFrame, a pyarrow
Table or RecordBatch, or a list of records (dict rows, as JSON gives them). Columns are
handed over as they are held, not converted here: a float64 column stays the caller's
memory (numpy, pandas, polars or Arrow without nulls), text stays Arrow where it is Arrow
(read by `arrow_columns` at C speed). No DataFrame library is imported to recognise its
frames: pandas, polars and pyarrow stay optional.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import DataError

UNIT_KEY = "unit"


def _module(value: Any) -> str:
    return type(value).__module__.split(".")[0]


def as_mapping(data: Any) -> Mapping[str, Any]:
    """Name → column object (numpy array, list, pandas or polars Series, Arrow array)."""
    module = _module(data)
    if module == "pyarrow" and hasattr(data, "column_names"):  # a Table or a RecordBatch
        return _Lazy(data.column_names, data.column)
    if module == "polars" and hasattr(data, "get_column"):
        return _Lazy(data.columns, data.get_column)
    if hasattr(data, "columns") and hasattr(data, "to_numpy") and hasattr(data, "__getitem__"):  # pandas
        return _Lazy([str(name) for name in data.columns], lambda name: data[_label(data, name)])
    if isinstance(data, Mapping):
        return data
    if isinstance(data, (list, tuple)) and data and all(isinstance(record, Mapping) for record in data):
        return _records(data)
    raise DataError([f"data must be a mapping of input name → column, a DataFrame (pandas, polars), a pyarrow "
                     f"Table or a list of records (dicts), not {type(data).__name__}"])


def _label(frame: Any, name: str) -> Any:
    """A pandas column's label from its text (a column labelled 5 is named '5')."""
    return name if name in frame.columns else next(label for label in frame.columns if str(label) == name)


class _Lazy(Mapping):
    """A frame's columns by name, each taken out only when read (a frame of 300 columns of
    which the framework reads 70 converts 70)."""

    def __init__(self, names, get):
        self._names, self._get = list(names), get

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        return self._get(name)

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


def _records(records) -> dict[str, list]:
    """A list of dict rows → columns; a record without a key has no value there."""
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    return {str(name): [record.get(name) for record in records] for name in names}


def units_of(data: Any, mapping: Mapping[str, Any], n: int) -> list | None:
    """The unit ids the data carries: a frame's or a table's `unit` column, a pandas frame's
    index unless it is the default 0..n-1 (so `result.to_pandas()` and frames indexed by unit
    round-trip), a record's `unit` key; None when it carries none (units are 0..n-1)."""
    pandas = hasattr(data, "columns") and hasattr(data, "index") and _module(data) == "pandas"
    if (pandas or mapping is not data) and UNIT_KEY in mapping:
        return to_list(mapping[UNIT_KEY])
    if not pandas:
        return None
    index = data.index
    if type(index).__name__ == "RangeIndex" and index.name is None and index.start == 0 and index.step == 1:
        return None
    return index.tolist() if len(index) == n else None


def to_list(column: Any) -> list:
    """A column's values as Python objects."""
    if hasattr(column, "to_pylist"):
        return column.to_pylist()
    if hasattr(column, "to_list"):
        return column.to_list()
    return column.tolist() if hasattr(column, "tolist") else list(column)


def arrow_of(series: Any) -> Any | None:
    """A column that says it is Arrow (`__arrow_array__`) as that array; a pandas Series backed by Arrow, or of a nullable dtype (Float64, Int64, boolean,
    string, category), as the Arrow array it holds or makes without a copy of its values;
    a polars Series of text or with nulls, as Arrow; None for any other column (numpy's
    dtypes, object columns: read as numpy arrays)."""
    module = _module(series)
    if hasattr(series, "__arrow_array__") and module not in ("pandas", "polars", "numpy"):
        return series.__arrow_array__()  # e.g. a CSV file's text read by Arrow
    if module == "polars":
        if series.dtype.is_numeric() and not series.null_count():
            return None  # to_numpy() is the polars buffer itself
        return series.to_arrow()
    if module != "pandas" or not hasattr(series, "array"):
        return None
    if type(series.dtype).__module__ == "numpy" or not hasattr(series.array, "__arrow_array__"):
        return None
    import pyarrow as pa

    try:
        return pa.array(series.array)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return None

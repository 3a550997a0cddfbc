"""JSON data: a list of records `[{"unit": "hanoi", "dossiers": 1000, ...}, ...]`, an object
of columns `{"unit": [...], "dossiers": [...]}`, or JSON Lines (`.jsonl`, one record a line).
A record without a key has no value there. A row is the record's number, counting from 1
(for JSON Lines, its line)."""

from __future__ import annotations

import json
import math
import os
from typing import Any, Mapping, Sequence

from ...errors import DataError
from .common import UNIT_COLUMN, Table, from_columns


def read(path: str | os.PathLike, unit_column: str = UNIT_COLUMN) -> Table:
    name = os.fspath(path)
    text = _text(name)
    data = _json(name, text)
    if isinstance(data, dict) and all(isinstance(v, list) for v in data.values()):
        lengths = {key: len(values) for key, values in data.items()}
        if len(set(lengths.values())) > 1:
            detail = ", ".join(f"{key}: {length}" for key, length in lengths.items())
            raise DataError([f"{name}: the columns have different lengths ({detail})"])
        n = next(iter(lengths.values()), 0)
        return from_columns(name, dict(data), list(range(1, n + 1)), unit_column)
    if isinstance(data, list):
        return _records(name, data, list(range(1, len(data) + 1)), unit_column)
    raise DataError([f"{name}: expected a list of records or an object of columns, not a JSON {type(data).__name__}"])


def read_lines(path: str | os.PathLike, unit_column: str = UNIT_COLUMN) -> Table:
    name = os.fspath(path)
    records, rows = [], []
    for number, line in enumerate(_text(name).splitlines(), start=1):
        if not line.strip():
            continue
        records.append(_json(name, line, number))
        rows.append(number)
    return _records(name, records, rows, unit_column)


def _json(name: str, text: str, line: int = 0) -> Any:
    """The JSON value of `text` (line `line` of a JSON Lines file, or the whole file: 0)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError([f"{name}:{line or error.lineno}:{error.colno}: not valid JSON: {error.msg}"]) from None
    except ValueError as error:  # an integer of more than 4,300 digits
        raise DataError([f"{name}{f':{line}' if line else ''}: cannot read: {error}"]) from None
    except RecursionError:
        raise DataError([f"{name}{f':{line}' if line else ''}: cannot read: lists or objects nested too deep"]) from None


def _text(name: str) -> str:
    try:
        with open(name, encoding="utf-8-sig") as handle:
            return handle.read()
    except OSError as error:
        raise DataError([f"{name}: cannot read: {error.strerror or error}"]) from None
    except UnicodeDecodeError as error:
        raise DataError([f"{name}: not UTF-8 text ({error.reason} at byte {error.start})"]) from None


def _records(name: str, records: list, rows: list[int], unit_column: str) -> Table:
    keys: dict[str, None] = {}
    for record, row in zip(records, rows):
        if not isinstance(record, dict):
            raise DataError([f"{name}:{row}: a record must be an object of column → value, not {json.dumps(record)[:40]}"])
        keys.update(dict.fromkeys(record))
    columns = {key: [record.get(key) for record in records] for key in keys}
    if unit_column not in columns and not records:
        columns[unit_column] = []
    return from_columns(name, columns, rows, unit_column)


def write(target: Any, columns: Mapping[str, Sequence[object]]) -> None:
    """A list of records, one per unit; no value is null."""
    if isinstance(target, (str, os.PathLike)):
        try:
            with open(target, "w", encoding="utf-8") as handle:
                write(handle, columns)
        except OSError as error:
            raise DataError([f"{os.fspath(target)}: cannot write: {error.strerror or error}"]) from None
        return
    writer = Writer(target)
    writer.write(columns)
    writer.close()


class Writer:
    """The list of records written a block of units at a time, as `json.dumps(records,
    indent=1)` lays it out, so that one block or many give the same text."""

    def __init__(self, handle):
        self.handle = handle
        self.records = 0

    def write(self, columns: Mapping[str, Sequence[object]]) -> None:
        names = list(columns)
        values = [column.tolist() if hasattr(column, "tolist") else column for column in columns.values()]
        for row in zip(*values):
            record = json.dumps({key: _plain(value) for key, value in zip(names, row)}, ensure_ascii=False, indent=1)
            self.handle.write(("[\n " if not self.records else ",\n ") + record.replace("\n", "\n "))
            self.records += 1

    def close(self) -> None:
        self.handle.write("\n]\n" if self.records else "[]\n")


class LinesWriter:
    """JSON Lines: one record a line, written a block of units at a time."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, columns: Mapping[str, Sequence[object]]) -> None:
        names = list(columns)
        values = [column.tolist() if hasattr(column, "tolist") else column for column in columns.values()]
        self.handle.writelines(json.dumps({key: _plain(value) for key, value in zip(names, row)},
                                          ensure_ascii=False) + "\n" for row in zip(*values))

    def close(self) -> None:
        """Every record went out with `write`."""


def _plain(value: object) -> object:
    """A value as JSON holds it: floats in full (json writes the shortest text that reads
    back as the same float), no value (NaN) as null."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return value

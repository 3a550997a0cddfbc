"""Data files in and out: `read_table` picks a reader by the file's extension (CSV, Excel,
Parquet, JSON), `score_table` scores what it read and names file and row in any data error,
`write_table` writes results as CSV, JSON, a text table, Excel or Parquet.

A data file has a header of input names and a `unit` column of unit ids; other columns are
kept (for `--rank-by`) and otherwise ignored. The readers live in `dtiscore.io.formats`, one
module per format; Excel and Parquet need the `excel` and `parquet` extras.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from ..engine.batches import passes_needed, population_inputs
from ..engine.cells import parse as parse_value
from ..engine.columns import _plainly_fine as plainly_fine  # the rules of reading a value
from ..errors import DataError, DataProblem, DtiError, did_you_mean
from .ahead import read_ahead
from .formats import csvarrow, csvfile, excel, jsonfile, parquet
from .formats.common import UNIT_COLUMN, Table
from .headers import with_input_ids
from .output import WRITE_FORMATS, streamed_format, write_table, writing  # writing lives in output.py
from .separators import local_numbers

if TYPE_CHECKING:
    from ..engine.compiled import CompiledFramework
    from ..engine.scored import Scored

__all__ = ["Table", "UNIT_COLUMN", "read_table", "score_table", "write_table", "locate",
           "read_csv", "parse_csv", "write_csv", "READ_FORMATS", "WRITE_FORMATS"]

READ_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
                ".parquet": "parquet", ".pq": "parquet", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def read_table(path: str | os.PathLike, *, delimiter: str | None = None, sheet: str | None = None,
               unit_column: str = UNIT_COLUMN, progress: Callable[[float], None] | None = None) -> Table:
    """Read a data file, by its extension: .csv/.tsv/.txt, .xlsx, .parquet, .json, .jsonl.
    delimiter: CSV only (default: `,`, `;` or tab, whichever the header uses); sheet: Excel
    only (default: the first sheet); progress: CSV only, called with the share read so far."""
    kind = _format(path, READ_FORMATS, "read")
    with gc_paused():
        return _read(path, kind, delimiter, sheet, unit_column, progress)


def _read(path, kind, delimiter, sheet, unit_column, progress) -> Table:
    if kind == "csv":
        if delimiter is None and Path(path).suffix.lower() == ".tsv":
            delimiter = "\t"
        return csvarrow.read(path, delimiter, unit_column, progress)
    if kind == "xlsx":
        return excel.read(path, sheet, unit_column)
    if kind == "parquet":
        return parquet.read(path, unit_column)
    if kind == "json":
        return jsonfile.read(path, unit_column)
    return jsonfile.read_lines(path, unit_column)


def score_table(framework: "CompiledFramework", table: Table, *, invalid: str = "raise",
                decimal_comma: bool = False, thousands: str | None = None, engine: str = "auto") -> "Scored":
    """Score a table read by `read_table`; a `DataError` names file:row, unit, column, value.
    decimal_comma: numbers in text cells are written `848,47` (only then: `1,234` is ambiguous);
    thousands: the character that groups digits by three (`1.234.567`), only when declared."""
    try:
        with gc_paused():
            return framework.score(scoring_columns(framework, table, decimal_comma, thousands), units=table.units,
                                   invalid=invalid, engine=engine)
    except DataError as error:
        raise locate(error, table) from None


def scoring_columns(framework: "CompiledFramework", table: Table, decimal_comma: bool = False,
                    thousands: str | None = None) -> dict[str, Any]:
    """The table's columns as `Framework.score` takes them. Arrow text (CSV) is handed over as
    it is, for the engine to read at C speed. Other cells stay as they are, in object arrays
    (no dtype is guessed), except a numeric input's column of text cells that are all plain
    numbers the input takes: that is read at C speed, to the very floats that reading cell by
    cell gives. Any other column is read cell by cell, which names each bad value."""
    table = with_input_ids(framework, table)  # headers written as labels (a template's) name inputs: io.headers
    columns: dict[str, Any] = dict(table.columns)
    if decimal_comma or thousands is not None:
        columns.update(local_numbers(framework, table, decimal_comma, thousands))
    for spec in framework.ir.inputs:
        if isinstance(columns.get(spec.name), list):
            columns[spec.name] = _typed(spec, columns[spec.name], table.text)
    return columns


def _typed(spec, cells: list, text: bool) -> np.ndarray:
    """A column of text cells as floats (a number) or bools (a bool) where every cell is a
    value the input takes, no cell blank; else the cells in an object array."""
    if cells and (text or set(map(type, cells)) == {str}):
        plain = _plain_numbers(spec, cells) if spec.kind in ("count", "number", "share") else (
            _plain_bools(spec, cells) if spec.kind == "bool" else None)
        if plain is not None:
            return plain
    array = np.empty(len(cells), dtype=object)
    array[:] = cells
    return array


def _plain_numbers(spec, cells: list[str]) -> np.ndarray | None:
    """Every cell read at C speed, when all are numbers of the data grammar, finite and within
    the input's range (a count: whole and ≥ 0), which is what reading cell by cell gives.
    numpy reads more than the grammar ("1_5", " 12", "١٢"): only cells of the characters of
    plain numbers (ASCII digits, sign, '.', exponent) are read this way."""
    if not _PLAIN.fullmatch("".join(cells)):
        return None
    try:
        numbers = np.array(cells, dtype=float)
    except ValueError:  # a blank, a word, a percent: read cell by cell
        return None
    return numbers if plainly_fine(spec, numbers) else None


def _plain_bools(spec, cells: list[str]) -> np.ndarray | None:
    """True/false per cell, when the column's few distinct words all read as true or false."""
    words = set(cells)
    if len(words) > 16:
        return None
    truth = {word: parse_value(spec, word) for word in words}
    if not set(truth.values()) <= {0.0, 1.0}:  # a blank (NaN) or a word that is no bool (None)
        return None
    return np.fromiter(map(truth.__getitem__, cells), dtype=bool, count=len(cells))


_PLAIN = re.compile(r"[0-9eE.+-]*")  # over these characters numpy reads what the grammar reads


class FileChunks:
    """A CSV or Parquet file as batches for `Framework.score_batches`, at most `size` rows
    each: every call starts a new pass over the file (population functions take passes
    first). The first pass also checks that no unit id repeats across chunks. `current` is
    the chunk last read, which locates a data error."""

    def __init__(self, framework: "CompiledFramework", path: str | os.PathLike, size: int, *,
                 delimiter: str | None = None, decimal_comma: bool = False, thousands: str | None = None,
                 unit_column: str = UNIT_COLUMN, progress: Callable[[str], None] | None = None):
        self.kind = READ_FORMATS.get(Path(path).suffix.lower())
        if self.kind not in ("csv", "parquet"):
            raise DtiError(f"{os.fspath(path)}: only CSV (.csv, .tsv, .txt) and Parquet (.parquet, .pq) files are read "
                           "a chunk at a time; other formats are read whole: score it without a chunk size, or save "
                           "it as CSV")
        self.framework, self.path, self.size = framework, path, size
        self.delimiter = "\t" if delimiter is None and Path(path).suffix.lower() == ".tsv" else delimiter
        self.decimal_comma, self.thousands = decimal_comma, thousands
        self.unit_column, self.progress = unit_column, progress
        self.passes = 0
        self.current: Table | None = None

    def __call__(self) -> Iterator[tuple[list[str], dict[str, Any]]]:
        """One pass. A pass for population values reads only the columns they need (the
        others are given as no value); a bad value elsewhere is reported by the scoring pass."""
        self.passes += 1
        only = self._populations if self.passes < passes_needed(self.framework.program) else None
        units = 0
        for self.current in read_ahead(self._tables(self.passes == 1, only)):  # the next read while this one is scored
            units += len(self.current)
            if self.progress:
                self.progress(f"pass {self.passes}: {units:,} units")
            columns = scoring_columns(self.framework, self.current, self.decimal_comma, self.thousands)
            if only is not None:
                columns.update(dict.fromkeys((name for name in self.framework.inputs if name not in only),
                                             np.full(len(self.current), np.nan)))
            yield self.current.units, columns
            self.current = columns = None  # one chunk's cells in memory at a time: let this one go before the next

    @functools.cached_property
    def _populations(self) -> frozenset[str]:
        return population_inputs(self.framework.ir, self.framework.program)

    def _tables(self, check_units: bool, only: frozenset[str] | None) -> Iterator[Table]:
        if self.kind == "csv":
            return csvarrow.read_chunks(self.path, self.size, self.delimiter, self.unit_column, check_units, only)
        return csvfile.read_chunks(self.path, self.size, None, self.unit_column, check_units,
                                   reader=functools.partial(_parquet_chunks, only=only))


CsvChunks = FileChunks  # its name before Parquet files were read a chunk at a time


def _parquet_chunks(path, size: int, delimiter, unit_column: str, only=None) -> Iterator[Table]:
    return parquet.read_chunks(path, size, unit_column, only)


def score_chunks(framework: "CompiledFramework", chunks: CsvChunks, invalid: str = "raise") -> Iterator[tuple["Scored", Table]]:
    """(Result, the chunk's Table) per chunk, scored with `score_batches`; a `DataError`
    names file:row as `score_table` does."""
    results = framework.score_batches(chunks, invalid)
    while True:
        try:
            with gc_paused():
                result = next(results)
        except StopIteration:
            return
        except DataError as error:
            raise (locate(error, chunks.current) if chunks.current is not None else error) from None
        yield result, chunks.current
        del result


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection for a while: reading and checking a large file makes
    millions of small objects without cycles, which the collector would scan again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def locate(error: DataError, table: Table) -> DataError:
    """The same error with each problem prefixed by `file:row` (the header's row for a
    missing column, the file alone where no unit is involved)."""
    problems = []
    positions: dict[str, int] | None = None
    for problem in error.details:
        if problem.message.startswith(table.source + ":"):
            problems.append(problem)
            continue
        position = problem.position
        if position is None and problem.message.startswith("unit "):  # e.g. on_missing error, raised by scoring
            positions = positions if positions is not None else {repr(u): i for i, u in enumerate(table.units)}
            named = re.match(r"unit ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", problem.message)
            position = positions.get(named.group(1)) if named else None
        where = table.where(position) if position is not None else (
            table.where(None) if problem.column is not None else table.source)
        problems.append(DataProblem(f"{where}: {problem.message}", position, problem.column))
    return type(error)(problems)


# ---- the score command's table


def peers(result: "Scored", table: Table, name: str) -> Sequence[object]:
    """Each unit's peer group for `--rank-by NAME`: the values of the input NAME, or the
    text of the data file's column NAME."""
    if name in result.framework.inputs:
        return result.columns.values[name]
    if name in table.columns:
        return [str(cell).strip() if cell is not None else None for cell in table.cells(name)]
    close = did_you_mean(name, list(table.columns))
    raise DtiError(f"--rank-by {name}: no column {name!r} in {table.source}"
                   + (f" (did you mean '{close}'?)" if close else ""))


def with_rank(columns: dict, ranks: Sequence[int], name: str | None = None,
              shown: Sequence[object] = ()) -> dict:
    """The score table with `ranks` as its rank column and, when ranking within peer groups,
    the peer column `name` (its cells `shown`) right after it."""
    out = {}
    for key, values in columns.items():
        out[key] = ranks if key == "rank" else values
        if key == "rank" and name is not None:
            out[name] = list(shown)
    return out


# ---- compatibility: the CSV-only functions of v0.1


def read_csv(path: str | os.PathLike, unit_column: str = UNIT_COLUMN) -> tuple[list[str], dict[str, list[str]]]:
    """(unit ids, column name → list of cell texts)."""
    table = csvarrow.read(path, None, unit_column)
    return table.units, {name: table.cells(name) for name in table.columns}


def parse_csv(text_: str, name: str = "<data>", unit_column: str = UNIT_COLUMN) -> tuple[list[str], dict[str, list[str]]]:
    table = csvfile.parse(text_, name, None, unit_column)
    return table.units, dict(table.columns)


def write_csv(target: Any, columns: Mapping[str, Sequence[object]]) -> None:
    """Write columns (name → values) as CSV to a path or an open text file."""
    csvfile.write(target, columns)


# ---- helpers


def _format(path: Any, formats: dict[str, str], verb: str) -> str:
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix in formats:
        return formats[suffix]
    known = ", ".join(sorted(formats))
    hint = "; save the workbook as .xlsx" if suffix == ".xls" else ""
    raise DtiError(f"{os.fspath(path)}: cannot {verb} {suffix or 'a file without an extension'} files "
                   f"(dtiscore {verb}s {known}){hint}")



"""User data → one float64 column per input, checked against each input's type and
constraints. Bad values are errors naming unit, column and value; nothing is silently
coerced: a "12.5" in a count column is an error, not 12.

Encoding: a count/number/share is its value; a bool is 1.0/0.0; a choice is its option's
position; NaN is "no value".
"""

from __future__ import annotations

import functools
import itertools
import math
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import DataError, DataProblem, choice
from ..language import ir
from . import arrow_columns
from .buffers import take
from .cells import explain, missing as _missing, parse as _parse, show
from .sources import arrow_of, as_mapping, units_of



class Columns:
    """The checked columns, the unit ids, which values were bad (when marking), and which
    columns the checks found to have every value (so scoring need not look for NaN).

    `ids` are the unit ids as given, or a `range` when they are the default 0..n-1: the
    list `units` is made from it only when asked (a million ints take 20-50 ms)."""

    def __init__(self, values: dict[str, np.ndarray], units: Sequence[object], invalid: dict[str, np.ndarray],
                 complete: frozenset[str] = frozenset()):
        self.values = values
        self.ids = units
        self.invalid = invalid
        self.complete = complete

    @functools.cached_property
    def units(self) -> list:
        return self.ids if isinstance(self.ids, list) else list(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def to_columns(
    framework: ir.Framework,
    data: Any,
    units: Sequence[object] | None = None,
    invalid: str = "raise",
    threads: int = 1,
) -> Columns:
    """Convert and check `data` (a mapping of input name → 1-D array-like, a pandas or polars
    DataFrame, a pyarrow Table or RecordBatch, or a list of records). With invalid="mark", bad values become no value and are reported per unit
    (their criteria get status `invalid`) instead of raising. Columns of many units are
    checked on `threads` threads (numpy's passes release the GIL)."""
    choice("invalid", invalid, ("raise", "mark"))
    if units is not None and (isinstance(units, (str, bytes, Mapping, set, frozenset)) or not hasattr(units, "__len__")):
        raise TypeError(f"units must be a sequence of unit ids, one per unit, not {type(units).__name__}")
    mapping = as_mapping(data)
    absent = [spec.name for spec in framework.inputs if spec.name not in mapping]
    if absent:
        raise DataError([DataProblem(f"missing column '{name}' (input {name}: {_type_word(spec)})", column=name)
                         for name in absent for spec in framework.inputs if spec.name == name])
    raw = {spec.name: _as_array(spec.name, mapping[spec.name]) for spec in framework.inputs}
    lengths = {name: len(values) for name, values in raw.items()}
    n = _common_length(lengths, units)
    if units is None:
        units = units_of(data, mapping, n)
    unit_ids = list(units) if units is not None else range(n)
    if units is not None:  # 0..n-1 are distinct
        _check_unit_ids(unit_ids)
    problems: list[DataProblem] = []
    values: dict[str, np.ndarray] = {}
    bad: dict[str, np.ndarray] = {}
    complete: set[str] = set()
    converted = _each(lambda spec: _convert(spec, raw[spec.name], unit_ids), framework.inputs,
                      threads if n >= _THREADS_FROM else 1)
    for spec, (column, wrong, whole, found) in zip(framework.inputs, converted):
        problems.extend(found)
        values[spec.name] = column
        if wrong is not None:
            bad[spec.name] = wrong
        if whole:
            complete.add(spec.name)
    unreadable = dict(bad)  # a value that is not of its type is not compared again
    bounded = [spec for spec in bounds_first(framework.inputs) if spec.at_most is not None]
    over = _each(lambda spec: _any_over(values[spec.name], values[spec.at_most]), bounded,
                 threads if n >= _THREADS_FROM else 1)
    for spec in (spec for spec, found in zip(bounded, over) if found):
        _check_constraints(spec, values, unit_ids, problems, bad, unreadable)
    if problems and invalid == "raise":
        raise DataError(problems)
    for name, wrong in bad.items():
        values[name] = np.where(wrong, np.nan, values[name])
    return Columns(values, unit_ids, bad if invalid == "mark" else {}, frozenset(complete - bad.keys()))


_THREADS_FROM = 100_000  # units: below this, a column is checked faster than a thread starts


def _each(work, items, threads: int) -> list:
    """[work(item) for item in items], on a thread pool when threads > 1."""
    if threads <= 1 or len(items) < 2:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(work, items))


def _as_array(name: str, values: Any) -> np.ndarray:
    """A column as a 1-D array, its values as given. Text, a mapping, a set or a single value
    where a column is expected is an error: numpy would split "75" into two units, 7 and 5."""
    if isinstance(values, (str, bytes, bytearray)):
        raise DataError([DataProblem(f"column '{name}' is the text {show(values)}, not a column: "
                                     f"pass one value per unit, e.g. [{show(values)}]", column=name)])
    if isinstance(values, (Mapping, set, frozenset)):
        raise DataError([DataProblem(f"column '{name}' is a {type(values).__name__}, not a column: pass a "
                                     "list, array or pandas Series with one value per unit", column=name)])
    arrow = arrow_of(values)
    values = values if arrow is None else arrow
    if arrow_columns.is_arrow(values):
        if arrow_columns.is_text(values):
            return values  # read by arrow_columns, at C speed
        values = _arrow_numpy(values)
    elif hasattr(values, "to_numpy"):
        values = values.to_numpy()
    array = values
    if not isinstance(values, np.ndarray):
        try:
            array = np.asarray(values)
        except ValueError:  # lists of different lengths: each list is a (bad) cell
            array = np.fromiter(values, dtype=object, count=len(values))
        if array.dtype.kind != "O" and array.ndim == 1 and _mixed(values):
            array = np.empty(len(values), dtype=object)  # numpy made the values alike (True → 1.0, 5 → "5"):
            array[:] = list(values)  # keep each value as given
    if array.ndim == 0:
        raise DataError([DataProblem(f"column '{name}' is the single value {show(array.item())}, not a column: "
                                     "pass one value per unit, e.g. a list", column=name)])
    if array.ndim != 1:
        raise DataError([DataProblem(f"column '{name}' must be 1-D (one value per unit), got shape {array.shape}",
                                     column=name)])
    if array.dtype.kind in "mM":  # times are no values of any input; NaT is no value
        cells = array.astype(str).astype(object)
        cells[np.isnat(array)] = None
        return cells
    return array


def _arrow_numpy(values: Any) -> np.ndarray:
    """A numeric or bool Arrow column as numpy: its own buffer when it has one chunk and no
    null, else a copy (a null becomes NaN, or None where NaN is no value of the type)."""
    if hasattr(values, "num_chunks") and values.num_chunks == 1:
        values = values.chunk(0)
    return values.to_numpy(zero_copy_only=False)


def _mixed(values) -> bool:
    """Whether a list mixes kinds of values that numpy would make alike (True and 0.5 into
    floats, 5 and "a" into text, NaN and 1j into complex): ints with floats are not."""
    kinds = set(map(type, values))
    return len(kinds) > 1 and not kinds <= {int, float}


def _common_length(lengths: dict[str, int], units) -> int:
    distinct = set(lengths.values())
    if units is not None:
        distinct.add(len(units))
    if len(distinct) > 1:
        detail = ", ".join(f"{name}: {length}" for name, length in lengths.items())
        if units is not None:
            detail += f", units: {len(units)}"
        raise DataError([f"columns have different lengths ({detail})"])
    return distinct.pop() if distinct else 0


def _check_unit_ids(units: list) -> None:
    """Each id once; two ids that are the same text in different Unicode forms (NFC and
    NFD "Hà Nội", which look alike) are the same id, and an error."""
    try:
        distinct = len(set(units)) == len(units)  # the usual case, at C speed
    except TypeError:
        position = next(i for i, unit in enumerate(units) if not _hashable(unit))
        raise DataError([DataProblem(f"unit id {show(units[position])} (position {position}) is a "
                                     f"{type(units[position]).__name__}: a unit id is text or a number",
                                     position=position)]) from None
    if distinct and not _normalising(units):
        return
    if distinct:
        try:
            if len(set(map(_NFC, units))) == len(units):
                return
        except TypeError:  # ids of other types among the text: the loop below
            pass
    seen: dict[object, int] = {}
    for i, unit in enumerate(units):
        key = unicodedata.normalize("NFC", unit) if isinstance(unit, str) else unit
        if key in seen:
            first = seen[key]
            if units[first] == unit:
                raise DataError([DataProblem(f"unit id {show(unit)} appears twice (positions {first} and {i})", position=i)])
            raise DataError([DataProblem(unicode_twins(f"positions {first} and {i}", units[first], unit), position=i)])
        seen[key] = i


_NFC = functools.partial(unicodedata.normalize, "NFC")


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _normalising(units: list) -> bool:
    """Whether some id is text beyond ASCII, where Unicode forms can differ."""
    try:
        return not "".join(units).isascii()  # text ids: one C pass
    except TypeError:
        return any(isinstance(unit, str) and not unit.isascii() for unit in units)


def unicode_twins(where: str, first: str, second: str) -> str:
    """The error of two unit ids that differ only in Unicode normalisation."""
    return (f"unit ids {show(first)} and {show(second)} ({where}) differ only in Unicode normalisation "
            f"({ascii(first)[:80]} and {ascii(second)[:80]}): they look alike but are different text; "
            "write both the same way")


def _type_word(spec: ir.Input) -> str:
    return f"choice({', '.join(spec.options)})" if spec.kind == "choice" else spec.kind


def _convert(spec: ir.Input, raw: np.ndarray, units: Sequence[object]):
    """(float column, mask of bad values or None when none is, whether the column is known
    to hold no NaN, the problems found)."""
    problems: list[DataProblem] = []
    complete = False
    if arrow_columns.is_arrow(raw):
        column, wrong = arrow_columns.convert(spec, raw)
        complete = not wrong.any() and (_plainly_fine(spec, column) if spec.type == ir.NUM
                                        else not np.isnan(column).any())
        if spec.type == ir.NUM and not complete:
            wrong |= _numeric_problems(spec, column)
    elif raw.dtype.kind in "fiu" and spec.kind in ("count", "number", "share"):
        column = _floats(raw)
        if _plainly_fine(spec, column):
            return column, None, True, problems
        wrong = _numeric_problems(spec, column)
    elif raw.dtype.kind == "b" and spec.kind == "bool":
        return _bool_floats(raw), None, True, problems
    elif raw.dtype.kind in "fiu" and spec.kind in ("bool", "choice"):
        column, wrong = _coded(spec, raw)
    else:
        column, missing = _parse_distinct(spec, raw)
        wrong = np.isnan(column) & ~missing
        if spec.type == ir.NUM and not _plainly_fine(spec, column):
            wrong |= _numeric_problems(spec, column)
    if not wrong.any():
        return column, None, complete, problems
    for i in np.flatnonzero(wrong)[:50]:
        cell = raw[int(i)].as_py() if arrow_columns.is_arrow(raw) else raw[i]
        problems.append(DataProblem(f"unit {show(units[i])}, column '{spec.name}': {explain(spec, cell)}",
                                    position=int(i), column=spec.name))
    if wrong.sum() > 50:
        problems.append(DataProblem(f"... column '{spec.name}' has {int(wrong.sum()) - 50} more bad values",
                                    column=spec.name))
    return column, wrong, complete, problems


def _coded(spec: ir.Input, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A numeric column of a bool (0 and 1 are its values) or a choice (no number is), NaN
    being no value: what `cells.parse` says of each number, in whole-column passes."""
    column = raw.astype(float)
    given = ~np.isnan(column)
    if spec.kind == "choice":
        return np.full(len(column), np.nan), given
    wrong = given & (column != 0) & (column != 1)
    column[wrong] = np.nan
    return column, wrong


def _floats(raw: np.ndarray) -> np.ndarray:
    """A numeric column as float64, read-only. A float64 column is not copied: a copy
    of every column of a million units is a fresh gigabyte, which costs more than scoring
    it. Read-only, so that nothing of dtiscore's can change the caller's data."""
    column = raw.view() if raw.dtype == np.float64 else raw.astype(float)
    column.flags.writeable = False
    return column


def _bool_floats(raw: np.ndarray) -> np.ndarray:
    """A bool column as 0.0/1.0, in an array reused from an earlier run when nobody holds
    it (`buffers.take`): at a million units a fresh one costs more in page faults (~6 ms)
    than the conversion (~1 ms)."""
    column = take(raw.shape)
    np.copyto(column, raw)
    return column


def _parse_distinct(spec: ir.Input, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(parsed column, which cells say "no value"), parsing each distinct value once: a
    column of a large file holds few distinct values, and a Python step per cell is the cost."""
    if raw.dtype.kind == "U" and spec.kind == "choice":
        return _parse_options(spec, raw)
    values = raw.tolist()
    codes, distinct = _distinct(values)
    if codes is None:  # an unhashable value (a list in JSON data): one at a time
        return _parse_each(spec, raw), _is_missing(raw, spec.options)
    parsed = np.array([math.nan if (p := _parse(spec, value)) is None else p for value in distinct], dtype=float)
    missing = np.array([_missing(value, spec.options) for value in distinct], dtype=bool)
    return parsed[codes], missing[codes]


def _parse_options(spec: ir.Input, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_parse_distinct` for a numpy text column of choices: cells that are exactly an
    option are matched in whole-column passes (through one letter, else option by option);
    only the others (padded, "no value" words, bad ones) are parsed one distinct value at a
    time."""
    guess = _option_guess(spec.options, raw)
    if guess is None:
        column = np.full(len(raw), np.nan)
        for position, option in enumerate(spec.options):
            column[raw == option] = position
    else:
        table = np.array(spec.options, dtype=raw.dtype)
        column = guess.astype(float)
        column[(guess < 0) | (raw != table[guess])] = np.nan  # table[-1] is some option: checked anyway
    missing = np.zeros(len(raw), dtype=bool)
    rest = np.isnan(column)
    if rest.any():
        column[rest], missing[rest] = _parse_distinct(spec, raw[rest].astype(object))
    return column, missing


def _option_guess(options: tuple[str, ...], raw: np.ndarray) -> np.ndarray | None:
    """Each cell's only possible option (-1: none), read from one character position where
    every option has a different character, through a lookup table: one strided read of the
    column, where comparing whole cells with each option reads all of it once per option.
    None when no position tells the options apart."""
    width = raw.dtype.itemsize // 4  # numpy text is UTF-32, padded with zeros
    if (width == 0 or not raw.flags.c_contiguous or len(options) > 127
            or any(len(option) > width for option in options)):
        return None
    letters = np.array(options, dtype=raw.dtype).view(np.uint32).reshape(len(options), width)
    for j in range(width):
        codes = letters[:, j]
        if len(set(codes.tolist())) == len(options) and codes.max() < _GUESS_LETTERS:
            break
    else:
        return None
    lookup = np.full(int(codes.max()) + 2, -1, dtype=np.int8)  # the last entry: any letter beyond
    lookup[codes] = np.arange(len(options))
    return np.take(lookup, raw.view(np.uint32).reshape(len(raw), width)[:, j], mode="clip")


_GUESS_LETTERS = 1 << 16  # the lookup table's size at most


_PLAIN_KINDS = {int, float, str, type(None)}  # equal values of these kinds read alike


def _distinct(values: list) -> tuple[np.ndarray | None, list]:
    """(each value's index among the distinct values, the distinct values in first-seen
    order), in C loops (no Python step per value). True, 1 and 1.0 (or 1+0j) are equal keys
    but not equal inputs, so where other kinds mix with numbers each key carries its type."""
    kinds = set(map(type, values))
    if len(kinds) > 1 and not kinds <= _PLAIN_KINDS:
        keys: Any = list(zip(map(type, values), values))
    else:
        keys = values
    seen: dict = {}
    try:
        first = np.fromiter(map(seen.setdefault, keys, itertools.count()), dtype=np.intp, count=len(values))
    except TypeError:
        return None, []
    dense = np.empty(len(values), dtype=np.intp)
    dense[np.fromiter(seen.values(), dtype=np.intp, count=len(seen))] = np.arange(len(seen))
    distinct = [key[1] for key in seen] if keys is not values else list(seen)
    return dense[first], distinct


def _parse_each(spec: ir.Input, raw: np.ndarray) -> np.ndarray:
    """Parse value by value, once per distinct value (CSV columns repeat a lot)."""
    seen: dict = {}
    column = np.empty(len(raw))
    for i, value in enumerate(raw.tolist()):
        key = (value.__class__, value)  # True and 1 are equal keys, but not equal inputs
        try:
            parsed = seen[key]
        except (KeyError, TypeError):
            parsed = _parse(spec, value)
            parsed = math.nan if parsed is None else parsed
            try:
                seen[key] = parsed
            except TypeError:
                pass
        column[i] = parsed
    return column


def _is_missing(raw: np.ndarray, options: tuple[str, ...]) -> np.ndarray:
    """Which cells say "no value" (as opposed to a value that failed to parse)."""
    seen: dict = {}
    out = np.empty(len(raw), dtype=bool)
    for i, value in enumerate(raw.tolist()):
        key = (value.__class__, value)
        try:
            out[i] = seen[key]
        except (KeyError, TypeError):
            out[i] = _missing(value, options)
            try:
                seen[key] = out[i]
            except TypeError:
                pass
    return out


def _numeric_problems(spec: ir.Input, column: np.ndarray) -> np.ndarray:
    """Which values break the input's type or range (missing values do not)."""
    with np.errstate(invalid="ignore"):
        wrong = np.isinf(column)
        if spec.kind == "count":
            wrong |= (column < 0) | (column != np.floor(column))
        elif spec.kind == "share":
            wrong |= (column < 0) | (column > 1)
        if spec.within is not None:
            wrong |= (column < spec.within[0]) | (column > spec.within[1])
    return wrong & ~np.isnan(column)


def _plainly_fine(spec: ir.Input, column: np.ndarray) -> bool:
    """A quick pass for the usual column: no missing value, all within range. False means
    "look value by value", not "bad". Taken a block at a time, so that a column is read
    from memory once (min, max and a count's whole numbers while the block is in cache:
    1M values, 1.9 ms, against 2.8 ms for whole-column passes)."""
    low, high = {"count": (0.0, np.inf), "share": (0.0, 1.0)}.get(spec.kind, (-np.inf, np.inf))
    if spec.within is not None:
        low, high = max(low, spec.within[0]), min(high, spec.within[1])
    floored = np.empty(min(column.size, _CHECK_BLOCK))
    differs = np.empty(floored.size, dtype=bool)
    for start in range(0, column.size, _CHECK_BLOCK):
        part = column[start:start + _CHECK_BLOCK]
        smallest, largest = part.min(), part.max()  # NaN if any value is missing
        if not (low <= smallest and largest <= high and np.isfinite(smallest) and np.isfinite(largest)):
            return False
        if spec.kind == "count":
            np.floor(part, out=floored[:part.size])
            if np.count_nonzero(np.not_equal(part, floored[:part.size], out=differs[:part.size])):
                return False
    return True


_CHECK_BLOCK = 65536  # values per block of the quick pass: 512 KiB of floats


def bounds_first(inputs) -> list:
    """Inputs ordered so that each `<= OTHER` bound is checked before what it bounds."""
    by_name = {spec.name: spec for spec in inputs}
    order: dict[str, ir.Input] = {}

    def visit(spec, seen=()):
        if spec.name in order or spec.name in seen:
            return
        if spec.at_most in by_name:
            visit(by_name[spec.at_most], seen + (spec.name,))
        order[spec.name] = spec

    for spec in inputs:
        visit(spec)
    return list(order.values())


def _any_over(mine: np.ndarray, limit: np.ndarray) -> bool:
    """Whether some unit's value is over its bound (NaN is over nothing), a block at a
    time into one small mask: a pass over both columns, and no column-sized mask."""
    over = np.empty(min(mine.size, _CHECK_BLOCK), dtype=bool)
    with np.errstate(invalid="ignore"):
        for start in range(0, mine.size, _CHECK_BLOCK):
            part = over[:min(_CHECK_BLOCK, mine.size - start)]
            np.greater(mine[start:start + _CHECK_BLOCK], limit[start:start + _CHECK_BLOCK], out=part)
            if part.any():
                return True
    return False


def _check_constraints(spec, values, units, problems, bad, unreadable) -> None:
    """The units over their `<= OTHER` bound, as problems and bad values."""
    mine, limit = values[spec.name], values[spec.at_most]
    with np.errstate(invalid="ignore"):
        broken = mine > limit  # false where either has no value
    if spec.name in unreadable:
        broken &= ~unreadable[spec.name]
    if spec.at_most in bad:  # a bound that is itself bad (of any kind) bounds nothing
        broken &= ~bad[spec.at_most]
    for i in np.flatnonzero(broken)[:50]:
        problems.append(DataProblem(
            f"unit {show(units[i])}, column '{spec.name}': {_number(mine[i])} is more than "
            f"{spec.at_most} ({_number(limit[i])}), but {spec.name} <= {spec.at_most}",
            position=int(i), column=spec.name,
        ))
    if broken.any():
        bad[spec.name] = bad.get(spec.name, np.full(len(mine), False)) | broken


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else f"{int(value):,}"

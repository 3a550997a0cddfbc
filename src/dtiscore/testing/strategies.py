"""Data for a framework that respects its inputs and aims at the edges it declares."""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from typing import Mapping

import attrs
import numpy as np
from hypothesis import strategies as st

from ..engine.columns import bounds_first
from ..language import ir
from ..language.reference import constant_value


_ORDERING = ("<", "<=", ">", ">=", "==", "!=")


def _constant_of(expr: ir.Expr) -> float | None:
    """The value of an expression that reads no input, else None."""
    if any(isinstance(n, (ir.Column, ir.Population)) for n in ir.walk(expr)):
        return None
    value = constant_value(expr)
    return None if math.isnan(value) else value


def _unwrap(expr: ir.Expr) -> ir.Expr:
    while isinstance(expr, ir.Let):
        expr = expr.expr
    return expr


def _ratio_columns(expr: ir.Expr) -> tuple[str, str] | None:
    expr = _unwrap(expr)
    if isinstance(expr, ir.Op) and expr.op in ("/", "ratio"):
        top, bottom = (_unwrap(a) for a in expr.args)
        if isinstance(top, ir.Column) and isinstance(bottom, ir.Column) and top.name != bottom.name:
            return top.name, bottom.name
    return None


@attrs.frozen
class Edges:
    """What `inputs` aims at: per input, the constants it is measured against; and the
    ratios of two inputs compared with a constant (numerator, denominator, constant)."""

    values: Mapping[str, tuple[float, ...]]
    ratios: tuple[tuple[str, str, float], ...]


def edges(framework) -> Edges:
    """The edges a framework (a `Framework` or its IR) declares: `steps` thresholds,
    `linear` limits, `proportional` targets, where `deduct` reaches zero, and the constants
    of comparisons, min/max/clamp anywhere in a criterion. A constant counts for every input
    of the expression it is compared with; zero counts for every numeric input."""
    checked: ir.Framework = getattr(framework, "ir", framework)
    found: dict[str, set[float]] = defaultdict(set)
    ratios: set[tuple[str, str, float]] = set()

    def note(expr: ir.Expr, values) -> None:
        values = [v for v in values if v is not None and math.isfinite(v)]
        for name in ir.columns_used(expr):
            found[name].update(values)
        pair = _ratio_columns(expr)
        if pair:
            ratios.update((*pair, v) for v in values)

    for crit in checked.criteria():
        rule = crit.rule
        if isinstance(rule, ir.StepsRule):
            note(rule.expr, [b.threshold for b in rule.bands])
        elif isinstance(rule, ir.LinearRule):
            note(rule.expr, [_constant_of(rule.start), _constant_of(rule.end)])
        elif isinstance(rule, ir.ProportionalRule):
            note(rule.expr, [_constant_of(rule.target), 0.0])
        elif isinstance(rule, ir.DeductRule):
            amount = _constant_of(rule.amount)
            if amount:
                note(rule.per, [crit.max / amount])
        for root in (*ir.rule_exprs(rule), *(e.cond for e in crit.exclusions)):
            for node in ir.walk(root):
                if isinstance(node, ir.Op) and node.op in _ORDERING + ("min", "max", "clamp"):
                    constants = [_constant_of(a) for a in node.args]
                    for arg, value in zip(node.args, constants):
                        if value is None:
                            note(arg, [c for c in constants if c is not None])
    for spec in checked.inputs:
        if spec.type == ir.NUM:
            found[spec.name].add(0.0)
    return Edges({name: tuple(sorted(values)) for name, values in found.items()}, tuple(sorted(ratios)))


def _allowed(spec: ir.Input, value: float) -> bool:
    """Whether a value passes the input's type and `in` range."""
    if math.isnan(value):
        return True
    if not math.isfinite(value):
        return False
    if spec.kind == "count" and (value < 0 or value != math.floor(value)):
        return False
    if spec.kind == "share" and not 0.0 <= value <= 1.0:
        return False
    return spec.within is None or spec.within[0] <= value <= spec.within[1]


def _candidates(spec: ir.Input, targets) -> list[float]:
    """Every target, one step either side (±1 for counts, the next float otherwise), and the
    ends of the input's range; only those the input allows."""
    found = set()
    bounds = [spec.within] if spec.within else []
    for target in [*targets, *(b for pair in bounds for b in pair), 0.0, 1.0]:
        if spec.kind == "count":
            found.update((math.floor(target), math.ceil(target), math.floor(target) - 1, math.ceil(target) + 1))
        else:
            found.update((target, np.nextafter(target, -math.inf), np.nextafter(target, math.inf)))
    return sorted(float(v) for v in found if _allowed(spec, float(v)))


def _free(spec: ir.Input):
    """Values of the input's type and range, not aimed at anything."""
    low, high = {"count": (0, 10**6), "share": (0.0, 1.0), "number": (-1e6, 1e6)}[spec.kind]
    if spec.within:
        low, high = max(low, spec.within[0]), min(high, spec.within[1])
    if low > high or (spec.kind == "count" and math.ceil(low) > math.floor(high)):
        return st.just(math.nan)  # an empty range: only "no value" is valid
    if spec.kind == "count":
        values = st.integers(math.ceil(low), math.floor(high)).map(float) | st.integers(
            math.ceil(low), min(math.floor(high), math.ceil(low) + 5)).map(float)
    else:
        values = st.floats(low, high, allow_nan=False, allow_infinity=False)
    if spec.kind != "share" and spec.within is None:  # now and then, where products overflow
        huge = st.sampled_from((1e15, 2.0**53 + 2, 1e300) if spec.kind == "count" else (1e15, 1e300, -1e300))
        values = st.one_of(values, values, values, huge)
    return values


MODES = ("aimed", "aimed", "free", "constant")  # ways to fill a column, "aimed" twice as often


def _column(draw, spec: ir.Input, n: int, targets, missing: bool, bound: np.ndarray | None) -> np.ndarray:
    """One input's values (floats in the input's encoding, NaN = missing)."""
    pool, values = _strategies(spec, tuple(targets), missing)
    mode = draw(st.sampled_from(MODES + (("missing",) if missing else ())))
    if mode == "missing":
        return np.full(n, np.nan)
    if mode == "constant":
        column = np.full(n, draw(values[mode]))
    else:
        column = np.array(draw(st.lists(values[mode], min_size=n, max_size=n)), dtype=float)
    if bound is not None:
        for i in range(n):
            if column[i] > bound[i]:  # false where either has no value
                below = [v for v in pool + [float(bound[i])] if v <= bound[i] and _allowed(spec, v)]
                # at the bound exactly, or below it; no value when nothing fits (a range above it)
                column[i] = draw(st.sampled_from(below)) if below else math.nan
    return column


@functools.lru_cache(maxsize=4096)
def _strategies(spec: ir.Input, targets: tuple[float, ...], missing: bool) -> tuple[list[float], dict]:
    """The values aimed at (`pool`) and, per way of filling a column, the strategy of one
    value; built once per input (hypothesis strategies are slow to build, fast to draw)."""
    if spec.kind == "bool":
        pool = [0.0, 1.0]
    elif spec.kind == "choice":
        pool = [float(i) for i in range(len(spec.options))]
    else:
        pool = _candidates(spec, targets)
    free = _free(spec) if spec.type == ir.NUM else st.sampled_from(pool)
    aimed = st.sampled_from(pool) | st.sampled_from(pool) | free if pool else free
    constant = st.sampled_from(pool) if pool else free
    values = {"aimed": aimed, "free": free, "constant": constant}
    if missing:
        values = {mode: value | st.just(math.nan) for mode, value in values.items()}
    return pool, values


def _aim_ratios(draw, columns, specs, ratios) -> None:
    """For `ratio(a, b)` compared with t: make a = t × b for some units (rounded either
    way for counts), where that keeps every constraint."""
    dependents = defaultdict(list)
    for spec in specs.values():
        if spec.at_most:
            dependents[spec.at_most].append(spec.name)
    for top, bottom, target in ratios:
        if top not in columns or bottom not in columns:
            continue
        spec, n = specs[top], len(columns[top])
        for i in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)):
            exact = float(target * columns[bottom][i])
            if not math.isfinite(exact):
                continue
            value = draw(st.sampled_from((exact, math.floor(exact), math.ceil(exact)))) if spec.kind == "count" else exact
            ok = _allowed(spec, float(value))
            if ok and spec.at_most and columns[spec.at_most][i] < value:
                ok = False
            if ok and any(columns[d][i] > value for d in dependents[top]):
                ok = False
            if ok:
                columns[top][i] = value


def _encode(draw, spec: ir.Input, column: np.ndarray):
    """The column as a user would pass it: floats, or words for bools and choices; now and
    then as text of the data grammar, Python objects with other markers of no value, small
    numpy integers, or pandas' nullable and Arrow-backed columns."""
    missing = np.isnan(column)
    style = draw(st.sampled_from(STYLES))
    if style == "objects" or (style == "pandas" and _pandas() is None):
        marker = draw(st.sampled_from(no_value_markers()))
        return [marker if gap else value for gap, value in zip(missing, _plain_values(draw, spec, column))]
    if style == "pandas":
        return _pandas_column(draw, spec, column)
    if spec.kind == "choice":
        return [None if math.isnan(v) else spec.options[int(v)] for v in column]
    if spec.kind == "bool":
        style = draw(st.sampled_from(("float", "python", "words", "vietnamese")))
        if style == "float":
            return column
        words = {"python": (False, True), "words": ("no", "yes"), "vietnamese": ("không", "có")}[style]
        return [None if math.isnan(v) else words[int(v)] for v in column]
    if style == "text":
        form = draw(st.sampled_from(NUMBER_FORMS if spec.kind in ("share", "number") else NUMBER_FORMS[:4]))
        gap = draw(st.sampled_from(("", " ", "n/a", "NA", "-", "null", "nan")))
        return [gap if math.isnan(v) else number_text(v, form) for v in column]
    whole = not missing.any() and np.all(column == np.floor(column))
    if style == "small" and whole and column.size and -128 <= column.min() and column.max() <= 127:
        return column.astype(draw(st.sampled_from((np.int8, np.int16, np.float32))))
    if spec.kind == "count" and np.all(column < 2.0**53) and draw(st.booleans()):  # no NaN, fits int64
        return column.astype(np.int64)
    return column


STYLES = ("plain", "plain", "plain", "text", "objects", "small", "pandas")
NUMBER_FORMS = ("repr", "padded", "signed", "exponent", "percent")  # the last for shares and numbers


def number_text(value: float, form: str) -> str:
    """A float as number text of the data grammar that reads back as exactly that float:
    Python's repr (the shortest text that round-trips), padded, with a '+', with an
    exponent, or as a percent (the exponent raised by 2: 0.82 → "0.82e2%", 5e-05 → "5e-03%")."""
    text = repr(float(value))
    if form == "padded":
        return f"  {text}\t"
    if form == "signed":
        return text if text.startswith("-") else "+" + text
    mantissa, _, exponent = text.partition("e")
    if form == "exponent":
        return f"{mantissa}E{int(exponent or 0)}"
    if form == "percent":
        return f"{mantissa}e{int(exponent or 0) + 2}%"
    return text


def no_value_markers() -> list:
    """Every way a Python or pandas user writes "no value" in a column of objects."""
    import decimal

    markers = [None, math.nan, np.float32("nan"), np.float16("nan"), decimal.Decimal("NaN"), np.datetime64("NaT")]
    pandas = _pandas()
    return markers + ([pandas.NA, pandas.NaT] if pandas is not None else [])


def _plain_values(draw, spec: ir.Input, column: np.ndarray) -> list:
    """Values as Python objects: floats (ints for whole counts), bools, option names."""
    if spec.kind == "choice":
        return [None if math.isnan(v) else spec.options[int(v)] for v in column]
    if spec.kind == "bool":
        return [None if math.isnan(v) else draw(st.sampled_from((bool(v), np.bool_(v), int(v)))) for v in column]
    if spec.kind == "count":
        return [None if math.isnan(v) else int(v) for v in column]
    return [float(v) for v in column]


def _pandas_column(draw, spec: ir.Input, column: np.ndarray):
    """A pandas Series of a nullable dtype (NA for no value), Arrow-backed when pyarrow is there."""
    pandas = _pandas()
    values = [None if gap else v for gap, v in zip(np.isnan(column), _plain_values(draw, spec, column))]
    arrow = _has("pyarrow")
    dtypes = {"count": ["Int64", "Float64"] + (["int64[pyarrow]"] if arrow else []),
              "number": ["Float64"] + (["float64[pyarrow]"] if arrow else []),
              "share": ["Float64"] + (["float64[pyarrow]"] if arrow else []),
              "bool": ["boolean"] + (["bool[pyarrow]"] if arrow else []),
              "choice": ["string", "category", "object"] + (["string[pyarrow]"] if arrow else [])}[spec.kind]
    if spec.kind == "bool":
        values = [None if v is None else bool(v) for v in values]
    if spec.kind == "count" and any(v is not None and abs(v) >= 2**63 for v in values):
        dtypes = dtypes[1:2]
    return pandas.Series(values, dtype=draw(st.sampled_from(dtypes)))


@functools.lru_cache(maxsize=None)
def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _pandas():
    """pandas, when it is installed (the dev extra); data generation does without it."""
    if not _has("pandas"):
        return None
    import pandas

    return pandas


@st.composite
def inputs(draw, framework, min_units: int = 1, max_units: int = 50, missing: bool = True) -> dict:
    """Data for a framework: input name → one column of `n` values (a numpy array or a list).

    Every value respects its input's type, `in` range and `<=` bound (the bound is drawn
    first, then the bounded value at or below it), so `framework.score(data)` never raises a
    `DataError`. Values aim at the framework's `edges`: each threshold exactly, one step
    below and above it, zeros (zero denominators), the ends of ranges, ratios of two inputs
    landing on their threshold; columns may be constant or all missing. missing=False draws
    no missing values (undefined values, e.g. ratios by zero, can still occur; and a value
    is left missing where its `<=` bound leaves its `in` range no room)."""
    checked: ir.Framework = getattr(framework, "ir", framework)
    n = draw(st.integers(min_units, max(min_units, max_units)))
    aims = edges(checked)
    specs = {s.name: s for s in checked.inputs}
    columns: dict[str, np.ndarray] = {}
    for spec in bounds_first(list(checked.inputs)):
        bound = columns.get(spec.at_most) if spec.at_most else None
        columns[spec.name] = _column(draw, spec, n, aims.values.get(spec.name, ()), missing, bound)
    _aim_ratios(draw, columns, specs, aims.ratios)
    return {spec.name: _encode(draw, spec, columns[spec.name]) for spec in checked.inputs}

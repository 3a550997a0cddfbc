"""Vectorised operations the compiled program calls, over a block of units at once.

Values are float64 arrays (or Python floats for constants); NaN is "no value". Each function
gives NaN wherever the operation is undefined, so a missing input flows to the criterion
that needs it and no further: `if`, `and` and `or` stop it when the other side decides.

Speed notes: masked writes (`a[mask] = v`) and `np.where` cost several times a plain
vector operation, so they run only when a cheap `.any()` says there is something to fix;
in most blocks there is no missing value and no division by zero.
"""

from __future__ import annotations

import functools

import numpy as np

NAN = np.nan


def _array(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def as_float(x) -> np.ndarray:
    """A bool array as 0.0/1.0."""
    return np.asarray(x, dtype=float)


def _vector(x) -> np.ndarray:
    """A float array of at least one dimension (a rule on constants gives one value)."""
    x = np.asarray(x, dtype=float)
    return x.reshape(1) if x.ndim == 0 else x


def has_nan(x) -> bool:
    """Whether x holds a NaN: one summing pass, no temporary; a sum gone NaN by overflow
    (inf - inf) is told apart by a second look. Values near the float range are values of
    the language: the sum overflows without a warning. Scalars (population values) count too."""
    if isinstance(x, np.ndarray):
        if x.size == 0:
            return False
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.add.reduce(x, axis=None)
        return bool(np.isnan(total)) and bool(np.isnan(x).any())
    return isinstance(x, float) and x != x


def _undefined_where(result: np.ndarray, *operands) -> np.ndarray:
    """Set result to NaN wherever an operand has no value."""
    missing = None
    for operand in operands:
        if has_nan(operand):
            nan = np.isnan(operand)
            missing = nan if missing is None else missing | nan
    if missing is not None:
        result = np.array(result, dtype=float, ndmin=1)
        result[np.broadcast_to(missing, result.shape)] = NAN
    return result


def divide(a, b):
    """a / b, undefined (not infinite) where b == 0."""
    a, b = _array(a), _array(b)
    with np.errstate(all="ignore"):  # 0/0, x/0 (made NaN below) and overflow to ±inf
        out = np.divide(a, b)
    zero = b == 0.0
    if np.any(zero):
        out = np.array(out, dtype=float, ndmin=1)  # np.divide may give a read-only scalar
        out[np.broadcast_to(zero, out.shape)] = NAN
    return out


def _compare(test, a, b):
    a, b = _array(a), _array(b)
    return _undefined_where(test(a, b).astype(float), a, b)


def less(a, b):
    return _compare(np.less, a, b)


def less_equal(a, b):
    return _compare(np.less_equal, a, b)


def greater(a, b):
    return _compare(np.greater, a, b)


def greater_equal(a, b):
    return _compare(np.greater_equal, a, b)


def equal(a, b):
    return _compare(np.equal, a, b)


def not_equal(a, b):
    return _compare(np.not_equal, a, b)


def logical_and(a, b):
    """Kleene's and: false wins over no value. (a·b is 1, 0 or NaN; a 0 side decides.)"""
    a, b = _array(a), _array(b)
    out = a * b
    undecided = np.isnan(out)
    if np.any(undecided):
        out = np.where(undecided & ((a == 0.0) | (b == 0.0)), 0.0, out)
    return out


def logical_or(a, b):
    """Kleene's or: true wins over no value. (max(a, b) is 1, 0 or NaN; a 1 side decides.)"""
    a, b = _array(a), _array(b)
    out = np.maximum(a, b)
    undecided = np.isnan(out)
    if np.any(undecided):
        out = np.where(undecided & ((a == 1.0) | (b == 1.0)), 1.0, out)
    return out


def minimum(a, b):
    """np.minimum; faster where one side is a constant (see `_full`)."""
    return np.minimum(*_filled(a, b))


def maximum(a, b):
    """np.maximum; faster where one side is a constant (see `_full`)."""
    return np.maximum(*_filled(a, b))


def _filled(a, b) -> tuple:
    """(a, b) with a constant side as a full array of the other side's shape."""
    if isinstance(a, float) and isinstance(b, np.ndarray):
        return _full(a, b.shape), b
    if isinstance(b, float) and isinstance(a, np.ndarray):
        return a, _full(b, a.shape)
    return a, b


def logical_not(a):
    return 1.0 - _array(a)


def choose(cond, then, otherwise):
    """`if cond then a else b`; no value where cond has none."""
    cond = _array(cond)
    out = np.where(cond == 1.0, then, otherwise).astype(float, copy=False)
    return _undefined_where(out, cond)


def round_half_away(x, digits):
    """Round like a spreadsheet's ROUND: halves go away from zero, and a half stored a hair
    below by binary floats still counts (the scaled value is rounded to 9 decimals first)."""
    x = _array(x)
    with np.errstate(over="ignore", under="ignore"):
        scale = np.float64(10.0) ** digits
    if np.isinf(scale):  # more than 308 digits: a float is already as precise as that
        return np.array(x, dtype=float)
    if scale == 0.0:  # fewer than -323 digits: every finite float rounds to zero
        return np.where(np.isinf(x), x, np.sign(x) * 0.0)
    return np.sign(x) * (np.floor(np.round(np.abs(x) * scale, 9) + 0.5) / scale)


def population(func: str, values, fraction):
    """best/worst/mean/percentile over the defined values; NaN over none."""
    values = np.atleast_1d(_array(values))
    present = values[~np.isnan(values)]
    if present.size == 0:
        return NAN
    if func == "best":
        return float(present.max())
    if func == "worst":
        return float(present.min())
    if func == "mean":
        return float(np.mean(np.sort(present)))  # sorted: the same sum whatever the unit order
    return float(np.percentile(present, fraction * 100.0))


# ---- scoring rules: each gives (points, branch) --------------------------------------
# points are NaN where undefined; the branch code there does not matter (the evaluator
# sets -1 wherever a criterion is not scored). The program passes each rule the
# criterion's rows of the result (`points`, `branch`): the rule writes into them, and no
# temporary is copied. Called without them, a rule makes its own arrays.


def _rows(x: np.ndarray, points: np.ndarray | None, branch: np.ndarray | None, width: int = 2):
    """The destination rows, or new arrays of x's shape (branch codes up to `width`)."""
    if points is None:
        return np.empty(x.shape), np.empty(x.shape, dtype=code_dtype(width))
    return points, branch


def _ends(x: np.ndarray, top: float, code: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Branch codes of a clamp of x to [0, top], into `code`: 1 at the top, else 2 at zero,
    else 0. Read from the clamped values `kept` where top > 0 and the codes are int8 (two
    comparisons written as bytes, no casting: 24 against 41 µs on 64k units): there
    p == top exactly where x >= top, p == 0 exactly where x <= 0 (-0.0 and -inf included),
    and NaN is neither."""
    if top > 0.0 and code.dtype == np.int8:
        np.equal(kept, 0.0, out=code.view(bool))  # True is the byte 1
        code += code
        code += np.equal(kept, top).view(np.int8)
        return code
    at_top = x >= top
    np.multiply(np.greater(x <= 0.0, at_top), code.dtype.type(2), out=code)
    code += at_top
    return code


def store(points: np.ndarray, branches: np.ndarray, rule) -> tuple:
    """A rule's (points, branch codes) written into the destination rows (when there are
    any: for the rules that compute into arrays of their own first)."""
    if points is not None:
        np.copyto(points, rule[0])
        np.copyto(branches, rule[1], casting="unsafe")
        return points, branches
    return rule


def limited(x, top: float, points=None, branch=None):
    """x clamped to [0, top]."""
    x = _vector(x)
    points, branch = _rows(x, points, branch)
    clamped(x, 0.0, top, out=points)
    return points, _ends(x, top, branch, points)


def fraction_of(fraction, top: float, points=None, branch=None):
    """top × fraction clamped to [0, 1]; branches as `limited`."""
    fraction = _vector(fraction)
    points, branch = _rows(fraction, points, branch)
    clamped(fraction, 0.0, 1.0, out=points)
    _ends(fraction, 1.0, branch, points)  # before the points are scaled
    points *= top
    return points, branch


def clamped(x: np.ndarray, low: float, high: float, out: np.ndarray | None = None) -> np.ndarray:
    """min(max(x, low), high), into `out` or a new array; NaN stays NaN."""
    shape = x.shape if out is None else out.shape
    points = np.maximum(x, _full(low, shape), out=out)
    return np.minimum(points, _full(high, shape), out=points)


def _full(value: float, shape: tuple[int, ...]) -> np.ndarray | float:
    """`value` as an array of this shape, when that is faster: numpy's minimum and maximum
    have no vector loop for a scalar, and run ~3x faster against a full array (16k
    units: 3.3 against 9.9 µs). The arrays are made once per value and block size."""
    if len(shape) != 1 or shape[0] < _FULL_FROM:
        return value
    return _full_array(value, shape[0])


_FULL_FROM = 1024  # units: below this, making the array costs more than it saves


@functools.lru_cache(maxsize=128)  # at most 64 MiB with 64k-unit blocks
def _full_array(value: float, n: int) -> np.ndarray:
    array = np.full(n, value)
    array.flags.writeable = False
    return array


_CACHES = [_full_array]  # what `clear` forgets; other engines' kernels add theirs


def clear() -> None:
    """Forget the constant arrays kept for `_full` and the other engines' tables
    (`dtiscore.clear_cache`)."""
    for cache in _CACHES:
        cache.cache_clear()


def linear(x, start, end, top: float, points=None, branch=None):
    """0 points at start, top at end, straight between; a step where start == end. (Rare:
    limits that vary by unit; computed apart, then stored.)"""
    x, start, end = np.broadcast_arrays(*(_vector(v) for v in (x, start, end)))
    span = end - start
    flat = start == end  # not span == 0: inf - inf is NaN, yet a step, as the reference says
    with np.errstate(all="ignore"):  # inf - inf, x / 0 (a step, below) and overflow to ±inf
        made, codes = fraction_of((x - start) / span, top)
    if flat.any():
        reached = flat & (x >= end)
        made = np.where(flat, np.where(reached, top, 0.0), made)
        made = _undefined_where(made, x, start, end)
        codes = np.where(flat, np.where(reached, 1, 2), codes).astype(np.int8)
    return store(points, branch, (made, codes))


def linear_fixed(x, start: float, end: float, top: float, points=None, branch=None):
    """`linear` whose limits are different constants (the usual case)."""
    with np.errstate(over="ignore"):  # a huge x over a tiny span overflows to ±inf: a value
        fraction = _vector(x) - start
        fraction /= end - start  # in place: the same float as (x - start) / (end - start)
    return fraction_of(fraction, top, points, branch)


def award(cond, top: float, points=None, branch=None):
    cond = _vector(cond)
    points, branch = _rows(cond, points, branch, 1)
    np.multiply(cond, top, out=points)
    np.equal(cond, 1.0, out=branch, casting="unsafe")
    return points, branch


_BAND_TESTS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}
_BAND_FAILS = {">=": np.less, ">": np.less_equal, "<=": np.greater, "<": np.greater_equal}


def steps(x, bands, otherwise: float, points=None, branch=None):
    """bands: (op, threshold, points) in order; the first that holds decides."""
    x = _vector(x)
    points, branch = _rows(x, points, branch, len(bands))
    index = _band_index(x, bands, branch)
    table = np.array([b[2] for b in bands] + [otherwise])
    np.take(table, index, mode="clip", out=points)  # "clip": no bounds check
    if has_nan(x):
        np.copyto(points, NAN, where=np.isnan(x))
    return points, branch


def code_dtype(largest: int) -> np.dtype:
    """The narrowest integer type holding branch codes 0..largest and -1 (not scored):
    int8 for every rule but `steps` and `cases` with more than 127 branches."""
    for dtype in (np.int8, np.int16, np.int32):
        if largest <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def _band_index(x: np.ndarray, bands, index: np.ndarray) -> np.ndarray:
    """The position of the first band that holds (len(bands) for else), per unit, into
    `index` (int8, or wider past 127 bands).

    Bands that nest (each holds only where the next one does too: `>= 90, >= 70, > 50`)
    are the usual case: then the first that holds is the count of those that fail, one
    comparison and one int8 addition per band. Otherwise later bands are overruled by
    earlier ones with int8 arithmetic (no np.where, whose branches mispredict)."""
    index.fill(0)
    if _nested(bands):
        for op, threshold, _ in bands:
            index += _BAND_FAILS[op](x, threshold).view(np.int8)
        return index
    index += index.dtype.type(len(bands))
    for position in range(len(bands) - 1, -1, -1):  # later bands first, so earlier ones win
        op, threshold, _ = bands[position]
        _overrule_codes(index, position, _BAND_TESTS[op](x, threshold))
    return index


def _nested(bands) -> bool:
    """Does each band hold only where the next one holds too?"""
    def within(inner, outer) -> bool:
        (op, t), (next_op, u) = inner, outer
        if {op, next_op} <= {">=", ">"}:
            return t > u or (t == u and not (op == ">=" and next_op == ">"))
        if {op, next_op} <= {"<=", "<"}:
            return t < u or (t == u and not (op == "<=" and next_op == "<"))
        return False
    return all(within(a[:2], b[:2]) for a, b in zip(bands, bands[1:]))


def _overrule_codes(codes: np.ndarray, code: int, where: np.ndarray) -> None:
    """codes[where] = code for integer codes, branch-free."""
    codes += (codes.dtype.type(code) - codes) * where.view(np.int8)


def cases(conditions, values, otherwise, top: float, points=None, branch=None):
    """The first condition that holds gives its value (clamped to [0, top]); a condition
    with no value before the first that holds makes the result undefined."""
    shape = np.broadcast_shapes((1,), *(np.shape(c) for c in conditions),
                                *(np.shape(v) for v in values), np.shape(otherwise))
    raw = np.broadcast_to(_array(otherwise), shape)
    dtype = code_dtype(len(conditions))
    codes = np.full(shape, len(conditions), dtype=dtype)
    for position in range(len(conditions) - 1, -1, -1):  # later cases first
        cond = np.broadcast_to(_array(conditions[position]), shape)
        holds = cond == 1.0
        unknown = np.isnan(cond)
        raw = np.where(holds, values[position], raw)
        codes = np.where(holds, dtype.type(position), codes).astype(dtype)
        if unknown.any():  # no value here: undefined, whatever later cases say
            raw = np.where(unknown, NAN, raw)
    return store(points, branch, (limited(raw, top)[0], codes))


# ---- rules on conditions that are numpy bool arrays (blocks with no missing value) ----


def award_bool(cond, top: float, points=None, branch=None):
    cond = np.asarray(cond, dtype=bool).reshape(-1)
    points, branch = _rows(cond, points, branch, 1)
    np.multiply(cond, top, out=points)  # True × top is top, False × top is 0.0
    np.copyto(branch, cond, casting="unsafe")
    return points, branch


def cases_bool(conditions, values, otherwise, top: float, points=None, branch=None):
    """`cases` whose conditions cannot be undefined. The branch (the first condition that
    holds) is found with int8 arithmetic; constant values are looked up by it, and each
    value that varies by unit is put in where its case was taken."""
    if not conditions:
        return cases(conditions, values, otherwise, top, points, branch)
    shape = np.broadcast_shapes((1,), *(np.shape(c) for c in conditions),
                                *(np.shape(v) for v in values), np.shape(otherwise))
    codes = np.full(shape, len(conditions), dtype=code_dtype(len(conditions)))
    for position in range(len(conditions) - 1, -1, -1):  # later cases first
        _overrule_codes(codes, position, np.broadcast_to(conditions[position], shape))
    choices = list(values) + [otherwise]
    table = np.array([v if np.ndim(v) == 0 else 0.0 for v in choices], dtype=float)
    raw = np.take(np.minimum(np.maximum(table, 0.0), top), codes, mode="clip")
    for position, value in enumerate(choices):
        if np.ndim(value) != 0:  # np.where, not a masked copy: ~4x faster on scattered masks
            raw = np.where(codes == position, clamped(_vector(value), 0.0, top), raw)
    return store(points, branch, (raw, codes))

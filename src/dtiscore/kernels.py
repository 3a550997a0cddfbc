"""Vectorised operations the compiled program calls, over whole columns at once.

Values are float64 arrays (or Python floats for constants); NaN is "no value". Each function
gives NaN wherever the operation is undefined, so a missing input flows to the criterion
that needs it and no further: `if`, `and` and `or` stop it when the other side decides.
"""

from __future__ import annotations

import numpy as np

NAN = np.nan


def divide(a, b):
    """a / b, undefined (not infinite) where b == 0."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.full(a.shape, NAN)
    np.divide(a, b, out=out, where=b != 0.0)
    return out


def _compare(result, a, b):
    result = result.astype(float)
    result[np.isnan(a) | np.isnan(b)] = NAN
    return result


def less(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return _compare(np.less(a, b), a, b)


def less_equal(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return _compare(np.less_equal(a, b), a, b)


def greater(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return _compare(np.greater(a, b), a, b)


def greater_equal(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return _compare(np.greater_equal(a, b), a, b)


def equal(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return _compare(np.equal(a, b), a, b)


def not_equal(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return _compare(np.not_equal(a, b), a, b)


def logical_and(a, b):
    """Kleene's and: false wins over no value."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.where((a == 0.0) | (b == 0.0), 0.0, a * b)


def logical_or(a, b):
    """Kleene's or: true wins over no value."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.where((a == 1.0) | (b == 1.0), 1.0, a + b)


def logical_not(a):
    return 1.0 - np.asarray(a, dtype=float)


def choose(cond, then, otherwise):
    """`if cond then a else b`; no value where cond has none."""
    cond = np.asarray(cond, dtype=float)
    out = np.where(cond == 1.0, then, otherwise).astype(float)
    out[np.isnan(cond)] = NAN
    return out


def round_half_away(x, digits):
    """Round like a spreadsheet's ROUND: halves go away from zero."""
    scale = 10.0**digits
    x = np.asarray(x, dtype=float)
    return np.sign(x) * (np.floor(np.abs(x) * scale + 0.5) / scale)


def population(func: str, values, fraction):
    """best/worst/mean/percentile over the defined values; NaN over none."""
    values = np.asarray(values, dtype=float)
    present = values[~np.isnan(values)] if values.ndim else values[None][~np.isnan(values[None])]
    if present.size == 0:
        return NAN
    if func == "best":
        return float(present.max())
    if func == "worst":
        return float(present.min())
    if func == "mean":
        return float(np.mean(present))
    return float(np.percentile(present, fraction * 100.0))


# ---- scoring rules: each gives (points, branch); points NaN where undefined, branch -1 ----


def _vector(x) -> np.ndarray:
    """A float array of at least one dimension (a rule on constants gives one value)."""
    x = np.asarray(x, dtype=float)
    return x.reshape(1) if x.ndim == 0 else x


def _codes(points, *conditions_and_codes):
    branch = np.full(points.shape, -1, dtype=np.int8)
    for condition, code in conditions_and_codes:
        branch[condition] = code
    return branch


def limited(x, top: float):
    """x clamped to [0, top]; branch 1 at the top, 2 at zero, 0 between."""
    x = _vector(x)
    points = np.minimum(np.maximum(x, 0.0), top)
    defined = ~np.isnan(x)
    high = defined & (x >= top)
    low = defined & ~high & (x <= 0.0)
    return points, _codes(points, (defined, 0), (low, 2), (high, 1))


def fraction_of(fraction, top: float):
    """top × fraction clamped to [0, 1]; branches as `limited`."""
    fraction = _vector(fraction)
    defined = ~np.isnan(fraction)
    high = defined & (fraction >= 1.0)
    low = defined & ~high & (fraction <= 0.0)
    points = top * fraction
    points[high] = top
    points[low] = 0.0
    return points, _codes(points, (defined, 0), (low, 2), (high, 1))


def linear(x, start, end, top: float):
    x, start, end = np.broadcast_arrays(*(_vector(v) for v in (x, start, end)))
    span = end - start
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = (x - start) / np.where(span == 0.0, NAN, span)
    points, branch = fraction_of(fraction, top)
    flat = (span == 0.0) & ~np.isnan(x)  # from == to: a step at that value
    reached = flat & (x >= end)
    points[flat] = 0.0
    points[reached] = top
    branch[flat] = 2
    branch[reached] = 1
    return points, branch


def award(cond, top: float):
    cond = _vector(cond)
    points = np.where(cond == 1.0, top, 0.0)
    points[np.isnan(cond)] = NAN
    branch = np.where(np.isnan(cond), -1, cond).astype(np.int8)
    return points, branch


_BAND_TESTS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


def steps(x, bands, otherwise: float):
    """bands: (op, threshold, points) in order; the first that holds decides."""
    x = _vector(x)
    points = np.full(x.shape, otherwise)
    branch = np.full(x.shape, len(bands), dtype=np.int8)
    for index in range(len(bands) - 1, -1, -1):  # later bands first, so earlier ones win
        op, threshold, band_points = bands[index]
        hit = _BAND_TESTS[op](x, threshold)
        points[hit] = band_points
        branch[hit] = index
    undefined = np.isnan(x)
    points[undefined] = NAN
    branch[undefined] = -1
    return points, branch


def cases(conditions, values, otherwise, top: float):
    """The first condition that holds gives its value (clamped to [0, top]); a condition
    with no value before the first that holds makes the result undefined."""
    shape = np.shape(conditions[0]) if conditions else np.shape(otherwise)
    shape = np.broadcast_shapes((1,), shape, *(np.shape(c) for c in conditions),
                                *(np.shape(v) for v in values), np.shape(otherwise))
    decided = np.full(shape, False)
    raw = np.full(shape, NAN)
    branch = np.full(shape, -1, dtype=np.int8)
    for index, (cond, value) in enumerate(zip(conditions, values)):
        cond = np.broadcast_to(np.asarray(cond, dtype=float), shape)
        unknown = ~decided & np.isnan(cond)
        decided |= unknown
        hit = ~decided & (cond == 1.0)
        raw[hit] = np.broadcast_to(value, shape)[hit]
        branch[hit] = index
        decided |= hit
    rest = ~decided
    raw[rest] = np.broadcast_to(otherwise, shape)[rest]
    branch[rest] = len(conditions)
    points, _ = limited(raw, top)
    branch[np.isnan(points)] = -1
    return points, branch

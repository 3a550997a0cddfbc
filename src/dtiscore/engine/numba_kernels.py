"""The numba engine's kernels: the scoring rules, the guarded division and a group's sums,
each one loop over a block of units, compiled once per machine (`cache=True`) and run without the GIL
(`nogil=True`), so the evaluator's threads score blocks side by side.

The generated program is the same for both engines; the numba engine loads it into a
namespace where these functions stand in for the numpy kernels of the same names
(`KERNELS`). Each is called per criterion and block with the criterion's constants and
writes points and branch codes straight into the criterion's rows. Anything a kernel has
no template for (a value that is not one float per unit, rules on tuples of conditions,
`linear` with varying limits) goes to the numpy kernel, so a framework is always scored.

Every loop computes the same IEEE operations as the numpy kernels, in the same order
(`error_model="numpy"`, no fastmath): the two engines agree bit for bit.

Importing this module imports numba: `program.engine_kernels` imports it only when the
numba engine is asked for.
"""

from __future__ import annotations

import functools

import numba
import numpy as np

from . import kernels

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")
_GE, _GT, _LE, _LT = 0, 1, 2, 3
_OPS = {">=": _GE, ">": _GT, "<=": _LE, "<": _LT}


@_jit
def _ramp(x, start, span, high, factor, points, branch):  # pragma: no cover - compiled
    """points = min(max((x - start) / span, 0), high) × factor, as numpy's maximum and
    minimum take NaN and -0.0 (max(-0.0, 0.0) is 0.0); branch 1 at `high`, else 2 at or
    below zero, else 0."""
    for i in range(x.shape[0]):
        f = (x[i] - start) / span
        p = f if (f > 0.0 or f != f) else 0.0
        p = p if (p <= high or p != p) else high
        points[i] = p * factor
        branch[i] = 1 if f >= high else (2 if f <= 0.0 else 0)


@_jit
def _award(cond, top, points, branch):  # pragma: no cover - compiled
    for i in range(cond.shape[0]):
        points[i] = cond[i] * top
        branch[i] = 1 if cond[i] == 1.0 else 0


@_jit
def _steps(x, ops, thresholds, table, points, branch):  # pragma: no cover - compiled
    """The first band that holds, band by band from the last (one branch-free pass each,
    so earlier bands overrule later ones), then its points (NaN where x has none)."""
    n = x.shape[0]
    for i in range(n):
        branch[i] = ops.shape[0]
    for b in range(ops.shape[0] - 1, -1, -1):
        t, op = thresholds[b], ops[b]
        if op == 0:
            for i in range(n):
                branch[i] = b if x[i] >= t else branch[i]
        elif op == 1:
            for i in range(n):
                branch[i] = b if x[i] > t else branch[i]
        elif op == 2:
            for i in range(n):
                branch[i] = b if x[i] <= t else branch[i]
        else:
            for i in range(n):
                branch[i] = b if x[i] < t else branch[i]
    for i in range(n):
        points[i] = table[branch[i]] if x[i] == x[i] else np.nan


@_jit
def _divide(a, b, out):  # pragma: no cover - compiled
    for i in range(a.shape[0]):
        out[i] = np.nan if b[i] == 0.0 else a[i] / b[i]


@_jit
def group(points, applicable, group_max, start, stop, rows, group_rows, maxima, m_all, top, rescale, g,
          g_max):  # pragma: no cover - compiled
    """One group over units start..stop: its members' points and effective maxima summed in
    file order (the floats `evaluate._group` adds, in its order), then rescaled or shrunk;
    written into the group's rows of points, group_max and applicable. A member is a
    criterion (its max where it applies) or a group (group_rows[k] >= 0: its row of
    group_max). Member by member, each a sequential pass over the block's units (a pass
    unit by unit across the members' rows runs several times slower)."""
    m = stop - start
    raw = np.zeros(m)
    m_app = np.zeros(m)
    any_app = np.zeros(m, dtype=np.bool_)
    for k in range(rows.shape[0]):
        member, applies = points[rows[k], start:stop], applicable[rows[k], start:stop]
        if group_rows[k] >= 0:
            effective = group_max[group_rows[k], start:stop]
            for i in range(m):
                raw[i] += member[i]
                m_app[i] += effective[i]
                any_app[i] |= applies[i]
        else:
            top_k = maxima[k]
            for i in range(m):
                raw[i] += member[i]
                m_app[i] += top_k if applies[i] else 0.0
                any_app[i] |= applies[i]
    kept_row, effective_row, applies_row = points[g, start:stop], group_max[g_max, start:stop], applicable[g, start:stop]
    for i in range(m):
        kept = 0.0
        effective = 0.0
        if any_app[i]:
            if rescale:
                if m_app[i] > 0.0:
                    kept = min(raw[i] * m_all / m_app[i], top)
                    effective = top
            else:
                effective = min(m_app[i], top)
                kept = min(raw[i], effective)
        kept_row[i] = kept
        effective_row[i] = effective
        applies_row[i] = any_app[i]


def _units(x, rows: np.ndarray) -> np.ndarray | None:
    """x as one float64 per unit of the block, or None when it is something else (a bool
    array, a value for every unit at once): then the numpy kernel takes it."""
    if type(x) is np.ndarray and x.dtype == np.float64 and x.shape == rows.shape:
        return x
    if type(x) is float or (type(x) is np.ndarray and x.dtype == np.float64 and x.shape == (1,)):
        return np.full(rows.shape, float(np.reshape(x, -1)[0]))
    return None


def limited(x, top: float, points=None, branch=None):
    values = None if points is None else _units(x, points)
    if values is None:
        return kernels.limited(x, top, points, branch)
    _ramp(values, 0.0, 1.0, float(top), 1.0, points, branch)
    return points, branch


def fraction_of(fraction, top: float, points=None, branch=None):
    values = None if points is None else _units(fraction, points)
    if values is None:
        return kernels.fraction_of(fraction, top, points, branch)
    _ramp(values, 0.0, 1.0, 1.0, float(top), points, branch)
    return points, branch


def linear_fixed(x, start: float, end: float, top: float, points=None, branch=None):
    values = None if points is None else _units(x, points)
    if values is None:
        return kernels.linear_fixed(x, start, end, top, points, branch)
    _ramp(values, float(start), float(end - start), 1.0, float(top), points, branch)
    return points, branch


def award(cond, top: float, points=None, branch=None):
    values = None if points is None else _units(cond, points)
    if values is None:
        return kernels.award(cond, top, points, branch)
    _award(values, float(top), points, branch)
    return points, branch


def award_bool(cond, top: float, points=None, branch=None):
    if points is None or type(cond) is not np.ndarray or cond.shape != points.shape:
        return kernels.award_bool(cond, top, points, branch)
    _award(cond.view(np.uint8), float(top), points, branch)  # True is 1, False 0
    return points, branch


def steps(x, bands, otherwise: float, points=None, branch=None):
    values = None if points is None else _units(x, points)
    if values is None:
        return kernels.steps(x, bands, otherwise, points, branch)
    _steps(values, *_band_table(bands, otherwise), points, branch)
    return points, branch


@functools.lru_cache(maxsize=1024)
def _band_table(bands, otherwise: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ops, thresholds, points with `otherwise` last), made once per rule."""
    return (np.array([_OPS[op] for op, _, _ in bands], dtype=np.int8),
            np.array([t for _, t, _ in bands], dtype=np.float64),
            np.array([p for _, _, p in bands] + [otherwise], dtype=np.float64))


kernels._CACHES.append(_band_table)  # forgotten by dtiscore.clear_cache with numpy's


def divide(a, b):
    """a / b, undefined where b == 0; one loop when both are a float per unit."""
    if (type(a) is np.ndarray and type(b) is np.ndarray and a.dtype == np.float64 == b.dtype
            and a.ndim == 1 and a.shape == b.shape):
        out = np.empty(a.shape)
        _divide(a, b, out)
        return out
    return kernels.divide(a, b)


KERNELS = {
    "limited": limited, "fraction_of": fraction_of, "linear_fixed": linear_fixed,
    "award": award, "award_bool": award_bool, "steps": steps, "divide": divide,
    "group": group,  # called by the evaluator (`evaluate._group`), not by the program
}

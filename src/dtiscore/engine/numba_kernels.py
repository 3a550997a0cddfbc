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

from ..language import ir
from . import kernels

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")
_GE, _GT, _LE, _LT, _EQ, _NE = 0, 1, 2, 3, 4, 5
_OPS = {">=": _GE, ">": _GT, "<=": _LE, "<": _LT}
_EXCLUDED, _MISSING, _NO_EVIDENCE = ir.EXCLUDED, ir.MISSING, ir.NO_EVIDENCE


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
    unit by unit across the members' rows runs several times slower). The sums are made in
    the group's own rows: no new arrays, whose fresh pages cost more than the adding."""
    m = stop - start
    raw, m_app, any_app = points[g, start:stop], group_max[g_max, start:stop], applicable[g, start:stop]
    for i in range(m):
        raw[i] = 0.0
        m_app[i] = 0.0
        any_app[i] = False
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
        raw[i] = kept
        m_app[i] = effective


@_jit
def group_whole(points, applicable, group_max, start, stop, rows, m_app, m_all, top, rescale, g,
                g_max):  # pragma: no cover - compiled
    """A group over units start..stop whose members all apply to every unit, their
    effective maxima adding up to `m_app` (> 0 when rescaling): only the points are summed
    (in file order), then rescaled or shrunk as `group` does. Gives the group's effective
    max, the same for every unit. The points are summed in the group's own row."""
    m = stop - start
    kept_row, effective_row, applies_row = points[g, start:stop], group_max[g_max, start:stop], applicable[g, start:stop]
    for i in range(m):
        kept_row[i] = 0.0
    for k in range(rows.shape[0]):
        member = points[rows[k], start:stop]
        for i in range(m):
            kept_row[i] += member[i]
    effective = top if rescale else min(m_app, top)
    for i in range(m):
        raw = kept_row[i]
        kept_row[i] = min(raw * m_all / m_app, top) if rescale else min(raw, effective)
        effective_row[i] = effective
        applies_row[i] = True
    return effective


@_jit
def _first_holding(conditions, codes):  # pragma: no cover - compiled
    """codes[i] = the position of the first condition that holds for unit i (their count:
    none holds)."""
    for i in range(codes.shape[0]):
        code = len(conditions)
        for k in range(len(conditions) - 1, -1, -1):
            code = k if conditions[k][i] else code
        codes[i] = code


@_jit
def _case_value(codes, position, values, top, points):  # pragma: no cover - compiled
    """points[i] = values[i] clamped to [0, top] where case `position` was taken."""
    for i in range(codes.shape[0]):
        if codes[i] == position:
            p = values[i]
            p = p if (p > 0.0 or p != p) else 0.0
            points[i] = p if (p <= top or p != p) else top


@_jit
def _choose(cond, then, otherwise, out):  # pragma: no cover - compiled
    for i in range(cond.shape[0]):
        c = cond[i]
        out[i] = (then[i] if c == 1.0 else otherwise[i]) if c == c else np.nan


@_jit
def _compare(a, b, op, out):  # pragma: no cover - compiled
    """out = 1.0 where `a op b` holds, 0.0 where not, NaN where a side has no value
    (op: _LT, _LE, _GT, _GE, _EQ, _NE)."""
    for i in range(a.shape[0]):
        x, y = a[i], b[i]
        if x != x or y != y:
            out[i] = np.nan
        elif op == _LT:
            out[i] = 1.0 if x < y else 0.0
        elif op == _LE:
            out[i] = 1.0 if x <= y else 0.0
        elif op == _GT:
            out[i] = 1.0 if x > y else 0.0
        elif op == _GE:
            out[i] = 1.0 if x >= y else 0.0
        elif op == _EQ:
            out[i] = 1.0 if x == y else 0.0
        else:
            out[i] = 1.0 if x != y else 0.0


@_jit
def settle(points, branch, status, applicable, evidence, excluded):  # pragma: no cover - compiled
    """One criterion's statuses over a block in one pass, from its points (undefined:
    missing), its evidence (an empty array: none; not 1: no evidence) and where an
    exclusion holds (an empty array: no exclusion); where a unit is not scored, its points
    become 0, its branch -1, and it applies unless excluded. Gives (units not scored,
    units missing): what `evaluate._criterion` composes with int8 arithmetic, the same
    codes in the same precedence, for blocks with no invalid value and no undefined
    exclusion. Points and branch codes are written only when some unit is not scored: in
    the usual block they are read, not written back."""
    unscored = 0
    missing = 0
    has_evidence = evidence.shape[0] > 0
    has_excluded = excluded.shape[0] > 0
    for i in range(points.shape[0]):  # branch-free: evidence and exclusions are scattered
        p = points[i]
        s = 0 if p == p else _MISSING
        if has_evidence:
            s = _NO_EVIDENCE if evidence[i] != 1.0 else s
        if has_excluded:
            s = _EXCLUDED if excluded[i] else s
        status[i] = s
        applicable[i] = s != _EXCLUDED
        unscored += s != 0
        missing += s == _MISSING
    if unscored:
        for i in range(points.shape[0]):
            s = status[i]
            points[i] = points[i] if s == 0 else 0.0
            branch[i] = branch[i] if s == 0 else -1
    return unscored, missing


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


def cases_bool(conditions, values, otherwise, top: float, points=None, branch=None):
    """The first condition that holds picks its case: one pass for the branch codes, one
    for the constant points (a table lookup), one per case whose value varies by unit."""
    conditions = tuple(conditions)
    if (points is None or not conditions or branch.dtype != np.int8
            or not all(type(c) is np.ndarray and c.dtype == np.bool_ and c.shape == points.shape
                       and c.flags.c_contiguous for c in conditions)):
        return kernels.cases_bool(conditions, values, otherwise, top, points, branch)
    choices = list(values) + [otherwise]
    varying = tuple(_units(v, points) for v in choices if np.ndim(v) != 0)
    if any(v is None or not v.flags.c_contiguous for v in varying):
        return kernels.cases_bool(conditions, values, otherwise, top, points, branch)
    table = np.array([v if np.ndim(v) == 0 else 0.0 for v in choices], dtype=float)
    table = np.minimum(np.maximum(table, 0.0), top)  # as numpy's kernel clamps the constants
    _first_holding(conditions, branch)
    np.take(table, branch, out=points, mode="clip")
    for position, values in zip([k for k, v in enumerate(choices) if np.ndim(v) != 0], varying):
        _case_value(branch, position, values, float(top), points)
    return points, branch


def choose(cond, then, otherwise):
    """`if cond then a else b`; one loop when each side is a float per unit or a constant."""
    units = _units(cond, cond) if type(cond) is np.ndarray and cond.ndim == 1 else None
    sides = None if units is None else (_units(then, units), _units(otherwise, units))
    if sides is None or sides[0] is None or sides[1] is None:
        return kernels.choose(cond, then, otherwise)
    out = np.empty(units.shape)
    _choose(units, *sides, out)
    return out


def _comparison(op: int, fallback):
    def compare(a, b):
        """a op b as 1.0/0.0, NaN where a side has no value; one loop when one side is a
        float per unit and the other one too or a constant."""
        rows = a if type(a) is np.ndarray and a.ndim == 1 else b
        values = (_units(a, rows), _units(b, rows)) if type(rows) is np.ndarray and rows.ndim == 1 else (None,)
        if any(v is None for v in values):
            return fallback(a, b)
        out = np.empty(rows.shape)
        _compare(*values, op, out)
        return out
    compare.__name__ = fallback.__name__
    return compare


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
    "cases_bool": cases_bool, "choose": choose,
    **{name: _comparison(op, getattr(kernels, name)) for name, op in (
        ("less", _LT), ("less_equal", _LE), ("greater", _GT), ("greater_equal", _GE), ("equal", _EQ),
        ("not_equal", _NE))},
    "group": group, "group_whole": group_whole, "settle": settle,  # called by the evaluator (`evaluate`), not by the program
}

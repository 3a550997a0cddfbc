"""Values of single expressions for chosen units, read back from a scored result, and a
rule's points for them.

Explanations need a few values the scoring computed on the way and did not keep (a rule's
rate, an exclusion condition). This evaluates just those expressions for just the units
asked about, vectorised, from the result's input columns and the population values
(`best`, `mean`, ...) of the scoring run — never re-scoring the population.

`rule_points` is the one place in the explanation layer where a rule kind becomes points:
the scoring's own kernels, dispatched on the rule's IR type (a new rule kind registers one
function here).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np

from ..language import ir
from ..engine import kernels

if TYPE_CHECKING:
    from ..engine.scored import Scored

_BINARY = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": kernels.divide, "ratio": kernels.divide,
    "<": kernels.less, "<=": kernels.less_equal, ">": kernels.greater, ">=": kernels.greater_equal,
    "==": kernels.equal, "!=": kernels.not_equal,
}
_CHAINS = {"and": kernels.logical_and, "all": kernels.logical_and, "or": kernels.logical_or,
           "any": kernels.logical_or, "min": np.minimum, "max": np.maximum}


class Values:
    """Evaluates IR expressions for the units at `positions` of a result."""

    def __init__(self, result: "Scored", positions):
        self.positions = np.atleast_1d(np.asarray(positions, dtype=np.intp))
        self.columns: Mapping[str, np.ndarray] = result.columns.values
        self.populations: Mapping[ir.Population, float] = result.scores.populations
        self._folded = result.framework.program.folded
        self._cache: dict[ir.Expr, np.ndarray] = {}

    def __call__(self, expr: ir.Expr) -> np.ndarray:
        """The expression's values, one per position (NaN = no value)."""
        with np.errstate(all="ignore"):  # overflow to ±inf is a value of the language
            out = self._value(self._folded(expr))
        return np.broadcast_to(np.asarray(out, dtype=float), self.positions.shape)

    def scalar(self, expr: ir.Expr) -> float:
        """The value for the first (usually the only) position."""
        return float(self(expr)[0])

    def _value(self, expr: ir.Expr):
        if isinstance(expr, ir.Const):
            return expr.value
        if isinstance(expr, ir.Let):
            return self._value(expr.expr)
        if expr in self._cache:
            return self._cache[expr]
        if isinstance(expr, ir.Column):
            out = self.columns[expr.name][self.positions]
        elif isinstance(expr, ir.Population):
            out = self.populations.get(expr, np.nan)
        else:
            out = self._op(expr)
        self._cache[expr] = out
        return out

    def _op(self, expr: ir.Op):
        op = expr.op
        args = [self._value(a) for a in expr.args]
        if op in _BINARY:
            return _BINARY[op](*args)
        if op in _CHAINS:
            out = args[0]
            for arg in args[1:]:
                out = _CHAINS[op](out, arg)
            return out
        if op == "neg":
            return np.negative(args[0])
        if op == "not":
            return kernels.logical_not(args[0])
        if op == "if":
            return kernels.choose(*args)
        if op == "clamp":
            return np.minimum(np.maximum(args[0], args[1]), args[2])
        if op == "abs":
            return np.abs(args[0])
        if op == "round":
            return kernels.round_half_away(*args)
        if op == "count":
            out = args[0]
            for arg in args[1:]:
                out = np.add(out, arg)
            return out
        raise AssertionError(f"unknown op {op}")


# ---- rule → points --------------------------------------------------------------------------


def rule_points(crit: ir.Criterion, value: Callable[[ir.Expr], float]) -> float:
    """The criterion's rule's points for one unit (NaN where undefined), its evidence and
    exclusions aside: the scoring's kernels on the unit's values, `value(expr)` giving each
    (e.g. `solve.Solver.value`, or `Values.scalar`)."""
    points, _ = _points(crit.rule, crit.max, lambda expr: np.array([value(expr)]))
    return float(np.asarray(points)[0])


@functools.singledispatch
def _points(rule: ir.Rule, top: float, v: Callable[[ir.Expr], np.ndarray]):
    """(points, branch) arrays of a rule, as the compiled program's kernels give them."""
    raise AssertionError(f"no points for rule {type(rule).__name__}")


@_points.register
def _(rule: ir.ScoreRule, top: float, v: Callable[[ir.Expr], np.ndarray]):
    return kernels.limited(v(rule.expr), top)


@_points.register
def _(rule: ir.AwardRule, top: float, v: Callable[[ir.Expr], np.ndarray]):
    return kernels.award(v(rule.cond), top)


@_points.register
def _(rule: ir.ProportionalRule, top: float, v: Callable[[ir.Expr], np.ndarray]):
    return kernels.fraction_of(kernels.divide(v(rule.expr), v(rule.target)), top)


@_points.register
def _(rule: ir.LinearRule, top: float, v: Callable[[ir.Expr], np.ndarray]):
    return kernels.linear(v(rule.expr), v(rule.start), v(rule.end), top)


@_points.register
def _(rule: ir.StepsRule, top: float, v: Callable[[ir.Expr], np.ndarray]):
    return kernels.steps(v(rule.expr), tuple((b.op, b.threshold, b.points) for b in rule.bands), rule.otherwise)


@_points.register
def _(rule: ir.DeductRule, top: float, v: Callable[[ir.Expr], np.ndarray]):
    return kernels.limited(top - v(rule.amount) * v(rule.per), top)


@_points.register
def _(rule: ir.CasesRule, top: float, v: Callable[[ir.Expr], np.ndarray]):
    return kernels.cases(tuple(v(c) for c, _ in rule.whens), tuple(v(p) for _, p in rule.whens),
                         v(rule.otherwise), top)

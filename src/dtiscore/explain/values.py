"""Values of single expressions for chosen units, read back from a scored result.

Explanations need a few values the scoring computed on the way and did not keep (a rule's
rate, an exclusion condition). This evaluates just those expressions for just the units
asked about, vectorised, from the result's input columns and the population values
(`best`, `mean`, ...) of the scoring run — never re-scoring the population.

`run_populations` gives the same population values to the reference interpreter, which
works out one unit's values and rule points in plain floats (`solve.Solver`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping

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


def run_populations(result: "Scored") -> dict[ir.Population, float]:
    """The scoring run's population values, keyed both as the compiled program folded them
    and as the criteria's rules are written: the reference interpreter runs a rule as written
    (`Reference.rule`), at the run's values. The rules' population nodes are found once per
    framework."""
    framework = result.framework
    written = framework.memo(run_populations, lambda: _written(framework.ir, framework.program.folded))
    populations = result.scores.populations
    return {**populations, **{node: populations.get(compiled, math.nan) for node, compiled in written.items()}}


def _written(framework: ir.Framework, folded) -> dict[ir.Population, ir.Expr]:
    """Each population node of the criteria's rules as written → the node as compiled."""
    return {node: folded(node) for crit in framework.criteria() for expr in ir.rule_exprs(crit.rule)
            for node in ir.walk(expr) if isinstance(node, ir.Population)}

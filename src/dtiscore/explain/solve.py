"""Which change of one input makes an expression reach a value, for one unit.

`solve(expr, op, target)` walks from the expression down to an input through `ratio`, `/`,
`*`, `+`, `-` and unary minus, holding every other input at the unit's current value, and
gives the input's needed value ("dossiers_online ≥ 291,570"). Counts are rounded to the
whole number that meets the need, and every answer is checked by evaluating the expression
with the new value. Where no input can be solved for, the answer is None and the caller says
which condition must become true instead.
"""

from __future__ import annotations

import math
import operator
from typing import Mapping

import attrs

from ..language import ir
from ..engine.fold import folded
from ..language.reference import Reference

FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
           "!=": operator.ne}


@attrs.frozen
class Need:
    """`input op value`: the value an input needs; `current` is what the unit has."""

    input: str
    op: str
    value: float
    current: float


class Solver:
    """Solves needs for one unit: `row` maps input name → value (NaN = no value);
    `populations` are the scoring run's population values (`values.run_populations`).
    Values and a rule's points are the reference interpreter's, in plain floats: one row is
    too little for numpy to pay, and the interpreter is the language's executable meaning."""

    def __init__(self, framework: ir.Framework, row: dict[str, float], populations: Mapping[ir.Population, float],
                 reads: dict[int, tuple[ir.Expr, bool]] | None = None, folds: dict | None = None):
        self.framework = framework
        self.inputs = {spec.name: spec for spec in framework.inputs}
        self.row = row
        self.populations = populations
        self._eval = Reference(framework, [], populations=populations)
        self._known: dict[int, tuple[ir.Expr, float]] = {}  # id(expr) → (expr, its value for `row`)
        # id(expr) → (expr, whether it reads an input): a fact of the framework, so a dict kept
        # with it can be passed to remember it across units
        self._reads: dict[int, tuple[ir.Expr, bool]] = {} if reads is None else reads
        self._folds: dict = {} if folds is None else folds  # id(expr) → (expr, folded), for `folded`:
        # a fact of the framework too
        self._conditions: dict[int, tuple[ir.Expr, list[Need] | None]] = {}  # id(cond) → (cond, needs)

    def rule_points(self, crit: ir.Criterion, row: dict[str, float] | None = None) -> float:
        """The criterion's rule's points for the unit's row, or for `row` (its evidence and
        exclusions aside), population values held at the scoring run's; NaN where undefined.
        The explanation layer's one rule → points for one unit: `Reference.rule`."""
        return self._eval.rule(crit, self.row if row is None else row)[0]

    def value(self, expr: ir.Expr, row: dict[str, float] | None = None) -> float:
        """The expression's value for the unit's row (remembered), or for `row`."""
        if row is not None:
            return self._eval.value(folded(expr, self._folds), row)
        hit = self._known.get(id(expr))
        if hit is None or hit[0] is not expr:
            hit = self._known[id(expr)] = (expr, self._eval.value(folded(expr, self._folds), self.row))
        return hit[1]

    def holds(self, expr: ir.Expr, op: str, target: float, row: dict[str, float] | None = None) -> bool:
        value = self.value(expr, row)
        return not math.isnan(value) and COMPARE[op](value, target)

    # ---- numbers
    def solve(self, expr: ir.Expr, op: str, target: float) -> Need | None:
        """The change of one input that makes `expr op target` hold, or None."""
        found = self._invert(expr, op, target)
        if found is None:
            return None
        name, need_op, value = found
        if not math.isfinite(value):
            return None
        spec = self.inputs.get(name)
        if spec is None or spec.kind not in ("count", "number", "share"):
            return None
        whole = spec.kind == "count"
        if whole:
            need_op, value = _whole(need_op, value)
        # check by evaluating with the new value; rounding may need a step more
        up = need_op in (">=", ">")
        probe = value
        for _ in range(4):
            if self.holds(expr, op, target, dict(self.row, **{name: probe})):
                break
            if whole:
                probe += 1.0 if up else -1.0
            else:
                probe = math.nextafter(probe, math.inf if up else -math.inf)
        else:
            return None
        if whole or need_op in (">=", "<=", "=="):
            value = probe
        return Need(name, need_op, float(value), float(self.row.get(name, math.nan)))

    def _invert(self, expr: ir.Expr, op: str, target: float):
        while isinstance(expr, ir.Let):
            expr = expr.expr
        if isinstance(expr, ir.Column):
            return (expr.name, op, target) if expr.type == ir.NUM else None
        if not isinstance(expr, ir.Op) or math.isnan(target):
            return None
        args = expr.args
        if expr.op == "neg":
            return self._invert(args[0], FLIP[op], -target)
        if expr.op in ("min", "max", "clamp"):
            # "1 point each, at most 5": min(x, 5) ≥ t needs x ≥ t where the cap allows t
            inner, others = args[0], args[1:]
            if expr.op != "clamp":
                free = [a for a in args if self._reads_input(a)]
                if len(free) != 1:
                    return None
                inner, others = free[0], [a for a in args if a is not free[0]]
            limits = [self.value(a) for a in others]
            if any(math.isnan(v) for v in limits):
                return None
            up = op in (">=", ">")
            if expr.op == "clamp":
                needed = [limits[1]] if up else [limits[0]]
            elif (expr.op == "min") == up:  # every argument must pass: the others already do
                needed = limits
            else:  # one argument passing is enough
                needed = []
            if all(COMPARE[op](v, target) for v in needed):
                return self._invert(inner, op, target)
            return None
        if len(args) != 2:
            return None
        left, right = args
        free_left, free_right = bool(self._reads_input(left)), bool(self._reads_input(right))
        if expr.op in ("ratio", "/"):
            if free_left:
                divisor = self.value(right)
                if divisor == 0 or math.isnan(divisor):
                    return None
                return self._invert(left, op if divisor > 0 else FLIP[op], target * divisor)
            return None
        if expr.op == "*":
            inner, other = (left, right) if free_left else (right, left)
            factor = self.value(other)
            if factor == 0 or math.isnan(factor) or not self._reads_input(inner):
                return None
            return self._invert(inner, op if factor > 0 else FLIP[op], target / factor)
        if expr.op == "+":
            inner, other = (left, right) if free_left else (right, left)
            shift = self.value(other)
            if math.isnan(shift) or not self._reads_input(inner):
                return None
            return self._invert(inner, op, target - shift)
        if expr.op == "-":
            if free_left:
                shift = self.value(right)
                return None if math.isnan(shift) else self._invert(left, op, target + shift)
            if free_right:
                base = self.value(left)
                return None if math.isnan(base) else self._invert(right, FLIP[op], base - target)
        return None

    def _reads_input(self, expr: ir.Expr) -> bool:
        """Whether the expression reads an input, remembered per expression object (the entry
        keeps the expression alive, so its id is not reused)."""
        hit = self._reads.get(id(expr))
        if hit is None or hit[0] is not expr:
            hit = self._reads[id(expr)] = (expr, bool(ir.columns_used(expr)))
        return hit[1]

    # ---- conditions
    def condition(self, cond: ir.Expr) -> list[Need] | None:
        """Needs that make a condition true (only the parts now false), or None; each need
        once. Remembered per condition object (kept alive with its answer): conditions of
        lets each reading the one before twice are 2**n paths."""
        hit = self._conditions.get(id(cond))
        if hit is None or hit[0] is not cond:
            hit = self._conditions[id(cond)] = (cond, self._condition(cond))
        return None if hit[1] is None else list(hit[1])

    def _condition(self, cond: ir.Expr) -> list[Need] | None:
        if self.value(cond) == 1.0:
            return []
        while isinstance(cond, ir.Let):
            cond = cond.expr
        if isinstance(cond, ir.Column) and cond.type == ir.BOOL:
            return [Need(cond.name, "==", 1.0, self.row.get(cond.name, math.nan))]
        if not isinstance(cond, ir.Op):
            return None
        if cond.op == "not":
            inner = cond.args[0]
            while isinstance(inner, ir.Let):
                inner = inner.expr
            if isinstance(inner, ir.Column) and inner.type == ir.BOOL:
                return [Need(inner.name, "==", 0.0, self.row.get(inner.name, math.nan))]
            return None
        if cond.op in ("and", "all"):
            needs: dict[tuple, Need] = {}  # by input, op and value: the same need asked twice is one
            for part in cond.args:
                solved = self.condition(part)
                if solved is None:
                    return None
                needs.update(((n.input, n.op, n.value), n) for n in solved if (n.input, n.op, n.value) not in needs)
            return list(needs.values())
        if cond.op in ("or", "any"):
            options = [s for s in (self.condition(part) for part in cond.args) if s is not None]
            return min(options, key=len) if options else None
        if cond.op in ("<", "<=", ">", ">=", "=="):
            left, right = cond.args
            if isinstance(left, ir.Column) and left.type == "choice":
                return [Need(left.name, "==", right.value, self.row.get(left.name, math.nan))] \
                    if isinstance(right, ir.Const) and cond.op == "==" else None
            if self._reads_input(left):
                return _one(self.solve(left, cond.op, self.value(right)))
            return _one(self.solve(right, FLIP[cond.op], self.value(left)))
        return None


def _one(need: Need | None) -> list[Need] | None:
    return None if need is None else [need]


def _whole(op: str, value: float) -> tuple[str, float]:
    """The whole count meeting `count op value`, as `>=` or `<=` where a strict bound
    becomes inclusive (x > 5 is x ≥ 6)."""
    tolerance = 1e-9 * max(1.0, abs(value))
    if op == ">=":
        return ">=", float(math.ceil(value - tolerance))
    if op == ">":
        return ">=", float(math.floor(value + tolerance) + 1)
    if op == "<=":
        return "<=", float(math.floor(value + tolerance))
    if op == "<":
        return "<=", float(math.ceil(value - tolerance) - 1)
    return op, float(round(value))

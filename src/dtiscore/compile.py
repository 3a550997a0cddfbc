"""IR → a straight-line Python program over numpy columns.

Passes, in order: fold constants; share common sub-expressions (IR nodes are frozen attrs
values, so equal sub-trees hash equal and get one register); emit one assignment per
register. The program is generated from the checked IR only: every name in it is one the
compiler made (`cols[3]`, `r12`), and numbers are written with `repr(float)`; no text from
the `.dti` file reaches the generated source, so a framework cannot run code.
"""

from __future__ import annotations

import linecache
import math
from typing import Callable

import attrs
import numpy as np

from . import ir, kernels
from .interpret import constant_value

_BINARY = {"+": "{} + {}", "-": "{} - {}", "*": "{} * {}"}
_CALLS = {
    "/": "divide", "ratio": "divide", "<": "less", "<=": "less_equal", ">": "greater",
    ">=": "greater_equal", "==": "equal", "!=": "not_equal", "and": "logical_and",
    "or": "logical_or", "not": "logical_not", "if": "choose", "round": "round_half_away",
}
_CHAINS = {"min": "np.minimum", "max": "np.maximum", "all": "logical_and", "any": "logical_or"}


def fold(expr: ir.Expr) -> ir.Expr:
    """Replace every sub-expression that reads no input by its value."""
    if isinstance(expr, ir.Op):
        args = tuple(fold(a) for a in expr.args)
        folded = attrs.evolve(expr, args=args)
        if all(isinstance(a, ir.Const) for a in args):
            return ir.Const(constant_value(folded), expr.type)
        return folded
    if isinstance(expr, ir.Let):
        inner = fold(expr.expr)
        return inner if isinstance(inner, ir.Const) else attrs.evolve(expr, expr=inner)
    if isinstance(expr, ir.Population):
        return attrs.evolve(expr, arg=fold(expr.arg))
    return expr


@attrs.frozen
class CriterionSlots:
    """Where a criterion's compiled values land in the program's outputs."""

    points: int
    branch: int
    exclusions: tuple[int, ...]


class _Emitter:
    """Writes one function body. Population values come in `pops`, computed beforehand."""

    def __init__(self, columns: dict[str, int], populations: dict[ir.Population, int]):
        self.columns = columns
        self.populations = populations
        self.lines: list[str] = []
        self.registers: dict[ir.Expr, str] = {}
        self.outputs = 0

    def value(self, expr: ir.Expr) -> str:
        if isinstance(expr, ir.Const):
            return _literal(expr.value)
        if isinstance(expr, ir.Let):
            return self.value(expr.expr)
        if expr in self.registers:
            return self.registers[expr]
        if isinstance(expr, ir.Population):
            return f"pops[{self.populations[expr]}]"
        if isinstance(expr, ir.Column):
            code = f"cols[{self.columns[expr.name]}]"
        else:
            code = self._op(expr)
        register = f"r{len(self.registers)}"
        self.registers[expr] = register
        self.lines.append(f"{register} = {code}")
        return register

    def _op(self, expr: ir.Op) -> str:
        args = [self.value(a) for a in expr.args]
        divisor = expr.args[1] if len(expr.args) == 2 else None
        if expr.op in ("/", "ratio") and isinstance(divisor, ir.Const) and divisor.value != 0.0:
            return f"{args[0]} / {args[1]}"  # a nonzero constant divisor needs no zero check
        if expr.op == "neg":
            return f"-{args[0]}"
        if expr.op in _BINARY:
            return _BINARY[expr.op].format(*args)
        if expr.op in _CALLS:
            return f"{_CALLS[expr.op]}({', '.join(args)})"
        if expr.op in _CHAINS:
            code = args[0]
            for arg in args[1:]:
                code = f"{_CHAINS[expr.op]}({code}, {arg})"
            return code
        if expr.op == "clamp":
            return f"np.minimum(np.maximum({args[0]}, {args[1]}), {args[2]})"
        if expr.op == "abs":
            return f"np.abs({args[0]})"
        if expr.op == "count":
            return " + ".join(args)
        raise AssertionError(f"unknown op {expr.op}")

    def output(self, code: str) -> int:
        slot = self.outputs
        self.outputs += 1
        self.lines.append(f"out[{slot}] = {code}")
        return slot


def _literal(value: float) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def _rule_code(emit: _Emitter, rule: ir.Rule, top: float) -> str:
    """The kernel call giving (points, branch) for a rule (already folded)."""
    v = emit.value
    t = _literal(top)
    if isinstance(rule, ir.ScoreRule):
        return f"limited({v(rule.expr)}, {t})"
    if isinstance(rule, ir.AwardRule):
        return f"award({v(rule.cond)}, {t})"
    if isinstance(rule, ir.ProportionalRule):
        return f"fraction_of({emit.value(ir.Op('/', (rule.expr, rule.target)))}, {t})"
    if isinstance(rule, ir.LinearRule):
        if isinstance(rule.start, ir.Const) and isinstance(rule.end, ir.Const) and rule.start != rule.end:
            return f"linear_fixed({v(rule.expr)}, {v(rule.start)}, {v(rule.end)}, {t})"
        return f"linear({v(rule.expr)}, {v(rule.start)}, {v(rule.end)}, {t})"
    if isinstance(rule, ir.StepsRule):
        bands = _tuple(f"({b.op!r}, {_literal(b.threshold)}, {_literal(b.points)})" for b in rule.bands)
        return f"steps({v(rule.expr)}, {bands}, {_literal(rule.otherwise)})"
    if isinstance(rule, ir.DeductRule):
        return f"limited({t} - {v(fold(ir.Op('*', (rule.amount, rule.per))))}, {t})"
    conditions = _tuple(v(c) for c, _ in rule.whens)
    values = _tuple(v(p) for _, p in rule.whens)
    return f"cases({conditions}, {values}, {v(rule.otherwise)}, {t})"


def _tuple(items) -> str:
    """A tuple literal: (), (a,), (a, b)."""
    items = list(items)
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


@attrs.frozen
class Program:
    """A compiled framework's expressions, as two functions: `populations` runs once over
    whole columns (best, mean, ... need every unit); `evaluate` runs on any slice of units
    and gives every criterion's exclusion conditions, points and branch codes."""

    source: str
    columns: tuple[str, ...]  # cols[i] is this input
    slots: dict[str, CriterionSlots]
    population_order: tuple[ir.Population, ...]  # pops[i] is this one's value
    n_outputs: int
    population_function: Callable = attrs.field(repr=False)
    function: Callable = attrs.field(repr=False)

    def populations(self, cols: list[np.ndarray]) -> list[float]:
        pops: list = [None] * len(self.population_order)
        self.population_function(cols, pops)
        return pops

    def run(self, cols: list[np.ndarray], pops: list[float], n: int) -> list:
        out: list = [None] * self.n_outputs
        self.function(cols, pops, out, n)
        return out

    def disassemble(self) -> str:
        """The generated program, for reading and debugging."""
        return self.source


_counter = iter(range(1, 1 << 62))


def compile_program(framework: ir.Framework) -> Program:
    columns = {spec.name: i for i, spec in enumerate(framework.inputs)}
    rules = {crit.id: _folded_rule(crit.rule) for crit in framework.criteria()}
    conditions = {crit.id: [fold(e.cond) for e in crit.exclusions] for crit in framework.criteria()}
    order = _populations(
        [e for crit in framework.criteria() for e in ir.rule_exprs(rules[crit.id]) + tuple(conditions[crit.id])]
    )
    numbers = {p: i for i, p in enumerate(order)}

    first = _Emitter(columns, numbers)
    for population in order:
        fraction = "None" if population.fraction is None else _literal(population.fraction)
        first.lines.append(
            f"pops[{numbers[population]}] = population({population.func!r}, {first.value(population.arg)}, {fraction})"
        )

    emit = _Emitter(columns, numbers)
    slots = {}
    for crit in framework.criteria():
        exclusions = tuple(
            emit.output(f"np.broadcast_to({emit.value(cond)}, (n,))") for cond in conditions[crit.id]
        )
        register = f"p{len(slots)}"  # a register of its own: rules are never shared
        emit.lines.append(f"{register} = {_rule_code(emit, rules[crit.id], crit.max)}")
        points = emit.output(f"np.broadcast_to({register}[0], (n,))")
        branch = emit.output(f"np.broadcast_to({register}[1], (n,))")
        slots[crit.id] = CriterionSlots(points, branch, exclusions)

    source = (_function("populations(cols, pops)", first.lines)
              + "\n\n" + _function("evaluate(cols, pops, out, n)", emit.lines))
    filename = f"<dtiscore program {next(_counter)}>"
    namespace = {name: getattr(kernels, name) for name in _KERNEL_NAMES}
    namespace.update(np=np, NAN=math.nan, INF=math.inf)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - generated from IR only
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return Program(source, tuple(columns), slots, tuple(order), emit.outputs,
                   namespace["populations"], namespace["evaluate"])


def _function(signature: str, lines: list[str]) -> str:
    body = "\n".join("    " + line for line in lines) or "    pass"
    return f"def {signature}:\n{body}\n"


def _folded_rule(rule: ir.Rule) -> ir.Rule:
    if isinstance(rule, ir.CasesRule):
        return ir.CasesRule(tuple((fold(c), fold(p)) for c, p in rule.whens), fold(rule.otherwise))
    if isinstance(rule, ir.StepsRule):
        return attrs.evolve(rule, expr=fold(rule.expr))
    if isinstance(rule, ir.DeductRule):
        return ir.DeductRule(fold(rule.amount), fold(rule.per))
    fields = {f.name: fold(getattr(rule, f.name)) for f in attrs.fields(type(rule))}
    return type(rule)(**fields)


def _populations(exprs: list[ir.Expr]) -> list[ir.Population]:
    """Every population function, inner ones before the ones that use them."""
    order: dict[ir.Population, None] = {}

    def visit(expr: ir.Expr) -> None:
        if isinstance(expr, ir.Op):
            for arg in expr.args:
                visit(arg)
        elif isinstance(expr, ir.Let):
            visit(expr.expr)
        elif isinstance(expr, ir.Population):
            visit(expr.arg)
            order.setdefault(expr, None)

    for expr in exprs:
        visit(expr)
    return list(order)


_KERNEL_NAMES = (
    "divide", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_not", "choose", "round_half_away", "population",
    "limited", "fraction_of", "linear", "linear_fixed", "award", "steps", "cases",
)

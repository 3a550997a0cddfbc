"""Scoring rules in the compiler: the one place that knows each rule kind.

`KINDS` maps each IR rule type to how it compiles: the kernel call that gives its (points,
branch codes), its largest branch code (which sets the width of the branch rows), and
whether it is proven to give points wherever every input has a value. `rule_call`,
`largest_code` and `defined_when_complete` are the only ways the compiler looks at a
rule's kind, so adding a rule kind to the compiler is one entry in `KINDS` (its expressions are folded
field by field, whatever the kind: see `compile.fold_rule`).
"""

from __future__ import annotations

import math
from typing import Callable

import attrs

from ..language import ir
from .fold import postorder
from .instructions import Instr, Tup, lit


@attrs.frozen
class RuleKind:
    call: Callable  # (emitter, folded rule, top) -> the kernel call giving (points, branch)
    largest_code: Callable[[object], int]  # rule -> its largest branch code
    defined: Callable[[object], bool]  # rule -> proven to give points wherever inputs have values


def rule_call(emit, rule: ir.Rule, top: float) -> Instr:
    """The kernel call giving (points, branch codes) for a folded rule."""
    return KINDS[type(rule)].call(emit, rule, top)


def largest_code(rule: ir.Rule) -> int:
    return KINDS[type(rule)].largest_code(rule)


def defined_when_complete(rule: ir.Rule) -> bool:
    """Whether a folded rule is proven to give points (never NaN) on every unit whose inputs
    all have values, which the data checks make finite floats. A proof over the rule's
    expressions, never a guess: whatever it cannot prove (a division by a value, a
    population function, rounding) counts as possibly undefined. The evaluator then skips
    looking for undefined points in blocks with no missing value."""
    return KINDS[type(rule)].defined(rule)


_TESTS = frozenset(("<", "<=", ">", ">=", "==", "!=", "and", "or", "not"))  # 0 or 1 on values
_KEEPS = frozenset(("min", "max", "neg", "abs", "if"))  # finite on finite operands (`if`: its branches)


def _finite(expr: ir.Expr) -> bool:
    """Proven a finite float wherever the inputs have values."""
    return _facts(expr)[0]


def _defined(expr: ir.Expr) -> bool:
    """Proven never NaN wherever the inputs have values (±inf allowed: x * y may overflow)."""
    return _facts(expr)[1]


def _facts(expr: ir.Expr) -> tuple[bool, bool]:
    """(finite, defined) of an expression, children before parents, each node once, in a
    loop (no recursion: long chains are expressions like any other; a let read twice by
    each let after it is looked at once)."""
    facts: dict[int, tuple[bool, bool]] = {}
    for node in postorder(expr, facts, populations=False):
        facts[id(node)] = _fact(node, facts)
    return facts[id(expr)]


def _fact(node: ir.Expr, facts: dict) -> tuple[bool, bool]:
    if isinstance(node, ir.Let):
        return facts[id(node.expr)]
    if isinstance(node, ir.Column):
        return True, True
    if isinstance(node, ir.Const):
        return math.isfinite(node.value), not math.isnan(node.value)
    if not isinstance(node, ir.Op):
        return False, False  # a population function: not proven
    finite = all(facts[id(a)][0] for a in node.args)
    defined = all(facts[id(a)][1] for a in node.args)
    if node.op in _TESTS:
        return defined, defined
    if node.op in _KEEPS and finite:
        return True, True
    if node.op in ("+", "-", "*"):  # finite ⊕ finite is a number or ±inf, never inf - inf or 0 × inf
        return False, finite
    if node.op in ("/", "ratio"):  # by a constant other than 0
        a, b = node.args
        return False, facts[id(a)][0] and isinstance(b, ir.Const) and math.isfinite(b.value) and b.value != 0.0
    return False, defined and node.op in ("min", "max", "if")  # NaN only from an operand


def _linear_defined(rule: ir.LinearRule) -> bool:
    """(x - start) / (end - start) with different constant limits a finite span apart."""
    limits = (rule.start, rule.end)
    if not all(isinstance(v, ir.Const) and math.isfinite(v.value) for v in limits):
        return False
    span = rule.end.value - rule.start.value
    return span != 0.0 and math.isfinite(span) and _defined(rule.expr)


def _score(emit, rule: ir.ScoreRule, top: float) -> Instr:
    return Instr("limited", None, (emit.value(rule.expr), lit(top)))


def _award(emit, rule: ir.AwardRule, top: float) -> Instr:
    cond, is_bool = emit.condition(rule.cond)
    return Instr("award_bool" if is_bool else "award", None, (cond, lit(top)))


def _proportional(emit, rule: ir.ProportionalRule, top: float) -> Instr:
    return Instr("fraction_of", None, (emit.value(emit.fold(ir.Op("/", (rule.expr, rule.target)))), lit(top)))


def _linear(emit, rule: ir.LinearRule, top: float) -> Instr:
    args = (emit.value(rule.expr), emit.value(rule.start), emit.value(rule.end), lit(top))
    fixed = isinstance(rule.start, ir.Const) and isinstance(rule.end, ir.Const) and rule.start != rule.end
    return Instr("linear_fixed" if fixed else "linear", None, args)


def _steps(emit, rule: ir.StepsRule, top: float) -> Instr:
    bands = Tup(tuple(Tup((lit(b.op), lit(b.threshold), lit(b.points))) for b in rule.bands))
    return Instr("steps", None, (emit.value(rule.expr), bands, lit(rule.otherwise)))


def _deduct(emit, rule: ir.DeductRule, top: float) -> Instr:
    amount = emit.value(emit.fold(ir.Op("*", (rule.amount, rule.per))))
    return Instr("limited", None, (emit.emit("-", lit(top), amount), lit(top)))


def _cases(emit, rule: ir.CasesRule, top: float) -> Instr:
    conditions = [emit.condition(c) for c, _ in rule.whens]
    values = Tup(tuple(emit.value(p) for _, p in rule.whens))
    otherwise = emit.value(rule.otherwise)
    if all(is_bool for _, is_bool in conditions):
        return Instr("cases_bool", None, (Tup(tuple(c for c, _ in conditions)), values, otherwise, lit(top)))
    codes = Tup(tuple(emit.float_value(c) if is_bool else code for (code, is_bool), (c, _) in zip(conditions, rule.whens)))
    return Instr("cases", None, (codes, values, otherwise, lit(top)))


KINDS: dict[type, RuleKind] = {
    # 1 at the top, 2 at zero, 0 between
    ir.ScoreRule: RuleKind(_score, lambda rule: 2, lambda rule: _defined(rule.expr)),
    ir.AwardRule: RuleKind(_award, lambda rule: 1, lambda rule: _defined(rule.cond)),
    ir.ProportionalRule: RuleKind(_proportional, lambda rule: 2,
                                  lambda rule: _defined(ir.Op("/", (rule.expr, rule.target)))),
    ir.LinearRule: RuleKind(_linear, lambda rule: 2, _linear_defined),
    ir.StepsRule: RuleKind(_steps, lambda rule: len(rule.bands),  # len(bands): else
                           lambda rule: _defined(rule.expr)),
    ir.DeductRule: RuleKind(_deduct, lambda rule: 2, lambda rule: _finite(rule.amount) and _finite(rule.per)),
    ir.CasesRule: RuleKind(_cases, lambda rule: len(rule.whens),  # len(whens): otherwise
                           lambda rule: all(_defined(e) for when in rule.whens for e in when)
                           and _defined(rule.otherwise)),
}

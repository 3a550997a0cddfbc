"""Scoring rules in the compiler: the one place that knows each rule kind.

`KINDS` maps each IR rule type to how it compiles: the kernel call that gives its (points,
branch codes), and its largest branch code (which sets the width of the branch rows).
`rule_call` and `largest_code` are the only ways the compiler looks at a rule's kind, so
adding a rule kind to the compiler is one entry in `KINDS` (its expressions are folded
field by field, whatever the kind: see `compile.fold_rule`).
"""

from __future__ import annotations

from typing import Callable

import attrs

from ..language import ir
from .instructions import Instr, Tup, lit


@attrs.frozen
class RuleKind:
    call: Callable  # (emitter, folded rule, top) -> the kernel call giving (points, branch)
    largest_code: Callable[[object], int]  # rule -> its largest branch code


def rule_call(emit, rule: ir.Rule, top: float) -> Instr:
    """The kernel call giving (points, branch codes) for a folded rule."""
    return KINDS[type(rule)].call(emit, rule, top)


def largest_code(rule: ir.Rule) -> int:
    return KINDS[type(rule)].largest_code(rule)


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
    ir.ScoreRule: RuleKind(_score, lambda rule: 2),  # 1 at the top, 2 at zero, 0 between
    ir.AwardRule: RuleKind(_award, lambda rule: 1),
    ir.ProportionalRule: RuleKind(_proportional, lambda rule: 2),
    ir.LinearRule: RuleKind(_linear, lambda rule: 2),
    ir.StepsRule: RuleKind(_steps, lambda rule: len(rule.bands)),  # len(bands): else
    ir.DeductRule: RuleKind(_deduct, lambda rule: 2),
    ir.CasesRule: RuleKind(_cases, lambda rule: len(rule.whens)),  # len(whens): otherwise
}

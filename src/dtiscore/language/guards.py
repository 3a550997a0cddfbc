"""The unguarded-ratio warning: divisions whose denominator can be zero, with nothing
testing the denominator's inputs first."""

from __future__ import annotations

from typing import Iterator, Mapping

from . import ir
from .intervals import can_be_zero, interval


def rule_contexts(rule: ir.Rule, guards: frozenset[str]) -> Iterator[tuple[ir.Expr, frozenset[str]]]:
    """Each expression of a rule with the inputs whose conditions are tested before it."""
    if isinstance(rule, ir.CasesRule):
        for cond, points in rule.whens:
            yield cond, guards
            guards = guards | frozenset(ir.columns_used(cond))
            yield points, guards
        yield rule.otherwise, guards
        return
    if isinstance(rule, ir.ProportionalRule) and not isinstance(rule.target, ir.Const):
        yield ir.Op("/", (rule.expr, rule.target)), guards  # a target read from data may be 0
        return
    for expr in ir.rule_exprs(rule):
        yield expr, guards


def unguarded_divisions(
    expr: ir.Expr, guards: frozenset[str], inputs: Mapping[str, ir.Input]
) -> Iterator[ir.Op]:
    """Divisions whose denominator can be zero and reads an input no condition tests first.
    `if`, `and` and `or` guard what they test; population functions ignore undefined values."""
    if isinstance(expr, ir.Let):
        yield from unguarded_divisions(expr.expr, guards, inputs)
    elif isinstance(expr, ir.Op):
        if expr.op in ("/", "ratio"):
            denominator = expr.args[1]
            if can_be_zero(denominator, inputs) and not set(ir.columns_used(denominator)) <= guards:
                yield expr
        if expr.op == "if":
            tested = guards | frozenset(ir.columns_used(expr.args[0]))
            yield from unguarded_divisions(expr.args[0], guards, inputs)
            yield from unguarded_divisions(expr.args[1], tested, inputs)
            yield from unguarded_divisions(expr.args[2], tested, inputs)
        elif expr.op in ("and", "or", "all", "any"):
            for i, arg in enumerate(expr.args):
                siblings = frozenset(ir.columns_used(*(a for j, a in enumerate(expr.args) if j != i)))
                yield from unguarded_divisions(arg, guards | siblings, inputs)
        else:
            for arg in expr.args:
                yield from unguarded_divisions(arg, guards, inputs)


# ---- small helpers ---------------------------------------------------------------------


def zero_divisions(expr: ir.Expr, inputs: Mapping[str, ir.Input]) -> Iterator[ir.Op]:
    """Divisions whose denominator is zero whatever the data (a criterion that can never score)."""
    for node in ir.walk(expr):
        if isinstance(node, ir.Op) and node.op in ("/", "ratio") and interval(node.args[1], inputs) == (0.0, 0.0):
            yield node

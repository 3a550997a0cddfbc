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
    for division, untested in _exposed(expr, inputs, {}, {}).values():
        if not untested <= guards:
            yield division


Exposed = dict[int, tuple[ir.Op, frozenset[str]]]  # by the division's identity


def _exposed(expr: ir.Expr, inputs: Mapping[str, ir.Input], known: dict[int, Exposed],
             ranges: dict[int, tuple[float, float]]) -> Exposed:
    """Each division under `expr` whose denominator can be zero, with the denominator's
    inputs left untested on some path from `expr` down to it (the union over the paths):
    guards above `expr` guard it where they include all of these. Found bottom-up once per
    node (`known`, by identity): walking every path would be 2**n walks of a chain of lets
    each reading the one before twice, and the guards differ from path to path."""
    if id(expr) in known:
        return known[id(expr)]
    found: Exposed = {}
    if isinstance(expr, ir.Let):
        found = _exposed(expr.expr, inputs, known, ranges)
    elif isinstance(expr, ir.Op):
        for arg, tested in _tested(expr):
            for key, (division, untested) in _exposed(arg, inputs, known, ranges).items():
                if untested - tested:
                    _, before = found.get(key, (division, frozenset()))
                    found[key] = (division, before | (untested - tested))
        if expr.op in ("/", "ratio"):
            untested = frozenset(ir.columns_used(expr.args[1]))
            if untested and can_be_zero(expr.args[1], inputs, ranges):
                found[id(expr)] = (expr, untested)
    known[id(expr)] = found
    return found


def _tested(expr: ir.Op) -> Iterator[tuple[ir.Expr, frozenset[str]]]:
    """Each argument with the inputs its operation tests before it: an `if`'s branches
    come after its condition; each of `and`, `or`, `all` and `any`'s arguments matters only
    where the others leave the result open."""
    if expr.op == "if":
        tested = frozenset(ir.columns_used(expr.args[0]))
        yield from ((expr.args[0], frozenset()), (expr.args[1], tested), (expr.args[2], tested))
    elif expr.op in ("and", "or", "all", "any"):
        for i, arg in enumerate(expr.args):
            yield arg, frozenset(ir.columns_used(*(a for j, a in enumerate(expr.args) if j != i)))
    else:
        yield from ((arg, frozenset()) for arg in expr.args)


# ---- small helpers ---------------------------------------------------------------------


def zero_divisions(expr: ir.Expr, inputs: Mapping[str, ir.Input]) -> Iterator[ir.Op]:
    """Divisions whose denominator is zero whatever the data (a criterion that can never score)."""
    ranges: dict[int, tuple[float, float]] = {}
    for node in ir.walk(expr):
        if isinstance(node, ir.Op) and node.op in ("/", "ratio") and interval(node.args[1], inputs, ranges) == (0.0, 0.0):
            yield node

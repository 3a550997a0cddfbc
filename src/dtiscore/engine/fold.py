"""Folding: every sub-expression that reads no input replaced by its value, and the
algebraic identities that change no bit of any value applied (`x * 1`, `x / 1`, `x - 0`).

Every walk here is a loop over a stack (`postorder`), not a recursion, so a `+` chain of
thousands of terms or hundreds of nested unary minuses folds like any other expression.
Folds are remembered in a memo the caller owns (`Program.folded` keeps one per program).
"""

from __future__ import annotations

import math
import attrs

from ..language import ir
from ..language.reference import constant_value

COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
_NEVER_NEGATIVE_ZERO = set(COMPARISONS) | {"and", "or", "not", "all", "any", "count", "abs"}


def children(expr: ir.Expr) -> tuple:
    kind = type(expr)
    if kind is ir.Op:
        return expr.args
    if kind is ir.Let:
        return (expr.expr,)
    if kind is ir.Population:
        return (expr.arg,)
    return ()


def postorder(expr: ir.Expr, done: dict, populations: bool = True) -> list[ir.Expr]:
    """Every sub-expression not yet in `done` (keyed by id), children before parents, each
    once: a loop over a stack, so a deep expression needs no deep recursion. Leaves are
    taken as soon as they are seen (most nodes are leaves); with `populations=False` a
    population function is a leaf too (its value is read, not computed)."""
    leaves = _LEAVES if populations else _LEAVES + (ir.Population,)
    order: list[ir.Expr] = []
    seen: set[int] = set()
    stack = [expr]
    while stack:
        node = stack[-1]
        key = id(node)
        if key in seen or key in done:
            stack.pop()
            continue
        pending = []
        for child in () if type(node) in leaves else children(node):
            child_key = id(child)
            if child_key in seen or child_key in done:
                continue
            if type(child) in leaves:
                seen.add(child_key)
                order.append(child)
            else:
                pending.append(child)
        if pending:
            stack.extend(reversed(pending))
        else:
            stack.pop()
            seen.add(key)
            order.append(node)
    return order


_LEAVES = (ir.Const, ir.Column)


def fold(expr: ir.Expr, memo: dict | None = None) -> ir.Expr:
    """The expression with every sub-expression that reads no input replaced by its value,
    and the identities that change no bit of any value applied: x * 1, 1 * x, x / 1,
    ratio(x, 1), x - 0 and x + (-0) are x (NaN included). `x + 0` is x only where x is
    never -0.0 (-0.0 + 0.0 is 0.0). `memo` (id → (expr, folded)) is shared by calls that
    fold parts of one framework."""
    memo = {} if memo is None else memo
    hit = memo.get(id(expr))
    if hit is not None:
        return hit[1]
    for node in postorder(expr, memo):
        if type(node) in _LEAVES:
            memo[id(node)] = (node, node)
            continue
        out = _fold_node(node, memo)
        hash(out)  # children first: hashing a deep tree later then recurses no deeper than one node
        memo[id(node)] = (node, out)
    return memo[id(expr)][1]


def _fold_node(expr: ir.Expr, memo: dict) -> ir.Expr:
    if type(expr) is ir.Op:
        args = tuple([memo[id(a)][1] for a in expr.args])
        constant = same = True
        for new, old in zip(args, expr.args):
            constant = constant and type(new) is ir.Const
            same = same and new is old
        if constant:
            return ir.Const(constant_value(ir.Op(expr.op, args, expr.type)), expr.type)
        identity = _identity(expr.op, args) if len(args) == 2 else None
        if identity is not None:
            return identity
        return expr if same else ir.Op(expr.op, args, expr.type)  # the same node: its hash known
    if isinstance(expr, ir.Let):
        inner = memo[id(expr.expr)][1]
        if isinstance(inner, ir.Const):
            return inner
        return expr if inner is expr.expr else ir.Let(expr.name, inner)
    if isinstance(expr, ir.Population):
        arg = memo[id(expr.arg)][1]
        return expr if arg is expr.arg else ir.Population(expr.func, arg, expr.fraction, expr.type)
    return expr


def _identity(op: str, args: tuple) -> ir.Expr | None:
    """The argument an operation on (x, constant) leaves bit for bit unchanged, if any."""
    if len(args) != 2:
        return None
    a, b = args

    def const(x, value: float, sign: float = 1.0) -> bool:
        return isinstance(x, ir.Const) and x.value == value and math.copysign(1.0, x.value) == sign

    if op == "*":
        return b if const(a, 1.0) else (a if const(b, 1.0) else None)
    if op in ("/", "ratio"):
        return a if const(b, 1.0) else None
    if op == "-":
        return a if const(b, 0.0) else None
    if op == "+":
        for x, zero in ((a, b), (b, a)):
            if const(zero, 0.0, -1.0) or (const(zero, 0.0) and _never_negative_zero(x)):
                return x
    return None


def _never_negative_zero(expr: ir.Expr, depth: int = 3) -> bool:
    """Can the value never be -0.0? (Conservative: False when unsure.) A sum is -0.0 only
    where both terms are; comparisons, counts and abs never are."""
    while isinstance(expr, ir.Let):
        expr = expr.expr
    if isinstance(expr, ir.Const):
        return math.copysign(1.0, expr.value) > 0 or expr.value != 0.0
    if not isinstance(expr, ir.Op) or depth == 0:
        return False
    if expr.op == "+":
        return any(_never_negative_zero(a, depth - 1) for a in expr.args)
    return expr.op in _NEVER_NEGATIVE_ZERO


def folded(expr: ir.Expr, memo: dict) -> ir.Expr:
    """fold(expr), remembered in `memo` (id → (expr, folded)), a dict the caller owns:
    explanations fold the same few expressions on every call, and IR nodes never change."""
    hit = memo.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    return fold(expr, memo)


def fold_rule(rule: ir.Rule, memo: dict) -> ir.Rule:
    """The rule with every expression in it folded, whatever its kind."""
    def folded_field(value):
        if isinstance(value, _EXPRESSIONS):
            return fold(value, memo)
        if type(value) is tuple:
            return tuple(folded_field(v) for v in value)
        return value
    fields = {f.name: getattr(rule, f.name) for f in attrs.fields(type(rule))}
    changed = {name: folded_field(value) for name, value in fields.items()}
    if all(changed[name] is value for name, value in fields.items()):
        return rule
    return type(rule)(**changed)


_EXPRESSIONS = (ir.Const, ir.Column, ir.Let, ir.Op, ir.Population)

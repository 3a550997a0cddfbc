"""How deeply a file nests, measured without recursion.

Every phase after the checker walks expressions and groups recursively (Python's own stack:
about 1000 frames, a few per level). So the checker measures nesting first, by loops, and
refuses what is deeper than MAX_DEPTH with a clear error: whatever it accepts, the later
phases can walk. Long flat things (a `+` chain of 200 terms, `min` of 500 arguments, a
`steps` of 1000 bands) stay well inside it or are not nesting at all.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Mapping

from . import ast, ir

MAX_DEPTH = 200  # expression levels (counting the lets an expression uses), and group levels


def _ast_children(expr: ast.Expr) -> tuple[ast.Expr, ...]:
    if isinstance(expr, ast.Unary):
        return (expr.operand,)
    if isinstance(expr, ast.Binary):
        return (expr.left, expr.right)
    if isinstance(expr, ast.If):
        return (expr.cond, expr.then, expr.otherwise)
    if isinstance(expr, ast.Call):
        return expr.args
    return ()


def expr_depth(expr: ast.Expr) -> int:
    """Levels of an expression as written (a name or number is 1)."""
    deepest, stack = 0, [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in _ast_children(node))
    return deepest


def names(expr: ast.Expr) -> Iterator[str]:
    """The names an expression reads, as written."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            yield node.id
        stack.extend(_ast_children(node))


def ir_depth(expr: ir.Expr, known: dict[int, int]) -> int:
    """Levels of a checked expression, lets and population functions entered; `known`
    keeps each node's depth (by identity) so that lets used many times are measured once."""
    stack = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in known:
            continue
        inner = _ir_children(node)
        if ready or not inner:
            known[id(node)] = 1 + max((known[id(c)] for c in inner), default=0)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in inner if id(c) not in known)
    return known[id(expr)]


def _ir_children(expr: ir.Expr) -> tuple[ir.Expr, ...]:
    if isinstance(expr, ir.Op):
        return expr.args
    if isinstance(expr, ir.Let):
        return (expr.expr,)
    if isinstance(expr, ir.Population):
        return (expr.arg,)
    return ()


def group_depth(items: Iterable) -> int:
    """Levels of groups under the framework (a framework of criteria only is 0)."""
    deepest, stack = 0, [(item, 1) for item in items]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, ast.Group):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item.items)
    return deepest


def dependency_order(exprs: Mapping[str, ast.Expr]) -> list[str]:
    """Params and lets, each after the ones it reads, so that resolving them in this order
    never resolves one inside another: a chain of 1000 lets declared last-first costs no
    stack. Names in or leading to a cycle are left out: the checker reports the cycle."""
    order: list[str] = []
    done: set[str] = set()
    path: dict[str, None] = {}  # the names being visited, in order
    cyclic: set[str] = set()
    for start in exprs:
        stack = [(start, False)]
        while stack:
            name, ready = stack.pop()
            reads = [n for n in names(exprs[name]) if n in exprs]
            if ready:
                del path[name]
                done.add(name)
                if name in cyclic or any(n in cyclic for n in reads):
                    cyclic.add(name)
                else:
                    order.append(name)
            elif name in path:  # a cycle: everything on the path leads to it
                cyclic.update(path)
            elif name not in done:
                path[name] = None
                stack.append((name, True))
                stack.extend((n, False) for n in reads if n not in done)
    return order

"""Shares and percents: a share is a fraction in [0, 1] and `50%` is 0.5, so a share set
against a constant outside [0, 1] is almost always a percent written as a plain number
(`steps rate { >= 50: ... }` never reaches its band). The checker asks here which
expressions are shares and what the author probably meant."""

from __future__ import annotations

from typing import Mapping

from . import ir

# ops whose value is one of their (numeric) arguments' values, or close to it: a share stays a share
_KEEPS = {"min": slice(None), "max": slice(None), "clamp": slice(None), "round": slice(0, 1)}


def is_share(expr: ir.Expr, inputs: Mapping[str, ir.Input]) -> bool:
    """Whether `expr` is a share by declaration: a `share` input, `ratio(a, b)` of an input
    declared `<= b` that is never negative, or min/max/round/clamp, `if` and population
    functions of shares and constants in [0, 1]. Looked at without recursion (an
    expression may nest deeply), each node once (lets each reading the one before twice
    would be 2**n paths)."""
    stack, found, seen = [expr], False, set()
    while stack:
        node = stack.pop()
        while isinstance(node, ir.Let):
            node = node.expr
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ir.Population):
            stack.append(node.arg)
        elif isinstance(node, ir.Const):
            if node.type != ir.NUM or outside(node.value):
                return False
        elif isinstance(node, ir.Column):
            if inputs[node.name].kind != "share":
                return False
            found = True
        elif isinstance(node, ir.Op) and node.op in _KEEPS:
            stack.extend(node.args[_KEEPS[node.op]])
        elif isinstance(node, ir.Op) and node.op == "if":
            stack.extend(node.args[1:])
        elif isinstance(node, ir.Op) and node.op == "ratio" and _part_of_whole(*node.args, inputs):
            found = True
        else:
            return False
    return found


def _part_of_whole(part: ir.Expr, whole: ir.Expr, inputs: Mapping[str, ir.Input]) -> bool:
    """ratio(dossiers_online, dossiers) where `input dossiers_online count <= dossiers`."""
    if not (isinstance(part, ir.Column) and isinstance(whole, ir.Column)):
        return False
    spec = inputs[part.name]
    low = spec.within[0] if spec.within else (0.0 if spec.kind in ("count", "share") else -1.0)
    return spec.at_most == whole.name and low >= 0.0


def outside(value: float) -> bool:
    return not 0.0 <= value <= 1.0


def as_percent(value: float) -> str | None:
    """`50` as the percent the author likely meant, `50%`; None where no percent fits."""
    if 1.0 < value <= 100.0:
        return f"{value:g}%"
    return None


def message(value: float) -> str:
    return f"a share is a fraction between 0 and 1 (50% is 0.5), and {value:g} is outside it"

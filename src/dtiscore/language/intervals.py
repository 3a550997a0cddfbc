"""Interval reasoning over expressions: the range of values an expression can take, from
its inputs' types and constraints. The checker uses it to tell which denominators can be
zero; it errs on the side of "could be anything" whenever it is unsure."""

from __future__ import annotations

import math

from typing import Mapping

from . import ir

INF = math.inf
ANY = (-INF, INF)


def interval(expr: ir.Expr, inputs: Mapping[str, ir.Input],
             lets: dict[int, tuple[float, float]] | None = None) -> tuple[float, float]:
    """Lowest and highest value `expr` can take for a defined unit (bools as 0/1). `lets`
    keeps each let's interval by identity (a caller asking about many expressions of one
    framework may keep it across calls): a let is looked at once however many paths reach
    it, where a chain of lets each reading the one before twice has 2**n paths."""
    if isinstance(expr, ir.Const):
        return (expr.value, expr.value)
    if isinstance(expr, ir.Column):
        return input_range(inputs[expr.name])
    lets = {} if lets is None else lets
    if isinstance(expr, ir.Let):
        if id(expr) not in lets:
            lets[id(expr)] = interval(expr.expr, inputs, lets)
        return lets[id(expr)]
    if isinstance(expr, ir.Population):
        return interval(expr.arg, inputs, lets)
    if expr.type == ir.BOOL:
        return (0.0, 1.0)
    args = [interval(a, inputs, lets) for a in expr.args]
    op = expr.op
    if op == "neg":
        return (-args[0][1], -args[0][0])
    if op == "+":
        return (args[0][0] + args[1][0], args[0][1] + args[1][1])
    if op == "-":
        return (args[0][0] - args[1][1], args[0][1] - args[1][0])
    if op == "*":  # values are finite, so 0 × an unbounded side is 0, not NaN
        products = [0.0 if a == 0 or b == 0 else a * b for a in args[0] for b in args[1]]
        return (min(products), max(products))
    if op == "min":
        return (min(a[0] for a in args), min(a[1] for a in args))
    if op == "max":
        return (max(a[0] for a in args), max(a[1] for a in args))
    if op == "clamp":  # min(max(x, lo), hi), as the language defines it: hi wins where lo > hi
        (x_low, x_high), (lo_low, lo_high), (hi_low, hi_high) = args
        return (min(max(x_low, lo_low), hi_low), min(max(x_high, lo_high), hi_high))
    if op == "abs":
        low, high = args[0]
        if low >= 0:
            return (low, high)
        if high <= 0:
            return (-high, -low)
        return (0.0, max(-low, high))
    if op == "if":
        return (min(args[1][0], args[2][0]), max(args[1][1], args[2][1]))
    if op == "count":
        return (0.0, float(len(args)))
    if op == "round":
        low, high = args[0]
        return (math.floor(low) if math.isfinite(low) else low, math.ceil(high) if math.isfinite(high) else high)
    return ANY  # division and anything else


def input_range(spec: ir.Input) -> tuple[float, float]:
    """The values an input's type and `in` constraint allow (a choice: its option codes)."""
    low, high = {"count": (0.0, INF), "share": (0.0, 1.0), "bool": (0.0, 1.0),
                 "choice": (0.0, float(max(len(spec.options) - 1, 0)))}.get(spec.kind, ANY)
    if spec.within:
        low, high = max(low, spec.within[0]), min(high, spec.within[1])
    return (low, high)


def can_be_zero(expr: ir.Expr, inputs: Mapping[str, ir.Input],
                lets: dict[int, tuple[float, float]] | None = None) -> bool:
    low, high = interval(expr, inputs, lets)
    return low <= 0.0 <= high

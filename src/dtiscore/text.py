"""IR expressions and values as the language writes them, for messages and explanations."""

from __future__ import annotations

import math
from typing import Mapping

from . import ir

# Binding strength, loosest first, as in the grammar.
_LEVEL = {"or": 1, "and": 2, "not": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4,
          "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}
_FUNCTION_NAMES = {"ratio", "min", "max", "clamp", "abs", "round", "count", "all", "any"}


def expr_text(expr: ir.Expr, inputs: Mapping[str, ir.Input] | None = None) -> str:
    """Source-like text of an expression: lets by name, choice codes by option."""
    return _text(expr, inputs or {}, 0)


def _text(expr: ir.Expr, inputs, context: int) -> str:
    if isinstance(expr, ir.Const):
        if expr.type == ir.BOOL:
            return "true" if expr.value == 1.0 else "false"
        return _number(expr.value)
    if isinstance(expr, (ir.Column, ir.Let)):
        return expr.name
    if isinstance(expr, ir.Population):
        extra = "" if expr.fraction is None else f", {_number(expr.fraction * 100)}%"
        return f"{expr.func}({_text(expr.arg, inputs, 0)}{extra})"
    op, args = expr.op, expr.args
    if op in _FUNCTION_NAMES:
        return f"{op}({', '.join(_text(a, inputs, 0) for a in args)})"
    if op == "if":
        text = f"if {_text(args[0], inputs, 0)} then {_text(args[1], inputs, 0)} else {_text(args[2], inputs, 0)}"
        return f"({text})" if context else text
    level = _LEVEL[op]
    if op == "neg":
        text = "-" + _text(args[0], inputs, level)
    elif op == "not":
        text = "not " + _text(args[0], inputs, level)
    else:
        left, right = args
        if op in ("==", "!=") and isinstance(left, ir.Column) and left.type == "choice" and isinstance(right, ir.Const):
            options = inputs[left.name].options if left.name in inputs else ()
            index = int(right.value)
            shown = options[index] if 0 <= index < len(options) else _number(right.value)
            text = f"{left.name} {op} {shown}"
        else:
            # left-associative: the right operand of - and / needs parens at equal level
            text = f"{_text(left, inputs, level)} {op} {_text(right, inputs, level + 1 if op in '-/' or level == 4 else level)}"
    return f"({text})" if level < context else text


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def value_kind(expr: ir.Expr, inputs: Mapping[str, ir.Input]) -> str:
    """How to show an expression's value: an input's kind, 'share' for ratio(...), else 'number'.
    (A plain `/` is often a rate times points, so it is not shown as a percent.)"""
    while isinstance(expr, ir.Let):
        expr = expr.expr
    if isinstance(expr, ir.Column):
        return inputs[expr.name].kind if expr.name in inputs else "number"
    if expr.type == ir.BOOL:
        return "bool"
    if isinstance(expr, ir.Op) and expr.op == "ratio":
        return "share"
    if isinstance(expr, ir.Population):
        return value_kind(expr.arg, inputs)
    return "number"


def format_value(value: float, kind: str, inputs=None, expr: ir.Expr | None = None) -> str:
    """A value as people write it: 583,139; 21.8%; yes/no; a choice's option."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    if kind == "bool":
        return "yes" if value == 1.0 else "no"
    if kind == "choice" and isinstance(expr, ir.Column) and inputs and expr.name in inputs:
        options = inputs[expr.name].options
        return options[int(value)] if 0 <= int(value) < len(options) else str(value)
    if kind == "share":
        percent = value * 100
        return f"{percent:.2f}".rstrip("0").rstrip(".") + "%"
    if kind == "count" and value == int(value):
        return f"{int(value):,}"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")

"""Expressions and strings back to `.dti` source, for `dtiscore fmt`: numbers as written,
the parentheses the author wrote (`parens` on each node) and those the grammar's precedence
needs, no others; titles re-escaped.

Precedence, lowest first (grammars/dti.lark): `or`, `and`, `not`, comparisons
(non-associative), `+ -`, `* /`, unary `-`, then atoms. `if c then a else b` is an atom
whose `else` branch reaches as far right as it can: it needs parentheses when it is not
the last operand, that is when an operator follows it, or `then`/`else` of an enclosing
`if` (there they are not needed by the grammar, but `if if a then b else c then ...` is
not for reading).
"""

from __future__ import annotations

from . import ast

OR, AND, NOT, COMPARE, SUM, PRODUCT, UNARY, ATOM = range(2, 10)

_LEVEL = {"or": OR, "and": AND, "+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT,
          "<": COMPARE, "<=": COMPARE, ">": COMPARE, ">=": COMPARE, "==": COMPARE, "!=": COMPARE}


def quote(text: str) -> str:
    """A title or label as a `.dti` string: `\\` and `"` escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def level(expr: ast.Expr) -> int:
    """How tightly `expr` binds as written (an expression in parentheses is an atom)."""
    if expr.parens:
        return ATOM
    if isinstance(expr, ast.Binary):
        return _LEVEL[expr.op]
    if isinstance(expr, ast.Unary):
        return NOT if expr.op == "not" else UNARY
    if isinstance(expr, ast.Number) and expr.text.startswith("-"):
        return UNARY  # the parser folds `-3` into one literal
    return ATOM


def expr_source(expr: ast.Expr, followed: bool = False) -> str:
    """`expr` as source text. `followed`: more of the same expression comes after it (an
    operator), so an `if` at its right end must be closed with parentheses."""
    if expr.parens:  # what the author bracketed stays bracketed; inside, nothing follows it
        return "(" * expr.parens + _bare(expr, False) + ")" * expr.parens
    return _bare(expr, followed)


def _bare(expr: ast.Expr, followed: bool) -> str:
    """`expr` without the parentheses written around it."""
    if isinstance(expr, ast.Number):
        return expr.text.replace("--", "- -").replace("--", "- -")  # `- -3`, not `--3`
    if isinstance(expr, ast.Bool):
        return "true" if expr.value else "false"
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Call):
        return f"{expr.func}({', '.join(expr_source(arg) for arg in expr.args)})"
    if isinstance(expr, ast.If):  # an `if` as the condition or `then` of another is bracketed
        text = (f"if {expr_source(expr.cond, True)} then {expr_source(expr.then, True)} "
                f"else {expr_source(expr.otherwise)}")
        return f"({text})" if followed else text
    if isinstance(expr, ast.Unary):
        if expr.op == "not":
            return "not " + _operand(expr.operand, NOT, followed)
        return "-" + _operand(expr.operand, UNARY, followed)
    if isinstance(expr, ast.Binary):
        this = _LEVEL[expr.op]
        if this == COMPARE:  # non-associative: both sides are sums
            left, right = SUM, SUM
        else:  # left-associative
            left, right = this, this + 1
        return (f"{_operand(expr.left, left, True)} {expr.op} "
                f"{_operand(expr.right, right, followed)}")
    raise TypeError(f"not an expression: {expr!r}")


def _operand(expr: ast.Expr, lowest: int, followed: bool) -> str:
    """`expr` where the grammar wants something binding at least as tightly as `lowest`."""
    if level(expr) < lowest:
        return f"({expr_source(expr)})"
    return expr_source(expr, followed)

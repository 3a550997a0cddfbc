"""IR expressions and values as the language writes them, and numbers as Vietnamese and
English readers write them, for messages, explanations and reports.

Numbers: English `583,139` and `21.8%`; Vietnamese `583.139` and `21,8%` (decimal comma,
thousands dot). Points keep up to two decimals, percents one; a value is shown with more
decimals only where fewer would make it look equal to the limit it is compared with
(`49.96%` is not shown as `50%` next to "< 50%").
"""

from __future__ import annotations

import functools
import math
import unicodedata
from typing import Mapping

from ..errors import choice
from ..language import ir

LANGS = ("vi", "en")

# Binding strength, loosest first, as in the grammar.
_LEVEL = {"or": 1, "and": 2, "not": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4,
          "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}
_FUNCTION_NAMES = {"ratio", "min", "max", "clamp", "abs", "round", "count", "all", "any"}

# Comparison operators as people read them.
SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}
NEGATED = {">=": "<", ">": "≤", "<=": ">", "<": "≥"}


def expr_text(expr: ir.Expr, inputs: Mapping[str, ir.Input] | None = None) -> str:
    """Source-like text of an expression: lets by name, choice codes by option
    (`reasons.Reasons.text` remembers them for a framework's explanations)."""
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
    if isinstance(expr, ir.Op) and expr.op in ("min", "max", "clamp", "round", "abs", "if"):
        kinds = {value_kind(a, inputs) for a in expr.args[1 if expr.op == "if" else 0:]
                 if not isinstance(a, ir.Const)}
        if len(kinds) == 1:
            return kinds.pop()
    if isinstance(expr, ir.Population):
        return value_kind(expr.arg, inputs)
    return "number"


# ---- numbers -----------------------------------------------------------------------------


def default_lang(title: str) -> str:
    """'vi' for a title written in Vietnamese (it has Vietnamese letters or tone marks),
    else 'en'."""
    decomposed = unicodedata.normalize("NFD", title)
    if any(ch in "đĐ" or unicodedata.combining(ch) for ch in decomposed):
        return "vi"
    return "en"


def check_lang(lang: str) -> str:
    return choice("lang", lang, LANGS)


def number(value: float, lang: str = "en", decimals: int = 2) -> str:
    """A number with thousands separators and at most `decimals` decimals (trailing zeros
    dropped): 583,139 / 43.65 in English, 583.139 / 43,65 in Vietnamese."""
    if value is None or value != value:
        return "-"
    return _formatted(float(value), lang, decimals)


@functools.lru_cache(maxsize=65536)  # points, maxima and limits repeat across units
def _formatted(value: float, lang: str, decimals: int) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0.0"):
        text = "0"
    if lang == "vi":
        text = text.translate(_VI)
    return text


_VI = str.maketrans({",": ".", ".": ","})


def signed(value: float, lang: str = "en", decimals: int = 2) -> str:
    """A change with its sign: +76.9, -3, 0."""
    text = number(value, lang, decimals)
    return text if text.startswith("-") or text == "0" else "+" + text


def percent(value: float, lang: str = "en", decimals: int = 1) -> str:
    """A share as a percent: 0.218 → 21.8% (en), 21,8% (vi)."""
    return number(value * 100.0, lang, decimals) + "%"


def format_value(value: float, kind: str, lang: str = "en", options: tuple[str, ...] = (),
                 against: float | None = None) -> str:
    """A value as people write it: counts with separators, shares as percents, yes/no,
    a choice's option. `against`: a limit the value is compared with; the value gets more
    decimals where it would otherwise look equal to it."""
    if value is None or value != value:
        return "không có số liệu" if lang == "vi" else "no value"
    if kind == "bool":
        if lang == "vi":
            return "có" if value == 1.0 else "không"
        return "yes" if value == 1.0 else "no"
    if kind == "choice":
        index = int(value)
        return options[index] if 0 <= index < len(options) else number(value, lang)
    show = percent if kind == "share" else number
    decimals = 1 if kind == "share" else 2
    text = show(value, lang, decimals)
    if against is not None and against == against and value != against:
        while decimals < 8 and text == show(against, lang, decimals):
            decimals += 1
            text = show(value, lang, decimals)
    return text

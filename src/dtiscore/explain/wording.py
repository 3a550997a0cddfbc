"""IR expressions and values as the language writes them, numbers as Vietnamese and
English readers write them, and the one table of words (statuses, headings, counted nouns)
that explanations and the command line show, for messages, explanations and reports.

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


def value_kind(expr: ir.Expr, inputs: Mapping[str, ir.Input], lets: dict[int, str] | None = None) -> str:
    """How to show an expression's value: an input's kind, 'share' for ratio(...), else 'number'.
    (A plain `/` is often a rate times points, so it is not shown as a percent.) `lets`
    keeps each let's kind by identity: lets each reading the one before twice are 2**n paths."""
    lets = {} if lets is None else lets
    if isinstance(expr, ir.Let):
        if id(expr) not in lets:
            lets[id(expr)] = value_kind(expr.expr, inputs, lets)
        return lets[id(expr)]
    if isinstance(expr, ir.Column):
        return inputs[expr.name].kind if expr.name in inputs else "number"
    if expr.type == ir.BOOL:
        return "bool"
    if isinstance(expr, ir.Op) and expr.op == "ratio":
        return "share"
    if isinstance(expr, ir.Op) and expr.op in ("min", "max", "clamp", "round", "abs", "if"):
        kinds = {value_kind(a, inputs, lets) for a in expr.args[1 if expr.op == "if" else 0:]
                 if not isinstance(a, ir.Const)}
        if len(kinds) == 1:
            return kinds.pop()
    if isinstance(expr, ir.Population):
        return value_kind(expr.arg, inputs, lets)
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


# ---- words -------------------------------------------------------------------------------

# Every word a reader sees around the numbers, in both languages: one table. Statuses are
# keyed by their names in `dtiscore.STATUSES` (English shows the name itself, as data files
# and JSON do); headings by the result table's column names; nouns to count by singular
# and plural (Vietnamese has one form).
WORDS = {
    "en": {
        # statuses
        "scored": "scored", "excluded": "excluded", "missing": "missing", "no_evidence": "no_evidence",
        "inactive": "inactive", "invalid": "invalid",
        # headings of the result table and of an explanation
        "unit": "unit", "total": "total", "index": "index", "band": "band", "rank": "rank",
        "unranked": "not ranked",
        "of": "of", "nothing": "nothing applies", "groups": "groups", "lost": "lost points, most first",
        "more": "more criteria lost points", "next": "next", "none": "no points lost",
        # nouns to count
        "units": "units", "node": "node", "nodes": "nodes", "group": "group", "criterion": "criterion",
        "criteria": "criteria", "substitute": "substitute", "substitutes": "substitutes", "input": "input",
        "inputs": "inputs", "param": "param", "params": "params", "point": "point", "points": "points",
        "warning": "warning", "warnings": "warnings", "invariant": "invariant", "invariants": "invariants",
        "data set": "data set", "data sets": "data sets", "data file": "data file", "data files": "data files",
        "framework": "framework", "frameworks": "frameworks",
        # the command line's summaries
        "holds on": "holds on", "hold on": "hold on", "seed": "seed",
        "smallest data": "the smallest data found (seed {seed}) follows; save it as a .csv and run",
    },
    "vi": {
        "scored": "có điểm", "excluded": "không áp dụng", "missing": "thiếu số liệu",
        "no_evidence": "thiếu tài liệu kiểm chứng", "inactive": "không tính", "invalid": "số liệu không hợp lệ",
        "unit": "đơn vị", "total": "tổng điểm", "index": "chỉ số", "band": "xếp loại", "rank": "xếp hạng",
        "unranked": "không xếp hạng",
        "of": "/", "nothing": "không có tiêu chí nào áp dụng", "groups": "nhóm tiêu chí",
        "lost": "điểm bị trừ, nhiều nhất trước", "more": "tiêu chí khác bị trừ điểm", "next": "để tăng điểm",
        "none": "không bị trừ điểm",
        "units": "đơn vị", "node": "nút", "nodes": "nút", "group": "nhóm tiêu chí", "criterion": "tiêu chí",
        "criteria": "tiêu chí", "substitute": "tiêu chí thay thế", "substitutes": "tiêu chí thay thế",
        "input": "chỉ tiêu đầu vào", "inputs": "chỉ tiêu đầu vào", "param": "tham số", "params": "tham số",
        "point": "điểm", "points": "điểm", "warning": "cảnh báo", "warnings": "cảnh báo",
        "invariant": "bất biến", "invariants": "bất biến", "data set": "bộ dữ liệu", "data sets": "bộ dữ liệu",
        "data file": "tệp dữ liệu", "data files": "tệp dữ liệu", "framework": "khung", "frameworks": "khung",
        "holds on": "đúng trên", "hold on": "đúng trên", "seed": "seed",
        "smallest data": "bộ dữ liệu nhỏ nhất tìm được (seed {seed}) ở dưới; lưu thành tệp .csv rồi chạy",
    },
}


def word(key: str, lang: str = "en") -> str:
    """A word of the table in `lang`: `word("missing", "vi")` is "thiếu số liệu"."""
    return WORDS[check_lang(lang)][key]


def counted(n: int, singular: str, plural: str | None = None, lang: str = "en") -> str:
    """'1 param', '2 params', '2 tham số': a count with its noun from the table (`plural`
    defaults to the singular with an s)."""
    return f"{number(n, lang, 0)} {word(singular if n == 1 else plural or singular + 's', lang)}"


def points_text(value: float, lang: str = "en") -> str:
    """A framework's or node's max with its noun: '1000 points', '1 point', '12,5 điểm'
    (English without a thousands separator, as `dtiscore check` always wrote it)."""
    shown = f"{value:g}" if lang == "en" else number(value, lang)
    return f"{shown} {word('point' if value == 1 else 'points', lang)}"


def headings(names, lang: str = "en") -> dict[str, str]:
    """Column name → the heading a person reads: the table's word where it has one (unit,
    total, index, band, rank), else the name itself (group ids, tag views)."""
    words = WORDS[check_lang(lang)]
    return {name: words.get(name, name) if name in _HEADINGS else name for name in names}


_HEADINGS = frozenset({"unit", "total", "index", "band", "rank"})

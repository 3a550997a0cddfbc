"""Hypothesis strategies for testing dtiscore, and for testing code that uses it.

    from hypothesis import given, strategies as st
    from dtiscore.testing import framework_objects, inputs

    @given(st.data())
    def test_every_index_is_a_fraction(data):
        framework = data.draw(framework_objects())
        result = framework.score(data.draw(inputs(framework)))
        assert ((result.index >= 0) & (result.index <= 1) | (result.effective_max == 0)).all()

`frameworks()` draws the source text of random, valid frameworks that use the whole
language; `inputs(framework)` draws data for a framework that respects every input's type
and constraints and aims at the values the framework's scoring turns on (band thresholds,
`linear` limits, targets, comparison constants, zero denominators), one step either side of
them, and at missing values. `edges(framework)` lists those values.

The strategies build valid text by construction (no filtering): a group's max is the sum of
its children's (less some bonus under `cap`), band points stay within the criterion's max,
bands are kept only when reachable, a substitute copies the max of the criterion it replaces.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from typing import Mapping

import attrs
import numpy as np
from hypothesis import strategies as st

from . import ir
from .api import loads
from .interpret import constant_value

__all__ = ["frameworks", "framework_objects", "inputs", "edges", "Edges"]

RULES = ("score", "award", "proportional", "linear", "steps", "deduct", "cases")
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
BAND_OPS = (">=", ">", "<=", "<")
OPTIONS = ("red", "green", "blue", "amber", "grey")
TITLES = ("Nhận thức số", "Thể chế số", "Hạ tầng số", "Tỷ lệ hồ sơ trực tuyến",
          "Văn bản ký số", "Quoted \\\"title\\\"", "Plain title")
# Maxima are multiples of 1/2, so that every sum the checker compares is exact. Hypothesis
# shrinks towards the first entry; 0 (a `max 0` node) comes later so it is not the norm.
MAXIMA = (10, 20, 5, 2.5, 0, 0.5, 1, 2, 3, 7.5, 10, 15, 20, 25, 40, 50, 100)


def _title(name: str) -> str:
    """A title for a node, label or reason: fixed by its name, so it costs no draw."""
    return TITLES[sum(map(ord, name)) % len(TITLES)]


def _text(value: float) -> str:
    """A non-negative number as the language writes it (no exponent)."""
    text = repr(float(value))
    if "e" in text:
        text = f"{value:.20f}".rstrip("0")
    return text[:-2] if text.endswith(".0") else text


@st.composite
def _literals(draw, low: float = 0.0, high: float = 1000.0) -> tuple[str, float]:
    """A non-negative number literal as (text, value): integers, decimals or percents,
    read exactly as the parser reads them."""
    kind = draw(st.sampled_from(("int", "int", "decimal", "percent", "percent")))
    if kind == "int":
        whole = draw(st.integers(math.ceil(low), max(math.ceil(low), math.floor(min(high, 200)))))
        return str(whole), float(whole)
    if kind == "decimal":
        whole = draw(st.integers(0, 20))
        frac = draw(st.sampled_from(("5", "25", "75", "1", "125")))
        text = f"{whole}.{frac}"
    else:
        whole = draw(st.integers(0, 100))
        text = f"{whole}%" if draw(st.booleans()) else f"{whole}.5%"
    value = float(text[:-1] + "e-2") if text.endswith("%") else float(text)
    if not low <= value <= high:
        return _text(low), float(low)
    return text, value


# ---- the names in scope while a framework is drawn --------------------------------------


@attrs.define
class _Scope:
    """Everything expressions may name, with what the generator must know about it."""

    population: bool = True
    counter: itertools.count = attrs.field(factory=itertools.count)
    nums: list[str] = attrs.field(factory=list)  # numeric inputs, params and lets
    ranges: dict[str, tuple[float, float]] = attrs.field(factory=dict)  # their intervals
    bools: list[str] = attrs.field(factory=list)
    bool_inputs: list[str] = attrs.field(factory=list)
    choices: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    constants: list[tuple[str, float]] = attrs.field(factory=list)  # numeric params, by value
    declarations: list[str] = attrs.field(factory=list)

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"


# ---- expressions (as text, fully parenthesised) -----------------------------------------


def _constant(draw, scope: _Scope) -> tuple[str, float]:
    """A constant with a known value: a literal or a numeric param."""
    if scope.constants and draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(scope.constants))
    return draw(_literals())


def _num_text(draw, scope: _Scope, depth: int) -> str:
    """A numeric expression using every operator and function of the language."""
    return _num(draw, scope, depth)[0]


ANY = (-math.inf, math.inf)


def _num(draw, scope: _Scope, depth: int) -> tuple[str, tuple[float, float]]:
    """(text, interval): the interval is the one the checker's interval reasoning gives
    (dtiscore.intervals), so that no denominator is zero whatever the data (an error)."""
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        if scope.nums and draw(st.integers(0, 3)) > 0:
            name = draw(st.sampled_from(scope.nums))
            return name, scope.ranges[name]
        text, value = _constant(draw, scope)
        return text, (value, value)
    forms = ["arith", "arith", "ratio", "neg", "minmax", "clamp", "abs", "round", "count", "if"]
    if scope.population:
        forms += ["population", "population"]
    form = draw(st.sampled_from(forms))
    sub = lambda: _num(draw, scope, depth - 1)  # noqa: E731
    if form in ("arith", "ratio"):
        (a, (a0, a1)), (b, (b0, b1)) = sub(), sub()
        op = draw(st.sampled_from("+-*/")) if form == "arith" else "ratio"
        if op in ("/", "ratio") and (b0, b1) == (0.0, 0.0):
            b = f"({b} + 1)"  # the checker rejects a denominator that is always zero
        if op == "ratio":
            return f"ratio({a}, {b})", ANY
        if op == "+":
            return f"({a} + {b})", (a0 + b0, a1 + b1)
        if op == "-":
            return f"({a} - {b})", (a0 - b1, a1 - b0)
        if op == "/":
            return f"({a} / {b})", ANY
        products = [0.0 if x == 0 or y == 0 else x * y for x in (a0, a1) for y in (b0, b1)]
        return f"({a} * {b})", (min(products), max(products))
    if form == "neg":
        text, (low, high) = sub()
        return f"(-{text})", (-high, -low)
    if form == "minmax":
        args = [sub() for _ in range(draw(st.integers(1, 3)))]
        func = draw(st.sampled_from((min, max)))
        text = f"{func.__name__}({', '.join(a for a, _ in args)})"
        return text, (func(r[0] for _, r in args), func(r[1] for _, r in args))
    if form == "clamp":
        (x, (low, high)), (lo_text, (lo, _)), (hi_text, (_, hi)) = sub(), sub(), sub()
        bounds = (max(low, lo), min(high, hi)) if max(low, lo) <= min(high, hi) else (lo, hi)
        return f"clamp({x}, {lo_text}, {hi_text})", bounds
    if form == "abs":
        text, (low, high) = sub()
        bounds = (low, high) if low >= 0 else (-high, -low) if high <= 0 else (0.0, max(-low, high))
        return f"abs({text})", bounds
    if form == "round":
        text, (low, high) = sub()
        digits = draw(st.sampled_from(("0", "1", "2", "3", "(-1)")))
        floor = lambda v: math.floor(v) if math.isfinite(v) else v  # noqa: E731
        ceil = lambda v: math.ceil(v) if math.isfinite(v) else v  # noqa: E731
        return f"round({text}, {digits})", (floor(low), ceil(high))
    if form == "count":
        args = [_cond(draw, scope, depth - 1) for _ in range(draw(st.integers(1, 3)))]
        return f"count({', '.join(args)})", (0.0, float(len(args)))
    if form == "if":
        cond = _cond(draw, scope, depth - 1)
        (a, (a0, a1)), (b, (b0, b1)) = sub(), sub()
        return f"(if {cond} then {a} else {b})", (min(a0, b0), max(a1, b1))
    func = draw(st.sampled_from(("best", "worst", "mean", "percentile")))
    text, bounds = sub()
    if func == "percentile":
        p = draw(st.sampled_from(("0", "1", "50%", "90%", "0.25", "12.5%")))
        return f"percentile({text}, {p})", bounds
    return f"{func}({text})", bounds


def _cond(draw, scope: _Scope, depth: int) -> str:
    """A condition (true/false, or no value) over the scope's names."""
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        leaves = ["compare", "compare"]
        if scope.bools:
            leaves += ["name", "name"]
        if scope.choices:
            leaves += ["choice"]
        leaf = draw(st.sampled_from(leaves + ["literal"]))
        if leaf == "name":
            return draw(st.sampled_from(scope.bools))
        if leaf == "choice":
            name = draw(st.sampled_from(sorted(scope.choices)))
            options = scope.choices[name]
            same = [other for other, opts in scope.choices.items() if opts == options and other != name]
            other = draw(st.sampled_from(same)) if same and draw(st.booleans()) else draw(st.sampled_from(options))
            return f"({name} {draw(st.sampled_from(('==', '!=')))} {other})"
        if leaf == "literal":
            return draw(st.sampled_from(("true", "false")))
        left = _num_text(draw, scope, 0) if depth <= 0 else _num_text(draw, scope, depth - 1)
        return f"({left} {draw(st.sampled_from(COMPARISONS))} {_constant(draw, scope)[0]})"
    form = draw(st.sampled_from(("and", "or", "not", "allany", "if", "compare", "equal")))
    sub = lambda: _cond(draw, scope, depth - 1)  # noqa: E731
    if form in ("and", "or"):
        return f"({sub()} {form} {sub()})"
    if form == "not":
        return f"(not {sub()})"
    if form == "allany":
        args = ", ".join(sub() for _ in range(draw(st.integers(1, 3))))
        return f"{draw(st.sampled_from(('all', 'any')))}({args})"
    if form == "if":
        return f"(if {sub()} then {sub()} else {sub()})"
    if form == "equal":
        return f"({sub()} {draw(st.sampled_from(('==', '!=')))} {sub()})"
    op = draw(st.sampled_from(COMPARISONS))
    return f"({_num_text(draw, scope, depth - 1)} {op} {_num_text(draw, scope, depth - 1)})"


# ---- declarations -----------------------------------------------------------------------


def _policies(errors: bool) -> tuple[str, ...]:
    return ("zero", "exclude", "error") if errors else ("zero", "exclude")


def _declare_inputs(draw, scope: _Scope, errors: bool) -> None:
    numeric: dict[str, list[str]] = defaultdict(list)  # kind → inputs, for `<=`
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(("count", "count", "number", "share", "share", "bool", "bool", "choice")))
        name = scope.fresh({"count": "n", "number": "x", "share": "s", "bool": "b", "choice": "k"}[kind])
        parts = [f"input {name}"]
        if kind == "choice":
            same = [n for n in scope.choices]
            if same and draw(st.booleans()):
                options = scope.choices[draw(st.sampled_from(same))]
            else:
                options = tuple(draw(st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=4, unique=True)))
            parts.append(f"choice({', '.join(options)})")
            scope.choices[name] = options
        else:
            parts.append(kind)
        if draw(st.booleans()):
            parts.append(f'"{_title(name)}"')
        options_text = []
        bounded = kind in numeric and draw(st.booleans())
        if bounded:
            options_text.append(f"<= {draw(st.sampled_from(numeric[kind]))}")
        within = None
        if kind in ("count", "share", "number") and not (bounded and kind == "number") and draw(st.integers(0, 3)) == 0:
            within = _within(draw, kind, bounded)
            options_text.append(f"in {within[0][0]}..{within[1][0]}")
        if draw(st.integers(0, 3)) == 0:
            options_text.append(f"on_missing {draw(st.sampled_from(_policies(errors)))}")
        if draw(st.integers(0, 5)) == 0:
            options_text.append(f"better {draw(st.sampled_from(('higher', 'lower')))}")
        parts += draw(st.permutations(options_text))
        scope.declarations.append(" ".join(parts))
        if kind == "bool":
            scope.bools.append(name)
            scope.bool_inputs.append(name)
        elif kind != "choice":
            scope.nums.append(name)
            scope.ranges[name] = _range(kind, within)
            numeric[kind].append(name)


def _within(draw, kind: str, bounded: bool) -> tuple[tuple[str, float], tuple[str, float]]:
    """An `in LOW..HIGH` range as ((text, value), (text, value)); a bounded input's range
    starts at 0 so that `<=` stays satisfiable (a bounded number has no range)."""
    if kind == "count":
        low = 0 if bounded else draw(st.integers(0, 5))
        high = low + draw(st.integers(0, 60))
        return (str(low), float(low)), (str(high), float(high))
    if kind == "share":
        low = 0 if bounded else draw(st.integers(0, 50))
        high = low + draw(st.integers(0, 100 - low))
        return (f"{low}%", float(f"{low}e-2")), (f"{high}%", float(f"{high}e-2"))
    low = draw(st.integers(-50, 50))
    high = low + draw(st.integers(0, 200))
    return (f"-{-low}" if low < 0 else str(low), float(low)), (str(high), float(high))


def _range(kind: str, within) -> tuple[float, float]:
    """An input's interval, as dtiscore.intervals.input_range gives it."""
    low, high = {"count": (0.0, math.inf), "share": (0.0, 1.0)}.get(kind, ANY)
    if within:
        low, high = max(low, within[0][1]), min(high, within[1][1])
    return low, high


def _declare_params(draw, scope: _Scope) -> None:
    for _ in range(draw(st.integers(0, 3))):
        name = scope.fresh("p")
        form = draw(st.sampled_from(("literal", "literal", "derived", "bool")))
        if form == "bool":
            value = draw(st.sampled_from(("true", "false", "(1 > 2)")))
            scope.declarations.append(f"param {name} = {value}")
            scope.bools.append(name)
            continue
        text, value = draw(_literals())
        if form == "derived" and scope.constants:
            base, base_value = draw(st.sampled_from(scope.constants))
            factor_text, factor = draw(_literals(1, 10))
            text, value = f"({base} * {factor_text})", base_value * factor
        label = f' "{_title(name)}"' if draw(st.booleans()) else ""
        scope.declarations.append(f"param {name} = {text}{label}")
        scope.constants.append((name, value))
        scope.nums.append(name)
        scope.ranges[name] = (value, value)


def _declare_lets(draw, scope: _Scope) -> None:
    for _ in range(draw(st.integers(0, 4))):
        name = scope.fresh("l")
        if draw(st.integers(0, 2)) == 0:
            scope.declarations.append(f"let {name} = {_cond(draw, scope, 2)}")
            scope.bools.append(name)
        else:
            text, scope.ranges[name] = _num(draw, scope, 2)
            scope.declarations.append(f"let {name} = {text}")
            scope.nums.append(name)


# ---- criteria ---------------------------------------------------------------------------


def _reachable(earlier: list[tuple[str, float]], op: str, threshold: float) -> bool:
    """Whether some value passes the band `op threshold` and no earlier band.

    The earlier bands leave the interval between the highest `<`/`<=` threshold and the
    lowest `>`/`>=` one; the band is reachable when its half-line meets that interval."""
    inf = math.inf
    low, low_closed, high, high_closed = -inf, False, inf, False
    uppers = [(t, o) for o, t in earlier if o in ("<", "<=")]
    lowers = [(t, o) for o, t in earlier if o in (">", ">=")]
    if uppers:
        low = max(t for t, _ in uppers)
        low_closed = not any(o == "<=" for t, o in uppers if t == low)
    if lowers:
        high = min(t for t, _ in lowers)
        high_closed = not any(o == ">=" for t, o in lowers if t == high)
    if op in (">", ">="):
        b_low, b_low_closed, b_high, b_high_closed = threshold, op == ">=", inf, False
    else:
        b_low, b_low_closed, b_high, b_high_closed = -inf, False, threshold, op == "<="
    start = max((low, low_closed), (b_low, b_low_closed), key=lambda p: (p[0], not p[1]))
    end = min((high, high_closed), (b_high, b_high_closed), key=lambda p: (p[0], p[1]))
    return start[0] < end[0] or (start[0] == end[0] and start[1] and end[1] and math.isfinite(start[0]))


def _constant_value(scope: _Scope, text: str) -> float | None:
    """The value of expression text the checker sees as a constant, else None: a literal,
    possibly negated and parenthesised (the parser folds `-3` into the literal), or a
    numeric param."""
    match = re.fullmatch(r"[(\-]*([0-9.]+%?)\)*", text)
    if match:
        literal = match.group(1)
        value = float(literal[:-1] + "e-2") if literal.endswith("%") else float(literal)
        return -value if text.count("-") % 2 else value
    return dict(scope.constants).get(text)


def _points(draw, top: float) -> str:
    """Band points: a constant in [0, top]."""
    return _text(draw(st.sampled_from((0.0, top, top / 2, top / 4, top * 3 / 4))))


def _rule(draw, scope: _Scope, top: float) -> str:
    rule = draw(st.sampled_from(RULES))
    num = lambda depth=2: _num_text(draw, scope, depth)  # noqa: E731
    if rule == "score":
        return f"score {num()}"
    if rule == "award":
        return f"award when {_cond(draw, scope, 2)}"
    if rule == "proportional":
        choice = draw(st.sampled_from(("none", "constant", "expr")))
        if choice == "none":
            return f"proportional {num()}"
        if choice == "constant":
            text, value = _constant(draw, scope)
            if value <= 0:
                text = "1"
            return f"proportional {num()} target {text}"
        target, bounds = _num(draw, scope, 1)
        value = _constant_value(scope, target)
        if (value is not None and value <= 0) or bounds == (0.0, 0.0):
            target = f"(abs({target}) + 1)"  # a target that is never above zero is an error
        return f"proportional {num()} target {target}"
    if rule == "linear":
        start, end = num(1), num(1)
        constants = _constant_value(scope, start), _constant_value(scope, end)
        if None not in constants and constants[0] == constants[1] or draw(st.booleans()):
            (start, a), (end, b) = _constant(draw, scope), _constant(draw, scope)
            if a == b:
                end = _text(b + 1)
        if draw(st.booleans()):
            start, end = end, start
        return f"linear {num()} from {start} to {end}"
    if rule == "steps":
        bands: list[tuple[str, float]] = []
        lines = []
        for _ in range(draw(st.integers(0, 5))):
            op = draw(st.sampled_from(BAND_OPS))
            text, value = _constant(draw, scope)
            if draw(st.integers(0, 4)) == 0 and value > 0 and text[0].isdigit():
                text, value = f"-{text}", -value  # a band takes `-5` but not `-param`
            if _reachable(bands, op, value):
                bands.append((op, value))
                lines.append(f"{op} {text}: {_points(draw, top)}")
        body = "".join(f"\n    {line}" for line in lines)
        return f"steps {num()} {{{body}\n    else: {_points(draw, top)}\n}}"
    if rule == "deduct":
        return f"deduct {num(1)} per {num()}"
    whens = "".join(
        f"\n    when {_cond(draw, scope, 2)}: {num(1)}" for _ in range(draw(st.integers(0, 3)))
    )
    return f"cases {{{whens}\n    else: {num(1)}\n}}"


@attrs.define
class _Criterion:
    id: str
    max: float
    clauses: list[str]
    options: list[str]
    replaces: str | None = None

    def render(self, draw, indent: str) -> list[str]:
        head = f'{indent}criterion {self.id} "{_title(self.id)}"'
        lines = [" ".join([head, *self.options]) + " {"]
        for clause in self.clauses:
            lines += [indent + "    " + line for line in clause.split("\n")]
        return lines + [indent + "}"]


@attrs.define
class _Group:
    id: str
    max: float
    options: list[str]
    children: list
    declarations: list[str] = attrs.field(factory=list)
    framework: bool = False

    def render(self, draw, indent: str) -> list[str]:
        if self.framework:
            lines = [f'framework {self.id} "{_title(self.id)}" {{']
            lines += [f"    {option}" for option in self.options]
        else:
            head = f'{indent}group {self.id} "{_title(self.id)}"'
            lines = [" ".join([head, *self.options]) + " {"]
        inner = indent + "    "
        lines += [inner + d for d in self.declarations]
        for child in self.children:
            lines += child.render(draw, inner)
        return lines + [indent + "}"]


def _tags(draw) -> str:
    keys = draw(st.lists(st.sampled_from(("pillar", "kind", "level")), min_size=1, max_size=2, unique=True))
    parts = []
    for key in keys:
        values = draw(st.lists(st.sampled_from(("t_gov", "t_eco", "t_soc")), min_size=1, max_size=3, unique=True))
        parts.append(f"{key}: {values[0]}" if len(values) == 1 and draw(st.booleans())
                     else f"{key}: [{', '.join(values)}]")
    return "tags " + ", ".join(parts)


def _criterion(draw, scope: _Scope, top: float, errors: bool) -> _Criterion:
    clauses = [_rule(draw, scope, top)]
    for _ in range(draw(st.sampled_from((0, 0, 1, 1, 2)))):
        cond = _cond(draw, scope, 1)
        reason = f' "{_title(cond)}"' if draw(st.booleans()) else ""
        clauses.append(f"exclude when {cond}{reason}")
    if scope.bool_inputs and draw(st.integers(0, 3)) == 0:
        clauses.append(f"evidence {draw(st.sampled_from(scope.bool_inputs))}")
    if draw(st.integers(0, 3)) == 0:
        clauses.append(f"on_missing {draw(st.sampled_from(_policies(errors)))}")
    options = [f"max {_text(top)}"] + ([_tags(draw)] if draw(st.integers(0, 5)) == 0 else [])
    return _Criterion(scope.fresh("q"), top, draw(st.permutations(clauses)), draw(st.permutations(options)))


def _children(draw, scope: _Scope, depth: int, budget: list[int], errors: bool) -> list:
    """A group's children (at least one), with substitutes; uses up `budget[0]` criteria."""
    children: list = []
    for position in range(draw(st.integers(1, 4))):
        if position and budget[0] <= 0:
            break
        if depth > 0 and budget[0] > 1 and draw(st.integers(0, 2)) == 0:
            children.append(_group(draw, scope, depth - 1, budget, errors))
        else:
            budget[0] -= 1
            children.append(_criterion(draw, scope, float(draw(st.sampled_from(MAXIMA))), errors))
    originals = [c for c in children if isinstance(c, _Criterion)]
    if originals and budget[0] > 0 and draw(st.integers(0, 2)) == 0:
        original = draw(st.sampled_from(originals))
        if draw(st.booleans()):  # give the substitute something to replace
            original.clauses.append(f"exclude when {_cond(draw, scope, 1)}")
        budget[0] -= 1
        substitute = _criterion(draw, scope, original.max, errors)
        substitute.replaces = original.id
        substitute.clauses.append(f"replaces {original.id}")
        children.insert(draw(st.integers(0, len(children))), substitute)
    return children


def _place_max(draw, children: list) -> tuple[float, bool]:
    """(max, cap): the places' sum, or under `cap` anything up to it (the rest is bonus)."""
    total = sum(c.max for c in children if not (isinstance(c, _Criterion) and c.replaces))
    if draw(st.integers(0, 4)) == 0:
        return draw(st.integers(0, math.floor(total * 2))) / 2, True
    return total, False


def _group(draw, scope: _Scope, depth: int, budget: list[int], errors: bool) -> _Group:
    children = _children(draw, scope, depth, budget, errors)
    top, cap = _place_max(draw, children)
    options = [f"max {_text(top)}"] + (["cap"] if cap else [])
    if draw(st.integers(0, 2)) == 0:
        options.append(f"on_exclude {draw(st.sampled_from(('rescale', 'shrink')))}")
    if draw(st.integers(0, 3)) == 0:
        options.append(_tags(draw))
    return _Group(scope.fresh("g"), top, draw(st.permutations(options)), children)


def _groups(node) -> list[_Group]:
    if not isinstance(node, _Group):
        return []
    return [node] + [g for child in node.children for g in _groups(child)]


@st.composite
def frameworks(draw, max_depth: int = 3, max_criteria: int = 12, *, errors: bool = False,
               population: bool = True) -> str:
    """Source text of a random valid framework.

    max_depth: how deeply groups nest under the framework; max_criteria: how many criteria
    (substitutes included) at most. errors=True also draws `on_missing error` (at framework,
    criterion and input level), so scoring may raise `MissingDataError`. population=False
    leaves out best/worst/mean/percentile, for properties that need units independent.

    The text loads without errors (it may have warnings: unused names, unguarded ratios)."""
    scope = _Scope(population=population)
    _declare_inputs(draw, scope, errors)
    _declare_params(draw, scope)
    _declare_lets(draw, scope)
    budget = [max(1, max_criteria)]
    children = _children(draw, scope, max(0, max_depth), budget, errors)
    top, cap = _place_max(draw, children)
    options = [f"max {_text(top)}"] + (["cap"] if cap else [])
    if draw(st.booleans()):
        options.append(f"on_exclude {draw(st.sampled_from(('rescale', 'shrink')))}")
    if draw(st.booleans()):
        options.append(f"on_missing {draw(st.sampled_from(_policies(errors)))}")
    root = _Group(scope.fresh("f"), top, draw(st.permutations(options)), children, framework=True)
    # declarations may stand in any group: names are global and may be used before they are declared
    places = _groups(root)
    for declaration in scope.declarations:
        draw(st.sampled_from(places)).declarations.append(declaration)
    return "\n".join(root.render(draw, "")) + "\n"


def framework_objects(max_depth: int = 3, max_criteria: int = 12, **kwargs):
    """Loaded frameworks: `frameworks(...)` mapped through `dtiscore.loads`."""
    return frameworks(max_depth, max_criteria, **kwargs).map(loads)


# ---- data -------------------------------------------------------------------------------

_ORDERING = ("<", "<=", ">", ">=", "==", "!=")


def _constant_of(expr: ir.Expr) -> float | None:
    """The value of an expression that reads no input, else None."""
    if any(isinstance(n, (ir.Column, ir.Population)) for n in ir.walk(expr)):
        return None
    value = constant_value(expr)
    return None if math.isnan(value) else value


def _unwrap(expr: ir.Expr) -> ir.Expr:
    while isinstance(expr, ir.Let):
        expr = expr.expr
    return expr


def _ratio_columns(expr: ir.Expr) -> tuple[str, str] | None:
    expr = _unwrap(expr)
    if isinstance(expr, ir.Op) and expr.op in ("/", "ratio"):
        top, bottom = (_unwrap(a) for a in expr.args)
        if isinstance(top, ir.Column) and isinstance(bottom, ir.Column) and top.name != bottom.name:
            return top.name, bottom.name
    return None


@attrs.frozen
class Edges:
    """What `inputs` aims at: per input, the constants it is measured against; and the
    ratios of two inputs compared with a constant (numerator, denominator, constant)."""

    values: Mapping[str, tuple[float, ...]]
    ratios: tuple[tuple[str, str, float], ...]


def edges(framework) -> Edges:
    """The edges a framework (a `Framework` or its IR) declares: `steps` thresholds,
    `linear` limits, `proportional` targets, where `deduct` reaches zero, and the constants
    of comparisons, min/max/clamp anywhere in a criterion. A constant counts for every input
    of the expression it is compared with; zero counts for every numeric input."""
    checked: ir.Framework = getattr(framework, "ir", framework)
    found: dict[str, set[float]] = defaultdict(set)
    ratios: set[tuple[str, str, float]] = set()

    def note(expr: ir.Expr, values) -> None:
        values = [v for v in values if v is not None and math.isfinite(v)]
        for name in ir.columns_used(expr):
            found[name].update(values)
        pair = _ratio_columns(expr)
        if pair:
            ratios.update((*pair, v) for v in values)

    for crit in checked.criteria():
        rule = crit.rule
        if isinstance(rule, ir.StepsRule):
            note(rule.expr, [b.threshold for b in rule.bands])
        elif isinstance(rule, ir.LinearRule):
            note(rule.expr, [_constant_of(rule.start), _constant_of(rule.end)])
        elif isinstance(rule, ir.ProportionalRule):
            note(rule.expr, [_constant_of(rule.target), 0.0])
        elif isinstance(rule, ir.DeductRule):
            amount = _constant_of(rule.amount)
            if amount:
                note(rule.per, [crit.max / amount])
        for root in (*ir.rule_exprs(rule), *(e.cond for e in crit.exclusions)):
            for node in ir.walk(root):
                if isinstance(node, ir.Op) and node.op in _ORDERING + ("min", "max", "clamp"):
                    constants = [_constant_of(a) for a in node.args]
                    for arg, value in zip(node.args, constants):
                        if value is None:
                            note(arg, [c for c in constants if c is not None])
    for spec in checked.inputs:
        if spec.type == ir.NUM:
            found[spec.name].add(0.0)
    return Edges({name: tuple(sorted(values)) for name, values in found.items()}, tuple(sorted(ratios)))


def _allowed(spec: ir.Input, value: float) -> bool:
    """Whether a value passes the input's type and `in` range."""
    if math.isnan(value):
        return True
    if not math.isfinite(value):
        return False
    if spec.kind == "count" and (value < 0 or value != math.floor(value)):
        return False
    if spec.kind == "share" and not 0.0 <= value <= 1.0:
        return False
    return spec.within is None or spec.within[0] <= value <= spec.within[1]


def _candidates(spec: ir.Input, targets) -> list[float]:
    """Every target, one step either side (±1 for counts, the next float otherwise), and the
    ends of the input's range; only those the input allows."""
    found = set()
    bounds = [spec.within] if spec.within else []
    for target in [*targets, *(b for pair in bounds for b in pair), 0.0, 1.0]:
        if spec.kind == "count":
            found.update((math.floor(target), math.ceil(target), math.floor(target) - 1, math.ceil(target) + 1))
        else:
            found.update((target, np.nextafter(target, -math.inf), np.nextafter(target, math.inf)))
    return sorted(float(v) for v in found if _allowed(spec, float(v)))


def _free(spec: ir.Input):
    """Values of the input's type and range, not aimed at anything."""
    low, high = {"count": (0, 10**6), "share": (0.0, 1.0), "number": (-1e6, 1e6)}[spec.kind]
    if spec.within:
        low, high = max(low, spec.within[0]), min(high, spec.within[1])
    if low > high or (spec.kind == "count" and math.ceil(low) > math.floor(high)):
        return st.just(math.nan)  # an empty range: only "no value" is valid
    if spec.kind == "count":
        values = st.integers(math.ceil(low), math.floor(high)).map(float) | st.integers(
            math.ceil(low), min(math.floor(high), math.ceil(low) + 5)).map(float)
    else:
        values = st.floats(low, high, allow_nan=False, allow_infinity=False)
    if spec.kind != "share" and spec.within is None:  # now and then, where products overflow
        huge = st.sampled_from((1e15, 2.0**53 + 2, 1e300) if spec.kind == "count" else (1e15, 1e300, -1e300))
        values = st.one_of(values, values, values, huge)
    return values


def _order(specs: list[ir.Input]) -> list[ir.Input]:
    """Inputs with each `<=` bound before the inputs it bounds."""
    by_name = {s.name: s for s in specs}
    done: dict[str, ir.Input] = {}

    def visit(spec, path=()):
        if spec.name in done or spec.name in path:
            return
        if spec.at_most in by_name:
            visit(by_name[spec.at_most], path + (spec.name,))
        done[spec.name] = spec

    for spec in specs:
        visit(spec)
    return list(done.values())


def _column(draw, spec: ir.Input, n: int, targets, missing: bool, bound: np.ndarray | None) -> np.ndarray:
    """One input's values (floats in the input's encoding, NaN = missing)."""
    if spec.kind == "bool":
        pool = [0.0, 1.0]
    elif spec.kind == "choice":
        pool = [float(i) for i in range(len(spec.options))]
    else:
        pool = _candidates(spec, targets)
    modes = ["aimed", "aimed", "free", "constant"] + (["missing"] if missing else [])
    mode = draw(st.sampled_from(modes))
    if mode == "missing":
        return np.full(n, np.nan)
    free = _free(spec) if spec.type == ir.NUM else st.sampled_from(pool)
    value = st.sampled_from(pool) if pool else free
    if mode == "free":
        value = free
    elif mode == "aimed" and pool:
        value = st.sampled_from(pool) | st.sampled_from(pool) | free
    if missing:
        value = value | st.just(math.nan)
    if mode == "constant":
        column = np.full(n, draw(value))
    else:
        column = np.array(draw(st.lists(value, min_size=n, max_size=n)), dtype=float)
    if bound is not None:
        for i in range(n):
            if column[i] > bound[i]:  # false where either has no value
                below = [v for v in pool + [float(bound[i])] if v <= bound[i] and _allowed(spec, v)]
                # at the bound exactly, or below it; no value when nothing fits (a range above it)
                column[i] = draw(st.sampled_from(below)) if below else math.nan
    return column


def _aim_ratios(draw, columns, specs, ratios) -> None:
    """For `ratio(a, b)` compared with t: make a = t × b for some units (rounded either
    way for counts), where that keeps every constraint."""
    dependents = defaultdict(list)
    for spec in specs.values():
        if spec.at_most:
            dependents[spec.at_most].append(spec.name)
    for top, bottom, target in ratios:
        if top not in columns or bottom not in columns:
            continue
        spec, n = specs[top], len(columns[top])
        for i in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)):
            exact = float(target * columns[bottom][i])
            if not math.isfinite(exact):
                continue
            value = draw(st.sampled_from((exact, math.floor(exact), math.ceil(exact)))) if spec.kind == "count" else exact
            ok = _allowed(spec, float(value))
            if ok and spec.at_most and columns[spec.at_most][i] < value:
                ok = False
            if ok and any(columns[d][i] > value for d in dependents[top]):
                ok = False
            if ok:
                columns[top][i] = value


def _encode(draw, spec: ir.Input, column: np.ndarray):
    """The column as a user would pass it: floats, or words for bools and choices."""
    if spec.kind == "choice":
        return [None if math.isnan(v) else spec.options[int(v)] for v in column]
    if spec.kind == "bool":
        style = draw(st.sampled_from(("float", "python", "words", "vietnamese")))
        if style == "float":
            return column
        words = {"python": (False, True), "words": ("no", "yes"), "vietnamese": ("không", "có")}[style]
        return [None if math.isnan(v) else words[int(v)] for v in column]
    if spec.kind == "count" and np.all(column < 2.0**53) and draw(st.booleans()):  # no NaN, fits int64
        return column.astype(np.int64)
    return column


@st.composite
def inputs(draw, framework, min_units: int = 1, max_units: int = 50, missing: bool = True) -> dict:
    """Data for a framework: input name → one column of `n` values (a numpy array or a list).

    Every value respects its input's type, `in` range and `<=` bound (the bound is drawn
    first, then the bounded value at or below it), so `framework.score(data)` never raises a
    `DataError`. Values aim at the framework's `edges`: each threshold exactly, one step
    below and above it, zeros (zero denominators), the ends of ranges, ratios of two inputs
    landing on their threshold; columns may be constant or all missing. missing=False draws
    no missing values (undefined values, e.g. ratios by zero, can still occur; and a value
    is left missing where its `<=` bound leaves its `in` range no room)."""
    checked: ir.Framework = getattr(framework, "ir", framework)
    n = draw(st.integers(min_units, max(min_units, max_units)))
    aims = edges(checked)
    specs = {s.name: s for s in checked.inputs}
    columns: dict[str, np.ndarray] = {}
    for spec in _order(list(checked.inputs)):
        bound = columns.get(spec.at_most) if spec.at_most else None
        columns[spec.name] = _column(draw, spec, n, aims.values.get(spec.name, ()), missing, bound)
    _aim_ratios(draw, columns, specs, aims.ratios)
    return {spec.name: _encode(draw, spec, columns[spec.name]) for spec in checked.inputs}

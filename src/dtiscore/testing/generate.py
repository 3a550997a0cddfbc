"""Random valid frameworks, as source text: the whole language, valid by construction."""

from __future__ import annotations

import math
import re
from collections import defaultdict

import attrs
from hypothesis import strategies as st

from ..api import loads
from . import shapes
from .scope import ANY, COMPARISONS, RARITY, Scope, against, constant, literals, may_be_share, number_text, title

RULES = ("score", "award", "proportional", "linear", "steps", "deduct", "cases")
BAND_OPS = (">=", ">", "<=", "<")
OPTIONS = ("red", "green", "blue", "amber", "grey")
# Maxima are multiples of 1/2, so that every sum the checker compares is exact. Hypothesis
# shrinks towards the first entry; 0 (a `max 0` node) comes later so it is not the norm.
MAXIMA = (10, 20, 5, 2.5, 0, 0.5, 1, 2, 3, 7.5, 10, 15, 20, 25, 40, 50, 100)


# ---- expressions (as text, fully parenthesised) -----------------------------------------


def _num_text(draw, scope: Scope, depth: int) -> str:
    """A numeric expression using every operator and function of the language."""
    return _num(draw, scope, depth)[0]


def _num(draw, scope: Scope, depth: int) -> tuple[str, tuple[float, float]]:
    """(text, interval): the interval is the one the checker's interval reasoning gives
    (dtiscore.language.intervals), so that no denominator is zero whatever the data (an error)."""
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        if scope.nums and draw(st.integers(0, 3)) > 0:
            name = draw(st.sampled_from(scope.nums))
            return name, scope.ranges[name]
        text, value = constant(draw, scope)
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
        (x, (low, high)), (lo_text, (lo_low, lo_high)), (hi_text, (hi_low, hi_high)) = sub(), sub(), sub()
        bounds = (min(max(low, lo_low), hi_low), min(max(high, lo_high), hi_high))  # min(max(x, lo), hi)
        return f"clamp({x}, {lo_text}, {hi_text})", bounds
    if form == "abs":
        text, (low, high) = sub()
        bounds = (low, high) if low >= 0 else (-high, -low) if high <= 0 else (0.0, max(-low, high))
        return f"abs({text})", bounds
    if form == "round":
        text, (low, high) = sub()
        digits = shapes.round_digits(draw) if scope.rare(draw, 3) else draw(st.sampled_from(("0", "1", "2", "3", "(-1)")))
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


def _cond(draw, scope: Scope, depth: int) -> str:
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
        left = _num(draw, scope, 0) if depth <= 0 else _num(draw, scope, depth - 1)
        text, value = constant(draw, scope)
        return f"({left[0]} {draw(st.sampled_from(COMPARISONS))} {against(draw, left, (text, (value, value)))})"
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
    left, right = _num(draw, scope, depth - 1), _num(draw, scope, depth - 1)
    return f"({against(draw, right, left)} {op} {against(draw, left, right)})"


# ---- declarations -----------------------------------------------------------------------


def _policies(errors: bool) -> tuple[str, ...]:
    return ("zero", "exclude", "error") if errors else ("zero", "exclude")


def _declare_inputs(draw, scope: Scope, errors: bool) -> None:
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
            parts.append(f'"{title(name)}"')
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
            scope.shallow_bools.append(name)
        elif kind != "choice":
            scope.nums.append(name)
            scope.shallow.append(name)
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
    """An input's interval, as dtiscore.language.intervals.input_range gives it."""
    low, high = {"count": (0.0, math.inf), "share": (0.0, 1.0)}.get(kind, ANY)
    if within:
        low, high = max(low, within[0][1]), min(high, within[1][1])
    return low, high


def _declare_params(draw, scope: Scope) -> None:
    for _ in range(draw(st.integers(0, 3))):
        name = scope.fresh("p")
        form = draw(st.sampled_from(("literal", "literal", "derived", "bool")))
        if form == "bool":
            value = draw(st.sampled_from(("true", "false", "(1 > 2)")))
            scope.declarations.append(f"param {name} = {value}")
            scope.bools.append(name)
            scope.shallow_bools.append(name)
            continue
        text, value = draw(literals())
        if form == "derived" and scope.constants:
            base, base_value = draw(st.sampled_from(scope.constants))
            factor_text, factor = draw(literals(1, 10))
            text, value = f"({base} * {factor_text})", base_value * factor
        label = f' "{title(name)}"' if draw(st.booleans()) else ""
        scope.declarations.append(f"param {name} = {text}{label}")
        scope.constants.append((name, value))
        scope.nums.append(name)
        scope.shallow.append(name)
        scope.ranges[name] = (value, value)


def _declare_lets(draw, scope: Scope) -> None:
    for _ in range(draw(st.integers(0, 4))):
        name = scope.fresh("l")
        if draw(st.integers(0, 2)) == 0:
            scope.declarations.append(f"let {name} = {_cond(draw, scope, 2)}")
            scope.bools.append(name)
        else:
            text, bounds = _num(draw, scope, 2)
            # a let of what may be a share is set only against constants in [0, 1], like the
            # expression it names (`may_be_share` cannot see through the name)
            scope.ranges[name] = (0.0, 1.0) if may_be_share(text, bounds) else bounds
            scope.declarations.append(f"let {name} = {text}")
            scope.nums.append(name)
    if scope.rare(draw, 4):  # declared after the others, which do not read it: its depth stays known
        shapes.declare_let_chain(draw, scope)


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


def _constant_value(scope: Scope, text: str) -> float | None:
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
    return number_text(draw(st.sampled_from((0.0, top, top / 2, top / 4, top * 3 / 4))))


def _big_rule(draw, scope: Scope, top: float) -> str:
    """A rule past what the others reach: a long expression, or over 127 bands or whens."""
    form = draw(st.sampled_from(("score", "award", "steps", "cases")))
    if form == "score":
        return f"score {shapes.long_num(draw, scope)[0]}"
    if form == "award":
        return f"award when {shapes.long_cond(draw, scope)}"
    if form == "steps":
        expr = shapes.long_num(draw, scope) if draw(st.booleans()) else shapes.shallow_num(draw, scope)
        bands = shapes.long_bands(draw, shapes.branch_count(draw), may_be_share(*expr))
        body = "".join(f"\n    {op} {text}: {_points(draw, top)}" for op, text, _ in bands)
        return f"steps {expr[0]} {{{body}\n    else: {_points(draw, top)}\n}}"
    whens = "".join(f"\n    when {shapes.shallow_cond(draw, scope)}: {shapes.shallow_num(draw, scope)[0]}"
                    for _ in range(shapes.branch_count(draw)))  # cheap conditions and points
    return f"cases {{{whens}\n    else: {shapes.shallow_num(draw, scope)[0]}\n}}"


def _rule(draw, scope: Scope, top: float) -> str:
    if scope.whole and draw(st.booleans()):  # a let chain at the nesting limit, whole
        name = draw(st.sampled_from(scope.whole))
        return f"score {name}" if draw(st.booleans()) else f"linear {name} from 0 to 100"
    if scope.rare(draw, 2):
        return _big_rule(draw, scope, top)
    rule = draw(st.sampled_from(RULES))
    num = lambda depth=2: _num_text(draw, scope, depth)  # noqa: E731
    if rule == "score":
        return f"score {num()}"
    if rule == "award":
        return f"award when {_cond(draw, scope, 2)}"
    if rule == "proportional":
        choice = draw(st.sampled_from(("none", "constant", "expr")))
        expr = _num(draw, scope, 2)
        if choice == "none":
            return f"proportional {expr[0]}"
        if choice == "constant":
            text, value = constant(draw, scope)
            if value <= 0:
                text, value = "1", 1.0
            text = against(draw, expr, (text, (value, value)))
            return f"proportional {expr[0]} target {'1' if _constant_value(scope, text) == 0 else text}"
        target, bounds = _num(draw, scope, 1)
        value = _constant_value(scope, target)
        if (value is not None and value <= 0) or bounds == (0.0, 0.0):
            target = f"(abs({target}) + 1)"  # a target that is never above zero is an error
            bounds = (1.0, math.inf)
        target = against(draw, expr, (target, bounds))
        if _constant_value(scope, target) == 0:
            target = "1"
        return f"proportional {expr[0]} target {target}"
    if rule == "linear":
        expr = _num(draw, scope, 2)
        (start, a), (end, b) = _num(draw, scope, 1), _num(draw, scope, 1)
        start, end = against(draw, expr, (start, a)), against(draw, expr, (end, b))
        constants = _constant_value(scope, start), _constant_value(scope, end)
        if None not in constants and constants[0] == constants[1] or draw(st.booleans()):
            share = may_be_share(*expr)
            (start, a), (end, b) = (draw(literals(0.0, 1.0)) if share else constant(draw, scope) for _ in "ab")
            if a == b:
                end = "0" if share and b > 0 else number_text(b + 1 if b + 1 != b else b / 2) if not share else "1"
        if draw(st.booleans()):
            start, end = end, start
        return f"linear {expr[0]} from {start} to {end}"
    if rule == "steps":
        expr = _num(draw, scope, 2)
        share = may_be_share(*expr)
        bands: list[tuple[str, float]] = []
        lines = []
        for _ in range(draw(st.integers(0, 5))):
            op = draw(st.sampled_from(BAND_OPS))
            text, value = draw(literals(0.0, 1.0)) if share else constant(draw, scope)
            if draw(st.integers(0, 4)) == 0 and value > 0 and text[0].isdigit() and not share:
                text, value = f"-{text}", -value  # a band takes `-5` but not `-param`
            if _reachable(bands, op, value):
                bands.append((op, value))
                lines.append(f"{op} {text}: {_points(draw, top)}")
        body = "".join(f"\n    {line}" for line in lines)
        return f"steps {expr[0]} {{{body}\n    else: {_points(draw, top)}\n}}"
    if rule == "deduct":
        return f"deduct {num(1)} per {num()}"
    whens = "".join(f"\n    when {_cond(draw, scope, 2)}: {num(1)}" for _ in range(draw(st.integers(0, 3))))
    return f"cases {{{whens}\n    else: {num(1)}\n}}"


@attrs.define
class _Criterion:
    id: str
    max: float
    clauses: list[str]
    options: list[str]
    replaces: str | None = None

    def render(self, draw, indent: str) -> list[str]:
        head = f'{indent}criterion {self.id} "{title(self.id)}"'
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
            lines = [f'framework {self.id} "{title(self.id)}" {{']
            lines += [f"    {option}" for option in self.options]
        else:
            head = f'{indent}group {self.id} "{title(self.id)}"'
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


def _criterion(draw, scope: Scope, top: float, errors: bool) -> _Criterion:
    clauses = [_rule(draw, scope, top)]
    for _ in range(draw(st.sampled_from((0, 0, 1, 1, 2)))):
        cond = _cond(draw, scope, 1)
        reason = f' "{title(cond)}"' if draw(st.booleans()) else ""
        clauses.append(f"exclude when {cond}{reason}")
    if scope.bool_inputs and draw(st.integers(0, 3)) == 0:
        clauses.append(f"evidence {draw(st.sampled_from(scope.bool_inputs))}")
    if draw(st.integers(0, 3)) == 0:
        clauses.append(f"on_missing {draw(st.sampled_from(_policies(errors)))}")
    options = [f"max {number_text(top)}"] + ([_tags(draw)] if draw(st.integers(0, 5)) == 0 else [])
    return _Criterion(scope.fresh("q"), top, draw(st.permutations(clauses)), draw(st.permutations(options)))


def _children(draw, scope: Scope, depth: int, budget: list[int], errors: bool) -> list:
    """A group's children (at least one), with substitutes; uses up `budget[0]` criteria."""
    children: list = []
    for position in range(draw(st.integers(1, 4))):
        if position and budget[0] <= 0:
            break
        if depth > 0 and budget[0] > 1 and draw(st.integers(0, 2)) == 0:
            children.append(_group(draw, scope, depth - 1, budget, errors))
        else:
            budget[0] -= 1
            crit = _criterion(draw, scope, float(draw(st.sampled_from(MAXIMA))) * scope.scale, errors)
            children.append(_tower(draw, scope, crit) if scope.rare(draw) else crit)
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


def _place_max(draw, children: list, scale: float) -> tuple[float, bool]:
    """(max, cap): the places' sum, or under `cap` anything up to it (the rest is bonus)."""
    total = sum(c.max for c in children if not (isinstance(c, _Criterion) and c.replaces))
    if draw(st.integers(0, 4)) == 0:
        return draw(st.integers(0, math.floor(total / scale * 2))) / 2 * scale, True
    return total, False


def _group(draw, scope: Scope, depth: int, budget: list[int], errors: bool) -> _Group:
    children = _children(draw, scope, depth, budget, errors)
    top, cap = _place_max(draw, children, scope.scale)
    options = [f"max {number_text(top)}"] + (["cap"] if cap else [])
    if draw(st.integers(0, 2)) == 0:
        options.append(f"on_exclude {draw(st.sampled_from(('rescale', 'shrink')))}")
    if draw(st.integers(0, 3)) == 0:
        options.append(_tags(draw))
    return _Group(scope.fresh("g"), top, draw(st.permutations(options)), children)


# thresholds an index often meets exactly (0, 1, halves, quarters), and some it does not
BAND_THRESHOLDS = ("1", "0.75", "50%", "0.5", "0.4", "32.5%", "0.25", "0.1", "0")


@st.composite
def _bands(draw) -> str:
    """`bands index { ... }`: highest first, every band and the `else` reachable."""
    texts = sorted(draw(st.lists(st.sampled_from(BAND_THRESHOLDS), max_size=4, unique=True)),
                   key=lambda t: -(float(t[:-1]) / 100 if t.endswith("%") else float(t)))
    lines, previous = [], None
    for text in texts:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        if value == previous:  # 50% and 0.5: the second one only as `>=` under a `>`
            if lines[-1].startswith(">="):
                continue
            op = ">="
        else:
            op = ">" if value == 0 else draw(st.sampled_from((">=", ">")))
        lines.append(f'{op} {text}: "Band {len(lines) + 1}"')
        previous = value
    lines.append(f'else: "Band {len(lines) + 1}"')
    return "bands index {\n        " + "\n        ".join(lines) + "\n    }"


def _tower(draw, scope: Scope, crit: _Criterion) -> _Group:
    """The criterion inside tens of groups, one in another, each with its max."""
    node = crit
    for _ in range(shapes.tower_height(draw)):
        node = _Group(scope.fresh("g"), crit.max, [f"max {number_text(crit.max)}"], [node])
    return node


def _groups(node) -> list[_Group]:
    if not isinstance(node, _Group):
        return []
    return [node] + [g for child in node.children for g in _groups(child)]


@st.composite
def frameworks(draw, max_depth: int = 3, max_criteria: int = 12, *, errors: bool = False,
               population: bool = True, rarity: int = RARITY, beyond: bool = False) -> str:
    """Source text of a random valid framework.

    max_depth: how deeply groups nest under the framework; max_criteria: how many criteria
    (substitutes included) at most. errors=True also draws `on_missing error` (at framework,
    criterion and input level), so scoring may raise `MissingDataError`. population=False
    leaves out best/worst/mean/percentile, for properties that need units independent.
    rarity: a big shape (testing/shapes.py: over 127 bands or whens, long chains, towers of
    groups, long let chains, maxima at the ends of the scale, extreme constants) is drawn
    about once in `rarity` chances; 1 draws one wherever it fits, 0 never.

    The text loads without errors (it may have warnings: unused names, unguarded ratios);
    with beyond=True big shapes pass the checker's limits (nesting up to four times, the
    scale of max) half the time, and the text may be refused with a CheckError naming the limit."""
    scope = Scope(population=population, rarity=rarity, beyond=beyond)
    if scope.rare(draw, 4):
        scope.scale = shapes.points_scale(draw, scope, max(MAXIMA) * max(1, max_criteria), min(m for m in MAXIMA if m))
    _declare_inputs(draw, scope, errors)
    _declare_params(draw, scope)
    _declare_lets(draw, scope)
    budget = [max(1, max_criteria)]
    children = _children(draw, scope, max(0, max_depth), budget, errors)
    rescaled = scope.scale < 1 and draw(st.booleans())  # tiny maxima rescaled past an always-excluded sibling
    if rescaled:
        children.append(_Criterion(scope.fresh("q"), scope.scale, ["score 0", "exclude when true"], [f"max {number_text(scope.scale)}"]))
    top, cap = _place_max(draw, children, scope.scale)
    options = [f"max {number_text(top)}"] + (["cap"] if cap else [])
    if rescaled or draw(st.booleans()):
        options.append(f"on_exclude {'rescale' if rescaled else draw(st.sampled_from(('rescale', 'shrink')))}")
    if draw(st.booleans()):
        options.append(f"on_missing {draw(st.sampled_from(_policies(errors)))}")
    if draw(st.integers(0, 2)) == 0:
        options.append(draw(_bands()))
    if draw(st.integers(0, 3)) == 0:  # some units scored but not ranked
        options.append(f'rank exclude when {_cond(draw, scope, 1)} "not ranked"')
    root = _Group(scope.fresh("f"), top, draw(st.permutations(options)), children, framework=True)
    # declarations may stand in any group: names are global and may be used before they are declared
    places = _groups(root)
    for declaration in scope.declarations:
        draw(st.sampled_from(places)).declarations.append(declaration)
    text = "\n".join(root.render(draw, "")) + "\n"
    _reject_always_zero_denominators(text)
    return text


def _reject_always_zero_denominators(text: str) -> None:
    """The one check the drawing does not rule out by construction: a denominator that is
    always zero (e.g. a count `in 0..0` through lets and params) leaves a criterion that can
    never be scored, a check error. Such rare drafts are rejected (the load is cached, so
    the caller's own load of the same text costs nothing)."""
    from hypothesis import reject

    from ..errors import CheckError

    try:
        loads(text)
    except CheckError as error:
        if error.diagnostics and all(d.code == "zero-denominator" for d in error.diagnostics):
            reject()


def framework_objects(max_depth: int = 3, max_criteria: int = 12, **kwargs):
    """Loaded frameworks: `frameworks(...)` mapped through `dtiscore.loads`."""
    return frameworks(max_depth, max_criteria, **kwargs).map(loads)


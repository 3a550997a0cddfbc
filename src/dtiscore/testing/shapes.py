"""Big shapes for `frameworks()`, drawn rarely: `steps` and `cases` past 127 branches, long
`+`/`and`/`or` chains and argument lists, deep `if`s, long unary minus runs, towers of groups,
long let chains, maxima at both ends of the checker's scale, round digits at its limit and
constants near the float range.

Each is a shape that once broke a later phase while the checker accepted it (int8 branch
codes, recursion in the compiler, nested parentheses in generated Python, lost points
overflowing, rescaling to NaN). Sizes are read from the checker's limits, so the generators
follow the limits wherever they move."""

from __future__ import annotations

import itertools
import math

from hypothesis import strategies as st

from ..language.check_expr import MAX_DIGITS
from ..language.check_nodes import MAX_POINTS, MIN_POINTS
from ..language.nesting import MAX_DEPTH
from .scope import COMPARISONS, Scope, against, literals

NARROW = 127  # the most branches an int8 code holds: long rules straddle it
MARGIN = 48  # levels a let chain's end that may be used anywhere leaves free for the expression around it


def round_digits(draw) -> str:
    """Round digits at the checker's limit, either sign."""
    return draw(st.sampled_from((str(MAX_DIGITS), f"(-{MAX_DIGITS})")))


def branch_count(draw) -> int:
    """How many bands or `when`s a long rule has: around and well past int8's 127."""
    return draw(st.integers(NARROW - 7, 2 * NARROW + 46))


def up_to(draw, scope: Scope, low: int, high: int) -> int:
    """An integer in [low, high], `high` itself about one time in four: a break that only
    shows at the limit (Python's 200 nested parentheses, the stack) is met, not just neared.
    Where the scope goes `beyond` the limits, half the time up to four times `high` (a phase
    that recurses may hold out to twice the limit)."""
    if scope.beyond and draw(st.booleans()):
        return draw(st.integers(high, 4 * high))
    return min(high, draw(st.integers(low, high + (high - low) // 3)))


def long_bands(draw, count: int, share: bool) -> list[tuple[str, str, float]]:
    """`count` bands as (op, threshold text, threshold value), each reachable: thresholds
    falling under `>=`/`>`, rising under `<=`/`<` (in (0, 1) for a share)."""
    falling = draw(st.booleans())
    op = draw(st.sampled_from((">=", ">") if falling else ("<=", "<")))
    keys = range(count, 0, -1) if falling else range(1, count + 1)
    if share:
        step = 9999 // (count + 1)
        texts = [f"0.{k * step:04d}" for k in keys]
    else:
        offset = draw(st.integers(0, count))
        texts = [str(k - offset) for k in keys]
    return [(op, text, float(text)) for text in texts]


def chain_length(draw, scope: Scope, leaf_levels: int = 1) -> int:
    """Terms of a long left-nested chain (`a + b + ...`) that is a rule's whole expression:
    up to the nesting limit itself. Its first term sits under one level per later term,
    so the chain nests terms - 1 + leaf_levels levels."""
    return up_to(draw, scope, MAX_DEPTH // 2, MAX_DEPTH + 1 - leaf_levels)


def argument_count(draw) -> int:
    """Arguments of a long call (`min`, `count`, ...): flat, so past the nesting limit."""
    return draw(st.integers(MAX_DEPTH // 2, 2 * MAX_DEPTH))


def minus_run(draw, scope: Scope) -> int:
    """Unary minuses in a row (`- - - x`): each one a level, over a one-level leaf."""
    return up_to(draw, scope, MAX_DEPTH // 2, MAX_DEPTH - 1)


def let_chain_levels(draw, scope: Scope) -> int:
    """Levels a let chain's end nests, counting the lets it passes through: up to the nesting
    limit itself, where the end can only be a rule's whole expression (an end of at most
    MAX_DEPTH - MARGIN levels fits anywhere). Beyond the limits, half the time one level
    past it or four times it: uncounted lets first break the reference interpreter, which
    recurses, near 2.4 times the limit."""
    if scope.beyond and draw(st.booleans()):
        return draw(st.sampled_from((MAX_DEPTH + 1, 4 * MAX_DEPTH)))
    return min(MAX_DEPTH, draw(st.integers(MAX_DEPTH // 4, MAX_DEPTH * 5 // 4)))  # the limit itself one time in four


# The links of a let chain: (text reading the let before, levels it adds counting its own let,
# amount it adds); each level but the let's is a bracket. A bare rename nests a let directly in
# a let; the others nest an expression between two lets, once or twice, so the checker must
# count levels through both. The last three read the let before twice: n such links are 2**n
# paths from the chain's end to its start, which every phase must walk once per let.
LINKS = (("{0}", 1, 0.0), ("({0} + 0.5)", 2, 0.5), ("(({0} + 0.25) + 0.25)", 3, 0.5),
         ("max({0}, {0})", 2, 0.0), ("min({0}, ({0} + 0.5))", 3, 0.0), ("(if ({0} > 0) then {0} else {0})", 3, 0.0))
FIRST_LINKS = LINKS[1:3] + LINKS[4:5]  # links that make a share a number (a rename, max and if keep it one): `linear .. to 100` refuses a share


def tower_height(draw) -> int:
    """Groups nested one in another around one criterion: tens of levels."""
    return draw(st.integers(10, min(60, MAX_DEPTH - 10)))


def points_scale(draw, scope: Scope, most_points: float, least_points: float) -> float:
    """A power of two to multiply every max by: the largest that keeps the biggest possible
    total within MAX_POINTS, or the smallest that keeps the least nonzero max at or above
    MIN_POINTS. A power of two keeps every sum of maxima exact. Beyond the limits: totals
    near the float range, or maxima a float barely holds (subnormal)."""
    if scope.beyond and draw(st.booleans()):
        if draw(st.booleans()):
            return 2.0 ** (1000 - math.ceil(math.log2(most_points)))
        return 2.0 ** (-1070 - math.floor(math.log2(least_points)))
    if draw(st.booleans()):
        return 2.0 ** min(1023, math.floor(math.log2(MAX_POINTS / most_points)))
    return 2.0 ** max(-1074, math.ceil(math.log2(MIN_POINTS / least_points)))


def declare_let_chain(draw, scope: Scope) -> None:
    """A long chain of lets, each reading the one before (once or twice) through a link of
    one to three levels (a short pattern of links drawn once and repeated: hundreds of draws
    would overrun the example), declared in either order; its end nests exactly the levels
    drawn."""
    start, (low, high) = shallow_num(draw, scope)
    pattern = itertools.cycle([draw(st.sampled_from(FIRST_LINKS))] + draw(st.lists(st.sampled_from(LINKS), max_size=3)))
    names, target, levels = [scope.fresh("m")], let_chain_levels(draw, scope), 2  # `let m0 = start`: two
    lines = [f"let {names[0]} = {start}"]
    while levels < target:
        text, added, shift = next(pattern)
        if added > target - levels:
            text, added, shift = LINKS[0]  # a rename: one level
        names.append(scope.fresh("m"))
        lines.append(f"let {names[-1]} = {text.format(names[-2])}")
        levels, low, high = levels + added, low + shift, high + shift
    scope.declarations += lines if draw(st.booleans()) else lines[::-1]
    scope.ranges[names[-1]] = (low, high)
    if levels > MAX_DEPTH - MARGIN:  # its end nests too deep to stand inside anything
        scope.whole.append(names[-1])
    else:
        scope.nums.append(names[-1])


# ---- long expressions, from leaves one level deep (so their depth is what is drawn) -------


def long_num(draw, scope: Scope) -> tuple[str, tuple[float, float]]:
    """(text, interval) of a long numeric shape over shallow leaves."""
    leaf = lambda: shallow_num(draw, scope)  # noqa: E731
    form = draw(st.sampled_from(("sum", "difference", "minmax", "ifs", "minuses")))
    if form in ("sum", "difference"):
        terms = [leaf() for _ in range(chain_length(draw, scope))]
        (first, (low, high)), rest = terms[0], terms[1:]
        if form == "sum":
            return "(" + " + ".join(t for t, _ in terms) + ")", (low + sum(r[0] for _, r in rest), high + sum(r[1] for _, r in rest))
        return "(" + " - ".join(t for t, _ in terms) + ")", (low - sum(r[1] for _, r in rest), high - sum(r[0] for _, r in rest))
    if form == "minmax":
        args = [leaf() for _ in range(argument_count(draw))]
        func = draw(st.sampled_from((min, max)))
        return f"{func.__name__}({', '.join(a for a, _ in args)})", (func(r[0] for _, r in args), func(r[1] for _, r in args))
    if form == "ifs":  # `if c then a else if ...`: each `else` a level deeper
        values = [leaf() for _ in range(chain_length(draw, scope, leaf_levels=2))]  # `v > 0`: two levels
        text = values[-1][0]
        for value, _ in values[-2::-1]:
            text = f"if {value} > 0 then {value} else {text}"
        return f"({text})", (min(r[0] for _, r in values), max(r[1] for _, r in values))
    times = minus_run(draw, scope)
    text, (low, high) = leaf()
    return "(" + "- " * times + f"{text})", (-high, -low) if times % 2 else (low, high)


def long_cond(draw, scope: Scope) -> str:
    """A long condition over shallow leaves."""
    leaf = lambda: shallow_cond(draw, scope)  # noqa: E731
    form = draw(st.sampled_from(("and", "or", "mixed", "allany", "count")))
    if form in ("and", "or", "mixed"):
        words = [form] if form != "mixed" else ["and", "or"]
        terms = [leaf() for _ in range(chain_length(draw, scope, leaf_levels=2))]  # a comparison is two levels
        text = terms[0]
        for i, term in enumerate(terms[1:]):
            text += f" {words[i % len(words)]} {term}"
        return f"({text})"
    args = ", ".join(leaf() for _ in range(argument_count(draw)))
    if form == "count":
        return f"(count({args}) >= {draw(st.integers(0, 3))})"
    return f"{draw(st.sampled_from(('all', 'any')))}({args})"


# ---- leaves one level deep, and long expressions of them -------------------------------


def shallow_num(draw, scope: Scope) -> tuple[str, tuple[float, float]]:
    """A numeric input or param, or a literal: one level, whatever the lets."""
    if scope.shallow and draw(st.booleans()):
        name = draw(st.sampled_from(scope.shallow))
        return name, scope.ranges[name]
    text, value = draw(literals())
    return text, (value, value)


def shallow_cond(draw, scope: Scope) -> str:
    """A bool input or param, or a comparison of a shallow number: at most two levels."""
    if scope.shallow_bools and draw(st.booleans()):
        return draw(st.sampled_from(scope.shallow_bools))
    left = shallow_num(draw, scope)
    text, value = draw(literals())
    return f"({left[0]} {draw(st.sampled_from(COMPARISONS))} {against(draw, left, (text, (value, value)))})"

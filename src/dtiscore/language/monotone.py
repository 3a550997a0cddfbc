"""Declared monotonicity: proving that a criterion never gives fewer points as a `better
higher` input rises (or a `better lower` input falls).

The proof is sign reasoning over the IR. Every expression gets a *direction* in one input:
FLAT (does not read it), UP (never falls as it rises), DOWN (never rises) or None (cannot
tell). Sums, min/max/clamp, `and`/`or`, `count` and population functions keep their
arguments' directions; products and quotients also need the signs of their factors, which
come from interval reasoning (intervals.py); `steps` bands and `cases` branches are checked
point by point. The claim is about a criterion that is scored (not excluded, evidence given)
before and after the change: exclusions move a criterion out of its group, which is not a
matter of points. The checker warns where the proof fails; `dtiscore verify` then tests the
claim on generated data by nudging inputs (dtiscore.testing.check_framework).
"""

from __future__ import annotations

import math
from typing import Iterator, Mapping

import attrs

from . import ir
from .intervals import interval

FLAT, UP, DOWN = 0, 1, -1
Direction = int | None  # FLAT, UP, DOWN, or None: unknown

_MONOTONE_OPS = frozenset(("+", "min", "max", "clamp", "and", "or", "count", "all", "any"))
_COMPARE = {"<": (DOWN, UP), "<=": (DOWN, UP), ">": (UP, DOWN), ">=": (UP, DOWN)}  # (left, right)


def combine(*directions: Direction) -> Direction:
    """The direction of a function that never falls in any of its arguments."""
    found = FLAT
    for d in directions:
        if d is None:
            return None
        if d != FLAT:
            if found not in (FLAT, d):
                return None
            found = d
    return found


def flip(d: Direction) -> Direction:
    return None if d is None else -d


def times(d: Direction, sign: int | None) -> Direction:
    """The direction of `d` multiplied by a factor of the given sign (0: the factor is zero)."""
    if d == FLAT or sign == 0:
        return FLAT
    return None if d is None or sign is None else d * sign


def sign_of(low: float, high: float) -> int | None:
    """1 for a range within [0, ∞), -1 within (-∞, 0], 0 for exactly zero, else None."""
    if low == 0.0 and high == 0.0:
        return 0
    if low >= 0.0:
        return 1
    if high <= 0.0:
        return -1
    return None


@attrs.frozen
class Finding:
    """A criterion whose points may not follow an input's declared direction: `proven_wrong`
    when they move the other way, else the proof could not be made; `detail` says why."""

    criterion: ir.Criterion
    input: ir.Input
    proven_wrong: bool
    detail: str | None = None


class Directions:
    """Directions of expressions in one input, given every input's range."""

    def __init__(self, name: str, inputs: Mapping[str, ir.Input]):
        self.name = name
        self.inputs = inputs
        # each let's range, sign and direction, by identity (the framework's lets outlive
        # this): a let is looked at once however many paths reach it
        self.ranges: dict[int, tuple[float, float]] = {}
        self._signs: dict[int, int | None] = {}
        self._directions: dict[int, Direction] = {}

    def range(self, expr: ir.Expr) -> tuple[float, float]:
        return interval(expr, self.inputs, self.ranges)

    def sign(self, expr: ir.Expr) -> int | None:
        if isinstance(expr, ir.Let):
            if id(expr) not in self._signs:
                self._signs[id(expr)] = self.sign(expr.expr)
            return self._signs[id(expr)]
        if isinstance(expr, ir.Op) and expr.op in ("/", "ratio"):
            top, bottom = (self.sign(a) for a in expr.args)
            return None if top is None or bottom is None else (0 if top == 0 else top * (bottom or 1))
        return sign_of(*self.range(expr))

    def of(self, expr: ir.Expr) -> Direction:
        if isinstance(expr, ir.Const):
            return FLAT
        if isinstance(expr, ir.Column):
            return UP if expr.name == self.name else FLAT
        if isinstance(expr, ir.Let):
            if id(expr) not in self._directions:
                self._directions[id(expr)] = self.of(expr.expr)
            return self._directions[id(expr)]
        if isinstance(expr, ir.Population):  # each unit's value pushes the population its way
            return self.of(expr.arg)
        args, op = expr.args, expr.op
        if op in _MONOTONE_OPS:
            return combine(*(self.of(a) for a in args))
        if op in ("neg", "not"):
            return flip(self.of(args[0]))
        if op == "-":
            return combine(self.of(args[0]), flip(self.of(args[1])))
        if op in _COMPARE:
            left, right = _COMPARE[op]
            return combine(times(self.of(args[0]), left), times(self.of(args[1]), right))
        if op == "*":
            return combine(times(self.of(args[0]), self.sign(args[1])),
                           times(self.of(args[1]), self.sign(args[0])))
        if op in ("/", "ratio"):
            return self.quotient(*args)
        if op == "round":  # never falls in its value; its number of digits must stay put
            return self.of(args[0]) if self.of(args[1]) == FLAT else None
        if op == "abs":
            return times(self.of(args[0]), self.sign(args[0]))
        if op == "if":
            return self.choice(*args)
        return FLAT if all(self.of(a) == FLAT for a in args) else None  # == and !=

    def quotient(self, top: ir.Expr, bottom: ir.Expr) -> Direction:
        """a / b moves with a (times b's sign) and against b (times a's sign), but only
        while b keeps one sign: 1 / b jumps from -∞ to +∞ where b crosses zero, so a b that
        can be either side of zero gives no direction (a proportional target that can be
        negative or positive: 0.5 / b is 0 points at b = -1 and full points at b = 1e-300).
        a / best(a) and a / max(best(a), c) with a ≥ 0 follow a alone: the share of the
        best never falls as one's own value rises."""
        if self.sign(top) == 1 and _dominates(bottom, top):
            return self.of(top)
        bottom_sign, against = self.sign(bottom), flip(self.of(bottom))
        if bottom_sign is None and against != FLAT:
            return None
        return combine(times(self.of(top), bottom_sign), times(against, self.sign(top)))

    def choice(self, cond: ir.Expr, then: ir.Expr, other: ir.Expr) -> Direction:
        """`if` that switches from `other` to `then` as the condition turns true."""
        branches = combine(self.of(then), self.of(other))
        turn = self.of(cond)
        if turn == FLAT or branches is None:
            return branches
        order = _order(self.range(then), self.range(other))
        return combine(branches, times(turn, order))


def _unwrap(expr: ir.Expr) -> ir.Expr:
    while isinstance(expr, ir.Let):
        expr = expr.expr
    return expr


def _dominates(bottom: ir.Expr, top: ir.Expr) -> bool:
    """Whether `bottom` is best(top), or a max() of best(top) and constants."""
    bottom = _unwrap(bottom)
    if isinstance(bottom, ir.Population):
        return bottom.func == "best" and _unwrap(bottom.arg) == _unwrap(top)
    if not (isinstance(bottom, ir.Op) and bottom.op == "max"):
        return False
    best = [a for a in bottom.args if _dominates(a, top)]
    return bool(best) and all(not ir.columns_used(a) for a in bottom.args if a not in best)


def _order(first: tuple[float, float], second: tuple[float, float]) -> int | None:
    """0 when both ranges are the same single value, 1 when every value of the first is ≥
    every value of the second, -1 when ≤, None when they overlap."""
    if first[0] == first[1] == second[0] == second[1]:
        return 0
    if first[0] >= second[1]:
        return 1
    if first[1] <= second[0]:
        return -1
    return None


# ---- rules -----------------------------------------------------------------------------


def rule_direction(rule: ir.Rule, top: float, directions: Directions, wanted: int = UP) -> tuple[Direction, str | None]:
    """The direction of a rule's points; for `steps` whose bands go against `wanted`
    within the values their expression can take, also where they do."""
    of = directions.of
    if isinstance(rule, ir.ScoreRule):
        return of(rule.expr), None
    if isinstance(rule, ir.AwardRule):
        return of(rule.cond), None
    if isinstance(rule, ir.ProportionalRule):
        return directions.quotient(rule.expr, rule.target), None
    if isinstance(rule, ir.LinearRule):
        if of(rule.start) != FLAT or of(rule.end) != FLAT:
            return None, None
        start, end = directions.range(rule.start), directions.range(rule.end)
        return times(of(rule.expr), _order(end, start) or UP), None  # from A to A: a step up at A
    if isinstance(rule, ir.DeductRule):
        return flip(of(ir.Op("*", (rule.amount, rule.per)))), None
    if isinstance(rule, ir.StepsRule):
        return _steps(rule, of(rule.expr), directions.range(rule.expr), wanted)
    return _cases(rule, top, directions), None


def _steps(rule: ir.StepsRule, inner: Direction, reach: tuple[float, float],
           wanted: int) -> tuple[Direction, str | None]:
    """Bands as a function of their expression's value, sampled at every threshold and one
    float either side of it (within the values the expression can take); composed with the
    expression's own direction."""
    if inner == FLAT:
        return FLAT, None
    low, high = reach
    where = {low: f"at {_num(low)}", high: f"at {_num(high)}"}
    for band in rule.bands:
        if low <= band.threshold <= high:
            where[band.threshold] = f"at {_num(band.threshold)}"
            where.setdefault(math.nextafter(band.threshold, -math.inf), f"just below {_num(band.threshold)}")
            where.setdefault(math.nextafter(band.threshold, math.inf), f"just above {_num(band.threshold)}")
    values = sorted(v for v in where if low <= v <= high)
    points = [_band_points(rule, v) for v in values]
    moves = list(zip(values, points, values[1:], points[1:]))
    rises = [m for m in moves if m[3] > m[1]]
    falls = [m for m in moves if m[3] < m[1]]
    outer = FLAT if not rises and not falls else (UP if not falls else (DOWN if not rises else None))
    if outer is None and inner is not None:
        x, a, y, b = (falls if wanted * inner == UP else rises)[0]
        return None, f"its bands give {_num(a)} points {where[x]} but {_num(b)} {where[y]}"
    return times(inner, outer), None


def _band_points(rule: ir.StepsRule, value: float) -> float:
    for band in rule.bands:
        if _holds(band.op, value, band.threshold):
            return band.points
    return rule.otherwise


def _holds(op: str, a: float, b: float) -> bool:
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]


def _cases(rule: ir.CasesRule, top: float, directions: Directions) -> Direction:
    """The first `when` that holds: when every condition that reads the input turns true as
    it rises (UP), the branch taken can only move earlier, so points never fall if earlier
    branches never give fewer points than later ones (and vice versa for DOWN)."""
    conds = [directions.of(c) for c, _ in rule.whens]
    branches = [p for _, p in rule.whens] + [rule.otherwise]
    values = combine(*(directions.of(p) for p in branches))
    turn = combine(*conds)
    if turn == FLAT or values is None:
        return values
    if turn is None:
        return None
    ranges = [_clamped(directions.range(p), top) for p in branches]
    pairs = {_order(ranges[i], ranges[j]) for i in range(len(ranges)) for j in range(i + 1, len(ranges))}
    order = combine(*pairs) if None not in pairs else None  # earlier ≥ later throughout: 1
    return combine(values, times(turn, order))


def _clamped(bounds: tuple[float, float], top: float) -> tuple[float, float]:
    return (min(max(bounds[0], 0.0), top), min(max(bounds[1], 0.0), top))


def _num(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else ("-∞" if value < 0 else "∞")


# ---- the framework ---------------------------------------------------------------------


def findings(framework: ir.Framework) -> Iterator[Finding]:
    """Each criterion whose points may not follow a declared `better` input it scores on."""
    inputs = {spec.name: spec for spec in framework.inputs}
    declared = [spec for spec in framework.inputs if spec.better]
    for crit in framework.criteria():
        read = ir.columns_used(*ir.rule_exprs(crit.rule))
        for spec in declared:
            if spec.name not in read:
                continue
            wanted = UP if spec.better == "higher" else DOWN
            direction, detail = rule_direction(crit.rule, crit.max, Directions(spec.name, inputs), wanted)
            if direction in (FLAT, wanted):
                continue
            yield Finding(crit, spec, proven_wrong=direction == -wanted or detail is not None, detail=detail)

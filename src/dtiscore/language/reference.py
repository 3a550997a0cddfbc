"""The reference interpreter: scores one unit at a time, in plain Python floats, straight
from the IR.

It is slow on purpose: it is the definition the compiled evaluator is tested against, so
it follows the specification's wording as literally as it can and shares no code with the
compiler beyond the IR. NaN stands for "no value" (missing, or undefined).
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import attrs
import numpy as np

from . import ir
from ..errors import MissingDataError

NAN = math.nan


def isnan(x: float) -> bool:
    return x != x


def _truth(x: float) -> float:
    return NAN if isnan(x) else float(x == 1.0)


def kleene_and(a: float, b: float) -> float:
    if a == 0.0 or b == 0.0:
        return 0.0
    if isnan(a) or isnan(b):
        return NAN
    return 1.0


def kleene_or(a: float, b: float) -> float:
    if a == 1.0 or b == 1.0:
        return 1.0
    if isnan(a) or isnan(b):
        return NAN
    return 0.0


def round_half_away(x: float, digits: float) -> float:
    """Round like a spreadsheet's ROUND: halves go away from zero, and a half that binary
    floats store a hair below (1.005 × 100 = 100.49999999999999) still counts as a half:
    the scaled value is first rounded to 9 decimals, as numpy's np.round does it."""
    if isnan(x) or isnan(digits):
        return NAN
    scale = 10.0 ** digits
    sign = 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)
    with np.errstate(over="ignore"):  # a value past the float range rounds to inf, no warning
        scaled = float(np.round(np.float64(abs(x)) * scale, 9))
    if math.isinf(scaled):  # an overflowed value stays infinite, as numpy's floor keeps it
        return sign * scaled
    return sign * (math.floor(scaled + 0.5) / scale)


def _min(a: float, b: float) -> float:
    return NAN if isnan(a) or isnan(b) else min(a, b)


def _max(a: float, b: float) -> float:
    return NAN if isnan(a) or isnan(b) else max(a, b)


def clip(x: float, low: float, high: float) -> float:
    return _min(_max(x, low), high)


def _divide(a: float, b: float) -> float:
    if isnan(a) or isnan(b) or b == 0.0:
        return NAN
    return a / b


_COMPARE = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def population_value(func: str, values: Sequence[float], fraction: float | None) -> float:
    """A population function over the defined values; undefined over none."""
    present = np.array([v for v in values if not isnan(v)], dtype=float)
    if present.size == 0:
        return NAN
    if func == "best":
        return float(present.max())
    if func == "worst":
        return float(present.min())
    if func == "mean":
        return float(np.mean(np.sort(present)))  # sorted: the same sum whatever the unit order
    with np.errstate(all="ignore"):  # near ±max float, numpy's interpolation overflows to ±inf
        return float(np.percentile(present, fraction * 100.0))


@attrs.frozen
class UnitScore:
    """Everything the reference computes for one unit, keyed by node id."""

    points: dict[str, float]
    effective_max: dict[str, float]
    applicable: dict[str, bool]
    status: dict[str, int]
    branch: dict[str, int]
    lost: dict[str, float]
    band: str | None = None  # the label of the index, where the framework declares bands
    ranked: bool = True  # False where a `rank exclude when` holds: scored, not ranked


class Expressions:
    """Evaluates expressions for one row at a time; population functions over `rows`, or at
    the values given in `populations` (a scoring run's, to explain one unit of it)."""

    def __init__(self, rows: Sequence[Mapping[str, float]] = (),
                 populations: Mapping[ir.Population, float] | None = None):
        self.rows = rows
        self._population: dict[ir.Population, float] = dict(populations or {})

    # ---- expressions
    def value(self, expr: ir.Expr, row: Mapping[str, float]) -> float:
        return self._value(expr, row, {})

    def _value(self, expr: ir.Expr, row: Mapping[str, float], lets: dict[int, float]) -> float:
        """`lets` holds each let's value for this row, by identity: a let is computed once
        however many paths reach it (a chain of lets each reading the one before twice would
        otherwise be 2**n evaluations)."""
        if isinstance(expr, ir.Const):
            return expr.value
        if isinstance(expr, ir.Column):
            return row[expr.name]
        if isinstance(expr, ir.Let):
            if id(expr) not in lets:
                lets[id(expr)] = self._value(expr.expr, row, lets)
            return lets[id(expr)]
        if isinstance(expr, ir.Population):
            if expr not in self._population:
                values = [self.value(expr.arg, r) for r in self.rows]
                self._population[expr] = population_value(expr.func, values, expr.fraction)
            return self._population[expr]
        return self._op(expr, row, lets)

    def _op(self, expr: ir.Op, row: Mapping[str, float], lets: dict[int, float]) -> float:
        op = expr.op
        if op == "if":
            cond = self._value(expr.args[0], row, lets)
            if isnan(cond):
                return NAN
            return self._value(expr.args[1] if cond == 1.0 else expr.args[2], row, lets)
        args = [self._value(a, row, lets) for a in expr.args]
        if op == "neg":
            return -args[0]
        if op == "not":
            return NAN if isnan(args[0]) else 1.0 - args[0]
        if op in ("+", "-", "*"):
            a, b = args
            return a + b if op == "+" else (a - b if op == "-" else a * b)
        if op in ("/", "ratio"):
            return _divide(*args)
        if op in _COMPARE:
            a, b = args
            return NAN if isnan(a) or isnan(b) else float(_COMPARE[op](a, b))
        if op in ("and", "all"):
            result = 1.0
            for a in args:
                result = kleene_and(result, a)
            return result
        if op in ("or", "any"):
            result = 0.0
            for a in args:
                result = kleene_or(result, a)
            return result
        if op == "min":
            result = args[0]
            for a in args[1:]:
                result = _min(result, a)
            return result
        if op == "max":
            result = args[0]
            for a in args[1:]:
                result = _max(result, a)
            return result
        if op == "clamp":
            return clip(*args)
        if op == "abs":
            return abs(args[0])
        if op == "round":
            return round_half_away(*args)
        if op == "count":
            total = 0.0
            for a in args:
                total += a
            return total
        raise AssertionError(f"unknown op {op}")



def constant_value(expr: ir.Expr) -> float:
    """The value of an expression that reads no input (params, folded constants)."""
    return Expressions().value(expr, {})


class Reference(Expressions):
    """Scores units one by one. `rows[i]` maps input name → float (NaN = missing);
    `invalid[i]` names the inputs whose values were bad for unit i (marked, not raised)."""

    def __init__(
        self,
        framework: ir.Framework,
        rows: Sequence[Mapping[str, float]],
        invalid: Sequence[frozenset[str]] | None = None,
        units: Sequence[object] | None = None,
        populations: Mapping[ir.Population, float] | None = None,
    ):
        super().__init__(rows, populations)
        self.framework = framework
        self.invalid = invalid or [frozenset()] * len(rows)
        self.units = units if units is not None else list(range(len(rows)))
        self.inputs = {i.name: i for i in framework.inputs}

    # ---- criteria
    def rule(self, crit: ir.Criterion, row: Mapping[str, float]) -> tuple[float, int]:
        """(points, branch) of the scoring rule; points NaN when undefined."""
        rule, top = crit.rule, crit.max
        if isinstance(rule, ir.ScoreRule):
            return self._limited(self.value(rule.expr, row), top)
        if isinstance(rule, ir.AwardRule):
            cond = self.value(rule.cond, row)
            if isnan(cond):
                return NAN, -1
            return (top, 1) if cond == 1.0 else (0.0, 0)
        if isinstance(rule, ir.ProportionalRule):
            share = _divide(self.value(rule.expr, row), self.value(rule.target, row))
            return self._fraction_of(share, top)
        if isinstance(rule, ir.LinearRule):
            x = self.value(rule.expr, row)
            start = self.value(rule.start, row)
            end = self.value(rule.end, row)
            if isnan(x) or isnan(start) or isnan(end):
                return NAN, -1
            if start == end:
                return (top, 1) if x >= end else (0.0, 2)
            return self._fraction_of((x - start) / (end - start), top)
        if isinstance(rule, ir.StepsRule):
            x = self.value(rule.expr, row)
            if isnan(x):
                return NAN, -1
            for index, band in enumerate(rule.bands):
                if _COMPARE[band.op](x, band.threshold):
                    return band.points, index
            return rule.otherwise, len(rule.bands)
        if isinstance(rule, ir.DeductRule):
            amount = self.value(rule.amount, row) * self.value(rule.per, row)
            return self._limited(top - amount, top)
        for index, (cond, points) in enumerate(rule.whens):
            holds = self.value(cond, row)
            if isnan(holds):
                return NAN, -1
            if holds == 1.0:
                return self._limited(self.value(points, row), top)[0], index
        return self._limited(self.value(rule.otherwise, row), top)[0], len(rule.whens)

    @staticmethod
    def _limited(x: float, top: float) -> tuple[float, int]:
        """x clamped to [0, top]; branch 1 at the top, 2 at zero, 0 between."""
        if isnan(x):
            return NAN, -1
        if x >= top:
            return top, 1
        if x <= 0.0:
            return 0.0, 2
        return x, 0

    @staticmethod
    def _fraction_of(fraction: float, top: float) -> tuple[float, int]:
        if isnan(fraction):
            return NAN, -1
        if fraction >= 1.0:
            return top, 1
        if fraction <= 0.0:
            return 0.0, 2
        return top * fraction, 0

    def criterion(self, crit: ir.Criterion, unit: int) -> tuple[float, int, int, bool]:
        """(points, status, branch, applicable) of one criterion for one unit."""
        row = self.rows[unit]
        if self.invalid[unit] & set(crit.inputs):
            return 0.0, ir.INVALID, -1, True
        conditions = [self.value(e.cond, row) for e in crit.exclusions]
        if any(c == 1.0 for c in conditions):
            return 0.0, ir.EXCLUDED, -1, False
        if any(isnan(c) for c in conditions):
            return self._missing(crit, unit)
        if crit.evidence is not None and row[crit.evidence] != 1.0:
            return 0.0, ir.NO_EVIDENCE, -1, True
        points, branch = self.rule(crit, row)
        if isnan(points):
            return self._missing(crit, unit)
        return points, ir.SCORED, branch, True

    def _missing(self, crit: ir.Criterion, unit: int) -> tuple[float, int, int, bool]:
        policy = self.missing_policy(crit, self.rows[unit])
        if policy == "error":
            absent = [n for n in crit.inputs if isnan(self.rows[unit][n])]
            raise MissingDataError(
                [f"unit {self.units[unit]!r}: criterion '{crit.id}' has no value "
                 f"(missing: {', '.join(absent) or 'an undefined value'}) and on_missing is error"]
            )
        return 0.0, ir.MISSING, -1, policy == "zero"

    def missing_policy(self, crit: ir.Criterion, row: Mapping[str, float]) -> str:
        """The most specific policy: a missing input's own, else the criterion's; the most
        severe of them when several inputs are missing."""
        severity = {"zero": 0, "exclude": 1, "error": 2}
        policies = [
            self.inputs[name].on_missing or crit.on_missing
            for name in crit.inputs
            if isnan(row[name])
        ]
        return max(policies or [crit.on_missing], key=severity.__getitem__)

    # ---- the tree
    def unit(self, unit: int) -> UnitScore:
        out = UnitScore({}, {}, {}, {}, {}, {})
        root = self.framework.root.id
        self._node(self.framework.root, unit, out)
        self.attribute(out)
        out = attrs.evolve(out, ranked=self.unranked_reason(unit) is None)
        if self.framework.bands is None:
            return out
        top = out.effective_max[root]
        return attrs.evolve(out, band=band_of(self.framework.bands, out.points[root] / top if top > 0 else NAN))

    # ---- ranks
    def unranked_reason(self, unit: int) -> ir.Exclusion | None:
        """The first `rank exclude when` that holds for the unit (None: the unit is ranked);
        a condition with no value takes no rank away."""
        row = self.rows[unit]
        return next((e for e in self.framework.rank_exclusions if self.value(e.cond, row) == 1.0), None)

    def attribute(self, out: UnitScore) -> None:
        """Fill `out.lost` from its points, effective max and applicability: a unit's lost
        points passed down from the root (also for a unit scored elsewhere, to explain it)."""
        root = self.framework.root
        self._attribute(root, out.effective_max[root.id] - out.points[root.id], out)

    def _node(self, node: ir.Node, unit: int, out: UnitScore) -> None:
        if isinstance(node, ir.Criterion):
            points, status, branch, applicable = self.criterion(node, unit)
            out.points[node.id] = points
            out.status[node.id] = status
            out.branch[node.id] = branch
            out.applicable[node.id] = applicable
            out.effective_max[node.id] = node.max if applicable else 0.0
            return
        for child in node.nodes:
            self._node(child, unit, out)
        self._settle_substitutes(node, out)
        raw = m_all = m_app = 0.0
        any_applicable = False
        for child in self.places(node):
            m_all += child.max
            active = self._active(node, child, out)
            if active is not None and out.applicable[active.id]:
                any_applicable = True
                raw += out.points[active.id]
                m_app += out.effective_max[active.id]
        out.applicable[node.id] = any_applicable
        if not any_applicable:
            out.points[node.id] = 0.0
            out.effective_max[node.id] = 0.0
        elif node.on_exclude == "rescale" and m_app == 0.0:
            # what applies carries no points (max 0 children): nothing to earn or to lose
            out.points[node.id] = 0.0
            out.effective_max[node.id] = 0.0
        elif node.on_exclude == "rescale":
            out.points[node.id] = min(node.max, raw * m_all / m_app)
            out.effective_max[node.id] = node.max
        else:
            effective = min(node.max, m_app)
            out.points[node.id] = min(raw, effective)
            out.effective_max[node.id] = effective

    @staticmethod
    def places(group: ir.Group) -> list[ir.Node]:
        """The group's children less the substitutes: one per place."""
        return [c for c in group.nodes if not (isinstance(c, ir.Criterion) and c.replaces)]

    @staticmethod
    def _substitute(group: ir.Group, original: ir.Node) -> ir.Criterion | None:
        for c in group.nodes:
            if isinstance(c, ir.Criterion) and c.replaces == original.id:
                return c
        return None

    def _settle_substitutes(self, group: ir.Group, out: UnitScore) -> None:
        """A substitute whose original applies is inactive and counts for nothing."""
        for original in self.places(group):
            substitute = self._substitute(group, original)
            if substitute is not None and out.applicable[original.id]:
                out.points[substitute.id] = 0.0
                out.status[substitute.id] = ir.INACTIVE
                out.branch[substitute.id] = -1
                out.applicable[substitute.id] = False
                out.effective_max[substitute.id] = 0.0

    def _active(self, group: ir.Group, place: ir.Node, out: UnitScore) -> ir.Node | None:
        if out.applicable[place.id]:
            return place
        return self._substitute(group, place)

    def _attribute(self, node: ir.Node, deficit: float, out: UnitScore) -> None:
        """Pass a node's lost points down to its applicable children (the spec's rule)."""
        out.lost[node.id] = deficit
        if isinstance(node, ir.Criterion):
            return
        for child in node.nodes:
            self._zero_lost(child, out)
        active = []
        m_all = m_app = 0.0
        for place in self.places(node):
            m_all += place.max
            child = self._active(node, place, out)
            if child is not None and out.applicable[child.id]:
                active.append(child)
                m_app += out.effective_max[child.id]
        factor = m_all / m_app if node.on_exclude == "rescale" and m_app > 0.0 else 1.0
        weights = [factor * (out.effective_max[c.id] - out.points[c.id]) for c in active]
        total = 0.0
        for w in weights:
            total += w
        for child, weight in zip(active, weights):
            share = deficit * weight / total if total > 0.0 else 0.0
            self._attribute(child, share, out)

    def _zero_lost(self, node: ir.Node, out: UnitScore) -> None:
        out.lost[node.id] = 0.0
        if isinstance(node, ir.Group):
            for child in node.nodes:
                self._zero_lost(child, out)


BAND_DECIMALS = 9  # an index equal to a threshold to 9 decimals meets it (0.1 + 0.2 is 0.3)


def band_of(bands: ir.Bands, index: float) -> str | None:
    """The label of one index, as the specification says it (the first band, from the top,
    that the index meets, the index taken to 9 decimals as ranks take totals: float noise is
    not a difference); None for no index (nothing applied)."""
    if index != index:
        return None
    index = float(np.round(np.float64(index), BAND_DECIMALS))
    for band in bands.bands:
        if index > band.threshold if band.op == ">" else index >= band.threshold:
            return band.label
    return bands.otherwise


def ranks(values: Sequence[float], ranked: Sequence[bool]) -> list[int]:
    """Competition ranks as the specification says them, one unit at a time: 1 + how many
    ranked units have a greater value (values taken to 9 decimals); 0 for a unit not ranked."""
    rounded = [float(np.round(np.float64(v), 9)) for v in values]
    ranked_values = [v for v, r in zip(rounded, ranked) if r]
    return [1 + sum(other > v for other in ranked_values) if r else 0 for v, r in zip(rounded, ranked)]

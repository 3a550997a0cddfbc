"""Explanations of one unit: every group's points, every lost point with its reason, and
what the next better outcome would take.

Built from structured data the scoring kept (status, branch, lost points, input values,
population values); nothing is re-scored. Reasons are plain English; the values are shown
the way the inputs are typed (counts with thousands separators, shares as percents).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from . import ir
from .interpret import Expressions
from .text import expr_text, format_value, value_kind

if TYPE_CHECKING:
    from .result import Result


@attrs.frozen
class Line:
    """One node's outcome for the unit."""

    id: str
    kind: str
    title: str
    max: float  # the node's full points
    effective_max: float
    points: float
    lost: float
    depth: int


@attrs.frozen
class Deduction:
    criterion: str
    title: str
    max: float
    points: float
    lost: float
    status: str
    reason: str
    next_step: str | None  # what the next better outcome would take, where it can be said
    path: tuple[str, ...]  # group ids from the root down


@attrs.frozen
class Explanation:
    unit: object
    framework: str
    total: float
    effective_max: float
    index: float
    rank: int
    lines: tuple[Line, ...]  # every node, parents first
    deductions: tuple[Deduction, ...]  # criteria that lost points, most lost first
    criteria: tuple[Deduction, ...]  # every criterion, in file order, with its reason

    def __str__(self) -> str:
        out = [f"{self.framework}: unit {self.unit}",
               f"total {_num(self.total)} of {_num(self.effective_max)}"
               f" (index {self.index:.4f}, rank {self.rank})" if not math.isnan(self.index)
               else f"total {_num(self.total)} (nothing applies)"]
        out.append("")
        for line in self.lines:
            if line.kind == "group":
                out.append(f"{'  ' * line.depth}{line.id} {line.title}: {_num(line.points)} / {_num(line.effective_max)}")
        if self.deductions:
            out.append("")
            out.append("lost points, most first:")
            for d in self.deductions:
                out.append(f"  -{_num(d.lost)}  {d.criterion} {d.title} ({_num(d.points)}/{_num(d.max)}, {d.status})")
                out.append(f"           {d.reason}")
                if d.next_step:
                    out.append(f"           next: {d.next_step}")
        return "\n".join(out)

    def to_dict(self) -> dict:
        return attrs.asdict(self, recurse=True)


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value == value else "-"


def explain_unit(result: "Result", position: int) -> Explanation:
    framework = result.framework
    row = result.input_row(position)
    evaluator = Expressions()
    evaluator._population.update(result.scores.populations)  # values from the scoring run
    reasons = _Reasons(framework.ir, row, evaluator)
    lines, criteria = [], []
    stack = [(framework.ir.root, 0, ())]
    while stack:
        node, depth, path = stack.pop()
        points = float(result.points(node.id)[position])
        effective = float(result.max(node.id)[position])
        lost = float(result.lost(node.id)[position])
        lines.append(Line(node.id, node.kind, node.title, node.max, effective, points, lost, depth))
        if isinstance(node, ir.Group):
            below = path + ((node.id,) if node.kind == "group" else ())
            stack.extend((child, depth + 1, below) for child in reversed(node.nodes))
            continue
        status = int(result.status_codes(node.id)[position])
        branch = int(result.branch(node.id)[position])
        reason, next_step = reasons.criterion(node, status, branch, points)
        criteria.append(Deduction(node.id, node.title, node.max, points, lost, ir.STATUSES[status],
                                  reason, next_step if lost > 0 or status != ir.SCORED else None, path))
    deductions = sorted((c for c in criteria if c.lost > 1e-12), key=lambda c: -c.lost)
    return Explanation(
        unit=result.units[position], framework=framework.id,
        total=float(result.total[position]), effective_max=float(result.effective_max[position]),
        index=float(result.index[position]), rank=int(result.rank()[position]),
        lines=tuple(lines), deductions=tuple(deductions), criteria=tuple(criteria),
    )


class _Reasons:
    def __init__(self, framework: ir.Framework, row: dict[str, float], evaluator: Expressions):
        self.framework = framework
        self.inputs = {spec.name: spec for spec in framework.inputs}
        self.row = row
        self.evaluator = evaluator
        self.parents = {child.id: node for node in framework.nodes() if isinstance(node, ir.Group)
                        for child in node.nodes}

    def value(self, expr: ir.Expr) -> float:
        return self.evaluator.value(expr, self.row)

    def show(self, expr: ir.Expr) -> str:
        """`name = value`, or just the value for a constant."""
        value = format_value(self.value(expr), value_kind(expr, self.inputs), self.inputs, expr)
        if isinstance(expr, ir.Const):
            return value
        return f"{expr_text(expr, self.inputs)} = {value}"

    def criterion(self, crit: ir.Criterion, status: int, branch: int, points: float) -> tuple[str, str | None]:
        if status == ir.EXCLUDED:
            for exclusion in crit.exclusions:
                if self.value(exclusion.cond) == 1.0:
                    return exclusion.reason or f"not applicable: {expr_text(exclusion.cond, self.inputs)}", None
            return "not applicable", None
        if status == ir.INACTIVE:
            return f"not needed: '{crit.replaces}' applies, which this criterion replaces", None
        if status == ir.INVALID:
            bad = [n for n in crit.inputs if math.isnan(self.row[n])]
            return f"invalid data in: {', '.join(bad) or 'an input'}", None
        if status == ir.NO_EVIDENCE:
            return f"no evidence: '{crit.evidence}' is not true, so no points", f"provide {crit.evidence}"
        if status == ir.MISSING:
            absent = [n for n in crit.inputs if math.isnan(self.row[n])]
            if absent:
                return f"no value for {', '.join(absent)}", f"report {', '.join(absent)}"
            return "a value is undefined (a division by zero)", None
        return self.scored(crit, branch, points)

    def scored(self, crit: ir.Criterion, branch: int, points: float) -> tuple[str, str | None]:
        rule, top = crit.rule, crit.max
        got = f"{_num(points)} of {_num(top)} points"
        if isinstance(rule, ir.StepsRule):
            kind = value_kind(rule.expr, self.inputs)
            if branch < len(rule.bands):
                band = rule.bands[branch]
                where = f"band {band.op} {format_value(band.threshold, kind, self.inputs)}"
            else:
                where = "no band (else)"
            better = [(b.points, i, b) for i, b in enumerate(rule.bands) if b.points > points]
            step = None
            if better:
                _, _, band = min(better, key=lambda t: (t[0], t[1]))
                step = (f"band {band.op} {format_value(band.threshold, kind, self.inputs)} gives "
                        f"{_num(band.points)}; " + self.needs(rule.expr, band.op, band.threshold))
            return f"{self.show(rule.expr)}: {where} → {got}", step
        if isinstance(rule, ir.LinearRule):
            start, end = self.value(rule.start), self.value(rule.end)
            kind = value_kind(rule.expr, self.inputs)
            reason = (f"{self.show(rule.expr)}: 0 points at {format_value(start, kind, self.inputs)}, "
                      f"{_num(top)} at {format_value(end, kind, self.inputs)} → {got}")
            op = ">=" if end >= start else "<="
            return reason, ("full points: " + self.needs(rule.expr, op, end)) if points < top else None
        if isinstance(rule, ir.ProportionalRule):
            target = self.value(rule.target)
            kind = value_kind(rule.expr, self.inputs)
            reason = f"{self.show(rule.expr)} of target {format_value(target, kind, self.inputs)} → {got}"
            return reason, ("full points: " + self.needs(rule.expr, ">=", target)) if points < top else None
        if isinstance(rule, ir.AwardRule):
            text = expr_text(rule.cond, self.inputs)
            if branch == 1:
                return f"{text}: yes → {got}", None
            return f"{text}: no → {got}", f"needs {text}"
        if isinstance(rule, ir.DeductRule):
            amount = self.value(rule.amount)
            reason = f"{self.show(rule.per)}, {_num(amount)} points off each → {got}"
            return reason, (f"each one fewer wins back {_num(amount)} points") if points < top else None
        if isinstance(rule, ir.CasesRule):
            if branch < len(rule.whens):
                reason = f"case {branch + 1}: {expr_text(rule.whens[branch][0], self.inputs)} → {got}"
            else:
                reason = f"no case holds (else) → {got}"
            return reason, None
        return f"{self.show(rule.expr)} → {got}", None

    def needs(self, expr: ir.Expr, op: str, target: float) -> str:
        """'needs X >= v (+d)', inverted through simple arithmetic to an input where it can."""
        inverted = self._invert(expr, op, target)
        if inverted is None:
            kind = value_kind(expr, self.inputs)
            return f"needs {expr_text(expr, self.inputs)} {op} {format_value(target, kind, self.inputs)}"
        name, op, value = inverted
        spec = self.inputs[name]
        if spec.kind == "count":
            value = _whole(op, value)
        current = self.row[name]
        delta = ""
        if not math.isnan(current) and value == value:
            change = value - current
            delta = f" ({'+' if change >= 0 else '-'}{format_value(abs(change), spec.kind, self.inputs)})"
        return f"needs {name} {op} {format_value(value, spec.kind, self.inputs)}{delta}"

    def _invert(self, expr: ir.Expr, op: str, target: float):
        while isinstance(expr, ir.Let):
            expr = expr.expr
        if isinstance(expr, ir.Column) and expr.type == ir.NUM:
            return expr.name, op, target
        if not isinstance(expr, ir.Op) or len(expr.args) != 2:
            return None
        left, right = expr.args
        if expr.op in ("ratio", "/"):
            divisor = self.value(right)
            if divisor > 0 and not math.isnan(divisor):
                return self._invert(left, op, target * divisor)
            return None
        if expr.op == "*":
            for inner, other in ((left, right), (right, left)):
                factor = self.value(other)
                if not ir.columns_used(other) or _fixed(other):
                    if factor > 0:
                        return self._invert(inner, op, target / factor)
        if expr.op == "+":
            for inner, other in ((left, right), (right, left)):
                if not ir.columns_used(other):
                    return self._invert(inner, op, target - self.value(other))
        if expr.op == "-" and not ir.columns_used(right):
            return self._invert(left, op, target + self.value(right))
        return None


def _fixed(expr: ir.Expr) -> bool:
    return isinstance(expr, (ir.Const, ir.Population))


def _whole(op: str, value: float) -> float:
    """The whole count meeting `count op value`."""
    if op == ">=":
        return float(math.ceil(value - 1e-9))
    if op == ">":
        return float(math.floor(value) + 1)
    if op == "<=":
        return float(math.floor(value + 1e-9))
    return float(math.ceil(value) - 1)

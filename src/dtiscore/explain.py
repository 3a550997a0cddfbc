"""Explanations of one unit: every group's points, every lost point with its reason, and
what the next better outcome would take.

Built from what the scoring kept (status, branch, points, input values, population values)
for this one unit: nothing is re-scored and the population's lost points are not needed.
Reasons and steps are structured (`reasons.Reason`, `whatif.Step`) and rendered in
Vietnamese or English; `str()` gives the readable report of `report.render_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np

from . import ir
from .reasons import Reason, Reasons
from .text import check_lang, default_lang
from .unit import UnitTree
from .values import Values
from .whatif import Ladders, Step

if TYPE_CHECKING:
    from .result import Result

SCHEMA = "dtiscore.explain/1"


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
    """One criterion's outcome: points, lost points, why (`why`, rendered as `reason`) and
    what the next better outcome would take (`step`, rendered as `next_step`)."""

    criterion: str
    title: str
    max: float
    points: float
    lost: float
    status: str
    reason: str
    next_step: str | None  # what the next better outcome would take, where it can be said
    path: tuple[str, ...]  # group ids from the root down
    code: str = ""  # the reason code
    why: Reason | None = attrs.field(default=None, eq=False, repr=False)
    step: Step | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Explanation:
    unit: object
    framework: str
    title: str
    lang: str
    total: float
    effective_max: float
    index: float
    rank: int
    units: int  # how many units were scored together (the rank is among them)
    lines: tuple[Line, ...]  # every node, parents first
    deductions: tuple[Deduction, ...]  # criteria that lost points, most lost first
    criteria: tuple[Deduction, ...]  # every criterion, in file order, with its reason

    def __str__(self) -> str:
        from .report import render_text

        return render_text(self)

    def to_dict(self) -> dict:
        """The documented JSON form (schema `dtiscore.explain/1`, docs/explanations.md)."""
        from .report import explanation_dict

        return explanation_dict(self)


def explain_unit(result: "Result", position: int, lang: str | None = None) -> Explanation:
    framework = result.framework
    lang = check_lang(lang or default_lang(framework.title))
    tree = UnitTree(result, position)
    lost = tree.lost()
    reasons = Reasons(framework.ir)
    values = Values(result, [position])
    ladders = Ladders(result, position, tree)
    invalid = {name: mask[[position]] for name, mask in result.columns.invalid.items()}
    lines, criteria = [], []
    for node in framework.ir.nodes():
        depth = tree.depth[node.id]
        lines.append(Line(node.id, node.kind, node.title, node.max, tree.effective[node.id],
                          tree.points[node.id], lost[node.id], depth))
        if not isinstance(node, ir.Criterion):
            continue
        row = result._criterion_row(node.id)
        status = result.scores.status[row, position]
        branch = result.scores.branch[row, position]
        why = reasons.build(node, values, np.array([status]), np.array([branch]),
                            np.array([tree.points[node.id]]), invalid)[0]
        step = ladders.next_step(node)
        criteria.append(Deduction(
            node.id, node.title, node.max, tree.points[node.id], lost[node.id], ir.STATUSES[status],
            why.text(lang), step.text(lang) if step is not None else None, tree.path(node.id),
            why.code, why, step))
    deductions = sorted((c for c in criteria if c.lost > 0.0), key=lambda c: -c.lost)
    total = tree.total
    return Explanation(
        unit=result.units[position], framework=framework.id, title=framework.title, lang=lang,
        total=total, effective_max=tree.effective[framework.ir.root.id],
        index=float(result.index[position]), rank=_rank(result, position), units=len(result),
        lines=tuple(lines), deductions=tuple(deductions), criteria=tuple(criteria),
    )


def _rank(result: "Result", position: int) -> int:
    """The unit's competition rank among all units (as `Result.rank()`), without ranking
    every unit."""
    totals = np.round(result.total, 9)
    return int(np.count_nonzero(totals > totals[position])) + 1

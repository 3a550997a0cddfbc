"""Explanations of one unit: every group's points, every lost point with its reason, and
what the next better outcome would take.

Built from what the scoring kept (status, branch, points, input values, population values)
for this one unit: nothing is re-scored and the population's lost points are not needed.
Reasons and steps are structured (`reasons.Reason`, `whatif.Step`) and rendered in
Vietnamese or English; `str()` gives the readable report of `report.render_text`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs
import numpy as np

from ..language import ir
from .reasons import Reason
from .wording import check_lang, default_lang
from .tree import UnitTree
from .whatif import Ladders, Step

if TYPE_CHECKING:
    from ..result import Result

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
        from .render import render_text

        return render_text(self)

    def to_dict(self) -> dict:
        """The documented JSON form (schema `dtiscore.explain/1`, docs/explanations.md)."""
        from .render import explanation_dict

        return explanation_dict(self)


def explain_unit(result: "Result", position: int, lang: str | None = None) -> Explanation:
    framework = result.framework
    lang = check_lang(lang or default_lang(framework.title))
    tree = UnitTree(result, position)
    lost = tree.lost()
    reasons = framework._reasons
    ladders = Ladders(result, position, tree)
    row, value = ladders.solver.row, ladders.solver.value  # the unit's inputs; values in plain floats
    invalid = [name for name, mask in result.columns.invalid.items() if mask[position]]
    status_of, branch_of = result.scores.status[:, position], result.scores.branch[:, position]
    lines, criteria = [], []
    for node in framework.ir.nodes():
        depth = tree.depth[node.id]
        lines.append(Line(node.id, node.kind, node.title, node.max, tree.effective[node.id],
                          tree.points[node.id], lost[node.id], depth))
        if not isinstance(node, ir.Criterion):
            continue
        row_of = result._criterion_row(node.id)
        status, branch = int(status_of[row_of]), int(branch_of[row_of])
        why = reasons.one(node, value, row, status, branch, tree.points[node.id], invalid)
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
        index=_index(result, position), rank=_rank(result, position), units=len(result),
        lines=tuple(lines), deductions=tuple(deductions), criteria=tuple(criteria),
    )


def _rank(result: "Result", position: int) -> int:
    """The unit's competition rank among all units (as `Result.rank()`: totals rounded to 9
    decimals), without ranking or rounding every unit.

    Rounding is monotone, so every total above `high` (which rounds above the unit's) counts
    and none at or below the unit's own does; only totals in between are rounded here."""
    totals = result.total
    own = totals[position:position + 1]
    mine = np.round(own, 9)[0]
    low = float(own[0])
    high = low + 1e-8 + abs(low) * 1e-12
    if not np.round(np.array([high]), 9)[0] > mine:  # not a margin at this magnitude
        return int(np.count_nonzero(np.round(totals, 9) > mine)) + 1
    above = int(np.count_nonzero(totals > high))
    if int(np.count_nonzero(totals > low)) > above:
        between = totals[(totals > low) & (totals <= high)]
        above += int(np.count_nonzero(np.round(between, 9) > mine))
    return above + 1


def _index(result: "Result", position: int) -> float:
    """The unit's index (`Result.index`), without computing every unit's."""
    known = result.__dict__.get("index")
    if known is not None:
        return float(known[position])
    top = float(result.effective_max[position])
    return float(result.total[position]) / top if top > 0 else math.nan

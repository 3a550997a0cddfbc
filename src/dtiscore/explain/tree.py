"""One unit's tree, read from a scored result: every node's points, effective max and
applicability, its lost points, and its total if some criteria had other points ("what if").

Points, effective max and applicability are the result's. Lost points are the reference
interpreter's attribution (`Reference.attribute`: the specification's rule, in plain floats)
of those points: for one unit it costs a tenth of the engine's numpy code on a one-unit
column, and gives the same floats (tested against the result's, bit for bit). A total under
other points is the engine's `evaluate.aggregate` on copies of the unit's column
(`Scores.unit_copies`, one copy per scenario, all summed at once), so it is the result's
arithmetic too. Explaining one unit of a million costs the same as explaining one of ten:
nothing is re-scored and the population's lost points are not computed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import attrs

from ..language import ir
from ..language.reference import Reference, UnitScore
from ..engine.evaluate import aggregate

if TYPE_CHECKING:
    from ..engine.compiled import CompiledFramework
    from ..engine.scored import Scored


@attrs.frozen
class Shape:
    """What explanations read of a framework's tree on every call, found once per framework."""

    nodes: tuple[ir.Node, ...]  # every node, parents first, in file order
    depth: Mapping[str, int]  # the framework 0, its children 1, ...
    path: Mapping[str, tuple[str, ...]]  # group ids from the top down to the node's parent


def shape(framework: "CompiledFramework") -> Shape:
    """The framework's `Shape`, kept with it."""

    def build() -> Shape:
        depth: dict[str, int] = {}
        for node_id in framework.nodes:
            parent = framework.node(node_id).parent
            depth[node_id] = 0 if parent is None else depth[parent] + 1
        return Shape(tuple(framework.ir.nodes()), depth, {n: framework.path(n) for n in framework.nodes})

    return framework.memo(Shape, build)


class UnitTree:
    def __init__(self, result: "Scored", position: int):
        self.result = result
        self.position = position
        self.framework = result.framework.ir
        self.layout = result.framework.layout
        scores = result.scores
        order = scores.order
        self.points = dict(zip(order, scores.points[:, position].tolist()))
        self.applicable = dict(zip(order, scores.applicable[:, position].tolist()))
        self.effective = {n: scores.effective_at(r, position) for r, n in enumerate(order)}
        self.shape = shape(result.framework)
        self.depth = self.shape.depth

    @property
    def total(self) -> float:
        return self.points[self.framework.root.id]

    def path(self, node_id: str) -> tuple[str, ...]:
        """Group ids from the top down to the node's parent (the framework itself left out)."""
        return self.shape.path[node_id]

    # ---- lost points
    def lost(self) -> dict[str, float]:
        """Every node's lost points for this unit."""
        unit = UnitScore(self.points, self.effective, self.applicable, {}, {}, {})
        Reference(self.framework, []).attribute(unit)
        return unit.lost

    # ---- what if
    def total_with(self, changes: Mapping[str, float]) -> float:
        """The unit's total if the criteria in `changes` had those points (each of them
        applicable, at its full max); everything else as scored."""
        return self.totals_with([changes])[0]

    def totals_with(self, scenarios: Sequence[Mapping[str, float]]) -> list[float]:
        """`total_with` of each scenario, all summed at once (a column per scenario)."""
        if not scenarios:
            return []
        copies = self.result.scores.unit_copies(self.position, len(scenarios))
        row = self.layout.row
        for column, changes in enumerate(scenarios):
            for crit_id, value in changes.items():
                copies.points[row[crit_id], column] = value
                copies.applicable[row[crit_id], column] = True
        aggregate(self.layout, copies, slice(0, len(scenarios)))
        return copies.points[row[self.framework.root.id]].tolist()

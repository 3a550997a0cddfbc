"""One unit's tree, read from a scored result: its lost points, and its total if some
criteria had other points ("what if").

Everything here is scalar and touches one column of the result's arrays, so explaining one
unit of a million costs the same as explaining one of ten: nothing is re-scored and the
population's lost points are not computed. The group and attribution rules are those of
`evaluate` (same order of operations, so the same floats).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ..language import ir

if TYPE_CHECKING:
    from ..result import Result


def places(group: ir.Group) -> list[tuple[ir.Node, ir.Criterion | None]]:
    """(original, its substitute or None) for each place of a group, in file order."""
    substitutes = {c.replaces: c for c in group.nodes if isinstance(c, ir.Criterion) and c.replaces}
    return [(node, substitutes.get(node.id)) for node in group.nodes
            if not (isinstance(node, ir.Criterion) and node.replaces)]


def members(group: ir.Group) -> list[ir.Node]:
    """The group's children as the sums take them: each place's original, then its substitute."""
    return [n for original, sub in places(group) for n in ((original,) if sub is None else (original, sub))]


_SHAPES: dict[int, tuple] = {}  # id(framework) → (framework, nodes, parents, depths)


def _shape(framework: ir.Framework) -> tuple[dict[str, ir.Node], dict[str, ir.Group], dict[str, int]]:
    """Every node by id, each node's parent group and depth: the same for every unit, so
    found once per framework (the entry keeps the framework alive: its id is not reused)."""
    hit = _SHAPES.get(id(framework))
    if hit is None or hit[0] is not framework:
        nodes = {node.id: node for node in framework.nodes()}
        parent: dict[str, ir.Group] = {}
        depth = {framework.root.id: 0}
        for node in framework.nodes():
            if isinstance(node, ir.Group):
                for child in node.nodes:
                    parent[child.id] = node
                    depth[child.id] = depth[node.id] + 1
        if len(_SHAPES) >= 1_000:
            _SHAPES.clear()
        hit = _SHAPES[id(framework)] = (framework, nodes, parent, depth)
    return hit[1], hit[2], hit[3]


class UnitTree:
    def __init__(self, result: "Result", position: int):
        self.result = result
        self.position = position
        self.framework = result.framework.ir
        scores = result.scores
        rows = {node_id: i for i, node_id in enumerate(scores.order)}
        self.points = {n: float(scores.points[r, position]) for n, r in rows.items()}
        self.effective = {n: scores.effective_at(r, position) for n, r in rows.items()}
        self.applicable = {n: bool(scores.applicable[r, position]) for n, r in rows.items()}
        self.nodes, self.parent, self.depth = _shape(self.framework)

    @property
    def total(self) -> float:
        return self.points[self.framework.root.id]

    def path(self, node_id: str) -> tuple[str, ...]:
        """Group ids from the top down to the node's parent (the framework itself left out)."""
        out = []
        node = self.parent.get(node_id)
        while node is not None and node.kind == "group":
            out.append(node.id)
            node = self.parent.get(node.id)
        return tuple(reversed(out))

    # ---- lost points
    def lost(self) -> dict[str, float]:
        """Every node's lost points for this unit (the result's, when already computed)."""
        cached = self.result.__dict__.get("_lost")
        if cached is not None:
            return {n: float(cached[r, self.position]) for r, n in enumerate(self.result.scores.order)}
        root = self.framework.root
        out = {node_id: 0.0 for node_id in self.nodes}
        out[root.id] = self.effective[root.id] - self.points[root.id]
        for node in self.framework.nodes():
            if isinstance(node, ir.Group):
                self._pass_down(node, out)
        return out

    def _pass_down(self, group: ir.Group, lost: dict[str, float]) -> None:
        deficit = lost[group.id]
        inside = members(group)
        m_all = 0.0
        for original, _ in places(group):
            m_all += original.max
        m_app = 0.0
        for node in inside:
            m_app += self.effective[node.id]
        factor = m_all / m_app if group.on_exclude == "rescale" and m_app > 0.0 else 1.0
        weights = [factor * (self.effective[n.id] - self.points[n.id]) if self.applicable[n.id] else 0.0
                   for n in inside]
        total = 0.0
        for weight in weights:
            total += weight
        for node, weight in zip(inside, weights):
            lost[node.id] = deficit * weight / total if total > 0.0 else 0.0

    # ---- what if
    def total_with(self, changes: Mapping[str, float]) -> float:
        """The unit's total if the criteria in `changes` had those points (each of them
        applicable, at its full max); everything else as scored."""
        points, effective, applicable = dict(self.points), dict(self.effective), dict(self.applicable)
        for crit_id, value in changes.items():
            node = self.nodes[crit_id]
            points[crit_id] = float(value)
            effective[crit_id] = node.max
            applicable[crit_id] = True
        groups = {}
        for crit_id in changes:
            node = self.parent.get(crit_id)
            while node is not None:
                groups[node.id] = node
                node = self.parent.get(node.id)
        for group in sorted(groups.values(), key=lambda g: -self.depth[g.id]):
            self._aggregate(group, points, effective, applicable)
        return points[self.framework.root.id]

    @staticmethod
    def _aggregate(group: ir.Group, points, effective, applicable) -> None:
        raw = m_app = m_all = 0.0
        any_applicable = False
        for original, sub in places(group):
            m_all += original.max
            if sub is not None and applicable[original.id] and applicable[sub.id]:
                points[sub.id], effective[sub.id], applicable[sub.id] = 0.0, 0.0, False
            for node in (original,) if sub is None else (original, sub):
                raw += points[node.id]
                m_app += effective[node.id]
                any_applicable |= applicable[node.id]
        if not any_applicable:
            points[group.id], effective[group.id] = 0.0, 0.0
        elif group.on_exclude == "rescale":
            if m_app > 0.0:
                points[group.id], effective[group.id] = min(group.max, raw * m_all / m_app), group.max
            else:  # what applies carries no points: nothing to earn or lose
                points[group.id], effective[group.id] = 0.0, 0.0
        else:
            top = min(group.max, m_app)
            points[group.id], effective[group.id] = min(raw, top), top
        applicable[group.id] = any_applicable

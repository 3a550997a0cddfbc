"""The compiled evaluator's second half: from the program's per-criterion values to every
node's points, effective max, status and lost points, for all units at once.

Sums run over a group's places in file order, exactly as the reference interpreter adds
them, so the two agree to the last bit.
"""

from __future__ import annotations

from typing import Sequence

import attrs
import numpy as np

from . import ir
from .compile import Program
from .errors import MissingDataError

_SEVERITY = {"zero": 0, "exclude": 1, "error": 2}


@attrs.define
class Scores:
    """Per-node arrays, one row per node in `order` (parents before children)."""

    order: tuple[str, ...]
    points: np.ndarray  # (nodes, units) float64
    effective_max: np.ndarray  # (nodes, units) float64
    applicable: np.ndarray  # (nodes, units) bool
    status: np.ndarray  # (criteria, units) int8, rows in `criteria` order
    branch: np.ndarray  # (criteria, units) int8
    criteria: tuple[str, ...]
    populations: dict[ir.Population, float]  # population functions' values in this run


def evaluate(
    framework: ir.Framework,
    program: Program,
    columns: Sequence[np.ndarray],
    invalid: dict[str, np.ndarray],
    units: Sequence[object],
) -> Scores:
    n = len(units)
    nodes = list(framework.nodes())
    row = {node.id: i for i, node in enumerate(nodes)}
    criteria = [node for node in nodes if isinstance(node, ir.Criterion)]
    crow = {c.id: i for i, c in enumerate(criteria)}
    scores = Scores(
        order=tuple(node.id for node in nodes),
        # np.empty, not np.zeros: every row is written below, and calloc'd pages are
        # several times slower to touch first on some kernels (measured: 10x here).
        points=np.empty((len(nodes), n)),
        effective_max=np.empty((len(nodes), n)),
        applicable=np.empty((len(nodes), n), dtype=bool),
        status=np.empty((len(criteria), n), dtype=np.int8),
        branch=np.empty((len(criteria), n), dtype=np.int8),
        criteria=tuple(c.id for c in criteria),
        populations={},
    )
    outputs = program.run(list(columns), n)
    scores.populations = {p: float(outputs[slot]) for p, slot in program.populations.items()}
    by_name = dict(zip(program.columns, columns))
    inputs = {spec.name: spec for spec in framework.inputs}
    for crit in criteria:
        _criterion(crit, program, outputs, by_name, inputs, invalid, units, scores, row[crit.id], crow[crit.id])
    for node in reversed(nodes):
        if isinstance(node, ir.Group):
            _group(node, scores, row, crow)
    return scores


def _criterion(crit, program, outputs, columns, inputs, invalid, units, scores, r, c) -> None:
    slots = program.slots[crit.id]
    points = outputs[slots.points]
    status = np.full(points.shape, ir.SCORED, dtype=np.int8)
    status[np.isnan(points)] = ir.MISSING
    if crit.evidence is not None:
        status[columns[crit.evidence] != 1.0] = ir.NO_EVIDENCE
    excluded = np.full(points.shape, False)
    unknown = np.full(points.shape, False)
    for slot in slots.exclusions:
        cond = outputs[slot]
        excluded |= cond == 1.0
        unknown |= np.isnan(cond)
    status[unknown & ~excluded] = ir.MISSING
    status[excluded] = ir.EXCLUDED
    bad = np.full(points.shape, False)
    for name in crit.inputs:
        if name in invalid:
            bad |= invalid[name]
    status[bad] = ir.INVALID
    missing = status == ir.MISSING
    applicable = (status != ir.EXCLUDED)
    if missing.any():
        policy = _missing_policy(crit, columns, inputs, missing)
        if (policy == _SEVERITY["error"]).any():
            raise _missing_error(crit, columns, units, missing & (policy == _SEVERITY["error"]))
        applicable &= ~(missing & (policy == _SEVERITY["exclude"]))
    scored = status == ir.SCORED
    scores.points[r] = np.where(scored, points, 0.0)
    scores.effective_max[r] = np.where(applicable, crit.max, 0.0)
    scores.applicable[r] = applicable
    scores.status[c] = status
    scores.branch[c] = np.where(scored, outputs[slots.branch], -1)


def _missing_policy(crit, columns, inputs, missing) -> np.ndarray:
    """Per unit: the most severe policy among the missing inputs' own (or the criterion's,
    for an input without one); the criterion's where no input is missing (undefined)."""
    default = _SEVERITY[crit.on_missing]
    policy = np.full(missing.shape, -1, dtype=np.int8)
    for name in crit.inputs:
        absent = missing & np.isnan(columns[name])
        if absent.any():
            own = _SEVERITY[inputs[name].on_missing or crit.on_missing]
            np.maximum(policy, np.where(absent, own, -1), out=policy, casting="unsafe")
    policy[policy < 0] = default
    return policy


def _missing_error(crit, columns, units, where) -> MissingDataError:
    problems = []
    for i in np.flatnonzero(where)[:20]:
        absent = [name for name in crit.inputs if np.isnan(columns[name][i])]
        problems.append(
            f"unit {units[i]!r}: criterion '{crit.id}' has no value "
            f"(missing: {', '.join(absent) or 'an undefined value'}) and on_missing is error"
        )
    return MissingDataError(problems)


def places(group: ir.Group) -> list[tuple[ir.Node, ir.Criterion | None]]:
    """(original, its substitute or None) for each place of a group, in file order."""
    substitutes = {c.replaces: c for c in group.nodes if isinstance(c, ir.Criterion) and c.replaces}
    return [
        (node, substitutes.get(node.id))
        for node in group.nodes
        if not (isinstance(node, ir.Criterion) and node.replaces)
    ]


def _group(group: ir.Group, scores: Scores, row: dict[str, int], crow: dict[str, int]) -> None:
    n = scores.points.shape[1]
    raw, m_app = np.full(n, 0.0), np.full(n, 0.0)
    m_all = 0.0
    any_applicable = np.full(n, False)
    for original, substitute in places(group):
        o = row[original.id]
        m_all += original.max
        if substitute is not None:
            s = row[substitute.id]
            taken = scores.applicable[o]  # the original applies: the substitute is inactive
            scores.status[crow[substitute.id]][taken] = ir.INACTIVE
            scores.branch[crow[substitute.id]][taken] = -1
            scores.points[s][taken] = 0.0
            scores.effective_max[s][taken] = 0.0
            scores.applicable[s][taken] = False
        for r in (o,) if substitute is None else (o, row[substitute.id]):
            raw += scores.points[r]
            m_app += scores.effective_max[r]
            any_applicable |= scores.applicable[r]
    g = row[group.id]
    if group.on_exclude == "rescale":
        scaled = raw * m_all
        np.divide(scaled, m_app, out=scaled, where=m_app > 0.0)
        points = np.minimum(group.max, scaled)
        effective = np.full(n, group.max)
    else:
        effective = np.minimum(group.max, m_app)
        points = np.minimum(raw, effective)
    scores.points[g] = np.where(any_applicable, points, 0.0)
    scores.effective_max[g] = np.where(any_applicable, effective, 0.0)
    scores.applicable[g] = any_applicable


def attribute(framework: ir.Framework, scores: Scores) -> np.ndarray:
    """Lost points of every node, passed top-down as the specification says."""
    row = {node_id: i for i, node_id in enumerate(scores.order)}
    lost = np.empty_like(scores.points)  # every row is written
    root = row[framework.root.id]
    lost[root] = scores.effective_max[root] - scores.points[root]
    for node in framework.nodes():
        if isinstance(node, ir.Group):
            _pass_down(node, scores, row, lost)
    return lost


def _pass_down(group: ir.Group, scores: Scores, row: dict[str, int], lost: np.ndarray) -> None:
    deficit = lost[row[group.id]]
    members = [r for original, sub in places(group)
               for r in ((row[original.id],) if sub is None else (row[original.id], row[sub.id]))]
    m_all = sum(original.max for original, _ in places(group))
    m_app = np.full(deficit.shape, 0.0)
    for r in members:
        m_app += scores.effective_max[r]
    factor = np.ones(deficit.shape)
    if group.on_exclude == "rescale":
        np.divide(m_all, m_app, out=factor, where=m_app > 0.0)
    weights = []
    total = np.full(deficit.shape, 0.0)
    for r in members:
        weight = np.where(scores.applicable[r], factor * (scores.effective_max[r] - scores.points[r]), 0.0)
        weights.append(weight)
        total += weight
    positive = total > 0.0
    for r, weight in zip(members, weights):
        share = deficit * weight
        np.divide(share, total, out=share, where=positive)
        share[~positive] = 0.0
        lost[r] = share

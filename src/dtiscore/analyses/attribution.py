"""Exact attribution of a change of total to criteria: how many of the points a unit
gained or lost each criterion brought, and of what kind.

A criterion's points *as they count in the total* are its own points times the factor of
every group above it (a group's points over the sum of its members' points: 1 in a plain
group, more where `rescale` spreads the points of criteria that do not apply, less where a
cap cuts). These add up to the total, so their changes add up to the change of total.

A change from `before` to `after` is walked in steps, each criterion's change split by
step and kind:

1. **framework**, when the versions differ: `after`'s data scored under `before`'s
   framework (inputs it lacks as missing), then under `after`'s; every change in between
   is the framework's (formulas, maxima, criteria added or removed).
2. the data, under one framework: a criterion that started or stopped applying brings its
   whole change as **applicability**; otherwise its own points' change, at the factor it
   had before, is **data**, and the change of its factor, at its points after, is
   **rescale** (other criteria of its group stopped applying, a cap bit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np

from ..engine.columns import Columns
from ..errors import DtiError

if TYPE_CHECKING:
    from ..engine.scored import Scored

KINDS = ("data", "applicability", "rescale", "framework")


@attrs.frozen
class Contribution:
    criterion: str
    kind: str  # one of KINDS
    points: float


def factors(result: "Scored") -> dict[str, np.ndarray]:
    """Each criterion's factor per unit: the product of its groups' points over the sum of
    their members' points (0 where that sum is 0)."""
    framework = result.framework
    factor = {framework.root.id: np.ones(len(result))}
    stack = [framework.root.id]
    while stack:
        node_id = stack.pop()
        node = framework.node(node_id)
        if node.kind == "criterion":
            continue
        raw = np.zeros(len(result))
        for child in node.children:  # in file order, as the engine adds them
            raw += result.points(child)
        scale = np.zeros(len(result))
        np.divide(result.points(node_id), raw, out=scale, where=raw != 0)
        scale *= factor[node_id]
        for child in node.children:
            factor[child] = scale
            stack.append(child)
    return {c: factor[c] for c in framework.criteria}


def counted(result: "Scored") -> dict[str, np.ndarray]:
    """Each criterion's points as they count in the total, per unit (they add up to it)."""
    return {c: result.points(c) * f for c, f in factors(result).items()}


def unit_steps(before: "Scored", after: "Scored", before_pos: np.ndarray, after_pos: np.ndarray
               ) -> dict[tuple[str, str], np.ndarray]:
    """(criterion, kind) → points per common unit, adding up to after − before."""
    out: dict[tuple[str, str], np.ndarray] = {}
    if before.framework is after.framework:
        return _data_step(before, after, before_pos, after_pos)
    middle = rescored(before.framework, after)
    if middle is None:  # no middle step: the criteria of one version only are the framework's
        return _framework_step(before, after, before_pos, after_pos, split=True)
    _add(out, _data_step(before, middle, before_pos, after_pos))
    _add(out, _framework_step(middle, after, after_pos, after_pos))
    return out


def _add(out: dict, parts: dict) -> None:
    for key, points in parts.items():
        out[key] = out[key] + points if key in out else points


def _framework_step(a: "Scored", b: "Scored", a_pos, b_pos, split: bool = False) -> dict:
    fa, fb = factors(a), factors(b)
    n = len(a_pos)
    out = {}
    for c in dict.fromkeys([*b.framework.criteria, *a.framework.criteria]):
        if split and c in fa and c in fb:
            continue
        before = (a.points(c) * fa[c])[a_pos] if c in fa else np.zeros(n)
        after = (b.points(c) * fb[c])[b_pos] if c in fb else np.zeros(n)
        out[(c, "framework")] = after - before
    if split:
        common = [c for c in b.framework.criteria if c in fa]
        _add(out, _data_split(a, b, a_pos, b_pos, common, fa, fb))
    return out


def _data_step(a: "Scored", b: "Scored", a_pos, b_pos) -> dict:
    return _data_split(a, b, a_pos, b_pos, b.framework.criteria, factors(a), factors(b))


def _data_split(a, b, a_pos, b_pos, criteria, fa, fb) -> dict:
    """data at the factor before, rescale at the points after; applicability where the
    criterion started or stopped applying."""
    out = {}
    for c in criteria:
        pa, pb = a.points(c)[a_pos], b.points(c)[b_pos]
        f0, f1 = fa[c][a_pos], fb[c][b_pos]
        total = f1 * pb - f0 * pa
        switched = a.applicable(c)[a_pos] != b.applicable(c)[b_pos]
        data = np.where(switched, 0.0, f0 * (pb - pa))
        out[(c, "data")] = data
        out[(c, "applicability")] = np.where(switched, total, 0.0)
        out[(c, "rescale")] = np.where(switched, 0.0, (f1 - f0) * pb)
    return out


def rescored(framework, result: "Scored") -> "Scored | None":
    """`result`'s data scored under another version of its framework: an input that
    version reads and the data lacks is missing; None where an input is read as another
    type (its checked values would mean something else)."""
    columns = result.columns
    theirs = result.framework.inputs
    values, invalid = {}, {}
    n = len(result)
    for name, spec in framework.inputs.items():
        if name in columns.values:
            if theirs[name].type != spec.type:
                return None
            values[name] = columns.values[name]
            if name in columns.invalid:
                invalid[name] = columns.invalid[name]
        else:
            values[name] = np.full(n, np.nan)
    complete = frozenset(name for name in columns.complete if name in values)
    checked = Columns(values, columns.ids, invalid, complete)
    try:
        return framework.scored(framework.score_columns(checked), checked)
    except DtiError:  # a policy that errors on missing data: no middle step
        return None

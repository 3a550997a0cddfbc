"""The compiled evaluator's second half: from the program's per-criterion values to every
node's points, effective max, status and lost points, for all units at once.

Units are taken in blocks of `BLOCK` (`LARGE_BLOCK` for many units) so that temporaries
stay in (L2/L3) cache and are reused rather than allocated afresh at full length; blocks run
on a small thread pool (numpy releases the GIL inside its loops). Sums run over a group's places in file order, exactly
as the reference interpreter adds them, so the two agree to the last bit.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Collection, Sequence

import attrs
import numpy as np

from ..language import ir
from .buffers import take
from .program import Program
from ..errors import MissingDataError
from .kernels import has_nan

BLOCK = 65536  # units per block: 512 KiB per float temporary. Smaller blocks keep more in
# cache but pay the evaluator's Python work (~10-20 ms a block for 100 criteria) more often:
# at 1M units × 100 criteria, 16k blocks took 2.8 s of CPU, 64k 2.3 s, 128k 2.3 s
LARGE_BLOCK = 2 * BLOCK  # when scoring many units: the Python work per block (~3 ms for 75
# criteria with numpy's kernels, ~1 ms with numba's) paid half as often. At 1M units on two
# threads, medians of 9 runs alternating the two sizes: 3-14% faster (province-2023 numpy
# 444 -> 408 ms, numba 299 -> 277 ms; mixed-100 numpy 717 -> 695 ms)
_SEVERITY = {"zero": 0, "exclude": 1, "error": 2}


def blocks(n: int, size: int = BLOCK) -> list[slice]:
    return [slice(start, min(start + size, n)) for start in range(0, n, size)] or [slice(0, 0)]


def default_threads() -> int:
    return min(4, os.cpu_count() or 1)


def scoring_block(n: int, threads: int | None = None) -> int:
    """Units per block when scoring n units: LARGE_BLOCK once every thread still gets two
    of them, else BLOCK (so 100k units still run on two threads)."""
    threads = default_threads() if threads is None else max(threads, 1)
    return LARGE_BLOCK if n >= 2 * threads * LARGE_BLOCK else BLOCK


def run_blocks(work, n: int, threads: int | None = None, size: int = BLOCK) -> None:
    """Call work(block) for every block of n units (`size` at most), on threads when there
    are several."""
    parts = blocks(n, size)
    threads = default_threads() if threads is None else threads
    if threads <= 1 or len(parts) < 2:
        for part in parts:
            work(part)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in pool.map(work, parts):  # re-raises the first error
            pass


@attrs.define
class Scores:
    """Per-node arrays, one row per node in `order` (parents before children).

    Effective maxima are stored for groups only (`group_max`, a row per group): a
    criterion's is its max where it applies and 0 elsewhere, so `effective_max(row)` makes
    it from `applicable` when asked. Storing it would write 8 bytes per unit and criterion
    that scoring never reads (at 1M units × 100 criteria: 800 MB)."""

    order: tuple[str, ...]
    points: np.ndarray  # (nodes, units) float64
    group_max: np.ndarray  # (groups, units) float64: effective max, rows in `group_row` order
    applicable: np.ndarray  # (nodes, units) bool
    status: np.ndarray  # (criteria, units) int8, rows in `criteria` order
    branch: np.ndarray  # (criteria, units) int8, or wider where a rule has over 127 branches
    criteria: tuple[str, ...]
    populations: dict[ir.Population, float]  # population functions' values in this run
    maxima: tuple[float, ...]  # each node's full points
    group_row: dict[int, int]  # node row → its row in group_max (groups only)
    unranked: np.ndarray | None = None  # (units,) bool: a `rank exclude when` holds (None: none declared)

    def effective_max(self, row: int, units=slice(None)) -> np.ndarray:
        """A node's effective max for these units (0 where it does not apply)."""
        if row in self.group_row:
            return self.group_max[self.group_row[row], units]
        return self.applicable[row, units] * self.maxima[row]

    def effective_at(self, row: int, position: int) -> float:
        """One unit's effective max of one node."""
        if row in self.group_row:
            return float(self.group_max[self.group_row[row], position])
        return self.maxima[row] if self.applicable[row, position] else 0.0

    def unit_copies(self, position: int, count: int) -> "Scores":
        """`count` copies of one unit's column, a column each: scenarios of that unit whose
        criteria can be changed and their groups summed again (`aggregate`)."""
        column = slice(position, position + 1)

        def copies(array: np.ndarray) -> np.ndarray:
            return np.repeat(array[:, column], count, axis=1)

        return attrs.evolve(self, points=copies(self.points), group_max=copies(self.group_max),
                            applicable=copies(self.applicable), status=copies(self.status),
                            branch=copies(self.branch),
                            unranked=None if self.unranked is None else copies(self.unranked[None])[0])


@attrs.frozen
class Layout:
    """Where each node's row is, and each group's places: computed once per framework."""

    nodes: tuple[ir.Node, ...]
    row: dict[str, int]
    criterion_row: dict[str, int]
    criteria: tuple[ir.Criterion, ...]
    groups_bottom_up: tuple[ir.Group, ...]
    places: dict[str, tuple[tuple[int, int | None, float], ...]]  # group → (row, substitute row, max)
    inputs_read: dict[str, tuple[str, ...]]  # criterion → the inputs it reads
    group_row: dict[int, int]  # node row → row in Scores.group_max, for groups
    members: dict[str, tuple]  # group → its members as a group kernel takes them (`group_members`)

    @property
    def maxima(self) -> tuple[float, ...]:
        return tuple(float(node.max) for node in self.nodes)

    @classmethod
    def of(cls, framework: ir.Framework) -> "Layout":
        nodes = tuple(framework.nodes())
        row = {node.id: i for i, node in enumerate(nodes)}
        criteria = tuple(n for n in nodes if isinstance(n, ir.Criterion))
        groups = tuple(n for n in reversed(nodes) if isinstance(n, ir.Group))
        places = {
            g.id: tuple((row[o.id], None if s is None else row[s.id], o.max) for o, s in group_places(g))
            for g in groups
        }
        group_rows = [i for i, node in enumerate(nodes) if isinstance(node, ir.Group)]
        group_row = {r: k for k, r in enumerate(group_rows)}
        members = {g.id: group_members(g, places[g.id], row, group_row, nodes) for g in groups}
        return cls(nodes, row, {c.id: i for i, c in enumerate(criteria)}, criteria, groups, places,
                   {c.id: c.inputs for c in criteria}, group_row, members)


def group_members(group: ir.Group, places, row: dict, group_row: dict, nodes) -> tuple:
    """(member rows in file order, each one's row of group_max or -1 for a criterion, each
    one's max, the sum of the places' maxima, the group's max, rescales?, the group's row,
    its row of group_max): a group as a compiled group kernel takes it."""
    members = [r for o, s, _ in places for r in ((o,) if s is None else (o, s))]
    return (np.array(members, dtype=np.int64), np.array([group_row.get(r, -1) for r in members], dtype=np.int64),
            np.array([float(nodes[r].max) for r in members]), float(sum(top for _, _, top in places)),
            float(group.max), group.on_exclude == "rescale", row[group.id], group_row[row[group.id]])


def group_places(group: ir.Group) -> list[tuple[ir.Node, ir.Criterion | None]]:
    """(original, its substitute or None) for each place of a group, in file order."""
    substitutes = {c.replaces: c for c in group.nodes if isinstance(c, ir.Criterion) and c.replaces}
    return [
        (node, substitutes.get(node.id))
        for node in group.nodes
        if not (isinstance(node, ir.Criterion) and node.replaces)
    ]


def evaluate(
    framework: ir.Framework,
    program: Program,
    columns: Sequence[np.ndarray],
    invalid: dict[str, np.ndarray],
    units: Sequence[object],
    layout: Layout | None = None,
    threads: int | None = None,
    populations: list[float] | None = None,
    complete: Collection[int] = (),
) -> Scores:
    """Score every unit; `populations` are the population functions' values when they were
    computed beforehand (over more units than these, when streaming); `complete` are the
    positions of columns known to have every value (the data checks saw no NaN)."""
    layout = layout or Layout.of(framework)
    n = len(units)
    pops = program.populations(list(columns), n) if populations is None else list(populations)
    scores = Scores(
        order=tuple(node.id for node in layout.nodes),
        points=take((len(layout.nodes), n)),
        group_max=take((len(layout.group_row), n)),
        applicable=take((len(layout.nodes), n), bool),
        status=take((len(layout.criteria), n), np.int8),
        branch=take((len(layout.criteria), n), program.branch_dtype),
        criteria=tuple(c.id for c in layout.criteria),
        populations={p: float(v) for p, v in zip(program.population_order, pops)},
        maxima=layout.maxima,
        group_row=layout.group_row,
        unranked=np.zeros(n, bool) if program.unranked else None,
    )
    by_name = dict(zip(program.columns, columns))
    inputs = {spec.name: spec for spec in framework.inputs}
    gappy = [i for i, c in enumerate(columns) if i not in complete and has_nan(c)]  # with a missing value
    pops_defined = not any(np.isnan(p) for p in pops)

    points_rows = [layout.row[c] for c in program.criteria]
    group_kernel = program.kernels.get("group")  # the engine's, or None: numpy's (`_group`)
    settle = program.kernels.get("settle")  # the engine's one-pass statuses, or None
    branch_rows = [layout.criterion_row[c] for c in program.criteria]

    def work(block: slice) -> None:
        cols = [c[block] for c in columns]
        clean = pops_defined and not invalid and not any(has_nan(cols[i]) for i in gappy)
        outputs = program.run(cols, pops, block.stop - block.start, [scores.points[r, block] for r in points_rows],
                              [scores.branch[c, block] for c in branch_rows], clean)
        if program.unranked:  # a condition with no value takes no rank away
            scores.unranked[block] = _exclusions(outputs, program.unranked)[0]
        named = {name: c[block] for name, c in by_name.items()}
        bad = {name: mask[block] for name, mask in invalid.items()}
        whole: dict[int, float] = {}  # nodes that apply to every unit of the block → effective max
        for crit in layout.criteria:
            r = layout.row[crit.id]
            if _criterion(crit, layout.inputs_read[crit.id], program.slots[crit.id], outputs, named,
                          inputs, bad, units, block, scores, r, layout.criterion_row[crit.id], settle, clean):
                whole[r] = scores.maxima[r]
        for group in layout.groups_bottom_up:
            if group_kernel is None:
                _group(group, layout, scores, block, whole)
                continue
            for o, s, _ in layout.places[group.id]:
                if s is not None:
                    _settle_substitute(o, s, layout, scores, block, whole)
            _group_compiled(program.kernels, layout.members[group.id], scores, block, whole)

    run_blocks(work, n, threads, scoring_block(n, threads))
    return scores


def _group_compiled(kernels: dict, members: tuple, scores: Scores, block: slice, whole: dict[int, float]) -> None:
    """A group over one block by an engine's kernels: `group_whole` when every member
    applies to every unit of the block (then their effective maxima add up to one float,
    the same one `_group` adds), else `group`."""
    rows, m_all, top, rescale, g = members[0], members[3], members[4], members[5], members[6]
    m_app = 0.0
    for r in rows.tolist():
        if r not in whole:
            break
        m_app += whole[r]
    else:
        if len(rows) and (m_app > 0.0 or not rescale):
            whole[g] = kernels["group_whole"](scores.points, scores.applicable, scores.group_max, block.start,
                                              block.stop, rows, m_app, m_all, top, rescale, g, members[7])
            return
    kernels["group"](scores.points, scores.applicable, scores.group_max, block.start, block.stop, *members)


def aggregate(layout: Layout, scores: Scores, block: slice) -> None:
    """Every group's points, effective max and applicability over a block, summed again
    from its criteria's as `scores` holds them (what scoring does once the rules have
    given points): with `Scores.unit_copies`, one unit's total under other points."""
    whole: dict[int, float] = {}
    for group in layout.groups_bottom_up:
        _group(group, layout, scores, block, whole)


def _criterion(crit, inputs_read, slots, outputs, columns, inputs, invalid, units, block, scores, r, c,
               settle=None, clean: bool = False) -> bool:
    """Status, points, applicability and branch of one criterion over one block; True when
    it applies to every unit of the block. The program has written the rule's points and
    branch codes into the criterion's rows; they are kept where the unit is scored.

    Statuses are composed with int8 arithmetic (`s += (code - s) * mask`), not masked
    writes: masks such as "evidence missing" are scattered, and numpy's masked writes slow
    to several ns a unit on them, where the arithmetic stays a fraction of one. In most
    blocks every unit is scored: then points and branches stay as they are. On a `clean`
    block (no missing value), points the compiler proved defined are not looked through
    for undefined ones."""
    points = scores.points[r, block]
    status = scores.status[c, block]
    branch, applicable = scores.branch[c, block], scores.applicable[r, block]
    if clean and slots.defined_when_complete and crit.evidence is None and not slots.exclusions:
        status.fill(ir.SCORED)  # the usual criterion on the usual block: nothing to look at
        applicable.fill(True)
        return True
    if settle is not None and not any(name in invalid for name in inputs_read):
        excluded, unknown = _exclusions(outputs, slots.exclusions) if slots.exclusions else (_NO_MASK, None)
        if unknown is None:
            evidence = _NO_VALUES if crit.evidence is None else columns[crit.evidence]
            unscored, missing = settle(points, branch, status, applicable, evidence, excluded)
            if missing:
                _apply_policy(crit, inputs_read, columns, inputs, units, block, status == ir.MISSING, applicable)
            return unscored == 0
    undefined = None if (clean and slots.defined_when_complete) or not has_nan(points) else np.isnan(points)
    if undefined is not None:
        np.multiply(undefined.view(np.int8), np.int8(ir.MISSING), out=status)  # SCORED is 0
    else:
        status.fill(ir.SCORED)
    if crit.evidence is not None:
        _overrule(status, ir.NO_EVIDENCE, columns[crit.evidence] != 1.0, undefined is None)
    if slots.exclusions:
        excluded, unknown = _exclusions(outputs, slots.exclusions)
        if unknown is not None:
            _overrule(status, ir.MISSING, unknown & ~excluded)
        _overrule(status, ir.EXCLUDED, excluded)
    for name in inputs_read:
        if name in invalid:
            _overrule(status, ir.INVALID, invalid[name])
    if not status.any():  # every unit scored
        applicable.fill(True)
        return True
    scored = status == ir.SCORED
    np.not_equal(status, ir.EXCLUDED, out=applicable)
    missing = status == ir.MISSING
    if missing.any():
        _apply_policy(crit, inputs_read, columns, inputs, units, block, missing, applicable)
    np.multiply(points, scored, out=points)  # NaN × 0 stays NaN: those are undefined ones
    if undefined is not None:
        np.copyto(points, 0.0, where=undefined)
    np.multiply(branch, scored.view(np.int8), out=branch)
    branch += scored.view(np.int8) - np.int8(1)  # -1 where not scored
    return False


_NO_MASK, _NO_VALUES = np.zeros(0, bool), np.zeros(0)  # a settle kernel's "none"


def _apply_policy(crit, inputs_read, columns, inputs, units, block, missing, applicable) -> None:
    """The missing-data policy where a criterion has no value: an error stops scoring,
    `exclude` takes the unit's criterion out (`zero` keeps it, at 0 points)."""
    policy = _missing_policy(crit, inputs_read, columns, inputs, missing)
    stop = missing & (policy == _SEVERITY["error"])
    if stop.any():
        raise _missing_error(crit, inputs_read, columns, units, block, stop)
    applicable &= ~(missing & (policy == _SEVERITY["exclude"]))


def _exclusions(outputs, slots) -> tuple[np.ndarray, np.ndarray | None]:
    """(excluded, undefined or None) where any exclusion condition holds / has no value.
    A condition the clean program computed as a bool array cannot be undefined."""
    excluded, unknown = None, None
    for slot in slots:
        condition = outputs[slot]
        holds = condition if condition.dtype == bool else condition == 1.0
        excluded = holds if excluded is None else excluded | holds
        if condition.dtype != bool and has_nan(condition):
            nan = np.isnan(condition)
            unknown = nan if unknown is None else unknown | nan
    return excluded, unknown


def _overrule(status: np.ndarray, code: int, where: np.ndarray, all_scored: bool = False) -> None:
    """status[where] = code, branch-free (one multiplication when status is all SCORED)."""
    if all_scored:
        np.multiply(where.view(np.int8), np.int8(code), out=status)
    else:
        status += (np.int8(code) - status) * where.view(np.int8)


def _missing_policy(crit, inputs_read, columns, inputs, missing) -> np.ndarray:
    """Per unit: the most severe policy among the missing inputs' own (or the criterion's,
    for an input without one); the criterion's where no input is missing (undefined)."""
    default = _SEVERITY[crit.on_missing]
    policy = np.full(missing.shape, -1, dtype=np.int8)
    for name in inputs_read:
        absent = missing & np.isnan(columns[name])
        if absent.any():
            own = _SEVERITY[inputs[name].on_missing or crit.on_missing]
            policy[absent & (policy < own)] = own
    policy[policy < 0] = default
    return policy


def _missing_error(crit, inputs_read, columns, units, block, where) -> MissingDataError:
    problems = []
    for i in np.flatnonzero(where)[:20]:
        absent = [name for name in inputs_read if np.isnan(columns[name][i])]
        problems.append(
            f"unit {units[block.start + i]!r}: criterion '{crit.id}' has no value "
            f"(missing: {', '.join(absent) or 'an undefined value'}) and on_missing is error"
        )
    return MissingDataError(problems)


def _group(group: ir.Group, layout: Layout, scores: Scores, block: slice, whole: dict[int, float]) -> None:
    """A group's points, effective max and applicability over one block, from its members'
    (`whole`: the nodes that apply to every unit of the block, with their effective max,
    the same for every unit). Sums run in file order, as the reference interpreter adds
    them; where every member is whole, the sum of effective maxima is one Python float,
    the same float numpy would make unit by unit. The sums are made in the group's own
    rows (points, effective max): no new array, whose fresh pages cost more than the adding."""
    points, applicable = scores.points, scores.applicable
    m = block.stop - block.start
    g = layout.row[group.id]
    kept, top = points[g, block], scores.group_max[layout.group_row[g], block]
    raw = None  # kept once a member is added: 0.0 + the first, as the reference starts at 0.0
    m_app: float | np.ndarray = 0.0  # one float while every member so far is whole
    any_applicable: bool | np.ndarray = False
    m_all = 0.0
    member_max = None  # scratch for a criterion's effective max
    for o, s, place_max in layout.places[group.id]:
        m_all += place_max
        if s is not None:
            _settle_substitute(o, s, layout, scores, block, whole)
        for r in (o,) if s is None else (o, s):
            raw = np.add(points[r, block], 0.0, out=kept) if raw is None else np.add(raw, points[r, block], out=kept)
            if r in whole:
                m_app += whole[r]  # in place once an array: the same sums, in the same order
                any_applicable = True
                continue
            if isinstance(m_app, float):
                top.fill(m_app)
                m_app = top
            if r in scores.group_row:
                m_app += scores.effective_max(r, block)
            else:
                member_max = np.empty(m) if member_max is None else member_max
                m_app += np.multiply(applicable[r, block], scores.maxima[r], out=member_max)
            if any_applicable is False:
                any_applicable = applicable[r, block].copy()
            elif any_applicable is not True:
                any_applicable |= applicable[r, block]
    if raw is None:
        raw = kept
        kept.fill(0.0)
    if any_applicable is True and isinstance(m_app, float) and (m_app > 0.0 or group.on_exclude != "rescale"):
        whole[g] = _settled(group, raw, m_app, m_all, kept, top)  # the usual block
        applicable[g, block] = True
        return
    # written straight into the group's rows; masked writes as np.copyto(where=), several
    # times faster than boolean indexing on scattered masks
    m_app = np.broadcast_to(m_app, (m,))
    if group.on_exclude == "rescale":
        np.multiply(raw, m_all, out=kept)
        carries = m_app > 0.0  # where what applies carries no points: nothing to earn or lose
        np.divide(kept, m_app, out=kept, where=carries)
        np.minimum(kept, group.max, out=kept)
        np.copyto(kept, 0.0, where=~carries)
        np.multiply(carries, float(group.max), out=top)  # group.max where it carries, else 0.0
    else:
        np.minimum(m_app, group.max, out=top)
        np.minimum(raw, top, out=kept)
    if any_applicable is not True:
        none = ~np.broadcast_to(any_applicable, (m,))
        np.copyto(kept, 0.0, where=none)
        np.copyto(top, 0.0, where=none)
    applicable[g, block] = any_applicable


def _settled(group: ir.Group, raw: np.ndarray, m_app: float, m_all: float, kept: np.ndarray,
             top: np.ndarray) -> float:
    """Points and effective max of a group all of whose units have something that applies,
    with the same sum of applicable maxima `m_app` (> 0 when rescaling); gives the
    effective max, the same for every unit."""
    if group.on_exclude == "rescale":
        np.multiply(raw, m_all, out=kept)
        np.divide(kept, m_app, out=kept)
        np.minimum(kept, group.max, out=kept)
        effective = float(group.max)
    else:
        effective = min(m_app, group.max)
        np.minimum(raw, effective, out=kept)
    top.fill(effective)
    return effective


def _settle_substitute(o: int, s: int, layout: Layout, scores: Scores, block: slice, whole: dict[int, float]) -> None:
    """Where the original (row o) applies, its substitute (row s) is inactive."""
    taken = scores.applicable[o, block]
    if not taken.any():
        return
    c = layout.criterion_row[layout.nodes[s].id]
    scores.status[c, block][taken] = ir.INACTIVE
    scores.branch[c, block][taken] = -1
    scores.points[s, block][taken] = 0.0
    scores.applicable[s, block][taken] = False
    whole.pop(s, None)


def attribute(framework: ir.Framework, scores: Scores, layout: Layout | None = None,
              threads: int | None = None) -> np.ndarray:
    """Lost points of every node, passed top-down as the specification says."""
    layout = layout or Layout.of(framework)
    lost = take(scores.points.shape)
    run_blocks(lambda block: attribute_block(layout, scores, block, lost[:, block]), scores.points.shape[1], threads)
    return lost


def attribute_block(layout: Layout, scores: Scores, block: slice, lost: np.ndarray) -> None:
    """Lost points of every node for the units of one block, written into `lost` (a row per
    node, a column per unit of the block): the same floats whatever the blocks."""
    root = 0  # Framework.nodes() starts at the root
    np.subtract(scores.effective_max(root, block), scores.points[root, block], out=lost[root])
    for group in reversed(layout.groups_bottom_up):
        _pass_down(group, layout, scores, lost, block)


def _pass_down(group: ir.Group, layout: Layout, scores: Scores, lost: np.ndarray, block: slice) -> None:
    deficit = lost[layout.row[group.id]]
    places = layout.places[group.id]
    members = [r for o, s, _ in places for r in ((o,) if s is None else (o, s))]
    m_all = sum(top for _, _, top in places)
    m = block.stop - block.start
    effective = {r: scores.effective_max(r, block) for r in members}
    m_app = np.full(m, 0.0)
    for r in members:
        m_app += effective[r]
    factor = np.full(m, 1.0)
    if group.on_exclude == "rescale":
        np.divide(m_all, m_app, out=factor, where=m_app > 0.0)
    weights = []
    total = np.full(m, 0.0)
    for r in members:
        weight = effective[r] - scores.points[r, block]
        weight *= factor
        weight[~scores.applicable[r, block]] = 0.0
        weights.append(weight)
        total += weight
    positive = total > 0.0
    for r, weight in zip(members, weights):
        share = lost[r]
        np.multiply(deficit, weight, out=share)
        np.divide(share, total, out=share, where=positive)
        share[~positive] = 0.0

"""Scoring every unit many times over in one vectorised pass: copies × units rows, each
copy with some columns of its own (a param's sampled value, evidence rejected). The
analyses that ask "what if" of every unit at once (sensitivity, robustness) score here.

Only the criteria that read a column of the copies' own can differ between copies: those
are scored copies × units times (by a framework of just them), every other criterion keeps
its row of the result as scored, and the groups are summed again over all rows by the
engine's own `aggregate`. The rules of the other criteria are never run again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Collection, Mapping, Sequence

import attrs
import numpy as np

from ..engine.columns import Columns
from ..engine.compiled import CompiledFramework
from ..engine.evaluate import Layout, aggregate, group_members, run_blocks
from ..engine.ranks import NO_RANK
from ..errors import DtiError
from ..language import ir

if TYPE_CHECKING:
    from ..engine.compiled import CompiledFramework
    from ..engine.scored import Scored

ROWS = 1 << 17  # copies × units scored in one pass (more copies go in passes of about this many rows)


def score_copies(framework: "CompiledFramework", result: "Scored", copies: int,
                 own: Callable[[slice], Mapping[str, np.ndarray]], threads: int | None = None,
                 varying: str = "what the copies change", nodes: Sequence[str] = ()) -> np.ndarray:
    """(1 + len(nodes), copies, units): the totals, then the points of each of `nodes`, of
    `result`'s units scored by `framework`. `own(copies slice)` gives the columns that differ
    between copies, each an array of (copies in the slice) × units values, copy by copy;
    every other input is the unit's own. Population functions keep their values in `result`."""
    n = len(result)
    step = max(1, ROWS // max(n, 1))
    nodes = [framework.ir.root.id, *nodes]  # the root first
    names = tuple(own(slice(0, 0)))
    sub = framework.memo(("copies: readers", names), lambda: readers(framework, names))
    if sub is None:  # no criterion reads what the copies change: every copy scores as the result
        return np.stack([np.broadcast_to(result.points(node), (copies, n)) for node in nodes])
    populations = populations_of(sub, result, varying)
    return np.concatenate([_pass(framework, sub, result, own(slice(start, min(start + step, copies))),
                                 populations, threads, nodes)
                           for start in range(0, copies, step)], axis=1)


def readers(framework: "CompiledFramework", names: Collection[str]) -> "CompiledFramework | None":
    """A framework of just the criteria of `framework` that read any of the columns `names`
    (with the criterion each replaces or is replaced by), under a root of their own; None
    where no criterion reads them."""
    names = set(names)
    criteria = list(framework.ir.criteria())
    reading = {c.id for c in criteria if names & set(_columns_in(c))}
    reading |= {c.replaces for c in criteria if c.id in reading and c.replaces}
    reading |= {c.id for c in criteria if c.replaces in reading}
    chosen = tuple(c for c in criteria if c.id in reading)
    if not chosen:
        return None
    root = attrs.evolve(framework.ir.root, nodes=chosen, max=float(sum(c.max for c in chosen)), cap=False)
    return CompiledFramework(attrs.evolve(framework.ir, root=root, bands=None))


def _columns_in(node: Any) -> tuple[str, ...]:
    """Every column a node's fields read (its rule, exclusions, evidence; lets included),
    each part looked at once (lets each reading the one before twice are 2**n paths)."""
    seen: dict[str, None] = {}
    stack, visited = [node], set()
    while stack:
        item = stack.pop()
        if id(item) in visited:
            continue
        visited.add(id(item))
        if isinstance(item, ir.Column):
            seen.setdefault(item.name, None)
        elif isinstance(item, tuple):
            stack.extend(item)
        elif attrs.has(type(item)):
            stack.extend(getattr(item, field.name) for field in attrs.fields(type(item)))
    if isinstance(node, ir.Criterion) and node.evidence:
        seen.setdefault(node.evidence, None)
    return tuple(seen)


def _pass(framework: "CompiledFramework", sub: "CompiledFramework", result: "Scored",
          own: Mapping[str, np.ndarray], populations: list[float], threads: int | None,
          nodes: Sequence[str]) -> np.ndarray:
    """One pass of copies: `sub`'s criteria scored on every row; the groups above them
    summed again from their members' rows (the others' as in `result`)."""
    n = len(result)
    copies = len(next(iter(own.values()))) // max(n, 1) if own else 1
    changed = _score_readers(sub, result.columns, own, populations, threads, copies)
    layout = framework.memo(("copies: summing", sub.criteria), lambda: summing(framework.layout, set(sub.criteria)))
    held, rows = result.scores, n * copies
    points, applicable = np.empty((len(layout.nodes), rows)), np.empty((len(layout.nodes), rows), dtype=bool)
    group_max = np.empty((len(layout.group_row), rows))
    summed = {g.id for g in layout.groups_bottom_up}
    for i, node in enumerate(layout.nodes):
        if node.id in summed:
            continue  # written by aggregate
        source, row = (changed, sub.layout.row[node.id]) if node.id in sub.layout.criterion_row else \
            (held, result.node_row(node.id))
        for array, values in ((points, source.points), (applicable, source.applicable)):
            array[i].reshape(-1, n)[:] = values[row].reshape(-1, n)  # one row per copy, or the same for every copy
        if i in layout.group_row:
            group_max[layout.group_row[i]].reshape(copies, n)[:] = held.group_max[held.group_row[row]]
    branch = np.empty((len(layout.criteria), rows), dtype=held.branch.dtype)
    scores = attrs.evolve(held, order=tuple(node.id for node in layout.nodes), points=points, group_max=group_max,
                          applicable=applicable, status=np.empty((len(layout.criteria), rows), dtype=np.int8),
                          branch=branch, criteria=tuple(c.id for c in layout.criteria), maxima=layout.maxima,
                          group_row=layout.group_row)
    run_blocks(lambda block: aggregate(layout, scores, block), rows, threads)
    return points[[layout.row[node] for node in nodes]].reshape(len(nodes), copies, n)


def summing(layout: Layout, changed: set[str]) -> Layout:
    """The engine's layout cut down to the groups with a criterion of `changed` under them
    and their members (the rows that summing those groups again reads and writes)."""
    nodes = layout.nodes
    under: dict[str, bool] = {}
    members = {g.id: [nodes[r].id for o, s, _ in layout.places[g.id] for r in ((o,) if s is None else (o, s))]
               for g in layout.groups_bottom_up}
    for group in layout.groups_bottom_up:  # children first
        under[group.id] = any(m in changed or under.get(m, False) for m in members[group.id])
    keep = {g for g, yes in under.items() if yes}
    keep |= {m for g in list(keep) for m in members[g]}
    chosen = tuple(node for node in nodes if node.id in keep)  # parents before children, as in the engine
    row = {node.id: i for i, node in enumerate(chosen)}
    criteria = tuple(node for node in chosen if isinstance(node, ir.Criterion))
    groups = tuple(g for g in layout.groups_bottom_up if under[g.id])
    places = {g.id: tuple((row[nodes[o].id], None if s is None else row[nodes[s].id], top)
                          for o, s, top in layout.places[g.id]) for g in groups}
    group_row = {i: k for k, i in enumerate(i for i, node in enumerate(chosen) if isinstance(node, ir.Group))}
    return Layout(chosen, row, {c.id: k for k, c in enumerate(criteria)}, criteria, groups, places,
                  {c.id: layout.inputs_read[c.id] for c in criteria}, group_row,
                  {g.id: group_members(g, places[g.id], row, group_row, chosen) for g in groups})


def _score_readers(framework: "CompiledFramework", columns: Columns, own: Mapping[str, np.ndarray],
                   populations: list[float], threads: int | None, copies: int):
    """`framework` (the readers) scored on every copy: the columns its criteria read
    repeated once per copy, the others (which it never reads) a zero-stride stand-in."""
    rows = len(columns) * copies
    read = framework.memo("copies: columns read",
                          lambda: {name for c in framework.ir.criteria() for name in (*_columns_in(c), *c.inputs)})
    values, invalid = {}, {}
    for name in framework.program.columns:
        if name in own:
            values[name] = own[name]
        elif name in read:
            values[name] = np.tile(columns.values[name], copies)
            if name in columns.invalid:
                invalid[name] = np.tile(columns.invalid[name], copies)
        else:
            values[name] = np.broadcast_to(0.0, (rows,))
    complete = frozenset(name for name in values if name not in own and (name in columns.complete or name not in read))
    return framework.score_columns(Columns(values, list(range(rows)), invalid, complete), threads, populations)


def populations_of(framework: "CompiledFramework", result: "Scored", varying: str) -> list[float]:
    """The population functions' values over the units as scored, in `framework`'s order
    (none of its population functions may read what the copies change)."""
    known = result.scores.populations
    out = []
    for population in framework.program.population_order:
        if population not in known:
            raise DtiError(f"{varying} is read by {population.func}(...), a function of every unit: "
                           "its value would differ from copy to copy")
        out.append(known[population])
    return out


RANK_ROWS = 64  # rows ranked at a time: their temporaries stay small and in cache


def row_ranks(totals: np.ndarray, ranked: np.ndarray | None = None) -> np.ndarray:
    """Competition ranks within each row (1 is best, ties share the better rank; totals
    equal to 9 decimals tie), as `engine.ranks.competition_rank` gives for one row; units
    not `ranked` (`rank exclude when`) get `NO_RANK` and count for no one else's rank."""
    if ranked is not None and not ranked.all():
        ranks = np.full(totals.shape, NO_RANK, dtype=np.int64)
        ranks[:, ranked] = row_ranks(totals[:, ranked])
        return ranks
    ranks = np.empty(totals.shape, dtype=np.int64)
    for start in range(0, len(totals), RANK_ROWS):
        part = slice(start, start + RANK_ROWS)
        ranks[part] = _row_ranks(totals[part])
    return ranks


def _row_ranks(totals: np.ndarray) -> np.ndarray:
    rounded = np.round(totals, 9)
    order = np.argsort(-rounded, axis=1, kind="stable")
    ordered = np.take_along_axis(rounded, order, axis=1)
    position = np.arange(1, totals.shape[1] + 1)
    starts = np.ones_like(ordered, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    rank_sorted = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
    ranks = np.empty_like(rank_sorted)
    np.put_along_axis(ranks, order, rank_sorted, axis=1)
    return ranks

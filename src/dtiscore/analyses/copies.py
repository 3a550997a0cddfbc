"""Scoring every unit many times over in one vectorised pass: copies × units rows, each
copy with some columns of its own (a param's sampled value, evidence rejected). The
analyses that ask "what if" of every unit at once (sensitivity, robustness) score here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import numpy as np

from ..engine.columns import Columns
from ..errors import DtiError

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
    populations = populations_of(framework, result, varying)
    n = len(result)
    step = max(1, ROWS // max(n, 1))
    rows = [0] + [result.scores.order.index(node) for node in nodes]  # the root's row comes first
    return np.concatenate([_pass(framework, result.columns, own(slice(start, min(start + step, copies))),
                                 populations, threads, rows)
                           for start in range(0, copies, step)], axis=1)


def _pass(framework: "CompiledFramework", columns: Columns, own: Mapping[str, np.ndarray],
          populations: list[float], threads: int | None, rows: list[int]) -> np.ndarray:
    n = len(columns)
    copies = len(next(iter(own.values()))) // max(n, 1) if own else 1
    used = set(framework.program.columns)
    values = {name: np.tile(column, copies) for name, column in columns.values.items()
              if name in used and name not in own}
    values.update(own)
    invalid = {name: np.tile(mask, copies) for name, mask in columns.invalid.items()}
    complete = frozenset(name for name in columns.complete if name not in own)
    tiled = Columns(values, list(range(n * copies)), invalid, complete)
    scores = framework.score_columns(tiled, threads, populations)
    return scores.points[rows].reshape(len(rows), copies, n)


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


def row_ranks(totals: np.ndarray) -> np.ndarray:
    """Competition ranks within each row (1 is best, ties share the better rank; totals
    equal to 9 decimals tie), as `engine.ranks.competition_rank` gives for one row."""
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

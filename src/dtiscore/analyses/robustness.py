"""Robustness to rejected evidence: for each unit, the worst rank it falls to if the
appraisal rejects up to K of its evidence items, and which items. Exact, not sampled.

An evidence item is a bool input that some criterion names with `evidence`; rejecting it
for a unit makes it false for that unit (an item the unit did not claim, false or missing,
cannot be rejected). Points need not add up item by item (`rescale`, caps, an item read by
several criteria), so every set of up to K items is scored: all sets × all units in one
vectorised pass, and the unit's lowest total is ranked against the others' totals as scored
(only its own evidence is rejected). Among the sets that give that total, the smallest comes
first.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import attrs
import numpy as np

from .copies import score_copies
from ..engine.ranks import NO_RANK
from ..engine.scored import Scored
from ..errors import DtiError, instance, threads as threads_argument, whole
from ..language import ir



@attrs.frozen(eq=False)
class Robustness:
    """Per unit: the nominal rank, the worst rank after rejecting up to `k` evidence items,
    the total there, and the items rejected (none where no rejection lowers the total)."""

    units: list
    k: int
    rank: np.ndarray
    worst_rank: np.ndarray
    worst_total: np.ndarray
    items: tuple[tuple[str, ...], ...]

    def table(self) -> dict[str, Any]:
        """unit, rank, worst_rank, items (separated by ';'): one row per unit."""
        return {"unit": self.units, "rank": self.rank, "worst_rank": self.worst_rank,
                "items": [";".join(items) for items in self.items]}

    def __repr__(self) -> str:
        return f"<Robustness of {len(self.units)} units to {self.k} rejected evidence items>"


def evidence_items(framework) -> tuple[str, ...]:
    """The bool inputs criteria name as `evidence`, in file order."""
    return tuple(dict.fromkeys(c.evidence for c in framework.ir.criteria() if c.evidence))


def robustness(result: "Scored", k: int, threads: int | None = None) -> Robustness:
    """Each unit's worst rank if up to `k` of its evidence items were rejected."""
    instance("result", result, Scored, "a Result")
    k, threads = whole("k (the number of rejected items)", k), threads_argument(threads)
    framework, n = result.framework, len(result)
    items = evidence_items(framework)
    read = {name for p in framework.program.population_order for name in ir.columns_used(p.arg)}
    if read & set(items):
        raise DtiError(f"evidence {', '.join(sorted(read & set(items)))} is read by a function of every unit "
                       "(best, worst, mean, percentile): rejecting it for one unit would move the others")
    excluding = {name for e in framework.ir.rank_exclusions for name in ir.columns_used(e.cond)}
    if excluding & set(items):
        raise DtiError(f"evidence {', '.join(sorted(excluding & set(items)))} is read by `rank exclude when`: "
                       "rejecting it would change who is ranked")
    sets = [s for size in range(1, min(int(k), len(items)) + 1) for s in combinations(range(len(items)), size)]
    totals = result.total[None, :]
    if sets and n:
        chosen = np.zeros((len(sets), len(items)), dtype=bool)
        for row, s in enumerate(sets):
            chosen[row, list(s)] = True
        claimed = {name: result.columns.values[name] == 1.0 for name in items}

        def own(part: slice) -> dict[str, np.ndarray]:
            return {name: np.where(chosen[part, j][:, None] & claimed[name][None, :], 0.0,
                                   result.columns.values[name][None, :]).ravel()
                    for j, name in enumerate(items)}

        totals = np.concatenate([totals, score_copies(framework, result, len(sets), own, threads,
                                                      varying="an evidence item")[0]])
    rounded = np.round(totals, 9)
    best_set = np.argmin(rounded, axis=0)  # the first lowest: the empty set, then smaller sets first
    worst = rounded[best_set, np.arange(n)]
    nominal, ranked = rounded[0], result.ranked  # units not ranked count for no one's rank
    ordered = np.sort(nominal[ranked])
    above = len(ordered) - np.searchsorted(ordered, worst, side="right") - (nominal > worst)  # the unit left out
    worst_rank = np.where(ranked, above + 1, NO_RANK).astype(np.int64)
    found = tuple(() if row == 0 else tuple(items[j] for j in sets[row - 1]) for row in best_set.tolist())
    return Robustness(list(result.units), int(k), result.rank(), worst_rank,
                      totals[best_set, np.arange(n)], found)

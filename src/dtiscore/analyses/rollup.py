"""Roll-ups: units combined into parents — communes into their district, or provinces that
merged into one province.

`how="mean"`: a parent's points, effective max and total are the means over its units, and
each node's index is the mean of its units' indices for that node (so a merged province's
main-group index is the mean of the provinces' main-group indices); with `weights` (one per
unit, e.g. population) the means are weighted. `how="sum"`: points and maxima add up and an
index is summed points / summed max. Units mapped to None are left out. Computed for all
parents at once with `np.bincount`.

Vietnam's 2024 rule for merged provinces is `how="mean"` over the index-level framework
(`vn-dti-province-2022-index.dti`): a merged province's main indices are the means of its
provinces' main indices, so its DTI (a fixed weighting of the main indices) is the mean of
their DTIs and each pillar the mean of their pillars (docs/analyses.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ArgumentError, DtiError, choice
from ..engine.ranks import competition_rank, index_rank, rank_within, view_columns

if TYPE_CHECKING:
    from ..engine.scored import Scored

HOWS = ("mean", "sum")


class Rollup:
    """Parents' points, maxima and indices, node by node, like a `Result`'s."""

    def __init__(self, result: "Scored", parents: list, codes: np.ndarray, keep: np.ndarray, how: str,
                 weights: np.ndarray | None):
        self.result = result
        self.framework = result.framework
        self.how = how
        self.units = parents
        self._codes = codes  # parent position of each kept unit
        self._keep = keep  # positions of the kept units in the result
        self._weights = weights
        self._size = self._sum(np.ones(len(keep)))
        self.members = {p: tuple(result.units[keep[i]] for i in np.flatnonzero(codes == k))
                        for k, p in enumerate(parents)}

    def __len__(self) -> int:
        return len(self.units)

    def __repr__(self) -> str:
        return f"<Rollup ({self.how}) of {len(self._keep)} units into {len(self)} parents>"

    def _sum(self, values: np.ndarray) -> np.ndarray:
        weights = values if self._weights is None else values * self._weights
        return np.bincount(self._codes, weights=weights, minlength=len(self.units))

    def _combine(self, values: np.ndarray) -> np.ndarray:
        if self.how == "sum":
            return np.bincount(self._codes, weights=values, minlength=len(self.units))
        return self._sum(values) / self._size

    def points(self, node_id: str) -> np.ndarray:
        return self._combine(self.result.points(node_id)[self._keep])

    def max(self, node_id: str) -> np.ndarray:
        return self._combine(self.result.max(node_id)[self._keep])

    def node_index(self, node_id: str) -> np.ndarray:
        """mean: the mean of the units' indices of the node (units where it does not apply
        left out); sum: summed points / summed max."""
        out = np.full(len(self), np.nan)
        if self.how == "sum":
            top = self.max(node_id)
            np.divide(self.points(node_id), top, out=out, where=top > 0)
            return out
        index = self.result.node_index(node_id)[self._keep]
        present = ~np.isnan(index)
        weights = np.ones(len(index)) if self._weights is None else self._weights
        count = np.bincount(self._codes, weights=present * weights, minlength=len(self))
        total = np.bincount(self._codes, weights=np.where(present, index, 0.0) * weights, minlength=len(self))
        np.divide(total, count, out=out, where=count > 0)
        return out

    @property
    def total(self) -> np.ndarray:
        return self.points(self.framework.root.id)

    @property
    def effective_max(self) -> np.ndarray:
        return self.max(self.framework.root.id)

    @property
    def index(self) -> np.ndarray:
        return self.node_index(self.framework.root.id)

    def rank(self, by: Any = None) -> np.ndarray:
        """Competition ranking of the parents by total (within peer groups with `by`)."""
        return competition_rank(self.total) if by is None else rank_within(self.total, by)

    def view(self, tag_key: str) -> dict[str, np.ndarray]:
        """For each value of a tag, the parents' index of the nodes carrying it: their
        combined points / their combined maxima (as `Result.view`, over the parents)."""
        views = {}
        for value, node_ids in self.framework.carriers(tag_key).items():
            points = sum(self.points(n) for n in node_ids)
            top = sum(self.max(n) for n in node_ids)
            index = np.full(len(self), np.nan)
            np.divide(points, top, out=index, where=top > 0)
            views[value] = index
        return views

    def table(self, groups: bool = True) -> dict[str, np.ndarray | list]:
        """parent, units, total, index, rank, each tag view's index and rank (as in the
        score table) and each group's index."""
        out: dict = {"unit": self.units, "units": np.bincount(self._codes, minlength=len(self)),
                     "total": self.total, "index": self.index, "rank": self.rank()}
        for key in self.result.tag_keys:
            for value, index in self.view(key).items():
                index_column, rank_column = view_columns(key, value)
                out[index_column], out[rank_column] = index, index_rank(index)
        if groups:
            for g in self.framework.groups:
                out[f"{g}_index"] = self.node_index(g)
        return out


def rollup(result: "Scored", mapping, how: str = "mean", weights=None) -> Rollup:
    choice("how", how, HOWS)
    parents_of = _parents(result, mapping)
    keep = np.array([i for i, p in enumerate(parents_of) if p is not None], dtype=np.intp)
    if not len(keep):
        raise DtiError("the mapping puts no unit under a parent")
    order: dict = {}
    codes = np.array([order.setdefault(parents_of[i], len(order)) for i in keep], dtype=np.intp)
    w = None
    if weights is not None:
        if how == "sum":
            raise ArgumentError("weights apply to how='mean'")
        try:
            w = np.asarray(weights, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise TypeError(f"weights must be numbers, one per unit, not {weights!r:.60}") from None
        if w.shape != (len(result),):
            raise DtiError(f"weights: {len(result)} values needed (one per unit), got {w.size}")
        if (w[keep] < 0).any() or np.isnan(w[keep]).any():
            raise DtiError("weights must be numbers ≥ 0")
        w = w[keep]
    return Rollup(result, list(order), codes, keep, how, w)


def _parents(result: "Scored", mapping) -> list:
    if hasattr(mapping, "to_numpy") and not isinstance(mapping, dict):
        mapping = mapping.to_numpy()
    if isinstance(mapping, dict):
        unmapped = [u for u in result.units if u not in mapping]
        if unmapped:
            shown = ", ".join(repr(u) for u in unmapped[:5]) + (", ..." if len(unmapped) > 5 else "")
            raise DtiError(f"rollup: {len(unmapped)} units have no parent in the mapping ({shown}); "
                           f"map a unit to None to leave it out")
        return [mapping[u] for u in result.units]
    values = list(mapping)
    if len(values) != len(result):
        raise DtiError(f"rollup: {len(result)} parents needed (one per unit), got {len(values)}")
    return [None if (isinstance(v, float) and v != v) else v for v in values]

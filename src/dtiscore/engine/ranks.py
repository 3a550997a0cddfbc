"""Competition ranking of totals, over all units or within peer groups (results, rollups
and streamed files rank the same way).

Units assessed but not ranked (`rank exclude when`) get rank 0 (`NO_RANK`) in every rank
array and are not counted in anyone else's rank: the ranked units are ranked among
themselves, as if the others were not there. Tables show no rank as an empty cell."""

from __future__ import annotations

from typing import Sequence

import numpy as np


NO_RANK = 0  # the rank of a unit assessed but not ranked


def competition_rank(values: np.ndarray, ranked: np.ndarray | None = None) -> np.ndarray:
    """1 is best, ties share the better rank (1, 2, 2, 4); values equal to 9 decimals tie.
    ranked: where False, the unit gets `NO_RANK` and counts for no one else's rank."""
    if ranked is not None and not ranked.all():
        out = np.full(len(ranked), NO_RANK, dtype=np.int64)
        out[ranked] = competition_rank(np.asarray(values, dtype=float)[ranked])
        return out
    rounded = np.round(np.asarray(values, dtype=float), 9)
    ordered = np.sort(rounded)[::-1]
    # rank = 1 + number of values strictly greater
    greater = len(ordered) - np.searchsorted(ordered[::-1], rounded, side="right")
    return (greater + 1).astype(np.int64)


def index_rank(index: np.ndarray, ranked: np.ndarray | None = None) -> np.ndarray:
    """Competition ranking by an index (a tag view's, a node's), a unit with no index ranked
    as 0, as a unit where nothing applies is ranked by its total of 0."""
    return competition_rank(np.nan_to_num(np.asarray(index, dtype=float), nan=0.0), ranked)


def rank_cells(ranks: np.ndarray) -> "np.ndarray | list":
    """A rank column as tables write it: the ranks, None (an empty cell) for no rank."""
    ranks = np.asarray(ranks)
    if not (ranks == NO_RANK).any():
        return ranks
    return [None if rank == NO_RANK else rank for rank in ranks.tolist()]


def view_columns(key: str, value: str) -> tuple[str, str]:
    """The score table's columns of one tag view: its index and its rank."""
    return f"{key}.{value}.index", f"{key}.{value}.rank"


def rank_within(values: np.ndarray, groups: "Sequence[object] | np.ndarray",
                ranked: np.ndarray | None = None) -> np.ndarray:
    """Competition ranking of `values` within each group of units with equal `groups` values
    (units with no value, None or NaN, form one group of their own); units not `ranked`
    get `NO_RANK` whatever their group."""
    values = np.asarray(values, dtype=float)
    array = np.asarray(groups) if not isinstance(groups, np.ndarray) else groups
    if array.dtype.kind in "fiub":
        _, codes = np.unique(array, return_inverse=True)  # NaNs count as one value
    else:
        seen: dict = {}
        codes = np.empty(len(values), dtype=np.int64)
        for i, value in enumerate(array.tolist()):
            if value is None or (isinstance(value, float) and value != value):
                value = _NO_VALUE
            codes[i] = seen.setdefault(value, len(seen))
    out = np.empty(len(values), dtype=np.int64)
    for code in np.unique(codes):
        members = codes == code
        out[members] = competition_rank(values[members], None if ranked is None else ranked[members])
    return out


_NO_VALUE = object()

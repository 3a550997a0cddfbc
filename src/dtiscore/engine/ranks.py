"""Competition ranking of totals, over all units or within peer groups (results, rollups
and streamed files rank the same way)."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def competition_rank(values: np.ndarray) -> np.ndarray:
    """1 is best, ties share the better rank (1, 2, 2, 4); values equal to 9 decimals tie."""
    rounded = np.round(np.asarray(values, dtype=float), 9)
    ordered = np.sort(rounded)[::-1]
    # rank = 1 + number of values strictly greater
    greater = len(ordered) - np.searchsorted(ordered[::-1], rounded, side="right")
    return (greater + 1).astype(np.int64)


def rank_within(values: np.ndarray, groups: "Sequence[object] | np.ndarray") -> np.ndarray:
    """Competition ranking of `values` within each group of units with equal `groups` values
    (units with no value, None or NaN, form one group of their own)."""
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
        out[members] = competition_rank(values[members])
    return out


_NO_VALUE = object()

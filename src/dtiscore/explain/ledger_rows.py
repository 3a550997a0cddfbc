"""The ledger's rows: every (unit, criterion) with lost points, units in order and, within a
unit, most lost first (file order among equals), made a block of units at a time.

A block's lost points are attributed into a buffer (the whole result's lost points are never
held: at 1M units that would be ~900 MB) and ranked a piece of 2,000 units at a time, whose
keys, about 1.6 MB, stay in cache; each unit's criteria are put in order by one vectorised sort of integer
keys: how far a lost value's bits lie below the piece's largest (less lost, a larger key),
shifted up to leave room for the criterion's position in the low bits (ties go in file
order). That distance keeps every bit of values within 2^(12 − criterion bits) binades of
the piece's largest (32 for 100 criteria: down to the largest / 2^32), so the sort alone gives
the exact order; a smaller value's distance is cut to the most the key holds, and a unit
whose rows then come out of order (checked on the sorted values, one comparison per row) is
sorted again, alone, by its values. Same rows, order and floats as a stable argsort.
"""

from __future__ import annotations

import numpy as np

from ..engine.evaluate import BLOCK, Layout, Scores, attribute_block, run_blocks

# Units ranked at a time: their keys (~1.6 MB) stay in cache. Not a power of two: a piece is
# transposed (a row per unit), and with a power-of-two width its columns alias in cache
# (2,048 units took 4.4 ms to transpose, 2,000 0.4 ms).
PIECE = 2000


def ledger_rows(layout: Layout, scores: Scores, threads: int | None = None,
                size: int = BLOCK // 4, piece: int = PIECE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit positions, criterion positions, lost points) of every row with lost points."""
    n = scores.points.shape[1]
    rows = np.array([layout.row[c] for c in scores.criteria], dtype=np.intp)
    parts: dict[int, tuple] = {}

    def work(block: slice) -> None:
        lost = np.empty((len(layout.nodes), block.stop - block.start))
        attribute_block(layout, scores, block, lost)
        for start in range(0, lost.shape[1], piece):  # the criteria's rows picked a piece at a time, in cache
            positions, criteria, values = ranked(lost[rows, start:start + piece].T)
            parts[block.start + start] = (positions + (block.start + start), criteria, values)

    run_blocks(work, n, threads, size)
    ordered = [parts[start] for start in sorted(parts)]
    ends = np.cumsum([0] + [len(part[2]) for part in ordered])
    out = (np.empty(ends[-1], dtype=np.intp), np.empty(ends[-1], dtype=np.int32), np.empty(ends[-1]))

    def place(pieces: slice) -> None:  # the pieces' rows put in place, on threads: writing fresh
        for i in range(pieces.start, pieces.stop):  # memory costs about as much as ranking
            for column, values in zip(out, ordered[i]):
                column[ends[i]:ends[i + 1]] = values

    run_blocks(place, len(ordered), threads, max(1, -(-len(ordered) // 8)))
    return out


def ranked(lost: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a (units × criteria) array of lost points: (unit, criterion, lost) of the entries
    above 0, by unit, then most lost first, then criterion."""
    m, c = lost.shape
    lost = np.ascontiguousarray(lost)
    given = lost > 0.0
    if not given.any():
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.int32), np.empty(0)
    shift = np.uint64(max(1, (c - 1).bit_length()))
    top = np.float64(np.fmax.reduce(lost, axis=None)).view(np.uint64)  # NaN left out
    keys = np.subtract(top, lost.view(np.uint64))  # below the largest: for values > 0, in order
    np.minimum(keys, np.uint64((1 << (64 - int(shift))) - 2), out=keys)  # cut: room for the criterion
    keys <<= shift
    keys |= np.arange(c, dtype=np.uint64)
    keys |= (given.view(np.int8) - np.int8(1)).astype(np.int64).view(np.uint64)  # nothing lost: all ones, last
    keys.sort(axis=1)
    kept = keys[keys != _ALL]
    kept &= np.uint64((1 << int(shift)) - 1)
    criteria = kept.view(np.int64)
    units = np.repeat(np.arange(m), np.count_nonzero(given, axis=1))
    values = lost.ravel()[units * c + criteria]
    _reorder(units, criteria, values)
    return units, criteria.astype(np.int32), values


def _reorder(units: np.ndarray, criteria: np.ndarray, values: np.ndarray) -> None:
    """Sort again, in place, the rows of each unit whose values are not in order (their keys
    were cut: values more than the key's binades below the piece's largest)."""
    wrong = values[1:] > values[:-1]
    if not wrong.any():
        return
    wrong &= units[1:] == units[:-1]
    if not wrong.any():
        return
    rows = np.flatnonzero(np.isin(units, units[1:][wrong]))
    order = rows[np.lexsort((criteria[rows], -values[rows], units[rows]))]
    criteria[rows], values[rows] = criteria[order], values[order]


_ALL = np.uint64(0xFFFF_FFFF_FFFF_FFFF)

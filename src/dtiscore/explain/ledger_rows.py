"""The ledger's rows: every (unit, criterion) with lost points, units in order and, within a
unit, most lost first (file order among equals), made a block of units at a time.

A block's lost points are attributed into a buffer (the whole result's lost points are never
held: at 1M units that would be ~900 MB) and ranked a piece of 2,000 units at a time, whose
keys, about 1.6 MB, stay in cache; each unit's criteria are put in order by one vectorised sort of integer
keys: a lost value's bits, inverted so that more comes first, with the criterion's position
in the low bits (ties go in file order). Those low bits cost the lost value its last few
bits, so values that differ only there land in one run of equal keys, in criterion order:
the slots of such runs are put in exact order by a second, 1-D sort of narrow keys (where
the run starts, the lost value's left-out bits, the criterion). Same rows, order and floats
as a stable argsort.
"""

from __future__ import annotations

import numpy as np

from ..engine.evaluate import BLOCK, Layout, Scores, attribute_block, run_blocks

# Units ranked at a time: keys of ~1.6 MB stay in cache. Not a power of two: the piece is
# transposed (a row per unit), and with a power-of-two width its columns alias in cache
# (2,048 units took 4.4 ms to transpose, 2,000 0.4 ms).
PIECE = 2000

# Units ranked at a time: their keys (~1.6 MB) stay in cache. Not a power of two: a piece is
# transposed (a row per unit), and with a power-of-two width its columns alias in cache
# (2,048 units took 4.4 ms to transpose, 2,000 0.4 ms).
PIECE = 2000

_TOP = np.uint64(0x7FFF_FFFF_FFFF_FFFF)  # above the bits of any positive float64
_ALL = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


def ledger_rows(layout: Layout, scores: Scores, threads: int | None = None,
                size: int = BLOCK // 4, piece: int = PIECE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit positions, criterion positions, lost points) of every row with lost points."""
    n = scores.points.shape[1]
    rows = np.array([layout.row[c] for c in scores.criteria], dtype=np.intp)
    parts: dict[int, tuple] = {}

    def work(block: slice) -> None:
        lost = np.empty((len(layout.nodes), block.stop - block.start))
        attribute_block(layout, scores, block, lost)
        lost = lost[rows]
        for start in range(0, lost.shape[1], piece):
            positions, criteria, values = ranked(lost[:, start:start + piece].T)
            parts[block.start + start] = (positions + (block.start + start), criteria, values)

    run_blocks(work, n, threads, size)
    ordered = [parts[start] for start in sorted(parts)]
    return tuple(np.concatenate([part[k] for part in ordered]) for k in range(3))  # type: ignore[return-value]


def ranked(lost: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a (units × criteria) array of lost points: (unit, criterion, lost) of the entries
    above 0, by unit, then most lost first, then criterion."""
    m, c = lost.shape
    lost = np.ascontiguousarray(lost)
    shift = np.uint64(max(1, (c - 1).bit_length()))
    low = np.uint64((1 << int(shift)) - 1)
    keys = _TOP - lost.view(np.uint64)  # more lost → smaller
    keys >>= shift
    keys <<= shift
    keys |= np.arange(c, dtype=np.uint64)
    keys = np.where(lost > 0.0, keys, _ALL)  # nothing lost: all ones, last
    keys.sort(axis=1)  # by lost but its last `shift` bits, then criterion
    kept = keys != _ALL
    criteria = keys & low
    _order_runs(lost, keys, kept, criteria, shift)
    flat = np.flatnonzero(kept)
    units = flat // c
    chosen = criteria.view(np.int64).ravel()[flat]  # small numbers: the same bits
    return units, chosen.astype(np.int32), lost.ravel()[units * c + chosen]


def _order_runs(lost: np.ndarray, keys: np.ndarray, kept: np.ndarray, criteria: np.ndarray,
                shift: np.uint64) -> None:
    """Put each run of sorted keys that differ only in the criterion bits in exact order
    (most lost, then criterion), rewriting `criteria` there."""
    m, c = keys.shape
    keys >>= shift  # what the sort compared of the lost value
    same = keys[:, 1:] == keys[:, :-1]
    same &= kept[:, 1:]
    if not same.any():
        return
    in_run = np.zeros((m, c), dtype=bool)
    in_run[:, 1:] = same
    in_run[:, :-1] |= same
    slots = np.flatnonzero(in_run)  # runs are contiguous slots, runs in order
    head = np.ones(len(slots), dtype=bool)  # a slot that starts a run
    head[1:] = ~same.ravel()[(slots[1:] - slots[1:] // c - 1)] | (slots[1:] % c == 0)
    starts = np.maximum.accumulate(np.where(head, slots, 0)).astype(np.uint64)
    which = criteria.ravel()[slots]
    rows = (slots // c).astype(np.uint64)
    tail = lost.view(np.uint64).ravel()[(rows * np.uint64(c) + which).astype(np.intp)]
    tail = (_TOP - tail) & ((np.uint64(1) << shift) - np.uint64(1))  # the bits the sort left out
    order = (starts << (shift + shift)) | (tail << shift) | which
    order.sort()
    criteria.ravel()[slots] = order & ((np.uint64(1) << shift) - np.uint64(1))

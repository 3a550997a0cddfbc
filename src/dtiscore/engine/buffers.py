"""Result arrays reused from one scoring run to the next.

Scoring a million units writes about a gigabyte of result arrays (points, statuses, branch
codes of every node). Fresh from the system, every page of them is faulted in and zeroed
by the kernel first: on the machines we measure that costs up to a third of a run, and
varies tenfold with the machine's memory state. Users re-score the same framework on every
change of data, so the arrays handed out are remembered, and a later run of the same shape
takes one back once nothing else refers to it: not the result it was made for, not a view
of it a user still holds (`total = framework.score(data).total` keeps `points` in use), so
no value anyone can still read is overwritten.

At most `LIMIT_BYTES` are remembered (the oldest are forgotten first); `clear()`, also
called by `dtiscore.clear_cache()`, forgets them all and so hands their memory back.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

LIMIT_BYTES = 4 * 1024**3

_lock = threading.Lock()
_arrays: list[np.ndarray] = []  # handed out, oldest first


def take(shape: tuple[int, ...], dtype=float) -> np.ndarray:
    """An array of this shape and dtype: one handed out before that nobody uses any more
    (its old values still in it: the caller rewrites every element), or a new one."""
    shape, dtype = tuple(shape), np.dtype(dtype)
    with _lock:
        for array in _arrays:
            if array.shape == shape and array.dtype == dtype and sys.getrefcount(array) <= _UNUSED:
                return array
    array = _mapped(shape, dtype)
    with _lock:
        _arrays.append(array)
        while sum(a.nbytes for a in _arrays) > LIMIT_BYTES:
            del _arrays[0]
    return array


def _refs_of_unused() -> int:
    """What sys.getrefcount says, in `take`'s loop, of an array only this module holds."""
    pool = [np.empty(0)]
    for array in pool:
        return sys.getrefcount(array)
    raise AssertionError


_UNUSED = _refs_of_unused()


def _mapped(shape: tuple[int, ...], dtype) -> np.ndarray:
    """A new array whose memory is already mapped in. Blocks write each row a slice at a
    time; fresh pages first touched in that scattered order cost ~10x more than touched in
    order (110 rows x 1M floats: 2.7 s against 0.36 s with this fill first)."""
    array = np.empty(shape, dtype=dtype)
    array.fill(0)
    return array


def clear() -> None:
    """Forget every array handed out (those still in use live on with their users)."""
    with _lock:
        _arrays.clear()

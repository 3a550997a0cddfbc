"""Scoring data that does not fit in memory: batch after batch, with bounded memory.

Population functions (best, worst, mean, percentile) need every unit, so they take passes
over the batches first — one per level of nesting — and the batches are then scored with
those values fixed. A framework without population functions reads its batches once.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

import numpy as np

from . import kernels
from .data import to_columns
from .errors import DtiError
from .evaluate import evaluate


def score_batches(framework, batches: Iterable | Callable[[], Iterable], invalid: str = "raise",
                  threads: int | None = None) -> Iterator:
    """Yield one `Result` per batch. A batch is a data mapping (or DataFrame), or a pair
    (units, data). `batches` is a re-iterable (a list, a function returning an iterator, an
    object whose __iter__ starts again) when the framework has population functions."""
    from .result import Result

    program = framework.program
    passes = _passes(batches, needed=1 + _depth(program))
    populations = _populations(framework, program, passes, invalid) if program.population_order else []
    for units, data in _batches(next(passes)):
        columns = to_columns(framework.ir, data, units, invalid)
        ordered = [columns.values[name] for name in program.columns]
        scores = evaluate(framework.ir, program, ordered, columns.invalid, columns.units,
                          framework.layout, threads, populations)
        yield Result(framework, scores, columns)


def _depth(program) -> int:
    levels = program.population_levels()
    return 1 + max(levels) if levels else 0


def _passes(batches, needed: int) -> Iterator[Iterable]:
    """`needed` fresh iterations over the batches."""
    if callable(batches):
        return (batches() for _ in range(needed))
    if needed > 1 and iter(batches) is batches:
        raise DtiError(
            "this framework uses population functions (best, worst, mean, percentile), which "
            "need every unit before any is scored: pass batches that can be read again (a list, "
            "or a function that returns a new iterator)"
        )
    return (batches for _ in range(needed))


def _batches(batches: Iterable) -> Iterator[tuple[Any, Any]]:
    for batch in batches:
        if isinstance(batch, tuple) and len(batch) == 2:
            yield batch
        else:
            yield None, batch


def _populations(framework, program, passes, invalid: str) -> list[float]:
    """Each population function's value over all batches, level by level."""
    levels = program.population_levels()
    known = [np.nan] * len(levels)
    for level in range(max(levels) + 1):
        gathered: dict[int, list] = {k: [] for k, lv in enumerate(levels) if lv == level}

        def reduce(k: int, func: str, values, fraction):
            if levels[k] < level:
                return known[k]
            if levels[k] == level:
                values = np.atleast_1d(np.asarray(values, dtype=float))
                present = values[~np.isnan(values)]
                if func in ("best", "worst") and present.size:  # a running extreme is enough
                    present = np.array([present.max() if func == "best" else present.min()])
                gathered[k].append(present)
            return np.nan

        for units, data in _batches(next(passes)):
            columns = to_columns(framework.ir, data, units, invalid)
            program.populations([columns.values[name] for name in program.columns], len(columns), reduce)
        for k in gathered:
            population = program.population_order[k]
            values = np.concatenate(gathered[k]) if gathered[k] else np.array([])
            known[k] = kernels.population(population.func, values, population.fraction)
    return known

"""Batches of data too large for memory: how they are read (each pass a fresh iteration),
and the population functions' values over all of them, found before any batch is scored.

Population functions (best, worst, mean, percentile) need every unit, so they take passes
over the batches first — one per level of nesting — and the batches are then scored with
those values fixed (`CompiledFramework.score_batches`). A framework without population
functions reads its batches once.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

import numpy as np

from . import kernels
from .columns import to_columns
from .program import Program
from ..errors import DtiError
from ..language import ir


def passes(batches: Iterable | Callable[[], Iterable], program: Program) -> Iterator[Iterable]:
    """As many fresh iterations over the batches as scoring them needs: one per level of
    population functions, and one to score."""
    needed = passes_needed(program)
    if callable(batches):
        return (batches() for _ in range(needed))
    if needed > 1 and iter(batches) is batches:
        raise DtiError(
            "this framework uses population functions (best, worst, mean, percentile), which "
            "need every unit before any is scored: pass batches that can be read again (a list, "
            "or a function that returns a new iterator)"
        )
    return (batches for _ in range(needed))


def passes_needed(program: Program) -> int:
    """Reads of the batches scoring takes: one per level of population functions, one to score."""
    levels = program.population_levels()
    return 2 + max(levels) if levels else 1


def population_inputs(framework: ir.Framework, program: Program) -> frozenset[str]:
    """The inputs a pass for population values reads: those the population functions read,
    and the `<=` bounds that decide whether their values are valid."""
    names = set(ir.columns_used(*(population.arg for population in program.population_order)))
    bounds = {spec.name: spec.at_most for spec in framework.inputs}
    todo = list(names)
    while todo:
        bound = bounds.get(todo.pop())
        if bound is not None and bound not in names:
            names.add(bound)
            todo.append(bound)
    return frozenset(names)


def each_batch(batches: Iterable) -> Iterator[tuple[Any, Any]]:
    """(units or None, data) for every batch: a batch is data, or a pair (units, data)."""
    for batch in batches:
        if isinstance(batch, tuple) and len(batch) == 2:
            yield batch
        else:
            yield None, batch


def populations(framework: ir.Framework, program: Program, reads: Iterator[Iterable],
                invalid: str) -> list[float]:
    """Each population function's value over all batches, level by level (one read of the
    batches per level, taken from `reads`)."""
    levels = program.population_levels()
    known = [np.nan] * len(levels)
    if not levels:
        return []
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

        for units, data in each_batch(next(reads)):
            columns = to_columns(framework, data, units, invalid)
            program.populations([columns.values[name] for name in program.columns], len(columns), reduce)
        for k in gathered:
            population = program.population_order[k]
            values = np.concatenate(gathered[k]) if gathered[k] else np.array([])
            known[k] = kernels.population(population.func, values, population.fraction)
    return known

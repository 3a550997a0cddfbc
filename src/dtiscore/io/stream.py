"""Scoring data that does not fit in memory: batch after batch, with bounded memory.

Population functions (best, worst, mean, percentile) need every unit, so they take passes
over the batches first — one per level of nesting — and the batches are then scored with
those values fixed. A framework without population functions reads its batches once.
"""

from __future__ import annotations

import pickle
import tempfile
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from ..engine import kernels
from ..engine.columns import to_columns
from ..errors import DtiError
from ..engine.evaluate import default_threads


def score_batches(framework, batches: Iterable | Callable[[], Iterable], invalid: str = "raise",
                  threads: int | None = None) -> Iterator:
    """Yield one `Result` per batch. A batch is a data mapping (or DataFrame), or a pair
    (units, data). `batches` is a re-iterable (a list, a function returning an iterator, an
    object whose __iter__ starts again) when the framework has population functions."""
    from ..result import Result

    program = framework.program
    threads = default_threads() if threads is None else threads
    passes = _passes(batches, needed=1 + _depth(program))
    populations = _populations(framework, program, passes, invalid) if program.population_order else []
    for units, data in _batches(next(passes)):
        columns = to_columns(framework.ir, data, units, invalid, threads)
        scores = framework._scores(columns, threads, populations)
        yield Result(framework, scores, columns)
        del units, data, columns, scores  # before the next batch is read


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


def score_csv(framework, chunks, target: Any, format: str | None = None, rank_by: str | None = None,
              invalid: str = "raise") -> int:
    """Score a CSV file a chunk at a time (`chunks`: a `tables.CsvChunks`) and write what
    `dtiscore score` writes for the whole file, csv or json, with memory bounded by the
    chunk size. Returns how many units were scored.

    A rank needs every total before the first row can be written, so each chunk's rows are
    set aside, in order, in a temporary file; only the totals (and, ranking within peer
    groups, each unit's group) stay in memory, 8 bytes a unit each. Once every chunk is
    scored the ranks are computed as for the whole file and the rows written with them: the
    CSV file is read once more only for population functions, never to write."""
    from .tables import peers, score_chunks, streamed_format, with_rank, writing

    format = streamed_format(target, format)
    ranking = _Ranking()
    with tempfile.TemporaryFile() as stash:
        for result, table in score_chunks(framework, chunks, invalid):
            columns = result.table()
            if rank_by:
                ranking.add(result.total, peers(result, table, rank_by))
                columns = with_rank(columns, columns["rank"], rank_by, table.columns[rank_by])
            else:
                ranking.add(result.total)
            pickle.dump(columns, stash, protocol=pickle.HIGHEST_PROTOCOL)
            del result, table, columns  # before the next chunk is read
        ranks = ranking.ranks()
        stash.seek(0)
        with writing(target, format) as writer:
            done = 0
            for columns in _set_aside(stash):
                count = len(columns["unit"])
                columns["rank"] = ranks[done:done + count]
                writer.write(columns)
                done += count
    return len(ranks)


def _set_aside(stash) -> Iterator[dict]:
    while True:
        try:
            yield pickle.load(stash)
        except EOFError:
            return


class _Ranking:
    """What ranking needs of each unit, gathered chunk by chunk: its total and, to rank
    within peer groups, its group as a number (one number per distinct value, and one for
    no value, as `rank_within` groups them)."""

    def __init__(self):
        self.totals: list[np.ndarray] = []
        self.groups: list[np.ndarray] = []
        self._numbers: dict[object, int] = {}

    def add(self, totals: np.ndarray, peers: Any = None) -> None:
        self.totals.append(np.array(totals, dtype=float))
        if peers is None:
            return
        if isinstance(peers, np.ndarray) and peers.dtype.kind in "fiub":  # an input's values: NaN is no value
            self.groups.append(peers.astype(float))
        else:  # text, None for no value
            numbers = self._numbers
            self.groups.append(np.fromiter((numbers.setdefault(value, len(numbers)) for value in peers),
                                           dtype=float, count=len(peers)))

    def ranks(self) -> np.ndarray:
        from ..result import competition_rank, rank_within

        totals = np.concatenate(self.totals) if self.totals else np.empty(0)
        return rank_within(totals, np.concatenate(self.groups)) if self.groups else competition_rank(totals)

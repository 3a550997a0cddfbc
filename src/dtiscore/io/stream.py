"""Scoring a CSV file too large for memory into the file `dtiscore score` writes, chunk by
chunk, with bounded memory (the batches themselves are scored by
`CompiledFramework.score_batches`, population functions over every chunk first).
"""

from __future__ import annotations

import pickle
import tempfile
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from ..engine.ranks import competition_rank, index_rank, rank_cells, rank_within, view_columns
from .tables import CsvChunks, peers, score_chunks, streamed_format, with_rank, writing

if TYPE_CHECKING:
    from ..engine.compiled import CompiledFramework


def score_csv(framework: "CompiledFramework", chunks: CsvChunks, target: Any, format: str | None = None,
              rank_by: str | None = None, invalid: str = "raise", decimal_comma: bool = False) -> int:
    """Score a CSV file a chunk at a time (`chunks`: a `tables.CsvChunks`) and write what
    `dtiscore score` writes for the whole file, csv or json, with memory bounded by the
    chunk size. Returns how many units were scored.

    A rank needs every total before the first row can be written, so each chunk's rows are
    set aside, in order, in a temporary file; only the totals (and, ranking within peer
    groups, each unit's group; and each tag view's index, which its rank column ranks) stay
    in memory, 8 bytes a unit each. Once every chunk is
    scored the ranks are computed as for the whole file and the rows written with them: the
    CSV file is read once more only for population functions, never to write."""
    format = streamed_format(target, format)
    ranking = _Ranking()
    views: dict[str, list[np.ndarray]] = {}  # a tag view's rank column → its index, chunk by chunk
    with tempfile.TemporaryFile() as stash:
        for result, table in score_chunks(framework, chunks, invalid):
            columns = result.table(ranks=False)  # ranked below, over every chunk
            if rank_by:
                ranking.add(result.total, result.ranked, peers(result, table, rank_by))
                columns = with_rank(columns, columns["rank"], rank_by, table.columns[rank_by])
            else:
                ranking.add(result.total, result.ranked)
            for key in result.tag_keys:
                for value in result.view(key):
                    index, rank = view_columns(key, value)
                    views.setdefault(rank, []).append(np.array(columns[index], dtype=float))
            pickle.dump(columns, stash, protocol=pickle.HIGHEST_PROTOCOL)
            del result, table, columns  # before the next chunk is read
        ranks = ranking.ranks()
        ranked = ranking.ranked()
        view_ranks = {name: index_rank(np.concatenate(parts), ranked) for name, parts in views.items()}
        stash.seek(0)
        with writing(target, format, decimal_comma) as writer:
            done = 0
            for columns in _set_aside(stash):
                count = len(columns["unit"])
                columns["rank"] = rank_cells(ranks[done:done + count])
                for name, all_ranks in view_ranks.items():
                    columns[name] = rank_cells(all_ranks[done:done + count])
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
        self.ranked_parts: list[np.ndarray] = []  # whether each unit is ranked (`rank exclude when`)
        self._numbers: dict[object, int] = {}

    def add(self, totals: np.ndarray, ranked: np.ndarray, peers: Any = None) -> None:
        self.totals.append(np.array(totals, dtype=float))
        self.ranked_parts.append(ranked)
        if peers is None:
            return
        if isinstance(peers, np.ndarray) and peers.dtype.kind in "fiub":  # an input's values: NaN is no value
            self.groups.append(peers.astype(float))
        else:  # text, None for no value
            numbers = self._numbers
            self.groups.append(np.fromiter((numbers.setdefault(value, len(numbers)) for value in peers),
                                           dtype=float, count=len(peers)))

    def ranked(self) -> np.ndarray:
        return np.concatenate(self.ranked_parts) if self.ranked_parts else np.empty(0, bool)

    def ranks(self) -> np.ndarray:
        totals = np.concatenate(self.totals) if self.totals else np.empty(0)
        ranked = self.ranked()
        if self.groups:
            return rank_within(totals, np.concatenate(self.groups), ranked)
        return competition_rank(totals, ranked)

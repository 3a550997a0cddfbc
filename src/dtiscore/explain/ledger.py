"""The deduction ledger: every lost point of every unit, as one columnar table.

One row per (unit, criterion) that lost points, units in result order and, within a unit,
most lost first. For every unit the `lost` column adds up to effective max − total (the
specification's top-down attribution, rescale factors and caps included). Numbers, status
and reason codes are built for all units at once from the result's arrays; reason texts are
rendered only when asked for (`ledger["reason"]`, `to_csv`, `to_pandas`), criterion by
criterion, from structured reasons (`reasons.Reasons`).
"""

from __future__ import annotations

import csv
import io
import os
from typing import TYPE_CHECKING, Iterator

import numpy as np

from ..engine.cells import float_text
from ..language import ir
from .ledger_rows import ledger_rows
from .reason_texts import in_order, reason_pieces
from .reasons import CODES, reason_codes, reasons_of
from .values import Values

if TYPE_CHECKING:
    from ..engine.scored import Scored

COLUMNS = ("unit", "criterion", "path", "max", "points", "lost", "status", "reason_code", "reason")
_STATUS_NAMES = np.array(ir.STATUSES, dtype=object)
_CODE_NAMES = np.array(CODES, dtype=object)
_WRITTEN_KEPT = 200_000  # numbers' texts kept between blocks, at most (~30 MB)


class Ledger:
    """Columns by name: `ledger["lost"]`, `ledger.to_dict()`; rows are (unit, criterion)."""

    def __init__(self, result: "Scored", positions: np.ndarray, criteria: np.ndarray, lost: np.ndarray,
                 lang: str, codes: np.ndarray | None = None, ordered: bool = False):
        self.result = result
        self._ordered = ordered  # by unit, then most lost first
        self.lang = lang
        self.positions = positions  # unit positions in the result
        self.criteria = criteria  # criterion positions in result.scores.criteria
        self.lost = lost
        self._codes = codes
        self._text: np.ndarray | None = None
        self._arrow = None  # the reasons as an Arrow text array
        self._written: dict = {}  # numbers' texts, kept from one block's reasons to the next

    @classmethod
    def build(cls, result: "Scored", lang: str, every: bool = False) -> "Ledger":
        """Every row with lost points (every = True: every unit × criterion, in file order)."""
        scores = result.scores
        if every:
            rows = [result.node_row(c) for c in scores.criteria]
            n, c = len(result), len(rows)
            positions = np.repeat(np.arange(n, dtype=np.intp), c)
            criteria = np.tile(np.arange(c, dtype=np.int32), n)
            lost = result.lost_points()[rows].T.reshape(-1)
            return cls(result, positions, criteria, lost, lang)
        positions, criteria, lost = ledger_rows(result.framework.layout, scores)
        return cls(result, positions, criteria, lost, lang, ordered=True)

    def _subset(self, index: np.ndarray, ordered: bool = False) -> "Ledger":
        """Rows at `index`; `ordered` when the index keeps the ledger's order (ascending)."""
        codes = None if self._codes is None else self._codes[index]
        out = Ledger(self.result, self.positions[index], self.criteria[index], self.lost[index], self.lang, codes,
                     ordered and self._ordered)
        if self._text is not None:
            out._text = self._text[index]
        if self._arrow is not None:
            out._arrow = self._arrow.take(index)
        out._written = self._written
        return out

    def __len__(self) -> int:
        return len(self.lost)

    def __repr__(self) -> str:
        return f"<Ledger: {len(self)} rows over {len(np.unique(self.positions))} units>"

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS

    def __getitem__(self, name: str) -> np.ndarray:
        scores = self.result.scores
        if name == "unit":
            return _objects(self.result.units)[self.positions]
        if name == "criterion":
            return _objects(scores.criteria)[self.criteria]
        if name == "path":
            return self._paths()[self.criteria]
        if name == "max":
            return np.array([self.result.framework.node(c).max for c in scores.criteria])[self.criteria]
        if name == "points":
            rows = np.array([self.result.node_row(c) for c in scores.criteria])
            return scores.points[rows[self.criteria], self.positions]
        if name == "lost":
            return self.lost
        if name == "status":
            return _STATUS_NAMES[scores.status[self.criteria, self.positions]]
        if name == "reason_code":
            return _CODE_NAMES[self.codes]
        if name == "reason":
            return self.texts()
        raise KeyError(f"no column {name!r}; the columns are {', '.join(COLUMNS)}")

    def _paths(self) -> np.ndarray:
        framework = self.result.framework
        out = []
        for crit_id in self.result.scores.criteria:
            path, parent = [], framework.node(crit_id).parent
            while parent is not None and framework.node(parent).kind == "group":
                path.append(parent)
                parent = framework.node(parent).parent
            out.append("/".join(reversed(path)))
        return _objects(out)

    @property
    def codes(self) -> np.ndarray:
        """Reason codes as int8 positions in `dtiscore.explain.reasons.CODES`."""
        if self._codes is None:
            if len(self) > len(self.result):  # dense: every unit × criterion at once, then pick
                self._codes = _code_matrix(self.result)[self.criteria, self.positions]
            else:
                self._codes = np.empty(len(self), dtype=np.int8)
                for k, rows in _by_criterion(self.criteria):
                    self._codes[rows] = _criterion_codes(self.result, k, self.positions[rows])
        return self._codes

    def texts(self) -> np.ndarray:
        """The reasons as text, in the ledger's language."""
        if self._text is None:
            self._text = np.empty(len(self), dtype=object)
            if self._arrow is not None:
                self._text[:] = self._arrow.to_numpy(zero_copy_only=False)
            else:
                for rows, texts in self._criterion_texts():
                    self._text[rows] = texts.to_numpy(zero_copy_only=False)  # in place: no large Arrow take
        return self._text

    def arrow_texts(self):
        """`texts` as an Arrow text array, made without a Python text per row."""
        if self._arrow is None:
            pieces = list(self._criterion_texts())
            self._arrow = in_order([texts for _, texts in pieces], [rows for rows, _ in pieces])
        return self._arrow

    def _criterion_texts(self) -> Iterator[tuple[np.ndarray, object]]:
        """(rows, their reasons as an Arrow text array) of each group of units of each
        criterion whose reasons differ only in numbers."""
        framework, scores = self.result.framework, self.result.scores
        reasons = reasons_of(framework)
        invalid = self.result.columns.invalid
        points = self["points"]
        for k, rows in _by_criterion(self.criteria):
            positions = self.positions[rows]
            for within, texts in reason_pieces(reasons, framework.ir_node(scores.criteria[k]),
                                               Values(self.result, positions), scores.status[k, positions],
                                               scores.branch[k, positions], points[rows],
                                               {name: mask[positions] for name, mask in invalid.items()}, self.lang,
                                               self._written):
                yield rows[within], texts
        if sum(map(len, self._written.values())) > _WRITTEN_KEPT:
            self._written.clear()

    # ---- selections
    def top(self, k: int) -> "Ledger":
        """The k rows of each unit that lost the most."""
        if self._ordered:
            order = np.arange(len(self))
        else:
            order = np.lexsort((self.criteria, -self.lost, self.positions))
        units = self.positions[order]
        starts = np.r_[0, np.flatnonzero(np.diff(units)) + 1] if len(units) else np.empty(0, dtype=np.intp)
        within = np.arange(len(units)) - np.repeat(starts, np.diff(np.r_[starts, len(units)]))
        out = self._subset(order[within < k])
        out._ordered = True  # kept in (unit, most lost first) order
        return out

    def unit(self, unit: object) -> "Ledger":
        """The rows of one unit."""
        return self._subset(np.flatnonzero(self.positions == self.result.position(unit)), ordered=True)

    def per_unit(self) -> np.ndarray:
        """Lost points summed per unit (over all of the result's units)."""
        return np.bincount(self.positions, weights=self.lost, minlength=len(self.result))

    # ---- out
    def to_dict(self) -> dict[str, np.ndarray]:
        return {name: self[name] for name in COLUMNS}

    def to_pandas(self):
        """A pandas DataFrame (needs pandas: `pip install dtiscore[pandas]`)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is a dev dependency
            raise ImportError("Ledger.to_pandas needs pandas: pip install 'dtiscore[pandas]'") from None
        columns = self.to_dict()
        for name in ("criterion", "path", "status", "reason_code"):
            columns[name] = pd.Categorical(columns[name])
        return pd.DataFrame(columns)

    def blocks(self, units: int = 20_000, arrow: bool = False) -> Iterator[dict[str, object]]:
        """The columns (`to_dict`) of a block of `units` units at a time, rows in ledger
        order: a ledger of millions of rows is written with its reason texts made, and
        held, a block at a time. arrow: the text columns as Arrow arrays (`arrow_columns`)."""
        if not self._by_unit():  # one block
            yield self.arrow_columns() if arrow else self.to_dict()
            return
        for block in self._blocks(units):
            yield block.arrow_columns() if arrow else block.to_dict()

    def _by_unit(self) -> bool:
        return self._ordered or not len(self) or bool((np.diff(self.positions) >= 0).all())

    def _blocks(self, units: int) -> Iterator["Ledger"]:
        """The ledger (by unit) as ledgers of `units` units each."""
        starts = np.searchsorted(self.positions, np.arange(0, len(self.result) + units, units))
        for start, stop in zip(starts[:-1], starts[1:]):
            if stop > start:
                yield self._subset(np.arange(start, stop), ordered=True)

    def arrow_columns(self) -> dict[str, object]:
        """`to_dict`, its text columns as Arrow arrays whose kind is known without looking
        at each value: names by position (unit, criterion, path, status, reason_code) as
        dictionary-coded text, the reasons as text; numbers stay numpy arrays."""
        scores = self.result.scores
        out: dict[str, object] = {name: self[name] for name in ("max", "points", "lost")}
        out["unit"] = self["unit"]
        if len(self):  # the block's units only: a dictionary the block's size
            low, high = int(self.positions.min()), int(self.positions.max())
            units = list(self.result.units[low:high + 1])
            if all(isinstance(unit, str) for unit in units):
                out["unit"] = _coded(self.positions - low, units)
        out["criterion"] = _coded(self.criteria, list(scores.criteria))
        out["path"] = _coded(self.criteria, self._paths().tolist())
        out["status"] = _coded(scores.status[self.criteria, self.positions], list(ir.STATUSES))
        out["reason_code"] = _coded(self.codes, list(CODES))
        out["reason"] = self.arrow_texts()
        return {name: out[name] for name in COLUMNS}

    def to_csv(self, target=None) -> str | None:
        """Write CSV to a path or an open text file (floats in full); with no target,
        return the text."""
        if target is None:
            buffer = io.StringIO()
            self._write(buffer)
            return buffer.getvalue()
        if isinstance(target, (str, os.PathLike)):
            with open(target, "w", encoding="utf-8", newline="") as handle:
                self._write(handle)
        else:
            self._write(target)
        return None

    def _write(self, handle) -> None:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for columns in self.blocks():
            writer.writerows(zip(*(list(map(float_text, values.tolist())) if values.dtype.kind == "f" else values
                                   for values in columns.values())))


def _criterion_codes(result: "Scored", k: int, positions) -> np.ndarray:
    """Reason codes of the k-th criterion for the units at `positions` (a slice: all)."""
    scores, values = result.scores, result.columns.values
    crit = result.framework.ir_node(scores.criteria[k])
    status = scores.status[k, positions]
    absent = np.zeros(status.shape, dtype=bool)
    if (status == ir.MISSING).any():
        for name in crit.inputs:
            absent |= np.isnan(values[name][positions])
    return reason_codes(crit, status, scores.branch[k, positions], absent)


def _code_matrix(result: "Scored") -> np.ndarray:
    everyone = slice(None)
    return np.stack([_criterion_codes(result, k, everyone) for k in range(len(result.scores.criteria))]) \
        if result.scores.criteria else np.empty((0, len(result)), dtype=np.int8)


def _coded(positions: np.ndarray, names: list) -> object:
    """Arrow text: the name at each position (a dictionary-coded array)."""
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(positions), pa.array(names, pa.string()))


def _objects(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _by_criterion(criteria: np.ndarray):
    """(criterion position, row indices) for each criterion present."""
    if not len(criteria):
        return
    order = np.argsort(criteria, kind="stable")
    sorted_criteria = criteria[order]
    bounds = np.flatnonzero(np.diff(sorted_criteria)) + 1
    for rows in np.split(order, bounds):
        yield int(criteria[rows[0]]), rows

"""What scoring gives back, as arrays over units: every node's points, effective max,
applicability, statuses and branches, lost points, ranks and tag views, with lookups by id.
The user-facing `dtiscore.Result` adds explanations and analyses; those layers take this
class and read it through its public methods only.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Hashable, Mapping, Protocol, Sequence, TypeVar

import attrs
import numpy as np

from .columns import Columns
from .evaluate import Layout, Scores, attribute
from .ranks import competition_rank, index_rank, rank_cells, rank_within, view_columns
from ..errors import ArgumentError, DtiError, UnknownIdError, whole
from ..language import ir
from ..language.reference import BAND_DECIMALS

STATUS_NAMES = np.array(ir.STATUSES)
T = TypeVar("T")


class FrameworkLike(Protocol):
    """What a result and the layers reading it use of the framework that scored it
    (`engine.compiled.CompiledFramework` is one: it makes results, so this module cannot
    import it)."""

    id: str
    title: str
    ir: ir.Framework
    layout: Layout
    nodes: tuple[str, ...]
    groups: tuple[str, ...]
    criteria: tuple[str, ...]

    def node(self, node_id: str) -> Any: ...
    def ir_node(self, node_id: str) -> ir.Node: ...
    def path(self, node_id: str) -> tuple[str, ...]: ...
    def carriers(self, tag_key: str) -> Mapping[str, tuple[str, ...]]: ...
    def memo(self, key: Hashable, build: Callable[[], T]) -> T: ...


@attrs.frozen
class View:
    """One tag value's share of the framework: points, effective max and index per unit."""

    points: np.ndarray
    max: np.ndarray
    index: np.ndarray
    nodes: tuple[str, ...]  # the outermost nodes carrying the tag value


class Scored:
    def __init__(self, framework: FrameworkLike, scores: Scores, columns: Columns):
        self.framework = framework
        self.scores = scores
        self.columns = columns
        self._row = {node_id: i for i, node_id in enumerate(scores.order)}
        self._crow = {crit_id: i for i, crit_id in enumerate(scores.criteria)}
        self.total = scores.points[0]  # the root's row: parents come first
        self.effective_max = scores.effective_max(0)

    def __len__(self) -> int:
        return len(self.columns)

    def __repr__(self) -> str:
        return f"<Result of {self.framework.id!r} for {len(self)} units>"

    @property
    def units(self) -> list:
        return self.columns.units

    def unit_id(self, position: int) -> object:
        """The id of the unit at a row (without making the list of every id)."""
        return self.columns.ids[position]

    @functools.cached_property
    def index(self) -> np.ndarray:
        """total / effective max, in [0, 1]; NaN where nothing applied."""
        out = np.full(len(self), np.nan)
        np.divide(self.total, self.effective_max, out=out, where=self.effective_max > 0)
        return out

    def band(self) -> np.ndarray:
        """The label of each unit's index among the framework's `bands` (None where nothing
        applied); raises `DtiError` where the framework declares no bands."""
        bands = self.framework.ir.bands
        if bands is None:
            raise DtiError(f"framework '{self.framework.id}' declares no bands; add 'bands index {{ ... }}'")
        return self._bands

    @functools.cached_property
    def _bands(self) -> np.ndarray:
        bands = self.framework.ir.bands
        index = np.round(self.index, BAND_DECIMALS)  # float noise is not a difference, as in ranks
        out = np.full(len(self), bands.otherwise, dtype=object)
        for band in reversed(bands.bands):  # from the lowest up: a higher band's label wins
            out[index > band.threshold if band.op == ">" else index >= band.threshold] = band.label
        out[np.isnan(index)] = None
        return out

    # ---- rows of the arrays
    def node_row(self, node_id: str) -> int:
        """A node's row in `scores.points` and `scores.applicable` (and in `lost_points()`)."""
        try:
            return self._row[node_id]
        except KeyError:
            raise UnknownIdError.of("node", node_id, self._row) from None

    def criterion_row(self, criterion_id: str) -> int:
        """A criterion's row in `scores.status` and `scores.branch` (its position in
        `scores.criteria`)."""
        if criterion_id not in self._crow:
            if criterion_id in self._row:
                raise UnknownIdError(f"'{criterion_id}' is a group; statuses belong to criteria")
            raise UnknownIdError.of("criterion", criterion_id, self._crow)
        return self._crow[criterion_id]

    # ---- per node
    def points(self, node_id: str) -> np.ndarray:
        """Points of a node per unit (0 where it does not apply)."""
        return self.scores.points[self.node_row(node_id)]

    def max(self, node_id: str) -> np.ndarray:
        """Effective max of a node per unit (0 where it does not apply)."""
        return self.scores.effective_max(self.node_row(node_id))

    def applicable(self, node_id: str) -> np.ndarray:
        return self.scores.applicable[self.node_row(node_id)]

    def node_index(self, node_id: str) -> np.ndarray:
        """points / effective max of a node per unit (NaN where it does not apply)."""
        points, top = self.points(node_id), self.max(node_id)
        out = np.full(len(self), np.nan)
        np.divide(points, top, out=out, where=top > 0)
        return out

    def status(self, criterion_id: str) -> np.ndarray:
        """Status names per unit: scored, excluded, missing, no_evidence, inactive, invalid."""
        return STATUS_NAMES[self.scores.status[self.criterion_row(criterion_id)]]

    def status_codes(self, criterion_id: str) -> np.ndarray:
        """Statuses as int8 codes (positions in `dtiscore.STATUSES`)."""
        return self.scores.status[self.criterion_row(criterion_id)]

    def branch(self, criterion_id: str) -> np.ndarray:
        """Which band/case/limit each unit's points came from (int8; -1 when not scored)."""
        return self.scores.branch[self.criterion_row(criterion_id)]

    def lost_points(self) -> np.ndarray:
        """Every node's lost points for every unit (a row per node, as `node_row` says),
        attributed on the first call and kept: explaining one unit does not need it."""
        return self._lost

    @functools.cached_property
    def _lost(self) -> np.ndarray:
        return attribute(self.framework.ir, self.scores, self.framework.layout)

    def lost(self, node_id: str) -> np.ndarray:
        """Lost points attributed to a node, per unit: for every unit the criteria's lost
        points add up to effective_max − total."""
        return self.lost_points()[self.node_row(node_id)]

    # ---- across units
    def rank(self, by: "str | Sequence[object] | np.ndarray | None" = None, node: str | None = None) -> np.ndarray:
        """Competition ranking by total: 1 is best, ties share the better rank (1, 2, 2, 4).
        Totals equal to 9 decimals count as tied (float noise is not a difference). Units the
        framework does not rank (`rank exclude when`) get 0 and count for no one else's rank.

        by: rank within peer groups instead, units with the same value ranked among
        themselves: an input's name (e.g. "has_procedures") or one value per unit.
        node: rank by the index of a node (a main index, any group or criterion) or of a tag
        view ("pillar.government"), as published rankings of main indices and pillars do; a
        unit where it does not apply is ranked as an index of 0."""
        values = self.total if node is None else np.nan_to_num(self._index_of(node), nan=0.0)
        ranked = self._ranked
        if by is None:
            return competition_rank(values, ranked)
        if isinstance(by, str):
            if by not in self.columns.values:
                raise UnknownIdError.of("input", by, self.columns.values)
            return rank_within(values, self.columns.values[by], ranked)
        if len(by) != len(self):
            raise ArgumentError(f"rank(by=...) needs one value per unit ({len(self)}), got {len(by)}")
        return rank_within(values, by, ranked)

    @property
    def ranked(self) -> np.ndarray:
        """Whether each unit is ranked: False where one of the framework's `rank exclude
        when` conditions holds (a condition with no value takes no rank away)."""
        return np.ones(len(self), bool) if self._ranked is None else self._ranked.copy()

    @functools.cached_property
    def _ranked(self) -> np.ndarray | None:
        unranked = self.scores.unranked
        return None if unranked is None or not unranked.any() else ~unranked

    def _index_of(self, node: str) -> np.ndarray:
        """The index of a node, or of a tag view written KEY.VALUE."""
        if node in self._row:
            return self.node_index(node)
        key, _, value = node.partition(".")
        views = self.view(key) if key in self.tag_keys else {}
        if value in views:
            return views[value].index
        names = list(self._row) + [f"{k}.{v}" for k in self.tag_keys for v in self.framework.carriers(k)]
        raise UnknownIdError.of("node or tag view", node, names)

    @property
    def tag_keys(self) -> tuple[str, ...]:
        """Every tag key of the framework, in file order."""
        return tuple(dict.fromkeys(key for node in self.framework.ir.nodes() for key, _ in node.tags))

    def view(self, tag_key: str) -> dict[str, View]:
        """For each value of a tag: points, max and index of the outermost nodes carrying it."""
        views = {}
        for value, node_ids in self.framework.carriers(tag_key).items():
            points = sum(self.points(n) for n in node_ids)
            top = sum(self.max(n) for n in node_ids)
            index = np.full(len(self), np.nan)
            np.divide(points, top, out=index, where=top > 0)
            views[value] = View(points, top, index, tuple(node_ids))
        return views

    def position(self, unit: object) -> int:
        """The row of a unit, by id (or by position when ids are the default 0..n-1)."""
        ids = self.columns.ids
        if isinstance(ids, range) and isinstance(unit, (int, np.integer)) and not isinstance(unit, bool) \
                and 0 <= unit < len(ids):  # the default ids 0..n-1: no list of them made for one lookup
            return int(unit)
        if "unit_positions" not in self.__dict__ and isinstance(self.units, list):
            try:  # the first lookup: a C-speed scan, not a dict of every unit (40 ms at 100k)
                return self.units.index(unit)
            except ValueError:
                pass
        lookup = self.unit_positions
        if unit in lookup:
            return lookup[unit]
        if isinstance(unit, (int, np.integer)) and not isinstance(unit, bool) and 0 <= unit < len(self):
            return int(unit)
        raise UnknownIdError.of("unit", unit, lookup)

    @functools.cached_property
    def unit_positions(self) -> dict:
        """Unit id → its row, for every unit (made once)."""
        return {unit: i for i, unit in enumerate(self.units)}

    def input_row(self, position: int) -> dict[str, float]:
        """One unit's inputs in their float encoding (NaN = no value)."""
        position = whole("position", position, 0, len(self) - 1)
        return {name: float(column[position]) for name, column in self.columns.values.items()}

    def table(self, groups: bool = True, ranks: bool = True) -> dict[str, np.ndarray | list]:
        """unit, total, index, band (where the framework declares bands), rank, each tag
        view's index and rank (`pillar.government.index`, `pillar.government.rank`, ...) and
        (optionally) one column of points per group. ranks=False leaves the rank columns in
        their places but empty (None), for a caller that ranks later over more units (a
        streamed file ranks once every chunk is scored)."""
        out: dict = {"unit": self.units, "total": self.total, "index": self.index}
        if self.framework.ir.bands is not None:
            out["band"] = self.band()
        out["rank"] = rank_cells(self.rank()) if ranks else None
        for key in self.tag_keys:
            for value, view in self.view(key).items():
                index, rank = view_columns(key, value)
                out[index] = view.index
                out[rank] = rank_cells(index_rank(view.index, self._ranked)) if ranks else None
        if groups:
            for group_id in self.framework.groups:
                out[group_id] = self.points(group_id)
        return out

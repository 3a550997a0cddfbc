"""What scoring gives back: arrays over units for every node, ranks, tag views, and
explanations of single units (which read these arrays; they never re-score)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Sequence

import attrs
import numpy as np

from .language import ir
from .engine.columns import Columns
from .errors import UnknownIdError
from .engine.evaluate import Scores, attribute

if TYPE_CHECKING:
    from .explain.explanation import Explanation
    from .framework import Framework

STATUS_NAMES = np.array(ir.STATUSES)


@attrs.frozen
class View:
    """One tag value's share of the framework: points, effective max and index per unit."""

    points: np.ndarray
    max: np.ndarray
    index: np.ndarray
    nodes: tuple[str, ...]  # the outermost nodes carrying the tag value


class Result:
    def __init__(self, framework: "Framework", scores: Scores, columns: Columns):
        self.framework = framework
        self.scores = scores
        self.columns = columns
        self._row = {node_id: i for i, node_id in enumerate(scores.order)}
        self._crow = {crit_id: i for i, crit_id in enumerate(scores.criteria)}
        root = self._row[framework.root.id]
        self.total = scores.points[root]
        self.effective_max = scores.effective_max(root)

    def __len__(self) -> int:
        return len(self.columns.units)

    def __repr__(self) -> str:
        return f"<Result of {self.framework.id!r} for {len(self)} units>"

    @property
    def units(self) -> list:
        return self.columns.units

    @functools.cached_property
    def index(self) -> np.ndarray:
        """total / effective max, in [0, 1]; NaN where nothing applied."""
        out = np.full(len(self), np.nan)
        np.divide(self.total, self.effective_max, out=out, where=self.effective_max > 0)
        return out

    # ---- per node
    def _node_row(self, node_id: str) -> int:
        try:
            return self._row[node_id]
        except KeyError:
            raise UnknownIdError.of("node", node_id, self._row) from None

    def _criterion_row(self, criterion_id: str) -> int:
        if criterion_id not in self._crow:
            if criterion_id in self._row:
                raise UnknownIdError(f"'{criterion_id}' is a group; statuses belong to criteria")
            raise UnknownIdError.of("criterion", criterion_id, self._crow)
        return self._crow[criterion_id]

    def points(self, node_id: str) -> np.ndarray:
        """Points of a node per unit (0 where it does not apply)."""
        return self.scores.points[self._node_row(node_id)]

    def max(self, node_id: str) -> np.ndarray:
        """Effective max of a node per unit (0 where it does not apply)."""
        return self.scores.effective_max(self._node_row(node_id))

    def applicable(self, node_id: str) -> np.ndarray:
        return self.scores.applicable[self._node_row(node_id)]

    def node_index(self, node_id: str) -> np.ndarray:
        """points / effective max of a node per unit (NaN where it does not apply)."""
        points, top = self.points(node_id), self.max(node_id)
        out = np.full(len(self), np.nan)
        np.divide(points, top, out=out, where=top > 0)
        return out

    def status(self, criterion_id: str) -> np.ndarray:
        """Status names per unit: scored, excluded, missing, no_evidence, inactive, invalid."""
        return STATUS_NAMES[self.scores.status[self._criterion_row(criterion_id)]]

    def status_codes(self, criterion_id: str) -> np.ndarray:
        """Statuses as int8 codes (positions in `dtiscore.STATUSES`)."""
        return self.scores.status[self._criterion_row(criterion_id)]

    def branch(self, criterion_id: str) -> np.ndarray:
        """Which band/case/limit each unit's points came from (int8; -1 when not scored)."""
        return self.scores.branch[self._criterion_row(criterion_id)]

    @functools.cached_property
    def _lost(self) -> np.ndarray:
        return attribute(self.framework.ir, self.scores, self.framework.layout)

    def lost(self, node_id: str) -> np.ndarray:
        """Lost points attributed to a node, per unit: for every unit the criteria's lost
        points add up to effective_max − total."""
        return self._lost[self._node_row(node_id)]

    # ---- across units
    def rank(self, by: "str | Sequence[object] | np.ndarray | None" = None) -> np.ndarray:
        """Competition ranking by total: 1 is best, ties share the better rank (1, 2, 2, 4).
        Totals equal to 9 decimals count as tied (float noise is not a difference).

        by: rank within peer groups instead, units with the same value ranked among
        themselves: an input's name (e.g. "has_procedures") or one value per unit."""
        if by is None:
            return competition_rank(self.total)
        if isinstance(by, str):
            if by not in self.columns.values:
                raise UnknownIdError.of("input", by, self.columns.values)
            return rank_within(self.total, self.columns.values[by])
        if len(by) != len(self):
            raise ValueError(f"rank(by=...) needs one value per unit ({len(self)}), got {len(by)}")
        return rank_within(self.total, by)

    def view(self, tag_key: str) -> dict[str, View]:
        """For each value of a tag: points, max and index of the outermost nodes carrying it."""
        carriers: dict[str, list[str]] = {}
        for node_id in self.framework.nodes:
            node = self.framework.ir_node(node_id)
            parent = self.framework.node(node_id).parent
            inherited = self.framework.node(parent).tags.get(tag_key, ()) if parent else ()
            for key, values in node.tags:
                if key != tag_key:
                    continue
                for value in values:
                    if value not in inherited:
                        carriers.setdefault(value, []).append(node_id)
        if not carriers:
            known = sorted({k for n in self.framework.nodes for k in self.framework.node(n).tags})
            raise UnknownIdError.of("tag", tag_key, known)
        views = {}
        for value, node_ids in carriers.items():
            points = sum(self.points(n) for n in node_ids)
            top = sum(self.max(n) for n in node_ids)
            index = np.full(len(self), np.nan)
            np.divide(points, top, out=index, where=top > 0)
            views[value] = View(points, top, index, tuple(node_ids))
        return views

    def position(self, unit: object) -> int:
        """The row of a unit, by id (or by position when ids are the default 0..n-1)."""
        lookup = self._unit_positions
        if unit in lookup:
            return lookup[unit]
        if isinstance(unit, (int, np.integer)) and not isinstance(unit, bool) and 0 <= unit < len(self):
            return int(unit)
        raise UnknownIdError.of("unit", unit, lookup)

    @functools.cached_property
    def _unit_positions(self) -> dict:
        return {unit: i for i, unit in enumerate(self.units)}

    def explain(self, unit: object, lang: str | None = None) -> "Explanation":
        """Why one unit has the points it has: every group and deduction, with reasons
        ("vi" or "en"; by default "vi" for a framework with a Vietnamese title)."""
        from .explain.explanation import explain_unit

        return explain_unit(self, self.position(unit), lang)

    # ---- analyses (each in its own module; see docs/explanations.md)
    @property
    def lang(self) -> str:
        """The default language of reasons: "vi" for a framework with a Vietnamese title."""
        from .explain.wording import default_lang

        return default_lang(self.framework.title)

    def deductions(self, lang: str | None = None, every: bool = False):
        """The deduction ledger of all units (`dtiscore.explain.ledger.Ledger`): one row per unit and
        criterion that lost points (every=True: all rows), most lost first within a unit."""
        from .explain.ledger import Ledger
        from .explain.wording import check_lang

        return Ledger.build(self, check_lang(lang or self.lang), every)

    def gains(self, unit: object, k: int | None = 10):
        """One unit's criteria ranked by the points their recovery would add to the total,
        each with its next step (`dtiscore.explain.whatif.Gain`)."""
        from .explain.whatif import gains

        return gains(self, self.position(unit), k)

    def plan(self, unit: object, target_total: float):
        """The fewest criteria whose next steps take the unit's total to `target_total`
        (`dtiscore.explain.whatif.Plan`)."""
        from .explain.whatif import plan

        return plan(self, self.position(unit), target_total)

    def rollup(self, mapping, how: str = "mean", weights=None):
        """Units combined into parents (communes → district; merged provinces → one):
        `mapping` is unit → parent (a dict, or one parent per unit). See `dtiscore.analyses.rollup`."""
        from .analyses.rollup import rollup

        return rollup(self, mapping, how, weights)

    def input_row(self, position: int) -> dict[str, float]:
        """One unit's inputs in their float encoding (NaN = no value)."""
        return {name: float(column[position]) for name, column in self.columns.values.items()}

    def to_pandas(self, nodes: bool = False):
        """A pandas DataFrame indexed by unit: total, index, rank and each group's points;
        with nodes=True, the points of every node (groups and criteria) instead."""
        from .io.frames import result_frame

        return result_frame(self, nodes)

    def table(self, groups: bool = True) -> dict[str, np.ndarray | list]:
        """unit, total, index, rank and (optionally) one column of points per group."""
        out: dict = {"unit": self.units, "total": self.total, "index": self.index, "rank": self.rank()}
        if groups:
            for group_id in self.framework.groups:
                out[group_id] = self.points(group_id)
        return out


def competition_rank(values: np.ndarray) -> np.ndarray:
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

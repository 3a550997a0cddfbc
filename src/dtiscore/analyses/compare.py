"""Two results of the same units side by side: year over year, or a self-assessment against
the reviewed score.

Units are matched by id and criteria and groups by id, so the two results may come from
different framework versions: criteria only in `after` are *added*, only in `before`
*removed*, and the counts of criteria up, down and unchanged are over the criteria in both.
Differences smaller than 1e-9 points are no change (as in ranking). All per-unit numbers
are arrays over the common units, computed for all of them at once.
"""

from __future__ import annotations


import attrs
import numpy as np

from ..engine.scored import Scored
from ..errors import DtiError, UnknownIdError, instance
from ..explain.wording import check_lang, number, signed



@attrs.frozen
class CriterionChange:
    criterion: str
    title: str
    before: float
    after: float
    delta: float


@attrs.frozen
class UnitComparison:
    """One unit's change: totals, counts, and its criteria that moved (most first)."""

    unit: object
    before: float
    after: float
    delta: float
    up: int
    down: int
    unchanged: int
    groups: dict[str, float]  # group id → delta
    changes: tuple[CriterionChange, ...]  # criteria that moved, biggest change first
    labels: tuple[str, str]

    def text(self, lang: str = "en") -> str:
        check_lang(lang)
        head = (f"{self.unit}: {number(self.before, lang)} → {number(self.after, lang)} "
                f"({signed(self.delta, lang)})")
        if lang == "vi":
            head += f", {self.up} tiêu chí tăng, {self.down} giảm, {self.unchanged} không đổi"
        else:
            head += f", {self.up} criteria up, {self.down} down, {self.unchanged} unchanged"
        lines = [head]
        for change in self.changes:
            lines.append(f"  {signed(change.delta, lang).rjust(8)}  {change.criterion} "
                         f"({number(change.before, lang)} → {number(change.after, lang)})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text("en")


class Comparison:
    """`before` and `after` over their common units (in `after`'s order)."""

    def __init__(self, before: "Scored", after: "Scored", labels: tuple[str, str] = ("before", "after")):
        self.before_result, self.after_result, self.labels = before, after, tuple(labels)
        positions = before.unit_positions
        common = [(i, positions[u]) for i, u in enumerate(after.units) if u in positions]
        if not common:
            raise DtiError("the two results have no unit in common")
        self._after_pos = np.array([a for a, _ in common], dtype=np.intp)
        self._before_pos = np.array([b for _, b in common], dtype=np.intp)
        self.units = [after.units[a] for a, _ in common]
        kept = set(self.units)
        self.units_added = tuple(u for u in after.units if u not in positions)  # only in `after`
        self.units_removed = tuple(u for u in before.units if u not in kept)
        old, new = before.framework, after.framework
        old_criteria, new_criteria, old_groups = set(old.criteria), set(new.criteria), set(old.groups)
        self.criteria = tuple(c for c in new.criteria if c in old_criteria)
        self.added = tuple(c for c in new.criteria if c not in old_criteria)
        self.removed = tuple(c for c in old.criteria if c not in new_criteria)
        self.groups = tuple(g for g in new.groups if g in old_groups)
        self.before = before.total[self._before_pos]
        self.after = after.total[self._after_pos]
        self.delta = self.after - self.before
        deltas = self.criterion_deltas()
        moved = np.round(deltas, 9)
        self.up = np.count_nonzero(moved > 0, axis=0)
        self.down = np.count_nonzero(moved < 0, axis=0)
        self.unchanged = len(self.criteria) - self.up - self.down

    def __len__(self) -> int:
        return len(self.units)

    def __repr__(self) -> str:
        return (f"<Comparison of {len(self)} units: {len(self.criteria)} criteria in both, "
                f"{len(self.added)} added, {len(self.removed)} removed>")

    def _pair(self, node_id: str) -> tuple[np.ndarray, np.ndarray]:
        return (self.before_result.points(node_id)[self._before_pos],
                self.after_result.points(node_id)[self._after_pos])

    def criterion_deltas(self) -> np.ndarray:
        """(criteria in both × units) points after − before."""
        if not self.criteria:
            return np.zeros((0, len(self)))
        return np.stack([np.subtract(*self._pair(c)[::-1]) for c in self.criteria])

    def criterion(self, criterion_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(before, after, delta) points of a criterion in both, per unit."""
        if criterion_id not in self.criteria:
            raise UnknownIdError.of("criterion in both results", criterion_id, self.criteria)
        before, after = self._pair(criterion_id)
        return before, after, after - before

    def group(self, group_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(before, after, delta) points of a group in both, per unit."""
        if group_id not in self.groups:
            raise UnknownIdError.of("group in both results", group_id, self.groups)
        before, after = self._pair(group_id)
        return before, after, after - before

    def position(self, unit: object) -> int:
        try:
            return self.units.index(unit)
        except ValueError:
            raise UnknownIdError.of("unit in both results", unit, self.units) from None

    def unit(self, unit: object) -> UnitComparison:
        i = self.position(unit)
        changes = []
        for c in self.criteria:
            before, after = self._pair(c)
            if round(after[i] - before[i], 9) != 0:
                changes.append(CriterionChange(c, self.after_result.framework.node(c).title,
                                               float(before[i]), float(after[i]), float(after[i] - before[i])))
        changes.sort(key=lambda ch: -abs(ch.delta))
        groups = {g: float(self.group(g)[2][i]) for g in self.groups}
        return UnitComparison(self.units[i], float(self.before[i]), float(self.after[i]), float(self.delta[i]),
                              int(self.up[i]), int(self.down[i]), int(self.unchanged[i]), groups,
                              tuple(changes), self.labels)

    def table(self, groups: bool = True) -> dict[str, np.ndarray | list]:
        """One row per unit: before, after, delta, criteria up/down/unchanged, group deltas."""
        b, a = self.labels
        out: dict = {"unit": self.units, b: self.before, a: self.after, "delta": self.delta,
                     "up": self.up, "down": self.down, "unchanged": self.unchanged}
        if groups:
            for g in self.groups:
                out[f"{g}_delta"] = self.group(g)[2]
        return out

    def criteria_table(self) -> dict[str, np.ndarray | list]:
        """One row per criterion in both: units up/down, mean delta, total delta."""
        deltas = self.criterion_deltas()
        moved = np.round(deltas, 9)
        return {"criterion": list(self.criteria),
                "units_up": np.count_nonzero(moved > 0, axis=1),
                "units_down": np.count_nonzero(moved < 0, axis=1),
                "mean_delta": deltas.mean(axis=1) if len(self) else np.zeros(len(self.criteria)),
                "total_delta": deltas.sum(axis=1)}


def compare(before: "Scored", after: "Scored", labels: tuple[str, str] = ("before", "after")) -> Comparison:
    """Compare two results of the same units (by unit id; criteria and groups by id)."""
    instance("before", before, Scored, "a Result")
    instance("after", after, Scored, "a Result")
    return Comparison(before, after, labels)

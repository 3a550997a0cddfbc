"""Two results of the same units side by side: year over year, or a self-assessment against
the reviewed score.

Units are matched by id and criteria and groups by id, so the two results may come from
different framework versions: criteria only in `after` are *added*, only in `before`
*removed*, and the counts of criteria up, down and unchanged are over the criteria in both.
Differences smaller than 1e-9 points are no change (as in ranking). All per-unit numbers
are arrays over the common units, computed for all of them at once.

A unit's change is also attributed exactly, criterion by criterion and kind by kind
(`contributions`: data, applicability, rescale, framework; the method is in
`analyses.attribution`), and set against its neighbours in the ranking: which units it
passed or was passed by, and on which criteria.
"""

from __future__ import annotations

import functools

import attrs
import numpy as np

from .attribution import Contribution, unit_steps
from ..engine.ranks import NO_RANK
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
class PillarChange:
    """A tag view's (pillar's) index before and after: published results give pillars as
    indices, so their change is one too (not points)."""

    key: str  # the tag key, e.g. "pillar"
    value: str  # the tag value, e.g. "government"
    before: float
    after: float
    delta: float


@attrs.frozen
class Overtaking:
    """A neighbour in the ranking that changed places with the unit, and the criteria that
    made the most of the difference: (criterion, how many more points it brought the
    winner than the other), biggest first."""

    neighbour: object
    criteria: tuple[tuple[str, float], ...]

    def text(self, lang: str = "en", passed: bool = True) -> str:
        carried = ", ".join(f"{c} ({signed(points, lang)})" for c, points in self.criteria)
        if lang == "vi":
            said = f"vượt {self.neighbour}" if passed else f"bị {self.neighbour} vượt qua"
            return f"{said} nhờ {carried}" if carried else said
        said = f"passed {self.neighbour}" if passed else f"passed by {self.neighbour}"
        return f"{said} on {carried}" if carried else said


def rank_change(before: int, after: int, lang: str = "en") -> str:
    """A change of rank in the published wording: "up 3 places" / "tăng 3 bậc"."""
    places = before - after
    if lang == "vi":
        return "giữ nguyên" if places == 0 else f"{'tăng' if places > 0 else 'giảm'} {abs(places)} bậc"
    if places == 0:
        return "unchanged"
    return f"{'up' if places > 0 else 'down'} {abs(places)} place{'s' if abs(places) != 1 else ''}"


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
    rank_before: int = 0  # the unit's rank among `before`'s units
    rank_after: int = 0
    contributions: tuple[Contribution, ...] = ()  # they add up to delta
    passed: tuple[Overtaking, ...] = ()  # units ranked above it before and below it after
    passed_by: tuple[Overtaking, ...] = ()  # units ranked below it before and above it after
    pillars: tuple[PillarChange, ...] = ()  # each tag view in both, in `after`'s order

    def text(self, lang: str = "en") -> str:
        check_lang(lang)
        head = (f"{self.unit}: {number(self.before, lang)} → {number(self.after, lang)} "
                f"({signed(self.delta, lang)})")
        if lang == "vi":
            head += f", {self.up} tiêu chí tăng, {self.down} giảm, {self.unchanged} không đổi"
        else:
            head += f", {self.up} criteria up, {self.down} down, {self.unchanged} unchanged"
        lines = [head]
        if self.rank_before and self.rank_after:
            word = "hạng" if lang == "vi" else "rank"
            lines.append(f"  {word} {self.rank_before} → {self.rank_after} "
                         f"({rank_change(self.rank_before, self.rank_after, lang)})")
        for pillar in self.pillars:
            lines.append(f"  {pillar.key}: {pillar.value} {number(pillar.before, lang, 4)} → "
                         f"{number(pillar.after, lang, 4)} ({signed(pillar.delta, lang, 4)})")
        for change in self.changes:
            lines.append(f"  {signed(change.delta, lang).rjust(8)}  {change.criterion} "
                         f"({number(change.before, lang)} → {number(change.after, lang)})")
        for overtaking in self.passed:
            lines.append("  " + overtaking.text(lang, passed=True))
        for overtaking in self.passed_by:
            lines.append("  " + overtaking.text(lang, passed=False))
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
        old_views = {(key, value) for key in before.tag_keys for value in old.carriers(key)}
        self.pillars = tuple((key, value) for key in after.tag_keys for value in new.carriers(key)
                             if (key, value) in old_views)  # tag views in both, as (key, value)
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

    def pillar(self, key: str, value: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(before, after, delta) index of a tag view (a pillar) in both, per unit."""
        if (key, value) not in self.pillars:
            raise UnknownIdError.of("tag view in both results", f"{key}.{value}",
                                    [f"{k}.{v}" for k, v in self.pillars])
        before = self.before_result.view(key)[value].index[self._before_pos]
        after = self.after_result.view(key)[value].index[self._after_pos]
        return before, after, after - before

    def position(self, unit: object) -> int:
        try:
            return self.units.index(unit)
        except ValueError:
            raise UnknownIdError.of("unit in both results", unit, self.units) from None

    @functools.cached_property
    def _steps(self) -> dict[tuple[str, str], np.ndarray]:
        return unit_steps(self.before_result, self.after_result, self._before_pos, self._after_pos)

    def contribution_arrays(self) -> dict[tuple[str, str], np.ndarray]:
        """(criterion, kind) → points per unit; for every unit they add up to `delta` (see
        `dtiscore.analyses.attribution` for the method)."""
        return dict(self._steps)

    def contributions(self, unit: object) -> tuple[Contribution, ...]:
        """One unit's change of total, criterion by criterion and kind by kind (the parts
        that moved it at all), biggest first; they add up to its delta."""
        i = self.position(unit)
        found = [Contribution(c, kind, float(points[i])) for (c, kind), points in self._steps.items()
                 if round(float(points[i]), 9) != 0]
        return tuple(sorted(found, key=lambda part: -abs(part.points)))

    @functools.cached_property
    def _by_criterion(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for (c, _), points in self._steps.items():
            out[c] = out[c] + points if c in out else points.copy()
        return out

    @functools.cached_property
    def ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """Each common unit's rank before (among `before`'s units) and after."""
        return self.before_result.rank()[self._before_pos], self.after_result.rank()[self._after_pos]

    def _overtakings(self, i: int, passed: bool, neighbours: int = 5, criteria: int = 3) -> tuple[Overtaking, ...]:
        before, after = self.ranks
        ranked = (before != NO_RANK) & (after != NO_RANK)  # only units ranked both times pass each other
        if not ranked[i]:
            return ()
        if passed:
            others = np.flatnonzero(ranked & (before < before[i]) & (after > after[i]))
        else:
            others = np.flatnonzero(ranked & (before > before[i]) & (after < after[i]))
        others = others[np.argsort(np.abs(after[others] - after[i]), kind="stable")][:neighbours]
        out = []
        for j in others:
            sign = 1 if passed else -1
            lead = sorted(((c, sign * float(points[i] - points[j])) for c, points in self._by_criterion.items()),
                          key=lambda item: -item[1])
            out.append(Overtaking(self.units[j], tuple((c, p) for c, p in lead[:criteria] if round(p, 9) > 0)))
        return tuple(out)

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
        pillars = tuple(PillarChange(key, value, *(float(v[i]) for v in self.pillar(key, value)))
                        for key, value in self.pillars)
        return UnitComparison(self.units[i], float(self.before[i]), float(self.after[i]), float(self.delta[i]),
                              int(self.up[i]), int(self.down[i]), int(self.unchanged[i]), groups,
                              tuple(changes), self.labels, int(self.ranks[0][i]), int(self.ranks[1][i]),
                              self.contributions(unit), self._overtakings(i, True), self._overtakings(i, False),
                              pillars)

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

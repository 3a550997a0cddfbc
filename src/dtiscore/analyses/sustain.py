"""Sustainability (bền vững): which criteria a unit has held at their level in every period.

A criterion is *sustained* for a unit when its points / effective max ≥ threshold in every
period given (oldest first), counting only the periods where it applied to the unit (an
excluded criterion is not judged that period; one that never applied is not counted).
Criteria are those of the latest period's framework, matched by id; one that is missing
from an earlier period's framework is *new* and cannot be sustained. Criteria with max 0
carry no points and are not counted. A criterion's *points* here are its max in the latest
framework (what is at stake: "59 sustained criteria worth 530 points"); `earned` is what
it scored in the latest period.
"""

from __future__ import annotations

from typing import Sequence

import attrs
import numpy as np

from ..engine.scored import Scored
from ..errors import DtiError, UnknownIdError, instance, real
from ..explain.wording import check_lang, number


TOLERANCE = 1e-9


@attrs.frozen
class Tally:
    """Counts and points of sustained and unsustained criteria (for one unit)."""

    sustained: int
    sustained_points: float
    unsustained: int
    unsustained_points: float


@attrs.frozen
class UnitSustainability:
    unit: object
    total: Tally
    groups: dict[str, Tally]
    sustained: tuple[str, ...]
    unsustained: tuple[str, ...]

    def text(self, lang: str = "en") -> str:
        check_lang(lang)
        t = self.total
        if lang == "vi":
            lines = [f"{self.unit}: {t.sustained} tiêu chí bền vững ({number(t.sustained_points, lang)} điểm), "
                     f"{t.unsustained} tiêu chí chưa bền vững ({number(t.unsustained_points, lang)} điểm)"]
        else:
            lines = [f"{self.unit}: {t.sustained} sustained criteria worth {number(t.sustained_points, lang)} points, "
                     f"{t.unsustained} unsustained worth {number(t.unsustained_points, lang)}"]
        for group, g in self.groups.items():
            lines.append(f"  {group}: {g.sustained} / {g.sustained + g.unsustained}"
                         f" ({number(g.sustained_points, lang)} / {number(g.sustained_points + g.unsustained_points, lang)})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text("en")


class Sustainability:
    def __init__(self, results: Sequence["Scored"], threshold: float = 1.0):
        if not results:
            raise DtiError("sustainability needs at least one result")
        self.results = tuple(results)
        self.threshold = float(threshold)
        latest = self.results[-1]
        self.framework = latest.framework
        common = [u for u in latest.units if all(u in r.unit_positions for r in self.results[:-1])]
        if not common:
            raise DtiError("the results have no unit in common")
        self.units = common
        kept = set(common)
        self.units_dropped = tuple(u for u in latest.units if u not in kept)
        self.criteria = tuple(c for c in latest.framework.criteria if latest.framework.node(c).max > 0)
        self.new = tuple(c for c in self.criteria
                         if any(c not in set(r.framework.criteria) for r in self.results[:-1]))
        self.max = np.array([latest.framework.node(c).max for c in self.criteria])
        held = np.ones((len(self.criteria), len(common)), dtype=bool)
        applied = np.zeros_like(held)
        for result in self.results:
            positions = np.array([result.unit_positions[u] for u in common], dtype=np.intp)
            known = set(result.framework.criteria)
            for k, c in enumerate(self.criteria):
                if c not in known:
                    held[k] = False
                    continue
                applies = result.applicable(c)[positions]
                top = result.max(c)[positions]
                share = np.zeros(len(common))
                np.divide(result.points(c)[positions], top, out=share, where=top > 0)
                held[k] &= (share >= self.threshold - TOLERANCE) | ~applies
                applied[k] |= applies
        self.counted = applied
        self.sustained = held & applied  # (criteria × units)
        latest_positions = np.array([latest.unit_positions[u] for u in common], dtype=np.intp)
        self.earned = np.stack([latest.points(c)[latest_positions] for c in self.criteria]) \
            if self.criteria else np.zeros((0, len(common)))

    def __len__(self) -> int:
        return len(self.units)

    def __repr__(self) -> str:
        return f"<Sustainability over {len(self.results)} periods, {len(self)} units, threshold {self.threshold:g}>"

    def _rows(self, group: str | None) -> np.ndarray:
        if group is None:
            return np.ones(len(self.criteria), dtype=bool)
        if group not in self.framework.groups:
            raise UnknownIdError.of("group", group, self.framework.groups)
        inside = set()
        stack = [group]
        while stack:
            node = self.framework.node(stack.pop())
            inside.add(node.id)
            stack.extend(node.children)
        return np.array([c in inside for c in self.criteria], dtype=bool)

    def counts(self, group: str | None = None) -> dict[str, np.ndarray]:
        """Per unit: sustained / unsustained criteria and their points (max), and the
        points they earned in the latest period; within one group when given."""
        rows = self._rows(group)
        sustained, counted = self.sustained[rows], self.counted[rows]
        unsustained = counted & ~sustained
        top = self.max[rows][:, None]
        return {
            "sustained": sustained.sum(axis=0),
            "sustained_points": (sustained * top).sum(axis=0),
            "unsustained": unsustained.sum(axis=0),
            "unsustained_points": (unsustained * top).sum(axis=0),
            "sustained_earned": (sustained * self.earned[rows]).sum(axis=0),
            "unsustained_earned": (unsustained * self.earned[rows]).sum(axis=0),
        }

    def table(self, groups: bool = True) -> dict[str, np.ndarray | list]:
        """One row per unit: counts and points; per group, how many sustained and not."""
        out: dict = {"unit": self.units}
        total = self.counts()
        for key in ("sustained", "sustained_points", "unsustained", "unsustained_points"):
            out[key] = total[key]
        if groups:
            for g in self.framework.groups:
                counts = self.counts(g)
                out[f"{g}_sustained"] = counts["sustained"]
                out[f"{g}_unsustained"] = counts["unsustained"]
        return out

    def unit(self, unit: object) -> UnitSustainability:
        if unit not in self.units:
            raise UnknownIdError.of("unit in every period", unit, self.units)
        i = self.units.index(unit)

        def tally(counts) -> Tally:
            return Tally(int(counts["sustained"][i]), float(counts["sustained_points"][i]),
                         int(counts["unsustained"][i]), float(counts["unsustained_points"][i]))

        groups = {g: tally(self.counts(g)) for g in self.framework.groups}
        column = self.sustained[:, i]
        return UnitSustainability(
            unit, tally(self.counts()), groups,
            tuple(c for c, s in zip(self.criteria, column) if s),
            tuple(c for c, s, n in zip(self.criteria, column, self.counted[:, i]) if n and not s))


def sustainability(results: Sequence["Scored"], threshold: float = 1.0) -> Sustainability:
    """Which criteria each unit held at points / max ≥ threshold in every period
    (results oldest first; units matched by id, criteria by id)."""
    for result in results:
        instance("results", result, Scored, "a sequence of Results")
    return Sustainability(results, real("threshold", threshold))

"""What scoring gives back: arrays over units for every node, ranks, tag views
(`engine.scored.Scored`), and here what fronts the higher layers: explanations of single
units (which read these arrays; they never re-score), the deduction ledger, next steps,
rollups and DataFrames."""

from __future__ import annotations

from .analyses.rollup import Rollup, rollup
from .engine.scored import STATUS_NAMES, Scored, View
from .explain.explanation import Explanation, explain_unit
from .explain.ledger import Ledger
from .explain.whatif import Gain, Plan, gains, plan
from .errors import real
from .explain.wording import check_lang, default_lang
from .io.frames import result_frame

__all__ = ["Result", "View", "STATUS_NAMES"]


class Result(Scored):
    def explain(self, unit: object, lang: str | None = None) -> Explanation:
        """Why one unit has the points it has: every group and deduction, with reasons
        ("vi" or "en"; by default "vi" for a framework with a Vietnamese title)."""
        return explain_unit(self, self.position(unit), lang)

    # ---- analyses (each in its own module; see docs/explanations.md)
    @property
    def lang(self) -> str:
        """The default language of reasons: "vi" for a framework with a Vietnamese title."""
        return default_lang(self.framework.title)

    def deductions(self, lang: str | None = None, every: bool = False) -> Ledger:
        """The deduction ledger of all units (`dtiscore.explain.ledger.Ledger`): one row per unit and
        criterion that lost points (every=True: all rows), most lost first within a unit."""
        return Ledger.build(self, check_lang(lang or self.lang), every)

    def gains(self, unit: object, k: int | None = 10) -> list[Gain]:
        """One unit's criteria ranked by the points their recovery would add to the total,
        each with its next step (`dtiscore.explain.whatif.Gain`)."""
        return gains(self, self.position(unit), k)

    def plan(self, unit: object, target_total: float) -> Plan:
        """The fewest criteria whose next steps take the unit's total to `target_total`
        (`dtiscore.explain.whatif.Plan`)."""
        return plan(self, self.position(unit), real("target_total", target_total))

    def rollup(self, mapping, how: str = "mean", weights=None) -> Rollup:
        """Units combined into parents (communes → district; merged provinces → one):
        `mapping` is unit → parent (a dict, or one parent per unit). See `dtiscore.analyses.rollup`."""
        return rollup(self, mapping, how, weights)

    def to_pandas(self, nodes: bool = False):
        """A pandas DataFrame indexed by unit: total, index, rank and each group's points;
        with nodes=True, the points of every node (groups and criteria) instead."""
        return result_frame(self, nodes)

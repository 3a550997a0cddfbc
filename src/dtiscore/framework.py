"""The public face of a checked, compiled framework: its tree, its inputs, and `score`.

The tree, the compiled program and scoring into arrays are the engine's
(`engine.compiled.CompiledFramework`); this class makes every result a `dtiscore.Result`,
which fronts explanations and analyses.
"""

from __future__ import annotations

from .engine.columns import Columns
from .engine.compiled import CompiledFramework, InputInfo, Node
from .engine.evaluate import Scores
from .result import Result

__all__ = ["Framework", "Node", "InputInfo"]


class Framework(CompiledFramework):
    """A framework ready to score any number of units. Build one with `dtiscore.load` or
    `dtiscore.loads`."""

    def scored(self, scores: Scores, columns: Columns) -> Result:
        """A `Result` for scores of this framework (`score`, `score_batches` and
        `dtiscore.io.tables.score_table` all make their results here)."""
        return Result(self, scores, columns)

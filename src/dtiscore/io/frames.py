"""Results as pandas DataFrames (the `pandas` extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .formats.optional import require

if TYPE_CHECKING:
    from ..engine.scored import Scored


def result_frame(result: "Scored", nodes: bool = False):
    """Indexed by unit: total, index, rank, then each group's points (every node's with
    nodes=True, parents before children)."""
    pd = require("pandas", "pandas", "make a pandas DataFrame")
    data = {"total": result.total, "index": result.index, "rank": result.rank()}
    framework = result.framework
    ids = [n for n in framework.nodes if n != framework.root.id] if nodes else list(framework.groups)
    for node_id in ids:
        data[node_id] = result.points(node_id)
    return pd.DataFrame(data, index=pd.Index(list(result.units), name="unit"))

"""Results as pandas DataFrames (the `pandas` extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .formats.optional import require

if TYPE_CHECKING:
    from ..engine.scored import Scored


def result_frame(result: "Scored", nodes: bool = False):
    """Indexed by unit: the columns of `result.table()` (total, index, band, rank, each tag
    view's index and rank), then each group's points (every node's with nodes=True, parents
    before children). A rank column where some unit has no rank (`rank exclude when`) is of
    pandas' nullable integer type, <NA> for no rank."""
    pd = require("pandas", "pandas", "make a pandas DataFrame")
    data = {}
    for name, column in result.table(groups=False).items():
        if name != "unit":
            data[name] = pd.array(column, dtype="Int64") if isinstance(column, list) and name.endswith("rank") else column
    framework = result.framework
    ids = [n for n in framework.nodes if n != framework.root.id] if nodes else list(framework.groups)
    for node_id in ids:
        data[node_id] = result.points(node_id)
    return pd.DataFrame(data, index=pd.Index(list(result.units), name="unit"))

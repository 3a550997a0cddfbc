"""The public face of a checked, compiled framework: its tree, its inputs, and `score`."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import attrs

from .language import ir
from .engine.compile import Program, compile_program
from .engine.columns import Columns, to_columns
from .errors import Diagnostic, Source, UnknownIdError
from .engine.evaluate import Layout, Scores, default_threads, evaluate

if TYPE_CHECKING:
    from .explain.reasons import Reasons


@attrs.frozen
class Node:
    """One node of the tree as users see it. `tags` include those inherited from above."""

    id: str
    kind: str  # framework | group | criterion
    title: str
    max: float
    children: tuple[str, ...]
    tags: Mapping[str, tuple[str, ...]]
    parent: str | None


@attrs.frozen
class InputInfo:
    name: str
    type: str  # count | number | share | bool | choice(a, b, c)
    label: str | None
    options: tuple[str, ...]
    at_most: str | None
    within: tuple[float, float] | None
    on_missing: str | None
    better: str | None


class Framework:
    """A framework ready to score any number of units. Build one with `dtiscore.load` or
    `dtiscore.loads`."""

    def __init__(self, checked: ir.Framework, warnings: Sequence[Diagnostic] = (), source: Source | None = None):
        self.ir = checked
        self.warnings = tuple(warnings)
        self.source = source
        self._nodes: dict[str, Node] = {}
        self._ir_nodes: dict[str, ir.Node] = {}
        self._index(checked.root, None, {})

    def _index(self, node: ir.Node, parent: str | None, inherited: dict) -> None:
        tags = dict(inherited)
        for key, values in node.tags:
            tags[key] = tuple(dict.fromkeys(tags.get(key, ()) + values))
        self._ir_nodes[node.id] = node
        self._nodes[node.id] = Node(node.id, node.kind, node.title, node.max, node.children, tags, parent)
        if isinstance(node, ir.Group):
            for child in node.nodes:
                self._index(child, node.id, tags)

    def render_warnings(self) -> str:
        """The warnings as `file:line:col: warning: ...` with the source line."""
        return "\n".join(w.render(self.source) for w in self.warnings)

    # ---- the tree
    @property
    def id(self) -> str:
        return self.ir.root.id

    @property
    def title(self) -> str:
        return self.ir.root.title

    @property
    def root(self) -> Node:
        return self._nodes[self.ir.root.id]

    def node(self, node_id: str) -> Node:
        try:
            return self._nodes[node_id]
        except KeyError:
            raise UnknownIdError.of("node", node_id, self._nodes) from None

    @property
    def nodes(self) -> tuple[str, ...]:
        """Every node id, parents before children, in file order."""
        return tuple(self._nodes)

    @functools.cached_property
    def criteria(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.ir.criteria())

    @functools.cached_property
    def groups(self) -> tuple[str, ...]:
        return tuple(n for n, node in self._nodes.items() if node.kind == "group")

    @functools.cached_property
    def inputs(self) -> dict[str, InputInfo]:
        return {
            spec.name: InputInfo(
                spec.name,
                f"choice({', '.join(spec.options)})" if spec.kind == "choice" else spec.kind,
                spec.label, spec.options, spec.at_most, spec.within, spec.on_missing, spec.better,
            )
            for spec in self.ir.inputs
        }

    @property
    def params(self) -> dict[str, float]:
        return dict(self.ir.params)

    def ir_node(self, node_id: str) -> ir.Node:
        self.node(node_id)
        return self._ir_nodes[node_id]

    # ---- scoring
    @functools.cached_property
    def program(self) -> Program:
        return compile_program(self.ir)

    @functools.cached_property
    def layout(self) -> Layout:
        return Layout.of(self.ir)

    @functools.cached_property
    def _reasons(self) -> "Reasons":
        """Builds reasons for this framework's criteria (what it learns of them is kept)."""
        from .explain.reasons import Reasons

        return Reasons(self.ir)

    def disassemble(self) -> str:
        """The generated numpy program, for reading."""
        return self.program.disassemble()

    def score(self, data: Any, units: Sequence[object] | None = None, invalid: str = "raise",
              threads: int | None = None):
        """Score every unit in `data` at once → `Result`.

        data: a mapping of input name → 1-D array-like (NaN/None = missing), or a pandas
        DataFrame. units: optional ids, one per row (default 0..n-1). invalid: "raise"
        (default) stops at bad values with a `DataError`; "mark" scores the rest and gives
        the criteria that read a bad value the status `invalid`. threads: how many threads
        score blocks of units (default: up to 4, by the cores there are).
        """
        from .result import Result

        threads = default_threads() if threads is None else threads
        columns = to_columns(self.ir, data, units, invalid, threads)
        return Result(self, self._scores(columns, threads), columns)

    def _scores(self, columns: Columns, threads: int | None = None,
                 populations: list[float] | None = None) -> Scores:
        """Every node's points and statuses for checked columns (`score`'s second half;
        `populations` when they were computed over more units, as in streaming)."""
        program = self.program
        ordered = [columns.values[name] for name in program.columns]
        complete = {i for i, name in enumerate(program.columns) if name in columns.complete}
        return evaluate(self.ir, program, ordered, columns.invalid, columns.units, self.layout,
                        threads, populations, complete)

    def score_batches(self, batches, invalid: str = "raise", threads: int | None = None):
        """Score data too large for memory, batch by batch: yields one `Result` per batch.
        A batch is a data mapping (or DataFrame) or a pair (units, data). Population
        functions are computed over all batches first, so then `batches` must be readable
        more than once (a list, or a function returning a new iterator). Ranks are within
        a batch."""
        from .io.stream import score_batches

        return score_batches(self, batches, invalid, threads)

    def __repr__(self) -> str:
        return (f"<Framework {self.id!r}: {len(self.groups)} groups, {len(self.criteria)} criteria, "
                f"max {self.root.max:g}>")

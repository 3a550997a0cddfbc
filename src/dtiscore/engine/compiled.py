"""A checked framework with its compiled program: the tree as users see it, its inputs,
and scoring into arrays (`Scored`). The user-facing `dtiscore.Framework` adds what fronts
the higher layers; explanations, analyses and io take this class.

What the higher layers learn of a framework once and keep (reasons made ready, the tree's
shape, texts of expressions) lives in its `memo`, so it goes when the framework goes.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, Hashable, Iterable, Iterator, Mapping, Sequence, TypeVar

import attrs

from . import batches as batching
from .columns import Columns, to_columns
from .compile import compile_program
from .program import Program
from .evaluate import Layout, Scores, default_threads, evaluate
from .scored import Scored
from ..errors import Diagnostic, Source, UnknownIdError, threads as threads_argument
from ..language import ir

T = TypeVar("T")


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


class CompiledFramework:
    """A framework ready to score any number of units into arrays."""

    def __init__(self, checked: ir.Framework, warnings: Sequence[Diagnostic] = (), source: Source | None = None):
        self.ir = checked
        self.warnings = tuple(warnings)
        self.source = source
        self._nodes: dict[str, Node] = {}
        self._ir_nodes: dict[str, ir.Node] = {}
        self._memo: dict[Hashable, Any] = {}
        self._memo_lock = threading.Lock()
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

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """What `build()` gives, made once for this framework and kept with it: the higher
        layers keep what they learn of a framework here (keyed by their own class or
        function), so it lives exactly as long as the framework does."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = build()
            return self._memo[key]

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
    def params(self) -> dict[str, float | bool]:
        """Each param's value after overrides: a number, or True/False for a condition param;
        what `params=` takes back."""
        return dict(self.ir.params)

    def ir_node(self, node_id: str) -> ir.Node:
        self.node(node_id)
        return self._ir_nodes[node_id]

    def path(self, node_id: str) -> tuple[str, ...]:
        """Group ids from the top down to the node's parent (the framework itself left out)."""
        out = []
        parent = self.node(node_id).parent
        while parent is not None and self._nodes[parent].kind == "group":
            out.append(parent)
            parent = self._nodes[parent].parent
        return tuple(reversed(out))

    def carriers(self, tag_key: str) -> dict[str, tuple[str, ...]]:
        """For each value of a tag: the outermost nodes carrying it (those whose parent does
        not), in file order. `UnknownIdError` for a tag key no node has."""
        found: dict[str, list[str]] = {}
        for node_id, node in self._nodes.items():
            inherited = self._nodes[node.parent].tags.get(tag_key, ()) if node.parent else ()
            for key, values in self._ir_nodes[node_id].tags:
                if key != tag_key:
                    continue
                for value in values:
                    if value not in inherited:
                        found.setdefault(value, []).append(node_id)
        if not found:
            known = sorted({k for node in self._nodes.values() for k in node.tags})
            raise UnknownIdError.of("tag", tag_key, known)
        return {value: tuple(ids) for value, ids in found.items()}

    # ---- scoring
    @functools.cached_property
    def program(self) -> Program:
        return compile_program(self.ir)

    @functools.cached_property
    def layout(self) -> Layout:
        return Layout.of(self.ir)

    def disassemble(self) -> str:
        """The generated numpy program, for reading."""
        return self.program.disassemble()

    def score(self, data: Any, units: Sequence[object] | None = None, invalid: str = "raise",
              threads: int | None = None, engine: str = "auto") -> Scored:
        """Score every unit in `data` at once → `Result`.

        data: a mapping of input name → 1-D array-like (NaN/None = missing), or a pandas
        DataFrame. units: optional ids, one per row (default 0..n-1). invalid: "raise"
        (default) stops at bad values with a `DataError`; "mark" scores the rest and gives
        the criteria that read a bad value the status `invalid`. threads: how many threads
        score blocks of units (default: up to 4, by the cores there are). engine: "auto"
        (default: numpy), "numpy" or "numba" (`pip install 'dtiscore[numba]'`): the same
        results, bit for bit.
        """
        threads = threads_argument(threads) or default_threads()
        self.program.on(engine)  # an unknown or missing engine is an error before any work
        columns = to_columns(self.ir, data, units, invalid, threads)
        return self.scored(self.score_columns(columns, threads, engine=engine), columns)

    def score_columns(self, columns: Columns, threads: int | None = None,
                      populations: list[float] | None = None, engine: str = "auto") -> Scores:
        """Every node's points and statuses for checked columns (`score`'s second half;
        `populations` when they were computed over more units, as in streaming)."""
        program = self.program.on(engine)
        ordered = [columns.values[name] for name in program.columns]
        complete = {i for i, name in enumerate(program.columns) if name in columns.complete}
        return evaluate(self.ir, program, ordered, columns.invalid, columns.ids, self.layout,
                        threads, populations, complete)

    def scored(self, scores: Scores, columns: Columns) -> Scored:
        """The result object for scores of this framework: every scoring path makes its
        results here (the user-facing `dtiscore.Framework` makes a `dtiscore.Result`)."""
        return Scored(self, scores, columns)

    def score_batches(self, batches: Iterable | Callable[[], Iterable], invalid: str = "raise",
                      threads: int | None = None, engine: str = "auto") -> Iterator[Scored]:
        """Score data too large for memory, batch by batch: yields one `Result` per batch.
        A batch is a data mapping (or DataFrame) or a pair (units, data). Population
        functions are computed over all batches first, so then `batches` must be readable
        more than once (a list, or a function returning a new iterator). Ranks are within
        a batch."""
        program = self.program
        program.on(engine)  # an unknown or missing engine is an error before any batch is read
        threads = threads_argument(threads) or default_threads()
        reads = batching.passes(batches, program)
        populations = batching.populations(self.ir, program, reads, invalid) if program.population_order else []
        for units, data in batching.each_batch(next(reads)):
            columns = to_columns(self.ir, data, units, invalid, threads)
            yield self.scored(self.score_columns(columns, threads, populations, engine), columns)
            del units, data, columns  # before the next batch is read

    def __repr__(self) -> str:
        return (f"<Framework {self.id!r}: {len(self.groups)} groups, {len(self.criteria)} criteria, "
                f"max {self.root.max:g}>")

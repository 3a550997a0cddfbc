"""AST → IR, with every static check of the language.

The checker resolves names, types expressions, folds params to constants and checks points;
it collects every problem it finds and raises them together (`CheckError`), so an author
fixes a file in one round. Warnings come back beside the IR.
"""

from __future__ import annotations

from typing import Mapping

import attrs

from . import ast, ir, nesting
from ..errors import CheckError, Diagnostic, Source, Span
from .bands import check_bands
from .check_decls import DeclarationChecker
from .check_expr import ExpressionChecker
from .check_nodes import NodeChecker
from .check_rules import RuleChecker
from .check_tree import TreeChecker


def check(
    tree: ast.Framework, source: Source, params: Mapping[str, object] | None = None
) -> tuple[ir.Framework, tuple[Diagnostic, ...]]:
    """The IR of a parsed file and its warnings; raises `CheckError` listing every error."""
    return Checker(tree, source, params or {}).run()


class Checker(DeclarationChecker, NodeChecker, RuleChecker, TreeChecker, ExpressionChecker):
    """One pass over a file; each base holds one job's checks (declarations, nodes, rules,
    the whole tree, expressions) and this class the state they share."""

    def __init__(self, tree: ast.Framework, source: Source, overrides: Mapping[str, object]):
        self.tree = tree
        self.source = source
        self.overrides = dict(overrides)
        self.diagnostics: list[Diagnostic] = []
        self.declared: dict[str, object] = {}  # every name → its AST declaration
        self.param_values: dict[str, ir.Const] = {}
        self.lets: dict[str, ir.Let] = {}
        self.resolving: list[str] = []  # lets and params being resolved, for cycle reports
        self.used: set[str] = set()
        self.spans: dict[ir.Expr, Span] = {}  # first place each IR expression was written
        self.inputs: dict[str, ir.Input] = {}
        self.max_spans: dict[str, Span] = {}  # where each node's `max` was written
        self.replaces_spans: dict[str, Span | None] = {}
        self.warned_spans: set = set()
        self.default_missing = "zero"
        self.failed: set[str] = set()  # lets/params already reported: not reported at each use
        self.ratio_users: dict[Span | None, list[str]] = {}  # unguarded divisions → criteria
        self.depths: dict[int, int] = {}  # checked expressions' depths, by identity (nesting.ir_depth)
        self.nested = 0  # how many lower() calls are under way: the outermost measures first

    # ---- reporting
    def error(self, code: str, message: str, span: Span | None, suggestion: str | None = None):
        self.diagnostics.append(Diagnostic(code, message, span, "error", suggestion))

    def warn(self, code: str, message: str, span: Span | None):
        self.diagnostics.append(Diagnostic(code, message, span, "warning"))

    # ---- the whole file
    def run(self) -> tuple[ir.Framework, tuple[Diagnostic, ...]]:
        if not self._groups_nest_within_limit():  # every pass below walks groups recursively
            raise CheckError(self.diagnostics, self.source)
        self._declare_name(self.tree.id, self.tree)
        self._declare(self.tree.items)
        self._check_overrides()
        for decl in self._declarations(ast.InputDecl):
            self.inputs[decl.name] = self._input(decl)
        for decl in self._declarations(ast.InputDecl):
            self._input_constraints(decl)
        self._resolve_in_order()
        for decl in self._declarations(ast.ParamDecl):
            self._param(decl.name)
        for decl in self._declarations(ast.LetDecl):
            self._let(decl.name)
        root = self._root()
        if root is not None:
            self._check_points(root)
        bands = check_bands(self, self.tree.items)
        rank_exclusions = self._rank_exclusions(self.tree.items)
        self._warn_unused()
        self._warn_unguarded()
        errors = [d for d in self.diagnostics if d.severity == "error"]
        if errors or root is None:
            raise CheckError(self._sorted(errors), self.source)  # warnings wait for a clean file
        framework = attrs.evolve(self._framework(root), bands=bands, rank_exclusions=rank_exclusions)
        self._warn_monotonicity(framework)
        return framework, tuple(self._sorted(self.diagnostics))

    def _framework(self, root: ir.Group) -> ir.Framework:
        return ir.Framework(
            root=root,
            inputs=tuple(self.inputs.values()),
            params=tuple((name, bool(c.value) if c.type == ir.BOOL else c.value)
                         for name, c in self.param_values.items()),
            lets=tuple(self.lets[d.name] for d in self._declarations(ast.LetDecl) if d.name in self.lets),
            source_name=self.source.filename,
        )

    @staticmethod
    def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        return sorted(diagnostics, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))

    # ---- nesting (see nesting.py: later phases walk what the checker accepts recursively)
    def _groups_nest_within_limit(self) -> bool:
        depth = nesting.group_depth(self.tree.items)
        if depth > nesting.MAX_DEPTH:
            self.error("too-deep", f"groups nest {depth} levels deep here; the limit is {nesting.MAX_DEPTH}", self.tree.name_span)
        return depth <= nesting.MAX_DEPTH

    def _within_depth(self, expr: ir.Expr, span: Span | None) -> bool:
        """A checked expression, lets included, nests at most MAX_DEPTH levels."""
        depth = nesting.ir_depth(expr, self.depths)
        if depth > nesting.MAX_DEPTH:
            self.error("too-deep", f"this expression nests {depth} levels deep, counting the lets it uses; "
                       f"the limit is {nesting.MAX_DEPTH}", span)
        return depth <= nesting.MAX_DEPTH

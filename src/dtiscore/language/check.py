"""AST → IR, with every static check of the language.

The checker resolves names, types expressions, folds params to constants and checks points;
it collects every problem it finds and raises them together (`CheckError`), so an author
fixes a file in one round. Warnings come back beside the IR.
"""

from __future__ import annotations

import math
from typing import Iterator, Mapping

import attrs

from . import ast, ir, monotone, nesting, shares
from ..errors import CheckError, Diagnostic, Source, Span, did_you_mean
from .bands import check_bands
from .check_expr import TYPE_WORDS, Bad, ExpressionChecker, kind_word
from .guards import rule_contexts, unguarded_divisions, zero_divisions
from .reference import constant_value

RESERVED = frozenset(
    """framework max on_exclude on_missing cap input choice better param let group criterion
    tags score award when proportional target linear from to steps else deduct per cases
    exclude evidence replaces bands if then or and not true false min count in rescale shrink zero
    error higher lower number share bool""".split()
)

MIN_POINTS, MAX_POINTS = 1e-9, 1e12  # the scale of a `max` (besides 0)

def check(
    tree: ast.Framework, source: Source, params: Mapping[str, object] | None = None
) -> tuple[ir.Framework, tuple[Diagnostic, ...]]:
    """The IR of a parsed file and its warnings; raises `CheckError` listing every error."""
    return Checker(tree, source, params or {}).run()


class Checker(ExpressionChecker):
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
        self._warn_unused()
        self._warn_unguarded()
        errors = [d for d in self.diagnostics if d.severity == "error"]
        if errors or root is None:
            raise CheckError(self._sorted(errors), self.source)  # warnings wait for a clean file
        framework = attrs.evolve(self._framework(root), bands=bands)
        self._warn_monotonicity(framework)
        return framework, tuple(self._sorted(self.diagnostics))

    def _framework(self, root: ir.Group) -> ir.Framework:
        return ir.Framework(
            root=root,
            inputs=tuple(self.inputs.values()),
            params=tuple((name, c.value) for name, c in self.param_values.items()),
            lets=tuple(self.lets[d.name] for d in self._declarations(ast.LetDecl) if d.name in self.lets),
            source_name=self.source.filename,
        )

    @staticmethod
    def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        return sorted(diagnostics, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))

    def _declare(self, items) -> None:
        for item in items:
            name = getattr(item, "name", None) or getattr(item, "id", None)
            if isinstance(item, (ast.InputDecl, ast.ParamDecl, ast.LetDecl, ast.Group, ast.Criterion)):
                self._declare_name(name, item)
            if isinstance(item, ast.Group):
                self._declare(item.items)
            if isinstance(item, ast.InputDecl) and item.type.kind == "choice":
                self._check_options(item)

    def _declare_name(self, name: str, item) -> None:
        span = item.name_span
        if name in RESERVED:
            self.error("reserved-name", f"'{name}' is a reserved word; choose another name", span)
            self.failed.add(name)  # uses of it are not reported again
        elif name in self.declared:
            first = self.declared[name]
            self.error(
                "duplicate-name",
                f"'{name}' is already declared as {kind_word(first)} at line {first.span.line}",
                span,
            )
        else:
            self.declared[name] = item

    def _check_options(self, decl: ast.InputDecl) -> None:
        seen = set()
        for option, span in zip(decl.type.options, decl.type.option_spans):
            if option in seen:
                self.error("duplicate-option", f"choice option '{option}' is listed twice", span)
            seen.add(option)

    def _declarations(self, kind) -> Iterator:
        return (d for d in self.declared.values() if isinstance(d, kind))

    def _check_overrides(self) -> None:
        """Keep only usable overrides; report the others once."""
        params = [n for n, d in self.declared.items() if isinstance(d, ast.ParamDecl)]
        usable = {}
        for name, value in self.overrides.items():
            if name not in params:
                self.error("unknown-param", f"no param named '{name}' to override", None,
                           did_you_mean(name, params))
            elif isinstance(value, bool) or (isinstance(value, (int, float)) and _finite(value)):
                usable[name] = value
            elif isinstance(value, int):
                self.error("bad-param", f"param '{name}': the override is too large for a float64 (beyond ±1.8e308)", None)
            else:
                self.error("bad-param", f"param '{name}' must be a finite number or a bool, not {repr(value)[:80]}", None)
        self.overrides = usable

    # ---- inputs
    def _input(self, decl: ast.InputDecl) -> ir.Input:
        on_missing = better = within = at_most = None
        given = set()
        for option in decl.options:
            word = {ast.OnMissing: "on_missing", ast.Better: "better", ast.Within: "in", ast.AtMost: "<="}[type(option)]
            if word in given:
                self.error("duplicate-option", f"'{word}' is given twice", option.span)
                continue
            given.add(word)
            if isinstance(option, ast.OnMissing):
                on_missing = option.policy
            elif isinstance(option, ast.Better):
                better = option.direction
            elif isinstance(option, ast.Within):
                within = (option.low.value, option.high.value)
                if within[0] > within[1]:
                    self.error("bad-range", f"range {option.low.text}..{option.high.text} is empty", option.span)
            elif isinstance(option, ast.AtMost):
                at_most = option.other.id
        if decl.type.kind in ("bool", "choice") and (within or at_most):
            self.error("bad-constraint", f"a {decl.type.kind} input takes no '<=' or 'in' constraint", decl.span)
        return ir.Input(decl.name, decl.type.kind, decl.label, decl.type.options, at_most, within,
                        on_missing, better)

    def _input_constraints(self, decl: ast.InputDecl) -> None:
        for option in decl.options:
            if not isinstance(option, ast.AtMost):
                continue
            other = self.inputs.get(option.other.id)
            if other is None:
                self._unknown(option.other, "input", list(self.inputs))
            elif other.type != ir.NUM:
                self.error("bad-constraint", f"'<= {other.name}' needs a numeric input, and '{other.name}' is a {other.kind}", option.other.span)
            elif other.name == decl.name:
                self.error("bad-constraint", "an input cannot be bounded by itself", option.other.span)
            else:
                self.used.add(other.name)

    # ---- params and lets
    def _param(self, name: str) -> ir.Const | None:
        """A param's value (the override when there is one); None once reported bad."""
        if name in self.param_values:
            return self.param_values[name]
        expr = self._resolve(name)
        if expr is None:
            return None
        decl = self.declared[name]
        if any(isinstance(n, (ir.Column, ir.Let, ir.Population)) for n in ir.walk(expr)):
            return self._fail(name, "param-not-constant", f"param '{name}' must be a constant: it may use numbers and other params only", decl.expr.span)
        value = constant_value(expr)
        if not math.isfinite(value):
            word = "undefined (a division by zero)" if math.isnan(value) else "too large"
            return self._fail(name, "bad-param", f"param '{name}' is {word}", decl.expr.span)
        if name in self.overrides:
            override = self.overrides[name]
            if isinstance(override, bool) != (expr.type == ir.BOOL):
                return self._fail(name, "bad-param", f"param '{name}' is {TYPE_WORDS[expr.type]}; the override {override!r} is not", None)
            value = float(override)
            if expr.type == ir.NUM and not self._share_override(name, value):
                return None
        const = ir.Const(value, expr.type)
        self.param_values[name] = const
        return const

    def _let(self, name: str) -> ir.Let | None:
        if name in self.lets:
            return self.lets[name]
        expr = self._resolve(name)
        if expr is None:
            return None
        let = ir.Let(name, expr)
        if not self._within_depth(let, self.declared[name].name_span):
            self.failed.add(name)
            return None
        self.lets[name] = let
        return let

    def _resolve(self, name: str) -> ir.Expr | None:
        """Lower a let's or param's expression once; a name that failed stays failed."""
        if name in self.failed:
            return None
        decl = self.declared[name]
        if name in self.resolving:
            path = self.resolving[self.resolving.index(name):] + [name]
            self.failed.update(path)
            self.error("cycle", "cycle: " + " → ".join(path), decl.name_span)
            return None
        self.resolving.append(name)
        outer, self.nested = self.nested, 0  # a let's expression is measured on its own
        try:
            return self.lower(decl.expr)
        except Bad:
            self.failed.add(name)
            return None
        finally:
            self.resolving.pop()
            self.nested = outer

    def _fail(self, name: str, code: str, message: str, span: Span | None) -> None:
        self.failed.add(name)
        self.error(code, message, span)
        return None

    # ---- expressions
    # ---- nodes
    def _root(self) -> ir.Group | None:
        tree = self.tree
        options = [i for i in tree.items if isinstance(i, ast.NODE_OPTIONS)]
        nodes = [i for i in tree.items if isinstance(i, (ast.Group, ast.Criterion))]
        settings = self._node_options(options, tree, "framework")
        self.default_missing = settings.get("on_missing", "zero")
        children = self._nodes(nodes, settings.get("on_exclude", "rescale"))
        if settings.get("max") is None:
            self.error("missing-max", f"framework '{tree.id}' needs 'max N'", tree.name_span)
            return None
        if not nodes:
            self.error("empty", f"framework '{tree.id}' has no groups or criteria", tree.name_span)
            return None
        self._check_sum(tree, settings, nodes, "framework")
        if children is None:
            return None
        return ir.Group(tree.id, tree.title, settings["max"], (), settings.get("cap", False),
                        settings.get("on_exclude", "rescale"), children, "framework", tree.span)

    def _nodes(self, items, on_exclude: str) -> tuple[ir.Node, ...] | None:
        built = [self._group(i, on_exclude) if isinstance(i, ast.Group) else self._criterion(i)
                 for i in items if isinstance(i, (ast.Group, ast.Criterion))]
        return None if any(b is None for b in built) else tuple(built)

    def _node_options(self, options, node, kind: str) -> dict:
        settings: dict = {}
        for option in options:
            key = {ast.MaxDecl: "max", ast.CapDecl: "cap", ast.OnExclude: "on_exclude",
                   ast.OnMissing: "on_missing", ast.Tags: "tags"}[type(option)]
            if key in settings:
                self.error("duplicate-option", f"'{key}' is given twice", option.span)
                continue
            allowed = {"framework": ("max", "cap", "on_exclude", "on_missing"),
                       "group": ("max", "cap", "on_exclude", "tags"),
                       "criterion": ("max", "tags", "on_missing")}[kind]
            if key not in allowed:
                self.error("bad-option", f"'{key}' does not apply to a {kind}", option.span)
                continue
            if key == "max":
                settings[key] = option.value.value
                self.max_spans[node.id] = option.span
                self._check_max(option)
            elif key == "cap":
                settings[key] = True
            elif key == "tags":
                settings[key] = option.pairs
                self._check_tags(option)
            else:
                settings[key] = option.policy
        return settings

    def _check_max(self, option: ast.MaxDecl) -> None:
        """Points live on a human scale: lost points (deficit × weight) stay finite below
        MAX_POINTS, and rescaling by M_all / M_app stays exact above MIN_POINTS (a max of
        1e-320 next to an excluded sibling would rescale to NaN)."""
        value = option.value.value
        if value < 0:
            self.error("bad-max", "max must not be negative", option.span)
        elif value != 0 and not MIN_POINTS <= value <= MAX_POINTS:
            self.error("bad-max", f"max must be 0 or between {MIN_POINTS:g} and {MAX_POINTS:g} points, not {value:g}", option.span)

    def _check_tags(self, tags: ast.Tags) -> None:
        keys = [k for k, _ in tags.pairs]
        for key in set(keys):
            if keys.count(key) > 1:
                self.error("duplicate-tag", f"tag '{key}' is given twice", tags.span)

    def _group(self, group: ast.Group, inherited: str) -> ir.Group | None:
        options = [o for o in group.options]
        settings = self._node_options(options, group, "group")
        on_exclude = settings.get("on_exclude", inherited)
        nodes = [i for i in group.items if isinstance(i, (ast.Group, ast.Criterion))]
        children = self._nodes(nodes, on_exclude)
        if "max" not in settings:
            self.error("missing-max", f"group '{group.id}' needs 'max N'", group.name_span)
            return None
        if not nodes:
            self.error("empty", f"group '{group.id}' has no criteria", group.name_span)
            return None
        self._check_sum(group, settings, nodes, "group")
        if children is None:
            return None
        return ir.Group(group.id, group.title, settings["max"], settings.get("tags", ()),
                        settings.get("cap", False), on_exclude, children, "group", group.span)

    def _criterion(self, crit: ast.Criterion) -> ir.Criterion | None:
        settings = self._node_options(crit.options, crit, "criterion")
        top = settings.get("max")
        if top is None:
            self.error("missing-max", f"criterion '{crit.id}' needs 'max N'", crit.name_span)
        rules = [c for c in crit.clauses if isinstance(c, ast.SCORING_CLAUSES)]
        if not rules:
            self.error("no-rule", f"criterion '{crit.id}' has no scoring clause (score, award, proportional, linear, steps, deduct or cases)", crit.name_span)
        for extra in rules[1:]:
            self.error("two-rules", "a criterion has exactly one scoring clause; this is a second", extra.span)
        exclusions, evidence, replaces = [], None, None
        ok = top is not None and len(rules) == 1
        for clause in crit.clauses:
            try:
                if isinstance(clause, ast.Exclude):
                    cond = self.lower(clause.cond)
                    self._expect(cond, ir.BOOL, clause.cond, "'exclude when'")
                    exclusions.append(ir.Exclusion(cond, clause.reason))
                elif isinstance(clause, ast.Evidence):
                    if evidence is not None:
                        self.error("duplicate-option", "'evidence' is given twice", clause.span)
                    evidence = self._evidence(clause)
                elif isinstance(clause, ast.Replaces):
                    if replaces is not None:
                        self.error("duplicate-option", "'replaces' is given twice", clause.span)
                    replaces = clause.name
            except Bad:
                ok = False
        rule = None
        if ok:
            try:
                rule = self._rule(rules[0], top)
                self._check_share_rule(rule, rules[0])
                if not all(self._within_depth(e, rules[0].span) for e in ir.rule_exprs(rule)):
                    rule = None
            except Bad:
                pass
        if rule is None or not ok:
            return None
        node = ir.Criterion(crit.id, crit.title, top, settings.get("tags", ()), rule, tuple(exclusions),
                            evidence, settings.get("on_missing", self.default_missing),
                            replaces.id if replaces else None, crit.span,
                            on_missing_said="on_missing" in settings)
        self.replaces_spans[crit.id] = replaces.span if replaces else None
        self._check_ratio_guards(node, node.on_missing_said)
        return node

    def _evidence(self, clause: ast.Evidence) -> str:
        decl = self.declared.get(clause.name.id)
        if decl is None:
            self._unknown(clause.name, "input", list(self.inputs))
            raise Bad
        if not (isinstance(decl, ast.InputDecl) and decl.type.kind == "bool"):
            self.error("type", f"evidence names a bool input; '{clause.name.id}' is not one", clause.name.span)
            raise Bad
        self.used.add(clause.name.id)
        return clause.name.id

    def _rule(self, clause, top: float) -> ir.Rule:
        if isinstance(clause, ast.Score):
            return ir.ScoreRule(self._num(clause.expr, "score"))
        if isinstance(clause, ast.Award):
            cond = self.lower(clause.cond)
            self._expect(cond, ir.BOOL, clause.cond, "'award when'")
            return ir.AwardRule(cond)
        if isinstance(clause, ast.Proportional):
            target = self._num(clause.target, "target") if clause.target else ir.Const(1.0)
            if isinstance(target, ir.Const) and target.value <= 0:
                self.error("bad-target", "the target must be above zero", clause.target.span)
            return ir.ProportionalRule(self._num(clause.expr, "proportional"), target)
        if isinstance(clause, ast.Linear):
            start, end = self._num(clause.start, "from"), self._num(clause.end, "to")
            if isinstance(start, ir.Const) and isinstance(end, ir.Const) and start.value == end.value:
                self.error("bad-linear", "'from' and 'to' are equal: there is nothing to interpolate", clause.span)
            return ir.LinearRule(self._num(clause.expr, "linear"), start, end)
        if isinstance(clause, ast.Steps):
            return self._steps(clause, top)
        if isinstance(clause, ast.Deduct):
            return ir.DeductRule(self._num(clause.amount, "deduct"), self._num(clause.per, "per"))
        whens = []
        for when in clause.whens:
            cond = self.lower(when.cond)
            self._expect(cond, ir.BOOL, when.cond, "'when'")
            whens.append((cond, self._num(when.points, "points")))
        return ir.CasesRule(tuple(whens), self._num(clause.otherwise, "points"))

    def _num(self, expr: ast.Expr, where: str) -> ir.Expr:
        node = self.lower(expr)
        self._expect(node, ir.NUM, expr, f"'{where}'")
        return node

    def _steps(self, clause: ast.Steps, top: float) -> ir.StepsRule:
        expr = self._num(clause.expr, "steps")
        bands = []
        for band in clause.bands:
            threshold = self._band_constant(band.threshold)
            points = self._band_constant(band.points)
            self._band_points(points, top, band.points.span)
            if self._unreachable(bands, band.op, threshold):
                self.error("unreachable-band", "this band can never be reached: the bands above it already take every value it matches", band.span)
            bands.append(ir.Band(band.op, threshold, points))
        otherwise = self._band_constant(clause.otherwise)
        self._band_points(otherwise, top, clause.otherwise.span)
        return ir.StepsRule(expr, tuple(bands), otherwise)

    def _band_constant(self, node) -> float:
        if isinstance(node, ast.Number):
            return node.value
        const = self._name(node)
        if not isinstance(const, ir.Const) or const.type != ir.NUM:
            self.error("not-constant", f"a band takes a number, a percent or a numeric param; '{node.id}' is not one", node.span)
            raise Bad
        return const.value

    def _band_points(self, points: float, top: float, span: Span) -> None:
        if points > top:
            self.error("band-over-max", f"this band gives {_fmt(points)} points, more than the criterion's max {_fmt(top)}", span)
        elif points < 0:
            self.error("band-negative", "a band cannot give negative points", span)

    @staticmethod
    def _unreachable(earlier: list[ir.Band], op: str, threshold: float) -> bool:
        """True when every value this band matches is taken by an earlier band."""
        if not earlier:
            return False
        marks = sorted({b.threshold for b in earlier} | {threshold})
        probes = list(marks)
        probes += [(a + b) / 2 for a, b in zip(marks, marks[1:])]
        probes += [marks[0] - 1.0 - abs(marks[0]), marks[-1] + 1.0 + abs(marks[-1])]
        test = {">=": lambda x, t: x >= t, ">": lambda x, t: x > t,
                "<=": lambda x, t: x <= t, "<": lambda x, t: x < t}
        return not any(
            test[op](x, threshold) and not any(test[b.op](x, b.threshold) for b in earlier)
            for x in probes
        )

    # ---- nesting (see nesting.py: later phases walk what the checker accepts recursively)
    def _resolve_in_order(self) -> None:
        """Params and lets that are not in a cycle, each after the ones it reads."""
        exprs = {d.name: d.expr for d in self.declared.values() if isinstance(d, (ast.ParamDecl, ast.LetDecl))}
        for name in nesting.dependency_order(exprs):
            if isinstance(self.declared[name], ast.ParamDecl):
                self._param(name)
            else:
                self._let(name)

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

    # ---- shares and percents
    def _check_share_rule(self, rule: ir.Rule, clause) -> None:
        """A share's `steps` thresholds, `linear` limits and `proportional` target lie in [0, 1]."""
        if isinstance(rule, ir.StepsRule) and shares.is_share(rule.expr, self.inputs):
            for band, written in zip(rule.bands, clause.bands):
                self.share_against(rule.expr, ir.Const(band.threshold), written.threshold)
        elif isinstance(rule, ir.LinearRule):
            self.share_against(rule.expr, rule.start, clause.start)
            self.share_against(rule.expr, rule.end, clause.end)
        elif isinstance(rule, ir.ProportionalRule) and clause.target is not None:
            if not (isinstance(rule.target, ir.Const) and rule.target.value <= 0):  # bad-target says it
                self.share_against(rule.expr, rule.target, clause.target)

    def _share_override(self, name: str, value: float) -> bool:
        """A param declared as a percent is a share: its override is a fraction in [0, 1]."""
        decl = self.declared[name]
        if not (isinstance(decl.expr, ast.Number) and decl.expr.text.endswith("%")) or not shares.outside(value):
            return True
        self.failed.add(name)
        self.error("share-param", f"param '{name}' is a share (declared as {decl.expr.text}): its override "
                   f"is a percent like 80% or a fraction in [0, 1], not {value:g}", None, shares.as_percent(value))
        return False

    # ---- whole-tree checks
    def _check_points(self, root: ir.Group) -> None:
        for node in ir.Framework(root, (), (), ()).nodes():
            if isinstance(node, ir.Group):
                self._check_group(node)

    def _check_group(self, group: ir.Group) -> None:
        by_id = {c.id: c for c in group.nodes}
        substitutes: dict[str, str] = {}
        word = "framework" if group.kind == "framework" else "group"
        for child in group.nodes:
            if not (isinstance(child, ir.Criterion) and child.replaces):
                continue
            span = self.replaces_spans.get(child.id)
            original = by_id.get(child.replaces)
            if child.replaces == child.id:
                self.error("bad-replaces", "a criterion cannot replace itself", span)
            elif original is None or not isinstance(original, ir.Criterion):
                siblings = [c.id for c in group.nodes if isinstance(c, ir.Criterion) and c.id != child.id]
                where = "" if child.replaces not in self.declared else f" in {word} '{group.id}'"
                self.error("bad-replaces", f"'{child.id}' replaces '{child.replaces}', which is not a criterion{where}", span,
                           did_you_mean(child.replaces, siblings))
            elif original.replaces:
                self.error("bad-replaces", f"'{child.replaces}' is itself a substitute; substitutes do not chain", span)
            elif original.max != child.max:
                self.error("bad-replaces", f"a substitute has the max of what it replaces: '{child.replaces}' has max {_fmt(original.max)}, '{child.id}' has {_fmt(child.max)}", span)
            elif child.replaces in substitutes:
                self.error("bad-replaces", f"'{child.replaces}' already has a substitute, '{substitutes[child.replaces]}'", span)
            else:
                substitutes[child.replaces] = child.id

    def _check_sum(self, node, settings: dict, children: list, word: str) -> None:
        """Children's max (a substitute's counted once, with its original) against the
        node's own. Read from the declarations, so it is checked even where a child has
        an error of its own."""
        if settings.get("max") is None:
            return
        total = 0.0
        for child in children:
            maxima = [o.value.value for o in child.options if isinstance(o, ast.MaxDecl)]
            if not maxima:
                return  # reported as missing-max
            replaced = [c.name.id for c in getattr(child, "clauses", ()) if isinstance(c, ast.Replaces)]
            if not replaced or replaced[0] == child.id:
                total += maxima[0]
        top, span = settings["max"], self.max_spans.get(node.id)
        if not settings.get("cap") and not math.isclose(total, top, rel_tol=1e-12, abs_tol=1e-9):
            self.error("points-sum", f"the children of {word} '{node.id}' add up to {_fmt(total)}, not its max {_fmt(top)}" + (" (say 'cap' to allow bonus points)" if total > top else ""), span)
        elif settings.get("cap") and total < top - 1e-9:
            self.error("points-sum", f"the children of {word} '{node.id}' add up to {_fmt(total)}, less than its max {_fmt(top)}", span)

    def _check_ratio_guards(self, crit: ir.Criterion, explicit_policy: bool) -> None:
        guards = frozenset(ir.columns_used(*(e.cond for e in crit.exclusions)))
        for exclusion in crit.exclusions:  # undefined for every unit: never scored either
            self._error_zero_divisions(exclusion.cond, crit)
        for expr, guard in rule_contexts(crit.rule, guards):
            self._error_zero_divisions(expr, crit)
            if explicit_policy:
                continue
            for division in unguarded_divisions(expr, guard, self.inputs):
                users = self.ratio_users.setdefault(self.spans.get(division), [])
                if crit.id not in users:
                    users.append(crit.id)

    def _error_zero_divisions(self, expr: ir.Expr, crit: ir.Criterion) -> None:
        for division in zero_divisions(expr, self.inputs):
            span = self.spans.get(division)
            if ("zero", span) not in self.warned_spans:
                self.warned_spans.add(("zero", span))
                self.error("zero-denominator", f"the denominator here is always zero, so '{crit.id}' can never be scored", span)

    def _warn_unguarded(self) -> None:
        for span, users in self.ratio_users.items():
            names = " and ".join(f"'{u}'" for u in users) if len(users) < 3 else f"'{users[0]}' and {len(users) - 1} more"
            self.warn("unguarded-ratio", f"the denominator can be zero here, making {names} missing; guard it with 'exclude when', or set 'on_missing'", span)

    def _warn_monotonicity(self, framework: ir.Framework) -> None:
        for found in monotone.findings(framework):
            crit, name, better = found.criterion.id, found.input.name, found.input.better
            moves = "rises" if better == "higher" else "falls"
            span = self.declared[crit].name_span
            if found.proven_wrong:
                self.warn("monotonicity", f"'{crit}' gives fewer points as '{name}' {moves}, though '{name}' is declared 'better {better}'" + (f": {found.detail}" if found.detail else ""), span)
            else:
                self.warn("monotonicity-unproven", f"cannot prove that '{crit}' never gives fewer points as '{name}' {moves} ('{name}' is declared 'better {better}'); 'dtiscore verify' tests it on generated data", span)

    def _warn_unused(self) -> None:
        for name, decl in self.declared.items():
            if name in self.used:
                continue
            if isinstance(decl, ast.InputDecl):
                self.warn("unused", f"input '{name}' is not used", decl.name_span)
            elif isinstance(decl, ast.ParamDecl):
                self.warn("unused", f"param '{name}' is not used", decl.name_span)
            elif isinstance(decl, ast.LetDecl):
                self.warn("unused", f"let '{name}' is not used", decl.name_span)


# ---- small helpers ---------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.6g}"


def _finite(number: int | float) -> bool:
    """Whether a param override is a float64 other than ±inf and NaN (an int may be too large)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False

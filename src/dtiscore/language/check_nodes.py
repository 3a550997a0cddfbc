"""Nodes: the framework, its groups and criteria built from their declarations, with their
options (`max`, `cap`, `tags`, policies) and clauses (exclusions, evidence, `replaces`).
Part of the checker: `check.Checker` inherits this."""

from __future__ import annotations

from . import ast, ir
from .check_expr import Bad

MIN_POINTS, MAX_POINTS = 1e-9, 1e12  # the scale of a `max` (besides 0)


class NodeChecker:
    """The tree's nodes and their options (a base of `check.Checker`)."""

    tree: ast.Framework
    declared: dict
    inputs: dict
    used: set
    max_spans: dict
    replaces_spans: dict
    default_missing: str

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

    def _rank_exclusions(self, items) -> tuple[ir.Exclusion, ...]:
        """The framework's `rank exclude when` conditions (units scored but not ranked)."""
        out = []
        for item in items:
            if isinstance(item, ast.RankExclude):
                try:
                    cond = self.lower(item.cond)
                    self._expect(cond, ir.BOOL, item.cond, "'rank exclude when'")
                    if self._within_depth(cond, item.cond.span):
                        out.append(ir.Exclusion(cond, item.reason))
                except Bad:
                    pass
        return tuple(out)

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


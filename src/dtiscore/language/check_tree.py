"""Whole-tree checks, run once every node is built: maxima adding up, `replaces` pairs,
divisions that are always or sometimes zero, and the warnings (unused names, unguarded
ratios, monotonicity). Part of the checker: `check.Checker` inherits this."""

from __future__ import annotations

import math

from . import ast, ir, monotone
from ..errors import did_you_mean
from .check_rules import points_text
from .guards import rule_contexts, unguarded_divisions, zero_divisions


class TreeChecker:
    """The checks that see the whole tree (a base of `check.Checker`)."""

    declared: dict
    inputs: dict
    used: set
    spans: dict
    max_spans: dict
    replaces_spans: dict
    warned_spans: set
    ratio_users: dict

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
                self.error("bad-replaces", f"a substitute has the max of what it replaces: '{child.replaces}' has max {points_text(original.max)}, '{child.id}' has {points_text(child.max)}", span)
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
            self.error("points-sum", f"the children of {word} '{node.id}' add up to {points_text(total)}, not its max {points_text(top)}" + (" (say 'cap' to allow bonus points)" if total > top else ""), span)
        elif settings.get("cap") and total < top - 1e-9:
            self.error("points-sum", f"the children of {word} '{node.id}' add up to {points_text(total)}, less than its max {points_text(top)}", span)

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


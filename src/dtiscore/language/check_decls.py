"""Declarations: every name declared once, inputs and their constraints, params and lets
resolved (each once, in dependency order, cycles reported), and `--param` overrides.
Part of the checker: `check.Checker` inherits this."""

from __future__ import annotations

import math
from typing import Iterator

from . import ast, ir, nesting, shares
from ..errors import Span, did_you_mean
from .check_expr import TYPE_WORDS, Bad, kind_word
from .reference import constant_value

RESERVED = frozenset(
    """framework max on_exclude on_missing cap input choice better param let group criterion
    tags score award when proportional target linear from to steps else deduct per cases
    exclude evidence replaces bands rank if then or and not true false min count in rescale shrink zero
    error higher lower number share bool""".split()
)


class DeclarationChecker:
    """The declarations' checks (a base of `check.Checker`)."""

    declared: dict
    overrides: dict
    inputs: dict
    param_values: dict
    lets: dict
    resolving: list
    failed: set
    used: set
    nested: int

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

    def _resolve_in_order(self) -> None:
        """Params and lets that are not in a cycle, each after the ones it reads."""
        exprs = {d.name: d.expr for d in self.declared.values() if isinstance(d, (ast.ParamDecl, ast.LetDecl))}
        for name in nesting.dependency_order(exprs):
            if isinstance(self.declared[name], ast.ParamDecl):
                self._param(name)
            else:
                self._let(name)


    def _share_override(self, name: str, value: float) -> bool:
        """A param declared as a percent is a share: its override is a fraction in [0, 1]."""
        decl = self.declared[name]
        if not (isinstance(decl.expr, ast.Number) and decl.expr.text.endswith("%")) or not shares.outside(value):
            return True
        self.failed.add(name)
        self.error("share-param", f"param '{name}' is a share (declared as {decl.expr.text}): its override "
                   f"is a percent like 80% or a fraction in [0, 1], not {value:g}", None, shares.as_percent(value))
        return False


def _finite(number: int | float) -> bool:
    """Whether a param override is a float64 other than ±inf and NaN (an int may be too large)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False

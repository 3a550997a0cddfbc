"""Expressions: names resolved, types checked, AST → IR. Part of the checker: `Checker`
inherits this and supplies the declarations, params and lets it resolves names against."""

from __future__ import annotations

from . import ast, ir, nesting, shares
from ..errors import Span, did_you_mean
from .reference import constant_value

FUNCTIONS = {
    "ratio": (2, 2, ir.NUM, ir.NUM),
    "min": (1, None, ir.NUM, ir.NUM),
    "max": (1, None, ir.NUM, ir.NUM),
    "clamp": (3, 3, ir.NUM, ir.NUM),
    "abs": (1, 1, ir.NUM, ir.NUM),
    "round": (2, 2, ir.NUM, ir.NUM),
    "count": (1, None, ir.BOOL, ir.NUM),
    "all": (1, None, ir.BOOL, ir.BOOL),
    "any": (1, None, ir.BOOL, ir.BOOL),
    "best": (1, 1, ir.NUM, ir.NUM),
    "worst": (1, 1, ir.NUM, ir.NUM),
    "mean": (1, 1, ir.NUM, ir.NUM),
    "percentile": (2, 2, ir.NUM, ir.NUM),
}
POPULATION = ("best", "worst", "mean", "percentile")
ARITHMETIC = ("+", "-", "*", "/")
ORDERING = ("<", "<=", ">", ">=")
EQUALITY = ("==", "!=")
MAX_DIGITS = 15  # round(x, digits): |digits| at most this
TYPE_WORDS = {ir.NUM: "a number", ir.BOOL: "a condition (true/false)", "choice": "a choice"}



class Bad(Exception):
    """Raised inside lowering once a problem is reported, so one mistake is reported once."""


class ExpressionChecker:
    """Lowering and typing of expressions (a base of `check.Checker`)."""

    declared: dict
    failed: set
    nested: int
    inputs: dict
    spans: dict
    used: set

    def lower(self, expr: ast.Expr) -> ir.Expr:
        if not self.nested:  # the outermost call measures first: lowering recurses
            depth = nesting.expr_depth(expr)
            if depth > nesting.MAX_DEPTH:
                self.error("too-deep", f"this expression nests {depth} levels deep; the limit is {nesting.MAX_DEPTH}", expr.span)
                raise Bad
        self.nested += 1
        try:
            node = self._lower(expr)
        finally:
            self.nested -= 1
        self.spans.setdefault(node, expr.span)
        return node

    def _lower(self, expr: ast.Expr) -> ir.Expr:
        if isinstance(expr, ast.Number):
            return ir.Const(expr.value)
        if isinstance(expr, ast.Bool):
            return ir.Const(float(expr.value), ir.BOOL)
        if isinstance(expr, ast.Name):
            return self._name(expr)
        if isinstance(expr, ast.Unary):
            operand = self.lower(expr.operand)
            if expr.op == "-":
                self._expect(operand, ir.NUM, expr.operand, "'-'")
                return ir.Op("neg", (operand,))
            self._expect(operand, ir.BOOL, expr.operand, "'not'")
            return ir.Op("not", (operand,), ir.BOOL)
        if isinstance(expr, ast.Binary):
            return self._binary(expr)
        if isinstance(expr, ast.If):
            cond = self.lower(expr.cond)
            self._expect(cond, ir.BOOL, expr.cond, "'if'")
            then, otherwise = self.lower(expr.then), self.lower(expr.otherwise)
            for branch, node in ((then, expr.then), (otherwise, expr.otherwise)):
                if branch.type == "choice":
                    self._type_error(node, "a choice can only be compared with == or !=")
            if then.type != otherwise.type:
                self._type_error(expr.otherwise, f"'then' gives {TYPE_WORDS[then.type]} but 'else' gives {TYPE_WORDS[otherwise.type]}")
            return ir.Op("if", (cond, then, otherwise), then.type)
        return self._call(expr)

    def _name(self, name: ast.Name) -> ir.Expr:
        decl = self.declared.get(name.id)
        if decl is None and name.id in self.failed:  # a rejected declaration, reported there
            raise Bad
        if decl is None:
            values = [n for n, d in self.declared.items() if isinstance(d, (ast.InputDecl, ast.ParamDecl, ast.LetDecl))]
            self._unknown(name, "name", values)
            raise Bad
        self.used.add(name.id)
        if isinstance(decl, ast.InputDecl):
            return ir.Column(name.id, self.inputs[name.id].type)
        if isinstance(decl, ast.ParamDecl):
            const = self._param(name.id)
        elif isinstance(decl, ast.LetDecl):
            const = self._let(name.id)
        else:
            self.error("not-a-value", f"'{name.id}' is {kind_word(decl)}, not a value", name.span)
            raise Bad
        if const is None:
            raise Bad
        return const

    def _binary(self, expr: ast.Binary) -> ir.Expr:
        if expr.op in EQUALITY:
            choice = self._choice_comparison(expr)
            if choice is not None:
                return choice
        left, right = self.lower(expr.left), self.lower(expr.right)
        if expr.op in ("and", "or"):
            self._expect(left, ir.BOOL, expr.left, f"'{expr.op}'")
            self._expect(right, ir.BOOL, expr.right, f"'{expr.op}'")
            return ir.Op(expr.op, (left, right), ir.BOOL)
        if expr.op in EQUALITY:
            for side, node in ((left, expr.left), (right, expr.right)):
                if side.type == "choice":
                    self._type_error(node, "compare a choice with one of its options")
            if left.type != right.type:
                self._type_error(expr.right, f"cannot compare {TYPE_WORDS[left.type]} with {TYPE_WORDS[right.type]}")
            if left.type == ir.NUM:
                self.share_against(left, right, expr.right)
                self.share_against(right, left, expr.left)
            return ir.Op(expr.op, (left, right), ir.BOOL)
        self._expect(left, ir.NUM, expr.left, f"'{expr.op}'")
        self._expect(right, ir.NUM, expr.right, f"'{expr.op}'")
        if expr.op in ORDERING:
            self.share_against(left, right, expr.right)
            self.share_against(right, left, expr.left)
        return ir.Op(expr.op, (left, right), ir.BOOL if expr.op in ORDERING else ir.NUM)

    def _choice_comparison(self, expr: ast.Binary) -> ir.Expr | None:
        """`chair == deputy`: the bare option name is a constant of the choice's input."""
        for column_side, option_side in ((expr.left, expr.right), (expr.right, expr.left)):
            if not isinstance(column_side, ast.Name):
                continue
            decl = self.declared.get(column_side.id)
            if not (isinstance(decl, ast.InputDecl) and decl.type.kind == "choice"):
                continue
            options = decl.type.options
            self.used.add(column_side.id)
            column = ir.Column(column_side.id, "choice")
            self.spans.setdefault(column, column_side.span)
            if isinstance(option_side, ast.Name) and option_side.id in options:
                return ir.Op(expr.op, (column, ir.Const(float(options.index(option_side.id)))), ir.BOOL)
            if isinstance(option_side, ast.Name):
                other = self.declared.get(option_side.id)
                if isinstance(other, ast.InputDecl) and other.type == decl.type:
                    self.used.add(option_side.id)
                    return ir.Op(expr.op, (column, ir.Column(option_side.id, "choice")), ir.BOOL)
                self.error("unknown-option",
                           f"'{option_side.id}' is not an option of '{column_side.id}' ({', '.join(options)})",
                           option_side.span, did_you_mean(option_side.id, options))
                raise Bad
            self._type_error(option_side, f"compare '{column_side.id}' with one of its options ({', '.join(options)})")
        return None

    def _call(self, call: ast.Call) -> ir.Expr:
        if call.func not in FUNCTIONS:
            name = Span(call.span.line, call.span.column, call.span.line, call.span.column + len(call.func))
            self.error("unknown-function", f"unknown function '{call.func}'", name,
                       did_you_mean(call.func, FUNCTIONS))
            raise Bad
        fewest, most, arg_type, result = FUNCTIONS[call.func]
        n = len(call.args)
        if n < fewest or (most is not None and n > most):
            wanted = str(fewest) if fewest == most else (f"{fewest} or more" if most is None else f"{fewest} to {most}")
            self.error("arity", f"{call.func}() takes {wanted} argument{'s' if wanted != '1' else ''}, not {n}", call.span)
            raise Bad
        args = [self.lower(a) for a in call.args]
        for arg, node in zip(args, call.args):
            self._expect(arg, arg_type, node, f"{call.func}()")
        if call.func == "round":
            digits = self._constant_arg(args[1], call.args[1], integer=True)
            if abs(digits.value) > MAX_DIGITS:  # 10 ** 309 is past the float range
                self.error("bad-digits", f"round takes {-MAX_DIGITS} to {MAX_DIGITS} digits (a float holds about 16), not {digits.value:g}", call.args[1].span)
                raise Bad
            return ir.Op("round", (args[0], digits))
        if call.func in POPULATION:
            fraction = None
            if call.func == "percentile":
                fraction = self._constant_arg(args[1], call.args[1]).value
                if not 0.0 <= fraction <= 1.0:
                    self.error("bad-percentile", "percentile's p is a share in [0, 1], e.g. 90%", call.args[1].span)
                    raise Bad
            return ir.Population(call.func, args[0], fraction)
        return ir.Op(call.func, tuple(args), result)

    def _constant_arg(self, arg: ir.Expr, node: ast.Expr, integer: bool = False) -> ir.Const:
        if not all(isinstance(n, (ir.Const, ir.Op)) for n in ir.walk(arg)):
            self.error("not-constant", "this argument must be a constant", node.span)
            raise Bad
        value = constant_value(arg)
        if integer and value != int(value):
            self.error("not-constant", "this argument must be a whole number", node.span)
            raise Bad
        return ir.Const(value)

    def share_against(self, share: ir.Expr, constant: ir.Expr, node: ast.Expr) -> None:
        """A share set against a constant outside [0, 1]: `rate >= 50` meant `rate >= 50%`."""
        if not all(isinstance(n, (ir.Const, ir.Op)) for n in ir.walk(constant)):
            return
        value = constant_value(constant)
        if value == value and shares.outside(value) and shares.is_share(share, self.inputs):
            written_as_percent = isinstance(node, ast.Number) and node.text.endswith("%")
            hint = None if written_as_percent else shares.as_percent(value)
            self.error("share-range", shares.message(value), node.span, hint)

    def _expect(self, expr: ir.Expr, wanted: str, node: ast.Expr, where: str) -> None:
        if expr.type == wanted:
            return
        if expr.type == "choice":
            self._type_error(node, "a choice can only be compared with == or != to one of its options")
        elif wanted == ir.NUM:
            self._type_error(node, f"{where} needs a number, but this is a condition; use count(...) or 'if ... then 1 else 0'")
        else:
            self._type_error(node, f"{where} needs a condition (true/false), but this is a number")

    def _type_error(self, node: ast.Expr, message: str) -> None:
        self.error("type", message, node.span)
        raise Bad

    def _unknown(self, name: ast.Name, what: str, candidates: list[str]) -> None:
        self.error("unknown-name", f"unknown {what} '{name.id}'", name.span, did_you_mean(name.id, candidates))


def kind_word(decl) -> str:
    return {ast.InputDecl: "an input", ast.ParamDecl: "a param", ast.LetDecl: "a let",
            ast.Group: "a group", ast.Criterion: "a criterion", ast.Framework: "the framework"}[type(decl)]

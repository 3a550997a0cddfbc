"""IR → a straight-line program over numpy columns, as a list of instructions.

Passes, in order: fold constants and algebraic identities (`fold.fold`); emit one
instruction per operation, sharing common sub-expressions (equal instructions get one
register) and choosing each rule's kernel call (`rules.rule_call`: `rules.KINDS` is the one
place the compiler dispatches on the kind of rule); write out registers used once where
they are used (`instructions.inline`); delete registers after their last use
(`instructions.free`); render Python source (`instructions.function_source`) and load it
(`program.Code.of`). Every pass walks with a loop, not by recursion, and no line nests
more than `instructions.MAX_DEPTH` operations, so long chains, deep nesting and long
argument lists compile like any other file.

The program is generated from the checked IR only: every name in the source is one the
compiler made (`cols[3]`, `r12`), and numbers are written with `repr(float)`; no text
from the `.dti` file reaches the generated source, so a framework cannot run code. Names
of inputs and criteria appear only in `disassemble()`, as comments.
"""

from __future__ import annotations

import math

from ..language import ir
from . import kernels
from .fold import COMPARISONS, fold, fold_rule, postorder
from .instructions import Instr, Item, Lit, Name, Reg, Tup, lit
from .program import Code, CriterionSlots, Later, Program
from .rules import defined_when_complete, largest_code, rule_call

__all__ = ["Program", "compile_program", "fold"]

_CALLS = {
    "/": "divide", "ratio": "divide", "<": "less", "<=": "less_equal", ">": "greater",
    ">=": "greater_equal", "==": "equal", "!=": "not_equal", "and": "logical_and",
    "or": "logical_or", "not": "logical_not", "if": "choose", "round": "round_half_away",
    "abs": "np.abs",
}
_CHAINS = {"min": "minimum", "max": "maximum", "all": "logical_and", "any": "logical_or", "count": "+"}


# ---- emitting ---------------------------------------------------------------------------


class _Emitter:
    """Writes one function body as instructions. Population values come in `pops`,
    computed beforehand."""

    def __init__(self, columns: dict[str, int], populations: dict[ir.Population, int], memo: dict):
        self.columns = columns
        self.populations = populations
        self.memo = memo  # folds of this framework's expressions
        self.instrs: list[Instr] = []
        self.done: dict[int, tuple[ir.Expr, object]] = {}  # id(expr) → (expr, its operand)
        self.shared: dict[tuple, Reg] = {}  # an instruction's (op, operands) → its register
        self.registers = 0
        self.outputs = 0
        self._constants: dict[tuple, Lit] = {}

    def fold(self, expr: ir.Expr) -> ir.Expr:
        return fold(expr, self.memo)

    def value(self, expr: ir.Expr):
        """The operand holding the expression's value, emitting what it needs."""
        hit = self.done.get(id(expr))
        if hit is not None:
            return hit[1]
        for node in postorder(expr, self.done, populations=False):
            self.done[id(node)] = (node, self._operand(node))
        return self.done[id(expr)][1]

    def _arg(self, expr: ir.Expr):
        return self.done[id(expr)][1]

    def _operand(self, expr: ir.Expr):
        kind = type(expr)
        if kind is ir.Op:
            done = self.done
            return self._op(expr, [done[id(a)][1] for a in expr.args])
        if kind is ir.Const:
            return self.constant(expr.value)
        if kind is ir.Let:
            return self._arg(expr.expr)
        if kind is ir.Population:
            return Item("pops", self.populations[expr], _population_name(expr))
        return Item("cols", self.columns[expr.name], expr.name)  # read where used, not named

    def constant(self, value) -> Lit:
        """lit(value), made once per constant (by its bits: 0.0 and -0.0 are two)."""
        key = (type(value), value, math.copysign(1.0, value) if type(value) is float else 0)
        made = self._constants.get(key)
        if made is None:
            made = self._constants[key] = lit(value)
        return made

    def emit(self, op: str, *args) -> Reg:
        """A register holding op(args); equal instructions share one."""
        key = (op, args)
        reg = self.shared.get(key)
        if reg is None:
            reg = self.shared[key] = Reg(self.registers)
            self.registers += 1
            self.instrs.append(Instr(op, reg, tuple(args)))
        return reg

    def chain(self, op: str, args: list) -> Reg:
        """op(op(op(a, b), c), d): one instruction per step, so nothing nests unbounded."""
        value = args[0]
        for arg in args[1:]:
            value = self.emit(op, value, arg)
        return value

    def _op(self, expr: ir.Op, args: list):
        op = expr.op
        divisor = expr.args[1] if len(expr.args) == 2 else None
        if op in ("/", "ratio") and isinstance(divisor, ir.Const) and divisor.value != 0.0:
            return self.emit("/", *args)  # a nonzero constant divisor needs no zero check
        if op in ("neg", "+", "-", "*"):
            return self.emit(op, *args)
        if op in _CHAINS:
            return self.chain(_CHAINS[op], args)
        if op == "clamp":
            return self.emit("minimum", self.emit("maximum", args[0], args[1]), args[2])
        return self.emit(_CALLS[op], *args)

    def condition(self, expr: ir.Expr) -> tuple[object, bool]:
        """(operand, is a numpy bool array) of a condition; the general program keeps every
        value as floats, 0/1/NaN."""
        return self.value(expr), False

    def float_value(self, expr: ir.Expr):
        return self.value(expr)

    def output(self, operand, name: str) -> int:
        slot = self.outputs
        self.outputs += 1
        self.instrs.append(Instr("move", Item("out", slot, name), (operand,)))
        return slot


def _population_name(expr: ir.Population) -> str:
    arg = expr.arg
    inner = arg.name if isinstance(arg, (ir.Let, ir.Column)) else "..."
    return f"{expr.func}({inner})"


class _CleanEmitter(_Emitter):
    """The program for blocks where no input has a missing value and no population value is
    undefined. There only a division can make a value undefined, so every condition that
    reads no division is a numpy bool array: compared, combined and chosen in one numpy
    operation each, with none of the NaN bookkeeping of the general program."""

    def __init__(self, columns: dict[str, int], populations: dict[ir.Population, int], memo: dict):
        super().__init__(columns, populations, memo)
        self._maybe: dict[int, bool] = {}  # id(expr) → may be undefined here

    def _operand(self, expr: ir.Expr):
        self._maybe[id(expr)] = self._may_be_undefined(expr)
        if expr.type == ir.BOOL:
            kind = type(expr)
            if kind is ir.Const and not math.isnan(expr.value):
                return self.constant(expr.value == 1.0)
            if kind is ir.Column:
                return self.emit("==", Item("cols", self.columns[expr.name], expr.name), self.constant(1.0))
        return super()._operand(expr)

    def _may_be_undefined(self, expr: ir.Expr) -> bool:
        kind = type(expr)
        if kind is ir.Op:
            if expr.op in ("/", "ratio"):
                divisor = expr.args[1]
                if not (type(divisor) is ir.Const and divisor.value != 0.0):
                    return True
            maybe = self._maybe
            return any([maybe[id(a)] for a in expr.args])
        if kind is ir.Let:
            return self._maybe[id(expr.expr)]
        if kind is ir.Const:  # a folded ratio by zero is an undefined constant
            return math.isnan(expr.value)
        return False  # columns and populations: defined in a clean block

    def is_bool(self, expr: ir.Expr) -> bool:
        """Is this value kept as a numpy bool array here? (Asked after `value(expr)`.)"""
        return expr.type == ir.BOOL and not self._maybe[id(expr)]

    def float_value(self, expr: ir.Expr):
        """The value as floats (a bool array becomes 0.0/1.0), for the general kernels."""
        operand = self.value(expr)
        if not self.is_bool(expr):
            return operand
        if isinstance(operand, Lit):
            return self.constant(1.0 if operand.value else 0.0)
        return self.emit("as_float", operand)

    def _op(self, expr: ir.Op, args: list):
        op = expr.op
        if self.is_bool(expr):
            if op in COMPARISONS:
                return self.emit(op, *args)
            if op in ("and", "all"):
                return self.chain("&", args)
            if op in ("or", "any"):
                return self.chain("|", args)
            if op == "not":  # not `~`: a comparison of two constants is a Python bool
                return self.emit("np.logical_not", *args)
            if op == "if":
                return self.emit("np.where", *args)
        if op == "if" and self.is_bool(expr.args[0]):  # a number chosen by a defined condition
            return self.emit("np.where", args[0], self.float_value(expr.args[1]), self.float_value(expr.args[2]))
        if op == "count" or any(self.is_bool(a) for a in expr.args):  # general kernels: floats for all
            return super()._op(expr, [self.float_value(a) for a in expr.args])
        return super()._op(expr, args)

    def condition(self, expr: ir.Expr) -> tuple[object, bool]:
        return self.value(expr), self.is_bool(expr)


# ---- the program ------------------------------------------------------------------------

_BLOCK = "(cols, pops, out, n, points, branches)"


def compile_program(framework: ir.Framework) -> Program:
    memo: dict = {}
    columns = {spec.name: i for i, spec in enumerate(framework.inputs)}
    criteria = list(framework.criteria())
    rules = {crit.id: fold_rule(crit.rule, memo) for crit in criteria}
    conditions = {crit.id: [fold(e.cond, memo) for e in crit.exclusions] for crit in criteria}
    unranked = [fold(e.cond, memo) for e in framework.rank_exclusions]
    order = _populations([e for crit in criteria for e in ir.rule_exprs(rules[crit.id]) + tuple(conditions[crit.id])]
                         + unranked)
    numbers = {p: i for i, p in enumerate(order)}

    first = _Emitter(columns, numbers, memo)
    for population in order:
        k = numbers[population]
        spread = first.emit("np.broadcast_to", first.value(population.arg), Tup((Name("n"),)))
        fraction = lit(None if population.fraction is None else float(population.fraction))
        first.instrs.append(Instr("reduce", Item("pops", k, _population_name(population)),
                                  (lit(k), lit(population.func), spread, fraction)))
    slots, clean = _block_function(_CleanEmitter(columns, numbers, memo), criteria, rules, conditions, unranked)
    population_code = Code.of("populations(cols, pops, reduce, n)", first.instrs)
    clean_code = Code.of(f"evaluate_clean{_BLOCK}", clean.instrs)
    outputs = clean.outputs

    def general() -> Code:
        general_slots, emit = _block_function(_Emitter(columns, numbers, memo), criteria, rules, conditions, unranked)
        assert general_slots == slots and emit.outputs == outputs  # same outputs, same places
        return Code.of(f"evaluate{_BLOCK}", emit.instrs)

    largest = max((largest_code(rule) for rule in rules.values()), default=0)
    return Program(tuple(columns), tuple(slots), slots, tuple(order), outputs, kernels.code_dtype(largest),
                   population_code, clean_code, Later(general), tuple(range(outputs - len(unranked), outputs)))


def _block_function(emit: _Emitter, criteria, rules, conditions, unranked):
    """Every criterion's exclusion conditions, points and branch codes, into `out`; then the
    framework's `rank exclude when` conditions (the last outputs)."""
    slots = {}
    for row, crit in enumerate(criteria):
        exclusions = tuple(emit.output(emit.value(cond), f"{crit.id}.exclude") for cond in conditions[crit.id])
        call = rule_call(emit, rules[crit.id], crit.max)  # the rule writes into the criterion's rows
        rows = (Item("points", row, crit.id), Item("branches", row, crit.id))
        emit.instrs.append(Instr(call.op, None, call.args + rows))
        slots[crit.id] = CriterionSlots(row, exclusions, defined_when_complete(rules[crit.id]))
    for cond in unranked:
        emit.output(emit.value(cond), "rank.exclude")
    return slots, emit


def _populations(exprs: list[ir.Expr]) -> list[ir.Population]:
    """Every population function, inner ones before the ones that use them."""
    order: dict[ir.Population, None] = {}
    done: dict = {}
    for expr in exprs:
        for node in postorder(expr, done):
            done[id(node)] = node
            if isinstance(node, ir.Population):
                order.setdefault(node, None)
    return list(order)

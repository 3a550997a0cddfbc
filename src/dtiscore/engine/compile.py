"""IR → a straight-line program over numpy columns, as a list of instructions.

Passes, in order: fold constants and algebraic identities (`fold`); emit one instruction
per operation, sharing common sub-expressions (equal instructions get one register) and
choosing each rule's kernel call (`rules.rule_call`, the one place that dispatches on the
kind of rule); write out registers used once where they are used (`program.inline`);
delete registers after their last use (`program.free`); render Python source
(`program.function_source`). Every pass walks with a loop, not by recursion, and every
line holds at most `program.MAX_DEPTH` nested operations, so long chains, deep nesting
and long argument lists compile like any other file.

The program is generated from the checked IR only: every name in the source is one the
compiler made (`cols[3]`, `r12`), and numbers are written with `repr(float)`; no text
from the `.dti` file reaches the generated source, so a framework cannot run code. Names
of inputs and criteria appear only in `disassemble()`, as comments.
"""

from __future__ import annotations

import linecache
import math
import threading
from typing import Callable, Iterator

import attrs
import numpy as np

from ..language import ir
from ..language.reference import constant_value
from . import kernels
from .program import Instr, Item, Lit, Name, Reg, Tup, free, function_disassembly, function_source, inline
from .rules import largest_code, rule_call

_CALLS = {
    "/": "divide", "ratio": "divide", "<": "less", "<=": "less_equal", ">": "greater",
    ">=": "greater_equal", "==": "equal", "!=": "not_equal", "and": "logical_and",
    "or": "logical_or", "not": "logical_not", "if": "choose", "round": "round_half_away",
    "abs": "np.abs",
}
_CHAINS = {"min": "minimum", "max": "maximum", "all": "logical_and", "any": "logical_or", "count": "+"}
_COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
_NEVER_NEGATIVE_ZERO = set(_COMPARISONS) | {"and", "or", "not", "all", "any", "count", "abs"}


# ---- folding ----------------------------------------------------------------------------


def _children(expr: ir.Expr) -> tuple:
    if isinstance(expr, ir.Op):
        return expr.args
    if isinstance(expr, ir.Let):
        return (expr.expr,)
    if isinstance(expr, ir.Population):
        return (expr.arg,)
    return ()


def _postorder(expr: ir.Expr, done: dict, enter: Callable[[ir.Expr], tuple] = _children) -> Iterator[ir.Expr]:
    """Every sub-expression not yet in `done` (keyed by id), children before parents, each
    once; the caller adds each to `done` before asking for the next."""
    stack = [(expr, False)]
    while stack:
        node, entered = stack.pop()
        if id(node) in done:
            continue
        if entered:
            yield node
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(enter(node)) if id(child) not in done)


def fold(expr: ir.Expr, memo: dict | None = None) -> ir.Expr:
    """The expression with every sub-expression that reads no input replaced by its value,
    and the identities that change no bit of any value applied: x * 1, 1 * x, x / 1,
    ratio(x, 1), x - 0 and x + (-0) are x (NaN included). `x + 0` is x only where x is
    never -0.0 (-0.0 + 0.0 is 0.0). `memo` (id → (expr, folded)) is shared by calls that
    fold parts of one framework."""
    memo = {} if memo is None else memo
    for node in _postorder(expr, memo):
        out = _fold_node(node, memo)
        hash(out)  # children first: hashing a deep tree later then recurses no deeper than one node
        memo[id(node)] = (node, out)
    return memo[id(expr)][1]


def _fold_node(expr: ir.Expr, memo: dict) -> ir.Expr:
    if isinstance(expr, ir.Op):
        args = tuple(memo[id(a)][1] for a in expr.args)
        if all(isinstance(a, ir.Const) for a in args):
            return ir.Const(constant_value(ir.Op(expr.op, args, expr.type)), expr.type)
        same = _identity(expr.op, args)
        if same is not None:
            return same
        if all(new is old for new, old in zip(args, expr.args)):
            return expr  # nothing folded inside: the same node (its hash already known)
        return ir.Op(expr.op, args, expr.type)
    if isinstance(expr, ir.Let):
        inner = memo[id(expr.expr)][1]
        if isinstance(inner, ir.Const):
            return inner
        return expr if inner is expr.expr else ir.Let(expr.name, inner)
    if isinstance(expr, ir.Population):
        arg = memo[id(expr.arg)][1]
        return expr if arg is expr.arg else ir.Population(expr.func, arg, expr.fraction, expr.type)
    return expr


def _identity(op: str, args: tuple) -> ir.Expr | None:
    """The argument an operation on (x, constant) leaves bit for bit unchanged, if any."""
    if len(args) != 2:
        return None
    a, b = args

    def const(x, value: float, sign: float = 1.0) -> bool:
        return isinstance(x, ir.Const) and x.value == value and math.copysign(1.0, x.value) == sign

    if op == "*":
        return b if const(a, 1.0) else (a if const(b, 1.0) else None)
    if op in ("/", "ratio"):
        return a if const(b, 1.0) else None
    if op == "-":
        return a if const(b, 0.0) else None
    if op == "+":
        for x, zero in ((a, b), (b, a)):
            if const(zero, 0.0, -1.0) or (const(zero, 0.0) and _never_negative_zero(x)):
                return x
    return None


def _never_negative_zero(expr: ir.Expr, depth: int = 3) -> bool:
    """Can the value never be -0.0? (Conservative: False when unsure.) A sum is -0.0 only
    where both terms are; comparisons, counts and abs never are."""
    while isinstance(expr, ir.Let):
        expr = expr.expr
    if isinstance(expr, ir.Const):
        return math.copysign(1.0, expr.value) > 0 or expr.value != 0.0
    if not isinstance(expr, ir.Op) or depth == 0:
        return False
    if expr.op == "+":
        return any(_never_negative_zero(a, depth - 1) for a in expr.args)
    return expr.op in _NEVER_NEGATIVE_ZERO


def folded(expr: ir.Expr, memo: dict) -> ir.Expr:
    """fold(expr), remembered in `memo` (id → (expr, folded)), a dict the caller owns:
    explanations fold the same few expressions on every call, and IR nodes never change."""
    hit = memo.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    return fold(expr, memo)


def fold_rule(rule: ir.Rule, memo: dict) -> ir.Rule:
    """The rule with every expression in it folded, whatever its kind."""
    def folded_field(value):
        if isinstance(value, (ir.Const, ir.Column, ir.Let, ir.Op, ir.Population)):
            return fold(value, memo)
        if isinstance(value, tuple):
            return tuple(folded_field(v) for v in value)
        return value
    return attrs.evolve(rule, **{f.name: folded_field(getattr(rule, f.name)) for f in attrs.fields(type(rule))})


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

    def fold(self, expr: ir.Expr) -> ir.Expr:
        return fold(expr, self.memo)

    def value(self, expr: ir.Expr):
        """The operand holding the expression's value, emitting what it needs."""
        for node in _postorder(expr, self.done, _operands_of):
            self.done[id(node)] = (node, self._operand(node))
        return self.done[id(expr)][1]

    def _arg(self, expr: ir.Expr):
        return self.done[id(expr)][1]

    def _operand(self, expr: ir.Expr):
        if isinstance(expr, ir.Const):
            return Lit(expr.value)
        if isinstance(expr, ir.Let):
            return self._arg(expr.expr)
        if isinstance(expr, ir.Population):
            return Item("pops", self.populations[expr], _population_name(expr))
        if isinstance(expr, ir.Column):  # read where used: a register would only name it
            return Item("cols", self.columns[expr.name], expr.name)
        return self._op(expr, [self._arg(a) for a in expr.args])

    def emit(self, op: str, *args) -> Reg:
        """A register holding op(args); equal instructions share one."""
        key = (op, tuple(_key(a) for a in args))
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


def _operands_of(expr: ir.Expr) -> tuple:
    """What an expression's operand is made from: a population value is read from `pops`,
    not computed again."""
    return () if isinstance(expr, ir.Population) else _children(expr)


def _key(operand):
    """A hashable stand-in for an operand: constants by their exact text (0.0 and -0.0 are
    two), the rest by what they are."""
    if isinstance(operand, Lit):
        return ("lit", type(operand.value), operand.code())
    if isinstance(operand, Tup):
        return ("tuple", tuple(_key(item) for item in operand.items))
    return operand


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
        if isinstance(expr, ir.Const) and expr.type == ir.BOOL and not math.isnan(expr.value):
            return Lit(expr.value == 1.0)
        if isinstance(expr, ir.Column) and expr.type == ir.BOOL:
            return self.emit("==", Item("cols", self.columns[expr.name], expr.name), Lit(1.0))
        return super()._operand(expr)

    def _may_be_undefined(self, expr: ir.Expr) -> bool:
        if isinstance(expr, ir.Op):
            divisor = expr.args[1] if len(expr.args) == 2 else None
            by_zero = expr.op in ("/", "ratio") and not (isinstance(divisor, ir.Const) and divisor.value != 0.0)
            return by_zero or any(self._maybe[id(a)] for a in expr.args)
        if isinstance(expr, ir.Let):
            return self._maybe[id(expr.expr)]
        if isinstance(expr, ir.Const):  # a folded ratio by zero is an undefined constant
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
            return Lit(1.0 if operand.value else 0.0)
        return self.emit("as_float", operand)

    def _op(self, expr: ir.Op, args: list):
        op = expr.op
        if self.is_bool(expr):
            if op in _COMPARISONS:
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


@attrs.frozen
class CriterionSlots:
    """Where a criterion's compiled values land: its points and branch codes in the
    destination rows `points[row]` and `branches[row]` the caller passes in, its exclusion
    conditions in the program's outputs."""

    row: int
    exclusions: tuple[int, ...]


@attrs.frozen
class Program:
    """A compiled framework's expressions, as functions: `populations` runs once over whole
    columns (best, mean, ... need every unit); `evaluate` runs on any slice of units and
    gives every criterion's exclusion conditions, points and branch codes. Its clean form
    (blocks with no missing value, the usual case) is compiled at once; the general one is
    written and compiled the first time a block needs it (Python's `compile` of one is most
    of the time a framework takes to load)."""

    columns: tuple[str, ...]  # cols[i] is this input
    criteria: tuple[str, ...]  # points[i] and branches[i] are this criterion's
    slots: dict[str, CriterionSlots]
    population_order: tuple[ir.Population, ...]  # pops[i] is this one's value
    n_outputs: int
    branch_dtype: np.dtype  # of the branch rows: int8 unless a rule has more than 127 branches
    population_code: "_Code" = attrs.field(repr=False)
    clean_code: "_Code" = attrs.field(repr=False)  # for blocks with no missing value
    general: "_Later" = attrs.field(repr=False, eq=False)  # the _Code for any block
    _folds: dict = attrs.field(factory=dict, repr=False, eq=False)  # id(expr) → (expr, folded)

    @property
    def population_function(self) -> Callable:
        return self.population_code.function

    @property
    def clean_function(self) -> Callable:
        return self.clean_code.function

    @property
    def function(self) -> Callable:
        """The evaluator for any block, missing values and undefined populations included."""
        return self.general.get().function

    @property
    def source(self) -> str:
        """The generated Python: no comment and no name from the `.dti` file."""
        return "\n\n".join(code.source for code in self._codes())

    def disassemble(self) -> str:
        """The generated program, for reading: each line followed by the inputs and
        criteria it reads and writes, as comments."""
        return "\n\n".join(code.disassembly() for code in self._codes())

    def _codes(self) -> tuple["_Code", ...]:
        return (self.population_code, self.general.get(), self.clean_code)

    def folded(self, expr: ir.Expr) -> ir.Expr:
        """fold(expr), remembered for as long as the program lives."""
        return folded(expr, self._folds)

    def populations(self, cols: list[np.ndarray], n: int, reduce=None) -> list[float]:
        """Every population function's value over these columns. `reduce(k, func, values,
        fraction)` gives the k-th value from its argument's values (streaming passes use
        their own to gather values across batches)."""
        pops: list = [None] * len(self.population_order)
        with np.errstate(all="ignore"):  # overflow to ±inf and 0/0 are values of the language
            self.population_function(cols, pops, reduce or _reduce, n)
        return pops

    def population_levels(self) -> list[int]:
        """How deeply each population function nests others (0: none inside)."""
        levels: dict[ir.Population, int] = {}
        for population in self.population_order:  # inner ones come first
            inner = [levels[n] for n in ir.walk(population.arg) if isinstance(n, ir.Population) and n in levels]
            levels[population] = 1 + max(inner) if inner else 0
        return [levels[p] for p in self.population_order]

    def run(self, cols: list[np.ndarray], pops: list[float], n: int, points: list[np.ndarray],
            branches: list[np.ndarray], clean: bool = False) -> list:
        """Run on one block; `clean` when no column and no population value is NaN. Each
        criterion's points and branch codes are written into its rows of `points` and
        `branches` (arrays of n values, in `criteria` order; branch rows of `branch_dtype`);
        the exclusion conditions are returned, each an array of n values (a constant one is
        broadcast, without copying)."""
        out: list = [None] * self.n_outputs
        with np.errstate(all="ignore"):  # overflow to ±inf and 0/0 are values of the language
            (self.clean_function if clean else self.function)(cols, pops, out, n, points, branches)
        shape = (n,)
        for k, value in enumerate(out):
            if getattr(value, "shape", None) != shape:
                out[k] = np.broadcast_to(value, shape)
        return out


@attrs.frozen
class _Code:
    """One generated function: its instructions, its source and the function itself."""

    signature: str
    instrs: tuple[Instr, ...]
    source: str
    function: Callable

    def disassembly(self) -> str:
        return function_disassembly(self.signature, list(self.instrs))


_counter = iter(range(1, 1 << 62))
_BLOCK = "(cols, pops, out, n, points, branches)"


def compile_program(framework: ir.Framework) -> Program:
    memo: dict = {}
    columns = {spec.name: i for i, spec in enumerate(framework.inputs)}
    criteria = list(framework.criteria())
    rules = {crit.id: fold_rule(crit.rule, memo) for crit in criteria}
    conditions = {crit.id: [fold(e.cond, memo) for e in crit.exclusions] for crit in criteria}
    order = _populations([e for crit in criteria for e in ir.rule_exprs(rules[crit.id]) + tuple(conditions[crit.id])])
    numbers = {p: i for i, p in enumerate(order)}

    first = _Emitter(columns, numbers, memo)
    for population in order:
        k = numbers[population]
        spread = first.emit("np.broadcast_to", first.value(population.arg), Tup((Name("n"),)))
        fraction = Lit(None if population.fraction is None else float(population.fraction))
        first.instrs.append(Instr("reduce", Item("pops", k, _population_name(population)),
                                  (Lit(k), Lit(population.func), spread, fraction)))
    slots, clean = _block_function(_CleanEmitter(columns, numbers, memo), criteria, rules, conditions)
    population_code = _code("populations(cols, pops, reduce, n)", first.instrs)
    clean_code = _code(f"evaluate_clean{_BLOCK}", clean.instrs)
    outputs = clean.outputs

    def general() -> _Code:
        general_slots, emit = _block_function(_Emitter(columns, numbers, memo), criteria, rules, conditions)
        assert general_slots == slots and emit.outputs == outputs  # same outputs, same places
        return _code(f"evaluate{_BLOCK}", emit.instrs)

    largest = max((largest_code(rule) for rule in rules.values()), default=0)
    return Program(tuple(columns), tuple(slots), slots, tuple(order), outputs, kernels.code_dtype(largest),
                   population_code, clean_code, _Later(general))


def _block_function(emit: _Emitter, criteria, rules, conditions):
    """Every criterion's exclusion conditions, points and branch codes, into `out`."""
    slots = {}
    for row, crit in enumerate(criteria):
        exclusions = tuple(emit.output(emit.value(cond), f"{crit.id}.exclude") for cond in conditions[crit.id])
        call = rule_call(emit, rules[crit.id], crit.max)
        emit.instrs.append(Instr("store", None, (Item("points", row, crit.id), Item("branches", row, crit.id), call)))
        slots[crit.id] = CriterionSlots(row, exclusions)
    return slots, emit


def _code(signature: str, instrs: list[Instr]) -> _Code:
    """The instructions after the passes, their source, and the function it defines."""
    instrs = free(inline(instrs))
    source = function_source(signature, instrs)
    name = signature.split("(")[0]
    return _Code(signature, tuple(instrs), source, _load(source)[name])


def _load(source: str) -> dict[str, Callable]:
    """The functions `source` defines, in a namespace of kernels only."""
    filename = f"<dtiscore program {next(_counter)}>"
    namespace = {name: getattr(kernels, name) for name in _KERNEL_NAMES}
    namespace.update(np=np, NAN=math.nan, INF=math.inf)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - generated from IR only
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return namespace


class _Later:
    """A value made on first use, once, whichever thread asks first."""

    def __init__(self, make: Callable):
        self._make = make
        self._value = None
        self._lock = threading.Lock()

    def get(self):
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._make()
        return self._value


def _reduce(index: int, func: str, values, fraction):
    return kernels.population(func, values, fraction)


def _populations(exprs: list[ir.Expr]) -> list[ir.Population]:
    """Every population function, inner ones before the ones that use them."""
    order: dict[ir.Population, None] = {}
    done: dict = {}
    for expr in exprs:
        for node in _postorder(expr, done):
            done[id(node)] = node
            if isinstance(node, ir.Population):
                order.setdefault(node, None)
    return list(order)


_KERNEL_NAMES = (
    "divide", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_not", "choose", "round_half_away", "population",
    "limited", "fraction_of", "linear", "linear_fixed", "award", "steps", "cases",
    "award_bool", "cases_bool", "as_float", "minimum", "maximum", "store",
)

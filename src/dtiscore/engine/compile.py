"""IR → a straight-line Python program over numpy columns.

Passes, in order: fold constants; share common sub-expressions (IR nodes are frozen attrs
values, so equal sub-trees hash equal and get one register); emit one assignment per
register. The program is generated from the checked IR only: every name in it is one the
compiler made (`cols[3]`, `r12`), and numbers are written with `repr(float)`; no text from
the `.dti` file reaches the generated source, so a framework cannot run code.
"""

from __future__ import annotations

import linecache
import math
import re
import threading
from typing import Callable

import attrs
import numpy as np

from ..language import ir
from . import kernels
from ..language.reference import constant_value

_BINARY = {"+": "{} + {}", "-": "{} - {}", "*": "{} * {}"}
_CALLS = {
    "/": "divide", "ratio": "divide", "<": "less", "<=": "less_equal", ">": "greater",
    ">=": "greater_equal", "==": "equal", "!=": "not_equal", "and": "logical_and",
    "or": "logical_or", "not": "logical_not", "if": "choose", "round": "round_half_away",
}
_CHAINS = {"min": "minimum", "max": "maximum", "all": "logical_and", "any": "logical_or"}


def fold(expr: ir.Expr) -> ir.Expr:
    """Replace every sub-expression that reads no input by its value."""
    if isinstance(expr, ir.Op):
        args = tuple(fold(a) for a in expr.args)
        if all(isinstance(a, ir.Const) for a in args):
            return ir.Const(constant_value(ir.Op(expr.op, args, expr.type)), expr.type)
        if all(new is old for new, old in zip(args, expr.args)):
            return expr  # nothing folded inside: the same node (its hash already known)
        return ir.Op(expr.op, args, expr.type)
    if isinstance(expr, ir.Let):
        inner = fold(expr.expr)
        if isinstance(inner, ir.Const):
            return inner
        return expr if inner is expr.expr else ir.Let(expr.name, inner)
    if isinstance(expr, ir.Population):
        arg = fold(expr.arg)
        return expr if arg is expr.arg else ir.Population(expr.func, arg, expr.fraction, expr.type)
    return expr


_FOLDED: dict[int, tuple[ir.Expr, ir.Expr]] = {}  # id(expr) → (expr, fold(expr))


def folded(expr: ir.Expr) -> ir.Expr:
    """fold(expr), remembered per expression object: explanations fold the same few
    expressions of a framework on every call, and IR nodes never change. (The entry keeps
    the expression alive, so its id is not reused while remembered.)"""
    hit = _FOLDED.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    if len(_FOLDED) >= 100_000:
        _FOLDED.clear()
    out = fold(expr)
    _FOLDED[id(expr)] = (expr, out)
    return out


@attrs.frozen
class CriterionSlots:
    """Where a criterion's compiled values land: its points and branch codes in the
    destination rows `points[row]` and `branches[row]` the caller passes in, its exclusion
    conditions in the program's outputs."""

    row: int
    exclusions: tuple[int, ...]


class _Emitter:
    """Writes one function body. Population values come in `pops`, computed beforehand."""

    def __init__(self, columns: dict[str, int], populations: dict[ir.Population, int]):
        self.columns = columns
        self.populations = populations
        self.lines: list[str] = []
        self.registers: dict[ir.Expr, str] = {}
        self.outputs = 0

    def value(self, expr: ir.Expr) -> str:
        if isinstance(expr, ir.Const):
            return _literal(expr.value)
        if isinstance(expr, ir.Let):
            return self.value(expr.expr)
        if expr in self.registers:
            return self.registers[expr]
        if isinstance(expr, ir.Population):
            return f"pops[{self.populations[expr]}]"
        if isinstance(expr, ir.Column):  # read where used: a register would only name it
            return f"cols[{self.columns[expr.name]}]"
        code = self._op(expr)
        register = f"r{len(self.registers)}"
        self.registers[expr] = register
        self.lines.append(f"{register} = {code}")
        return register

    def _op(self, expr: ir.Op) -> str:
        args = [self.value(a) for a in expr.args]
        divisor = expr.args[1] if len(expr.args) == 2 else None
        if expr.op in ("/", "ratio") and isinstance(divisor, ir.Const) and divisor.value != 0.0:
            return f"{args[0]} / {args[1]}"  # a nonzero constant divisor needs no zero check
        if expr.op == "neg":
            return f"-{args[0]}"
        if expr.op in _BINARY:
            return _BINARY[expr.op].format(*args)
        if expr.op in _CALLS:
            return f"{_CALLS[expr.op]}({', '.join(args)})"
        if expr.op in _CHAINS:
            code = args[0]
            for arg in args[1:]:
                code = f"{_CHAINS[expr.op]}({code}, {arg})"
            return code
        if expr.op == "clamp":
            return f"minimum(maximum({args[0]}, {args[1]}), {args[2]})"
        if expr.op == "abs":
            return f"np.abs({args[0]})"
        if expr.op == "count":
            return " + ".join(args)
        raise AssertionError(f"unknown op {expr.op}")

    def condition(self, expr: ir.Expr) -> tuple[str, bool]:
        """(code, is a numpy bool array) of a condition; the general program keeps every
        value as floats, 0/1/NaN."""
        return self.value(expr), False

    def output(self, code: str) -> int:
        slot = self.outputs
        self.outputs += 1
        self.lines.append(f"out[{slot}] = {code}")
        return slot


class _CleanEmitter(_Emitter):
    """The program for blocks where no input has a missing value and no population value is
    undefined. There only a division can make a value undefined, so every condition that
    reads no division is a numpy bool array: compared, combined and chosen in one numpy
    operation each, with none of the NaN bookkeeping of the general program."""

    def __init__(self, columns: dict[str, int], populations: dict[ir.Population, int]):
        super().__init__(columns, populations)
        self._maybe: dict[ir.Expr, bool] = {}
        self._floats: dict[str, str] = {}

    def maybe_undefined(self, expr: ir.Expr) -> bool:
        if expr not in self._maybe:
            if isinstance(expr, ir.Op):
                divisor = expr.args[1] if len(expr.args) == 2 else None
                by_zero = expr.op in ("/", "ratio") and not (isinstance(divisor, ir.Const) and divisor.value != 0.0)
                self._maybe[expr] = by_zero or any(self.maybe_undefined(a) for a in expr.args)
            elif isinstance(expr, ir.Let):
                self._maybe[expr] = self.maybe_undefined(expr.expr)
            elif isinstance(expr, ir.Const):  # a folded ratio by zero is an undefined constant
                self._maybe[expr] = math.isnan(expr.value)
            else:  # columns and populations: defined in a clean block
                self._maybe[expr] = False
        return self._maybe[expr]

    def is_bool(self, expr: ir.Expr) -> bool:
        """Is this value kept as a numpy bool array here?"""
        return expr.type == ir.BOOL and not self.maybe_undefined(expr)

    def value(self, expr: ir.Expr) -> str:
        if isinstance(expr, ir.Const) and expr.type == ir.BOOL and not math.isnan(expr.value):
            return "True" if expr.value == 1.0 else "False"
        if isinstance(expr, ir.Column) and expr.type == ir.BOOL and expr not in self.registers:
            code = self._register(expr, f"cols[{self.columns[expr.name]}] == 1.0")
            return code
        return super().value(expr)

    def _register(self, expr: ir.Expr, code: str) -> str:
        register = f"r{len(self.registers)}"
        self.registers[expr] = register
        self.lines.append(f"{register} = {code}")
        return register

    def float_value(self, expr: ir.Expr) -> str:
        """The value as floats (a bool array becomes 0.0/1.0), for the general kernels."""
        code = self.value(expr)
        if not self.is_bool(expr):
            return code
        if code in ("True", "False"):
            return "1.0" if code == "True" else "0.0"
        if code not in self._floats:
            self._floats[code] = self._register(("as float", code), f"as_float({code})")
        return self._floats[code]

    def _op(self, expr: ir.Op) -> str:
        op = expr.op
        if self.is_bool(expr):
            args = [self.value(a) for a in expr.args]
            if op in ("<", "<=", ">", ">=", "==", "!="):
                return f"{args[0]} {op} {args[1]}"
            if op in ("and", "all"):
                return " & ".join(f"({a})" if " " in a else a for a in args)
            if op in ("or", "any"):
                return " | ".join(f"({a})" if " " in a else a for a in args)
            if op == "not":  # not `~`: a comparison of two constants is a Python bool
                return f"np.logical_not({args[0]})"
            if op == "if":
                return f"np.where({args[0]}, {args[1]}, {args[2]})"
        if op == "if" and self.is_bool(expr.args[0]):  # a number chosen by a defined condition
            return f"np.where({self.value(expr.args[0])}, {self.float_value(expr.args[1])}, {self.float_value(expr.args[2])})"
        if op == "count":
            return " + ".join(self.float_value(a) for a in expr.args)
        if any(self.is_bool(a) for a in expr.args):  # a general kernel on a mix: floats for all
            args = [self.float_value(a) for a in expr.args]
            return _general_call(op, args)
        return super()._op(expr)

    def condition(self, expr: ir.Expr) -> tuple[str, bool]:
        return self.value(expr), self.is_bool(expr)


def _general_call(op: str, args: list[str]) -> str:
    if op in _CALLS:
        return f"{_CALLS[op]}({', '.join(args)})"
    code = args[0]
    for arg in args[1:]:
        code = f"{_CHAINS[op]}({code}, {arg})"
    return code


def _literal(value: float) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def _rule_code(emit: _Emitter, rule: ir.Rule, top: float) -> str:
    """The kernel call giving (points, branch) for a rule (already folded)."""
    v = emit.value
    t = _literal(top)
    if isinstance(rule, ir.ScoreRule):
        return f"limited({v(rule.expr)}, {t})"
    if isinstance(rule, ir.AwardRule):
        code, is_bool = emit.condition(rule.cond)
        return f"{'award_bool' if is_bool else 'award'}({code}, {t})"
    if isinstance(rule, ir.ProportionalRule):
        return f"fraction_of({emit.value(ir.Op('/', (rule.expr, rule.target)))}, {t})"
    if isinstance(rule, ir.LinearRule):
        if isinstance(rule.start, ir.Const) and isinstance(rule.end, ir.Const) and rule.start != rule.end:
            return f"linear_fixed({v(rule.expr)}, {v(rule.start)}, {v(rule.end)}, {t})"
        return f"linear({v(rule.expr)}, {v(rule.start)}, {v(rule.end)}, {t})"
    if isinstance(rule, ir.StepsRule):
        bands = _tuple(f"({b.op!r}, {_literal(b.threshold)}, {_literal(b.points)})" for b in rule.bands)
        return f"steps({v(rule.expr)}, {bands}, {_literal(rule.otherwise)})"
    if isinstance(rule, ir.DeductRule):
        return f"limited({t} - {v(fold(ir.Op('*', (rule.amount, rule.per))))}, {t})"
    conditions = [emit.condition(c) for c, _ in rule.whens]
    values = _tuple(v(p) for _, p in rule.whens)
    if all(is_bool for _, is_bool in conditions):
        return f"cases_bool({_tuple(c for c, _ in conditions)}, {values}, {v(rule.otherwise)}, {t})"
    codes = _tuple(emit.float_value(c) if is_bool else code for (code, is_bool), (c, _) in zip(conditions, rule.whens))
    return f"cases({codes}, {values}, {v(rule.otherwise)}, {t})"


def _tuple(items) -> str:
    """A tuple literal: (), (a,), (a, b)."""
    items = list(items)
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


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
    population_source: str = attrs.field(repr=False)
    clean_source: str = attrs.field(repr=False)
    population_function: Callable = attrs.field(repr=False)
    clean_function: Callable = attrs.field(repr=False)  # for blocks with no missing value
    general: "_Later" = attrs.field(repr=False, eq=False)  # (source, function) of the other

    @property
    def function(self) -> Callable:
        """The evaluator for any block, missing values and undefined populations included."""
        return self.general.get()[1]

    @property
    def source(self) -> str:
        return self.population_source + "\n\n" + self.general.get()[0] + "\n\n" + self.clean_source

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
        `branches` (arrays of n values, in `criteria` order); the exclusion conditions are
        returned, each an array of n values (a constant one is broadcast, without copying)."""
        out: list = [None] * self.n_outputs
        with np.errstate(all="ignore"):  # overflow to ±inf and 0/0 are values of the language
            (self.clean_function if clean else self.function)(cols, pops, out, n, points, branches)
        shape = (n,)
        for k, value in enumerate(out):
            if getattr(value, "shape", None) != shape:
                out[k] = np.broadcast_to(value, shape)
        return out

    def disassemble(self) -> str:
        """The generated program, for reading and debugging."""
        return self.source


_counter = iter(range(1, 1 << 62))


def compile_program(framework: ir.Framework) -> Program:
    columns = {spec.name: i for i, spec in enumerate(framework.inputs)}
    rules = {crit.id: _folded_rule(crit.rule) for crit in framework.criteria()}
    conditions = {crit.id: [fold(e.cond) for e in crit.exclusions] for crit in framework.criteria()}
    order = _populations(
        [e for crit in framework.criteria() for e in ir.rule_exprs(rules[crit.id]) + tuple(conditions[crit.id])]
    )
    numbers = {p: i for i, p in enumerate(order)}

    first = _Emitter(columns, numbers)
    for population in order:
        fraction = "None" if population.fraction is None else _literal(population.fraction)
        first.lines.append(
            f"pops[{numbers[population]}] = reduce({numbers[population]}, {population.func!r}, "
            f"np.broadcast_to({first.value(population.arg)}, (n,)), {fraction})"
        )
    slots, clean = _block_function(_CleanEmitter(columns, numbers), framework, rules, conditions)
    population_source = _function("populations(cols, pops, reduce, n)", first.lines)
    clean_source = _function(f"evaluate_clean{_BLOCK}", _freeing(_inlined(clean.lines)))
    functions = _load(population_source + "\n\n" + clean_source)
    outputs = clean.outputs

    def general() -> tuple[str, Callable]:
        general_slots, emit = _block_function(_Emitter(columns, numbers), framework, rules, conditions)
        assert general_slots == slots and emit.outputs == outputs  # same outputs, same places
        source = _function(f"evaluate{_BLOCK}", _freeing(_inlined(emit.lines)))
        return source, _load(source)["evaluate"]

    return Program(tuple(columns), tuple(slots), slots, tuple(order), outputs, population_source,
                   clean_source, functions["populations"], functions["evaluate_clean"], _Later(general))


_BLOCK = "(cols, pops, out, n, points, branches)"


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


def _block_function(emit: _Emitter, framework: ir.Framework, rules, conditions):
    """Every criterion's exclusion conditions, points and branch codes, into `out`."""
    slots = {}
    for row, crit in enumerate(framework.criteria()):
        exclusions = tuple(emit.output(emit.value(cond)) for cond in conditions[crit.id])
        emit.lines.append(f"store(points[{row}], branches[{row}], {_rule_code(emit, rules[crit.id], crit.max)})")
        slots[crit.id] = CriterionSlots(row, exclusions)
    return slots, emit


_REGISTER = re.compile(r"\br\d+\b")
_DEFINITION = re.compile(r"(r\d+) = (.*)")


def _inlined(lines: list[str]) -> list[str]:
    """The lines with each register used only once written out where it is used: fewer,
    shorter lines for Python's `compile`, which takes most of a framework's loading time.
    Every value is computed by the same operations either way."""
    uses: dict[str, int] = {}
    for line in lines:
        definition = _DEFINITION.fullmatch(line)
        for register in _REGISTER.findall(definition.group(2) if definition else line):
            uses[register] = uses.get(register, 0) + 1
    waiting: dict[str, str] = {}  # register → its code, not yet used

    def written_out(found: re.Match) -> str:
        code = waiting.pop(found.group(0), None)
        if code is None:
            return found.group(0)
        return code if _atomic(code) else f"({code})"

    out = []
    for line in lines:
        definition = _DEFINITION.fullmatch(line)
        if definition:
            register, code = definition.groups()
            code = _REGISTER.sub(written_out, code)
            if uses.get(register) == 1:
                waiting[register] = code
            else:
                out.append(f"{register} = {code}")
        else:
            out.append(_REGISTER.sub(written_out, line))
    assert not waiting
    return out


def _atomic(code: str) -> bool:
    """Can `code` stand as an operand without parentheses (a name, an index, a call)?"""
    if " " not in code:
        return True
    call = re.match(r"[\w.]+\(", code)
    if call is None:
        return False
    depth = 0
    for paren in _PARENS.finditer(code, call.end() - 1):
        depth += 1 if paren.group() == "(" else -1
        if depth == 0:
            return paren.end() == len(code)
    return False


_PARENS = re.compile(r"[()]")


def _freeing(lines: list[str]) -> list[str]:
    """The lines with each register deleted right after its last use. A block's values
    then live only as long as they are needed: the memory of one is reused for the next
    while it is still in cache, and the heap does not grow by every value of the block
    (freed all at once at the end, such a heap is handed back to the system and every
    page faulted in again for the next block: 2.7x slower on 16k-unit blocks)."""
    last: dict[str, int] = {}
    for number, line in enumerate(lines):
        for register in _REGISTER.findall(line):
            last[register] = number
    dying: dict[int, list[str]] = {}
    for register, number in last.items():
        dying.setdefault(number, []).append(register)
    out = []
    for number, line in enumerate(lines):
        out.append(line)
        if number in dying:
            out.append("del " + ", ".join(sorted(dying[number], key=lambda r: int(r[1:]))))
    return out


def _reduce(index: int, func: str, values, fraction):
    return kernels.population(func, values, fraction)


def _function(signature: str, lines: list[str]) -> str:
    body = "\n".join("    " + line for line in lines) or "    pass"
    return f"def {signature}:\n{body}\n"


def _folded_rule(rule: ir.Rule) -> ir.Rule:
    if isinstance(rule, ir.CasesRule):
        return ir.CasesRule(tuple((fold(c), fold(p)) for c, p in rule.whens), fold(rule.otherwise))
    if isinstance(rule, ir.StepsRule):
        return attrs.evolve(rule, expr=fold(rule.expr))
    if isinstance(rule, ir.DeductRule):
        return ir.DeductRule(fold(rule.amount), fold(rule.per))
    fields = {f.name: fold(getattr(rule, f.name)) for f in attrs.fields(type(rule))}
    return type(rule)(**fields)


def _populations(exprs: list[ir.Expr]) -> list[ir.Population]:
    """Every population function, inner ones before the ones that use them."""
    order: dict[ir.Population, None] = {}

    def visit(expr: ir.Expr) -> None:
        if isinstance(expr, ir.Op):
            for arg in expr.args:
                visit(arg)
        elif isinstance(expr, ir.Let):
            visit(expr.expr)
        elif isinstance(expr, ir.Population):
            visit(expr.arg)
            order.setdefault(expr, None)

    for expr in exprs:
        visit(expr)
    return list(order)


_KERNEL_NAMES = (
    "divide", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_not", "choose", "round_half_away", "population",
    "limited", "fraction_of", "linear", "linear_fixed", "award", "steps", "cases",
    "award_bool", "cases_bool", "as_float", "minimum", "maximum", "store",
)

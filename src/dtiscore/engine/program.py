"""The compiled program: its generated functions and what a caller needs to run them.

`Program` holds the population function, the clean block function (compiled at once) and
the general one (compiled the first time a block needs it), each as a `Code`: the
instructions after the passes, the Python source rendered from them, and the function
that source defines, loaded into a namespace of kernels only.
"""

from __future__ import annotations

import linecache
import math
import threading
from typing import Callable

import attrs
import numpy as np

from ..errors import DtiError
from ..language import ir
from . import kernels
from .fold import folded
from .instructions import Instr, free, function_disassembly, function_source, inline


@attrs.frozen
class CriterionSlots:
    """Where a criterion's compiled values land: its points and branch codes in the
    destination rows `points[row]` and `branches[row]` the caller passes in, its exclusion
    conditions in the program's outputs; and whether its points are proven defined on a
    block with no missing value (`rules.defined_when_complete`)."""

    row: int
    exclusions: tuple[int, ...]
    defined_when_complete: bool = False


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
    population_code: "Code" = attrs.field(repr=False)
    clean_code: "Code" = attrs.field(repr=False)  # for blocks with no missing value
    general: "Later" = attrs.field(repr=False, eq=False)  # the Code for any block
    unranked: tuple[int, ...] = ()  # the outputs of the framework's `rank exclude when` conditions
    _folds: dict = attrs.field(factory=dict, repr=False, eq=False)  # id(expr) → (expr, folded)
    kernels: dict = attrs.field(factory=dict, repr=False, eq=False)  # the engine's, in place of numpy's
    _engines: dict = attrs.field(factory=dict, repr=False, eq=False)  # engine → this program on it
    _engines_lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False, eq=False)

    def on(self, engine: str) -> "Program":
        """This program run by an engine (`ENGINES`): the same source, loaded into a
        namespace where that engine's kernels stand in for numpy's; made once per engine."""
        name = engine_name(engine)
        if name == "numpy":
            return self
        with self._engines_lock:
            if name not in self._engines:
                extra = engine_kernels(name)
                general = self.general
                self._engines[name] = attrs.evolve(
                    self, clean_code=self.clean_code.loaded(extra),
                    general=Later(lambda: general.get().loaded(extra)), kernels=extra, engines={})
            return self._engines[name]

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

    def _codes(self) -> tuple["Code", ...]:
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
class Code:
    """One generated function: its instructions, its source and the function itself."""

    signature: str
    instrs: tuple[Instr, ...]
    source: str
    function: Callable

    @classmethod
    def of(cls, signature: str, instrs: list[Instr]) -> "Code":
        """The instructions after the passes (inline, then free), their source, and the
        function it defines."""
        instrs = free(inline(instrs))
        source = function_source(signature, instrs)
        return cls(signature, tuple(instrs), source, load(source)[signature.split("(")[0]])

    def disassembly(self) -> str:
        return function_disassembly(self.signature, list(self.instrs))

    def loaded(self, extra: dict[str, Callable]) -> "Code":
        """The same source loaded again, with `extra` kernels in place of numpy's."""
        return attrs.evolve(self, function=load(self.source, extra)[self.signature.split("(")[0]])


_counter = iter(range(1, 1 << 62))


def load(source: str, extra: dict[str, Callable] | None = None) -> dict[str, Callable]:
    """The functions `source` defines, in a namespace of kernels only (`extra`: an
    engine's kernels in place of numpy's)."""
    filename = f"<dtiscore program {next(_counter)}>"
    namespace = {name: getattr(kernels, name) for name in KERNEL_NAMES}
    namespace.update(extra or {})
    namespace.update(np=np, NAN=math.nan, INF=math.inf)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - generated from IR only
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return namespace


class Later:
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


KERNEL_NAMES = (
    "divide", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_not", "choose", "round_half_away", "population",
    "limited", "fraction_of", "linear", "linear_fixed", "award", "steps", "cases",
    "award_bool", "cases_bool", "as_float", "minimum", "maximum",
)


# ---- engines ------------------------------------------------------------------------

ENGINES = ("auto", "numpy", "numba")  # what `engine=` takes


def engine_name(engine: str) -> str:
    """The engine that runs for `engine=`: "auto" is numpy (see docs/api.md for why)."""
    if engine not in ENGINES:
        raise DtiError(f"unknown engine {engine!r}: choose one of {', '.join(map(repr, ENGINES))}")
    return "numpy" if engine == "auto" else engine


def engine_kernels(name: str) -> dict[str, Callable]:
    """The kernels an engine puts in place of numpy's (numba's are imported here, lazily)."""
    if name != "numba":
        return {}
    try:
        from . import numba_kernels
    except ImportError as error:
        raise DtiError(f"engine 'numba' needs numba, which could not be imported ({error}): "
                       "install it with pip install 'dtiscore[numba]'") from None
    return numba_kernels.KERNELS

"""The compiled program as data: a list of instructions, the passes over it, and its two
renderings (Python source to run, and a disassembly to read).

An instruction is one operation with its destination and its operands; an operand is a
register, an item of one of the function's arrays (`cols[3]`, `pops[0]`, `points[2]`, each
with the input or criterion it holds), a constant, a tuple of operands, or (after
inlining) another instruction written out in place. Passes rewrite the list, in order:
`inline` (a register used once is written where it is used, up to a nesting depth),
`free` (each register is deleted right after its last use). `source` renders Python with
no comment and no name from the `.dti` file; `disassembly` adds, beside each line, the
names of the inputs and criteria it reads and writes, as comments.
"""

from __future__ import annotations

import math
from typing import Iterator, NamedTuple, Union



class Reg(NamedTuple):
    """A register: a local variable holding one value."""

    number: int

    def code(self) -> str:
        return f"r{self.number}"


class Item(NamedTuple):
    """`array[index]`, one of the function's arguments; `name` says what it holds (an input,
    a criterion) for the disassembly only, never for the source."""

    array: str  # cols, pops, out, points or branches
    index: int
    name: str = ""

    def code(self) -> str:
        return f"{self.array}[{self.index}]"


class Lit(NamedTuple):
    """A constant, by the text that writes it: 0.0 and -0.0 are two constants. Make one
    with `lit`."""

    text: str
    value: Union[float, bool, int, str, None]

    def code(self) -> str:
        return self.text


def lit(value: Union[float, bool, int, str, None]) -> Lit:
    """A constant: a float, a bool, an int, a band operator or population function name, or
    None."""
    if value is None or isinstance(value, (bool, str, int)):
        return Lit(repr(value), value)
    if math.isnan(value):
        return Lit("NAN", value)
    if math.isinf(value):
        return Lit("INF" if value > 0 else "-INF", value)
    return Lit(repr(float(value)), value)


class Tup(NamedTuple):
    """A tuple of operands: (), (a,), (a, b)."""

    items: tuple

    def code(self) -> str:
        inner = [_operand(item) for item in self.items]
        return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"


class Name(NamedTuple):
    """A name the compiler chose (the block size `n`)."""

    text: str

    def code(self) -> str:
        return self.text


# Operands are named tuples: instructions are shared by their (op, operands), hashed in C.
Operand = Union[Reg, Item, Lit, Tup, Name, "Instr"]

# Operations written as Python operators; every other operation is a call of that name.
_OPERATORS = {
    "+": "{} + {}", "-": "{} - {}", "*": "{} * {}", "/": "{} / {}", "&": "{} & {}", "|": "{} | {}",
    "<": "{} < {}", "<=": "{} <= {}", ">": "{} > {}", ">=": "{} >= {}", "==": "{} == {}",
    "!=": "{} != {}", "neg": "-{}", "move": "{}", "del": "del {}",
}


class Instr:
    """`dest = op(args)`; dest is a register, an array item, or None (a call for its effect).
    `depth` counts the instructions written out inside one another here (1: none)."""

    __slots__ = ("op", "dest", "args", "depth")

    def __init__(self, op: str, dest: Union[Reg, Item, None], args: tuple):
        self.op, self.dest, self.args = op, dest, args
        deepest = 0
        for arg in args:
            for inner in arg.items if type(arg) is Tup else (arg,):
                if type(inner) is Instr and inner.depth > deepest:
                    deepest = inner.depth
        self.depth = 1 + deepest

    def __repr__(self) -> str:
        return f"Instr({self.op!r}, {self.dest!r}, {self.args!r})"

    def code(self) -> str:
        """The operation as Python (without the destination)."""
        if self.op in _OPERATORS:
            return _OPERATORS[self.op].format(*(_operand(a, top=self.op == "move") for a in self.args))
        return f"{self.op}({', '.join(_operand(a, top=True) for a in self.args)})"

    def line(self) -> str:
        return self.code() if self.dest is None else f"{self.dest.code()} = {self.code()}"


def _operand(operand, top: bool = False) -> str:
    """An operand as Python; an instruction written out in place gets parentheses unless it
    is a call or stands alone as a call's argument."""
    code = operand.code()
    if isinstance(operand, Instr) and not top and operand.op in _OPERATORS:
        return f"({code})"
    return code


def registers_read(instr: Instr) -> Iterator[Reg]:
    """The registers an instruction reads, entering tuples and written-out instructions."""
    stack = list(instr.args)
    while stack:
        arg = stack.pop()
        if isinstance(arg, Reg):
            yield arg
        elif isinstance(arg, Tup):
            stack.extend(arg.items)
        elif isinstance(arg, Instr):
            stack.extend(arg.args)


def items_used(instr: Instr) -> list[Item]:
    """The array items an instruction reads or writes, in reading order, destination last."""
    found: list[Item] = []
    stack = [list(instr.args)]
    while stack:
        args = stack.pop()
        if not args:
            continue
        arg, rest = args[0], args[1:]
        stack.append(rest)
        if isinstance(arg, Item):
            found.append(arg)
        elif isinstance(arg, Tup):
            stack.append(list(arg.items))
        elif isinstance(arg, Instr):
            stack.append(list(arg.args))
    if isinstance(instr.dest, Item):
        found.append(instr.dest)
    return found


# ---- passes ---------------------------------------------------------------------------

MAX_DEPTH = 8  # instructions written out inside one another at most: Python's parser
# refuses more than 200 nested parentheses, and long chains (200 terms) must still compile


def inline(instrs: list[Instr]) -> list[Instr]:
    """Each register used only once written out where it is used, as long as that nests no
    more than MAX_DEPTH deep: fewer, shorter lines for Python's `compile`, which takes most
    of a framework's loading time. Every value is computed by the same operations."""
    uses: dict[int, int] = {}
    for instr in instrs:
        for reg in registers_read(instr):
            uses[reg.number] = uses.get(reg.number, 0) + 1
    waiting: dict[int, Instr] = {}  # register → its instruction, not yet used
    out: list[Instr] = []
    for instr in instrs:
        args = _written_out(instr.args, waiting)
        if args is not instr.args:
            instr = Instr(instr.op, instr.dest, args)
        dest = instr.dest
        if isinstance(dest, Reg) and uses.get(dest.number) == 1 and instr.depth < MAX_DEPTH:
            waiting[dest.number] = Instr(instr.op, None, instr.args)
        else:
            out.append(instr)
    assert not waiting, f"registers never used: {sorted(waiting)}"
    return out


def _written_out(args: tuple, waiting: dict[int, Instr]) -> tuple:
    """args with each waiting register replaced by its instruction (the same tuple when
    none is)."""
    new = []
    changed = False
    for arg in args:
        if isinstance(arg, Reg) and arg.number in waiting:
            arg = waiting.pop(arg.number)
            changed = True
        elif isinstance(arg, Tup):
            items = _written_out(arg.items, waiting)
            if items is not arg.items:
                arg = Tup(items)
                changed = True
        new.append(arg)
    return tuple(new) if changed else args


def free(instrs: list[Instr]) -> list[Instr]:
    """Each register deleted right after its last use. A block's values then live only as
    long as they are needed: the memory of one is reused for the next while it is still in
    cache, and the heap does not grow by every value of the block (freed all at once at the
    end, such a heap is handed back to the system and every page faulted in again for the
    next block: 2.7x slower on 16k-unit blocks)."""
    last: dict[int, int] = {}
    for position, instr in enumerate(instrs):
        for reg in registers_read(instr):
            last[reg.number] = position
        if isinstance(instr.dest, Reg):
            last.setdefault(instr.dest.number, position)
    dying: dict[int, list[int]] = {}
    for number, position in last.items():
        dying.setdefault(position, []).append(number)
    out = []
    for position, instr in enumerate(instrs):
        out.append(instr)
        if position in dying:
            out.append(Instr("del", None, (Tup(tuple(Reg(n) for n in sorted(dying[position]))),)))
    return out


# ---- renderings -------------------------------------------------------------------------


def function_source(signature: str, instrs: list[Instr]) -> str:
    """A Python function running the instructions; no comment, no name from the file."""
    body = "\n".join("    " + _line(instr) for instr in instrs) or "    pass"
    return f"def {signature}:\n{body}\n"


def function_disassembly(signature: str, instrs: list[Instr]) -> str:
    """The same function, each line followed by the names of what it reads and writes."""
    lines = [f"def {signature}:"]
    for instr in instrs:
        line = "    " + _line(instr)
        names = _names(instr)
        lines.append(f"{line}  # {names}" if names else line)
    if len(lines) == 1:
        lines.append("    pass")
    return "\n".join(lines) + "\n"


def _line(instr: Instr) -> str:
    if instr.op == "del":  # `del r1, r2`, not `del (r1, r2)`
        return "del " + ", ".join(reg.code() for reg in instr.args[0].items)
    return instr.line()


def _names(instr: Instr) -> str:
    """`inp=cols[1], base=cols[0] -> crt`: what the line reads, in reading order, then the
    input, criterion or population value it writes; each once."""
    reads: dict[str, None] = {}
    writes: dict[str, None] = {}
    for item in items_used(instr):
        if not item.name:
            continue
        if item is instr.dest or item.array in ("points", "branches"):  # rules write these
            writes.setdefault(safe_name(item.name), None)
        else:
            reads.setdefault(f"{safe_name(item.name)}={item.code()}", None)
    text = ", ".join(reads)
    if writes:
        text = (text + " " if text else "") + "-> " + ", ".join(writes)
    return text


def safe_name(name: str) -> str:
    """A name fit for a comment: identifiers as they are (the checker allows no others),
    anything else with its unusual characters escaped."""
    if name.isascii() and name.replace("_", "a").replace(".", "a").isalnum():
        return name
    return name.encode("ascii", "backslashreplace").decode("ascii").replace("\n", "\\n").replace("\r", "\\r")

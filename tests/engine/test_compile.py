"""The compiler: its instruction list, its passes, folding and the disassembly.

Golden disassemblies: every `tests/fixtures/disassembly/NAME.dti` is compiled and its
`disassemble()` compared exactly with `NAME.txt`. After a deliberate change to the
generated code, regenerate them with

    DTISCORE_REGENERATE=1 python -m pytest tests/engine/test_compile.py

and read the diff before committing it.
"""

from __future__ import annotations

import math
import os
import struct
import typing
from pathlib import Path

import numpy as np
import pytest

import dtiscore
from dtiscore.engine import compile as compiler
from dtiscore.engine import fold as folding
from dtiscore.engine import instructions
from dtiscore.engine import rules
from dtiscore.engine.instructions import Instr, Item, Reg, Tup, lit
from dtiscore.language import ir
from dtiscore.language.reference import Reference

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "disassembly"
GOLDEN = sorted(FIXTURES.glob("*.dti"))


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_disassembly_matches_its_golden_file(path):
    text = dtiscore.load(path).disassemble()
    expected = path.with_suffix(".txt")
    if os.environ.get("DTISCORE_REGENERATE"):
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


def test_the_golden_files_cover_every_rule_kind():
    kinds = {type(crit.rule) for path in GOLDEN for crit in dtiscore.load(path).ir.criteria()}
    assert kinds == set(typing.get_args(ir.Rule))


def test_every_rule_kind_has_one_entry_in_the_compiler():
    assert set(rules.KINDS) == set(typing.get_args(ir.Rule))


def test_the_disassembly_is_the_source_with_names_as_comments():
    framework = dtiscore.load(FIXTURES / "rules.dti")
    program = framework.program
    lines = framework.disassemble().splitlines()
    assert [line.split("  # ")[0] for line in lines] == program.source.splitlines()
    assert "    steps(cols[2], (('>=', 0.9, 10.0), ('>=', 0.5, 6.0)), 0.0, points[5], branches[5])" \
           "  # online=cols[2] -> banded" in lines
    assert "#" not in program.source


def test_names_in_the_disassembly_are_safe_comments():
    assert instructions.safe_name("dossiers_online") == "dossiers_online"
    assert instructions.safe_name("a.exclude") == "a.exclude"
    assert instructions.safe_name("x\ny") == "x\\ny"
    assert instructions.safe_name("Hà\u2028") == "H\\xe0\\u2028"
    instr = Instr("move", Item("out", 0, "c\n__import__('os')"), (Item("cols", 1, "x\r"),))
    text = instructions.function_disassembly("f()", [instr])
    assert text == "def f():\n    out[0] = cols[1]  # x\\r=cols[1] -> c\\n__import__('os')\n"


# ---- passes ----------------------------------------------------------------------------


def chain(length: int) -> list[Instr]:
    """r0 = cols[0] + 1.0; r1 = r0 + 1.0; ...; out[0] = r(length - 1)."""
    instrs = [Instr("+", Reg(0), (Item("cols", 0), lit(1.0)))]
    for k in range(1, length):
        instrs.append(Instr("+", Reg(k), (Reg(k - 1), lit(1.0))))
    instrs.append(Instr("move", Item("out", 0), (Reg(length - 1),)))
    return instrs


def test_inlining_writes_out_registers_used_once():
    source = instructions.function_source("f(cols, out)", instructions.inline(chain(3)))
    assert source == "def f(cols, out):\n    out[0] = ((cols[0] + 1.0) + 1.0) + 1.0\n"


def test_inlining_stops_at_the_depth_limit():
    inlined = instructions.inline(chain(100))
    assert all(instr.depth <= instructions.MAX_DEPTH for instr in inlined)
    assert 100 / instructions.MAX_DEPTH <= len(inlined) <= math.ceil(100 / instructions.MAX_DEPTH) + 1
    namespace: dict = {}
    exec(instructions.function_source("f(cols, out)", instructions.free(inlined)), namespace)
    out = [None]
    namespace["f"]([np.array([0.5])], out)
    assert out[0][0] == 100.5


def test_registers_used_twice_stay_and_are_freed_after_their_last_use():
    instrs = [
        Instr("*", Reg(0), (Item("cols", 0), lit(2.0))),
        Instr("move", Item("out", 0), (Reg(0),)),
        Instr("minimum", Reg(1), (Reg(0), Item("cols", 1))),
        Instr("limited", None, (Reg(1), lit(10.0), Item("points", 0), Item("branches", 0))),
        Instr("move", Item("out", 1), (lit(True),)),
    ]
    source = instructions.function_source("f()", instructions.free(instructions.inline(instrs)))
    assert source.splitlines()[1:] == [
        "    r0 = cols[0] * 2.0",
        "    out[0] = r0",
        "    limited(minimum(r0, cols[1]), 10.0, points[0], branches[0])",
        "    del r0",
        "    out[1] = True",
    ]


def test_tuples_render_as_python_tuples():
    assert Tup(()).code() == "()"
    assert Tup((lit(1.0),)).code() == "(1.0,)"
    assert Tup((lit(">="), lit(-0.0), lit(math.inf), lit(math.nan))).code() == "('>=', -0.0, INF, NAN)"


# ---- folding ---------------------------------------------------------------------------

X, Y = ir.Column("x", ir.NUM), ir.Column("y", ir.NUM)


def const(value: float) -> ir.Const:
    return ir.Const(value)


@pytest.mark.parametrize("expr", [
    ir.Op("*", (X, const(1.0))), ir.Op("*", (const(1.0), X)), ir.Op("/", (X, const(1.0))),
    ir.Op("ratio", (X, const(1.0))), ir.Op("-", (X, const(0.0))), ir.Op("+", (X, const(-0.0))),
    ir.Op("+", (const(-0.0), X)), ir.Op("*", (ir.Op("+", (X, const(-0.0))), const(1.0))),
])
def test_identities_that_change_no_bit_are_folded(expr):
    assert folding.fold(expr) == X


@pytest.mark.parametrize("expr", [
    ir.Op("+", (X, const(0.0))),  # -0.0 + 0.0 is 0.0
    ir.Op("+", (const(0.0), X)),
    ir.Op("-", (X, const(-0.0))),  # -0.0 - -0.0 is 0.0
    ir.Op("*", (X, const(-1.0))),
    ir.Op("/", (const(1.0), X)),
    ir.Op("-", (const(0.0), X)),
])
def test_operations_that_may_change_a_bit_are_kept(expr):
    assert folding.fold(expr) == expr


def test_plus_zero_is_folded_where_the_value_is_never_negative_zero():
    comparison = ir.Op(">", (X, Y), ir.BOOL)
    counted = ir.Op("count", (comparison, comparison))
    assert folding.fold(ir.Op("+", (counted, const(0.0)))) == counted
    summed = ir.Op("+", (ir.Op("+", (X, const(0.0))), Y))  # (x + 0.0) is never -0.0: nor is the sum
    assert folding.fold(ir.Op("+", (summed, const(0.0)))) == summed


def bits(value: float) -> bytes:
    return b"nan" if math.isnan(value) else struct.pack("<d", value)


@pytest.mark.parametrize("expression", ["x * one", "one * x", "x / one", "ratio(x, one)", "x - nought",
                                        "x + nought", "nought + x", "(x + nought) + nought", "x * one + y"])
def test_folded_identities_score_bit_for_bit_like_the_reference(expression):
    """The folded expression has the very bits of the written one for every value (-0.0,
    infinities, subnormals, no value), by the reference's own arithmetic; and the
    compiled scores equal the reference's."""
    text = (
        'framework f "F" {\n    max 10\n    on_missing zero\n    input x number "X"\n    input y number "Y"\n'
        '    param one = 1\n    param nought = 0\n'
        f'    let v = {expression}\n'
        '    criterion c "C" max 10 {\n        score v * -1 + 5\n    }\n}\n'
    )
    framework = dtiscore.loads(text)
    xs = [-0.0, 0.0, 1.5, -2.5, 1.7e308, -1.7e308, None, 5e-324, -1e308]
    data = {"x": xs, "y": [-0.0] * len(xs)}
    result = framework.score(data)
    rows = [{"x": math.nan if v is None else v, "y": -0.0} for v in xs]
    reference = Reference(framework.ir, rows)
    let = framework.ir.lets[0]
    for i in range(len(xs)):
        assert bits(result.points("c")[i]) == bits(reference.unit(i).points["c"]), i
        values = framework.program.folded(let.expr)
        assert bits(reference.value(values, rows[i])) == bits(reference.value(let.expr, rows[i])), i


def test_folding_is_remembered_on_the_program_not_in_the_module():
    framework = dtiscore.load(FIXTURES / "identities.dti")
    expr = framework.ir.root.nodes[0].rule.expr
    program = framework.program
    assert program.folded(expr) is program.folded(expr)
    assert program.folded(expr) == folding.fold(expr)
    for module in (compiler, folding, instructions, rules):
        assert not [name for name, value in vars(module).items() if isinstance(value, dict)
                    and name.lstrip("_").isupper() and name not in ("_CALLS", "_CHAINS", "_OPERATORS", "KINDS")]
    assert not hasattr(compiler, "_FOLDED")


def test_a_long_sum_folds_without_recursion():
    expr = X
    for k in range(5000):
        expr = ir.Op("+", (expr, Y if k % 2 else const(float(k))))
    folded = folding.fold(expr)
    assert isinstance(folded, ir.Op) and folded.op == "+"
    constant = const(1.0)
    for k in range(5000):
        constant = ir.Op("+", (constant, const(1.0)))
    assert folding.fold(constant) == const(5001.0)

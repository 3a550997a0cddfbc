"""Shapes the checker accepts but the generators rarely make: long chains, long argument
lists, deep nesting (up to the checker's limit of 200 levels, and far past it in IR built
directly), many bands and cases. Each must compile, score exactly as the reference
interpreter says (bit for bit), and explain the branch it took. (LANGUAGE.md "Limits":
whatever `check` accepts, scoring never crashes.)
"""

from __future__ import annotations

import contextlib
import math
import struct
import sys

import attrs
import numpy as np
import pytest

import dtiscore
from dtiscore.engine import kernels
from dtiscore.engine import instructions
from dtiscore.language import ir
from dtiscore.language.reference import Reference

X = [0.0, 1.5, -2.0, 7.25, None, 40.0, 129.0, 299.5, -0.0]
Y = [3.0, None, 0.5, 2.0, 1.0, 0.0, 12.0, 1e300, 4.0]


def framework_text(body: str, lets: str = "") -> str:
    return (
        'framework f "F" {\n    max 10\n    on_missing zero\n'
        '    input x number "X"\n    input y number "Y"\n'
        f"{lets}"
        f'    criterion c "C" max 10 {{\n        {body}\n    }}\n}}\n'
    )


def bits(value: float) -> bytes:
    """A float's bits, with every NaN the same: exact equality that tells -0.0 from 0.0."""
    return b"nan" if math.isnan(value) else struct.pack("<d", value)


@contextlib.contextmanager
def deep_recursion():
    """The reference interpreter recurses on purpose (it is the literal definition): give
    it room for the deep shapes tested here."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def assert_like_reference(framework: dtiscore.Framework, data: dict) -> dtiscore.Result:
    result = framework.score(data)
    rows = [{k: math.nan if v[i] is None else float(v[i]) for k, v in data.items()} for i in range(len(result))]
    reference = Reference(framework.ir, rows)
    for i in range(len(result)):
        with deep_recursion():
            unit = reference.unit(i)
        for node in framework.nodes:
            assert bits(result.points(node)[i]) == bits(unit.points[node]), (node, i)
        for crit in framework.criteria:
            assert result.status(crit)[i] == ir.STATUSES[unit.status[crit]], (crit, i)
            assert result.branch(crit)[i] == unit.branch[crit], (crit, i)
    return result


def scores_like_reference(body: str, lets: str = "") -> dtiscore.Result:
    framework = dtiscore.loads(framework_text(body, lets))
    return assert_like_reference(framework, {"x": X, "y": Y})


# ---- long chains and lists ---------------------------------------------------------------

N = 190  # terms: a chain of N nests N - 1 levels, under the checker's 200


def test_a_long_sum():
    terms = " + ".join(("x" if k % 2 else f"y * {k % 7}") for k in range(N))
    scores_like_reference(f"score ({terms}) / {N}")


@pytest.mark.parametrize("func", ["min", "max"])
def test_min_and_max_of_many_arguments(func):
    args = ", ".join(f"x + {k}" if k % 2 else f"y - {k}" for k in range(N))
    scores_like_reference(f"score {func}({args})")


@pytest.mark.parametrize("word", ["and", "or"])
def test_long_and_or_chains(word):
    terms = f" {word} ".join(f"x > {k - 50}" if k % 2 else f"y < {k}" for k in range(N))
    scores_like_reference(f"award when {terms}")


def test_all_and_count_of_many_arguments():
    args = ", ".join(f"x > {k - 50}" for k in range(N))
    scores_like_reference(f"award when all({args})")
    scores_like_reference(f"score count({args})")


BASE = dtiscore.loads(framework_text("score x"))


def with_rule(rule: ir.Rule) -> dtiscore.Framework:
    """BASE with another rule: for shapes the checker cannot build from text yet."""
    root = BASE.ir.root
    criterion = attrs.evolve(root.nodes[0], rule=rule)
    return dtiscore.Framework(attrs.evolve(BASE.ir, root=attrs.evolve(root, nodes=(criterion,))))


def negated(expr: ir.Expr, times: int) -> ir.Expr:
    for _ in range(times):
        expr = ir.Op("neg", (expr,))
    return expr


@pytest.mark.parametrize("times", [500, 501])
def test_many_unary_minuses(times):
    framework = with_rule(ir.ScoreRule(negated(ir.Column("x", ir.NUM), times)))
    assert_like_reference(framework, {"x": X, "y": Y})


def test_thousands_of_unary_minuses_compile():
    framework = with_rule(ir.ScoreRule(negated(ir.Column("x", ir.NUM), 5000)))
    points = framework.score({"x": [3.0, -1.0, None, 12.0], "y": [0.0] * 4}).points("c")
    np.testing.assert_array_equal(points, [3.0, 0.0, 0.0, 10.0])


def test_many_unary_minuses_from_text():
    scores_like_reference("score " + "- " * 199 + "x")


def test_a_long_chain_of_lets():
    lets = "    let a0 = x + 1\n" + "".join(f"    let a{k} = a{k - 1} * 1.01 + y\n" for k in range(1, 60))
    scores_like_reference("score a59", lets)


def test_deeply_nested_ifs():
    expr = "x"
    for k in range(99):
        expr = f"if y > {k} then {expr} else x - {k}"
    scores_like_reference(f"score {expr}")


# ---- many bands and cases: branch codes past int8 -----------------------------------------


def steps_body(bands: int, nested: bool = True) -> str:
    """Nested: `>= bands`, `>= bands - 1`, ... Not nested: `< 0`, `>= 600`, `< 1`, `>= 599`,
    ... (each band still reachable)."""
    if nested:
        lines = [f">= {bands - k}: {k % 10}" for k in range(bands)]
    else:
        lines = [f"< {k // 2}: {k % 10}" if k % 2 == 0 else f">= {600 - k // 2}: {k % 10}" for k in range(bands)]
    return "steps x {\n" + "".join(f"            {line}\n" for line in lines) + "            else: 10\n        }"


def cases_body(whens: int) -> str:
    lines = [f"when x >= {whens - k}: {k % 10}" for k in range(whens)]
    return "cases {\n" + "".join(f"            {line}\n" for line in lines) + "            else: y\n        }"


BIG_X = [0.0, 1.0, 2.5, 63.0, 126.0, 127.0, 128.0, 129.0, 200.0, 254.0, 298.0, 299.5, 300.0, 470.0, 545.0, 590.0,
         1000.0, None, -5.0]


@pytest.mark.parametrize("size", [127, 128, 130, 300])
@pytest.mark.parametrize("shape", ["steps", "steps unnested", "cases"])
def test_many_bands_and_cases_score_and_explain_the_right_branch(size, shape):
    body = {"steps": steps_body(size), "steps unnested": steps_body(size, nested=False),
            "cases": cases_body(size)}[shape]
    framework = dtiscore.loads(framework_text(body))
    assert framework.program.branch_dtype == (np.int8 if size <= 127 else np.int16)
    data = {"x": BIG_X, "y": [3.0] * len(BIG_X)}
    result = assert_like_reference(framework, data)
    branches = result.branch("c")
    assert branches.dtype == framework.program.branch_dtype
    if shape == "steps":  # x >= size - k holds first at k = size - floor(x) (x >= 1)
        assert branches[BIG_X.index(200.0)] == (size - 200 if size > 200 else 0)
        assert branches[BIG_X.index(1.0)] == size - 1
        assert branches[BIG_X.index(0.0)] == size  # else
    bands = framework.ir.root.nodes[0].rule.bands if shape.startswith("steps") else None
    for i, x in enumerate(BIG_X):
        branch = int(branches[i])
        if branch < 0:
            continue
        text = str(result.explain(i))
        if result.points("c")[i] == 10.0:  # else of steps: nothing lost, nothing to explain
            assert "no points lost" in text and branch == size, (i, text)
            continue
        if bands is not None and branch < size:  # the band that gave the points, by its test
            band = bands[branch]
            assert f"band {band.op.replace('>=', '≥').replace('<=', '≤')} {band.threshold:g} →" in text, (i, text)
        elif bands is None and branch < size:
            assert f"case {branch + 1}: x >= {size - branch} →" in text, (i, text)
        else:
            assert "no case holds (else)" in text, (i, text)


def test_branch_dtype_is_the_narrowest_that_holds_every_code():
    assert kernels.code_dtype(2) == np.int8
    assert kernels.code_dtype(127) == np.int8
    assert kernels.code_dtype(128) == np.int16
    assert kernels.code_dtype(32767) == np.int16
    assert kernels.code_dtype(32768) == np.int32


# ---- nothing nests past the limit ------------------------------------------------------------


def paren_depth(source: str) -> int:
    depth = deepest = 0
    for ch in source:
        depth += ch in "([{"
        depth -= ch in ")]}"
        deepest = max(deepest, depth)
    return deepest


def test_generated_lines_nest_a_bounded_depth():
    terms = " + ".join("x" if k % 2 else "y" for k in range(190))
    framework = dtiscore.loads(framework_text(f"score min({terms}, " + ", ".join(f"x * {k}" for k in range(300)) + ")"))
    framework.score({"x": [1.0, 2.0], "y": [3.0, None]})
    source = framework.program.source
    assert paren_depth(source) <= 3 * instructions.MAX_DEPTH + 4


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("values, expected", [
    ([1e308, 1e308], False), ([-1.7e308, -1.7e308, 5.0], False), ([math.inf, -math.inf], False),
    ([1e308, math.nan, 1e308], True), ([], False),
])
def test_looking_for_a_missing_value_warns_of_nothing(values, expected):
    """Values near the float range (constants and data alike) are values of the language: the
    search for a missing one must not overflow into a RuntimeWarning, nor mistake inf - inf."""
    assert kernels.has_nan(np.array(values, dtype=float)) is expected

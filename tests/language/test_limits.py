"""Limits: whatever `check` accepts, scoring never crashes. Long flat shapes are checked, scored
by the reference interpreter and scored end to end (the compiler generates flat code). Deeper
nesting, huge or tiny maxima and round digits past the float range are clear check errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.language import ir
from dtiscore.language.check_rules import RuleChecker
from dtiscore.language.reference import Reference

def framework(body: str, declarations: str = "input x number\n    input b bool", top: float = 10) -> str:
    return f'framework f "F" {{\n    max {top:g}\n    {declarations}\n    criterion c "C" max {top:g} {{ {body} }}\n}}'


def reference_points(fw, row: dict) -> float:
    names = {spec.name for spec in fw.ir.inputs}
    return Reference(fw.ir, [{k: v for k, v in row.items() if k in names}]).unit(0).points["c"]


def refused(text: str) -> list[tuple[str, str]]:
    with pytest.raises(dtiscore.CheckError) as caught:
        dtiscore.loads(text)
    return [(d.code, d.message) for d in caught.value.diagnostics]


# ---- long flat shapes: checked, and scored by the reference -----------------------------------

SHAPES = {
    # name: (clause, declarations, row, points by hand)
    "+ chain of 200 terms": ("score " + " + ".join(["x"] * 200), None, {"x": 0.03}, 6.0),
    "min of 500 arguments": ("score min(" + ", ".join(["x"] * 499) + ", 4)", None, {"x": 7.0}, 4.0),
    "and chain of 200 terms": ("award when " + " and ".join(["b"] * 200), None, {"b": 1.0}, 10.0),
    "if chain 150 deep": ("score " + "if x > 100 then 1 else " * 150 + "3", None, {"x": 5.0}, 3.0),
    "steps of 200 bands": ("steps x {" + " ".join(f">= {200 - i}: {i / 20:g}" for i in range(200)) + " else: 0 }",
                           None, {"x": 3.0}, 9.85),
    "cases of 200 whens": ("cases {" + " ".join(f"when x >= {200 - i}: {i / 20:g}" for i in range(200)) + " else: 0 }",
                           None, {"x": 3.0}, 9.85),
    "90 lets, declared last first": ("score l0", "input x number\n    " + "\n    ".join(
        [f"let l{i} = l{i + 1} + 0.05" for i in range(89)] + ["let l89 = x"]), {"x": 1.0}, 5.45),
    "1000 parentheses": ("score " + "(" * 1000 + "x" + ")" * 1000, None, {"x": 2.0}, 2.0),
}


@pytest.mark.parametrize("name", SHAPES)
def test_long_shapes_check_and_score_by_reference(name):
    clause, declarations, row, expected = SHAPES[name]
    fw = dtiscore.loads(framework(clause, declarations or "input x number\n    input b bool"))
    assert reference_points(fw, row) == pytest.approx(expected)


@pytest.mark.parametrize("name", SHAPES)
def test_long_shapes_score_end_to_end(name):
    clause, declarations, row, expected = SHAPES[name]
    fw = dtiscore.loads(framework(clause, declarations or "input x number\n    input b bool"))
    data = {spec.name: [row.get(spec.name, math.nan)] for spec in fw.ir.inputs}
    assert fw.score(data).points("c").tolist() == pytest.approx([expected])


def test_groups_nest_to_the_limit():
    text = ('framework f "F" {\n max 10\n input x number\n' + "".join(f'group g{i} "G" max 10 {{\n' for i in range(200))
            + 'criterion c "C" max 10 { score x }' + "}\n" * 200 + "}")
    fw = dtiscore.loads(text)
    assert reference_points(fw, {"x": 4.0}) == 4.0
    assert fw.score({"x": [4.0]}).points("f").tolist() == [4.0]


# ---- what is refused, and how -----------------------------------------------------------------


def test_deeper_nesting_is_a_clear_error():
    assert refused(framework("score " + "-" * 500 + "x")) == [
        ("too-deep", "this expression nests 501 levels deep; the limit is 200")]
    assert refused(framework("score " + " + ".join(["x"] * 201))) == [
        ("too-deep", "this expression nests 201 levels deep; the limit is 200")]
    assert refused(framework("score " + "abs(" * 200 + "x" + ")" * 200)) == [
        ("too-deep", "this expression nests 201 levels deep; the limit is 200")]
    dtiscore.loads(framework("score " + "abs(" * 199 + "x" + ")" * 199))


def test_lets_count_towards_the_depth():
    lets = "input x number\n    " + "\n    ".join(["let l0 = x"] + [f"let l{i} = l{i - 1} + 1" for i in range(1, 150)])
    assert refused(framework("score l149", lets)) == [
        ("too-deep", "this expression nests 202 levels deep, counting the lets it uses; the limit is 200")]


def test_deeper_groups_are_a_clear_error():
    text = ('framework f "F" {\n max 10\n input x number\n' + "".join(f'group g{i} "G" max 10 {{\n' for i in range(3000))
            + 'criterion c "C" max 10 { score x }' + "}\n" * 3000 + "}")
    assert refused(text) == [("too-deep", "groups nest 3000 levels deep here; the limit is 200")]


@pytest.mark.parametrize("digits", ["309", "-309", "16", "(0 - 400)"])
def test_round_digits_past_a_float_are_refused(digits):
    ((code, message),) = refused(framework(f"score round(x, {digits})"))
    assert code == "bad-digits" and message.startswith("round takes -15 to 15 digits (a float holds about 16), not ")


@pytest.mark.parametrize("digits, expected", [("15", 1.25), ("-15", 0.0), ("1", 1.3)])
def test_round_digits_at_the_limit(digits, expected):
    fw = dtiscore.loads(framework(f"score round(x, {digits})"))
    assert reference_points(fw, {"x": 1.25}) == expected
    assert fw.score({"x": [1.25], "b": [True]}).points("c").tolist() == [expected]


# ---- extreme magnitudes -----------------------------------------------------------------------


@pytest.mark.parametrize("top", ["1000000000000", "0.000000001", "0"])
def test_a_max_at_the_edges_scores_and_attributes_finitely(top):
    text = f"""framework f "F" {{
    max {top}
    input x share
    input skip bool
    group g "G" max {top} {{
        criterion a "A" max {top} {{ proportional x }}
        criterion z "Z" max 0 {{ score 0  exclude when skip }}
    }}
}}"""
    fw = dtiscore.loads(text)
    result = fw.score({"x": [0.25, 1.0, 0.0], "skip": [True, False, True]})
    top_value = float(top)
    assert result.points("a").tolist() == pytest.approx([top_value * 0.25, top_value, 0.0])
    lost = result.lost("a")
    assert all(math.isfinite(v) for v in lost)
    assert lost.tolist() == pytest.approx([top_value * 0.75, 0.0, top_value])
    assert (result.lost("a") + result.lost("z")).tolist() == pytest.approx(
        (top_value - result.points("f")).tolist())


@pytest.mark.parametrize("top", ["1" + "0" * 155, "1000000000001", "0." + "0" * 319 + "1", "0.0000000001"])
def test_a_max_beyond_the_scale_is_refused(top):
    text = framework("score x").replace("max 10", f"max {top}")
    errors = refused(text)
    assert errors and all(e == ("bad-max", f"max must be 0 or between 1e-09 and 1e+12 points, not {float(top):g}")
                          for e in errors)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from((">=", ">", "<=", "<")), st.integers(-3, 3).map(float)), min_size=1, max_size=8))
def test_an_unreachable_band_is_found_from_the_widest_earlier_rays(bands):
    """The earlier bands' widest ray each way decides, as probing every earlier band does."""
    *earlier, (op, threshold) = bands
    earlier = [ir.Band(o, t, 1.0) for o, t in earlier]
    test = {">=": float.__ge__, ">": float.__gt__, "<=": float.__le__, "<": float.__lt__}
    probes = [x / 2 for x in range(-10, 11)]  # every region around thresholds in -3..3
    expected = bool(earlier) and not any(test[op](x, threshold) and not any(test[b.op](x, b.threshold) for b in earlier)
                                         for x in probes)
    assert RuleChecker._unreachable(earlier, op, threshold) == expected

"""Lets read many times: a chain of lets each reading the one before twice (`let a1 = a0 +
a0`, `let a2 = a1 + a1`, ...) has 2**n paths from its end to its start. Every phase that
walks expressions (the checker's ranges, guards, shares and directions, the compiler, the
reference interpreter, explanations, gains and the analyses) looks at each let once: a
framework of 40 such links checks, scores, explains and is reference-evaluated like any
other (walking every path would not finish)."""

from __future__ import annotations

import math

import pytest

import dtiscore
from dtiscore.language import ir
from dtiscore.language.reference import Reference

LINKS = 40


def chain(start: str, link: str, name: str = "a") -> str:
    """`let a0 = start` and LINKS lets, each `link` of the one before (`{a}`, read twice)."""
    lines = [f"let {name}0 = {start}"] + [f"let {name}{i} = " + link.format(a=f"{name}{i - 1}") for i in range(1, LINKS + 1)]
    return "\n    ".join(lines)


def framework(lets: str, clause: str) -> str:
    return (f'framework f "F" {{\n    max 10\n    input x number "X"\n    input y share "Y"\n    {lets}\n'
            f'    criterion c "C" max 10 {{\n        {clause}\n    }}\n}}')


END = f"a{LINKS}"
TOP = 2.0 ** LINKS
DIAMONDS = {
    # name: (start, link, clause, rows, points by hand)
    "sum": ("x / 2", "{a} + {a}", f"linear {END} from 0 to {TOP:.0f}", [{"x": 1.0}, {"x": 3.0}], [5.0, 10.0]),
    "guarded division": ("x", "{a} + (if x > 0 then {a} / x else 0)", f"linear {END} from 0 to {2 * TOP:.0f}",
                         [{"x": 1.0}, {"x": 0.0}], [5.0, 0.0]),
    "max": ("x", "max({a}, {a} * 0.5)", f"linear {END} from 0 to 4", [{"x": 1.0}, {"x": -1.0}], [2.5, 0.0]),
    "clamp": ("x", "clamp({a}, {a} - 1, 3)", f"linear {END} from 0 to 4", [{"x": 2.0}, {"x": 9.0}], [5.0, 7.5]),
    "ratio": ("x", "ratio({a}, {a})", f"score {END} * 10", [{"x": 7.0}, {"x": 0.0}], [10.0, 0.0]),  # 0/0: missing, scored 0
    "if": ("x", "if {a} > 1 then {a} else 0 - {a}", f"linear {END} from 0 to 4", [{"x": 2.0}, {"x": -2.0}], [5.0, 5.0]),
    "and": ("x > 1", "{a} and {a}", f"award when {END}", [{"x": 2.0}, {"x": 0.0}], [10.0, 0.0]),
    "or": ("x > 1", "{a} or ({a} and y > 0.5)", f"award when {END}", [{"x": 2.0}, {"x": 0.0}], [10.0, 0.0]),
    "all": ("x > 1", "all({a}, {a}, y >= 0)", f"award when {END}", [{"x": 2.0}, {"x": 0.0}], [10.0, 0.0]),
    "count": ("x > 1", "count({a}, {a}) >= 1", f"award when {END}", [{"x": 2.0}, {"x": 0.0}], [10.0, 0.0]),
}


@pytest.mark.parametrize("name", DIAMONDS)
def test_lets_each_reading_the_one_before_twice_check_score_explain_and_evaluate(name):
    start, link, clause, rows, expected = DIAMONDS[name]
    fw = dtiscore.loads(framework(chain(start, link), clause))
    data = {"x": [r["x"] for r in rows], "y": [r.get("y", 0.0) for r in rows]}
    result = fw.score(data)
    assert result.points("c").tolist() == pytest.approx(expected, nan_ok=True)
    reference = Reference(fw.ir, [{"x": r["x"], "y": r.get("y", 0.0)} for r in rows])
    assert [reference.unit(i).points["c"] for i in range(len(rows))] == pytest.approx(expected, nan_ok=True)
    for unit in range(len(rows)):
        explanation = result.explain(unit)
        (crit,) = explanation.to_dict()["criteria"]
        assert str(explanation) and crit["points"] == pytest.approx(expected[unit], nan_ok=True)
        assert crit["reason"]["text"].endswith(f"{crit['points']:g} of 10 points")
        lost = crit["status"] == "scored" and crit["points"] < 10  # a missing value gains nothing
        assert [g.criterion for g in result.gains(unit)] == (["c"] if lost else [])


def test_a_condition_needed_twice_is_one_need():
    """`b1 = b0 and b0`: making b40 true needs x > 1 once, not 2**40 times."""
    fw = dtiscore.loads(framework(chain("x > 1", "{a} and {a}"), f"award when {END}"))
    (gain,) = fw.score({"x": [0.0], "y": [0.0]}).gains(0)
    assert [(n["input"], n["op"], n["value"]) for n in gain.next.params["needs"]] == [("x", ">", 1.0)]


def test_a_division_reached_unguarded_on_one_path_of_many_is_warned():
    """The guards differ from path to path: `1 / x` read bare by one path is unguarded, read
    under `if x > 0` by every path it is not."""
    one_path = framework(chain("1 / x", "{a} + (if x > 0 then {a} else 0)"), f"linear {END} from 0 to {2 * TOP:.0f}")
    every_path = framework(chain("1 / x", "if x > 0 then {a} + {a} else 0"), f"linear {END} from 0 to {2 * TOP:.0f}")
    assert [w.code for w in dtiscore.loads(one_path).warnings].count("unguarded-ratio") == 1
    assert "unguarded-ratio" not in [w.code for w in dtiscore.loads(every_path).warnings]
    assert dtiscore.loads(one_path).score({"x": [1.0], "y": [0.0]}).points("c").tolist() == [5.0]


def test_a_doubling_chain_of_a_param_is_varied_by_sensitivity():
    """Sensitivity checks the framework again with the param as a column and compares the
    two (ir.same: each pair of parts once); copies of it find the criteria reading it."""
    text = framework(chain("x * p", "{a} + {a}"), f"linear {END} from 0 to {TOP:.0f}").replace(
        'input y share "Y"', 'input y share "Y"\n    param p = 0.5 "P"')
    result = dtiscore.loads(text).score({"x": [1.0, 2.0, 3.0], "y": [0.0] * 3})
    assert result.total.tolist() == [5.0, 10.0, 10.0]
    ranks = dtiscore.sensitivity(result, {"p": (0.25, 0.75)}, samples=20)
    # points 10·x·p up to 10: u1 last whatever p, u3 first, u2 tied first from p = 0.5
    assert ranks.rank_low.tolist() == [3, 1, 1] and ranks.rank_high.tolist() == [3, 2, 1]


def test_walk_gives_each_node_once():
    fw = dtiscore.loads(framework(chain("x / 2", "{a} + {a}"), f"linear {END} from 0 to {TOP:.0f}"))
    nodes = list(ir.walk(fw.ir.lets[-1]))
    assert len(nodes) == len({id(n) for n in nodes}) == 2 * (LINKS + 1) + 2  # a let and its op a link; x, 2


def test_same_compares_copies_of_shared_lets_by_value():
    text = framework(chain("x / 2", "{a} + {a}"), f"linear {END} from 0 to {TOP:.0f}")
    first, second = dtiscore.loads(text).ir, dtiscore.loads(text + " ").ir
    assert first.lets[-1] is not second.lets[-1]
    assert ir.same(first.lets, second.lets) and ir.same(first.root, second.root)
    other = dtiscore.loads(text.replace("x / 2", "x / 3")).ir
    assert not ir.same(first.lets, other.lets)
    assert not ir.same((ir.Const(1.0),), (ir.Const(1.0), ir.Const(1.0)))
    assert ir.same(ir.Const(float("inf")), ir.Const(float("inf"))) and not ir.same(ir.Const(1.0), ir.Const(2.0))

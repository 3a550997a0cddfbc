"""`better higher|lower`: what the checker proves, what it reports as going the wrong way,
and where it says it cannot tell; and, on generated frameworks, that whatever it proves
holds when an input is moved the better way."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.language import ir, monotone
from dtiscore.testing import frameworks, inputs
from dtiscore.testing.invariants import Invariants

INPUTS = """
    input x     share  better higher
    input n     count  better higher
    input late  count  better lower
    input flag  bool   better higher
    input d     count
    input y     number
"""


def codes(clause: str) -> list[str]:
    """The monotonicity warning codes for one criterion scored by `clause`."""
    text = f"framework t \"T\" {{\n    max 10\n{INPUTS}\n    criterion c \"C\" max 10 {{ {clause} }}\n}}"
    framework = dtiscore.loads(text)
    return [w.code for w in framework.warnings if w.code.startswith("monotonicity")]


@pytest.mark.parametrize("clause", [
    "score 10 * x",
    "score min(2 * n, 10)",
    "score 10 - late",
    "score 10 * x + min(n, 5) - late",
    "linear x from 50% to 90%",
    "linear late from 10 to 0",
    "deduct 2 per late",
    "award when x >= 50% and flag",
    "award when not (x < 50%)",
    "award when count(flag, x > 0.5) >= 1",
    "score if flag then 10 else 5",
    "score if x >= 0.5 then 10 else 10 * x",
    "steps x { >= 90%: 10  >= 50%: 6  else: 0 }",
    "steps late { <= 0: 10  <= 2: 5  else: 0 }",
    "cases { when x >= 0.9: 10  when x >= 0.5: 5  else: 0 }",
    "cases { when late > 5: 0  when late > 2: 5  else: 10 }",
    "cases { when x >= 0.9: 7  when x >= 0.5: 7  else: 7 }",
    "proportional n target max(best(n), 1)",
    "proportional n target best(n)",
    "proportional ratio(n, d) target 50%\n exclude when d == 0",
    "score round(10 * x, 1)",
    "score clamp(n, 0, 10)",
    "score 10 * y",                              # reads no declared input
])
def test_proved(clause):
    assert codes(clause) == []


@pytest.mark.parametrize("clause", [
    "score 10 - n",
    "score 10 * late",
    "linear x from 90% to 50%",
    "deduct 2 per n",
    "award when x < 50%",
    "score if flag then 5 else 10",
    "steps x { < 50%: 0  < 90%: 10  else: 6 }",
    "score 10 - 10 * x",
    "score 10 / max(n, 1)",
])
def test_proved_wrong(clause):
    assert codes(clause) == ["monotonicity"]


@pytest.mark.parametrize("clause", [
    "cases { when x >= 0.9: 2  when x >= 0.5: 5  else: 0 }",
    "score 10 * x * y",
    "score abs(10 * x - 5)",
    "score x * 10 - x * x",
    "proportional n target max(best(n), n)",
    "proportional n target mean(n)",
    "award when x == 50%",
])
def test_unproven(clause):
    assert codes(clause) == ["monotonicity-unproven"]


def test_the_warning_says_where_the_bands_fall():
    text = f"framework t \"T\" {{\n    max 10\n{INPUTS}\n    criterion c \"C\" max 10 {{ steps x {{ > 50%: 10  < 50%: 5  else: 0 }} }}\n}}"
    (warning,) = [w for w in dtiscore.loads(text).warnings if w.code == "monotonicity"]
    assert warning.message == ("'c' gives fewer points as 'x' rises, though 'x' is declared 'better higher': "
                               "its bands give 5 points just below 0.5 but 0 at 0.5")
    assert (warning.span.line, warning.span.column) == (11, 15)  # the criterion's name


def test_bands_outside_the_inputs_range_do_not_count():
    # x never exceeds 1: the band that falls above 1.5 is never reached
    text = f"framework t \"T\" {{\n    max 10\n    input r number in 0..1 better higher\n    criterion c \"C\" max 10 {{ steps r {{ >= 1.5: 0  >= 50%: 10  else: 0 }} }}\n}}"
    assert [w.code for w in dtiscore.loads(text).warnings] == []


def test_better_lower_reads_the_other_way():
    assert codes("score 10 - 2 * late") == []
    assert codes("score min(late, 10)") == ["monotonicity"]


# ---- what is proved holds -----------------------------------------------------------------


def _proved(framework) -> set[tuple[str, str]]:
    """(criterion, input) pairs the checker proves, for each declared input a criterion reads."""
    doubtful = {(f.criterion.id, f.input.name) for f in monotone.findings(framework.ir)}
    return {(crit.id, spec.name) for crit in framework.ir.criteria() for spec in framework.ir.inputs
            if spec.better and spec.name in ir.columns_used(*ir.rule_exprs(crit.rule))
            and (crit.id, spec.name) not in doubtful}


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_what_the_checker_proves_holds_on_generated_frameworks(data):
    framework = dtiscore.loads(data.draw(frameworks()))
    if _proved(framework):
        _assert_proved_holds(framework, data.draw(inputs(framework, max_units=5)))


def test_a_target_that_crosses_zero_is_not_proved():
    # 0.5 / t jumps from -∞ to +∞ where t crosses zero: full points at t = 5e-324, none at t = -1
    framework = dtiscore.loads("""framework t "T" {
    max 10
    input x0 number in -1..132 better lower
    criterion c "C" max 10 { proportional 0.5 target min(x0, x0, x0) }
}""")
    assert framework.score({"x0": [5e-324, -1.0]}, ["a", "b"]).points("c").tolist() == [10, 0]
    assert codes_of(framework) == ["monotonicity-unproven"]
    _assert_proved_holds(framework, {"x0": [5e-324, 2.0, -0.5]})


@pytest.mark.parametrize("clause, proved", [
    ("proportional 10 target t", True),        # t in 0..132: 1 / t falls on one side of zero
    ("proportional 10 target t - 200", True),  # t - 200 in -200..-68: the other side
    ("proportional 10 target t - 1", False),   # t - 1 in -1..131: crosses zero
    ("score 10 / (t - 1)", False),
])
def test_a_quotient_follows_its_denominator_only_on_one_side_of_zero(clause, proved):
    framework = dtiscore.loads(f"""framework f "F" {{
    max 10
    input t number in 0..132 better lower
    criterion c "C" max 10 {{ {clause}  on_missing zero }}
}}""")
    assert codes_of(framework) == ([] if proved else ["monotonicity-unproven"])
    _assert_proved_holds(framework, {"t": [0.5, 1.0, 1.5, 100.0, 132.0]})


def codes_of(framework) -> list[str]:
    return [w.code for w in framework.warnings if w.code.startswith("monotonicity")]


def _assert_proved_holds(framework, values) -> None:
    """Every (criterion, input) the checker proves: moving the input the better way (a step,
    and to the far end of its range) from each unit's value never takes points away."""
    proved = _proved(framework)
    units = [f"u{i + 1}" for i in range(len(next(iter(values.values()))))]
    try:
        before = framework.score(values, units)
    except dtiscore.DtiError:
        return  # on_missing error
    checks = Invariants(framework)
    rows = [before.input_row(i) for i in range(len(units))]
    for crit_id, name in sorted(proved):
        spec = next(s for s in framework.ir.inputs if s.name == name)
        for i, row in enumerate(rows):
            for far in (False, True):
                value = checks._better_value(spec, row, far)
                if value is None:
                    continue
                moved = [{name: value} if k == i else {} for k in range(len(rows))]
                after = checks._score_moved(values, units, rows, moved, [i], [spec])
                if before.status(crit_id)[i] == after.status(crit_id)[i] == "scored":
                    old, new = before.points(crit_id)[i], after.points(crit_id)[i]
                    assert new >= old - 1e-9 or math.isclose(new, old), (
                        f"'{crit_id}' proved to follow '{name}' (better {spec.better}), but moving it "
                        f"from {row[name]} to {value} takes it from {old} to {new}")


def test_a_clamp_whose_high_end_can_fall_below_its_low_end():
    """clamp(x, lo, hi) is min(max(x, lo), hi): where hi < lo it is hi, so its range reaches
    down to hi's. Reproducer from the generators: the checker proved these bands follow `n`
    (better lower), but n from 2470 to 0 took the points from 11.25 to 0."""
    framework = dtiscore.loads("""framework f "F" {
    max 15
    input s share
    input n count better lower
    criterion c "C" max 15 {
        steps (-clamp(s, 78, n)) {
            > -12.75: 0
            else: 11.25
        }
    }
}""")
    assert ("c", "n") not in _proved(framework)
    points = framework.score({"s": [0.5, 0.5], "n": [2470, 0]}).points("c").tolist()
    assert points == [11.25, 0.0]  # lower n, fewer points: the proof would have been wrong

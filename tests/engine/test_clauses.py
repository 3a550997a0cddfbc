"""Every scoring clause and every kind of expression, on hand-computed examples.

Each expected number is worked out from LANGUAGE.md (and /tmp/brief/decisions.md where the
spec is silent); the working is in the comment beside it.
"""

import math

import numpy as np
import pytest

import dtiscore

NAN = float("nan")


def framework(clauses, inputs="input x number", top=10, extra="", params=None):
    """A framework whose only node is criterion `c` (max `top`) with the given clauses."""
    text = f"""framework t "T" {{
        max {top}
        {inputs}
        {extra}
        criterion c "C" max {top} {{
            {clauses}
        }}
    }}"""
    return dtiscore.loads(text, params=params)


def score(clauses, inputs="input x number", top=10, extra="", params=None, **columns):
    """The result of scoring `columns` with a one-criterion framework."""
    return framework(clauses, inputs, top, extra, params).score(columns)


def points(clauses, inputs="input x number", top=10, extra="", params=None, **columns):
    return list(score(clauses, inputs, top, extra, params, **columns).points("c"))


OFFSET = 500


def value(expr, inputs="input x number", **columns):
    """The value of a numeric expression per unit: scored as `OFFSET + (expr)` with max
    1000, so values in [-500, 500] pass the clamp unchanged."""
    got = points(f"score {OFFSET} + ({expr})", inputs, 1000, **columns)
    return [p - OFFSET for p in got]


def holds(cond, inputs="input x number", **columns):
    """Whether a condition holds per unit (through `award when`)."""
    return [p == 10 for p in points(f"award when {cond}", inputs, 10, **columns)]


# ---------------------------------------------------------------- score


def test_score_clamps_both_ends():
    # max 10: -5 → 0, 0 → 0, 3.5 → 3.5, 10 → 10, 12 → 10
    result = score("score x", x=[-5, 0, 3.5, 10, 12])
    assert list(result.points("c")) == [0, 0, 3.5, 10, 10]
    assert list(result.status("c")) == ["scored"] * 5
    # branch: 1 at full points, 2 at zero points, 0 between
    assert list(result.branch("c")) == [2, 2, 0, 1, 1]


# ---------------------------------------------------------------- award


def test_award_gives_max_or_nothing():
    result = score("award when flag", inputs="input flag bool", top=25, flag=[True, False])
    assert list(result.points("c")) == [25, 0]
    assert list(result.branch("c")) == [1, 0]  # 1 met, 0 not


# ---------------------------------------------------------------- proportional


def test_proportional_without_target_uses_one():
    # max 10 × clamp(s / 1, 0, 1): 0 → 0, 25% → 2.5, 100% → 10
    assert points("proportional s", inputs="input s share", s=[0, 0.25, 1]) == [0, 2.5, 10]


def test_proportional_with_target_and_above_target():
    # 10 × clamp(s / 0.5, 0, 1): 20% → 4, 50% → 10, 80% → 10 (above target: full points)
    result = score("proportional s target 50%", inputs="input s share", s=[0.2, 0.5, 0.8])
    assert list(result.points("c")) == pytest.approx([4, 10, 10])
    assert list(result.branch("c")) == [0, 1, 1]


def test_proportional_target_is_a_param_and_can_be_overridden():
    clauses = "proportional s target goal"
    inputs = "input s share"
    extra = "param goal = 40%"
    # 10 × 0.3 / 0.4 = 7.5
    assert points(clauses, inputs, extra=extra, s=[0.3]) == pytest.approx([7.5])
    # overridden at load time: 10 × 0.3 / 0.6 = 5
    assert points(clauses, inputs, extra=extra, params={"goal": 0.6}, s=[0.3]) == pytest.approx([5])


def test_proportional_of_ratio_by_zero_is_missing():
    # ratio(3, 4) = 0.75 → 7.5; ratio(1, 0) is undefined → missing, 0 points (on_missing zero)
    result = score("proportional ratio(a, b)", inputs="input a count\ninput b count", a=[1, 3], b=[0, 4])
    assert list(result.status("c")) == ["missing", "scored"]
    assert list(result.points("c")) == pytest.approx([0, 7.5])
    assert result.branch("c")[0] == -1  # not scored


# ---------------------------------------------------------------- linear


def test_linear_increasing():
    # 0 at 50%, 150 at 90%: 30% → 0 (flat below), 50% → 0, 60% → 150 × 0.1/0.4 = 37.5,
    # 90% → 150, 95% → 150 (flat above)
    result = score("linear s from 50% to 90%", inputs="input s share", top=150,
                   s=[0.3, 0.5, 0.6, 0.9, 0.95])
    assert list(result.points("c")) == pytest.approx([0, 0, 37.5, 150, 150])
    assert list(result.branch("c")) == [2, 2, 0, 1, 1]


def test_linear_decreasing_lower_is_better():
    # 0 at 30 days, 20 at 10 days: 40 → 0, 30 → 0, 25 → 20 × (25−30)/(10−30) = 5,
    # 10 → 20, 5 → 20
    result = score("linear days from 30 to 10", inputs="input days number", top=20,
                   days=[40, 30, 25, 10, 5])
    assert list(result.points("c")) == pytest.approx([0, 0, 5, 20, 20])
    assert list(result.branch("c")) == [2, 2, 0, 1, 1]


def test_linear_limits_may_be_params():
    extra = "param low = 2\nparam high = 6"
    # 10 × (5 − 2)/(6 − 2) = 7.5
    assert points("linear x from low to high", extra=extra, x=[5]) == pytest.approx([7.5])
    # low overridden to 4: 10 × (5 − 4)/(6 − 4) = 5
    assert points("linear x from low to high", extra=extra, params={"low": 4}, x=[5]) == pytest.approx([5])


# ---------------------------------------------------------------- steps

STEPS_UP = """steps x {
    >= 90: 10
    > 50: 6
    >= 20: 3
    else: 1
}"""


def test_steps_on_and_just_below_every_threshold():
    xs = [90, 89.99, 50.01, 50, 20, 19.99, 100, 0]
    # 90 → band >= 90 (10); 89.99 → > 50 (6); 50.01 → > 50 (6); 50 is not > 50 → >= 20 (3);
    # 20 → >= 20 (3); 19.99 → else (1); 100 → 10; 0 → else (1)
    result = score(STEPS_UP, x=xs)
    assert list(result.points("c")) == [10, 6, 6, 3, 3, 1, 10, 1]
    # branch = band index; else = number of bands (3)
    assert list(result.branch("c")) == [0, 1, 1, 2, 2, 3, 0, 3]


STEPS_DOWN = """steps days {
    <= 5: 10
    < 10: 5
    else: 0
}"""


def test_steps_lower_is_better_with_le_and_lt():
    # 0 → <= 5 (10); 5 → <= 5 (10); 5.5 → < 10 (5); 9.99 → < 10 (5); 10 is not < 10 → else (0)
    result = score(STEPS_DOWN, inputs="input days number", days=[0, 5, 5.5, 9.99, 10, 30])
    assert list(result.points("c")) == [10, 10, 5, 5, 0, 0]
    assert list(result.branch("c")) == [0, 0, 1, 1, 2, 2]


def test_steps_percent_thresholds_on_a_ratio():
    clauses = """steps ratio(signed, docs) {
        >= 97%: 200
        >= 90%: 140
        >= 50%: 60
        else:   0
    }"""
    inputs = "input docs count\ninput signed count <= docs"
    # 97/100 = 97% → 200; 96/100 → 140; 90/100 → 140; 218/1000 = 21.8% → 0; 500/1000 → 60
    got = points(clauses, inputs, 200, docs=[100, 100, 100, 1000, 1000], signed=[97, 96, 90, 218, 500])
    assert got == [200, 140, 140, 0, 60]


def test_steps_thresholds_and_points_from_params():
    clauses = """steps s {
        >= hi: hi_points
        else: 2
    }"""
    extra = "param hi = 80%\nparam hi_points = 8"
    # 80% is on the threshold → 8; 79% → else 2
    assert points(clauses, "input s share", extra=extra, s=[0.8, 0.79]) == [8, 2]
    # hi overridden to 50%: 60% → 8; hi_points overridden to 9
    assert points(clauses, "input s share", extra=extra, params={"hi": 0.5, "hi_points": 9},
                  s=[0.6, 0.4]) == [9, 2]


# ---------------------------------------------------------------- deduct


def test_deduct_floored_at_zero():
    # 150 − 30 × n: 0 → 150, 1 → 120, 4 → 30, 5 → 0, 6 → −30 floored to 0
    result = score("deduct 30 per late", inputs="input late count", top=150, late=[0, 1, 4, 5, 6])
    assert list(result.points("c")) == [150, 120, 30, 0, 0]
    assert list(result.branch("c")) == [1, 0, 0, 2, 2]


def test_deduct_fractional_amount():
    # 10 − 2.5 × 3 = 2.5
    assert points("deduct 2.5 per late", inputs="input late count", late=[3]) == [2.5]


# ---------------------------------------------------------------- cases

CASES = """cases {
    when x >= 10: 7
    when x >= 5: x * 2 - 5
    else: 1
}"""


def test_cases_first_match_wins_and_points_are_clamped():
    # 12 → first when (7), though the second would give 19; 5 → 2×5−5 = 5;
    # 9 → 2×9−5 = 13, clamped to max 10; 0 → else 1
    result = score(CASES, x=[12, 5, 9, 0])
    assert list(result.points("c")) == [7, 5, 10, 1]
    assert list(result.branch("c")) == [0, 1, 1, 2]


def test_cases_expression_clamped_at_zero():
    clauses = """cases {
        when x > 100: 10
        else: x - 3
    }"""
    # 1 − 3 = −2 → 0; 7 − 3 = 4
    assert points(clauses, x=[1, 7]) == [0, 4]


# ---------------------------------------------------------------- expressions


def test_multiplication_binds_tighter_than_addition():
    # x + 2 * 3 with x = 1 → 1 + 6 = 7 (not 9)
    assert value("x + 2 * 3", x=[1]) == [7]
    assert value("(x + 2) * 3", x=[1]) == [9]


def test_left_associative_minus_and_divide():
    # 10 - x - 2 = (10 − 3) − 2 = 5 (not 10 − (3 − 2) = 9)
    assert value("10 - x - 2", x=[3]) == [5]
    # x / 2 * 4 = (4 / 2) × 4 = 8 (not 4 / 8)
    assert value("x / 2 * 4", x=[4]) == [8]


def test_unary_minus_binds_tightest():
    # -x + 10 = (−3) + 10 = 7 (not −(3 + 10))
    assert value("-x + 10", x=[3]) == [7]
    # - - x = x
    assert value("- - x", x=[3]) == [3]
    # -x * 2 = −6
    assert value("-x * 2", x=[3]) == [-6]


def test_not_binds_looser_than_comparison():
    inputs = "input a number\ninput b number"
    # not a == b means not (a == b)
    assert holds("not a == b", inputs, a=[1, 1], b=[1, 2]) == [False, True]


def test_and_binds_tighter_than_or():
    inputs = "input p bool\ninput q bool\ninput r bool"
    # p or (q and r): T,F,F → true (with (p or q) and r it would be false); F,T,F → false
    assert holds("p or q and r", inputs, p=[True, False, False], q=[False, True, True],
                 r=[False, False, True]) == [True, False, True]


def test_comparison_binds_looser_than_arithmetic():
    # x + 1 > 2 * 2 → (x + 1) > 4: 3 → false (4 > 4), 4 → true
    assert holds("x + 1 > 2 * 2", x=[3, 4]) == [False, True]


def test_if_then_else():
    # x > 5: 8, otherwise 2
    assert value("if x > 5 then 8 else 2", x=[6, 5]) == [8, 2]


def test_if_else_branch_extends_right():
    # if x > 5 then 1 else 2 + 3 = if x > 5 then 1 else (2 + 3)
    assert value("if x > 5 then 1 else 2 + 3", x=[0, 6]) == [5, 1]


def test_if_guards_a_ratio_by_zero():
    inputs = "input n count\ninput d count"
    # d = 0 → 0 instead of undefined; 1/4 → 0.25 × 8 = 2
    result = score("score 8 * (if d > 0 then ratio(n, d) else 0)", inputs, n=[1, 1], d=[0, 4])
    assert list(result.status("c")) == ["scored", "scored"]
    assert list(result.points("c")) == [0, 2]


def test_min_max():
    # min(x, 4) = 4, max(x, 7) = 7 for x = 5; with several args: min(x, 3, 9) = 3, max(x, 3, 9) = 9
    assert value("min(x, 4)", x=[5, 2]) == [4, 2]
    assert value("max(x, 7)", x=[5, 9]) == [7, 9]
    assert value("min(x, 3, 9) + max(x, 3, 9)", x=[5]) == [3 + 9]


def test_clamp_abs():
    # clamp(x, 2, 6): 1 → 2, 4 → 4, 9 → 6
    assert value("clamp(x, 2, 6)", x=[1, 4, 9]) == [2, 4, 6]
    # abs: −3 → 3, 3 → 3
    assert value("abs(x)", x=[-3, 3]) == [3, 3]


def test_round_half_away_from_zero():
    # round(2.5, 0) = 3, round(-2.5, 0) = −3, round(0.5, 0) = 1, round(2.4, 0) = 2,
    # round(-2.4, 0) = −2
    assert value("round(x, 0)", x=[2.5, -2.5, 0.5, 2.4, -2.4]) == [3, -3, 1, 2, -2]
    # one digit: 1.25 → 1.3, −1.25 → −1.3 (1.25 is exact in binary, so it is a true half)
    assert value("round(x, 1)", x=[1.25, -1.25]) == pytest.approx([1.3, -1.3])


def test_count_all_any():
    inputs = "input p bool\ninput q bool\ninput r bool"
    cols = dict(p=[True, True, False], q=[False, True, False], r=[True, True, False])
    # count: T,F,T → 2; T,T,T → 3; F,F,F → 0
    assert value("count(p, q, r)", inputs, **cols) == [2, 3, 0]
    assert holds("all(p, q, r)", inputs, **cols) == [False, True, False]
    assert holds("any(p, q, r)", inputs, **cols) == [True, True, False]


def test_choice_comparisons():
    inputs = "input role choice(chair, deputy, member)"
    roles = ["chair", "deputy", "member"]
    assert holds("role == deputy", inputs, role=roles) == [False, True, False]
    assert holds("role != chair", inputs, role=roles) == [False, True, True]


def test_percents():
    # x × 50%: 8 → 4; x × 12.5%: 80 → 10
    assert value("x * 50%", x=[8]) == [4]
    assert value("x * 12.5%", x=[80]) == [10]
    # 82% as a share compares equal to 0.82
    assert holds("s >= 82%", "input s share", s=[0.82, 0.8199]) == [True, False]


def test_lets_are_shared_names():
    extra = "let double = x * 2"
    # x = 3 → double = 6 → 6 + 1 = 7
    assert points("score double + 1", extra=extra, x=[3]) == [7]


# ---------------------------------------------------------------- population functions

POP = dict(x=[2, 8, NAN, 5])  # the missing value is ignored: values 2, 8, 5


def test_best_worst_mean_ignore_missing():
    # best 8, worst 2, mean (2 + 8 + 5)/3 = 5 (not NaN, not 15/4)
    assert value("best(x)", **POP)[0] == 8
    assert value("worst(x)", **POP)[0] == 2
    assert value("mean(x)", **POP)[0] == pytest.approx(5)
    # and the same for every unit that has x
    assert value("best(x) - x", **POP)[:2] == [6, 0]


def test_percentile_linear_interpolation():
    # sorted 2, 5, 8: p 50% → position 1 → 5; p 25% → position 0.5 → 2 + 0.5 × 3 = 3.5;
    # p 90% → position 1.8 → 5 + 0.8 × 3 = 7.4
    assert value("percentile(x, 50%)", **POP)[0] == pytest.approx(5)
    assert value("percentile(x, 25%)", **POP)[0] == pytest.approx(3.5)
    assert value("percentile(x, 90%)", **POP)[0] == pytest.approx(7.4)


def test_population_over_no_values_is_missing():
    result = score("score best(x)", x=[NAN, NAN])
    assert list(result.status("c")) == ["missing", "missing"]
    assert list(result.points("c")) == [0, 0]


def test_relative_scoring_against_the_best():
    # best = 100: 50 → 10 × 0.5 = 5, 100 → 10, 25 → 2.5
    assert points("score 10 * ratio(x, best(x))", x=[50, 100, 25]) == pytest.approx([5, 10, 2.5])


def test_relative_scoring_ignores_missing_units():
    # best over 40 and 20 (NaN ignored) = 40: 40 → 10, 20 → 5; the NaN unit is missing
    result = score("score 10 * ratio(x, best(x))", x=[40, NAN, 20])
    assert list(result.status("c")) == ["scored", "missing", "scored"]
    assert list(result.points("c")) == pytest.approx([10, 0, 5])


def test_population_functions_use_every_unit_scored_together():
    # worst over the three units is 1, mean is (1 + 2 + 6)/3 = 3: x − worst + mean
    assert value("x - worst(x) + mean(x)", x=[1, 2, 6]) == pytest.approx([3, 4, 8])


# ---------------------------------------------------------------- undefined values (Kleene logic)

RATIO_INPUTS = "input flag bool\ninput a count\ninput b count"


def test_false_and_undefined_is_false():
    # b = 0: ratio undefined; false and undefined = false → 0 points, scored;
    # true and undefined = undefined → missing
    result = score("award when flag and ratio(a, b) > 50%", RATIO_INPUTS,
                   flag=[False, True, True], a=[1, 1, 3], b=[0, 0, 4])
    assert list(result.status("c")) == ["scored", "missing", "scored"]
    assert list(result.points("c")) == [0, 0, 10]


def test_true_or_undefined_is_true():
    result = score("award when flag or ratio(a, b) > 50%", RATIO_INPUTS,
                   flag=[True, False], a=[1, 1], b=[0, 0])
    assert list(result.status("c")) == ["scored", "missing"]
    assert list(result.points("c")) == [10, 0]


def test_if_with_undefined_condition_is_undefined():
    result = score("score if ratio(a, b) > 50% then 10 else 5", RATIO_INPUTS,
                   flag=[True, True], a=[1, 1], b=[0, 1])
    assert list(result.status("c")) == ["missing", "scored"]
    assert list(result.points("c")) == [0, 10]


def test_division_by_zero_is_undefined():
    result = score("score 10 - a / b", RATIO_INPUTS, flag=[True, True], a=[4, 4], b=[0, 2])
    # 4/0 undefined → missing; 10 − 4/2 = 8
    assert list(result.status("c")) == ["missing", "scored"]
    assert list(result.points("c")) == [0, 8]


def test_cases_undefined_before_a_true_when_is_missing():
    undefined_first = """cases {
        when ratio(a, b) > 50%: 10
        when flag: 5
        else: 0
    }"""
    true_first = """cases {
        when flag: 5
        when ratio(a, b) > 50%: 10
        else: 0
    }"""
    columns = dict(flag=[True], a=[1], b=[0])
    assert list(score(undefined_first, RATIO_INPUTS, **columns).status("c")) == ["missing"]
    result = score(true_first, RATIO_INPUTS, **columns)
    assert (result.status("c")[0], result.points("c")[0]) == ("scored", 5)


def test_exclusion_wins_over_an_undefined_rule():
    # excluded units are never missing, even where the rule is undefined
    result = score("proportional ratio(a, b)\nexclude when b == 0", RATIO_INPUTS,
                   flag=[True, True], a=[0, 1], b=[0, 2])
    assert list(result.status("c")) == ["excluded", "scored"]
    assert result.points("c")[1] == 5


def test_undefined_exclusion_condition_is_missing():
    # exclude when ratio(a, b) > 50% with b = 0: cannot tell → missing
    result = score("score 10\nexclude when ratio(a, b) > 50%", RATIO_INPUTS,
                   flag=[True, True, True], a=[1, 3, 1], b=[0, 4, 4])
    assert list(result.status("c")) == ["missing", "excluded", "scored"]


def test_relative_scoring_with_best_zero_is_missing():
    # best(x) = 0: ratio(x, 0) undefined for every unit
    result = score("score 10 * ratio(x, best(x))", x=[0, 0])
    assert list(result.status("c")) == ["missing", "missing"]


def test_mean_and_percentile_over_no_values_are_missing():
    assert list(score("score mean(x)", x=[NAN]).status("c")) == ["missing"]
    assert list(score("score percentile(x, 50%)", x=[NAN]).status("c")) == ["missing"]


def test_percentile_ends_are_worst_and_best():
    # p 0 → 2 (the worst), p 100% → 8 (the best)
    assert value("percentile(x, 0%)", **POP)[0] == 2
    assert value("percentile(x, 100%)", **POP)[0] == 8


# ---------------------------------------------------------------- static type rules


def test_comparisons_do_not_chain():
    with pytest.raises(dtiscore.FrameworkError):
        framework("award when 1 < x < 3")


def test_arithmetic_on_bools_is_a_type_error():
    with pytest.raises(dtiscore.CheckError):
        framework("score flag + 1", inputs="input flag bool")


def test_and_on_numbers_is_a_type_error():
    with pytest.raises(dtiscore.CheckError):
        framework("award when x and x", inputs="input x number")


def test_steps_negative_thresholds():
    clauses = """steps x {
        >= 0: 10
        >= -5: 5
        else: 0
    }"""
    # 0 → 10; −0.5 → 5; −5 → 5 (on the threshold); −5.01 → 0
    assert points(clauses, x=[0, -0.5, -5, -5.01]) == [10, 5, 5, 0]

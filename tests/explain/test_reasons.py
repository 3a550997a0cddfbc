"""A unit's reasons made in plain floats (`Reasons.one`, what explanations use) against the
reasons made for many units at once (`Reasons.build`, what the ledger uses): the same codes,
parameters and texts, on generated frameworks and data."""

import math

import numpy as np
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.language import ir
from dtiscore.explain.explanation import _index, _rank
from dtiscore.explain.solve import Solver
from dtiscore.explain.reasons import CODES, Reasons, reason_code, reason_codes
from dtiscore.testing import frameworks, inputs
from dtiscore.explain.values import Values


def _same(a, b) -> bool:
    """Equal, NaN equal to NaN and 0.0 not equal to -0.0 (either would show in a text)."""
    if isinstance(a, float) and isinstance(b, float):
        return (a != a and b != b) or (a == b and math.copysign(1.0, a) == math.copysign(1.0, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_one_unit_in_floats_is_the_vectorised_reason(data):
    try:
        framework = dtiscore.loads(data.draw(frameworks()))
        result = framework.score(data.draw(inputs(framework)), invalid="mark")
    except dtiscore.DtiError:
        reject()
    scores, reasons = result.scores, Reasons(framework.ir)
    everyone = np.arange(len(result))
    values = Values(result, everyone)
    invalid = result.columns.invalid
    for position in range(len(result)):
        row = result.input_row(position)
        solver = Solver(framework.ir, row, scores.populations)
        bad = [name for name, mask in invalid.items() if mask[position]]
        for k, crit_id in enumerate(scores.criteria):
            crit = framework.ir_node(crit_id)
            points = scores.points[result.node_row(crit_id)]
            many = reasons.build(crit, values, scores.status[k], scores.branch[k], points, invalid)[position]
            one = reasons.one(crit, solver.value, row, int(scores.status[k, position]),
                              int(scores.branch[k, position]), points[position], bad)
            assert one.code == many.code
            assert _same(dict(one.params), dict(many.params)), (crit_id, one.params, many.params)
            for lang in ("en", "vi"):
                assert one.text(lang) == many.text(lang)


@given(st.lists(st.integers(-3, 3), min_size=1, max_size=30), st.data())
def test_reason_code_is_reason_codes(branches, data):
    framework = dtiscore.loads(data.draw(frameworks()))
    for crit in framework.ir.criteria():
        status = np.array([data.draw(st.integers(0, len(ir.STATUSES) - 1)) for _ in branches], dtype=np.int8)
        branch = np.array(branches, dtype=np.int8)
        absent = np.array([data.draw(st.booleans()) for _ in branches])
        codes = reason_codes(crit, status, branch, absent)
        for i in range(len(branches)):
            assert reason_code(crit, int(status[i]), int(branch[i]), bool(absent[i])) == CODES[codes[i]]


@given(st.lists(st.one_of(st.floats(-1e7, 1e7), st.sampled_from([0.0, -0.0, 1e-9, 5e-10, 4.9999999999e-10,
                                                                 100.0000000004, 100.0000000006, math.nan])),
                min_size=1, max_size=40))
def test_rank_and_index_of_one_unit(totals):
    class Fake:  # what _rank and _index read of a result (totals could not be NaN; still)
        pass

    result = Fake()
    result.total = np.array(totals)
    result.effective_max = np.full(len(totals), 1000.0)
    rounded = np.round(result.total, 9)
    for position in range(len(totals)):  # the rank is 1 + how many totals round above the unit's
        assert _rank(result, position) == int(np.count_nonzero(rounded > rounded[position])) + 1
        want = result.total[position] / 1000.0
        got = _index(result, position)
        assert (got != got and want != want) or got == want


def test_a_zero_is_shown_without_its_sign():
    """clamp(-1, -0.0, 0) is -0.0 for the scalar solver (Python's min keeps its first equal
    argument) and 0.0 in numpy's arrays: a reason holds 0.0 either way, so the one-unit and
    many-unit reasons agree and no text says "-0" (found by the property above)."""
    framework = dtiscore.loads('framework f "F" {\n    max 10\n    input n count\n    input s share\n'
                               '    input x number\n    criterion c "C" max 10 {\n'
                               '        score clamp(n - s, round(x, 0), 0)\n    }\n}')
    result = framework.score({"n": [0.0], "s": [1.0], "x": [-5e-324]})
    crit, (k,) = framework.ir_node("c"), [i for i, c in enumerate(result.scores.criteria) if c == "c"]
    row = result.input_row(0)
    one = Reasons(framework.ir).one(crit, Solver(framework.ir, row, result.scores.populations).value, row,
                                    int(result.scores.status[k, 0]), int(result.scores.branch[k, 0]), 0.0)
    many = Reasons(framework.ir).build(crit, Values(result, np.arange(1)), result.scores.status[k],
                                       result.scores.branch[k], result.scores.points[result.node_row("c")], {})[0]
    assert one.params["value"] == many.params["value"] == 0.0
    assert math.copysign(1.0, one.params["value"]) == math.copysign(1.0, many.params["value"]) == 1.0

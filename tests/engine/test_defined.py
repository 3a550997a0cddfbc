"""Which rules the compiler proves to give points wherever every input has a value
(`rules.defined_when_complete`): on a block with no missing value, the evaluator then does
not look for undefined points. Each case is proven, or not, for the reason its comment says;
the differential tests check that a proven rule never gives NaN on complete data."""

from __future__ import annotations

import numpy as np
import pytest

import dtiscore

HEAD = """framework f "F" {
    max 10
    input x number "X"
    input a count "A"
    input b count "B"
    criterion c "C" max 10 {
        %s
    }
}
"""

CASES = [
    ("score x", True),  # an input with a value is finite
    ("score x * 3", True),  # finite ⊕ finite: a number or ±inf, never NaN
    ("score x * 3 - a * 2", False),  # each side may overflow: inf - inf is NaN (not proven)
    ("proportional ratio(a, b) target 50%", False),  # b = 0: undefined
    ("proportional a target 50%", True),  # by a constant other than 0
    ("proportional a target max(best(a), 1)", False),  # a population function: not proven
    ("linear x from 2 to 6", True),
    ("linear x from a to 6", False),  # limits that vary by unit: not proven
    ("steps x {\n >= 8: 10\n else: 0\n }", True),
    ("award when x >= 5 and a > b", True),  # comparisons of values: 0 or 1
    ("award when a / b > 1", False),
    ("deduct 2 per a", True),
    ("cases {\n when x > 1: 10\n when a > 2: x * 2\n else: 0\n }", True),
    ("cases {\n when x > 1: 10\n else: ratio(a, b)\n }", False),
    ("score round(x, 1)", False),  # rounding is not in the proof
]


@pytest.mark.parametrize("rule, proven", CASES)
def test_rules_proven_defined_on_complete_data(rule, proven):
    program = dtiscore.loads(HEAD % rule).program
    assert program.slots["c"].defined_when_complete is proven


def test_a_proven_rule_still_scores_missing_values_as_missing():
    """The proof covers blocks with no missing value only: a unit without x is missing."""
    result = dtiscore.loads((HEAD % "score x").replace("max 10\n    input", "max 10\n    on_missing zero\n    input")).score(
        {"x": [3.0, np.nan], "a": [1, 1], "b": [1, 1]})
    assert list(result.status("c")) == ["scored", "missing"]
    assert result.points("c").tolist() == [3.0, 0.0]


@pytest.mark.parametrize("links", [1, 2, 40])
def test_lets_read_twice_are_proven_once(links):
    """A let read by two parents (here each let reads the one before twice) is one node of
    the proof: taken once, after what it reads (in a walk that visits it once, the second
    parent came before it and found no fact)."""
    chain = "\n    ".join(["let m0 = x"] + [f"let m{i} = max(m{i - 1}, -m{i - 1})" for i in range(1, links + 1)])
    text = (HEAD % f"score m{links}").replace('input b count "B"', f'input b count "B"\n    {chain}')
    program = dtiscore.loads(text).program
    assert program.slots["c"].defined_when_complete is True
    result = dtiscore.loads(text).score({"x": [1.5], "a": [1], "b": [1]})
    assert result.points("c").tolist() == [1.5]  # |x| however many links

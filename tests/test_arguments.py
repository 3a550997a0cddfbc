"""Every public function, each argument given values it does not take: the error is a
TypeError (a wrong type) or a DtiError (a wrong value: `ArgumentError`, also a ValueError)
that names the argument and what it takes, never an exception from deep inside."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dtiscore
from dtiscore.errors import ArgumentError

TEXT = """framework f "F" {
    max 10
    param t = 0.5
    input x share
    input e bool
    group g "G" max 10 tags pillar: gov {
        criterion a "A" max 5 { linear x from 0 to t }
        criterion b "B" max 5 { award when e  evidence e }
    }
}"""
FRAMEWORK = dtiscore.loads(TEXT)
DATA = {"x": [0.1, 0.9, None], "e": [True, False, True]}
RESULT = FRAMEWORK.score(DATA, units=["u1", "u2", "u3"])

# name: (function, the arguments it takes, as keyword → a value that works)
CALLS = {
    "loads": (dtiscore.loads, dict(text=TEXT, params=None, filename="<s>")),
    "load": (dtiscore.load, dict(path="frameworks/vn-dti-district.dti", params=None)),
    "score": (FRAMEWORK.score, dict(data=DATA, units=None, invalid="raise", threads=None)),
    "score_batches": (lambda *a: list(FRAMEWORK.score_batches(*a)), dict(batches=[DATA], invalid="raise", threads=None)),
    "node": (FRAMEWORK.node, dict(node_id="a")),
    "path": (FRAMEWORK.path, dict(node_id="a")),
    "carriers": (FRAMEWORK.carriers, dict(tag_key="pillar")),
    "points": (RESULT.points, dict(node="a")),
    "lost": (RESULT.lost, dict(node="a")),
    "status": (RESULT.status, dict(node="a")),
    "branch": (RESULT.branch, dict(node="a")),
    "rank": (RESULT.rank, dict(by=None)),
    "view": (RESULT.view, dict(tag="pillar")),
    "explain": (RESULT.explain, dict(unit="u1", lang=None)),
    "table": (RESULT.table, dict(groups=True)),
    "to_pandas": (RESULT.to_pandas, dict(nodes=False)),
    "deductions": (RESULT.deductions, dict(lang=None, every=False)),
    "gains": (RESULT.gains, dict(unit="u1", k=10)),
    "plan": (RESULT.plan, dict(unit="u1", target_total=8)),
    "rollup": (RESULT.rollup, dict(mapping={"u1": "p", "u2": "p", "u3": "q"}, how="mean", weights=None)),
    "position": (RESULT.position, dict(unit="u1")),
    "input_row": (RESULT.input_row, dict(position=0)),
    "compare": (dtiscore.compare, dict(before=RESULT, after=RESULT, labels=("before", "after"))),
    "sustainability": (dtiscore.sustainability, dict(results=[RESULT, RESULT], threshold=1.0)),
    "diff": (dtiscore.diff, dict(old=FRAMEWORK, new=FRAMEWORK, data=None, units=None)),
    "sensitivity": (dtiscore.sensitivity, dict(result=RESULT, vary={"t": (0.2, 0.8)}, samples=20, seed=0,
                                               weights=None, threads=None)),
    "robustness": (dtiscore.robustness, dict(result=RESULT, k=1, threads=None)),
}
# 0 and 1 are left out as values: load(1) would read (and close) standard output, were it taken
HOSTILE = ["bogus", "", -1, 1.5, 10**400, math.nan, math.inf, None, [], {}, object(), b"raw", True,
           np.int8(3), np.float32(2.5), ("t", 1), [1, 2], {"t": 1}, -0.0, 2**63, 1e308, complex(1, 1)]


@pytest.mark.parametrize("name", CALLS)
def test_hostile_arguments_raise_a_dti_error_or_a_type_error(name):
    function, good = CALLS[name]
    function(*good.values())
    for argument in good:
        for value in HOSTILE:
            try:
                function(*dict(good, **{argument: value}).values())
            except (dtiscore.DtiError, TypeError):
                pass


@pytest.mark.parametrize("call, error, message", [
    (lambda: FRAMEWORK.score(DATA, invalid="bogus"), ArgumentError, "invalid must be one of 'raise', 'mark', not 'bogus'"),
    (lambda: FRAMEWORK.score(DATA, invalid="rase"), ArgumentError,
     "invalid must be one of 'raise', 'mark', not 'rase' (did you mean 'raise'?)"),
    (lambda: FRAMEWORK.score(DATA, invalid=None), TypeError, "invalid must be one of 'raise', 'mark', not NoneType"),
    (lambda: list(FRAMEWORK.score_batches([DATA], invalid="bogus")), ArgumentError,
     "invalid must be one of 'raise', 'mark', not 'bogus'"),
    (lambda: FRAMEWORK.score(DATA, threads=0), ArgumentError, "threads must be a whole number ≥ 1, not 0"),
    (lambda: FRAMEWORK.score(DATA, threads=2.5), TypeError, "threads must be a whole number ≥ 1, not float"),
    (lambda: RESULT.explain("u1", lang="fr"), ArgumentError, "lang must be one of 'vi', 'en', not 'fr'"),
    (lambda: RESULT.rollup(["p"] * 3, how="median"), ArgumentError, "how must be one of 'mean', 'sum', not 'median' (did you mean 'mean'?)"),
    (lambda: RESULT.rollup(["p"] * 3, weights="bogus"), TypeError, "weights must be numbers, one per unit, not 'bogus'"),
    (lambda: RESULT.rank(by=[]), ArgumentError, "rank(by=...) needs one value per unit (3), got 0"),
    (lambda: RESULT.plan("u1", 10**400), ArgumentError, "target_total must be a finite number, not " + "1" + "0" * 39),
    (lambda: RESULT.input_row(3), ArgumentError, "position must be a whole number from 0 to 2, not 3"),
    (lambda: RESULT.input_row("bogus"), TypeError, "position must be a whole number from 0 to 2, not str"),
    (lambda: dtiscore.load(1), TypeError,
     "load takes the path of a .dti file (a str or path), not int: for the text itself, use dtiscore.loads(text)"),
    (lambda: dtiscore.compare("bogus", RESULT), TypeError, "before must be a Result, not str"),
    (lambda: dtiscore.sustainability([RESULT, "bogus"]), TypeError, "results must be a sequence of Results, not str"),
    (lambda: dtiscore.sustainability([RESULT], threshold="bogus"), TypeError, "threshold must be a number, not str"),
    (lambda: dtiscore.diff(FRAMEWORK, "bogus"), TypeError, "new must be a Framework, not str"),
    (lambda: dtiscore.diff(FRAMEWORK, FRAMEWORK, data="bogus"), TypeError,
     "data must be a mapping of input name → column, or a DataFrame, not str"),
    (lambda: dtiscore.sensitivity(RESULT, vary="bogus"), TypeError,
     "vary must be a mapping of param name → (low, high), not str"),
    (lambda: dtiscore.sensitivity(RESULT, {"t": (0.2, 0.8)}, samples=10**40), ArgumentError,
     "samples must be a whole number from 1 to 1000000, not " + "1" + "0" * 40),
    (lambda: dtiscore.sensitivity(RESULT, {"t": (0.2, 0.8)}, seed=-1), ArgumentError, "seed must be a whole number ≥ 0, not -1"),
    (lambda: dtiscore.robustness(RESULT, math.inf), TypeError,
     "k (the number of rejected items) must be a whole number ≥ 0, not float"),
    (lambda: dtiscore.robustness("bogus", 1), TypeError, "result must be a Result, not str"),
])
def test_a_wrong_argument_is_named_with_what_it_takes(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message
    if error is ArgumentError:
        assert isinstance(info.value, (dtiscore.DtiError, ValueError))

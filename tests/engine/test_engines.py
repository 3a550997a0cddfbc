"""The engines (`engine=`): numpy and numba give the same scores, hand-computed here; the
numba kernels equal the numpy kernels bit for bit on any floats; an unknown engine, or
numba not installed, is a clear DtiError. (Both engines also run every differential test
against the reference interpreter: tests/engine/test_differential.py.)"""

from __future__ import annotations

import csv
import io
import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dtiscore
import dtiscore.engine
from dtiscore.cli import main
from dtiscore.engine import kernels, numba_kernels

ENGINES = ("numpy", "numba", "auto")

SIX_RULES = """framework six "Six rule kinds" {
    max 60
    on_missing zero
    input x number "X"
    input a count "A"
    input b count "B"
    criterion s "Score" max 10 {
        score x
    }
    criterion p "Proportional" max 10 {
        proportional ratio(a, b) target 50%
    }
    criterion l "Linear" max 10 {
        linear x from 2 to 6
    }
    criterion st "Steps" max 10 {
        steps x {
            >= 8: 10
            >= 4: 5
            else: 0
        }
    }
    criterion aw "Award" max 10 {
        award when x >= 5
    }
    criterion d "Deduct" max 10 {
        deduct 2 per a
    }
}
"""
DATA = {"x": [3.0, 12.0, -1.0, 5.0], "a": [1, 2, 0, 3], "b": [4, 2, 0, 3]}


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_gives_the_hand_computed_scores(engine):
    result = dtiscore.loads(SIX_RULES).score(DATA, engine=engine)
    # unit 0: x = 3, a/b = 0.25; unit 1: x = 12, a/b = 1; unit 2: x = -1, 0/0 (missing);
    # unit 3: x = 5, a/b = 1
    expected = {
        "s": [3.0, 10.0, 0.0, 5.0],  # x clamped to [0, 10]
        "p": [5.0, 10.0, 0.0, 10.0],  # 10 × (a/b) / 0.5, at most 10
        "l": [2.5, 10.0, 0.0, 7.5],  # 10 × (x - 2) / 4 within [0, 10]
        "st": [0.0, 10.0, 0.0, 5.0],
        "aw": [0.0, 10.0, 0.0, 10.0],
        "d": [8.0, 6.0, 10.0, 4.0],  # 10 - 2a
    }
    for crit, points in expected.items():
        assert result.points(crit).tolist() == points, crit
    assert result.total.tolist() == [18.5, 56.0, 10.0, 41.5]
    assert result.branch("s").tolist() == [0, 1, 2, 0]  # between, at the top, at zero
    assert result.branch("st").tolist() == [2, 0, 2, 1]  # else, the first band, else, the second
    assert result.branch("p").tolist() == [0, 1, -1, 1]  # -1: not scored
    assert list(result.status("p")) == ["scored", "scored", "missing", "scored"]


@pytest.mark.parametrize("engine", ENGINES)
def test_score_batches_takes_the_engine(engine):
    framework = dtiscore.loads(SIX_RULES)
    parts = [{k: v[:2] for k, v in DATA.items()}, {k: v[2:] for k, v in DATA.items()}]
    totals = [r.total.tolist() for r in framework.score_batches(parts, engine=engine)]
    assert totals == [[18.5, 56.0], [10.0, 41.5]]


def test_an_unknown_engine_is_an_error_naming_the_choices():
    with pytest.raises(dtiscore.DtiError, match="unknown engine 'cuda': choose one of 'auto', 'numpy', 'numba'"):
        dtiscore.loads(SIX_RULES).score(DATA, engine="cuda")


def test_without_numba_the_numba_engine_says_how_to_install_it(monkeypatch):
    dtiscore.clear_cache()  # a new program, never loaded on numba
    framework = dtiscore.loads(SIX_RULES)
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` fails, as when not installed
    monkeypatch.setitem(sys.modules, "dtiscore.engine.numba_kernels", None)
    monkeypatch.delattr(dtiscore.engine, "numba_kernels", raising=False)
    with pytest.raises(dtiscore.DtiError, match=r"engine 'numba' needs numba.*pip install 'dtiscore\[numba\]'"):
        framework.score(DATA, engine="numba")
    assert framework.score(DATA).total.tolist() == [18.5, 56.0, 10.0, 41.5]  # numpy still scores


def test_the_command_line_scores_with_either_engine(tmp_path, capsys):
    dti = tmp_path / "six.dti"
    dti.write_text(SIX_RULES, encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("unit,x,a,b\nu0,3,1,4\nu1,12,2,2\nu2,-1,0,0\nu3,5,3,3\n", encoding="utf-8")
    outputs = []
    for engine in ("numpy", "numba"):
        assert main(["score", str(dti), str(data), "--format", "csv", "--engine", engine]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    rows = list(csv.DictReader(io.StringIO(outputs[1])))
    assert [float(r["total"]) for r in rows] == [18.5, 56.0, 10.0, 41.5]


# ---- the numba kernels against the numpy kernels, bit for bit ----------------------------

SPECIAL = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, math.nan, math.inf, -math.inf, 1e-300, 1e300])
FLOATS = st.one_of(SPECIAL, st.floats(allow_nan=True, allow_infinity=True))
BLOCKS = hnp.arrays(np.float64, st.integers(1, 40), elements=FLOATS)
TOPS = st.sampled_from([0.0, 1.0, 7.5, 10.0, 1e300])


def same_bits(numba_rows, numpy_rows) -> None:
    """The same points, bit for bit (NaN, -0.0 and all), and the same branch codes where
    the points are defined (elsewhere the evaluator writes -1 over them)."""
    (p, b), (q, c) = numba_rows, numpy_rows
    assert p.tobytes() == q.tobytes(), (p, q)
    defined = ~np.isnan(q)
    assert b[defined].tolist() == c[defined].tolist()


def both(rule, values, *constants, width=2):
    rows = [(np.full(values.shape, 99.0), np.full(values.shape, 9, dtype=kernels.code_dtype(width)))
            for _ in range(2)]
    getattr(numba_kernels, rule)(values, *constants, *rows[0])
    getattr(kernels, rule)(values, *constants, *rows[1])
    return rows


@settings(max_examples=150)
@given(BLOCKS, TOPS, st.sampled_from(["limited", "fraction_of", "award"]))
def test_clamping_rules_agree_bit_for_bit(values, top, rule):
    if rule == "award":  # award's condition is 0, 1 or NaN
        values = np.where(np.isnan(values), np.nan, (values > 0).astype(float))
    same_bits(*both(rule, values, top))


@settings(max_examples=150)
@given(BLOCKS, st.one_of(TOPS, st.sampled_from([math.inf, 5e-324, 2.0 ** -1074 * 3, 1.0 - 2.0 ** -53])),
       st.sampled_from(["limited", "fraction_of"]))
def test_clamp_branch_codes_are_their_definition(values, top, rule):
    """1 where the value reaches the top, else 2 at or below zero, else 0: the numpy kernels
    read them from the clamped values, which must say the same as the values themselves."""
    reaches = 1.0 if rule == "fraction_of" else top
    with np.errstate(invalid="ignore"):  # 0 × inf
        points, codes = getattr(kernels, rule)(values, top, np.empty(values.shape), np.empty(values.shape, np.int8))
        clamped = np.minimum(np.maximum(values, 0.0), reaches)
        clamped = clamped * top if rule == "fraction_of" else clamped
    expected = [1 if x >= reaches else 2 if x <= 0.0 else 0 for x in values.tolist()]
    defined = ~np.isnan(values)
    assert codes[defined].tolist() == [e for e, d in zip(expected, defined) if d]
    assert points.tobytes() == clamped.tobytes()


@settings(max_examples=150)
@given(BLOCKS, st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), TOPS)
def test_linear_agrees_bit_for_bit(values, start, end, top):
    if start == end:
        return  # linear_fixed is only compiled for different limits
    same_bits(*both("linear_fixed", values, start, end, top))


BANDS = st.lists(st.tuples(st.sampled_from([">=", ">", "<=", "<"]), FLOATS.filter(lambda t: t == t),
                           st.floats(0, 10)), min_size=1, max_size=6).map(tuple)


@settings(max_examples=150)
@given(BLOCKS, BANDS, st.floats(0, 10))
def test_steps_agree_bit_for_bit(values, bands, otherwise):
    same_bits(*both("steps", values, bands, otherwise, width=len(bands)))


@settings(max_examples=150)
@given(BLOCKS, BLOCKS)
def test_divide_agrees_bit_for_bit(a, b):
    n = min(len(a), len(b))
    a, b = a[:n].copy(), b[:n].copy()
    assert numba_kernels.divide(a, b).tobytes() == kernels.divide(a, b).tobytes()


def test_values_without_a_template_go_to_the_numpy_kernel():
    """A constant value is spread over the block; a bool array (not one float per unit)
    is left to numpy's kernel; both give what numpy gives."""
    rows = [(np.empty(3), np.empty(3, dtype=np.int8)) for _ in range(2)]
    numba_kernels.limited(4.0, 10.0, *rows[0])
    kernels.limited(4.0, 10.0, *rows[1])
    same_bits(*rows)
    cond = np.array([True, False, True])
    numba_kernels.award_bool(cond[:1], 5.0, *rows[0])  # one value for every unit
    kernels.award_bool(cond[:1], 5.0, *rows[1])
    same_bits(*rows)
    assert rows[0][0].tolist() == [5.0, 5.0, 5.0]


CONDITIONS = st.integers(1, 40).flatmap(lambda n: st.lists(hnp.arrays(np.bool_, n), min_size=1, max_size=5))


@settings(max_examples=150)
@given(CONDITIONS, st.data(), TOPS)
def test_cases_on_bool_conditions_agree_bit_for_bit(conditions, data, top):
    """Each case's value a constant or a float per unit, the otherwise one too."""
    n = len(conditions[0])
    value = st.one_of(FLOATS, hnp.arrays(np.float64, n, elements=FLOATS))
    values = tuple(data.draw(value) for _ in conditions)
    otherwise = data.draw(value)
    rows = [(np.full(n, 99.0), np.full(n, 9, dtype=np.int8)) for _ in range(2)]
    numba_kernels.cases_bool(tuple(conditions), values, otherwise, top, *rows[0])
    kernels.cases_bool(tuple(conditions), values, otherwise, top, *rows[1])
    same_bits(*rows)
    assert rows[0][1].tolist() == rows[1][1].tolist()  # branch codes everywhere: conditions have values


@settings(max_examples=150)
@given(BLOCKS, st.data())
def test_choose_and_comparisons_agree_bit_for_bit(a, data):
    """`if` on a condition that may have no value, and every comparison, with a side that
    is a float per unit or a constant."""
    n = len(a)
    side = st.one_of(FLOATS, hnp.arrays(np.float64, n, elements=FLOATS))
    b, c = data.draw(side), data.draw(side)
    cond = np.where(np.isnan(a), np.nan, (a > 0).astype(float))
    assert numba_kernels.KERNELS["choose"](cond, b, c).tobytes() == kernels.choose(cond, b, c).tobytes()
    for name in ("less", "less_equal", "greater", "greater_equal", "equal", "not_equal"):
        for x, y in ((a, b), (b, a)):
            ours = numba_kernels.KERNELS[name](x, y)
            assert np.asarray(ours, dtype=float).tobytes() == np.asarray(getattr(kernels, name)(x, y), dtype=float).tobytes()


def test_the_numba_templates_are_used_where_they_apply():
    """The numba engine's kernels are its own for the templates (not numpy's under
    another name): a block function loaded on numba calls them."""
    for name in ("cases_bool", "choose", "greater", "settle", "group"):
        assert numba_kernels.KERNELS[name] is not getattr(kernels, name, None)

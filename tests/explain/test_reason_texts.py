"""The ledger's reason texts, laid out once per group of units and filled in with each
unit's numbers, are exactly the texts of one `Reason` per unit."""

import numpy as np
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.explain.reason_texts import _alike, _groups, reason_texts
from dtiscore.explain.reasons import Reasons
from dtiscore.explain.values import Values
from dtiscore.explain.wording import number, percent
from dtiscore.testing import frameworks, inputs


def one_at_a_time(result, lang):
    scores, reasons = result.scores, Reasons(result.framework.ir)
    everyone = np.arange(len(result))
    for k, crit_id in enumerate(scores.criteria):
        crit = result.framework.ir_node(crit_id)
        points = scores.points[result.node_row(crit_id)]
        values = Values(result, everyone)
        many = reason_texts(reasons, crit, values, scores.status[k], scores.branch[k], points,
                            result.columns.invalid, lang)
        built = reasons.build(crit, Values(result, everyone), scores.status[k], scores.branch[k], points,
                              result.columns.invalid)
        yield crit_id, list(many), [reason.text(lang) for reason in built]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_texts_of_many_units_are_those_of_each(data):
    try:
        framework = dtiscore.loads(data.draw(frameworks()))
        result = framework.score(data.draw(inputs(framework)), invalid="mark")
    except dtiscore.DtiError:
        reject()
    for lang in ("en", "vi"):
        for crit_id, many, each in one_at_a_time(result, lang):
            assert many == each, crit_id


NEAR = [0.0, -0.0, 0.005, 0.015, 0.025, 1.005, 2.675, 0.125, 0.1249999, 999.995, 1e-300, 1e9, 1e15, -0.004,
        -0.006, 0.5, 0.4995, 0.49949999, 0.0005, 0.21849999999, 0.2185, np.inf, -np.inf, np.nan]


@given(st.lists(st.one_of(st.sampled_from(NEAR), st.floats(-1e6, 1e6), st.floats(allow_nan=True)), max_size=40),
       st.sampled_from([np.nan, 0.0, 0.5, 0.2185, 2.675, 100.0]))
def test_numbers_with_one_key_are_written_alike(numbers, limit):
    numbers = np.array(numbers, dtype=float)
    for scale, decimals, write in ((1.0, 2, lambda v: number(v, "vi")), (100.0, 1, lambda v: percent(v, "en"))):
        keys = _alike(numbers, scale, decimals, limit)
        for key in set(keys.tolist()):
            same = numbers[keys == key]
            assert len({write(v) for v in same.tolist()}) <= 1, (key, same)


@given(st.lists(st.tuples(st.integers(0, 19), st.integers(-1, 3), st.sampled_from([0, 1, 2**40, 2**61 + 5])),
                min_size=1, max_size=60))
def test_groups_are_the_distinct_tuples(rows):
    """Units grouped by one integer key where the columns' ranges fit, else by whole tuples
    (wide bit masks of absent inputs): the same groups either way, rows in order."""
    columns = [np.array(column, dtype=np.int64) for column in zip(*rows)]
    groups = _groups(columns)
    assert sorted(tuple(g.tolist()) for g in groups) == sorted(
        tuple(i for i, row in enumerate(rows) if row == value) for value in set(rows))

"""The ledger's row order, made with integer keys and checked exactly, against the plain
stable sort: units in order, most lost first, file order among equals."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dtiscore.explain.ledger_rows import ranked

# values that collide in a key's high bits: equal ones, neighbours a few ulps apart, zeros,
# negatives, NaN and subnormals
NEAR = [np.nextafter(7.5, 8.0), 7.5, np.nextafter(7.5, 7.0), 7.5 + 2e-14, 255.0, 255.00000000000003,
        0.0, -0.0, -1.0, np.nan, np.inf, 5e-324, 1e-320, 1e-300, 3.0]


def expected(lost):
    order = np.argsort(-lost, axis=1, kind="stable")
    values = np.take_along_axis(lost, order, axis=1)
    flat = np.flatnonzero(values > 0.0)
    return flat // lost.shape[1], order.ravel()[flat], values.ravel()[flat]


@given(hnp.arrays(float, hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=140),
                  elements=st.one_of(st.sampled_from(NEAR), st.floats(0, 1000))))
def test_ranked_is_the_stable_order(lost):
    if not lost.shape[1]:
        lost = lost.reshape(lost.shape[0], 0)
    units, criteria, values = ranked(lost)
    want = expected(lost)
    assert units.tolist() == want[0].tolist()
    assert criteria.tolist() == want[1].tolist()
    assert np.array_equal(values, want[2])
    assert criteria.dtype == np.int32


def test_ranked_on_many_near_ties():
    rng = np.random.default_rng(3)
    lost = 7.5 + rng.integers(-3, 4, size=(2000, 100)) * np.spacing(7.5)
    lost[rng.random(lost.shape) < 0.3] = 0.0
    units, criteria, values = ranked(lost)
    want = expected(lost)
    assert units.tolist() == want[0].tolist() and criteria.tolist() == want[1].tolist()


def test_ranked_on_values_too_far_below_the_largest_for_the_key():
    # 1000 and values 2^-40 .. 2^-60 below it: their keys are cut to one, so the rows of the
    # units holding them are sorted again by their values (and 5e-324 and 1e-320 in a unit)
    rng = np.random.default_rng(5)
    lost = np.ldexp(1.0, -rng.integers(40, 60, size=(300, 90))) * rng.random((300, 90))
    lost[:, 3] = 1000.0
    lost[7, :4] = [5e-324, 1e-320, 5e-324, 0.0]
    lost[rng.random(lost.shape) < 0.2] = 0.0
    units, criteria, values = ranked(lost)
    want = expected(lost)
    assert units.tolist() == want[0].tolist() and criteria.tolist() == want[1].tolist()
    assert np.array_equal(values, want[2])

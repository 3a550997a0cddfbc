"""score_batches: batch after batch, the same scores as scoring everything at once."""

import numpy as np
import pytest

import dtiscore

RELATIVE = """\
framework demo "Demo" {
    max 20
    input apps count "Ứng dụng"
    input rate share "Tỷ lệ"
    criterion relative "So với đơn vị tốt nhất" max 10 {
        score 10 * ratio(apps, best(apps))
    }
    criterion above_mean "Trên mức trung bình" max 10 {
        award when rate >= mean(rate) and rate >= percentile(rate / best(rate), 50%) * best(rate)
    }
}
"""

PLAIN = """\
framework plain "Plain" {
    max 10
    input x share "X"
    criterion c "C" max 10 {
        linear x from 20% to 80%
    }
}
"""


def _batches(data, size):
    n = len(next(iter(data.values())))
    return [
        ([f"u{i}" for i in range(start, min(start + size, n))],
         {name: values[start:start + size] for name, values in data.items()})
        for start in range(0, n, size)
    ]


def test_batches_score_like_one_call_with_population_functions():
    framework = dtiscore.loads(RELATIVE)
    rng = np.random.default_rng(3)
    data = {"apps": rng.integers(0, 50, 1000).astype(float), "rate": rng.random(1000)}
    data["rate"][::17] = np.nan  # missing values are ignored by the population functions
    whole = framework.score(data)
    parts = list(framework.score_batches(_batches(data, 128)))
    assert sum(len(p) for p in parts) == 1000
    np.testing.assert_array_equal(np.concatenate([p.total for p in parts]), whole.total)
    assert parts[1].units[0] == "u128"


def test_a_function_gives_fresh_iterators():
    framework = dtiscore.loads(RELATIVE)
    data = {"apps": np.array([1.0, 4.0, 2.0, 8.0]), "rate": np.array([0.1, 0.9, 0.5, 0.7])}
    parts = list(framework.score_batches(lambda: iter(_batches(data, 3))))
    # best(apps) is 8 across both batches: 10 * 1/8, 10 * 4/8, 10 * 2/8 | 10 * 8/8
    assert [round(float(t), 6) for t in parts[0].points("relative")] == [1.25, 5.0, 2.5]
    assert parts[1].points("relative")[0] == 10.0


def test_a_one_shot_iterator_is_refused_when_populations_need_two_passes():
    framework = dtiscore.loads(RELATIVE)
    data = {"apps": np.array([1.0, 2.0]), "rate": np.array([0.1, 0.2])}
    with pytest.raises(dtiscore.DtiError, match="population functions"):
        list(framework.score_batches(iter(_batches(data, 1))))


def test_without_populations_a_one_shot_iterator_is_enough():
    framework = dtiscore.loads(PLAIN)
    batches = iter([{"x": [0.2, 0.5]}, {"x": [0.8]}])
    totals = [list(r.total) for r in framework.score_batches(batches)]
    assert totals == [[0.0, pytest.approx(5.0)], [10.0]]  # 0 at 20%, half at 50%, full at 80%

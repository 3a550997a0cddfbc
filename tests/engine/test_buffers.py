"""Result arrays are reused across runs only when nobody can read them any more."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import dtiscore
from dtiscore.engine import buffers

FRAMEWORK = """framework f "F" {
    max 30
    input x share
    input e bool
    group g "G" max 30 {
        criterion a "A" max 10 { linear x from 0 to 100% }
        criterion b "B" max 20 {
            steps x { >= 50%: 20  else: 5 }
            evidence e
        }
    }
}"""


@pytest.fixture
def framework():
    buffers.clear()
    yield dtiscore.loads(FRAMEWORK)
    buffers.clear()


def data(seed: int, n: int = 1000) -> dict:
    rng = np.random.default_rng(seed)
    return {"x": rng.random(n), "e": rng.random(n) < 0.5}


def everything(result) -> dict:
    scores = result.scores
    return {"points": scores.points.copy(), "status": scores.status.copy(), "branch": scores.branch.copy(),
            "applicable": scores.applicable.copy(), "group_max": scores.group_max.copy(),
            "lost": np.array([result.lost(node) for node in scores.order])}


def test_the_arrays_of_a_dropped_result_are_reused(framework):
    first = framework.score(data(1))
    kept = id(first.scores.points)
    del first
    gc.collect()
    assert id(framework.score(data(2)).scores.points) == kept


def test_a_result_still_held_is_never_overwritten(framework):
    first = framework.score(data(1))
    before = everything(first)
    second = framework.score(data(2))
    assert second.scores.points is not first.scores.points
    for name, values in everything(first).items():
        assert np.array_equal(values, before[name]), name


def test_a_view_still_held_is_never_overwritten(framework):
    total = framework.score(data(1)).total  # the result is gone, its points array is not
    expected = total.copy()
    for seed in range(2, 5):
        framework.score(data(seed))
    assert np.array_equal(total, expected)


def test_reused_arrays_give_the_same_scores_as_new_ones(framework):
    fresh = everything(framework.score(data(1)))
    for seed in (2, 3):  # fill the kept arrays with other values (lost points included)
        everything(framework.score(data(seed)))
    again = everything(framework.score(data(1)))
    for name, values in fresh.items():
        assert np.array_equal(values, again[name]), name


def test_clear_cache_forgets_the_kept_arrays(framework):
    first = framework.score(data(1))
    kept = first.scores.points
    dtiscore.clear_cache()
    assert buffers.take(kept.shape, kept.dtype) is not kept

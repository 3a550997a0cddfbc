"""The generators reach the big shapes (dtiscore.testing.shapes) that once broke a later
phase while the checker accepted them, and whatever they generate never crashes: scoring,
explaining, gains and the ledger raise nothing but DtiError."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, event, find, given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.language.check_nodes import MAX_POINTS, MIN_POINTS
from dtiscore.language.nesting import MAX_DEPTH
from dtiscore.testing import frameworks, inputs

FIND = settings(max_examples=200, database=None, phases=[Phase.generate], derandomize=True,
                suppress_health_check=list(HealthCheck), deadline=None)


def _bands(text: str) -> int:
    """The most bands (or `when`s) one rule of the text has."""
    blocks = re.findall(r"(?:steps|cases)[^{]*\{([^}]*)\}", text)
    return max((len(re.findall(r"(?:^|\n)\s*(?:when|[<>]=?) ", b)) for b in blocks), default=0)


def _maxima(text: str) -> list[float]:
    return [float(m) for m in re.findall(r"\bmax ([0-9.]+)", text)]


def _longest_chain(text: str) -> int:
    return max(len(re.findall(r" (?:\+|and|or) ", line)) for line in text.splitlines())


SHAPES = {
    "more than 127 bands or whens": lambda text: _bands(text) > 127,
    "a chain near the nesting limit": lambda text: _longest_chain(text) >= MAX_DEPTH // 2,
    "a chain at the nesting limit": lambda text: _longest_chain(text) >= MAX_DEPTH - 1,
    "a call of more arguments than the nesting limit":
        lambda text: any(line.count(",") > MAX_DEPTH for line in text.splitlines()),
    "a long run of unary minuses": lambda text: "- - - - - - - - - -" in text,
    "groups tens of levels deep": lambda text: max(len(line) - len(line.lstrip()) for line in text.splitlines()) >= 4 * 20,
    "a let chain": lambda text: len(re.findall(r"let l\d+ = \(l\d+ \+ 0\.5\)", text)) >= MAX_DEPTH // 8 - 1,
    "a let chain at the nesting limit, a rule's whole expression":
        lambda text: re.search(r"(?:score|linear) (l\d+)\b", text) is not None
        and len(re.findall(r"let l\d+ = \(l\d+ \+ 0\.5\)", text)) == MAX_DEPTH // 2 - 1,
    "round digits at the limit": lambda text: ", 15)" in text or ", (-15))" in text,
    "a max near the top of the scale": lambda text: max(_maxima(text)) >= MAX_POINTS / 1e4,
    "a max near the bottom of the scale": lambda text: min((m for m in _maxima(text) if m), default=1.0) <= MIN_POINTS * 1e4,
    "a constant near the float range": lambda text: "0" * 290 in text,
    "tiny maxima rescaled past an always-excluded sibling":
        lambda text: "exclude when true" in text and "on_exclude rescale" in text and min((m for m in _maxima(text) if m), default=1.0) < 1e-6,
}


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # big texts have big reprs
@pytest.mark.parametrize("shape", SHAPES)
def test_the_generator_reaches_every_big_shape(shape):
    text = find(frameworks(rarity=2), SHAPES[shape], settings=FIND)
    dtiscore.loads(text)  # and the checker accepts it


@settings(max_examples=30, database=None, deadline=None)
@given(frameworks(rarity=0))
def test_rarity_zero_draws_no_big_shape(text):
    assert _bands(text) <= 5 and _longest_chain(text) < 20 and "0" * 290 not in text
    assert all(m == 0 or 0.5 <= m <= 100 * 12 for m in _maxima(text))


LIMITS = {"too-deep", "bad-max"}  # the checker's codes for nesting and the scale of max


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_whatever_check_accepts_scores_and_explains_without_crashing(data):
    """A framework the checker accepts (big shapes drawn often here) scores, explains,
    ranks gains and attributes lost points for every unit, raising nothing but DtiError;
    its lost points are finite and add up. A third of the time big shapes may pass the
    checker's limits: then the checker refuses the text, naming the limit (were a limit's
    check lost, the shape past it would reach the later phases here)."""
    try:
        framework = dtiscore.loads(data.draw(frameworks(rarity=4, beyond=data.draw(st.integers(0, 2)) == 0)))
    except dtiscore.CheckError as error:  # a big shape past a limit: refused, naming the limit
        assert {d.code for d in error.errors} <= LIMITS, str(error)[:2000]
        event("refused at a limit")
        return
    try:
        result = framework.score(data.draw(inputs(framework, max_units=6)))
        lost = sum((result.lost(c) for c in framework.criteria), np.zeros(len(result)))
        assert np.all(np.isfinite(lost))
        # within 1e-9 of the framework's own scale: at maxima of 1e-9 an absolute 1e-9 would see nothing
        assert np.allclose(lost, result.effective_max - result.total, rtol=1e-9, atol=1e-9 * framework.root.max)
        unit = data.draw(st.integers(0, len(result) - 1))
        explanation = result.explain(unit)
        assert str(explanation) and explanation.to_dict()
        result.gains(unit)
    except dtiscore.DtiError:
        pass

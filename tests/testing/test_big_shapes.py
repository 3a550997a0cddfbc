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
from dtiscore.language.reference import Reference
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


def _let_chain_levels(text: str) -> dict[str, int]:
    """Levels each let of a chain (`let m1 = (m0 + 0.5)`, ...) nests, counting the lets it
    passes through: two for the first (a let of a name or literal), then one for the link's
    own let and one for each bracket it opens (each is an operation or a call)."""
    links = dict(re.findall(r"let (m\d+) = (.*)", text))
    levels: dict[str, int] = {}
    for name in sorted(links, key=lambda n: int(n[1:])):  # each link reads the one before
        before = re.findall(r"\bm\d+\b", links[name])
        levels[name] = levels[before[0]] + 1 + links[name].count("(") if before else 2
    return levels


def _whole_let_chain(text: str) -> int:
    """Levels of the deepest let chain end that is a rule's whole expression (0 if none)."""
    levels = _let_chain_levels(text)
    return max((levels[n] for n in re.findall(r"(?:score|linear) (m\d+)\b", text)), default=0)


def _chain_at_the_limit(text: str) -> bool:
    """A `+`/`-` chain of MAX_DEPTH terms, or an `and`/`or` chain of MAX_DEPTH - 1 conditions
    (a comparison nests two levels): the most terms the nesting limit allows."""
    return any(len(re.findall(r"[\w)%] [+-] ", line)) >= MAX_DEPTH - 1 or len(re.findall(r" (?:and|or) ", line)) >= MAX_DEPTH - 2
               for line in text.splitlines())


SHAPES = {
    "more than 127 bands or whens": lambda text: _bands(text) > 127,
    "a chain near the nesting limit": lambda text: _longest_chain(text) >= MAX_DEPTH // 2,
    "a chain at the nesting limit": _chain_at_the_limit,
    "a call of more arguments than the nesting limit":
        lambda text: any(line.count(",") > MAX_DEPTH for line in text.splitlines()),
    "a long run of unary minuses": lambda text: "- - - - - - - - - -" in text,
    "groups tens of levels deep": lambda text: max(len(line) - len(line.lstrip()) for line in text.splitlines()) >= 4 * 20,
    "a let chain": lambda text: max(_let_chain_levels(text).values(), default=0) >= MAX_DEPTH // 4,
    "a let chain at the nesting limit, a rule's whole expression": lambda text: _whole_let_chain(text) == MAX_DEPTH,
    "a let chain of 40 links reading the one before twice (2**40 paths)":
        lambda text: len(re.findall(r"let m\d+ = [^\n]*\b(m\d+)\b[^\n]*\b\1\b", text)) >= 40,
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


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
def test_a_let_chain_past_the_limit_is_refused_at_the_levels_it_nests():
    """Beyond the limits, a let chain's end nests past it, and the checker counts the same
    levels through the lets and the expressions between them as the generator drew."""
    text = find(frameworks(rarity=2, beyond=True), lambda t: _whole_let_chain(t) > MAX_DEPTH, settings=FIND)
    with pytest.raises(dtiscore.CheckError) as caught:
        dtiscore.loads(text)
    # the first let of the chain past the limit is refused, at the levels drawn for it
    first = min(n for n in _let_chain_levels(text).values() if n > MAX_DEPTH)
    expected = f"this expression nests {first} levels deep, counting the lets it uses; the limit is {MAX_DEPTH}"
    assert expected in [d.message for d in caught.value.diagnostics]


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
    ranks gains and attributes lost points for every unit, and the reference interpreter
    scores one, raising nothing but DtiError;
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
        # the reference interpreter (invariants, verify) scores it too: it recurses, so a let
        # chain the checker did not count in full breaks it first
        rows = [result.input_row(i) for i in range(len(result))]
        Reference(framework.ir, rows, None, result.units).unit(unit)
    except dtiscore.DtiError:
        pass

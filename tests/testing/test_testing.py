"""Tests of dtiscore.testing's strategies: generated frameworks load, generated data is
valid, and the data reaches the edges the framework declares."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.language import ir
from dtiscore.language.check import Checker
from dtiscore.engine.columns import to_columns
from dtiscore.testing import edges, framework_objects, frameworks, inputs
from dtiscore.testing.generate import _reachable

FIND = settings(max_examples=100, database=None, phases=[Phase.generate], derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])  # the first example found will do


def _depth(node: ir.Node) -> int:
    if isinstance(node, ir.Criterion):
        return 0
    return 1 + max(_depth(child) for child in node.nodes)


# ---- frameworks -------------------------------------------------------------------------


@settings(max_examples=60)
@given(st.data(), st.integers(0, 3), st.integers(1, 12), st.booleans(), st.booleans())
def test_every_generated_framework_loads(data, depth, most, errors, population):
    text = data.draw(frameworks(depth, most, errors=errors, population=population, rarity=0))
    framework = dtiscore.loads(text)  # raises on any error; warnings are fine
    criteria = list(framework.ir.criteria())
    assert 1 <= len(criteria) <= most
    assert _depth(framework.ir.root) <= depth + 1  # groups under the framework, then criteria
    if not errors:
        assert "error" not in {c.on_missing for c in criteria}
        assert "error" not in {spec.on_missing for spec in framework.ir.inputs}
    if not population:
        assert not any(isinstance(node, ir.Population) for crit in criteria
                       for expr in (*ir.rule_exprs(crit.rule), *(e.cond for e in crit.exclusions))
                       for node in ir.walk(expr))


@settings(max_examples=20)
@given(framework_objects())
def test_framework_objects_are_frameworks(framework):
    assert isinstance(framework, dtiscore.Framework)


FEATURES = [
    "group ", " cap", "on_exclude shrink", "on_exclude rescale", "max 0 ", "replaces ",
    "score ", "award when", "proportional ", " target ", "linear ", "steps ", "cases {", "deduct ",
    "when ", ">= ", "> ", "<= ", "< ", "exclude when", "evidence ", "on_missing zero", "on_missing exclude",
    " count", " number", " share", " bool", "choice(", " in ", "param ", "let ", "tags ", "better ",
    " + ", " - ", " * ", " / ", "(-", " == ", " != ", " and ", " or ", "not ", "if ", "ratio(", "min(",
    "max(", "clamp(", "abs(", "round(", "count(", "all(", "any(", "best(", "worst(", "mean(",
    "percentile(", "%", "true", "false",
]


@pytest.mark.parametrize("feature", FEATURES)
def test_generated_frameworks_use_every_feature(feature):
    find(frameworks(), lambda text: feature in text, settings=FIND)


def test_error_policy_only_when_asked():
    find(frameworks(errors=True), lambda text: "on_missing error" in text, settings=FIND)


def test_lets_of_lets_and_inputs_declared_in_groups():
    def nested(text):
        lets = [line.split()[1] for line in text.splitlines() if line.strip().startswith("let ")]
        return any(f"let {a} = " in text and b in text.split(f"let {a} = ")[1].splitlines()[0]
                   for a in lets for b in lets if a != b)

    find(frameworks(), nested, settings=FIND)
    find(frameworks(), lambda text: any(line.startswith("        input ") for line in text.splitlines()),
         settings=FIND)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from((">=", ">", "<=", "<")), st.integers(-3, 3)), max_size=5),
       st.sampled_from((">=", ">", "<=", "<")), st.integers(-3, 3))
def test_band_reachability_agrees_with_the_checker(earlier, op, threshold):
    bands = [ir.Band(o, float(t), 0.0) for o, t in earlier]
    assert _reachable([(o, float(t)) for o, t in earlier], op, float(threshold)) == (
        not Checker._unreachable(bands, op, float(threshold)))


# ---- data -------------------------------------------------------------------------------


@settings(max_examples=50)
@given(st.data())
def test_generated_data_passes_validation(data):
    framework = data.draw(framework_objects())
    missing = data.draw(st.booleans())
    columns = data.draw(inputs(framework, min_units=2, max_units=20, missing=missing))
    checked = to_columns(framework.ir, columns)  # raises DataError on any bad value
    assert 2 <= len(checked) <= 20
    assert set(columns) == {spec.name for spec in framework.ir.inputs}
    if not missing:
        assert not any(np.isnan(column).any() for column in checked.values.values())


def _loads(text: str) -> dtiscore.Framework:
    return dtiscore.loads(text)


def _framework(inputs_text: str, clauses: str, extra: str = "") -> dtiscore.Framework:
    return _loads(f"""framework t "T" {{
    max 10
    {inputs_text}
    {extra}
    criterion c "C" max 10 {{
        {clauses}
    }}
}}""")


def _values(framework, data, name) -> np.ndarray:
    return to_columns(framework.ir, data).values[name]


def _finds(framework, predicate, **options):
    return find(inputs(framework, **options), predicate, settings=FIND)


def test_steps_threshold_is_hit_exactly_and_either_side():
    framework = _framework("input x share", "steps x { >= 50%: 10\n else: 0 }")
    for target in (0.5, np.nextafter(0.5, 0), np.nextafter(0.5, 1)):
        _finds(framework, lambda d, t=target: t in _values(framework, d, "x"))


def test_count_thresholds_one_either_side():
    framework = _framework("input n count", "steps n { >= 4: 10\n >= 2: 5\n else: 0 }")
    for target in (1, 2, 3, 4, 5):
        _finds(framework, lambda d, t=target: t in _values(framework, d, "n"))


@pytest.mark.parametrize("clauses, name, targets", [
    ("linear x from 20 to 80", "x", (20.0, 80.0)),
    ("linear x from 80 to -20", "x", (80.0, -20.0)),
    ("proportional s target 75%", "s", (0.75,)),
    ("award when x >= 12.5", "x", (12.5,)),
    ("award when 3 < x", "x", (3.0,)),
    ("score 10\n exclude when x == 7", "x", (7.0,)),
    ("score min(x, 42)", "x", (42.0,)),
    ("deduct 2 per n", "n", (5.0,)),
])
def test_declared_edges_are_hit(clauses, name, targets):
    framework = _framework("input x number\n input s share\n input n count", clauses)
    assert set(targets) <= set(edges(framework).values[name])
    for target in targets:
        _finds(framework, lambda d, t=target: t in _values(framework, d, name))


def test_ratio_of_two_inputs_lands_on_its_threshold():
    framework = _framework("input d count\n input n count <= d",
                           "steps ratio(n, d) { >= 50%: 10\n else: 0 }\n on_missing zero")
    assert ("n", "d", 0.5) in edges(framework).ratios

    def exactly_half(data):
        columns = to_columns(framework.ir, data).values
        with np.errstate(invalid="ignore", divide="ignore"):
            return bool(np.any((columns["d"] > 0) & (columns["n"] / columns["d"] == 0.5)))

    _finds(framework, exactly_half)


def test_bounded_value_reaches_its_bound():
    framework = _framework("input d count\n input n count <= d", "proportional ratio(n, d)\n on_missing zero")
    _finds(framework, lambda data: bool(np.any(_values(framework, data, "n") == _values(framework, data, "d"))))


def test_zeros_missing_columns_and_false_evidence():
    framework = _framework("input d count\n input n count\n input e bool",
                           "proportional ratio(n, d)\n evidence e\n on_missing zero")
    _finds(framework, lambda data: 0.0 in _values(framework, data, "d"))
    _finds(framework, lambda data: bool(np.isnan(_values(framework, data, "n")).all()), min_units=3)
    _finds(framework, lambda data: 0.0 in _values(framework, data, "e"))
    _finds(framework, lambda data: bool(np.isnan(_values(framework, data, "e")).any()))


def test_ranges_are_respected_and_their_ends_reached():
    framework = _framework("input n count in 3..9\n input s share in 10%..20%",
                           "score n + s")
    _finds(framework, lambda data: 3.0 in _values(framework, data, "n"))
    _finds(framework, lambda data: 9.0 in _values(framework, data, "n"))
    _finds(framework, lambda data: 0.2 in _values(framework, data, "s"))


def test_choice_values_are_option_names():
    framework = _framework("input k choice(red, green)", "award when k == green")
    _finds(framework, lambda data: "green" in list(data["k"]))
    _finds(framework, lambda data: "red" in list(data["k"]))


def test_no_missing_values_when_asked():
    framework = _framework("input n count\n input k choice(red, green)", "award when k == green and n > 1")

    @settings(max_examples=50)
    @given(inputs(framework, missing=False))
    def check(data):
        assert not any(np.isnan(c).any() for c in to_columns(framework.ir, data).values.values())

    check()


def test_edges_collect_every_kind_of_threshold():
    framework = _loads("""framework t "T" {
    max 50
    input x number
    input n count
    input s share
    param cut = 30%
    let half = x / 2
    criterion a "A" max 10 { steps s { >= 90%: 10\n > cut: 5\n < 10%: 1\n else: 0 } }
    criterion b "B" max 10 { linear half from 5 to -5 }
    criterion c "C" max 10 { proportional n target 20 }
    criterion d "D" max 10 { score clamp(x, 1, 9)\n exclude when n != 3 }
    criterion e "E" max 10 { deduct 2.5 per n }
}""")
    found = edges(framework).values
    assert {0.9, 0.3, 0.1} <= set(found["s"])
    assert {5.0, -5.0, 1.0, 9.0, 0.0} <= set(found["x"])
    assert {20.0, 3.0, 4.0, 0.0} <= set(found["n"])
    assert all(math.isfinite(v) for values in found.values() for v in values)

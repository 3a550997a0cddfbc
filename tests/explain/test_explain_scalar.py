"""The explanation layer's scalar work for one unit: the reference interpreter at the scoring
run's population values (`populations`), its attribution of a unit scored elsewhere
(`Reference.attribute`), and one registration per rule kind in each explanation module."""

import typing

import pytest

import dtiscore
from dtiscore.explain.reasons import scored_reasons
from dtiscore.explain.values import run_populations
from dtiscore.explain.whatif import _rule_ladder
from dtiscore.language import ir
from dtiscore.language.reference import Expressions, Reference, UnitScore
from dtiscore.engine.fold import folded as fold_with_memo

# the rule as written reads best(x * (2 - 1)); the compiled program folds the constant
SCALED = """
framework scaled "Scaled" {
    max 100
    input x   number
    input doc bool
    criterion c "C" max 100 {
        score 100 * x / best(x * (2 - 1))
        evidence doc
    }
}
"""


def _population(framework) -> ir.Population:
    crit = framework.ir_node("c")
    return next(n for n in ir.walk(crit.rule.expr) if isinstance(n, ir.Population))


def test_the_reference_takes_population_values_given():
    framework = dtiscore.loads(SCALED)
    crit, best = framework.ir_node("c"), _population(framework)
    rows = [{"x": 1.0, "doc": 1.0}]
    # over its own rows, best(x * (2 - 1)) is 1: 100 * 2 / 1 = 200, capped at 100
    assert Reference(framework.ir, rows).rule(crit, {"x": 2.0, "doc": 1.0}) == (100.0, 1)
    # at a scoring run's value 8: 100 * 2 / 8 = 25
    given = Reference(framework.ir, rows, populations={best: 8.0})
    assert given.rule(crit, {"x": 2.0, "doc": 1.0}) == (25.0, 0)
    assert Expressions(populations={best: 8.0}).value(best, {}) == 8.0


def test_run_populations_key_the_rules_as_written():
    framework = dtiscore.loads(SCALED)
    result = framework.score({"x": [2, 8], "doc": [False, True]})
    best = _population(framework)
    assert fold_with_memo(best, {}) != best  # the case this is for: written and compiled differ
    populations = run_populations(result)
    assert populations[best] == populations[fold_with_memo(best, {})] == 8.0


def test_the_evidence_step_is_the_rules_points_at_the_runs_populations():
    framework = dtiscore.loads(SCALED)
    result = framework.score({"x": [2, 8], "doc": [False, True]})
    step = result.explain(0, lang="en").criteria[0].step
    assert step.code == "evidence"
    assert step.points == 25.0  # 100 * 2 / best(x) = 100 * 2 / 8
    assert step.text("en") == "provide the evidence doc: 25 points"


DEMO = """
framework demo "Demo" {
    max 10
    input a number
    input b bool
    criterion c1 "C1" max 6 { linear a from 0 to 10 }
    criterion c2 "C2" max 4 { award when b }
}
"""


def test_attribute_a_unit_scored_elsewhere():
    framework = dtiscore.loads(DEMO)
    # a = 5: linear gives 3 of 6; b false: 0 of 4; the framework 3 of 10
    unit = UnitScore({"demo": 3.0, "c1": 3.0, "c2": 0.0}, {"demo": 10.0, "c1": 6.0, "c2": 4.0},
                     {"demo": True, "c1": True, "c2": True}, {}, {}, {})
    Reference(framework.ir, []).attribute(unit)
    assert unit.lost == {"demo": 7.0, "c1": 3.0, "c2": 4.0}
    scored = Reference(framework.ir, [{"a": 5.0, "b": 0.0}]).unit(0)
    assert scored.lost == unit.lost


@pytest.mark.parametrize("kind", typing.get_args(ir.Rule))
def test_every_rule_kind_is_registered_once_per_module(kind):
    assert scored_reasons.dispatch(kind) is not scored_reasons.dispatch(object)
    assert _rule_ladder.dispatch(kind) is not _rule_ladder.dispatch(object)

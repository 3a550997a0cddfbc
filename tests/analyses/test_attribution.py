"""Exact attribution of a change (compare's contributions): by hand, and adding up to every
unit's delta for generated frameworks and data, within one version and across two."""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

import dtiscore
from dtiscore.analyses.attribution import counted
from dtiscore.analyses.compare import rank_change
from dtiscore.testing import frameworks, inputs

RESCALED = '''framework t "T" {
    max 30
    input a number
    input b number
    input c number
    group g "G" max 20 on_exclude rescale {
        criterion ca "A" max 10 { score a exclude when a < 0 "none" }
        criterion cb "B" max 10 { score b }
    }
    criterion cc "C" max 10 { score c }
}
'''


def parts(comparison, unit):
    return {(c.criterion, c.kind): c.points for c in comparison.contributions(unit)}


def test_points_as_they_count_in_the_total():
    # ca excluded: the group rescales cb's 6 of 10 to 12 of 20; cc counts as is.
    result = dtiscore.loads(RESCALED).score({"a": [-1, 4], "b": [6, 6], "c": [3, 3]})
    v = counted(result)
    assert (v["ca"].tolist(), v["cb"].tolist(), v["cc"].tolist()) == ([0, 4], [12, 6], [3, 3])
    assert (v["ca"] + v["cb"] + v["cc"]).tolist() == result.total.tolist()


def test_data_applicability_and_rescale_by_hand():
    framework = dtiscore.loads(RESCALED)
    before = framework.score({"a": [4], "b": [6], "c": [3]}, units=["x"])  # 4 + 6 + 3 = 13
    after = framework.score({"a": [-1], "b": [7], "c": [5]}, units=["x"])  # ca excluded: 2 × 7 + 5 = 19
    c = dtiscore.compare(before, after)
    # ca stopped applying: its 4 points go (applicability −4); cb's own points +1 at the factor
    # it had before (1) is data +1, and its factor 1 → 2 at its 7 points after is rescale +7;
    # cc: data +2. −4 + 1 + 7 + 2 = +6 = 19 − 13.
    assert parts(c, "x") == {("ca", "applicability"): -4, ("cb", "data"): 1, ("cb", "rescale"): 7,
                             ("cc", "data"): 2}
    assert sum(parts(c, "x").values()) == c.delta[0] == 6
    assert [p.criterion for p in c.contributions("x")] == ["cb", "ca", "cc", "cb"]  # biggest first


def test_across_versions_the_framework_step_by_hand():
    old = dtiscore.loads('''framework t "T" {
    max 20
    input a number
    input b number
    criterion ca "A" max 10 { score a }
    criterion cb "B" max 10 { score b }
}
''')
    new = dtiscore.loads('''framework t "T" {
    max 30
    input a number
    input n bool
    criterion ca "A" max 20 { score 2 * a }
    criterion cn "N" max 10 { award when n }
}
''')
    before = old.score({"a": [3], "b": [5]}, units=["x"])  # 3 + 5 = 8
    after = new.score({"a": [4], "n": [True]}, units=["x"])  # 8 + 10 = 18
    c = dtiscore.compare(before, after)
    # data first, under the old framework: a 3 → 4 (+1); b absent from the new data is
    # missing, scored 0 (−5, data). Then the framework, on the new data: ca 4 → 8 (+4),
    # cb gone (0 → 0: nothing), cn new (+10). 1 − 5 + 4 + 10 = 10.
    assert parts(c, "x") == {("ca", "data"): 1, ("cb", "data"): -5, ("ca", "framework"): 4,
                             ("cn", "framework"): 10}
    assert c.delta[0] == 10


def test_across_versions_without_a_middle_step():
    # the new version reads `a` as a bool: the new data cannot be scored under the old one, so
    # the criteria of one version only are the framework's and the rest is split as data
    old = dtiscore.loads('framework t "T" {\n    max 20\n    input a number\n'
                         '    criterion ca "A" max 10 { score a }\n    criterion cb "B" max 10 { score a }\n}\n')
    new = dtiscore.loads('framework t "T" {\n    max 20\n    input a bool\n'
                         '    criterion ca "A" max 10 { award when a }\n    criterion cn "N" max 10 { award when a }\n}\n')
    c = dtiscore.compare(old.score({"a": [3]}, units=["x"]), new.score({"a": [True]}, units=["x"]))
    # ca 3 → 10 (data +7), cb 3 → gone (framework −3), cn new (framework +10): +14
    assert parts(c, "x") == {("ca", "data"): 7, ("cb", "framework"): -3, ("cn", "framework"): 10}
    assert c.delta[0] == 14


def test_rank_change_words():
    assert rank_change(10, 7, "en") == "up 3 places"
    assert rank_change(5, 6, "en") == "down 1 place"
    assert rank_change(4, 4, "en") == "unchanged"
    assert rank_change(10, 7, "vi") == "tăng 3 bậc"
    assert rank_change(5, 7, "vi") == "giảm 2 bậc"
    assert rank_change(4, 4, "vi") == "giữ nguyên"


def test_the_text_says_who_was_passed_and_on_what():
    framework = dtiscore.loads(RESCALED)
    before = framework.score({"a": [4, 9, 9], "b": [6, 5, 1], "c": [3, 3, 3]}, units=["x", "y", "z"])  # 13, 17, 13
    after = framework.score({"a": [9, 9, 9], "b": [9, 5, 1], "c": [3, 3, 8]}, units=["x", "y", "z"])  # 21, 17, 18
    unit = dtiscore.compare(before, after).unit("x")
    assert (unit.rank_before, unit.rank_after) == (2, 1)
    assert [o.neighbour for o in unit.passed] == ["y"]
    assert unit.passed[0].criteria == (("ca", 5.0), ("cb", 3.0))  # x gained 5 and 3 there, y nothing
    text = unit.text("en").splitlines()
    assert text[1] == "  rank 2 → 1 (up 1 place)"
    assert text[-1] == "  passed y on ca (+5), cb (+3)"
    vi = unit.text("vi").splitlines()
    assert vi[1] == "  hạng 2 → 1 (tăng 1 bậc)" and vi[-1] == "  vượt y nhờ ca (+5), cb (+3)"
    z = dtiscore.compare(before, after).unit("z")
    assert [o.neighbour for o in z.passed_by] == []  # z 13 → 18: ranks 2 → 2 (tied with x, then behind x)


def adds_up(comparison) -> None:
    total = sum(comparison.contribution_arrays().values(), np.zeros(len(comparison)))
    scale = max(1.0, float(np.abs(comparison.before).max()), float(np.abs(comparison.after).max()))
    for i, unit in enumerate(comparison.units):
        assert math.isclose(total[i], comparison.delta[i], rel_tol=1e-9, abs_tol=1e-9 * scale), (unit, total[i])
        listed = sum(c.points for c in comparison.contributions(unit))
        assert math.isclose(listed, comparison.delta[i], rel_tol=1e-9, abs_tol=1e-9 * scale)


@st.composite
def pair(draw, versions: int):
    texts = [draw(frameworks(max_criteria=8)) for _ in range(versions)]
    loaded = [dtiscore.loads(t) for t in texts]
    n = draw(st.integers(1, 12))
    data = [draw(inputs(loaded[0], min_units=n, max_units=n)), draw(inputs(loaded[-1], min_units=n, max_units=n))]
    return loaded[0], loaded[-1], data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair(1))
def test_contributions_add_up_within_one_version(drawn):
    framework, _, (old, new) = drawn
    adds_up(dtiscore.compare(framework.score(old), framework.score(new)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair(2))
def test_contributions_add_up_across_two_versions(drawn):
    old_framework, new_framework, (old, new) = drawn
    adds_up(dtiscore.compare(old_framework.score(old), new_framework.score(new)))

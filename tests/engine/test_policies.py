"""Exclusion (rescale / shrink), caps, substitutes, evidence, missing data, `max 0`,
invalid data, and lost-point attribution, on hand-computed examples."""

import numpy as np
import pytest

import dtiscore

NAN = float("nan")


def check_lost_adds_up(framework, result):
    """For every unit: sum(lost over criteria) == effective max − total."""
    lost = sum(result.lost(c) for c in framework.criteria)
    assert lost == pytest.approx(result.effective_max - result.total, abs=1e-9)


# ---------------------------------------------------------------- exclusion, one level

FLAT = """framework flat "Flat" {{
    max 100
    on_exclude {policy}
    input a number
    input b number
    input c number
    input skip_b bool
    group g "G" max 100 {{
        criterion c1 "C1" max 50 {{ score a }}
        criterion c2 "C2" max 30 {{
            score b
            exclude when skip_b
        }}
        criterion c3 "C3" max 20 {{ score c }}
    }}
}}"""

FLAT_DATA = dict(a=[40, 40], b=[15, 15], c=[10, 10], skip_b=[True, False])


def test_rescale_one_level():
    fw = dtiscore.loads(FLAT.format(policy="rescale"))
    result = fw.score(FLAT_DATA)
    # unit 0: c2 excluded; raw = 40 + 10 = 50, M_all = 100, M_app = 70 → 50 × 100/70
    # unit 1: raw = 40 + 15 + 10 = 65, nothing excluded
    assert list(result.points("g")) == pytest.approx([5000 / 70, 65])
    assert list(result.max("g")) == [100, 100]
    assert list(result.total) == pytest.approx([5000 / 70, 65])
    assert list(result.index) == pytest.approx([50 / 70, 0.65])
    assert list(result.status("c2")) == ["excluded", "scored"]
    assert list(result.applicable("c2")) == [False, True]
    assert result.points("c2")[0] == 0 and result.max("c2")[0] == 0


def test_shrink_one_level():
    fw = dtiscore.loads(FLAT.format(policy="shrink"))
    result = fw.score(FLAT_DATA)
    # unit 0: effective max = min(100, 70) = 70, points = min(50, 70) = 50
    assert list(result.points("g")) == pytest.approx([50, 65])
    assert list(result.max("g")) == [70, 100]
    assert list(result.effective_max) == [70, 100]
    assert list(result.index) == pytest.approx([50 / 70, 0.65])


def test_lost_one_level_rescale():
    fw = dtiscore.loads(FLAT.format(policy="rescale"))
    result = fw.score(FLAT_DATA)
    # unit 0: deficit = 100 − 5000/70 = 2000/70; f = 100/70; weights c1 f×10, c3 f×10 → half each
    assert result.lost("c1")[0] == pytest.approx(1000 / 70)
    assert result.lost("c3")[0] == pytest.approx(1000 / 70)
    assert result.lost("c2")[0] == 0  # excluded: loses nothing
    # unit 1: deficit 35: c1 10, c2 15, c3 10
    assert [result.lost(c)[1] for c in ("c1", "c2", "c3")] == pytest.approx([10, 15, 10])
    check_lost_adds_up(fw, result)


# ---------------------------------------------------------------- exclusion, several levels

DEEP = """framework deep "Deep" {{
    max 100
    on_exclude {policy}
    input a number
    input b number
    input c number
    input d number
    input skip_a bool
    group g1 "G1" max 60 {{
        group g11 "G11" max 40 {{
            criterion c1 "C1" max 30 {{
                score a
                exclude when skip_a
            }}
            criterion c2 "C2" max 10 {{ score b }}
        }}
        criterion c3 "C3" max 20 {{ score c }}
    }}
    group g2 "G2" max 40 {{
        criterion c4 "C4" max 40 {{ score d }}
    }}
}}"""

DEEP_DATA = dict(a=[25], b=[5], c=[12], d=[30], skip_a=[True])


def test_rescale_several_levels():
    fw = dtiscore.loads(DEEP.format(policy="rescale"))
    result = fw.score(DEEP_DATA)
    # g11: only c2 applies: raw 5, M_all 40, M_app 10 → min(40, 5 × 40/10) = 20; eff max 40
    assert result.points("g11")[0] == pytest.approx(20)
    assert result.max("g11")[0] == 40
    # g1: 20 + 12 = 32 of 60 (nothing excluded at this level)
    assert result.points("g1")[0] == pytest.approx(32)
    assert result.max("g1")[0] == 60
    # g2: 30 of 40; root: 62 of 100
    assert result.points("g2")[0] == 30
    assert result.total[0] == pytest.approx(62)
    assert result.effective_max[0] == 100


def test_shrink_several_levels():
    fw = dtiscore.loads(DEEP.format(policy="shrink"))
    result = fw.score(DEEP_DATA)
    # g11: eff max min(40, 10) = 10, points 5
    assert (result.points("g11")[0], result.max("g11")[0]) == (5, 10)
    # g1: raw 5 + 12 = 17, M_app 10 + 20 = 30 → eff max 30, points 17
    assert (result.points("g1")[0], result.max("g1")[0]) == (17, 30)
    # root: raw 17 + 30 = 47, M_app 30 + 40 = 70
    assert (result.total[0], result.effective_max[0]) == (47, 70)
    assert result.index[0] == pytest.approx(47 / 70)


def test_lost_several_levels_rescale():
    fw = dtiscore.loads(DEEP.format(policy="rescale"))
    result = fw.score(DEEP_DATA)
    # root deficit 100 − 62 = 38, f = 1: g1 weight 60 − 32 = 28, g2 weight 40 − 30 = 10
    assert result.lost("g1")[0] == pytest.approx(28)
    assert result.lost("g2")[0] == pytest.approx(10)
    # g1: f = 1: g11 weight 40 − 20 = 20, c3 weight 20 − 12 = 8 → 20 and 8
    assert result.lost("g11")[0] == pytest.approx(20)
    assert result.lost("c3")[0] == pytest.approx(8)
    # g11: f = 40/10 = 4: c2 weight 4 × (10 − 5) = 20 → all of 20; c1 excluded → 0
    assert result.lost("c2")[0] == pytest.approx(20)
    assert result.lost("c1")[0] == 0
    assert result.lost("c4")[0] == pytest.approx(10)
    check_lost_adds_up(fw, result)


def test_lost_several_levels_shrink():
    fw = dtiscore.loads(DEEP.format(policy="shrink"))
    result = fw.score(DEEP_DATA)
    # root deficit 70 − 47 = 23: g1 weight 30 − 17 = 13, g2 weight 10
    assert result.lost("g1")[0] == pytest.approx(13)
    assert result.lost("g2")[0] == pytest.approx(10)
    # g1: g11 weight 10 − 5 = 5, c3 weight 8; g11: c2 5, c1 0
    assert result.lost("c2")[0] == pytest.approx(5)
    assert result.lost("c3")[0] == pytest.approx(8)
    assert result.lost("c1")[0] == 0
    assert result.lost("c4")[0] == pytest.approx(10)
    check_lost_adds_up(fw, result)


def test_group_policy_overrides_and_is_inherited():
    # framework shrink; g1 says rescale, g11 inherits rescale from g1
    text = DEEP.format(policy="shrink").replace('group g1 "G1" max 60', 'group g1 "G1" max 60 on_exclude rescale')
    fw = dtiscore.loads(text)
    result = fw.score(DEEP_DATA)
    # g11 (rescale, inherited): 5 × 40/10 = 20 of 40; g1: 32 of 60; root (shrink): 62 of 100
    assert (result.points("g11")[0], result.max("g11")[0]) == (pytest.approx(20), 40)
    assert (result.points("g1")[0], result.max("g1")[0]) == (pytest.approx(32), 60)
    assert result.total[0] == pytest.approx(62)
    assert result.effective_max[0] == 100


def test_shrink_group_under_rescale_root():
    # the framework rescales, g11 shrinks: g11 5 of 10; g1 raw 17, M_app 30, M_all 60 →
    # min(60, 17 × 60/30) = 34 of 60; root 34 + 30 = 64 of 100
    text = DEEP.format(policy="rescale").replace('group g11 "G11" max 40', 'group g11 "G11" max 40 on_exclude shrink')
    fw = dtiscore.loads(text)
    result = fw.score(DEEP_DATA)
    assert (result.points("g11")[0], result.max("g11")[0]) == (5, 10)
    assert (result.points("g1")[0], result.max("g1")[0]) == (pytest.approx(34), 60)
    assert result.total[0] == pytest.approx(64)
    # lost: root 36 → g1 26, g2 10; g1 f = 2: g11 2×5 = 10, c3 2×8 = 16 → 10 and 16
    assert result.lost("g1")[0] == pytest.approx(26)
    assert result.lost("c2")[0] == pytest.approx(10)
    assert result.lost("c3")[0] == pytest.approx(16)
    check_lost_adds_up(fw, result)


# ---------------------------------------------------------------- a group with nothing applicable

ALL_OUT = """framework allout "All out" {
    max 100
    input a number
    input b number
    input c number
    input off bool
    group g "G" max 30 {
        criterion c1 "C1" max 10 {
            score a
            exclude when off
        }
        criterion c2 "C2" max 20 {
            score b
            exclude when off
        }
    }
    criterion c3 "C3" max 70 { score c }
}"""


def test_group_whose_children_are_all_excluded_is_excluded():
    fw = dtiscore.loads(ALL_OUT)
    result = fw.score(dict(a=[10, 10], b=[20, 20], c=[35, 35], off=[True, False]))
    assert list(result.applicable("g")) == [False, True]
    assert (result.points("g")[0], result.max("g")[0]) == (0, 0)
    # unit 0: root rescales over c3 alone: 35 × 100/70 = 50; unit 1: 30 + 35 = 65
    assert list(result.total) == pytest.approx([50, 65])
    assert list(result.effective_max) == [100, 100]
    check_lost_adds_up(fw, result)


# ---------------------------------------------------------------- cap (bonus criteria)

CAP = """framework capped "Capped" {{
    max 10
    input a number
    input b number
    input skip_b bool
    group bonus "Bonus" max 10 cap on_exclude {policy} {{
        criterion c1 "C1" max 10 {{ score a }}
        criterion c2 "C2" max 5 {{
            score b
            exclude when skip_b
        }}
    }}
}}"""


def test_cap_rescale():
    fw = dtiscore.loads(CAP.format(policy="rescale"))
    result = fw.score(dict(a=[8, 4, 8], b=[5, 2, 5], skip_b=[False, False, True]))
    # unit 0: raw 13, M_all = M_app = 15 → min(10, 13) = 10
    # unit 1: raw 6 → 6
    # unit 2: c2 excluded: raw 8 × 15/10 = 12 → min(10, 12) = 10
    assert list(result.points("bonus")) == pytest.approx([10, 6, 10])
    assert list(result.max("bonus")) == [10, 10, 10]
    check_lost_adds_up(fw, result)


def test_cap_shrink():
    fw = dtiscore.loads(CAP.format(policy="shrink"))
    result = fw.score(dict(a=[8, 4, 8], b=[5, 2, 5], skip_b=[False, False, True]))
    # unit 0: eff max min(10, 15) = 10, points min(13, 10) = 10; unit 1: 6 of 10;
    # unit 2: eff max min(10, 10) = 10, points 8
    assert list(result.points("bonus")) == pytest.approx([10, 6, 8])
    assert list(result.max("bonus")) == [10, 10, 10]


def test_cap_lost_is_proportional_to_the_shortfalls():
    fw = dtiscore.loads(CAP.format(policy="rescale"))
    result = fw.score(dict(a=[6], b=[3], skip_b=[False]))
    # raw 9 ≤ 10: points 9, deficit 1; weights c1 10 − 6 = 4, c2 5 − 3 = 2 (f = 15/15 = 1)
    # → c1 1 × 4/6, c2 1 × 2/6
    assert result.total[0] == pytest.approx(9)
    assert result.lost("c1")[0] == pytest.approx(2 / 3)
    assert result.lost("c2")[0] == pytest.approx(1 / 3)
    check_lost_adds_up(fw, result)


def test_without_cap_children_must_add_up():
    with pytest.raises(dtiscore.CheckError):
        dtiscore.loads(CAP.format(policy="rescale").replace(" cap ", " "))


# ---------------------------------------------------------------- replaces

REPLACES = """framework subst "Subst" {
    max 100
    input a number
    input b number
    input c number
    input no_a bool
    input no_b bool
    group g "G" max 100 {
        criterion orig "Original" max 60 {
            score a
            exclude when no_a
        }
        criterion sub "Substitute" max 60 {
            replaces orig
            score b
            exclude when no_b
        }
        criterion other "Other" max 40 { score c }
    }
}"""

REPLACES_DATA = dict(
    a=[30, 30, 30], b=[50, 50, 50], c=[20, 20, 20],
    no_a=[False, True, True], no_b=[False, False, True],
)


def test_replaces_statuses():
    fw = dtiscore.loads(REPLACES)
    result = fw.score(REPLACES_DATA)
    assert list(result.status("orig")) == ["scored", "excluded", "excluded"]
    assert list(result.status("sub")) == ["inactive", "scored", "excluded"]
    assert list(result.points("sub")) == [0, 50, 0]
    assert list(result.max("sub")) == [0, 60, 0]


def test_replaces_points():
    fw = dtiscore.loads(REPLACES)
    result = fw.score(REPLACES_DATA)
    # unit 0: the original applies: 30 + 20 = 50 (the substitute's 50 does not count)
    # unit 1: the substitute takes the place: 50 + 20 = 70, M_app = 60 + 40 = 100
    # unit 2: both excluded, the place is excluded: 20 × 100/40 = 50
    assert list(result.points("g")) == pytest.approx([50, 70, 50])
    assert list(result.max("g")) == [100, 100, 100]
    check_lost_adds_up(fw, result)


def test_replaces_lost():
    fw = dtiscore.loads(REPLACES)
    result = fw.score(REPLACES_DATA)
    # unit 0: orig loses 30, other 20, the inactive substitute nothing
    assert [result.lost(c)[0] for c in ("orig", "sub", "other")] == pytest.approx([30, 0, 20])
    # unit 1: sub 60 − 50 = 10, other 20
    assert [result.lost(c)[1] for c in ("orig", "sub", "other")] == pytest.approx([0, 10, 20])
    # unit 2: deficit 50, f = 100/40: other alone → 50
    assert [result.lost(c)[2] for c in ("orig", "sub", "other")] == pytest.approx([0, 0, 50])


def test_replaces_under_shrink():
    fw = dtiscore.loads(REPLACES.replace("max 100\n", "max 100\n    on_exclude shrink\n", 1))
    result = fw.score(REPLACES_DATA)
    # unit 2: only `other` applies: eff max min(100, 40) = 40, points 20
    assert list(result.points("g")) == pytest.approx([50, 70, 20])
    assert list(result.max("g")) == [100, 100, 40]


def test_substitute_steps_in_when_original_is_missing_with_exclude():
    text = REPLACES.replace("input a number", "input a number on_missing exclude")
    fw = dtiscore.loads(text)
    result = fw.score(dict(a=[NAN], b=[50], c=[20], no_a=[False], no_b=[False]))
    # orig is missing, treated as excluded → the substitute takes its place: 50 + 20 = 70
    assert result.status("orig")[0] == "missing"
    assert result.status("sub")[0] == "scored"
    assert result.points("g")[0] == pytest.approx(70)


# ---------------------------------------------------------------- evidence

EVIDENCE = """framework ev "Evidence" {
    max 100
    input resolution bool
    input resolution_doc bool
    criterion adopted "Adopted" max 100 {
        award when resolution
        evidence resolution_doc
    }
}"""


def test_evidence_false_or_missing_gives_no_evidence():
    fw = dtiscore.loads(EVIDENCE)
    result = fw.score(dict(resolution=[True, True, True, False], resolution_doc=[True, False, None, True]))
    assert list(result.status("adopted")) == ["scored", "no_evidence", "no_evidence", "scored"]
    assert list(result.points("adopted")) == [100, 0, 0, 0]
    # no_evidence is applicable and loses its full share
    assert list(result.max("adopted")) == [100, 100, 100, 100]
    assert list(result.lost("adopted")) == [0, 100, 100, 100]


# ---------------------------------------------------------------- missing data

def missing_framework(framework_policy="", criterion_policy="", a_policy="", b_policy=""):
    return dtiscore.loads(f"""framework miss "Missing" {{
        max 20
        {framework_policy}
        input alpha number {a_policy}
        input beta number {b_policy}
        input c number
        criterion ca "Uses alpha and beta" max 10 {{
            score alpha + beta
            {criterion_policy}
        }}
        criterion cc "Uses c" max 10 {{ score c }}
    }}""")


def test_on_missing_zero_is_the_default():
    fw = missing_framework()
    result = fw.score(dict(alpha=[None], beta=[1], c=[10]))
    assert result.status("ca")[0] == "missing"
    # 0 points, still applicable: total 10 of 20, ca loses all 10
    assert (result.points("ca")[0], result.max("ca")[0]) == (0, 10)
    assert (result.total[0], result.effective_max[0]) == (10, 20)
    assert result.lost("ca")[0] == 10
    # the reason names the missing input
    assert "alpha" in result.explain(0).criteria[0].reason


def test_on_missing_exclude_at_framework_level():
    fw = missing_framework(framework_policy="on_missing exclude")
    result = fw.score(dict(alpha=[None], beta=[1], c=[10]))
    assert result.status("ca")[0] == "missing"
    assert not result.applicable("ca")[0]
    # treated as excluded: root rescales cc: 10 × 20/10 = 20
    assert result.total[0] == pytest.approx(20)
    assert result.lost("ca")[0] == 0


def test_on_missing_error_names_unit_and_input():
    fw = missing_framework(framework_policy="on_missing error")
    with pytest.raises(dtiscore.MissingDataError) as info:
        fw.score(dict(alpha=[1, None], beta=[1, 1], c=[10, 10]), units=["hanoi", "hue"])
    message = str(info.value)
    assert "hue" in message
    assert "alpha" in message
    assert "hanoi" not in message
    assert isinstance(info.value, dtiscore.DataError)


def test_on_missing_error_not_raised_when_nothing_is_missing():
    fw = missing_framework(framework_policy="on_missing error")
    result = fw.score(dict(alpha=[1], beta=[2], c=[10]))
    assert result.total[0] == 13


def test_criterion_policy_beats_framework_policy():
    fw = missing_framework(framework_policy="on_missing error", criterion_policy="on_missing zero")
    result = fw.score(dict(alpha=[None], beta=[1], c=[10]))
    assert (result.status("ca")[0], result.points("ca")[0], result.total[0]) == ("missing", 0, 10)
    # cc still follows the framework's error policy
    with pytest.raises(dtiscore.MissingDataError):
        fw.score(dict(alpha=[1], beta=[1], c=[None]))


def test_criterion_exclude_beats_framework_zero():
    fw = missing_framework(criterion_policy="on_missing exclude")
    result = fw.score(dict(alpha=[None], beta=[1], c=[7]))
    assert not result.applicable("ca")[0]
    # 7 × 20/10 = 14
    assert result.total[0] == pytest.approx(14)


def test_input_policy_beats_criterion_and_framework():
    # framework error, criterion zero, input alpha exclude, input beta none
    fw = missing_framework(framework_policy="on_missing error", criterion_policy="on_missing zero",
                           a_policy="on_missing exclude")
    result = fw.score(dict(alpha=[None, 1], beta=[1, None], c=[10, 10]))
    # unit 0: alpha is missing → its own policy: exclude → total 10 × 20/10 = 20
    # unit 1: beta is missing and has no policy → the criterion's: zero → total 10
    assert list(result.applicable("ca")) == [False, True]
    assert list(result.total) == pytest.approx([20, 10])


def test_input_error_beats_criterion_exclude():
    fw = missing_framework(criterion_policy="on_missing exclude", a_policy="on_missing error")
    with pytest.raises(dtiscore.MissingDataError) as info:
        fw.score(dict(alpha=[None], beta=[1], c=[10]), units=["quang_ninh"])
    assert "quang_ninh" in str(info.value)


def test_input_zero_beats_framework_error():
    fw = missing_framework(framework_policy="on_missing error", a_policy="on_missing zero")
    result = fw.score(dict(alpha=[None], beta=[1], c=[10]))
    assert (result.points("ca")[0], result.max("ca")[0], result.total[0]) == (0, 10, 10)


def test_ratio_by_zero_uses_the_criterion_policy():
    fw = dtiscore.loads("""framework rz "Ratio zero" {
        max 20
        input n count
        input d count
        input c number
        criterion r "Rate" max 10 {
            proportional ratio(n, d)
            on_missing exclude
        }
        criterion cc "C" max 10 { score c }
    }""")
    result = fw.score(dict(n=[0], d=[0], c=[6]))
    assert result.status("r")[0] == "missing"
    assert not result.applicable("r")[0]
    # 6 × 20/10 = 12
    assert result.total[0] == pytest.approx(12)


# ---------------------------------------------------------------- max 0

MAX_ZERO = """framework mz "Max zero" {
    max 10
    input x number
    input y number
    criterion scored_one "Scored" max 10 { score x }
    group info "Informational" max 0 {
        criterion note "Note" max 0 { score y }
    }
}"""


def test_max_zero_nodes_carry_no_points():
    fw = dtiscore.loads(MAX_ZERO)
    result = fw.score(dict(x=[4], y=[7]))
    assert fw.node("info").max == 0
    assert result.status("note")[0] == "scored"
    assert result.points("note")[0] == 0
    assert result.points("info")[0] == 0
    # the total is x alone: 4 of 10
    assert (result.total[0], result.effective_max[0]) == (4, 10)
    assert result.lost("note")[0] == 0
    check_lost_adds_up(fw, result)
    # still explained
    assert "note" in [c.criterion for c in result.explain(0).criteria]


# ---------------------------------------------------------------- invalid="mark"

INVALID = """framework inv "Invalid" {
    max 20
    input s share
    input c number
    criterion cs "Share" max 10 { proportional s }
    criterion cc "Other" max 10 { score c }
}"""


def test_invalid_mark_gives_status_invalid():
    fw = dtiscore.loads(INVALID)
    result = fw.score(dict(s=[1.2, 0.5], c=[6, 6]), invalid="mark")
    assert list(result.status("cs")) == ["invalid", "scored"]
    assert list(result.status("cc")) == ["scored", "scored"]
    # unit 0: cs 0 points, still applicable: 0 + 6 of 20; unit 1: 5 + 6
    assert list(result.points("cs")) == [0, 5]
    assert list(result.total) == pytest.approx([6, 11])
    assert list(result.effective_max) == [20, 20]
    check_lost_adds_up(fw, result)


def test_invalid_raise_is_the_default():
    fw = dtiscore.loads(INVALID)
    with pytest.raises(dtiscore.DataError):
        fw.score(dict(s=[1.2, 0.5], c=[6, 6]))


def test_missing_zero_loses_its_full_share_under_rescale():
    fw = dtiscore.loads("""framework mr "Missing under rescale" {
        max 100
        input a number
        input b number
        input c number
        input skip_a bool
        criterion c1 "C1" max 50 {
            score a
            exclude when skip_a
        }
        criterion c2 "C2" max 30 { score b }
        criterion c3 "C3" max 20 { score c }
    }""")
    # c1 (50) excluded, c2 (30) missing → 0 points, c3 10 of 20:
    # raw 10, M_all 100, M_app 50 → 10 × 100/50 = 20; deficit 80, f = 2:
    # c2 weight 2 × 30 = 60, c3 weight 2 × 10 = 20 → lost 60 and 20
    result = fw.score(dict(a=[40], b=[None], c=[10], skip_a=[True]))
    assert result.status("c2")[0] == "missing"
    assert result.total[0] == pytest.approx(20)
    assert result.lost("c2")[0] == pytest.approx(60)
    assert result.lost("c3")[0] == pytest.approx(20)
    assert result.lost("c1")[0] == 0
    check_lost_adds_up(fw, result)


def test_missing_evidence_is_no_evidence_even_with_on_missing_error():
    fw = dtiscore.loads(EVIDENCE.replace("max 100\n", "max 100\n    on_missing error\n", 1))
    result = fw.score(dict(resolution=[True], resolution_doc=[None]))
    assert result.status("adopted")[0] == "no_evidence"
    assert result.points("adopted")[0] == 0

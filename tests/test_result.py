"""The result: ranks, tag views, the tree, inputs, and explanations of one unit."""

import numpy as np
import pytest

import dtiscore


def one_criterion(top=10):
    return dtiscore.loads(f"""framework r "R" {{
        max {top}
        input x number
        criterion c "C" max {top} {{ score x }}
    }}""")


# ---------------------------------------------------------------- rank


def test_rank_ties_share_the_better_rank():
    result = one_criterion().score({"x": [9, 5, 5, 1]})
    assert result.rank().tolist() == [1, 2, 2, 4]


def test_rank_unordered_units():
    # totals 3, 8, 8, 10, 0 → 10 is 1st, the 8s share 2nd, 3 is 4th, 0 is 5th
    result = one_criterion().score({"x": [3, 8, 8, 10, 0]})
    assert result.rank().tolist() == [4, 2, 2, 1, 5]


def test_rank_ignores_float_noise():
    # 0.1 + 0.2 and 0.3 differ in the last bit only: tied
    result = one_criterion().score({"x": [0.1 + 0.2, 0.3, 0.5]})
    assert result.rank().tolist() == [2, 2, 1]


# ---------------------------------------------------------------- view by tag

PILLARS = dtiscore.loads("""framework pv "Pillars" {
    max 100
    input f number
    input g number
    input e number
    input s number
    input i number
    group foundation "Nền tảng" max 40 tags pillar: [government, economy, society], kind: foundation {
        criterion infra "Hạ tầng" max 30 { score f }
        criterion people "Nhân lực" max 10 tags pillar: government { score i }
    }
    group gov_act "Chính quyền số" max 20 tags pillar: government, kind: activity {
        criterion gov_c "Gov" max 20 { score g }
    }
    group eco_act "Kinh tế số" max 20 tags pillar: economy, kind: activity {
        criterion eco_c "Eco" max 20 { score e }
    }
    group soc_act "Xã hội số" max 20 tags pillar: society, kind: activity {
        criterion soc_c "Soc" max 20 { score s }
    }
}""")

PILLAR_DATA = dict(f=[24, 30], i=[6, 10], g=[10, 20], e=[20, 0], s=[5, 10])


def test_view_by_pillar():
    views = PILLARS.score(PILLAR_DATA).view("pillar")
    assert set(views) == {"government", "economy", "society"}
    # foundation: unit 0 24 + 6 = 30 of 40; unit 1 40 of 40
    # government: (30 + 10)/(40 + 20) = 40/60; unit 1 (40 + 20)/60 = 1
    gov = views["government"]
    assert gov.points.tolist() == pytest.approx([40, 60])
    assert gov.max.tolist() == [60, 60]
    assert gov.index.tolist() == pytest.approx([40 / 60, 1])
    # `people` is tagged government under a node already tagged government: not counted twice
    assert set(gov.nodes) == {"foundation", "gov_act"}
    # economy: (30 + 20)/60, (40 + 0)/60; society: (30 + 5)/60, (40 + 10)/60
    assert views["economy"].index.tolist() == pytest.approx([50 / 60, 40 / 60])
    assert views["society"].index.tolist() == pytest.approx([35 / 60, 50 / 60])


def test_view_by_another_key():
    views = PILLARS.score(PILLAR_DATA).view("kind")
    assert set(views) == {"foundation", "activity"}
    # activity: three groups, 10 + 20 + 5 = 35 of 60; 20 + 0 + 10 = 30 of 60
    assert views["activity"].points.tolist() == pytest.approx([35, 30])
    assert views["activity"].max.tolist() == [60, 60]
    assert set(views["activity"].nodes) == {"gov_act", "eco_act", "soc_act"}


def test_view_unknown_tag():
    with pytest.raises(dtiscore.UnknownIdError):
        PILLARS.score(PILLAR_DATA).view("colour")


def test_view_uses_effective_max():
    text = """framework pe "Pillars with exclusion" {
        max 100
        input f number
        input g number
        input skip bool
        group foundation "Foundation" max 50 on_exclude shrink tags pillar: [government, economy] {
            criterion fa "A" max 30 { score f }
            criterion fb "B" max 20 {
                score f
                exclude when skip
            }
        }
        group gov_act "Gov" max 50 tags pillar: government {
            criterion ga "Gov" max 50 { score g }
        }
    }"""
    views = dtiscore.loads(text).score(dict(f=[15], g=[25], skip=[True])).view("pillar")
    # foundation (shrink): fb excluded → 15 of min(50, 30) = 30
    # government: (15 + 25)/(30 + 50) = 0.5; economy: 15/30 = 0.5
    assert views["government"].max.tolist() == [80]
    assert views["government"].index.tolist() == pytest.approx([0.5])
    assert views["economy"].points.tolist() == [15]
    assert views["economy"].max.tolist() == [30]


# ---------------------------------------------------------------- the tree


def test_node_fields_and_inherited_tags():
    node = PILLARS.node("people")
    assert node.id == "people"
    assert node.kind == "criterion"
    assert node.title == "Nhân lực"
    assert node.max == 10
    assert node.parent == "foundation"
    assert node.children == ()
    # own tag government, inherited government/economy/society and kind: foundation
    assert set(node.tags["pillar"]) == {"government", "economy", "society"}
    assert tuple(node.tags["kind"]) == ("foundation",)
    gov_c = PILLARS.node("gov_c")
    assert dict(gov_c.tags) == {"pillar": ("government",), "kind": ("activity",)}


def test_group_and_root_nodes():
    group = PILLARS.node("foundation")
    assert group.kind == "group"
    assert tuple(group.children) == ("infra", "people")
    assert group.parent == "pv"
    root = PILLARS.root
    assert root.kind == "framework" and root.id == "pv" and root.parent is None
    assert root.max == 100
    assert tuple(root.children) == ("foundation", "gov_act", "eco_act", "soc_act")
    assert PILLARS.id == "pv" and PILLARS.title == "Pillars"


def test_criteria_and_groups_in_file_order():
    assert PILLARS.criteria == ("infra", "people", "gov_c", "eco_c", "soc_c")
    assert PILLARS.groups == ("foundation", "gov_act", "eco_act", "soc_act")
    nodes = PILLARS.nodes
    assert nodes[0] == "pv"
    # parents before children
    assert nodes.index("foundation") < nodes.index("infra")


def test_inputs_info():
    fw = dtiscore.loads("""framework inp "Inputs" {
        max 10
        input dossiers count "Tổng số hồ sơ"
        input online count "Trực tuyến" <= dossiers on_missing exclude
        input mark number in 0..10
        input role choice(chair, deputy)
        criterion c "C" max 10 {
            score ratio(online, dossiers) * 5 + mark / 2
            exclude when role == deputy
        }
    }""")
    info = fw.inputs
    assert list(info) == ["dossiers", "online", "mark", "role"]
    assert info["dossiers"].type == "count"
    assert info["dossiers"].label == "Tổng số hồ sơ"
    assert info["online"].at_most == "dossiers"
    assert info["online"].on_missing == "exclude"
    assert info["dossiers"].on_missing is None
    assert tuple(info["mark"].within) == (0, 10)
    assert info["mark"].label is None
    assert tuple(info["role"].options) == ("chair", "deputy")
    assert info["role"].type == "choice(chair, deputy)"


def test_params_visible_and_overridden():
    text = """framework p "P" {
        max 10
        param goal = 50% "Mục tiêu"
        input s share
        criterion c "C" max 10 { proportional s target goal }
    }"""
    assert dtiscore.loads(text).params == {"goal": 0.5}
    assert dtiscore.loads(text, params={"goal": 0.8}).params == {"goal": 0.8}


def test_unknown_node():
    with pytest.raises(dtiscore.UnknownIdError):
        PILLARS.node("nowhere")
    result = PILLARS.score(PILLAR_DATA)
    with pytest.raises(dtiscore.UnknownIdError):
        result.points("nowhere")
    with pytest.raises(KeyError):  # an UnknownIdError is also a KeyError
        result.status("nowhere")


def test_unknown_node_suggests_a_close_name():
    with pytest.raises(dtiscore.UnknownIdError) as info:
        PILLARS.node("fundation")
    assert "foundation" in str(info.value)


# ---------------------------------------------------------------- explain

DEMO = """framework demo "DTI demo" {
    max 1000
    input dossiers        count   "Tổng số hồ sơ TTHC"
    input dossiers_online count   "Số hồ sơ trực tuyến"  <= dossiers
    input late_reports    count   "Số báo cáo nộp muộn"
    input docs            count   "Số văn bản đi"
    input docs_signed     count   "Số văn bản ký số"     <= docs
    param online_target = 50%
    let online_rate = ratio(dossiers_online, dossiers)

    group awareness "Nhận thức số" max 150 {
        criterion reporting "Báo cáo đúng hạn" max 150 {
            deduct 30 per late_reports
        }
    }
    group government "Hoạt động chính quyền số" max 850 {
        criterion online_dossiers "Tỷ lệ hồ sơ trực tuyến" max 650 {
            proportional online_rate target online_target
        }
        criterion signed_docs "Văn bản ký số" max 200 {
            steps ratio(docs_signed, docs) {
                >= 97%: 200
                >= 90%: 140
                >= 50%: 60
                else:   0
            }
        }
    }
}"""

DEMO_DATA = dict(
    dossiers=[583139, 1000], dossiers_online=[127265, 1000],
    late_reports=[1, 0], docs=[1000, 1000], docs_signed=[600, 1000],
)


@pytest.fixture(scope="module")
def demo():
    return dtiscore.loads(DEMO).score(DEMO_DATA, units=["ha_giang", "da_nang"])


def test_demo_points(demo):
    # ha_giang: reporting 150 − 30 = 120; online 650 × (127265/583139)/0.5;
    # signed 600/1000 = 60% → band >= 50% → 60
    online = 650 * (127265 / 583139) / 0.5
    assert demo.points("reporting")[0] == 120
    assert demo.points("online_dossiers")[0] == pytest.approx(online)
    assert demo.points("signed_docs")[0] == 60
    assert demo.total[0] == pytest.approx(120 + online + 60)
    # da_nang has everything
    assert demo.total[1] == 1000
    assert demo.rank().tolist() == [2, 1]


def test_explain_by_id_and_by_position(demo):
    by_id = demo.explain("ha_giang")
    by_position = demo.explain(0)
    assert by_id.unit == by_position.unit == "ha_giang"
    assert by_id.total == pytest.approx(by_position.total)
    assert by_id.rank == 2
    assert by_id.effective_max == 1000
    assert demo.explain(1).unit == "da_nang"


def test_explain_deductions_sorted_by_lost(demo):
    explanation = demo.explain("ha_giang")
    online = 650 * (127265 / 583139) / 0.5
    # lost (no exclusions, f = 1 everywhere): online 650 − online ≈ 366.3, signed 140, reporting 30
    assert [d.criterion for d in explanation.deductions] == ["online_dossiers", "signed_docs", "reporting"]
    assert [d.lost for d in explanation.deductions] == pytest.approx([650 - online, 140, 30])
    assert sum(d.lost for d in explanation.deductions) == pytest.approx(1000 - explanation.total)
    assert explanation.deductions[0].path == ("government",)
    assert explanation.deductions[2].path == ("awareness",)
    # da_nang lost nothing
    assert demo.explain("da_nang").deductions == ()


def test_explain_criteria_in_file_order(demo):
    criteria = demo.explain("ha_giang").criteria
    assert [c.criterion for c in criteria] == ["reporting", "online_dossiers", "signed_docs"]
    assert [c.status for c in criteria] == ["scored"] * 3


def test_explain_steps_reason_names_value_and_band(demo):
    signed = {d.criterion: d for d in demo.explain("ha_giang").deductions}["signed_docs"]
    # 600/1000 = 60%, which falls in the band >= 50%
    assert "60%" in signed.reason
    assert "50%" in signed.reason
    assert "97%" not in signed.reason
    # the next band is >= 90% (140 points): needs docs_signed >= 900, i.e. 300 more
    assert "90%" in signed.next_step
    assert "140" in signed.next_step
    assert "docs_signed" in signed.next_step
    assert "900" in signed.next_step and "+300" in signed.next_step


def test_explain_proportional_next_step_inverts_the_ratio(demo):
    online = {d.criterion: d for d in demo.explain("ha_giang").deductions}["online_dossiers"]
    # target 50% of 583,139 = 291,569.5 → at least 291,570 online; 291,570 − 127,265 = 164,305
    assert "needs dossiers_online ≥ 291,570 (+164,305)" in online.next_step
    # the reason shows the rate 127,265/583,139 = 21.82...% and the target
    assert "21.8" in online.reason
    assert "50%" in online.reason


def test_explain_deduct_reason(demo):
    reporting = {d.criterion: d for d in demo.explain("ha_giang").deductions}["reporting"]
    assert "late_reports" in reporting.reason
    assert "30" in reporting.next_step


def test_explain_lines_cover_every_node(demo):
    explanation = demo.explain("ha_giang")
    assert [line.id for line in explanation.lines] == list(dtiscore.loads(DEMO).nodes)
    government = {line.id: line for line in explanation.lines}["government"]
    # 650 × rate/0.5 + 60
    assert government.points == pytest.approx(650 * (127265 / 583139) / 0.5 + 60)
    assert government.effective_max == 850


def test_explain_str_and_dict(demo):
    explanation = demo.explain("ha_giang")
    text = str(explanation)
    assert "ha_giang" in text
    assert "online_dossiers" in text
    assert explanation.to_dict()["unit"] == "ha_giang"


def test_explain_excluded_reason():
    fw = dtiscore.loads("""framework ex "Ex" {
        max 20
        input n number
        input has_procedures bool
        criterion a "A" max 10 {
            score n
            exclude when not has_procedures "Đơn vị không có thủ tục hành chính"
        }
        criterion b "B" max 10 { score n }
    }""")
    explanation = fw.score(dict(n=[4], has_procedures=[False])).explain(0)
    a = explanation.criteria[0]
    assert a.status == "excluded"
    assert a.reason == "Đơn vị không có thủ tục hành chính"
    assert a.lost == 0
    # rescale: 4 × 20/10 = 8 of 20 → b loses 12
    assert [d.criterion for d in explanation.deductions] == ["b"]
    assert explanation.deductions[0].lost == pytest.approx(12)


def test_explain_unknown_unit(demo):
    with pytest.raises(dtiscore.UnknownIdError):
        demo.explain("hanoi")
    with pytest.raises(dtiscore.UnknownIdError):
        demo.explain(5)


def test_table_columns(demo):
    table = demo.table()
    assert list(table) == ["unit", "total", "index", "rank", "awareness", "government"]
    assert list(table["unit"]) == ["ha_giang", "da_nang"]
    assert list(table["awareness"]) == [120, 150]


def test_explain_steps_below_every_band_points_to_the_nearest_band():
    result = dtiscore.loads(DEMO).score(dict(
        dossiers=[10], dossiers_online=[10], late_reports=[0], docs=[1000], docs_signed=[218]))
    signed = result.explain(0).deductions[0]
    assert signed.criterion == "signed_docs"
    assert signed.points == 0 and signed.lost == 200
    # 218/1000 = 21.8% → else; the next better band is >= 50% (60 points):
    # needs docs_signed >= 500, i.e. 282 more
    assert "21.8%" in signed.reason
    assert "50%" in signed.next_step and "60" in signed.next_step
    assert "needs docs_signed ≥ 500 (+282)" in signed.next_step


def test_explain_linear_and_award_next_steps():
    fw = dtiscore.loads("""framework nx "Next" {
        max 30
        input days number
        input resolution bool
        criterion speed "Speed" max 20 { linear days from 30 to 10 }
        criterion adopted "Adopted" max 10 { award when resolution }
    }""")
    explanation = fw.score(dict(days=[25], resolution=[False])).explain(0)
    steps = {d.criterion: d for d in explanation.deductions}
    # 25 days: 20 × (25 − 30)/(10 − 30) = 5 points, lost 15; full points at 10 days or fewer
    assert steps["speed"].points == pytest.approx(5)
    assert steps["speed"].lost == pytest.approx(15)
    assert "days ≤ 10" in steps["speed"].next_step
    assert "resolution" in steps["adopted"].next_step
    # most lost first: speed 15, adopted 10
    assert [d.criterion for d in explanation.deductions] == ["speed", "adopted"]

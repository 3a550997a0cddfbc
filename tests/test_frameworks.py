"""The shipped frameworks have exactly the structure the domain page (shared/DOMAIN.md)
publishes: groups, criteria counts and points per group, the pillar formula, the department
level's 800-point maximum, and each scores its sample data from the command line."""

import csv
import io
from pathlib import Path

import numpy as np
import pytest

import dtiscore
from dtiscore.cli import main
from dtiscore.io.tables import read_table, score_table

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "frameworks"
EXAMPLES = ROOT / "examples"

SHIPPED = {  # framework file → its sample data
    "vn-dti-province-2022.dti": "province-2022.csv",
    "vn-dti-province-2023.dti": "province-2023.csv",
    "vn-dti-department.dti": "department.csv",
    "vn-dti-district.dti": "district.csv",
    "vn-dti-province-2022-index.dti": "published/dti2022-top5-main-indices.csv",
    "vn-dti-province-2020-index.dti": "published/dti2020-pillars.csv",
    "vn-dti-ministry.dti": "ministry.csv",
    "vn-dti-commune.dti": "commune.csv",
}

FOUNDATION = [  # (id, title) — the five scored foundation indices
    ("awareness", "Nhận thức số"),
    ("institutions", "Thể chế số"),
    ("infrastructure", "Hạ tầng số"),
    ("workforce", "Nhân lực số"),
    ("cybersecurity", "An toàn thông tin mạng"),
]
ACTIVITY = [
    ("digital_government", "Hoạt động chính quyền số"),
    ("digital_economy", "Hoạt động kinh tế số"),
    ("digital_society", "Hoạt động xã hội số"),
]


def load(name):
    return dtiscore.load(FRAMEWORKS / name)


def criteria_under(framework, node_id):
    node = framework.node(node_id)
    if node.kind == "criterion":
        return 1
    return sum(criteria_under(framework, child) for child in node.children)


def shape(framework, node_id):
    """(title, criteria, points) of each child of a node."""
    return {child: (framework.node(child).title, criteria_under(framework, child), framework.node(child).max)
            for child in framework.node(node_id).children}


def scored(name):
    framework = load(name)
    return score_table(framework, read_table(EXAMPLES / SHIPPED[name]))


# ---------------------------------------------------------------- structure


def test_every_framework_file_is_tested():
    assert sorted(p.name for p in FRAMEWORKS.glob("*.dti")) == sorted(SHIPPED)


def test_province_2023_eight_groups_100_criteria_1000_points():
    framework = load("vn-dti-province-2023.dti")
    assert framework.root.max == 1000
    assert len(framework.criteria) == 100
    assert shape(framework, framework.root.id) == {
        "awareness": ("Nhận thức số", 10, 100),
        "institutions": ("Thể chế số", 11, 100),
        "infrastructure": ("Hạ tầng số", 7, 100),
        "workforce": ("Nhân lực số", 13, 100),
        "cybersecurity": ("An toàn thông tin mạng", 17, 100),
        "digital_government": ("Hoạt động chính quyền số", 22, 200),
        "digital_economy": ("Hoạt động kinh tế số", 12, 150),
        "digital_society": ("Hoạt động xã hội số", 8, 150),
    }
    assert "smart_city" not in framework.nodes  # smart city dropped


def test_province_2022_two_groups_nine_main_indices_98_criteria():
    framework = load("vn-dti-province-2022.dti")
    assert framework.root.max == 1000
    assert len(framework.criteria) == 98
    assert shape(framework, framework.root.id) == {
        "foundation": ("Nhóm chỉ số nền tảng chung", 56, 500),
        "activity": ("Nhóm chỉ số về hoạt động", 42, 500),
    }
    assert shape(framework, "foundation") == {
        "awareness": ("Nhận thức số", 10, 100),
        "institutions": ("Thể chế số", 11, 100),
        "infrastructure": ("Hạ tầng số", 7, 100),
        "workforce": ("Nhân lực số", 13, 100),
        "cybersecurity": ("An toàn thông tin mạng", 12, 100),
        "smart_city": ("Đô thị thông minh", 3, 0),  # listed, not scored
    }
    assert shape(framework, "activity") == {
        "digital_government": ("Hoạt động chính quyền số", 22, 200),
        "digital_economy": ("Hoạt động kinh tế số", 12, 150),
        "digital_society": ("Hoạt động xã hội số", 8, 150),
    }


def test_department_two_groups_six_main_indices():
    framework = load("vn-dti-department.dti")
    assert framework.root.max == 1000
    assert [(c, framework.node(c).max) for c in framework.root.children] == [("foundation", 500), ("activity", 500)]
    assert [(c, framework.node(c).title, framework.node(c).max) for c in framework.node("foundation").children] == [
        (id_, title, 100) for id_, title in FOUNDATION]
    assert [(c, framework.node(c).title, framework.node(c).max) for c in framework.node("activity").children] == [
        ("digital_government", "Hoạt động chính quyền số", 500)]


def test_district_two_groups_eight_main_indices():
    framework = load("vn-dti-district.dti")
    assert framework.root.max == 1000
    assert [(c, framework.node(c).max) for c in framework.root.children] == [("foundation", 500), ("activity", 500)]
    assert [(c, framework.node(c).title) for c in framework.node("foundation").children] == FOUNDATION
    assert [(c, framework.node(c).title) for c in framework.node("activity").children] == ACTIVITY
    assert [framework.node(c).max for c in framework.node("foundation").children] == [100] * 5
    assert [framework.node(c).max for c in framework.node("activity").children] == [200, 150, 150]


# ---------------------------------------------------------------- pillars


@pytest.mark.parametrize("name", ["vn-dti-province-2022.dti", "vn-dti-district.dti"])
def test_pillars_are_foundation_plus_activity_over_700_650_650(name):
    result = scored(name)
    foundation = result.points("foundation")
    views = result.view("pillar")
    for pillar, activity, top in [("government", "digital_government", 700),
                                  ("economy", "digital_economy", 650),
                                  ("society", "digital_society", 650)]:
        by_hand = (foundation + result.points(activity)) / top
        assert views[pillar].max == pytest.approx(np.full(len(result), top))
        assert views[pillar].index == pytest.approx(by_hand, abs=1e-12)
    # the DTI is total / 1000, not the mean of the pillars
    assert result.index == pytest.approx(result.total / 1000)
    mean = (views["government"].index + views["economy"].index + views["society"].index) / 3
    assert not np.allclose(result.index, mean)


def test_province_2023_pillars_are_the_five_foundation_groups_plus_activity():
    result = scored("vn-dti-province-2023.dti")
    foundation = sum(result.points(group) for group, _ in FOUNDATION)
    views = result.view("pillar")
    assert views["government"].index == pytest.approx((foundation + result.points("digital_government")) / 700)
    assert views["economy"].index == pytest.approx((foundation + result.points("digital_economy")) / 650)
    assert views["society"].index == pytest.approx((foundation + result.points("digital_society")) / 650)


# ---------------------------------------------------------------- department: out of 800


def test_departments_without_procedures_are_scored_out_of_800():
    table = read_table(EXAMPLES / "department.csv")
    result = score_table(load("vn-dti-department.dti"), table)
    has = np.array([cell.strip().lower() == "true" for cell in table.columns["has_procedures"]])
    assert has.any() and (~has).any()  # the sample has both kinds
    assert result.effective_max[has] == pytest.approx(1000)
    assert result.effective_max[~has] == pytest.approx(800)
    assert not result.applicable("procedures")[~has].any()
    assert result.index[~has] == pytest.approx(result.total[~has] / 800)


def test_departments_ranked_separately_by_has_procedures():
    table = read_table(EXAMPLES / "department.csv")
    result = score_table(load("vn-dti-department.dti"), table)
    ranks = result.rank(by="has_procedures")
    has = result.columns.values["has_procedures"] == 1
    for members in (has, ~has):
        totals = result.total[members]
        expected = [1 + int((totals > t).sum()) for t in totals]
        assert ranks[members].tolist() == expected


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_framework_scores_its_sample_from_the_command_line(name, capsys):
    data = EXAMPLES / SHIPPED[name]
    assert main(["score", str(FRAMEWORKS / name), str(data)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    units = [row["unit"] for row in csv.DictReader(io.StringIO(data.read_text(encoding="utf-8-sig")))]
    assert [row["unit"] for row in rows] == units
    totals = np.array([float(row["total"]) for row in rows])
    assert ((totals > 0) & (totals <= 1000)).all()
    assert sorted(int(row["rank"]) for row in rows)[0] == 1


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_framework_checks_cleanly(name, capsys):
    assert main(["check", str(FRAMEWORKS / name)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("ok")
    assert captured.err == ""


def test_readme_quick_start_uses_a_shipped_framework_and_its_sample():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.startswith("pip install . && dtiscore score"))
    framework, data = command.split()[-2:]
    assert (ROOT / framework).name in SHIPPED
    assert SHIPPED[(ROOT / framework).name] == (ROOT / data).name
    assert main(["score", str(ROOT / framework), str(ROOT / data)]) == 0


# ---------------------------------------------------------------- published figures


def published_rows(name):
    with open(EXAMPLES / "published" / name, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_2022_index_framework_reproduces_the_published_top_five(capsys):
    """`dtiscore score` on the published main indices gives the published DTI to the 4th
    decimal (TP. Hồ Chí Minh within the inputs' rounding: 0.716355 against 0.7163) and ranks 1-5."""
    assert main(["score", str(FRAMEWORKS / "vn-dti-province-2022-index.dti"),
                 str(EXAMPLES / "published" / "dti2022-top5-main-indices.csv")]) == 0
    scored_rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    published = published_rows("dti2022-top5-main-indices.csv")
    assert [r["unit"] for r in scored_rows] == [r["unit"] for r in published]
    assert [int(r["rank"]) for r in scored_rows] == [int(r["published_rank"]) for r in published] == [1, 2, 3, 4, 5]
    off = [abs(float(mine["index"]) - float(theirs["published_dti"])) for mine, theirs in zip(scored_rows, published)]
    assert [round(o, 6) for o in off] == [0.000025, 0.000055, 0.000045, 0.00004, 0.000005]
    assert max(off) <= 0.00005 + 0.00005  # the published rounding plus the inputs' (weights add up to 1)


def test_2022_index_framework_has_the_published_weights_and_pillars():
    framework = load("vn-dti-province-2022-index.dti")
    assert [framework.node(c).max for c in framework.criteria] == [100, 100, 100, 100, 100, 0, 200, 150, 150]
    assert [i.name for i in framework.ir.inputs] == [i for i, _ in FOUNDATION + ACTIVITY]
    result = framework.score({name: [1.0] for name, _ in FOUNDATION + ACTIVITY})
    assert {key: float(view.max[0]) for key, view in result.view("pillar").items()} == {
        "government": 700, "economy": 650, "society": 650}


def test_2020_index_framework_gives_the_published_group():
    """Sóc Trăng 2020: pillars 0.3105 / 0.1931 / 0.2021 → DTI 0.24276, Nhóm 4 (published)."""
    result = scored("vn-dti-province-2020-index.dti")
    published = published_rows("dti2020-pillars.csv")
    assert result.index == pytest.approx([0.4 * 0.3105 + 0.3 * 0.1931 + 0.3 * 0.2021])
    assert list(result.band()) == [r["published_group"] for r in published] == ["Nhóm 4"]

"""The command line of the analyses: explain (text and JSON), compare, sustain,
deductions."""

import csv
import io
import json

import pytest

from dtiscore.cli import main

FRAMEWORK = """framework cli "CLI demo" {
    max 100
    input dossiers count
    input online count <= dossiers
    input resolution bool
    param goal = 50%
    group gov "Government" max 60 {
        criterion online_rate "Online" max 60 tags pillar: government, focus: citizens {
            proportional ratio(online, dossiers) target goal
        }
    }
    group aware "Awareness" max 40 {
        criterion adopted "Adopted" max 40 tags pillar: society, focus: citizens { award when resolution }
    }
}
"""

# 2022: hanoi 48 + 40 = 88; hue 30 + 0 = 30
# 2023: hanoi 60 + 40 = 100 (online up); hue 60 × 0.2 + 40 = 52 (online down, adopted up)
Y2022 = "unit,dossiers,online,resolution\nhanoi,1000,400,có\nhue,200,50,không\n"
Y2023 = "unit,dossiers,online,resolution\nhanoi,1000,500,có\nhue,200,20,có\n"


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in (("cli.dti", FRAMEWORK), ("y2022.csv", Y2022), ("y2023.csv", Y2023)):
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    return {k: str(v) for k, v in paths.items()}


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_explain_json(files, capsys):
    assert main(["explain", files["cli.dti"], files["y2022.csv"], "--unit", "hue", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "dtiscore.explain/1"
    assert data["unit"] == "hue" and data["total"] == 30 and data["rank"] == 2
    assert data["deductions"] == ["adopted", "online_rate"]
    online = next(c for c in data["criteria"] if c["id"] == "online_rate")
    assert online["next"]["params"]["needs"][0] == {
        "input": "online", "label": "online", "kind": "count", "options": [], "op": ">=", "value": 100.0,
        "current": 50.0, "change": 50.0, "possible": True, "limit": None}


def test_explain_language_and_top(files, capsys):
    assert main(["explain", files["cli.dti"], files["y2022.csv"], "--unit", "hue", "--lang", "vi", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "tổng điểm 30/100" in out
    assert "adopted" in out and "online_rate" not in out.split("điểm bị trừ")[1].split("…")[0]
    assert "… 1 tiêu chí khác bị trừ điểm" in out


def test_compare(files, capsys):
    assert main(["compare", files["cli.dti"], files["y2022.csv"], files["y2023.csv"]]) == 0
    table = rows(capsys.readouterr().out)
    assert [r["unit"] for r in table] == ["hanoi", "hue"]
    assert [float(r["delta"]) for r in table] == [12, 22]
    assert [(r["up"], r["down"], r["unchanged"]) for r in table] == [("1", "0", "1"), ("1", "1", "0")]
    assert table[1]["gov_delta"] == "-18"


def test_compare_one_unit_with_labels(files, capsys):
    assert main(["compare", files["cli.dti"], files["y2022.csv"], files["y2023.csv"], "--unit", "hue",
                 "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "hue: 30 → 52 (+22), 1 criteria up, 1 down, 0 unchanged"
    assert main(["compare", files["cli.dti"], files["y2022.csv"], files["y2023.csv"],
                 "--labels", "self,reviewed", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0]["self"] == 88 and records[0]["reviewed"] == 100


def test_compare_one_unit_pillar_deltas(files, capsys):
    # hue's pillars (tag views) as indices: government 30/60 = 0.5 → 12/60 = 0.2 (−0.3);
    # society 0/40 → 40/40 (+1); focus citizens (both criteria) 30/100 → 52/100 (+0.22)
    assert main(["compare", files["cli.dti"], files["y2022.csv"], files["y2023.csv"], "--unit", "hue",
                 "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2:5] == ["  pillar: government 0.5 → 0.2 (-0.3)", "  pillar: society 0 → 1 (+1)",
                        "  focus: citizens 0.3 → 0.52 (+0.22)"]
    assert main(["compare", files["cli.dti"], files["y2022.csv"], files["y2023.csv"], "--unit", "hue",
                 "--labels", "y2022,y2023", "--format", "json"]) == 0
    pillars = json.loads(capsys.readouterr().out)["pillars"]
    assert [(p["key"], p["value"]) for p in pillars] == [("pillar", "government"), ("pillar", "society"),
                                                        ("focus", "citizens")]
    assert [p["y2022"] for p in pillars] == [0.5, 0.0, 0.3]
    assert [p["y2023"] for p in pillars] == [0.2, 1.0, 0.52]
    assert [round(p["delta"], 12) for p in pillars] == [-0.3, 1.0, 0.22]


def test_sustain(files, capsys):
    assert main(["sustain", files["cli.dti"], files["y2022.csv"], files["y2023.csv"]]) == 0
    table = rows(capsys.readouterr().out)
    # hanoi: adopted full both years (40); online 48 then 60 → not sustained (60)
    # hue: nothing full both years
    assert [(r["sustained"], r["sustained_points"]) for r in table] == [("1", "40"), ("0", "0")]
    assert main(["sustain", files["cli.dti"], files["y2022.csv"], files["y2023.csv"], "--unit", "hanoi",
                 "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("hanoi: 1 sustained criteria worth 40 points, 1 unsustained worth 60")


def test_deductions(files, capsys, tmp_path):
    assert main(["deductions", files["cli.dti"], files["y2022.csv"], "--top", "1"]) == 0
    table = rows(capsys.readouterr().out)
    assert [(r["unit"], r["criterion"], r["lost"]) for r in table] == [("hanoi", "online_rate", "12"),
                                                                        ("hue", "adopted", "40")]
    assert table[1]["reason"] == "resolution: no → 0 of 40 points"


def test_unknown_unit_is_an_error(files, capsys):
    assert main(["compare", files["cli.dti"], files["y2022.csv"], files["y2023.csv"], "--unit", "hn"]) == 1
    assert "hn" in capsys.readouterr().err


def test_compare_one_unit_json_contributions_add_up(files, capsys):
    assert main(["compare", files["cli.dti"], files["y2022.csv"], files["y2023.csv"], "--unit", "hue",
                 "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["delta"] == 22
    assert {part["kind"] for part in found["contributions"]} <= {"data", "applicability", "rescale", "framework"}
    assert abs(sum(part["points"] for part in found["contributions"]) - found["delta"]) < 1e-9
    assert set(found["rank"]) == {"before", "after"}

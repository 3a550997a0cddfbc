"""Framework diff: nodes matched by id then title; what changed; the same data under both."""

import json

import pytest

import dtiscore
from dtiscore.cli import main

OLD = '''framework city "City 2022" {
    max 30
    on_missing zero
    input online share
    input staff count
    input plan bool
    param goal = 50%
    let staffed = staff >= 2
    group services "Services" max 20 {
        criterion online_rate "Online dossiers" max 10 { proportional online target goal }
        criterion portal "Portal" max 10 { award when plan }
    }
    group people "People" max 10 {
        criterion staff_ok "Staff" max 10 { award when staffed }
    }
}
'''

NEW = '''framework city "City 2023" {
    max 40
    on_missing zero
    input online share
    input staff count
    input plan bool
    input has_app bool
    param goal = 80%
    let staffed = staff >= 3
    group services "Services" max 15 {
        criterion online_share "Online dossiers" max 10 { proportional online target goal }
        criterion app "Mobile app" max 5 { award when has_app }
    }
    group people "People" max 25 {
        criterion staff_ok "Staff" max 10 { award when staffed }
        criterion portal "Portal" max 15 { award when plan on_missing exclude }
    }
}
'''


@pytest.fixture
def pair():
    return dtiscore.loads(OLD), dtiscore.loads(NEW)


def kinds(found, kind):
    return [(c.node, c.old, c.new) for c in found.of_kind(kind)]


def test_every_kind_of_change(pair):
    found = dtiscore.diff(*pair)
    assert kinds(found, "added") == [("app", None, "Mobile app")]
    assert kinds(found, "removed") == []
    # online_rate's id changed, its title did not: renamed, not removed and added
    assert kinds(found, "renamed") == [("online_share", "online_rate", "online_share")]
    assert kinds(found, "moved") == [("portal", "services", "people")]
    assert kinds(found, "title") == [("city", "City 2022", "City 2023")]
    assert kinds(found, "max") == [("city", 30, 40), ("services", 20, 15), ("portal", 10, 15), ("people", 10, 25)]
    assert kinds(found, "formula") == [("online_share", "proportional online target 0.5",
                                        "proportional online target 0.8")]
    assert [(c.node, c.what, c.old, c.new) for c in found.of_kind("policy")] == \
        [("portal", "on_missing", "zero", "exclude")]
    assert kinds(found, "let") == [("staffed", "staff >= 2", "staff >= 3")]
    assert kinds(found, "param") == [("goal", 0.5, 0.8)]
    assert found.comparison is None


def test_no_change_against_itself(pair):
    assert dtiscore.diff(pair[0], pair[0]).changes == ()


def test_removed_when_neither_id_nor_title_matches():
    old = dtiscore.loads(OLD)
    new = dtiscore.loads(OLD.replace('criterion portal "Portal"', 'criterion site "Website"'))
    found = dtiscore.diff(old, new)
    assert kinds(found, "added") == [("site", None, "Website")]
    assert kinds(found, "removed") == [("portal", "Portal", None)]


def test_the_same_data_under_both(pair):
    # unit a: online 40%, staff 2, plan yes; unit b: online 100%, staff 5, no plan
    # old: a = 10×0.4/0.5 + 10 + 10 = 28; b = 10 + 0 + 10 = 20
    # new: a = 10×0.4/0.8 + 0 (no app column: missing, zero) + 0 (staff < 3) + 15 = 20; b = 10 + 0 + 10 + 0 = 20
    data = {"online": [0.4, 1.0], "staff": [2, 5], "plan": [True, False]}
    found = dtiscore.diff(*pair, data=data, units=["a", "b"])
    assert found.absent == ((), ("has_app",))
    assert found.comparison.before.tolist() == pytest.approx([28, 20])
    assert found.comparison.after.tolist() == pytest.approx([20, 20])
    assert found.to_dict()["units"][0] == {"unit": "a", "old": pytest.approx(28), "new": pytest.approx(20),
                                           "delta": pytest.approx(-8)}
    assert "  a: 28 → 20 (-8)" in found.text().splitlines()


def test_text_shows_both_formulas(pair):
    lines = dtiscore.diff(*pair).text().splitlines()
    assert lines[0] == "city → city: 12 changes"
    assert "  formula online_share:" in lines
    assert "    old: proportional online target 0.5" in lines
    assert "    new: proportional online target 0.8" in lines
    assert "  renamed online_rate → online_share" in lines
    assert "  moved portal: from services to people" in lines


def test_shipped_province_frameworks():
    old = dtiscore.load("frameworks/vn-dti-province-2022.dti")
    new = dtiscore.load("frameworks/vn-dti-province-2023.dti")
    found = dtiscore.diff(old, new)
    assert {c.node for c in found.of_kind("removed")} >= {"smart_city", "city_ioc"}
    assert ("sec_incidents", "deduct 2 per incidents_unresolved", "deduct 1 per incidents_unresolved") \
        in kinds(found, "formula")
    assert ("sec_soc", 10, 5) in kinds(found, "max")


def test_cli_text_json_and_data(tmp_path, capsys):
    old, new, data = tmp_path / "old.dti", tmp_path / "new.dti", tmp_path / "data.csv"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    data.write_text("unit,online,staff,plan\na,40%,2,yes\nb,100%,5,no\n", encoding="utf-8")
    assert main(["diff", str(old), str(new)]) == 0
    assert "  param goal: 0.5 → 0.8" in capsys.readouterr().out.splitlines()
    assert main(["diff", str(old), str(new), "--data", str(data), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["absent"] == {"old": [], "new": ["has_app"]}
    assert [(u["unit"], round(u["delta"], 9)) for u in out["units"]] == [("a", -8), ("b", 0)]
    assert {"kind": "renamed", "node": "online_share", "old": "online_rate", "new": "online_share"} in out["changes"]


def test_cli_data_that_cannot_be_scored(tmp_path, capsys):
    old, data = tmp_path / "old.dti", tmp_path / "data.csv"
    old.write_text(OLD.replace("on_missing zero", "on_missing error"), encoding="utf-8")
    data.write_text("unit,online,staff\na,40%,2\n", encoding="utf-8")
    assert main(["diff", str(old), str(old), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{data} cannot be scored under {old}:")
    assert "plan" in err

"""An explanation's reasons and next steps are worked out when first read, criterion by
criterion, and are then the same values as worked out at once: compared, copied, pickled and
shown like plain `Deduction`s."""

import copy
import pickle

import attrs
import pytest

import dtiscore
from dtiscore.explain import whatif
from dtiscore.explain.explanation import Deduction, explanation_dict

FRAMEWORK = """framework lazy "Lazy" {
    max 300
    on_missing zero
    input online count "Số hồ sơ trực tuyến" <= dossiers
    input dossiers count
    input late count
    input a number
    criterion prop "Tỷ lệ" max 100 { proportional ratio(online, dossiers) target 50% }
    criterion ded  "Muộn" max 100 { deduct 30 per late }
    criterion miss "Thiếu" max 100 { score a }
}"""


@pytest.fixture(scope="module")
def result():
    data = {"online": [10, 60], "dossiers": [100, 100], "late": [2, 0], "a": [float("nan"), 100.0]}
    return dtiscore.loads(FRAMEWORK).score(data, units=["x", "y"])


def test_explaining_works_out_no_next_step_until_one_is_read(result, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("next steps were worked out")

    monkeypatch.setattr(whatif.Ladders, "__init__", refuse)
    explanation = result.explain("x", lang="en")
    assert [d.criterion for d in explanation.deductions] == ["miss", "prop", "ded"]  # 100, 80 and 60 lost
    assert [c.code for c in explanation.criteria] == ["proportional.below", "deduct", "missing"]
    assert explanation.criteria[0].lost == pytest.approx(80.0)  # 10% of a 50% target: 20 of 100
    with pytest.raises(AssertionError, match="next steps were worked out"):
        explanation.criteria[0].reason


def test_read_later_it_is_what_it_was(result):
    explanation = result.explain("x", lang="en")
    prop, ded, miss = explanation.criteria
    assert prop.reason == "ratio(online, dossiers) = 10% < target 50% → 20 of 100 points"
    assert prop.next_step == "full points (100); needs online ≥ 50 (+40)"
    assert ded.reason == "late = 2, 30 points off each → 40 of 100 points"
    assert miss.reason == "no value for a → 0 of 100 points" and miss.next_step == "report a"
    assert prop.why.code == "proportional.below" and prop.step.code == "full"
    plain = Deduction(*(getattr(prop, f.name) for f in attrs.fields(Deduction)))
    assert repr(prop) == repr(plain) and repr(prop).startswith("Deduction(criterion='prop'")
    for twin in (pickle.loads(pickle.dumps(prop)), copy.copy(prop)):
        assert type(twin) is Deduction and twin == plain
    assert explanation == result.explain("x", lang="en")  # every field compared, reasons too
    assert explanation != result.explain("y", lang="en")
    assert explanation_dict(explanation)["criteria"][1]["next"]["text"] == \
        "70 points (30 back for each one fewer); needs late ≤ 1 (-1)"

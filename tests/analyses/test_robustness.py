"""Robustness to rejected evidence: exact worst ranks, proven against brute force."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import dtiscore
from dtiscore.analyses.robustness import evidence_items, robustness
from dtiscore.cli import main

SMALL = '''framework t "T" {
    max 40
    on_exclude rescale
    input plan bool
    input report bool
    input site bool
    input staff number in 0 .. 10
    input skip bool
    group a "A" max 20 {
        criterion a1 "Plan" max 10 { award when plan evidence plan }
        criterion a2 "Report" max 10 { score staff evidence report exclude when skip }
    }
    group b "B" max 20 cap {
        criterion b1 "Site" max 15 { award when staff > 3 evidence site }
        criterion b2 "Plan again" max 10 { score staff evidence plan }
    }
}
'''


def test_by_hand():
    framework = dtiscore.loads(SMALL)
    assert evidence_items(framework) == ("plan", "report", "site")
    data = {"plan": [True, True], "report": [True, False], "site": [True, True], "staff": [6, 9], "skip": [False, False]}
    result = framework.score(data, units=["x", "y"])
    # x: a = 10 + 6 = 16, b = min(15 + 6, 20) = 20 → 36; y: a = 10 + 0 = 10, b = 20 → 30
    assert result.total.tolist() == pytest.approx([36, 30])
    one = robustness(result, 1)
    # x loses most by rejecting plan: a1 0, b2 0 → a = 6, b = 15 → 21 (site: b = 6 → 22; report: a = 10 → 30)
    assert one.worst_total.tolist() == pytest.approx([21, 15])  # y without plan: a 0, b 15
    assert one.items == (("plan",), ("plan",))
    assert one.worst_rank.tolist() == [2, 2]
    none = robustness(result, 0)
    assert none.worst_rank.tolist() == [1, 2] and none.items == ((), ())
    # y claimed no report: rejecting every item leaves y at a = 0, b = 0
    assert robustness(result, 3).worst_total.tolist() == pytest.approx([0, 0])
    assert robustness(result, 3).items[1] == ("plan", "site")  # the smallest set that gets there


rows = st.lists(st.tuples(st.sampled_from([True, False, None]), st.sampled_from([True, False]),
                          st.sampled_from([True, False]), st.sampled_from([0.0, 2.0, 4.0, 6.0, 10.0]),
                          st.booleans()), min_size=1, max_size=5)


@settings(max_examples=40, deadline=None)
@given(rows, st.integers(0, 3))
def test_equals_brute_force(units, k):
    framework = dtiscore.loads(SMALL.replace("on_exclude rescale", "on_exclude rescale\n    on_missing zero"))
    names = ("plan", "report", "site", "staff", "skip")
    data = {name: [row[i] for row in units] for i, name in enumerate(names)}
    result = framework.score(data)
    found = robustness(result, k)
    items = evidence_items(framework)
    for u in range(len(units)):
        worst_total, worst_rank = result.total[u], result.rank()[u]
        for size in range(1, k + 1):
            for chosen in combinations(items, size):
                changed = {name: list(values) for name, values in data.items()}
                for name in chosen:
                    if changed[name][u] is True:
                        changed[name][u] = False
                scored = framework.score(changed)
                worst_total = min(worst_total, scored.total[u])
                worst_rank = max(worst_rank, scored.rank()[u])
        assert found.worst_total[u] == pytest.approx(worst_total, abs=1e-9)
        assert found.worst_rank[u] == worst_rank
        assert found.worst_rank[u] >= found.rank[u]
        # the items named give that total
        changed = {name: list(values) for name, values in data.items()}
        for name in found.items[u]:
            assert changed[name][u] is True  # only what the unit claimed
            changed[name][u] = False
        assert framework.score(changed).total[u] == pytest.approx(worst_total, abs=1e-9)


def test_shipped_provinces_within_three_rejections():
    from dtiscore.io.tables import read_table, score_table

    framework = dtiscore.load("frameworks/vn-dti-province-2022.dti")
    result = score_table(framework, read_table("examples/province-2022.csv"))
    found = robustness(result, 3)
    i = result.units.index("TP. Hồ Chí Minh")
    assert (found.rank[i], found.worst_rank[i]) == (1, 2)
    assert np.all(found.worst_rank >= found.rank)
    assert all(len(items) <= 3 for items in found.items)


def test_bad_k():
    result = dtiscore.loads(SMALL).score({"plan": [True], "report": [True], "site": [True], "staff": [1], "skip": [False]})
    with pytest.raises(dtiscore.DtiError, match="a whole number ≥ 0, not -1"):
        robustness(result, -1)


def test_cli(tmp_path, capsys):
    dti, data = tmp_path / "t.dti", tmp_path / "d.csv"
    dti.write_text(SMALL, encoding="utf-8")
    data.write_text("unit,plan,report,site,staff,skip\nx,yes,yes,yes,6,no\ny,yes,no,yes,9,no\n", encoding="utf-8")
    assert main(["robustness", str(dti), str(data), "--reject", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == ["unit,rank,worst_rank,items", "x,1,2,plan", "y,2,2,plan"]

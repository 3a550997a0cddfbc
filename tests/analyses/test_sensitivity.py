"""Sensitivity: rank intervals over ranges of params, every sample scored in one pass."""

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

import dtiscore
from dtiscore.analyses.copies import row_ranks
from dtiscore.analyses.sensitivity import sensitivity
from dtiscore.cli import main
from dtiscore.engine.ranks import competition_rank
from dtiscore.testing import frameworks, inputs

TWO = '''framework t "T" {
    max 20
    input online share
    input v number
    param goal = 50%
    criterion p "Online" max 10 { proportional online target goal }
    criterion q "Other" max 10 { score v }
}
'''


def test_ranks_by_hand():
    # a: online 30%, v 4 → 10 × min(0.3 / goal, 1) + 4; b: online 60%, v 0 → 10 for any goal ≤ 0.6.
    # For goal in (0.3, 0.6): a = 3 / goal + 4 beats b = 10 exactly when goal < 0.5.
    result = dtiscore.loads(TWO).score({"online": [0.3, 0.6], "v": [4, 0]}, units=["a", "b"])
    assert result.rank().tolist() == [1, 1]  # goal = 50%: both 10
    found = sensitivity(result, {"goal": (0.35, 0.55)}, samples=400, seed=3)
    goal = found.draws["goal"]
    assert goal.min() >= 0.35 and goal.max() <= 0.55
    assert found.ranks[:, 0].tolist() == np.where(goal < 0.5, 1, 2).tolist()
    assert found.ranks[:, 1].tolist() == np.where(goal < 0.5, 2, 1).tolist()
    share_first = np.mean(goal < 0.5)  # about (0.5 - 0.35) / 0.2 = 75%
    assert 0.65 < share_first < 0.85
    assert found.rank_low.tolist() == [1, 1] and found.rank_high.tolist() == [2, 2]
    assert found.rank_median.tolist() == [1, 2]


def test_the_same_seed_draws_the_same_samples():
    result = dtiscore.loads(TWO).score({"online": [0.3, 0.6], "v": [4, 0]})
    one, two = (sensitivity(result, {"goal": (0.35, 0.55)}, samples=50, seed=7) for _ in range(2))
    assert one.draws["goal"].tolist() == two.draws["goal"].tolist()
    assert one.ranks.tolist() == two.ranks.tolist()


def test_one_pass_equals_loading_each_sample():
    framework = dtiscore.load("frameworks/vn-dti-province-2022.dti")
    from dtiscore.io.tables import read_table, score_table
    table = read_table("examples/province-2022.csv")
    result = score_table(framework, table)
    vary = {"online_target": (0.3, 0.7), "fiber_target": (0.6, 0.95), "dt_budget_target": (0.005, 0.02)}
    found = sensitivity(result, vary, samples=12, seed=11)
    assert found.ranks.shape == (12, 63)
    for s in range(12):
        params = {name: float(draw[s]) for name, draw in found.draws.items()}
        alone = score_table(dtiscore.load("frameworks/vn-dti-province-2022.dti", params=params), table)
        assert found.ranks[s].tolist() == alone.rank().tolist()


units = st.lists(st.tuples(st.floats(0, 1), st.floats(0, 10)), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(units, st.floats(0.05, 1))
def test_zero_width_ranges_give_the_nominal_rank(rows, goal):
    framework = dtiscore.loads(TWO, params={"goal": goal})
    result = framework.score({"online": [r[0] for r in rows], "v": [r[1] for r in rows]})
    found = sensitivity(result, {"goal": (goal, goal)}, samples=5, seed=0)
    for column in ("rank_median", "rank_low", "rank_high"):
        assert found.table()[column].tolist() == result.rank().tolist()


@settings(max_examples=40, deadline=None)
@given(units, st.floats(0.05, 1), st.floats(0.05, 1), st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_the_interval_holds_the_median(rows, a, b, samples, seed):
    result = dtiscore.loads(TWO).score({"online": [r[0] for r in rows], "v": [r[1] for r in rows]})
    found = sensitivity(result, {"goal": (min(a, b), max(a, b))}, samples=samples, seed=seed)
    assert np.all(found.rank_low <= found.rank_median) and np.all(found.rank_median <= found.rank_high)
    assert np.all(found.ranks >= 1) and np.all(found.ranks <= len(rows))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 1.0, 2.5, 1.0 + 1e-12, 7.0]), min_size=4, max_size=4),
                min_size=1, max_size=5))
def test_row_ranks_rank_each_row_as_results_do(rows):
    totals = np.array(rows)
    assert row_ranks(totals).tolist() == [competition_rank(row).tolist() for row in totals]


def test_row_ranks_in_parts_of_rows(monkeypatch):
    from dtiscore.analyses import copies as module

    totals = np.round(np.random.default_rng(3).random((10, 6)) * 4) / 2  # ties in most rows
    monkeypatch.setattr(module, "RANK_ROWS", 3)  # parts of 3, 3, 3 and 1 rows
    assert row_ranks(totals).tolist() == [competition_rank(row).tolist() for row in totals]


@pytest.mark.parametrize("vary, message", [
    ({"gaol": (0.1, 0.2)}, "no param 'gaol' (did you mean 'goal'?)"),
    ({"goal": (0.6, 0.2)}, "the range of param 'goal' must go from a low to a high finite number, not 0.6..0.2"),
    ({"goal": (0.5, 1.5)}, "param 'goal' is a share"),
    ({}, "name at least one param to vary, or vary the weights"),
])
def test_bad_ranges(vary, message):
    result = dtiscore.loads(TWO).score({"online": [0.3], "v": [1]})
    with pytest.raises(dtiscore.DtiError, match=None) as caught:
        sensitivity(result, vary)
    assert message in str(caught.value)


STEPS = TWO.replace("param goal = 50%", "param goal = 50%\n    param limit = 5").replace(
    "{ score v }", "{ steps v { >= limit: 10 else: 0 } }")


def test_a_param_that_sets_a_band_is_varied():
    # a: online 50% → 10, v 4 → 10 where limit ≤ 4; b: online 25% → 5, v 6 → 10 where limit ≤ 6.
    # limit ≤ 4: a 20, b 15; 4 < limit ≤ 6: a 10, b 15 (b first); limit > 6: a 10, b 5.
    framework = dtiscore.loads(STEPS)
    data = {"online": [0.5, 0.25], "v": [4, 6]}
    found = sensitivity(framework.score(data, units=["a", "b"]), {"limit": (3, 7)}, samples=200, seed=4)
    limit = found.draws["limit"]
    assert found.ranks[:, 0].tolist() == np.where((limit > 4) & (limit <= 6), 2, 1).tolist()
    assert found.ranks[:, 1].tolist() == np.where((limit > 4) & (limit <= 6), 1, 2).tolist()
    for s in range(5):
        alone = dtiscore.loads(STEPS, params={"limit": float(limit[s])}).score(data)
        assert found.ranks[s].tolist() == alone.rank().tolist()


def test_a_param_that_sets_another_params_value_cannot_be_varied():
    text = STEPS.replace("param limit = 5", "param limit = 5\n    param stretch = limit * 1.2").replace(
        ">= limit: 10", ">= stretch: 10")
    result = dtiscore.loads(text).score({"online": [0.3], "v": [1]})
    with pytest.raises(dtiscore.DtiError, match="cannot be varied sample by sample: it sets a max or another param"):
        sensitivity(result, {"limit": (4, 6)})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_one_pass_equals_loading_each_sample_on_generated_frameworks(data):
    text = data.draw(frameworks(max_criteria=6, population=False))
    framework = dtiscore.loads(text)
    numeric = [name for name, value in framework.params.items() if not isinstance(value, bool)]
    if not numeric:
        return
    name = data.draw(st.sampled_from(numeric))
    value = float(framework.params[name])
    rows = data.draw(inputs(framework, min_units=1, max_units=8))
    result = framework.score(rows)
    try:
        found = sensitivity(result, {name: (min(0.8 * value, value), max(0.8 * value, value))}, samples=3, seed=1)
    except dtiscore.DtiError as error:  # a max, another param's value, an end that does not check
        event(str(error).split(":")[0][:40])
        return
    event("varied")
    for s in range(3):
        alone = dtiscore.loads(text, params={name: float(found.draws[name][s])}).score(rows)
        assert found.ranks[s].tolist() == alone.rank().tolist()


def test_a_param_read_by_a_population_function_cannot_be_varied():
    text = TWO.replace("target goal", "target max(best(online * goal), 0.01)")
    result = dtiscore.loads(text).score({"online": [0.3, 0.5], "v": [1, 2]})
    with pytest.raises(dtiscore.DtiError, match=r"read by best\(\.\.\.\)"):
        sensitivity(result, {"goal": (0.4, 0.6)})


def test_cli(tmp_path, capsys):
    dti, data = tmp_path / "t.dti", tmp_path / "d.csv"
    dti.write_text(TWO, encoding="utf-8")
    data.write_text("unit,online,v\na,30%,4\nb,60%,0\n", encoding="utf-8")
    assert main(["sensitivity", str(dti), str(data), "--vary", "goal=50%..50%", "--samples", "10"]) == 0
    assert capsys.readouterr().out.splitlines() == ["unit,rank,rank_median,rank_low,rank_high", "a,1,1,1,1", "b,1,1,1,1"]
    assert main(["sensitivity", str(dti), str(data), "--vary", "goal=0.4"]) == 1
    assert "write NAME=LO..HI" in capsys.readouterr().err


def test_samples_in_several_passes_give_the_same_ranks(monkeypatch):
    from dtiscore.analyses import copies as module

    result = dtiscore.loads(TWO).score({"online": [0.3, 0.6, 0.45], "v": [4, 0, 2.5]})
    whole = sensitivity(result, {"goal": (0.3, 0.7)}, samples=40, seed=5)
    monkeypatch.setattr(module, "ROWS", 7)  # two samples of 3 units a pass
    parts = sensitivity(result, {"goal": (0.3, 0.7)}, samples=40, seed=5)
    assert parts.ranks.tolist() == whole.ranks.tolist()
    assert len(set(map(tuple, whole.ranks.tolist()))) > 1  # the ranks do move


GROUPS = '''framework g "G" {
    max 40
    input x number
    input y number
    param goal = 10
    group one "One" max 20 { criterion c1 "C1" max 20 { proportional x target goal } }
    group two "Two" max 20 { criterion c2 "C2" max 20 { score y } }
}
'''


def test_weights_by_hand():
    # a: one 20 (x 10), two 10; b: one 10 (x 5), two 20 → 30 each. a beats b when 20 f1 + 10 f2 > 10 f1 + 20 f2,
    # that is when f1 > f2.
    result = dtiscore.loads(GROUPS).score({"x": [10, 5], "y": [10, 20]}, units=["a", "b"])
    found = sensitivity(result, weights=0.2, samples=300, seed=2)
    f1, f2 = found.weights["one"], found.weights["two"]
    assert f1.min() >= 0.8 and f1.max() <= 1.2 and set(found.weights) == {"one", "two"}
    assert found.ranks[:, 0].tolist() == np.where(f1 > f2, 1, 2).tolist()
    assert found.ranks[:, 1].tolist() == np.where(f1 > f2, 2, 1).tolist()


def test_weights_with_params_in_one_pass():
    # goal drawn too: a's group one is 20 × min(10 / goal, 1), b's 20 × min(5 / goal, 1)
    result = dtiscore.loads(GROUPS).score({"x": [10, 5], "y": [10, 20]}, units=["a", "b"])
    found = sensitivity(result, {"goal": (5, 20)}, weights=0.1, samples=200, seed=4)
    goal, f1, f2 = found.draws["goal"], found.weights["one"], found.weights["two"]
    a = 20 * np.minimum(10 / goal, 1) * f1 + 10 * f2
    b = 20 * np.minimum(5 / goal, 1) * f1 + 20 * f2
    assert found.ranks[:, 0].tolist() == np.where(np.round(a, 9) >= np.round(b, 9), 1, 2).tolist()


def test_zero_weights_give_the_nominal_rank():
    result = dtiscore.loads(GROUPS).score({"x": [10, 5, 7], "y": [10, 20, 3]})
    found = sensitivity(result, weights=0.0, samples=20)
    assert found.rank_low.tolist() == found.rank_high.tolist() == result.rank().tolist()


def test_cli_weights(tmp_path, capsys):
    dti, data = tmp_path / "g.dti", tmp_path / "d.csv"
    dti.write_text(GROUPS, encoding="utf-8")
    data.write_text("unit,x,y\na,10,10\nb,5,20\nc,1,1\n", encoding="utf-8")
    assert main(["sensitivity", str(dti), str(data), "--vary-weights", "±20%", "--samples", "200"]) == 0
    lines = [line.split(",") for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == ["unit", "rank", "rank_median", "rank_low", "rank_high"]
    # a and b tie at 30 as scored and swap places with the weights; c (2 points) stays last
    assert [(row[0], row[1], row[3], row[4]) for row in lines[1:]] == [("a", "1", "1", "2"), ("b", "1", "1", "2"),
                                                                     ("c", "3", "3", "3")]
    assert main(["sensitivity", str(dti), str(data)]) == 1
    assert "name at least one param to vary, or vary the weights" in capsys.readouterr().err

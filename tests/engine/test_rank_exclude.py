"""`rank exclude when COND "reason"`: units assessed but not ranked (Hải Dương 2023 assessed two
units without public services and did not rank them). Hand-computed ranks, the property
that excluded units are never ranked and the others are ranked among themselves, and the
engine against the reference interpreter on generated frameworks."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.engine.ranks import NO_RANK, competition_rank, rank_within
from dtiscore.errors import CheckError, DtiError
from dtiscore.language import reference
from dtiscore.language.fmt import format_text
from dtiscore.language.reference import Reference
from dtiscore.engine.columns import to_columns
from dtiscore.testing import frameworks, inputs

SOURCE = '''framework m "Bộ, ngành" {
    max 100
    input services bool  "Có dịch vụ công"
    input sector   choice(economy, society)
    input a        share
    rank exclude when not services "Không cung cấp dịch vụ công trực tuyến"
    criterion c "C" max 60 {
        proportional a
    }

    group g "G" max 40 tags pillar: p {
        criterion d "D" max 40 {
            award when a >= 50%
        }
    }
}
'''
DATA = {
    "unit": ["A", "B", "C", "D", "E", "F"],
    "services": [True, False, True, True, False, True],
    "sector": ["economy", "economy", "society", "economy", "society", "society"],
    "a": [0.5, 0.9, 0.7, 0.5, 0.2, 0.25],
}
# totals: A 30+40 = 70, B 54+40 = 94, C 42+40 = 82, D 70, E 12, F 15; B and E are not ranked


def score(data: dict):
    return dtiscore.loads(SOURCE).score({k: v for k, v in data.items() if k != "unit"}, units=data["unit"])


@pytest.fixture(scope="module")
def result():
    return score(DATA)


def test_hand_computed_ranks(result):
    np.testing.assert_allclose(result.total, [70, 94, 82, 70, 12, 15])
    assert result.rank().tolist() == [2, 0, 1, 2, 0, 4]  # B (the best total) and E get no rank
    assert result.ranked.tolist() == [True, False, True, True, False, True]


def test_peer_groups_apply_the_same_rule(result):
    # economy: A 70, B 94 (not ranked), D 70 → A 1, D 1; society: C 82, E (not ranked), F 15
    assert result.rank(by="sector").tolist() == [1, 0, 1, 1, 0, 2]


def test_node_and_tag_view_ranks_leave_the_same_units_out(result):
    # c's index is a: A .5, C .7, D .5, F .25 → C 1, A 2, D 2, F 4
    assert result.rank(node="c").tolist() == [2, 0, 1, 2, 0, 4]
    # g (and the view pillar.p) is 1 for a >= 50%: A, C, D tie at 1; F last
    assert result.rank(node="g").tolist() == [1, 0, 1, 1, 0, 4]
    assert result.rank(node="pillar.p").tolist() == [1, 0, 1, 1, 0, 4]
    with pytest.raises(DtiError, match="did you mean 'pillar.p'"):
        result.rank(node="pillar.q")


def test_score_table_leaves_the_rank_cell_empty(result):
    table = result.table()
    assert table["rank"] == [2, None, 1, 2, None, 4]
    assert table["pillar.p.rank"] == [1, None, 1, 1, None, 4]


def test_pandas_frame_has_no_rank_as_na(result):
    frame = result.to_pandas()
    assert list(frame.columns)[:5] == ["total", "index", "rank", "pillar.p.index", "pillar.p.rank"]
    assert str(frame["rank"].dtype) == "Int64" and frame["rank"].isna().tolist() == [False, True, False, False, True, False]
    assert frame.loc["F", "rank"] == 4


def test_explanation_says_why_there_is_no_rank(result):
    unranked = result.explain("B", lang="en")
    assert unranked.rank is None and unranked.unranked == "Không cung cấp dịch vụ công trực tuyến"
    assert "not ranked: Không cung cấp dịch vụ công trực tuyến" in str(unranked)
    assert unranked.to_dict()["rank"] is None
    ranked = result.explain("F", lang="vi")
    assert ranked.rank == 4 and ranked.unranked is None and "xếp hạng 4/6" in str(ranked)


def test_a_condition_with_no_value_takes_no_rank_away():
    result = score({**DATA, "services": [True, None, True, True, False, True]})
    assert result.rank().tolist() == [3, 1, 2, 3, 0, 5]


def test_every_unit_unranked_gives_no_ranks():
    result = score({**DATA, "services": [False] * 6})
    assert result.rank().tolist() == [NO_RANK] * 6 and result.table()["rank"] == [None] * 6


def test_the_condition_is_checked():
    with pytest.raises(CheckError) as error:
        dtiscore.loads(SOURCE.replace("rank exclude when not services", "rank exclude when a"))
    assert "'rank exclude when'" in str(error.value)
    with pytest.raises(CheckError, match="servics"):
        dtiscore.loads(SOURCE.replace("when not services", "when not servics"))


def test_fmt_round_trips_it():
    assert format_text(SOURCE) == SOURCE
    squeezed = SOURCE.replace('rank exclude when not services "', 'rank   exclude when (not services)   "')
    assert "rank exclude when (not services) \"Không" in format_text(squeezed)


def test_reference_ranks_by_hand():
    framework = dtiscore.loads(SOURCE)
    columns = to_columns(framework.ir, {k: v for k, v in DATA.items() if k != "unit"})
    rows = [{n: float(c[i]) for n, c in columns.values.items()} for i in range(6)]
    ref = Reference(framework.ir, rows)
    ranked = [ref.unit(i).ranked for i in range(6)]
    totals = [ref.unit(i).points["m"] for i in range(6)]
    assert ranked == [True, False, True, True, False, True]
    assert reference.ranks(totals, ranked) == [2, 0, 1, 2, 0, 4]


def test_cli_score_and_explain(tmp_path, capsys):
    from dtiscore.cli import main

    (tmp_path / "m.dti").write_text(SOURCE, encoding="utf-8")
    lines = ["unit,services,sector,a"] + [f"{u},{s},{k},{a}" for u, s, k, a in
                                          zip(DATA["unit"], DATA["services"], DATA["sector"], DATA["a"])]
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for chunk in ([], ["--chunk-size", "2"]):
        assert main(["score", str(tmp_path / "m.dti"), str(tmp_path / "m.csv"), "--rank-by", "sector"] + chunk) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith("unit,total,index,rank,sector")
        assert [line.split(",")[3] for line in out[1:]] == ["1", "", "1", "1", "", "2"]
    assert main(["explain", str(tmp_path / "m.dti"), str(tmp_path / "m.csv"), "--unit", "E", "--lang", "en"]) == 0
    assert "not ranked: Không cung cấp" in capsys.readouterr().out


# ---- properties -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30).flatmap(
    lambda v: st.tuples(st.just(v), st.lists(st.booleans(), min_size=len(v), max_size=len(v)),
                        st.lists(st.integers(0, 2), min_size=len(v), max_size=len(v)))))
def test_excluded_units_are_never_ranked_and_the_others_as_if_alone(drawn):
    values, ranked, groups = np.array(drawn[0]), np.array(drawn[1]), np.array(drawn[2])
    ranks = competition_rank(values, ranked)
    assert (ranks[~ranked] == NO_RANK).all()
    np.testing.assert_array_equal(ranks[ranked], competition_rank(values[ranked]))
    assert ranks.tolist() == reference.ranks(values.tolist(), ranked.tolist())
    within = rank_within(values, groups, ranked)
    assert (within[~ranked] == NO_RANK).all()
    for group in set(groups.tolist()):
        members = (groups == group) & ranked
        np.testing.assert_array_equal(within[members], competition_rank(values[members]))


@st.composite
def _unranking(draw):
    text = draw(frameworks(max_criteria=6).filter(lambda t: "rank exclude when" in t))
    framework = dtiscore.loads(text)
    return framework, draw(inputs(framework, max_units=12))


@settings(max_examples=60, deadline=None)
@given(_unranking())
def test_engine_agrees_with_the_reference(drawn):
    framework, data = drawn
    try:
        result = framework.score(data, invalid="mark")
    except DtiError:
        return  # on_missing error: the differential suite covers it
    rows = [result.input_row(i) for i in range(len(result))]
    invalid = [frozenset(n for n, m in result.columns.invalid.items() if m[i]) for i in range(len(result))]
    ref = Reference(framework.ir, rows, invalid, result.units)
    ranked = [ref.unit(i).ranked for i in range(len(result))]
    assert result.ranked.tolist() == ranked
    assert result.rank().tolist() == reference.ranks(result.total.tolist(), ranked)


def test_the_language_server_knows_it():
    from dtiscore.lsp.document import Document

    document = Document(SOURCE)
    uses = document.references(3, 11)  # `services`, declared on line 3
    assert any(span.line == 6 for span in uses)  # ... and read by `rank exclude when` on line 6
    assert ("rank", "keyword") in document.completions()

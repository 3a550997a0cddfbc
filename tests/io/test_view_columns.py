"""The score table's tag-view columns: each tag value's index and its rank among all units
(`pillar.government.index`, `pillar.government.rank`), as published results show pillars;
the same whether the file is scored whole or a chunk at a time."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.cli import main
from dtiscore.engine.ranks import index_rank
from dtiscore.testing import frameworks, inputs

TEXT = """framework t "T" {
    max 100
    input a share
    input b share
    input has_b bool
    criterion ca "A" max 60 tags pillar: p { proportional a }
    criterion cb "B" max 40 tags pillar: q {
        proportional b
        exclude when not has_b
    }
}
"""
DATA = "unit,a,b,has_b\nu1,0.5,1,true\nu2,1,0.25,true\nu3,0.5,,false\nu4,0.75,0.25,true\n"


def test_view_columns_by_hand():
    """p: 0.5, 1, 0.5, 0.75 → ranks 3, 1, 3, 2 (ties share the better rank); q: 1, 0.25, none
    (cb excluded for u3, ranked as 0), 0.25 → ranks 1, 2, 4, 2. Totals: 30 + 40, 60 + 10,
    30 rescaled to 100 / 60 = 50, 45 + 10."""
    result = dtiscore.loads(TEXT).score({"a": [0.5, 1, 0.5, 0.75], "b": [1, 0.25, None, 0.25],
                                         "has_b": [True, True, False, True]}, units=["u1", "u2", "u3", "u4"])
    table = result.table()
    assert list(table) == ["unit", "total", "index", "rank", "pillar.p.index", "pillar.p.rank",
                           "pillar.q.index", "pillar.q.rank"]
    assert list(table["total"]) == pytest.approx([70, 70, 50, 55])
    assert list(table["pillar.p.index"]) == pytest.approx([0.5, 1, 0.5, 0.75])
    assert list(table["pillar.p.rank"]) == [3, 1, 3, 2]
    assert np.isnan(table["pillar.q.index"][2])
    assert list(table["pillar.q.rank"]) == [1, 2, 4, 2]
    assert result.tag_keys == ("pillar",)


def test_a_framework_without_tags_has_no_view_columns():
    result = dtiscore.loads(TEXT.replace(" tags pillar: p", "").replace(" tags pillar: q", "")).score(
        {"a": [0.5], "b": [1], "has_b": [True]})
    assert list(result.table()) == ["unit", "total", "index", "rank"]


def test_index_rank_ranks_no_index_as_zero():
    assert list(index_rank(np.array([np.nan, 0.0, 0.5, 0.5]))) == [3, 3, 1, 1]


def test_chunked_scoring_ranks_views_over_the_whole_file(tmp_path, capsys):
    (tmp_path / "t.dti").write_text(TEXT, encoding="utf-8")
    (tmp_path / "d.csv").write_text(DATA, encoding="utf-8")
    assert main(["score", str(tmp_path / "t.dti"), str(tmp_path / "d.csv")]) == 0
    whole = capsys.readouterr().out
    assert main(["score", str(tmp_path / "t.dti"), str(tmp_path / "d.csv"), "--chunk-size", "1"]) == 0
    assert capsys.readouterr().out == whole
    rows = list(csv.DictReader(io.StringIO(whole)))
    assert [r["pillar.q.rank"] for r in rows] == ["1", "2", "4", "2"]


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_chunked_equals_whole_on_generated_frameworks(tmp_path_factory, data):
    """Every column, view ranks included, is the same scored whole or two rows at a time."""
    text = data.draw(frameworks(max_depth=2, max_criteria=6, population=False))
    framework = dtiscore.loads(text)
    columns = data.draw(inputs(framework, min_units=1, max_units=6))
    folder = tmp_path_factory.mktemp("chunks")
    (folder / "f.dti").write_text(text, encoding="utf-8")
    names = list(columns)
    count = len(next(iter(columns.values()))) if columns else 0
    lines = [",".join(["unit"] + names)]
    for i in range(count):
        lines.append(",".join([f"u{i}"] + [_cell(columns[n][i]) for n in names]))
    (folder / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out_whole, out_chunks = folder / "whole.csv", folder / "chunks.csv"
    assert main(["score", str(folder / "f.dti"), str(folder / "d.csv"), "-o", str(out_whole)]) == 0
    assert main(["score", str(folder / "f.dti"), str(folder / "d.csv"), "-o", str(out_chunks),
                 "--chunk-size", "2"]) == 0
    assert out_chunks.read_text(encoding="utf-8") == out_whole.read_text(encoding="utf-8")


def _cell(value) -> str:
    if value is None or pd.isna(value) is True or value != value:  # every no-value marker inputs() draws
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(float(value))
    return str(value)

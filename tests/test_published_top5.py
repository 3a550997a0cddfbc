"""The detailed 2022 framework and the index-level one agree on the five provinces whose main
indices are published: examples/province-2022-top5.csv gives, through the 98 component
criteria, exactly the published main indices, and so the published DTI, ranks and pillars."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

import dtiscore
from dtiscore.io.tables import read_table, score_table

ROOT = Path(__file__).resolve().parents[1]
MAIN = ("awareness", "institutions", "infrastructure", "workforce", "cybersecurity",
        "digital_government", "digital_economy", "digital_society")


def test_detailed_inputs_reproduce_the_published_main_indices():
    detailed = score_table(dtiscore.load(ROOT / "frameworks" / "vn-dti-province-2022.dti"),
                           read_table(ROOT / "examples" / "province-2022-top5.csv"))
    published = {row["unit"]: row for row in
                 csv.DictReader(open(ROOT / "examples" / "published" / "dti2022-top5-main-indices.csv", encoding="utf-8"))}
    assert list(detailed.units) == list(published)
    for name in MAIN:
        np.testing.assert_allclose(detailed.node_index(name), [float(published[u][name]) for u in detailed.units],
                                   atol=5e-9)
    np.testing.assert_allclose(np.round(detailed.index, 4), [0.8002, 0.7164, 0.7024, 0.6975, 0.6924])
    assert detailed.rank().tolist() == [1, 2, 3, 4, 5]
    # the index-level framework on the detailed framework's main indices: the same DTI and pillars
    index_level = dtiscore.load(ROOT / "frameworks" / "vn-dti-province-2022-index.dti").score(
        {name: detailed.node_index(name) for name in MAIN}, units=list(detailed.units))
    np.testing.assert_allclose(index_level.total, detailed.total, atol=1e-6)
    for pillar in ("government", "economy", "society"):
        np.testing.assert_allclose(index_level.view("pillar")[pillar].index, detailed.view("pillar")[pillar].index,
                                   atol=1e-9)


def test_pandas_frame_of_a_framework_with_bands():
    result = score_table(dtiscore.load(ROOT / "frameworks" / "vn-dti-province-2020-index.dti"),
                         read_table(ROOT / "examples" / "published" / "dti2020-pillars.csv"))
    frame = result.to_pandas()
    assert list(frame.columns)[:4] == ["total", "index", "band", "rank"]
    assert frame["band"].tolist() == ["Nhóm 4"]  # Sóc Trăng 2020: published group 4

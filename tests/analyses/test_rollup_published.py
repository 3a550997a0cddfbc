"""Roll-ups as Vietnam publishes them: the 2024 rule for merged provinces (the mean of the
main indices) on the index-level framework, and communes rolled up to their province."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dtiscore
from dtiscore.cli import main
from dtiscore.io.tables import read_table, score_table

ROOT = Path(__file__).resolve().parents[2]
INDEX_2022 = ROOT / "frameworks" / "vn-dti-province-2022-index.dti"
MAIN = ("awareness", "institutions", "infrastructure", "workforce", "cybersecurity",
        "digital_government", "digital_economy", "digital_society")
# Published 2022 main indices (examples/published/dti2022-top5-main-indices.csv)
DA_NANG = (1.0000, 0.9000, 0.8253, 0.8487, 0.7578, 0.8575, 0.7836, 0.5197)
QUANG_NINH = (0.9581, 0.9000, 0.7648, 0.6250, 0.5382, 0.8385, 0.5904, 0.4505)


def score(rows: dict[str, tuple[float, ...]]):
    data = {name: [row[i] for row in rows.values()] for i, name in enumerate(MAIN)}
    return dtiscore.load(INDEX_2022).score(data, units=list(rows))


def test_a_merged_province_is_the_mean_of_the_main_indices():
    # a merger of two published rows, worked by hand: Đà Nẵng 800.175, Quảng Ninh
    # 95.81 + 90 + 76.48 + 62.5 + 53.82 + 167.7 + 88.56 + 67.575 = 702.445
    result = score({"da_nang": DA_NANG, "quang_ninh": QUANG_NINH})
    np.testing.assert_allclose(result.total, [800.175, 702.445])
    merged = result.rollup({"da_nang": "merged", "quang_ninh": "merged"})
    assert merged.total[0] == pytest.approx((800.175 + 702.445) / 2)  # 751.31
    assert merged.index[0] == pytest.approx(0.75131)
    assert merged.node_index("nts")[0] == pytest.approx((1.0000 + 0.9581) / 2)
    assert merged.node_index("hd_kts")[0] == pytest.approx((0.7836 + 0.5904) / 2)
    # the pillars: Chính quyền số = (foundation + HĐ CQS points) / 700, of the mean indices:
    # foundation (433.18 + 378.61) / 2 = 405.895, HĐ CQS 200 × 0.848 = 169.6 → 575.495 / 700
    assert merged.view("pillar")["government"][0] == pytest.approx(575.495 / 700)
    # scoring the mean main indices gives the same as rolling up
    mean = score({"merged": tuple((a + b) / 2 for a, b in zip(DA_NANG, QUANG_NINH))})
    assert mean.total[0] == pytest.approx(merged.total[0])
    assert mean.view("pillar")["economy"].index[0] == pytest.approx(merged.view("pillar")["economy"][0])


def test_a_province_that_did_not_merge_keeps_its_published_dti():
    # 2024 (published 21/10/2025): Hà Nội 0.8241 and Huế 0.7951 in the 34-province group did
    # not merge, so their result is their own. Their 2024 main indices are not published, so
    # a row with the same main-index value everywhere stands in for each (its DTI is that value).
    result = score({"ha_noi": (0.8241,) * 8, "hue": (0.7951,) * 8})
    rolled = result.rollup(["TP. Hà Nội", "TP. Huế"])
    np.testing.assert_allclose(rolled.index, [0.8241, 0.7951])
    assert rolled.rank().tolist() == [1, 2]  # as published: 1 and 2 of the 34


def test_communes_roll_up_to_the_province():
    framework = dtiscore.load(ROOT / "frameworks" / "vn-dti-commune.dti")
    table = read_table(ROOT / "examples" / "commune.csv")
    result = score_table(framework, table)
    rolled = result.rollup(list(table.columns["province"]))
    assert rolled.units == ["TP. Hà Nội"] and rolled.members["TP. Hà Nội"] == tuple(result.units)
    assert rolled.total[0] == pytest.approx(result.total.mean())
    # three rows with hand-computed totals (Ba Đình 1000, Hoàn Kiếm 595, Ba Vì 648)
    three = [u if u in ("Phường Ba Đình", "Phường Hoàn Kiếm", "Xã Ba Vì") else None for u in result.units]
    part = result.rollup(["TP. Hà Nội" if u else None for u in three])
    assert part.total[0] == pytest.approx((1000 + 595 + 648) / 3)


def test_rollup_command(capsys):
    assert main(["rollup", str(ROOT / "frameworks" / "vn-dti-commune.dti"), str(ROOT / "examples" / "commune.csv"),
                 "--by", "province"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    assert header[:5] == ["unit", "units", "total", "index", "rank"] and "pillar.government.index" in header
    unit, units, total = lines[1].split(",")[:3]  # CSV keeps floats in full: 662.69 up to the sum's rounding
    assert (unit, units) == ("TP. Hà Nội", "10") and float(total) == pytest.approx(662.69, abs=1e-9)
    assert main(["rollup", str(ROOT / "frameworks" / "vn-dti-commune.dti"), str(ROOT / "examples" / "commune.csv"),
                 "--by", "provnce"]) == 1
    assert "did you mean 'province'" in capsys.readouterr().err

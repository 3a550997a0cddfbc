"""Sensitivity and robustness keep `rank exclude when`: units assessed but not ranked get no
rank in any sample and count for no one else's rank (hand-computed on a small framework)."""

from __future__ import annotations

import numpy as np
import pytest

import dtiscore
from dtiscore.engine.ranks import NO_RANK

SOURCE = '''framework m "M" {
    max 100
    param bar = 50%
    input services bool  "Có dịch vụ công"
    input a        share
    input report   bool  "Báo cáo"
    rank exclude when not services "no public services"
    criterion c "C" max 60 {
        proportional a
    }
    criterion d "D" max 40 {
        award when a >= bar evidence report
    }
}
'''
UNITS = ["A", "B", "C", "D"]
DATA = {"services": [True, False, True, True], "a": [0.5, 0.9, 0.7, 0.45],
        "report": [True, True, True, True]}
# totals: A 30 + 40 = 70, B 54 + 40 = 94 (not ranked), C 42 + 40 = 82, D 27 + 0 = 27


@pytest.fixture(scope="module")
def result():
    return dtiscore.loads(SOURCE).score(DATA, units=UNITS)


def test_nominal_ranks_leave_the_unranked_unit_out(result):
    np.testing.assert_allclose(result.total, [70, 94, 82, 27])
    assert result.rank().tolist() == [2, NO_RANK, 1, 3]


def test_sensitivity_never_ranks_an_excluded_unit(result):
    # bar from 40% to 60%: D (a = 45%) wins d's 40 points (67 points) when bar <= 45%, still third
    found = dtiscore.sensitivity(result, {"bar": (0.4, 0.6)}, samples=200, seed=1)
    assert (found.ranks[:, 1] == NO_RANK).all()
    assert set(found.ranks[:, [0, 2, 3]].ravel().tolist()) <= {1, 2, 3}
    assert found.ranks[:, 2].tolist() == [1] * 200 and found.ranks[:, 3].tolist() == [3] * 200


def test_robustness_ranks_the_worst_among_ranked_units_only(result):
    found = dtiscore.robustness(result, 1)
    # rejecting its report costs A d's 40 points: 30 ranks below C (82) but above D (27): 2nd of 3;
    # C falls to 42, below A's 70 (B's 94 does not count): 2nd; D has nothing to lose; B no rank
    assert found.worst_rank.tolist() == [2, NO_RANK, 2, 3]


def test_a_varied_param_that_decides_who_is_ranked_is_refused():
    text = SOURCE.replace('rank exclude when not services', 'rank exclude when a < bar')
    result = dtiscore.loads(text).score(DATA, units=UNITS)
    with pytest.raises(dtiscore.DtiError, match="rank exclude when"):
        dtiscore.sensitivity(result, {"bar": (0.4, 0.6)}, samples=10)


def test_evidence_that_decides_who_is_ranked_is_refused():
    text = SOURCE.replace('rank exclude when not services', 'rank exclude when not report')
    result = dtiscore.loads(text).score(DATA, units=UNITS)
    with pytest.raises(dtiscore.DtiError, match="rank exclude when"):
        dtiscore.robustness(result, 1)


def test_compare_passes_no_one_who_is_not_ranked(result):
    later = dtiscore.loads(SOURCE).score({**DATA, "a": [0.5, 0.9, 0.48, 0.45]}, units=UNITS)
    # C falls from 82 to 28.8: below A (70), above D (27), while unranked B (94) stays above both
    unit = dtiscore.compare(result, later).unit("C")
    assert (unit.rank_before, unit.rank_after) == (1, 2)
    assert [o.neighbour for o in unit.passed_by] == ["A"]
    assert dtiscore.compare(result, later).unit("B").passed == ()


def test_report_table_shows_no_rank_as_a_dash(result):
    from dtiscore.analyses.html_report import results_columns
    headings, rows, kinds = results_columns(result, "en")
    by_unit = {row[1]: row for row in rows}
    assert by_unit["B"][0] == "-" and by_unit["C"][0] == "1"

"""The deduction ledger of all units: columns, order, top-k, CSV and pandas, and closure
(lost points add up to effective max − total) on hand-made and generated frameworks."""

import io
import csv
import math

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.testing import frameworks, inputs
from dtiscore.explain.tree import UnitTree

DEMO = """framework demo "DTI demo" {
    max 1000
    input dossiers        count   "Tổng số hồ sơ TTHC"
    input dossiers_online count   "Số hồ sơ trực tuyến"  <= dossiers
    input late_reports    count
    input docs            count
    input docs_signed     count   <= docs
    input has_procedures  bool
    param online_target = 50%
    let online_rate = ratio(dossiers_online, dossiers)
    group awareness "Nhận thức số" max 150 {
        criterion reporting "Báo cáo đúng hạn" max 150 { deduct 30 per late_reports }
    }
    group government "Hoạt động chính quyền số" max 850 {
        criterion online_dossiers "Tỷ lệ hồ sơ trực tuyến" max 650 {
            proportional online_rate target online_target
            exclude when not has_procedures "Đơn vị không có thủ tục hành chính"
        }
        criterion signed_docs "Văn bản ký số" max 200 {
            steps ratio(docs_signed, docs) { >= 97%: 200  >= 90%: 140  >= 50%: 60  else: 0 }
        }
    }
}"""

DATA = dict(dossiers=[583139, 1000, 0], dossiers_online=[127265, 1000, 0], late_reports=[1, 0, 2],
            docs=[1000, 1000, 100], docs_signed=[600, 1000, 95], has_procedures=[True, True, False])


@pytest.fixture(scope="module")
def result():
    return dtiscore.loads(DEMO).score(DATA, units=["ha_giang", "da_nang", "so_tu_phap"])


def test_rows_columns_and_order(result):
    ledger = result.deductions()
    assert ledger.columns == ("unit", "criterion", "path", "max", "points", "lost", "status",
                              "reason_code", "reason")
    # ha_giang: online 366.29, signed 140, reporting 30; da_nang nothing;
    # so_tu_phap: online excluded → government rescaled 140 × 850/200 = 595 of 850:
    #   signed loses 255 (its 60 short of 200 × 850/200), reporting 60
    assert list(ledger["unit"]) == ["ha_giang"] * 3 + ["so_tu_phap"] * 2
    assert list(ledger["criterion"]) == ["online_dossiers", "signed_docs", "reporting", "signed_docs", "reporting"]
    online = 650 * (127265 / 583139) / 0.5
    assert ledger["lost"] == pytest.approx([650 - online, 140, 30, 255, 60])
    assert list(ledger["path"]) == ["government", "government", "awareness", "government", "awareness"]
    assert list(ledger["max"]) == [650, 200, 150, 200, 150]
    assert ledger["points"] == pytest.approx([online, 60, 120, 140, 90])
    assert list(ledger["status"]) == ["scored"] * 5
    assert list(ledger["reason_code"]) == ["proportional.below", "steps.band", "deduct", "steps.band", "deduct"]


def test_reason_texts_default_to_the_framework_language(result):
    # the title "DTI demo" is English
    assert result.deductions()["reason"][0] == "online_rate = 21.8% < target 50% → 283.71 of 650 points"
    vi = result.deductions(lang="vi")["reason"]
    assert vi[0] == "Tỷ lệ hồ sơ trực tuyến 21,8% < mục tiêu 50%: đạt 283,71/650 điểm"
    assert vi[3] == "Văn bản ký số 95% ≥ 90%: đạt 140/200 điểm"


def test_closure_per_unit(result):
    ledger = result.deductions()
    np.testing.assert_allclose(ledger.per_unit(), result.effective_max - result.total, atol=1e-9)


def test_top_k_per_unit(result):
    top = result.deductions().top(1)
    assert list(top["unit"]) == ["ha_giang", "so_tu_phap"]
    assert list(top["criterion"]) == ["online_dossiers", "signed_docs"]
    assert len(result.deductions().top(2)) == 4
    assert list(result.deductions().unit("so_tu_phap")["criterion"]) == ["signed_docs", "reporting"]


def test_every_row(result):
    ledger = result.deductions(every=True)
    assert len(ledger) == 3 * 3
    excluded = [i for i, (u, c) in enumerate(zip(ledger["unit"], ledger["criterion"]))
                if (u, c) == ("so_tu_phap", "online_dossiers")][0]
    assert ledger["status"][excluded] == "excluded"
    assert ledger["lost"][excluded] == 0
    assert ledger["reason"][excluded] == "Đơn vị không có thủ tục hành chính"


def test_csv(result, tmp_path):
    text = result.deductions().to_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["unit"] == "ha_giang" and rows[0]["criterion"] == "online_dossiers"
    assert float(rows[0]["lost"]) == pytest.approx(650 - 650 * (127265 / 583139) / 0.5)
    assert rows[0]["reason"].startswith("online_rate = 21.8%")
    path = tmp_path / "ledger.csv"
    result.deductions().to_csv(path)
    assert path.read_text(encoding="utf-8") == text


def test_pandas(result):
    frame = result.deductions().to_pandas()
    assert list(frame.columns) == list(result.deductions().columns)
    assert frame.groupby("unit", observed=True)["lost"].sum()["ha_giang"] == pytest.approx(
        result.effective_max[0] - result.total[0])


def test_ledger_matches_explanations(result):
    ledger = result.deductions()
    for unit in result.units:
        rows = ledger.unit(unit)
        explained = result.explain(unit).deductions
        assert list(rows["criterion"]) == [d.criterion for d in explained]
        assert list(rows["reason"]) == [d.reason for d in explained]
        assert rows["lost"] == pytest.approx([d.lost for d in explained])


def test_unknown_column(result):
    with pytest.raises(KeyError):
        result.deductions()["colour"]


# ---------------------------------------------------------------- closure, generated


@given(st.data())
def test_closure_on_generated_frameworks(data):
    text = data.draw(frameworks())
    try:
        framework = dtiscore.loads(text)
        result = framework.score(data.draw(inputs(framework)))
    except dtiscore.DtiError:  # a missing value under on_missing error, or a check error
        reject()
    ledger = result.deductions()
    deficit = result.effective_max - result.total
    for got, want in zip(ledger.per_unit(), deficit):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    # the ledger holds every criterion's attributed lost points, nothing else
    attributed = sum((result.lost(c) for c in framework.criteria), np.zeros(len(result)))
    np.testing.assert_allclose(ledger.per_unit(), attributed, rtol=1e-12, atol=1e-12)
    assert (ledger["lost"] > 0).all()
    # each row's lost points are the criterion's, and every reason renders in both languages
    for lang in ("en", "vi"):
        texts = result.deductions(lang=lang, every=True)["reason"]
        assert all(isinstance(t, str) and t for t in texts)
    # one unit's explanation agrees with the ledger
    unit = data.draw(st.integers(0, len(result) - 1))
    # and its tree, re-aggregated with a criterion's own points, gives back its total
    tree = UnitTree(result, unit)
    for c in framework.criteria:
        if tree.applicable[c]:
            again = tree.total_with({c: tree.points[c]})
            assert math.isclose(again, result.total[unit], rel_tol=1e-12, abs_tol=1e-12), c
    explained = {d.criterion: d.lost for d in result.explain(unit).deductions}
    rows = ledger.unit(unit)
    assert dict(zip(rows["criterion"], rows["lost"])) == pytest.approx(explained)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_blocks_plain_and_arrow_are_the_whole_ledger(data):
    """Blocks of a few units (their reasons' numbers written once and kept from block to
    block), as numpy columns and as Arrow ones, hold the whole ledger's rows and texts."""
    text = data.draw(frameworks())
    try:
        framework = dtiscore.loads(text)
        result = framework.score(data.draw(inputs(framework)), invalid="mark")
    except dtiscore.DtiError:
        reject()
    lang = data.draw(st.sampled_from(["en", "vi"]))
    size = data.draw(st.integers(1, 4))
    whole = result.deductions(lang=lang).to_dict()
    for arrow in (False, True):
        blocks = list(result.deductions(lang=lang).blocks(size, arrow=arrow))
        for name, values in whole.items():
            got = [v for block in blocks for v in (block[name].to_pylist() if hasattr(block[name], "to_pylist")
                                                   else block[name].tolist())]
            if values.dtype.kind == "f":  # NaN equal to NaN
                np.testing.assert_array_equal(np.array(got, dtype=float), values, err_msg=name)
            else:
                assert got == values.tolist(), name

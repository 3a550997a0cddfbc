"""Statuses, headings and counts in Vietnamese with `--lang vi`, from the one table of words
(explain.wording.WORDS); counts that agree with their nouns ("1 warning")."""

from __future__ import annotations

import csv
import io
import sys

import pytest

import dtiscore
from dtiscore.cli import main
from dtiscore.io.tables import read_table, score_table
from dtiscore.explain.wording import LANGS, WORDS, counted, headings, points_text, word

FRAMEWORK = '''framework t "T" {
    max 20
    input a number "A"
    input proof bool "Proof"
    criterion k "K" max 10 {
        proportional a target 4
        exclude when a > 100
    }
    criterion m "M" max 10 {
        award when a >= 1
        evidence proof
    }
}
'''
# low: k 2.5/10 scored, m 0 (no evidence); none: k missing (a blank), m missing;
# big: k excluded, m 10 of 10 (rescaled to 20 of 20)
DATA = "unit,a,proof\nlow,1,no\nnone,,yes\nbig,200,yes\n"
UNUSED = FRAMEWORK.replace('    input proof bool "Proof"\n', '    input proof bool "Proof"\n    input spare number\n')


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def files(tmp_path):
    (tmp_path / "t.dti").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "d.csv").write_text(DATA, encoding="utf-8")
    return str(tmp_path / "t.dti"), str(tmp_path / "d.csv")


def test_the_table_has_every_word_in_both_languages():
    assert set(WORDS) == set(LANGS)
    assert set(WORDS["en"]) == set(WORDS["vi"])
    assert all(WORDS["en"][status] == status for status in dtiscore.STATUSES)  # English shows the name
    assert [word(status, "vi") for status in dtiscore.STATUSES] == [
        "có điểm", "không áp dụng", "thiếu số liệu", "thiếu tài liệu kiểm chứng", "không tính",
        "số liệu không hợp lệ"]


def test_counts_and_points_agree_with_their_nouns():
    assert [counted(n, "warning") for n in (0, 1, 2)] == ["0 warnings", "1 warning", "2 warnings"]
    assert counted(1, "criterion", "criteria") == "1 criterion"
    assert counted(1234, "criterion", "criteria") == "1,234 criteria"
    assert counted(1234, "criterion", "criteria", "vi") == "1.234 tiêu chí"
    assert counted(1, "data set") == "1 data set" and counted(3, "data set") == "3 data sets"
    assert [points_text(1), points_text(1000), points_text(12.5, "vi"), points_text(1000, "vi")] == [
        "1 point", "1000 points", "12,5 điểm", "1.000 điểm"]


def test_headings_translate_only_the_result_tables_own_columns():
    shown = headings(["unit", "total", "index", "band", "rank", "gov", "pillar.gov.index"], "vi")
    assert shown == {"unit": "đơn vị", "total": "tổng điểm", "index": "chỉ số", "band": "xếp loại",
                     "rank": "xếp hạng", "gov": "gov", "pillar.gov.index": "pillar.gov.index"}
    assert headings(["unit", "rank"], "en") == {"unit": "unit", "rank": "rank"}


def test_score_table_headings_in_vietnamese_cells_still_formatted_by_column(files, monkeypatch):
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert main(["score", *files, "--lang", "vi"]) == 0
    lines = sys.stdout.getvalue().splitlines()
    assert lines[:3] == ["đơn vị  tổng điểm  chỉ số  xếp hạng",
                         "------  ---------  ------  --------",
                         "big         20.00  1.0000         1"]  # k excluded: m rescaled to 20


def test_score_csv_keeps_column_names_with_lang(files, capsys):
    assert main(["score", *files, "--lang", "vi"]) == 0
    assert capsys.readouterr().out.startswith("unit,total,index,rank\n")


def test_score_text_file_output_gets_the_headings(files, tmp_path):
    out = tmp_path / "scores.txt"
    assert main(["score", *files, "--lang", "vi", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("đơn vị")


def test_explain_statuses_in_the_explanations_language(files, capsys):
    assert main(["explain", *files, "--unit", "none", "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert "(0/10, thiếu số liệu)" in out and "missing" not in out
    assert main(["explain", *files, "--unit", "low", "--lang", "vi"]) == 0
    assert "(0/10, thiếu tài liệu kiểm chứng)" in capsys.readouterr().out
    assert main(["explain", *files, "--unit", "none", "--lang", "en"]) == 0
    assert "(0/10, missing)" in capsys.readouterr().out


def test_deductions_statuses_in_vietnamese_only_when_asked(files, capsys):
    assert main(["deductions", *files, "--lang", "vi"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["unit"], r["criterion"]): (r["status"], r["reason_code"]) for r in rows} == {
        ("low", "k"): ("có điểm", "proportional.below"), ("low", "m"): ("thiếu tài liệu kiểm chứng", "no_evidence"),
        ("none", "k"): ("thiếu số liệu", "missing"), ("none", "m"): ("thiếu số liệu", "missing"),
    }
    assert main(["deductions", *files]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["status"] for r in rows) == ["missing", "missing", "no_evidence", "scored"]


@pytest.mark.parametrize("block", [5_000, 1])  # one block; a block per unit (Arrow columns, one header)
def test_deductions_without_lang_writes_what_the_ledger_writes(files, capsys, monkeypatch, block):
    monkeypatch.setattr("dtiscore.cli.analysis.LEDGER_BLOCK", block)
    assert main(["deductions", *files]) == 0
    framework, data = files
    result = score_table(dtiscore.load(framework), read_table(data))
    assert capsys.readouterr().out == result.deductions().to_csv()


def test_check_and_inspect_in_vietnamese(files, capsys):
    framework, _ = files
    assert main(["check", framework, "--lang", "vi"]) == 0
    assert capsys.readouterr().out == "ok: t — 3 nút, 0 nhóm tiêu chí, 2 tiêu chí, 20 điểm\n"
    assert main(["inspect", framework, "--lang", "vi"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "20 điểm · 0 nhóm tiêu chí · 2 tiêu chí · 2 chỉ tiêu đầu vào · 0 tham số"


def test_verify_says_1_warning_in_either_language(tmp_path, capsys):
    path = tmp_path / "u.dti"
    path.write_text(UNUSED, encoding="utf-8")
    assert main(["verify", str(path), "--examples", "2", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: t — 8 invariants hold on ") and out.endswith("(seed 1), 1 warning\n")
    assert main(["verify", str(path), "--examples", "2", "--seed", "1", "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: t — 8 bất biến đúng trên ") and out.endswith("bộ dữ liệu (seed 1), 1 cảnh báo\n")


def test_check_says_1_warning(tmp_path, capsys):
    path = tmp_path / "u.dti"
    path.write_text(UNUSED, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out.endswith(", 20 points, 1 warning\n")


def test_report_counts_one_unit(files, tmp_path, capsys):
    framework, _ = files
    one = tmp_path / "one.csv"
    one.write_text("unit,a,proof\nlow,1,no\n", encoding="utf-8")
    assert main(["report", framework, str(one), "-o", str(tmp_path / "r.html")]) == 0
    assert capsys.readouterr().err == f"wrote {tmp_path / 'r.html'}: 1 unit\n"

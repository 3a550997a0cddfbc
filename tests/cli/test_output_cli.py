"""Every command that writes a table picks the format from -o's extension."""

import json

import pytest

from dtiscore.cli import main
from dtiscore.io.tables import read_table

FRAMEWORK = "frameworks/vn-dti-province-2022.dti"
DATA = "examples/province-2022.csv"


@pytest.mark.parametrize("command", [["score", FRAMEWORK, DATA], ["robustness", FRAMEWORK, DATA, "--reject", "1"]])
@pytest.mark.parametrize("suffix", [".tsv", ".jsonl", ".parquet", ".xlsx"])
def test_output_format_by_extension(tmp_path, command, suffix):
    path = tmp_path / f"out{suffix}"
    assert main([*command, "-o", str(path)]) == 0
    csv_path = tmp_path / "out.csv"
    assert main([*command, "-o", str(csv_path)]) == 0
    got, want = read_table(path), read_table(csv_path)
    assert got.units == want.units
    for name, values in want.columns.items():
        if suffix == ".xlsx":  # 16 significant digits (openpyxl)
            assert [_cell(v) for v in got.columns[name]] == pytest.approx([_cell(v) for v in values], rel=1e-15)
        else:
            assert [_cell(v) for v in got.columns[name]] == [_cell(v) for v in values], name


def _cell(value):
    """A value as a CSV cell reads (text formats) or as stored (typed formats)."""
    if value is None:
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return number


def test_deductions_by_extension(tmp_path):
    path = tmp_path / "ledger.jsonl"
    assert main(["deductions", FRAMEWORK, DATA, "--top", "1", "-o", str(path)]) == 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 63 and set(rows[0]) == {"unit", "criterion", "path", "max", "points", "lost", "status",
                                                "reason_code", "reason"}


def test_unknown_extension(tmp_path, capsys):
    assert main(["score", FRAMEWORK, DATA, "-o", str(tmp_path / "out.docx")]) == 1
    assert "cannot write .docx files" in capsys.readouterr().err


def test_thousands_is_declared_never_guessed(tmp_path, capsys):
    assert main(["score", FRAMEWORK, DATA, "--thousands", "."]) == 1
    assert "'.' is the decimal mark" in capsys.readouterr().err
    text = "unit,n\nA,1.234.567\nB,12\n"
    (tmp_path / "t.dti").write_text('framework t "T" {\n    max 10\n    input n count\n'
                                    '    criterion c "C" max 10 {\n        award when n > 1000\n    }\n}\n',
                                    encoding="utf-8")
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    framework, data = str(tmp_path / "t.dti"), str(tmp_path / "d.csv")
    # declared: 1.234.567 with --decimal-comma and --thousands . is 1234567 (> 1000: 10 points)
    assert main(["score", framework, data, "--decimal-comma", "--thousands", ".", "-o", str(tmp_path / "o.csv")]) == 0
    rows = (tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].split(";")[:2] == ["A", "10"] and rows[2].split(";")[:2] == ["B", "0"]
    # not declared: the same cell is an error naming it, never 1234567 nor 1.234567
    assert main(["score", framework, data, "--decimal-comma"]) == 1
    assert "1.234.567" in capsys.readouterr().err


def test_deductions_tsv_is_the_csv_with_tabs(tmp_path):
    for suffix in (".csv", ".tsv"):
        assert main(["deductions", FRAMEWORK, DATA, "--top", "3", "-o", str(tmp_path / f"ledger{suffix}")]) == 0
    import csv
    with open(tmp_path / "ledger.csv", encoding="utf-8", newline="") as a, \
         open(tmp_path / "ledger.tsv", encoding="utf-8", newline="") as b:
        assert list(csv.reader(a)) == list(csv.reader(b, delimiter="\t"))

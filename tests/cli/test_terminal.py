"""The command line as a person at a terminal meets it: the version, a readable score table,
counts that agree with their nouns, a hint when `compare` meets another framework's data."""

from __future__ import annotations

import io
import sys

import pytest

from dtiscore import __version__
from dtiscore.cli import main

FRAMEWORK = '''framework t "T" {
    max 20
    input a number "A"
    param goal = 4 "Goal"
    criterion k "K" max 10 {
        proportional a target goal
    }
    criterion m "M" max 10 {
        award when a >= 1
    }
}
'''
DATA = "unit,a\nlow,1\ntop,3.5\nnone,0\n"  # totals 12.5, 18.75, 0


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def files(tmp_path):
    (tmp_path / "t.dti").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "d.csv").write_text(DATA, encoding="utf-8")
    return str(tmp_path / "t.dti"), str(tmp_path / "d.csv")


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"dtiscore {__version__}\n"


def test_score_on_a_terminal_prints_a_rounded_table_best_rank_first(files, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["score", *files]) == 0
    lines = terminal.getvalue().splitlines()
    assert lines == [
        "unit  total   index  rank",
        "----  -----  ------  ----",
        "top   18.75  0.9375     1",
        "low   12.50  0.6250     2",
        "none   0.00  0.0000     3",
    ]


def test_score_piped_writes_csv_in_the_datas_order(files, capsys):
    assert main(["score", *files]) == 0  # capsys's stdout is no terminal
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "unit,total,index,rank"
    assert [line.split(",")[0] for line in out[1:]] == ["low", "top", "none"]
    assert out[1] == "low,12.5,0.625,2"


def test_score_with_output_on_a_terminal_writes_the_files_format(files, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdout", Terminal())
    out = tmp_path / "out.csv"
    assert main(["score", *files, "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("low,12.5,")
    assert sys.stdout.getvalue() == ""


def test_explicit_csv_on_a_terminal(files, monkeypatch):
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert main(["score", *files, "--format", "csv"]) == 0
    assert sys.stdout.getvalue().startswith("unit,total,index,rank\nlow,")


def test_counts_agree_with_their_nouns(files, capsys):
    framework, _ = files
    assert main(["inspect", framework]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "20 points · 0 groups · 2 criteria · 1 input · 1 param"
    assert main(["check", framework]) == 0
    assert capsys.readouterr().out == "ok: t — 3 nodes, 0 groups, 2 criteria, 20 points\n"


def test_compare_with_another_frameworks_columns_names_old_framework(files, tmp_path, capsys):
    framework, data = files
    old = tmp_path / "old.csv"
    old.write_text("unit,b\nlow,1\n", encoding="utf-8")
    assert main(["compare", framework, str(old), data]) == 1
    err = capsys.readouterr().err
    assert f"{old}:1: missing column 'a' (input a: number)" in err
    assert err.rstrip().endswith("name it with --old-framework OLD.dti")


def test_compare_hint_only_without_old_framework(files, tmp_path, capsys):
    framework, data = files
    old = tmp_path / "old.csv"
    old.write_text("unit,b\nlow,1\n", encoding="utf-8")
    assert main(["compare", framework, str(old), data, "--old-framework", framework]) == 1
    assert "--old-framework" not in capsys.readouterr().err


def test_a_table_asked_for_in_a_pipe_keeps_the_datas_order(files, capsys):
    assert main(["score", *files, "--format", "table"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]] == ["low", "top", "none"]


def test_a_table_asked_for_on_a_terminal_is_best_rank_first(files, monkeypatch):
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert main(["score", *files, "--format", "table"]) == 0
    assert [line.split()[0] for line in sys.stdout.getvalue().splitlines()[2:]] == ["top", "low", "none"]

"""Progress on standard error for every command that can run long (score, explain,
deductions, report, compare, verify, ...): on a terminal, redrawn on one line and wiped at
the end; in a pipe nothing, unless `--progress` asks, and then a line a step."""

from __future__ import annotations

import io
import sys

import pytest

import dtiscore.cli.progress as progress_module
from dtiscore.cli import main
from dtiscore.cli.progress import Progress

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
DATA = "unit,a\nlow,1\ntop,3.5\nnone,0\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def files(tmp_path):
    (tmp_path / "t.dti").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "d.csv").write_text(DATA, encoding="utf-8")
    return str(tmp_path / "t.dti"), str(tmp_path / "d.csv")


@pytest.fixture
def every_file_is_large(monkeypatch):
    monkeypatch.setattr(progress_module, "LARGE_FILE", 0)


COMMANDS = {  # command → its arguments after the framework and data file
    "score": [], "explain": ["--unit", "low"], "deductions": [], "report": ["-o", "{tmp}/r.html"],
    "sensitivity": ["--vary", "goal=3..5", "--samples", "2"], "robustness": ["--reject", "1"],
}


def run(command: str, files, tmp_path, *extra: str) -> int:
    framework, data = files
    args = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]]
    return main([command, framework, data, *args, *extra])


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_on_a_terminal_each_data_command_shows_progress_then_wipes_it(command, files, tmp_path, monkeypatch,
                                                                       every_file_is_large):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert run(command, files, tmp_path) == 0
    shown = terminal.getvalue()
    assert "reading d.csv [" in shown and "100%" in shown and "d.csv: scoring 3 units" in shown
    drawn, _, after = shown.rpartition("\r")
    assert "\n" not in drawn  # one line, redrawn in place
    assert drawn.rpartition("\r")[2].strip() == ""  # the last drawing is blanks: wiped
    assert after == ("" if command != "report" else f"wrote {tmp_path / 'r.html'}: 3 units\n")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_in_a_pipe_no_progress(command, files, tmp_path, capsys, every_file_is_large):
    assert run(command, files, tmp_path) == 0
    err = capsys.readouterr().err
    assert "reading" not in err and "scoring" not in err and "\r" not in err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_progress_option_in_a_pipe_writes_a_line_a_step(command, files, tmp_path, capsys):
    assert run(command, files, tmp_path, "--progress") == 0
    lines = capsys.readouterr().err.splitlines()
    assert "reading d.csv [##############################] 100%" in lines
    assert "d.csv: scoring 3 units" in lines
    assert not any("\r" in line for line in lines)


def test_small_files_show_nothing_on_a_terminal(files, tmp_path, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert run("score", files, tmp_path) == 0
    assert terminal.getvalue() == ""


def test_compare_shows_both_files(files, tmp_path, capsys):
    framework, data = files
    assert main(["compare", framework, data, data, "--progress"]) == 0
    assert capsys.readouterr().err.splitlines().count("d.csv: scoring 3 units") == 2


def test_a_data_error_is_printed_on_a_clean_line(files, tmp_path, monkeypatch, every_file_is_large):
    framework, _ = files
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,a\nx,abc\n", encoding="utf-8")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["score", framework, str(bad)]) == 1
    shown = terminal.getvalue()
    wiped, _, error = shown.rpartition("\r")
    assert error.startswith(f"{bad}:2: unit 'x', column 'a': 'abc' is not a number")


def test_verify_counts_data_sets_on_a_terminal(files, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["verify", files[0], "--examples", "5", "--seed", "3"]) == 0
    shown = terminal.getvalue()
    assert "\rt: data sets checked 1/5" in shown and "t: data sets checked 5/5" in shown
    assert shown.endswith("\r") and "\n" not in shown


def test_verify_in_a_pipe_shows_nothing_unless_asked(files, capsys):
    assert main(["verify", files[0], "--examples", "20", "--seed", "3"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["verify", files[0], "--examples", "20", "--seed", "3", "--progress"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == ["t: data sets checked 2/20", "t: data sets checked 4/20"]  # tenths in a log
    assert lines[-1] == "t: data sets checked 20/20" and len(lines) == 10


def test_a_log_gets_the_share_read_in_tenths():
    log = io.StringIO()
    progress = Progress("d.csv", log, enabled=True)
    for percent in range(101):
        progress.reading(percent / 100)
    progress.done()
    lines = log.getvalue().splitlines()
    assert len(lines) == 11 and lines[0].endswith("  0%") and lines[-1].endswith("100%")
    assert lines[5] == "reading d.csv [###############...............]  50%"


def test_disabled_progress_writes_nothing():
    stream = Terminal()
    progress = Progress("d.csv", stream, enabled=False)
    progress.reading(0.5)
    progress.stage("scoring")
    progress.counting(1, 2, "x")
    progress.done()
    assert stream.getvalue() == ""

"""Command-line options given values a user would not mean (found by a fuzz run of every
command × every option): each is an exit status with a message, never a traceback."""

from __future__ import annotations

import pytest

import dtiscore
from dtiscore.cli import main

FRAMEWORK, DATA = "frameworks/vn-dti-district.dti", "examples/district.csv"


def test_a_delimiter_no_file_uses_is_named_in_the_error(capsys):
    # KeyError: '0' before (the message named the delimiter from a table of known ones)
    assert main(["score", FRAMEWORK, DATA, "--delimiter", "0"]) == 1
    assert "not '0'" in capsys.readouterr().err


def test_a_chunk_size_past_any_file_reads_the_file_in_one_chunk(capsys):
    # ValueError from itertools.islice before
    assert main(["score", FRAMEWORK, DATA, "--format", "csv"]) == 0
    whole = capsys.readouterr().out
    assert main(["score", FRAMEWORK, DATA, "--format", "csv", "--chunk-size", "1" + "0" * 22]) == 0
    assert capsys.readouterr().out == whole


@pytest.mark.parametrize("option", ["--examples", "--max-units"])
def test_verify_counts_past_what_a_run_can_draw_are_refused(option, capsys):
    # hypothesis' FlakyFailure and InvalidArgument before
    with pytest.raises(SystemExit) as info:
        main(["verify", FRAMEWORK, option, "1" + "0" * 22])
    assert info.value.code == 2
    assert "is not a whole number from 1 to 1000000" in capsys.readouterr().err


def test_a_path_with_a_nul_character_is_a_dti_error():
    # ValueError: embedded null byte before
    with pytest.raises(dtiscore.DtiError, match="cannot read: embedded null byte"):
        dtiscore.load("frameworks/a\x00b.dti")

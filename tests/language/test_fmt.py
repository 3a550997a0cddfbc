"""`dtiscore fmt`: the canonical layout keeps the AST (`parse(fmt(x)) == parse(x)`), is a
fixed point (`fmt(fmt(x)) == fmt(x)`) and keeps every comment at its place; over generated
frameworks, every shipped framework and every fixture that parses.

Golden files: `tests/fixtures/fmt/NAME.dti` formats to exactly `NAME.expected`.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtiscore.cli import main
from dtiscore.errors import DtiSyntaxError
from dtiscore.language.fmt import format_text
from dtiscore.language.parse import parse, tokens
from dtiscore.testing import frameworks

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "fixtures" / "fmt"
SHIPPED = sorted((ROOT / "frameworks").glob("*.dti"))
FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.dti"))
COMMENT = re.compile(r"#[^\n]*")


def round_trips(text: str) -> str:
    """fmt(text), after checking the two properties."""
    out = format_text(text)
    assert parse(out) == parse(text)
    assert format_text(out) == out
    return out


# ---- generated frameworks --------------------------------------------------------------


@given(frameworks())
def test_generated_frameworks_round_trip(text):
    round_trips(text)


@given(frameworks())
def test_fmt_writes_the_tokens_as_written(text):
    """Generated frameworks bracket every operation: fmt keeps every parenthesis (and every
    other token; a tag's single value loses its brackets)."""
    def written(source: str) -> list[str]:
        return [t.text for t in tokens(source) if t.text not in ("[", "]")]

    assert written(format_text(text)) == written(text)


@given(frameworks(max_criteria=6))
def test_layout_depends_only_on_the_tree(text):
    """With no comments and no blank lines, how the text was spaced does not matter: the
    framework on one line formats to the same text."""
    assert format_text(" ".join(text.split("\n"))) == format_text(text)


@st.composite
def commented(draw, max_criteria: int = 6) -> str:
    """A generated framework with comments and line breaks put between random tokens: at
    the end of a line, on lines of their own, inside expressions and headers."""
    text = draw(frameworks(max_criteria=max_criteria))
    offsets = [0]
    for line in text.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    starts = [offsets[t.span.line - 1] + t.span.column - 1 for t in tokens(text)]
    chosen = draw(st.lists(st.tuples(st.sampled_from(starts), st.sampled_from(("after", "alone", "break"))),
                           max_size=12, unique_by=lambda pair: pair[0]))
    pieces, previous = [], 0
    for n, (start, kind) in enumerate(sorted(chosen)):
        insert = {"after": f"# c{n}\n", "alone": f"\n  # c{n}\n", "break": "\n\n"}[kind]
        pieces += [text[previous:start], insert]
        previous = start
    return "".join(pieces) + text[previous:]


@settings(max_examples=150)
@given(commented())
def test_comments_are_kept(text):
    out = round_trips(text)
    assert sorted(COMMENT.findall(out)) == sorted(c.rstrip() for c in COMMENT.findall(text))


# ---- shipped frameworks, fixtures, golden files ----------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_frameworks_round_trip_with_their_comments(path):
    text = path.read_text(encoding="utf-8")
    out = round_trips(text)
    assert COMMENT.findall(out) == [c.rstrip() for c in COMMENT.findall(text)]  # all, in order


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "tests" / "fixtures")))
def test_fixtures_round_trip_or_fail_as_the_parser_does(path):
    text = path.read_text(encoding="utf-8-sig")
    try:
        parse(text)
    except DtiSyntaxError as error:
        with pytest.raises(DtiSyntaxError) as raised:
            format_text(text)
        assert str(raised.value) == str(error)
        return
    round_trips(text)


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.dti")))
def test_golden(name):
    text = (GOLDEN / f"{name}.dti").read_text(encoding="utf-8")
    expected = (GOLDEN / f"{name}.expected").read_text(encoding="utf-8")
    assert format_text(text) == expected
    round_trips(text)


def test_golden_comments_sit_where_they_were():
    out = (GOLDEN / "comments.expected").read_text(encoding="utf-8").split("\n")
    assert out[0] == "# File header: kept at the top, with the blank line after it."
    assert out[1] == ""
    assert out[2] == 'framework comments "Comments" {  # after the header\'s brace'
    assert "            steps a {  # after the steps brace" in out
    assert "                >= 2: 10  # a band" in out
    # a comment before a closing brace is indented as the lines inside the block
    assert out[out.index("            # last in the criterion") + 1] == "        }  # after the criterion's brace"
    assert out[-2:] == ["# after everything", ""]


# ---- details ------------------------------------------------------------------------------


def let(expr: str) -> str:
    """The formatted expression of `let x = EXPR`."""
    out = format_text(f'framework t "T" {{\n    let x = {expr}\n}}\n')
    parse(out)
    return out.split("\n")[1].removeprefix("    let x = ")


@pytest.mark.parametrize("written, formatted", [
    ("(a + b) * c", "(a + b) * c"),
    ("a + (b * c)", "a + (b * c)"),
    ("(a - b) - c", "(a - b) - c"),
    ("a - (b - c)", "a - (b - c)"),
    ("a / (b * c)", "a / (b * c)"),
    ("-(a)", "-(a)"),
    ("-(a * b)", "-(a * b)"),
    ("(-a) * b", "(-a) * b"),
    ("- - 3", "- -3"),
    ("a - -3", "a - -3"),
    ("not (a and b)", "not (a and b)"),
    ("(not a) and b", "(not a) and b"),
    ("not (a == b)", "not (a == b)"),
    ("(a == b) == c", "(a == b) == c"),
    ("(a or b) and c", "(a or b) and c"),
    ("a or (b and c)", "a or (b and c)"),
    ("a and (b and c)", "a and (b and c)"),
    ("(if c then 1 else 2) * 3", "(if c then 1 else 2) * 3"),
    ("1 + (if c then 2 else 3)", "1 + (if c then 2 else 3)"),
    ("(1 + (if c then 2 else 3)) * 4", "(1 + (if c then 2 else 3)) * 4"),
    ("-(if c then 2 else 3) + 1", "-(if c then 2 else 3) + 1"),
    ("if (if c then d else e) then (if d then 1 else 2) else (if e then 3 else 4)",
     "if (if c then d else e) then (if d then 1 else 2) else (if e then 3 else 4)"),
    ("max(( a ), (b + c) , if c then 1 else 2)", "max((a), (b + c), if c then 1 else 2)"),
    ("min()", "min()"),
    # parentheses the precedence needs are added, none the author wrote is dropped
    ("1 + if c then 2 else 3", "1 + if c then 2 else 3"),
    ("(if a then 5 else 0) + (if b then 5 else 0)", "(if a then 5 else 0) + (if b then 5 else 0)"),
    ("if c then 1 else 2 + 3", "if c then 1 else 2 + 3"),
    ("((a))  *  ( (b) )", "((a)) * ((b))"),
    ("-(3)", "-(3)"),
    ("-((50%)) - (-(2))", "-((50%)) - (-(2))"),
    ("- - 3 * -(a)", "- -3 * -(a)"),
    ("2.50 + 7% - 0.0 + 007", "2.50 + 7% - 0.0 + 007"),
    ("true  or  false", "true or false"),
])
def test_expressions_keep_their_parentheses_and_get_only_the_needed_ones(written, formatted):
    assert let(written) == formatted
    assert parse(f'framework t "T" {{ let x = {written} }}') == parse(f'framework t "T" {{ let x = {formatted} }}')


def test_comments_lined_up_by_the_author_stay_in_their_column():
    text = ('framework t "T" {\n'
            '    criterion k "K" max 10 {\n'
            '        award when a       # lined up\n'
            '        exclude when b and c and d   # too long for the column: two spaces\n'
            '        on_missing zero    # lined up, next to a longer line\n'
            '    }\n'
            '    criterion m "M" max 10 {\n'
            '        award when b\n'
            '        exclude when c     # lined up, far from the others\n'
            '    }\n'
            '    input a bool # loose\n'
            '    input b bool   # loose: aligned with its neighbour\n'
            '}\n')
    out = round_trips(text).split("\n")
    assert [line.index("#") for line in out if "lined up" in line] == [27, 27, 27]
    assert "        exclude when b and c and d  # too long for the column: two spaces" in out
    assert out[-4:-1] == ["    input a bool  # loose", "    input b bool  # loose: aligned with its neighbour", "}"]


def test_lined_up_comments_move_right_together_when_the_code_grows():
    text = 'framework t "T" {\n    let x = a+b # c\n    let y = a   # c\n}\n'
    assert round_trips(text).split("\n")[1:3] == ["    let x = a + b  # c", "    let y = a      # c"]


def test_titles_are_re_escaped():
    text = 'framework t "say \\"hi\\" \\\\ ok" { max 0 param p = 1 "a \\\\\\" b" }'
    out = round_trips(text)
    assert out.split("\n")[0] == 'framework t "say \\"hi\\" \\\\ ok" {'
    assert 'param p = 1 "a \\\\\\" b"' in out


def test_a_byte_order_mark_and_windows_line_ends_go():
    out = format_text('\ufeffframework t "T" {\r\n    max 0  # zero\r\n}\r\n')
    assert out == 'framework t "T" {\n    max 0  # zero\n}\n'


def test_blank_lines_around_groups_and_none_inside_braces():
    text = ('framework t "T" {\n\n max 1\n group g "G" max 1 {\n\n criterion k "K" max 1 { award when true }\n\n'
            ' }\n input x count\n\n\n input y count\n}\n')
    assert format_text(text) == (
        'framework t "T" {\n'
        "    max 1\n"
        "\n"
        '    group g "G" max 1 {\n'
        '        criterion k "K" max 1 {\n'
        "            award when true\n"
        "        }\n"
        "    }\n"
        "\n"
        "    input x count\n"
        "\n"
        "    input y count\n"
        "}\n")


def test_a_syntax_error_is_the_parsers():
    with pytest.raises(DtiSyntaxError, match="2:11"):
        format_text('framework t "T" {\n    max 1 +\n}\n', "bad.dti")


# ---- the command -------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    messy = tmp_path / "messy.dti"
    messy.write_text('framework m "M" { max 0   # zero\n}\n', encoding="utf-8")
    tidy = tmp_path / "tidy.dti"
    tidy.write_text('framework t "T" {\n    max 0  # zero\n}\n', encoding="utf-8")
    return messy, tidy


def test_check_exits_1_and_names_the_files_that_would_change(files, capsys):
    messy, tidy = files
    before = messy.read_text(encoding="utf-8")
    assert main(["fmt", "--check", str(messy), str(tidy)]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"would reformat {messy}\n"
    assert "1 file would be reformatted, 1 unchanged" in captured.err
    assert messy.read_text(encoding="utf-8") == before  # --check changes nothing


def test_check_exits_0_when_everything_is_formatted(files, capsys):
    _, tidy = files
    assert main(["fmt", "--check", str(tidy)]) == 0
    assert capsys.readouterr().out == ""


def test_fmt_rewrites_in_place(files, capsys):
    messy, tidy = files
    assert main(["fmt", str(messy)]) == 0
    assert messy.read_text(encoding="utf-8") == 'framework m "M" {\n    max 0  # zero\n}\n'
    assert f"reformatted {messy}" in capsys.readouterr().err
    assert main(["fmt", "--check", str(messy), str(tidy)]) == 0


def test_fmt_a_folder(files, capsys):
    messy, _ = files
    assert main(["fmt", "--check", str(messy.parent)]) == 1
    assert main(["fmt", str(messy.parent)]) == 0
    assert main(["fmt", "--check", str(messy.parent)]) == 0


def test_diff_prints_the_change_and_writes_nothing(files, capsys):
    messy, _ = files
    before = messy.read_text(encoding="utf-8")
    assert main(["fmt", "--diff", str(messy)]) == 0
    out = capsys.readouterr().out
    assert '-framework m "M" { max 0   # zero\n' in out
    assert '+framework m "M" {\n' in out
    assert messy.read_text(encoding="utf-8") == before


def test_dash_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO('framework m "M" { max 0 }'))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == 'framework m "M" {\n    max 0\n}\n'


def test_a_file_that_does_not_parse_is_reported_and_left_alone(tmp_path, files, capsys):
    messy, _ = files
    bad = tmp_path / "bad.dti"
    bad.write_text('framework b "B" {\n    max 1 +\n}\n', encoding="utf-8")
    assert main(["fmt", str(bad), str(messy)]) == 1
    assert f"{bad}:2:11: unexpected '+'" in capsys.readouterr().err
    assert bad.read_text(encoding="utf-8") == 'framework b "B" {\n    max 1 +\n}\n'
    assert messy.read_text(encoding="utf-8").startswith('framework m "M" {\n')  # the others are done


def test_tokens_keep_comments_and_their_positions():
    found = [(t.type, t.text, t.span.line, t.span.column) for t in tokens('framework a "x # y" { # c\n}\n')
             if t.type in ("COMMENT", "STRING", "LBRACE")]
    assert found == [("STRING", '"x # y"', 1, 13), ("LBRACE", "{", 1, 21), ("COMMENT", "# c", 1, 23)]


def test_the_shipped_frameworks_are_formatted(capsys):
    """CI's `dtiscore fmt --check frameworks/`."""
    assert main(["fmt", "--check", str(ROOT / "frameworks")]) == 0, capsys.readouterr().out

"""Names keep their own spans in the AST: declarations (`name_span`) and choice options
(`option_spans`); the checker points at them, not at the first look-alike word in the text
(a comment, a longer name, the input's own name among its options)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings

import dtiscore
from dtiscore.errors import CheckError, Span
from dtiscore.language import ast
from dtiscore.language.parse import parse
from dtiscore.testing import frameworks


def at(text: str, span: Span) -> str:
    """The source text a one-line span covers."""
    assert span.line == span.end_line
    return text.splitlines()[span.line - 1][span.column - 1:span.end_column - 1]


def errors_of(text: str) -> list[tuple[str, str, int, int]]:
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(text)
    return [(d.code, d.message, d.span.line, d.span.column) for d in caught.value.errors]


def declarations(node):
    """Every node of the tree that declares a name, depth first."""
    if isinstance(node, (ast.Framework, ast.Group, ast.Criterion, ast.InputDecl, ast.ParamDecl, ast.LetDecl)):
        yield node
    for item in getattr(node, "items", ()):
        yield from declarations(item)


# ---- the AST ----------------------------------------------------------------------------

SPREAD = """\
framework   spread "S" {
    max 10
    input
        yes choice(no, yes,
                   maybe) "yes"
    param p = 1
    let   q = p
    group g "G" max 10 {
        criterion
            c "c" max 10 {
            score q
        }
    }
}
"""


def test_declarations_carry_the_span_of_their_name():
    tree = parse(SPREAD)
    spans = {d.name if hasattr(d, "name") else d.id: d.name_span for d in declarations(tree)}
    assert spans == {
        "spread": Span(1, 13, 1, 19),
        "yes": Span(4, 9, 4, 12),
        "p": Span(6, 11, 6, 12),
        "q": Span(7, 11, 7, 12),
        "g": Span(8, 11, 8, 12),
        "c": Span(10, 13, 10, 14),
    }
    (choice,) = [d for d in declarations(tree) if isinstance(d, ast.InputDecl)]
    assert choice.type.option_spans == (Span(4, 20, 4, 22), Span(4, 24, 4, 27), Span(5, 20, 5, 25))


def test_name_spans_do_not_take_part_in_equality():
    """Like every span: two trees of the same text, laid out differently, are equal."""
    assert parse(SPREAD) == parse(re.sub(r"\s+", " ", SPREAD))


@settings(max_examples=60, deadline=None)
@given(frameworks())
def test_every_name_span_covers_its_name(text):
    tree = parse(text)
    for decl in declarations(tree):
        name = decl.name if hasattr(decl, "name") else decl.id
        assert at(text, decl.name_span) == name
        if isinstance(decl, ast.InputDecl):
            assert [at(text, s) for s in decl.type.option_spans] == list(decl.type.options)


# ---- the checker points at the name, not at a word like it -------------------------------


def test_a_repeated_option_is_pointed_at_where_it_is_repeated():
    text = (
        'framework d "D" {\n'
        "    max 1\n"
        "    input yes choice(no, yes, yes)\n"
        '    criterion c "C" max 1 {\n'
        "        score if yes == no then 1 else 0\n"
        "    }\n"
        "}\n"
    )
    # the input's own name comes first on the line; the duplicate is the third option
    assert ("duplicate-option", "choice option 'yes' is listed twice", 3, 31) in errors_of(text)


def test_each_repetition_of_an_option_is_reported_at_its_place():
    text = 'framework d "D" {\n    max 1\n    input a choice(x, x, x)\n    criterion c "C" max 1 {\n        score 1\n    }\n}\n'
    found = [e for e in errors_of(text) if e[0] == "duplicate-option"]
    assert [(line, column) for _, _, line, column in found] == [(3, 23), (3, 26)]


def test_a_name_in_a_comment_before_the_name_is_not_the_name():
    text = 'framework d "D" {\n    max 1\n    criterion # c: the only one\n        c "C" {\n        score 1\n    }\n}\n'
    assert errors_of(text) == [("missing-max", "criterion 'c' needs 'max N'", 4, 9)]


def test_the_right_occurrence_of_a_name_on_a_line():
    text = (
        'framework d "D" {\n'
        "    max 10\n"
        "    input xx count\n"
        '    criterion c "C" max 10 {\n'
        "        score xx + x + xx + x\n"
        "    }\n"
        "}\n"
    )
    # reported once, at its first use: the 'x' after 'xx +', not inside 'xx'
    assert [e[2:] for e in errors_of(text) if e[0] == "unknown-name"] == [(5, 20)]


def test_a_cycle_is_reported_at_the_name_it_declares():
    text = (
        'framework d "D" {\n'
        "    max 10\n"
        "    let xx = 1\n"
        "    let x = xx + x + xx\n"
        '    criterion c "C" max 10 {\n'
        "        score x\n"
        "    }\n"
        "}\n"
    )
    assert errors_of(text) == [("cycle", "cycle: x → x", 4, 9)]


def test_warnings_point_at_the_declared_name():
    text = (
        'framework d "D" {\n'
        "    max 10\n"
        "    input # x is not read\n"
        "        x share better higher\n"
        '    criterion # c falls as x rises\n'
        '        c "C" max 10 {\n'
        "        score 10 - 10 * x\n"
        "    }\n"
        "    param # p\n"
        "        p = 1\n"
        "}\n"
    )
    warnings = [(w.code, w.span.line, w.span.column) for w in dtiscore.loads(text).warnings]
    assert warnings == [("monotonicity", 6, 9), ("unused", 10, 9)]


DECLARATION = re.compile(r"^(\s*)(framework|group|criterion|input|param|let) ([a-z_][a-z0-9_]*)", re.M)


@settings(max_examples=60, deadline=None)
@given(frameworks())
def test_diagnostics_about_a_name_point_at_it_whatever_comes_before(text):
    """Put a comment naming the declared name between each keyword and the name."""
    commented = DECLARATION.sub(r"\1\2 # \3 \3\n\1    \3", text)
    framework = dtiscore.loads(commented)
    for warning in framework.warnings:
        quoted = re.match(r"(?:input|param|let) '([a-z0-9_]+)' is not used|'([a-z0-9_]+)' gives|cannot prove that '([a-z0-9_]+)'", warning.message)
        if quoted:
            name = next(group for group in quoted.groups() if group)
            assert at(commented, warning.span) == name
            assert "#" not in commented.splitlines()[warning.span.line - 1]

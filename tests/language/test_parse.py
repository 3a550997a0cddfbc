"""Parsing: the example of the specification, precedence (through AST shapes), literals,
comments, titles; and a fuzz test that any text either loads or raises a `DtiError`."""

from __future__ import annotations

import functools
import re
from collections import Counter
from decimal import Decimal, localcontext
from pathlib import Path

import attrs
import lark
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.language import ast
from dtiscore.errors import DtiError, DtiSyntaxError, FrameworkError
from dtiscore.language.parse import _syntax_diagnostic, load_grammar, parse, tokens

ROOT = Path(__file__).resolve().parents[2]

# The example of LANGUAGE.md ("The .dti language — specification (v1)"), verbatim.
EXAMPLE = """\
# Comments run from '#' to the end of the line. Files are UTF-8; titles may be Vietnamese.
framework dti_demo "DTI demo" {
    max 1000
    on_exclude rescale          # or: shrink  (inherited by every group unless it says otherwise)
    on_missing zero             # or: exclude | error

    input dossiers        count   "Tổng số hồ sơ TTHC"
    input dossiers_online count   "Số hồ sơ trực tuyến"  <= dossiers
    input resolution      bool    "Có nghị quyết chuyên đề về CĐS"
    input resolution_doc  bool    "Tài liệu kiểm chứng nghị quyết"
    input smartphones     share   "Tỷ lệ người trưởng thành có điện thoại thông minh"
    input late_reports    count   "Số báo cáo nộp muộn"
    input docs            count   "Số văn bản đi"
    input docs_signed     count   "Số văn bản ký số"     <= docs
    input has_procedures  bool    "Đơn vị có thủ tục hành chính"

    param online_target = 50%                       # overridable at load time
    let online_rate = ratio(dossiers_online, dossiers)

    group awareness "Nhận thức số" max 400 {
        criterion resolution_adopted "Ban hành nghị quyết chuyên đề" max 100 {
            award when resolution
            evidence resolution_doc
        }
        criterion smartphone_rate "Tỷ lệ điện thoại thông minh" max 150 {
            linear smartphones from 50% to 90%
        }
        criterion reporting "Báo cáo đúng hạn" max 150 {
            deduct 30 per late_reports
        }
    }
    group government "Hoạt động chính quyền số" max 600 tags pillar: government {
        criterion online_dossiers "Tỷ lệ hồ sơ trực tuyến" max 400 {
            proportional online_rate target online_target
            exclude when not has_procedures "Đơn vị không có thủ tục hành chính"
        }
        criterion signed_docs "Văn bản ký số" max 200 {
            steps ratio(docs_signed, docs) {
                >= 97%: 200
                >= 90%: 140
                >= 50%: 60
                else:   0
            }
        }
    }
}
"""


# ---- the example ------------------------------------------------------------------------


def test_example_parses_to_the_expected_tree():
    tree = parse(EXAMPLE, "example.dti")
    assert isinstance(tree, ast.Framework)
    assert (tree.id, tree.title) == ("dti_demo", "DTI demo")
    inputs = [i for i in tree.items if isinstance(i, ast.InputDecl)]
    assert [i.name for i in inputs] == [
        "dossiers", "dossiers_online", "resolution", "resolution_doc", "smartphones",
        "late_reports", "docs", "docs_signed", "has_procedures",
    ]
    assert inputs[0].label == "Tổng số hồ sơ TTHC"
    assert inputs[1].options[0].other.id == "dossiers"
    groups = [i for i in tree.items if isinstance(i, ast.Group)]
    assert [g.id for g in groups] == ["awareness", "government"]
    assert groups[1].options[1].pairs == (("pillar", ("government",)),)
    signed = groups[1].items[1]
    steps = signed.clauses[0]
    assert isinstance(steps, ast.Steps)
    assert [(b.op, b.threshold.value, b.points.value) for b in steps.bands] == [
        (">=", 0.97, 200.0), (">=", 0.9, 140.0), (">=", 0.5, 60.0),
    ]
    assert steps.otherwise.value == 0.0
    online = groups[1].items[0]
    exclude = online.clauses[1]
    assert isinstance(exclude, ast.Exclude)
    assert exclude.reason == "Đơn vị không có thủ tục hành chính"
    assert exclude.cond == ast.Unary("not", ast.Name("has_procedures", None), None)
    assert (tree.span.line, tree.span.column) == (2, 1)


def test_example_loads():
    framework = dtiscore.loads(EXAMPLE, filename="example.dti")
    assert framework.id == "dti_demo"
    assert framework.root.max == 1000
    assert framework.criteria == (
        "resolution_adopted", "smartphone_rate", "reporting", "online_dossiers", "signed_docs",
    )
    assert framework.groups == ("awareness", "government")
    assert framework.params == {"online_target": 0.5}
    assert framework.node("online_dossiers").tags == {"pillar": ("government",)}
    assert framework.node("smartphone_rate").title == "Tỷ lệ điện thoại thông minh"
    assert framework.inputs["dossiers_online"].at_most == "dossiers"


@pytest.mark.parametrize("path", sorted((ROOT / "frameworks").glob("*.dti")), ids=lambda p: p.name)
def test_shipped_frameworks_load(path):
    framework = dtiscore.load(path)
    assert framework.criteria


# ---- expressions and precedence ---------------------------------------------------------


def expr_of(text: str) -> ast.Expr:
    tree = parse(f'framework d "D" {{\n max 1\n criterion c "C" max 1 {{\n score {text}\n }}\n}}\n')
    return tree.items[-1].clauses[0].expr


def sx(node) -> object:
    """A compact s-expression of an AST expression."""
    if isinstance(node, ast.Number):
        return node.value
    if isinstance(node, ast.Bool):
        return node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Unary):
        return ("neg" if node.op == "-" else node.op, sx(node.operand))
    if isinstance(node, ast.Binary):
        return (node.op, sx(node.left), sx(node.right))
    if isinstance(node, ast.If):
        return ("if", sx(node.cond), sx(node.then), sx(node.otherwise))
    if isinstance(node, ast.Call):
        return (node.func + "()",) + tuple(sx(a) for a in node.args)
    raise AssertionError(node)


@pytest.mark.parametrize(
    "text, shape",
    [
        ("1 + 2 * 3", ("+", 1.0, ("*", 2.0, 3.0))),
        ("1 * 2 + 3", ("+", ("*", 1.0, 2.0), 3.0)),
        ("1 - 2 - 3", ("-", ("-", 1.0, 2.0), 3.0)),
        ("8 / 4 / 2", ("/", ("/", 8.0, 4.0), 2.0)),
        ("8 / 4 * 2", ("*", ("/", 8.0, 4.0), 2.0)),
        ("(1 + 2) * 3", ("*", ("+", 1.0, 2.0), 3.0)),
        ("-a * b", ("*", ("neg", "a"), "b")),
        ("-2 * 3", ("*", -2.0, 3.0)),
        ("- - a", ("neg", ("neg", "a"))),
        ("2 - -3", ("-", 2.0, -3.0)),
        ("a-1", ("-", "a", 1.0)),
        ("a + b < c * d", ("<", ("+", "a", "b"), ("*", "c", "d"))),
        ("a >= 50%", (">=", "a", 0.5)),
        ("not a < b", ("not", ("<", "a", "b"))),
        ("not a and b", ("and", ("not", "a"), "b")),
        ("not not a", ("not", ("not", "a"))),
        ("a or b and c", ("or", "a", ("and", "b", "c"))),
        ("a and b or c", ("or", ("and", "a", "b"), "c")),
        ("a or b or c", ("or", ("or", "a", "b"), "c")),
        ("a == b and c != d", ("and", ("==", "a", "b"), ("!=", "c", "d"))),
        ("x == chair or x == deputy", ("or", ("==", "x", "chair"), ("==", "x", "deputy"))),
        ("if a then b else c + 1", ("if", "a", "b", ("+", "c", 1.0))),
        ("if a then b else c or d", ("if", "a", "b", ("or", "c", "d"))),
        ("1 + if a then 2 else 3 + 4", ("+", 1.0, ("if", "a", 2.0, ("+", 3.0, 4.0)))),
        ("if a then if b then 1 else 2 else 3", ("if", "a", ("if", "b", 1.0, 2.0), 3.0)),
        ("if a > 0 and b then 1 else 0", ("if", ("and", (">", "a", 0.0), "b"), 1.0, 0.0)),
        ("(if a then 1 else 2) + 3", ("+", ("if", "a", 1.0, 2.0), 3.0)),
        ("max(a, b) - min(c)", ("-", ("max()", "a", "b"), ("min()", "c"))),
        ("count(a, b, c)", ("count()", "a", "b", "c")),
        ("ratio(a + 1, b * 2)", ("ratio()", ("+", "a", 1.0), ("*", "b", 2.0))),
        ("percentile(x, 90%)", ("percentile()", "x", 0.9)),
        ("nothing()", ("nothing()",)),
        ("true and false", ("and", True, False)),
        ("-(a + b)", ("neg", ("+", "a", "b"))),
    ],
)
def test_precedence(text, shape):
    assert sx(expr_of(text)) == shape


@pytest.mark.parametrize("text", ["a < b < c", "a == b == c", "a < b == c", "1 < 2 >= 3"])
def test_comparisons_do_not_chain(text):
    with pytest.raises(DtiSyntaxError) as caught:
        expr_of(text)
    assert "do not chain" in str(caught.value)


def test_expression_spans_are_one_based():
    node = expr_of("alpha + beta")
    assert (node.span.line, node.span.column) == (4, 8)
    assert (node.right.span.line, node.right.span.column, node.right.span.end_column) == (4, 16, 20)


# ---- literals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [("21.8%", 0.218), ("50%", 0.5), ("100%", 1.0), ("0%", 0.0), ("0.1%", 0.001),
     ("33.3%", 0.333), ("7%", 0.07), ("99.99%", 0.9999), ("12", 12.0), ("3.5", 3.5),
     ("150%", 1.5)],
)
def test_numbers_and_percents(text, value):
    number = expr_of(text)
    assert isinstance(number, ast.Number)
    assert number.value == value  # exactly: 21.8% is the double nearest 0.218
    assert number.text == text


def test_percent_through_load():
    framework = dtiscore.loads(
        'framework d "D" {\n max 10\n param p = 21.8%\n input a share\n'
        ' criterion c "C" max 10 {\n  proportional a target p\n }\n}\n'
    )
    assert framework.params["p"] == 0.218
    assert framework.score({"a": [0.218]}).total.tolist() == [10.0]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A[0-9]{1,12}(\.[0-9]{1,12})?\Z"))
def test_any_percent_is_the_correctly_rounded_decimal(digits):
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(digits) / Decimal(100)
    assert expr_of(digits + "%").value == float(exact)
    assert expr_of(digits).value == float(Decimal(digits))


@pytest.mark.parametrize("text", ["1e5", ".5", "5.", "5 %", "a%", "1,5", "0x10"])
def test_malformed_numbers_are_syntax_errors(text):
    with pytest.raises(DtiSyntaxError):
        expr_of(text)


BIG = "9" * 400  # no float is this large: float(BIG) is inf


@pytest.mark.parametrize(
    "text",
    [
        f'framework d "D" {{\n max 1\n criterion c "C" max {BIG} {{\n  score 1\n }}\n}}\n',
        f'framework d "D" {{\n max {BIG}\n criterion c "C" max 1 {{\n  score 1\n }}\n}}\n',
        f'framework d "D" {{\n max 1\n criterion c "C" max 1 {{\n  steps 1 {{\n >= 1: {BIG}\n else: 0 }}\n }}\n}}\n',
        f'framework d "D" {{\n max 1\n param p = {BIG}\n criterion c "C" max 1 {{\n  score p\n }}\n}}\n',
        f'framework d "D" {{\n max 1\n param p = {BIG} - {BIG}\n criterion c "C" max 1 {{\n  score p\n }}\n}}\n',
    ],
    ids=["criterion-max", "framework-max", "band", "param", "param-nan"],
)
def test_a_number_too_large_for_a_float_is_an_error(text):
    """A literal that overflows to infinity must be reported (at the literal), not crash the
    checker's messages or turn into an infinite or undefined param."""
    with pytest.raises(FrameworkError) as caught:
        dtiscore.loads(text)
    assert any(d.span is not None and d.span.line in (2, 3, 4, 5) for d in caught.value.errors)


# ---- comments and titles ----------------------------------------------------------------

TITLED = """\
# a comment on the first line: { } " ' \\ # đã có dấu
framework d "Chỉ số # không phải chú thích" { # after a brace
    max 10# right after a number
    input a count "Số \\"hồ sơ\\" đã xử lý" # label with escaped quotes
    ## two hashes
    criterion c "Đường dẫn C:\\\\dữ liệu\\\\" max 10 {
        score a # comment } with a brace
        exclude when a > 100 "Lý do: \\"quá lớn\\""
    }
}
# the last line has no newline"""


def test_comments_and_titles():
    framework = dtiscore.loads(TITLED)
    assert framework.title == "Chỉ số # không phải chú thích"
    assert framework.inputs["a"].label == 'Số "hồ sơ" đã xử lý'
    assert framework.node("c").title == "Đường dẫn C:\\dữ liệu\\"
    assert framework.ir.root.nodes[0].exclusions[0].reason == 'Lý do: "quá lớn"'
    assert framework.score({"a": [3, 200]}).total.tolist() == [3.0, 0.0]


def test_vietnamese_titles_are_kept_exactly():
    nfc = "Chuyển đổi số — Tỷ lệ hồ sơ trực tuyến (%) “đúng hạn”"
    nfd = "Chuye\u0302\u0309n đo\u0302\u0309i so\u0302\u0301"
    text = f'framework d "{nfc}" {{\n max 1\n criterion c "{nfd}" max 1 {{\n  score 1\n }}\n}}\n'
    framework = dtiscore.loads(text)
    assert framework.title == nfc
    assert framework.node("c").title == nfd


def test_an_escape_cannot_put_a_line_break_into_a_title():
    framework = dtiscore.loads('framework d "a\\nb" {\n max 1\n criterion c "x\\\\ny" max 1 {\n score 1\n }\n}\n')
    assert "\n" not in framework.title and "\n" not in framework.node("c").title
    assert framework.node("c").title == "x\\ny"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",))))
def test_titles_round_trip_through_escaping(title):
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    assert parse(f'framework d "{escaped}" {{ max 0 }}').title == title


@pytest.mark.parametrize(
    "text, line, column",
    [
        ('framework d "D" {\n max 1\n input a count "open\n}\n', 3, 16),
        ('framework d "D" {\n max 1\n input a count "A" \n}\n}\n', 5, 1),
        ('framework d "D" {\n max 1\n input a count "A"\n', 1, 17),  # the '{' not closed
        ("", 1, 1),
        ("   \n# only a comment\n", 2, 17),
    ],
)
def test_syntax_error_positions(text, line, column):
    with pytest.raises(DtiSyntaxError) as caught:
        dtiscore.loads(text)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)


# ---- an unclosed '{' is pointed at, with what it opens ------------------------------------

UNCLOSED = [
    # the file ends with the framework's '{' open, or inside a criterion
    ('framework d "D" {\n    max 1\n    criterion c "C" max 1 {\n        score 1\n    }\n',
     (1, 17), "the '{' of framework 'd' is not closed before the end of the file"),
    ('framework d "D" {\n    max 1\n    criterion c "C" max 1 {\n        score 1\n',
     (3, 27), "the '{' of criterion 'c' is not closed before the end of the file"),
    # by its indentation, the last '}' is the framework's, not the criterion's
    ('framework d "D" {\n    max 1\n    criterion c "C" max 1 {\n        score 1\n}\n',
     (3, 27), "the '{' of criterion 'c' seems not closed: the '}' on line 5 is indented like an outer '{'"),
    # the next criterion comes first: the parse fails there, the '{' is above
    ('framework d "D" {\n    max 2\n    criterion c "C" max 1 {\n        score 1\n'
     '    criterion e "E" max 1 {\n        score 1\n    }\n}\n',
     (3, 27), "the '{' of criterion 'c' is not closed before 'criterion' on line 5"),
    # a group's '}' missing: the framework's '}' closes it and the file ends; by their
    # indentation, the '}' of line 9 is the framework's
    ('framework d "D" {\n    max 2\n    group g "G" max 1 {\n        criterion c "C" max 1 { score 1 }\n'
     '    group h "H" max 1 {\n        criterion e "E" max 1 {\n            score 1\n        }\n    }\n}\n',
     (3, 23), "the '{' of group 'g' seems not closed: the '}' on line 10 is indented like an outer '{'"),
    # a band list's '}' missing: the criterion's '}' closes it
    ('framework d "D" {\n    max 1\n    criterion c "C" max 1 {\n        steps 1 {\n            >= 1: 1\n'
     '            else: 0\n    }\n    criterion e "E" max 0 { score 0 }\n}\n',
     (4, 17), "the '{' of 'steps' seems not closed: the '}' on line 7 is indented like an outer '{'"),
    ('framework d "D" {\n    max 1\n    criterion c "C" max 1 {\n        cases {\n            when true: 1\n'
     '            else: 0\n    }\n}\n',
     (4, 15), "the '{' of 'cases' seems not closed: the '}' on line 7 is indented like an outer '{'"),
]


@pytest.mark.parametrize("text, where, message", UNCLOSED)
def test_an_unclosed_brace_is_pointed_at(text, where, message):
    with pytest.raises(DtiSyntaxError) as caught:
        dtiscore.loads(text)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == message
    assert (diagnostic.span.line, diagnostic.span.column) == where
    assert text.splitlines()[where[0] - 1][where[1] - 1] == "{"


def _closing_braces(text: str) -> list[tuple[int, tuple[int, int]]]:
    """Each '}' that stands first on its line: its offset in the text, and where its '{' is."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    opened, found = [], []
    for lexeme in tokens(text):
        if lexeme.type == "LBRACE":
            opened.append(lexeme.span)
        elif lexeme.type == "RBRACE":
            brace, line = opened.pop(), text.splitlines()[lexeme.span.line - 1]
            if not line[:lexeme.span.column - 1].strip():
                found.append((starts[lexeme.span.line - 1] + lexeme.span.column - 1, (brace.line, brace.column)))
    return found


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_a_deleted_closing_brace_is_found_where_it_was_opened(data):
    """Delete one '}' of a shipped framework: the error names the '{' it closed (or, where the
    parse fails before any '}', says what it did not expect)."""
    text = data.draw(st.sampled_from(sorted((ROOT / "frameworks").glob("*.dti")))).read_text(encoding="utf-8")
    offset, opened_at = data.draw(st.sampled_from(_closing_braces(text)))
    with pytest.raises(DtiSyntaxError) as caught:
        parse(text[:offset] + text[offset + 1:])
    (diagnostic,) = caught.value.diagnostics
    if "closed" in diagnostic.message:
        assert (diagnostic.span.line, diagnostic.span.column) == opened_at
    else:  # a clause after a band list whose '}' is gone: "unexpected 'evidence'; expected '}'"
        assert diagnostic.message.startswith("unexpected")


# ---- syntax messages speak the language, not the grammar's --------------------------------

BROKEN = [
    'framework d "D" {\n max 1\n input a count in 1 5\n}\n',
    'framework d "D" {\n max 1\n input a number\n criterion c "C" max 1 {\n steps a {\n = 5: 1\n else: 0\n }\n }\n}\n',
    'framework d "D" {\n max 1\n input a count <\n}\n',
    'framework d "D" {\n max 1\n input a count\n criterion c "C" max 1 {\n award when a = 1\n }\n}\n',
    'framework d "D" {\n max 1\n input a count\n criterion c "C" max 1 {\n award when a >\n }\n}\n',
    'framework d "D" {\n max 1\n input a count in 1..\n}\n',
]


@pytest.mark.parametrize("text", BROKEN)
def test_syntax_messages_do_not_leak_grammar_internals(text):
    with pytest.raises(DtiSyntaxError) as caught:
        dtiscore.loads(text)
    message = str(caught.value)
    assert "__anon" not in message.lower()
    assert "$END" not in message


def test_expected_tokens_are_shown_as_written():
    with pytest.raises(DtiSyntaxError) as caught:
        dtiscore.loads(BROKEN[1])
    assert caught.value.diagnostics[0].message == (
        "unexpected '='; expected one of '<', '<=', '>', '>=', 'else'"
    )


# ---- fuzz: any text either loads or raises a DtiError ------------------------------------

_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|\d+(?:\.\d+)?%?|[a-z_][a-z0-9_]*|<=|>=|==|!=|\.\.|\s+|.', re.S
)
TOKENS = _TOKEN.findall(EXAMPLE)
assert "".join(TOKENS) == EXAMPLE
VOCABULARY = sorted(set(TOKENS)) + [
    "framework", "group", "criterion", "input", "param", "let", "cap", "tags", "replaces",
    "cases", "when", "else", "steps", "score", "award", "proportional", "linear", "deduct",
    "evidence", "exclude", "on_missing", "on_exclude", "shrink", "error", "choice(a, b)",
    "number", "in", "0..1", "..", "max", "min", "count", "best(", "worst(", "mean(",
    "percentile(", "round(", "clamp(", "abs(", "all(", "any(", "if", "then", "not", "and",
    "or", "true", "false", "/", "*", "+", "-", "0", "1", "-1", "1/0", "0%", "100%",
    "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
    "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
    "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
    "9999999999999999999999999999999999999999999999999999999999999999",
    "'x'", '"', "\\", "%", "X", "ồ", "{", "}", "(", ")", "[", "]", ",", ":", "=",
    "\x00", "\ufeff", "\u2028", "\r", "\t", "\x0b", "#", "\n", "tags k: [a, b]",
    "replaces reporting", "on_missing error", "exclude when true", "better lower",
]

edits = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "replace", "char"]),
        st.floats(0, 1, exclude_max=True),
        st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=3)),
    ),
    min_size=1,
    max_size=4,
)


def mutate(changes) -> str:
    tokens = list(TOKENS)
    for kind, where, new in changes:
        i = int(where * len(tokens))
        if kind == "delete":
            del tokens[i]
        elif kind == "insert":
            tokens.insert(i, " " + new + " ")
        elif kind == "replace":
            tokens[i] = new
        else:  # one character of the token, replaced
            token = tokens[i]
            j = int(where * 7919) % max(1, len(token))
            tokens[i] = token[:j] + new[:1] + token[j + 1:]
        if not tokens:
            tokens = [""]
    return "".join(tokens)


def loads_or_dti_error(text: str) -> dtiscore.Framework | None:
    try:
        return dtiscore.loads(text, filename="fuzz.dti")
    except FrameworkError as error:
        rendered = str(error)
        assert rendered.startswith("fuzz.dti")
        for diagnostic in error.diagnostics:
            assert diagnostic.span is None or diagnostic.span.line >= 1
        return None
    except DtiError:
        return None


@settings(max_examples=2000, deadline=None)
@given(st.text())
@example("")
@example("framework")
@example('framework d "D" {')
@example('framework d "D" { max 1 criterion c "C" max 1 { score 1 } }')
@example("\ufeff" + EXAMPLE)
@example(EXAMPLE.replace("\n", "\r"))
def test_any_text_loads_or_raises_a_dti_error(text):
    loads_or_dti_error(text)


@settings(max_examples=2000, deadline=None)
@given(edits)
def test_mutated_example_loads_or_raises_a_dti_error(changes):
    loads_or_dti_error(mutate(changes))


def _data_for(framework: dtiscore.Framework, n: int = 3) -> dict:
    data = {}
    for name, info in framework.inputs.items():
        if info.type == "bool":
            column = [1, 0, None]
        elif info.type == "share":
            column = [0.9, 0.2, None]
        elif info.type.startswith("choice"):
            column = [info.options[0], info.options[-1], None]
        else:
            column = [2, 1, None]
        data[name] = column[:n]
    for name, info in framework.inputs.items():
        if info.at_most:  # keep `<=` constraints: a broken one is a DataError, not the point
            data[name] = [None if a is None or b is None else min(a, b) for a, b in zip(data[name], data[info.at_most])]
    return data


CONSTANT_RULES = [
    "proportional 8", "linear 5 from 0 to 10", "proportional 1 target 2", "linear 0.5 from 1 to 0",
]


@pytest.mark.parametrize("rule", CONSTANT_RULES)
def test_a_rule_that_reads_no_input_scores(rule):
    """Constants fold to scalars; the kernels must still give one value per unit."""
    text = f'framework d "D" {{\n max 10\n input a count\n criterion c "C" max 10 {{\n  {rule}\n  exclude when a > 5\n }}\n}}\n'
    framework = dtiscore.loads(text)
    result = framework.score({"a": [1, 9]})
    assert result.status("c").tolist() == ["scored", "excluded"]
    assert len(result.total) == 2


@settings(max_examples=500, deadline=None)
@given(edits)
@example([("replace", (TOKENS.index("online_rate", TOKENS.index("proportional")) + 0.5) / len(TOKENS), "8")])
def test_mutants_that_load_also_score(changes):
    framework = loads_or_dti_error(mutate(changes))
    if framework is None:
        return
    try:
        result = framework.score(_data_for(framework), invalid="mark")
    except DtiError:
        return
    for unit in range(len(result)):
        str(result.explain(unit))


# ---- the AST's spans against lark's own tree ---------------------------------------------
# `parse` builds the AST while lark parses (no tree); a tree built by lark with
# propagate_positions, from the same grammar, is the reference for every span.

FRAMEWORK_FILES = sorted((ROOT / "frameworks").glob("*.dti")) + sorted((ROOT / "tests" / "fixtures").rglob("*.dti"))

# grammar rule (or alias) → the AST node it makes (`neg` is left out: "-3" folds into a Number)
RULE_NODES = {
    "framework": "Framework", "group": "Group", "criterion": "Criterion", "input_decl": "InputDecl",
    "param_decl": "ParamDecl", "let_decl": "LetDecl", "max_decl": "MaxDecl", "cap_decl": "CapDecl",
    "on_exclude_decl": "OnExclude", "on_missing_decl": "OnMissing", "tags": "Tags", "at_most": "AtMost",
    "within": "Within", "better": "Better", "score": "Score", "award": "Award", "proportional": "Proportional",
    "linear": "Linear", "steps": "Steps", "band": "Band", "deduct": "Deduct", "cases": "Cases",
    "when_case": "When", "exclude": "Exclude", "evidence": "Evidence", "replaces": "Replaces",
    "if_expr": "If", "or_op": "Binary", "and_op": "Binary", "compare": "Binary", "arith": "Binary",
    "not_op": "not", "call": "Call", "max_call": "Call", "min_call": "Call", "count_call": "Call",
}
DECLARING = {"framework", "group", "criterion", "input_decl", "param_decl", "let_decl", "choice_type"}


@functools.lru_cache(maxsize=1)
def _tree_parser() -> lark.Lark:
    return lark.Lark(load_grammar(), parser="lalr", propagate_positions=True, maybe_placeholders=True)


def _where(thing) -> tuple[int, int, int, int]:
    return (thing.line, thing.column, thing.end_line, thing.end_column)


def _lark_spans(tree) -> Counter:
    """(kind, span) of every node lark's tree has, and of every declared name."""
    found = Counter()
    for subtree in tree.iter_subtrees():
        if subtree.data in RULE_NODES:
            found[RULE_NODES[subtree.data], _where(subtree.meta)] += 1
        if subtree.data in DECLARING:
            names = [c for c in subtree.children if isinstance(c, lark.Token) and c.type == "NAME"]
            for token in names if subtree.data == "choice_type" else names[:1]:
                found["name", _where(token)] += 1
    return found


def _ast_spans(node, found: Counter | None = None) -> Counter:
    """The same, from the AST."""
    found = Counter() if found is None else found
    if isinstance(node, tuple):
        for child in node:
            _ast_spans(child, found)
        return found
    if not attrs.has(type(node)) or isinstance(node, (ast.Number, ast.Name, ast.Bool)):
        return found
    kind = type(node).__name__
    if isinstance(node, ast.Unary):
        kind = "not" if node.op == "not" else None
    if kind in RULE_NODES.values() or kind is None:
        if kind:
            found[kind, _where(node.span)] += 1
    if hasattr(node, "name_span"):
        found["name", _where(node.name_span)] += 1
    if isinstance(node, ast.InputType):
        found.update(("name", _where(s)) for s in node.option_spans)
    for field in attrs.fields(type(node)):
        if not field.name.endswith("span"):
            _ast_spans(getattr(node, field.name), found)
    return found


def _parses(path) -> bool:
    try:
        parse(path.read_text(encoding="utf-8"))
    except DtiSyntaxError:  # the fixtures of syntax errors
        return False
    return True


PARSED_FILES = [path for path in FRAMEWORK_FILES if _parses(path)]


def test_every_shipped_framework_has_its_spans_compared():
    assert set(sorted((ROOT / "frameworks").glob("*.dti"))) <= set(PARSED_FILES)


@pytest.mark.parametrize("path", PARSED_FILES, ids=lambda p: p.name)
def test_spans_are_those_lark_propagates(path):
    """Every node's span and every declared name's span is where lark's tree puts them."""
    text = path.read_text(encoding="utf-8")
    assert _ast_spans(parse(text)) == _lark_spans(_tree_parser().parse(text))


def test_the_span_comparison_sees_every_kind_of_node():
    """The shipped files and fixtures between them use every rule the comparison maps."""
    seen = set()
    for path in FRAMEWORK_FILES:
        try:
            seen.update(kind for kind, _ in _lark_spans(_tree_parser().parse(path.read_text(encoding="utf-8"))))
        except lark.exceptions.UnexpectedInput:
            pass
    assert seen == set(RULE_NODES.values()) | {"name"}


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_cut_and_spliced_files_parse_as_lark_parses_them(data):
    """Cut, doubled or spliced files: parsed iff lark parses them, with lark's spans, and the
    same syntax error otherwise."""
    text = data.draw(st.sampled_from(FRAMEWORK_FILES)).read_text(encoding="utf-8")
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, min(len(text), i + 8)))
    insert = data.draw(st.sampled_from(["", "(", ")", "{", "}", "-", "#x\n", "\n", " ", "else ", "max", ",", ":", "(a) + -(b)"]))
    text = text[:i] + insert + text[j:]
    try:
        tree = _tree_parser().parse(text)
    except lark.exceptions.UnexpectedInput as error:
        with pytest.raises(DtiSyntaxError) as caught:
            parse(text)
        assert caught.value.diagnostics == (_syntax_diagnostic(error, text),)
        return
    try:
        framework = parse(text)
    except DtiSyntaxError as caught:  # a number too large for a float, reported at the number
        assert [d.message for d in caught.diagnostics] == ["number too large"] * len(caught.diagnostics)
        return
    assert _ast_spans(framework) == _lark_spans(tree)

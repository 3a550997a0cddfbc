"""The pygments lexer `dti`: found by name through its entry point, every shipped framework
and every framework of the docs lexed without an Error token, each kind of token typed."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

import pygments
import pygments.lexers
from pygments.formatters import HtmlFormatter
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Text

from dtiscore.lsp.highlight import DtiLexer

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "frameworks").glob("*.dti"))
ENTRY = "dtiscore.lsp.highlight:DtiLexer"


def lexed(text: str) -> list[tuple[object, str]]:
    return [(kind, value) for kind, value in DtiLexer().get_tokens(text) if kind is not Text.Whitespace]


def test_pyproject_registers_the_lexer_as_dti():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"]["pygments.lexers"] == {"dti": ENTRY}
    assert any(r.startswith("pygments") for r in project["optional-dependencies"]["dev"])
    module, _, name = ENTRY.partition(":")
    assert getattr(importlib.import_module(module), name) is DtiLexer


def test_get_lexer_by_name_finds_it_through_the_entry_point(tmp_path, monkeypatch):
    """pygments looks plugins up in installed metadata: a dist-info carrying the entry point
    exactly as pyproject.toml writes it makes `dti` a lexer name."""
    info = tmp_path / "dti_lexer_probe-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: dti-lexer-probe\nVersion: 0\n")
    (info / "entry_points.txt").write_text(f"[pygments.lexers]\ndti = {ENTRY}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    lexer = pygments.lexers.get_lexer_by_name("dti")
    assert isinstance(lexer, DtiLexer)
    assert isinstance(pygments.lexers.get_lexer_for_filename("vn-dti-department.dti"), DtiLexer)


def test_every_shipped_framework_lexes_without_an_error_token():
    assert SHIPPED
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        tokens = list(DtiLexer().get_tokens(text))
        assert "".join(value for _, value in tokens) == text, path
        assert not [value for kind, value in tokens if kind is Error], path


def test_every_dti_block_of_the_docs_lexes_without_an_error_token():
    fence = re.compile(r"^```dti\b[^\n]*\n(.*?)^```", re.S | re.M)
    blocks = [block for doc in sorted((ROOT / "docs").glob("*.md"))
              for block in fence.findall(doc.read_text(encoding="utf-8"))]
    assert len(blocks) > 10
    for block in blocks:
        assert not [value for kind, value in DtiLexer().get_tokens(block) if kind is Error], block


def test_keywords_strings_numbers_comments_get_their_types():
    text = ('framework t "Tỷ lệ" {  # the title\n'
            '    input rate share "Tỷ lệ" on_missing zero\n'
            '    criterion c "C" max 10 {\n'
            '        score if rate >= 80% and not false then ratio(rate, 2.5) else 0\n'
            '    }\n'
            '}\n')
    assert lexed(text) == [
        (Keyword, "framework"), (Name, "t"), (String.Double, '"Tỷ lệ"'), (Punctuation, "{"),
        (Comment.Single, "# the title"),
        (Keyword, "input"), (Name, "rate"), (Keyword, "share"), (String.Double, '"Tỷ lệ"'),
        (Keyword, "on_missing"), (Keyword, "zero"),
        (Keyword, "criterion"), (Name, "c"), (String.Double, '"C"'), (Keyword, "max"), (Number, "10"),
        (Punctuation, "{"),
        (Keyword, "score"), (Keyword, "if"), (Name, "rate"), (Operator, ">="), (Number.Float, "80%"),
        (Keyword, "and"), (Keyword, "not"), (Keyword, "false"), (Keyword, "then"), (Name.Function, "ratio"),
        (Punctuation, "("), (Name, "rate"), (Punctuation, ","), (Number, "2.5"), (Punctuation, ")"),
        (Keyword, "else"), (Number, "0"),
        (Punctuation, "}"), (Punctuation, "}"),
    ]


def test_every_keyword_of_the_grammar_is_a_keyword():
    """The words spelled out in the grammar, read from the grammar file itself."""
    grammar = (ROOT / "grammars" / "dti.lark").read_text(encoding="utf-8")
    words = set(re.findall(r'"([a-z_]+)"', grammar))
    assert {"framework", "criterion", "steps", "bands", "replaces", "rescale", "higher"} <= words
    for word in sorted(words):
        assert lexed(word) == [(Keyword, word)], word


def test_a_half_written_file_lexes_on_past_a_bad_character():
    tokens = lexed('score a @ b "open\nlet x = 1')
    assert (Error, "@") in tokens and (Error, '"') in tokens
    assert tokens[-4:] == [(Keyword, "let"), (Name, "x"), (Operator, "="), (Number, "1")]


def test_highlights_to_html():
    html = pygments.highlight('criterion c "C" { score 1 }\n', DtiLexer(), HtmlFormatter())
    assert '<span class="k">criterion</span>' in html and '<span class="s2">&quot;C&quot;</span>' in html


def test_many_bad_characters_each_an_error_token_across_chunks():
    """A long text (more than one chunk lexed at a time) with a bad character on every
    line: each one an Error token, every other character kept."""
    line = 'criterion c "C" { score m@x(1, 2) }  # m@x in a comment is a comment\n'
    text = line * 200
    tokens = list(DtiLexer().get_tokens(text))
    assert "".join(value for _, value in tokens) == text
    assert [value for kind, value in tokens if kind is Error] == ["@"] * 200
    assert sum(kind is Comment.Single for kind, _ in tokens) == 200

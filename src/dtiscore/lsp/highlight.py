"""A pygments lexer for `.dti` files, registered as `dti` (the `pygments.lexers` entry
point): code blocks tagged `dti` in Markdown and Sphinx, `pygmentize -l dti`.

It keeps no word list of its own: the tokens come from the language's own lexer
(`language.parse.tokens`, the grammar's terminals), so a keyword added to the grammar is
highlighted with nothing else to change. Any word the grammar spells out is a keyword; a
character the grammar does not know becomes an `Error` token and lexing goes on after it,
as an editor needs while a file is half written. Needs pygments (the `dev` extra); only
the entry point imports this module.
"""

from __future__ import annotations

import bisect
from typing import Iterator

from pygments.lexer import Lexer
from pygments.token import (Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Text,
                            _TokenType)

from ..errors import DtiSyntaxError
from ..language.parse import tokens

_BY_TERMINAL = {"COMMENT": Comment.Single, "STRING": String.Double, "NUMBER": Number, "PERCENT": Number.Float,
                "NAME": Name}
_PUNCTUATION = set("{}()[],:.")
CHUNK = 4000  # characters lexed at a time, cut at a line's start (no token spans lines): a bad
#               character costs a second lexing of its chunk only, so many stay cheap


class DtiLexer(Lexer):
    name = "DTI"
    aliases = ["dti"]
    filenames = ["*.dti"]
    mimetypes = ["text/x-dti"]

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, _TokenType, str]]:
        lines = _line_starts(text)
        position = 0
        while position < len(text):
            end = lines[bisect.bisect_left(lines, position + CHUNK)] if position + CHUNK <= lines[-1] else len(text)
            lexed, bad = _lexed(text, position, end, lines)
            for start, kind, value in lexed:
                if start > position:
                    yield position, Text.Whitespace, text[position:start]
                yield start, kind, value
                position = start + len(value)
            if bad is None:
                if end > position:
                    yield position, Text.Whitespace, text[position:end]
                position = end
                continue
            if bad > position:
                yield position, Text.Whitespace, text[position:bad]
            yield bad, Error, text[bad]
            position = bad + 1
        if position < len(text):
            yield position, Text.Whitespace, text[position:]


def _lexed(text: str, start: int, end: int, lines: list[int]) -> tuple[list[tuple[int, _TokenType, str]], int | None]:
    """The tokens of text[start:end] (offsets into `text`, whose line starts are `lines`) up
    to the first character the language's lexer rejects, and that character's offset (None
    when there is none)."""
    first = bisect.bisect_right(lines, start) - 1  # text[start:]'s line 1 is text's line first + 1

    def offset(line: int, column: int) -> int:
        return (start if line == 1 else lines[first + line - 1]) + column - 1

    bad = None
    try:
        found = tokens(text[start:end])
    except DtiSyntaxError as error:
        span = error.diagnostics[0].span
        bad = offset(span.line, span.column) if span is not None else len(text) - 1
        try:
            found = tokens(text[start:bad])
        except DtiSyntaxError:  # the character before the rejected one cannot end a token either
            found = ()
    out = []
    for i, lexeme in enumerate(found):
        following = found[i + 1].text if i + 1 < len(found) else ""
        out.append((offset(lexeme.span.line, lexeme.span.column), _kind(lexeme.type, lexeme.text, following),
                    lexeme.text))
    return out, bad


def _kind(terminal: str, value: str, following: str) -> _TokenType:
    if terminal == "NAME" and following == "(":
        return Name.Function
    if terminal in _BY_TERMINAL:
        return _BY_TERMINAL[terminal]
    if value[:1].isalpha():  # a word the grammar spells out: framework, when, and, true, zero, ...
        return Keyword
    return Punctuation if set(value) <= _PUNCTUATION else Operator


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts

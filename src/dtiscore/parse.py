"""Source text → AST. Lark parses (LALR, grammar shipped as package data); a Transformer
builds the frozen AST mechanically. No meaning is given here: that is `check`'s job."""

from __future__ import annotations

import functools
import math
from importlib import resources
from pathlib import Path

import attrs
import lark
from lark import Token, Transformer, v_args

from . import ast
from .errors import Diagnostic, DtiSyntaxError, Source, Span


def load_grammar() -> str:
    """The grammar text: from the installed package, else from the source checkout."""
    packaged = resources.files("dtiscore").joinpath("grammars").joinpath("dti.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "grammars" / "dti.lark"
    return checkout.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    # cache=True keeps the LALR tables in the temp folder: a new process loads them in
    # milliseconds instead of building them again (~150 ms)
    return lark.Lark(
        load_grammar(), parser="lalr", propagate_positions=True, maybe_placeholders=True, cache=True
    )


def parse(text: str, filename: str = "<string>") -> ast.Framework:
    """Parse a whole `.dti` file. Raises `DtiSyntaxError` with the position of the problem."""
    source = Source(text, filename)
    try:
        tree = _parser().parse(text)
    except lark.exceptions.UnexpectedInput as error:
        raise DtiSyntaxError([_syntax_diagnostic(error, text)], source) from None
    builder = _ToAst()
    framework = builder.transform(tree)
    if builder.problems:
        raise DtiSyntaxError(builder.problems, source)
    return framework


@attrs.frozen
class Lexeme:
    """One token as written, comments included: for tools that keep what the AST drops."""

    type: str  # the grammar's terminal name: COMMENT, LBRACE, STRING, NAME, ...
    text: str
    span: Span


def tokens(text: str, filename: str = "<string>") -> tuple[Lexeme, ...]:
    """Every token of `text` in order, comments included, whitespace left out. `parse`
    ignores comments; `dtiscore fmt` puts them back. Token types are those of a lexer that
    does not know where it is in the grammar (a keyword may come out as a policy word), but
    comments, strings and punctuation are exactly where the parser sees them."""
    try:
        return tuple(
            Lexeme(token.type, str(token), _token_span(token))
            for token in _parser().lex(text, dont_ignore=True)
            if token.type != "WS"
        )
    except lark.exceptions.UnexpectedInput as error:
        raise DtiSyntaxError([_syntax_diagnostic(error, text)], Source(text, filename)) from None


# ---- syntax errors ---------------------------------------------------------------------

_TOKEN_NAMES = {
    "NAME": "a name",
    "STRING": 'a quoted "title"',
    "NUMBER": "a number",
    "PERCENT": "a percent",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COLON": "':'",
    "COMMA": "','",
    "EQUAL": "'='",
    "MORETHAN": "'>'",
    "LESSTHAN": "'<'",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "MINUS": "'-'",
    "EXCLUDE_POLICY": "rescale or shrink",
    "MISSING_POLICY": "zero, exclude or error",
    "TYPE_NAME": "an input type (count, number, share, bool, choice)",
    "DIRECTION": "higher or lower",
    "$END": "the end of the file",
}


_COMPARISONS = {"<", "<=", ">", ">=", "==", "!="}
_OPERAND_TOKENS = {"NAME", "NUMBER", "PERCENT", "ADD_OP", "MUL_OP", "MINUS", "RPAR", "LPAR", "COMMA"}


def _follows_comparison(text: str, position: int) -> bool:
    """Is the token at `position` a second comparison in one expression (`a < b < c`)?"""
    try:
        tokens = list(_parser().lex(text[:position]))
    except lark.exceptions.LarkError:
        return False
    for token in reversed(tokens):
        if str(token) in _COMPARISONS:
            return True
        if token.type not in _OPERAND_TOKENS:
            return False
    return False


@functools.lru_cache(maxsize=1)
def _terminal_words() -> dict[str, str]:
    """Terminal name → how it is written: keywords and punctuation by their own text."""
    words = {}
    for terminal in _parser().terminals:
        if terminal.pattern.type == "str":
            words[terminal.name] = f"'{terminal.pattern.value}'"
    words.update(_TOKEN_NAMES)
    return words


def _describe_expected(expected: set[str]) -> str:
    words = _terminal_words()
    names = sorted({words.get(terminal, terminal.lower()) for terminal in expected})
    if len(names) > 8:
        return "expected one of " + ", ".join(names[:8]) + ", ..."
    return "expected " + (names[0] if len(names) == 1 else "one of " + ", ".join(names))


def _syntax_diagnostic(error: lark.exceptions.UnexpectedInput, text: str) -> Diagnostic:
    line = getattr(error, "line", 1) or 1
    column = getattr(error, "column", 1) or 1
    if isinstance(error, lark.exceptions.UnexpectedCharacters):
        char = text[error.pos_in_stream] if error.pos_in_stream < len(text) else ""
        hint = _character_hint(char)
        return Diagnostic("syntax", f"unexpected character {char!r}{hint}", Span.point(line, column))
    if isinstance(error, lark.exceptions.UnexpectedEOF):
        lines = text.splitlines() or [""]
        span = Span.point(len(lines), len(lines[-1]) + 1)
        message = "unexpected end of file; " + _describe_expected(set(error.expected))
        if "RBRACE" in error.expected:
            message = "unexpected end of file: a '{' is not closed"
        return Diagnostic("syntax", message, span)
    token: Token = error.token  # UnexpectedToken
    expected = set(error.expected)
    if token.type == "$END":
        lines = text.splitlines() or [""]
        span = Span.point(len(lines), len(lines[-1]) + 1)
        if "RBRACE" in expected:
            return Diagnostic("syntax", "unexpected end of file: a '{' is not closed", span)
        return Diagnostic("syntax", "unexpected end of file; " + _describe_expected(expected), span)
    span = Span.point(token.line, token.column, max(1, len(str(token))))
    in_expression = "AND" in expected or "OR" in expected
    if str(token) in _COMPARISONS and _follows_comparison(text, token.start_pos):
        return Diagnostic("syntax", "comparisons do not chain: write 'a < b and b < c'", span)
    if str(token) == "=" and in_expression:
        return Diagnostic("syntax", "unexpected '='; to compare, write '=='", span)
    if token.type in ("CRITERION", "GROUP") and "RBRACE" in expected:
        return Diagnostic("syntax", f"unexpected '{token}': a '{{' above is not closed", span)
    if token.type == "RBRACE" and "ELSE" in expected:
        return Diagnostic("syntax", "missing 'else' band: steps and cases need an 'else: POINTS' last", span)
    return Diagnostic("syntax", f"unexpected {str(token)!r}; " + _describe_expected(expected), span)


def _character_hint(char: str) -> str:
    if char.isalpha() and char.isupper():
        return " (names are lower case: [a-z_][a-z0-9_]*)"
    if char.isalpha():
        return " (names are ASCII: [a-z_][a-z0-9_]*; put Vietnamese text in a quoted title)"
    if char == "'":
        return " (titles use double quotes)"
    return ""


# ---- tree → AST ------------------------------------------------------------------------


def _span(meta) -> Span:
    return Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _token_span(token: Token) -> Span:
    return Span(token.line, token.column, token.end_line, token.end_column)


def _string(token: Token | None) -> str | None:
    if token is None:
        return None
    body = str(token)[1:-1]
    return body.replace('\\"', '"').replace("\\\\", "\\")


@v_args(inline=True, meta=True)
class _ToAst(Transformer):
    def __init__(self):
        super().__init__()
        self.problems: list[Diagnostic] = []  # lexical problems found while building
    # ---- structure
    def start(self, meta, framework):
        return framework

    def framework(self, meta, name, title, *items):
        return ast.Framework(str(name), _string(title), tuple(items), _span(meta))

    def group(self, meta, name, title, *rest):
        options = tuple(r for r in rest if isinstance(r, _NODE_OPTIONS))
        items = tuple(r for r in rest if not isinstance(r, _NODE_OPTIONS))
        return ast.Group(str(name), _string(title), options, items, _span(meta))

    def criterion(self, meta, name, title, *rest):
        options = tuple(r for r in rest if isinstance(r, _NODE_OPTIONS))
        clauses = tuple(r for r in rest if not isinstance(r, _NODE_OPTIONS))
        return ast.Criterion(str(name), _string(title), options, clauses, _span(meta))

    # ---- options
    def max_decl(self, meta, value):
        return ast.MaxDecl(value, _span(meta))

    def cap_decl(self, meta):
        return ast.CapDecl(_span(meta))

    def on_exclude_decl(self, meta, policy):
        return ast.OnExclude(str(policy), _span(meta))

    def on_missing_decl(self, meta, policy):
        return ast.OnMissing(str(policy), _span(meta))

    def tags(self, meta, *pairs):
        return ast.Tags(tuple(pairs), _span(meta))

    def tag(self, meta, key, *values):
        return (str(key), tuple(str(v) for v in values))

    # ---- declarations
    def input_decl(self, meta, name, input_type, label, *options):
        return ast.InputDecl(str(name), input_type, _string(label), tuple(options), _span(meta))

    def simple_type(self, meta, kind):
        return ast.InputType(str(kind))

    def choice_type(self, meta, *options):
        return ast.InputType("choice", tuple(str(o) for o in options))

    def at_most(self, meta, other):
        return ast.AtMost(ast.Name(str(other), _token_span(other)), _span(meta))

    def within(self, meta, low, high):
        return ast.Within(low, high, _span(meta))

    def better(self, meta, direction):
        return ast.Better(str(direction), _span(meta))

    def param_decl(self, meta, name, expr, label):
        return ast.ParamDecl(str(name), expr, _string(label), _span(meta))

    def let_decl(self, meta, name, expr):
        return ast.LetDecl(str(name), expr, _span(meta))

    # ---- clauses
    def score(self, meta, expr):
        return ast.Score(expr, _span(meta))

    def award(self, meta, cond):
        return ast.Award(cond, _span(meta))

    def proportional(self, meta, expr, target):
        return ast.Proportional(expr, target, _span(meta))

    def linear(self, meta, expr, start, end):
        return ast.Linear(expr, start, end, _span(meta))

    def steps(self, meta, expr, *bands):
        return ast.Steps(expr, tuple(bands[:-1]), bands[-1], _span(meta))

    def band(self, meta, op, threshold, points):
        return ast.Band(str(op), threshold, points, _span(meta))

    def else_band(self, meta, points):
        return points

    def deduct(self, meta, amount, per):
        return ast.Deduct(amount, per, _span(meta))

    def cases(self, meta, *whens):
        return ast.Cases(tuple(whens[:-1]), whens[-1], _span(meta))

    def when_case(self, meta, cond, points):
        return ast.When(cond, points, _span(meta))

    def else_case(self, meta, points):
        return points

    def exclude(self, meta, cond, reason):
        return ast.Exclude(cond, _string(reason), _span(meta))

    def evidence(self, meta, name):
        return ast.Evidence(ast.Name(str(name), _token_span(name)), _span(meta))

    def replaces(self, meta, name):
        return ast.Replaces(ast.Name(str(name), _token_span(name)), _span(meta))

    def constant(self, meta, value):
        if isinstance(value, Token):  # a param's name
            return ast.Name(str(value), _token_span(value))
        return value

    # ---- expressions
    def if_expr(self, meta, cond, then, otherwise):
        return ast.If(cond, then, otherwise, _span(meta))

    def or_op(self, meta, left, right):
        return ast.Binary("or", left, right, _span(meta))

    def and_op(self, meta, left, right):
        return ast.Binary("and", left, right, _span(meta))

    def not_op(self, meta, operand):
        return ast.Unary("not", operand, _span(meta))

    def compare(self, meta, left, op, right):
        return ast.Binary(op, left, right, _span(meta))

    def compare_op(self, meta, token):
        return str(token)

    def band_op(self, meta, token):
        return str(token)

    def arith(self, meta, left, op, right):
        return ast.Binary(str(op), left, right, _span(meta))

    def neg(self, meta, operand):
        if isinstance(operand, ast.Number):  # fold "-3" into one literal, as written
            return ast.Number(-operand.value, "-" + operand.text, _span(meta))
        return ast.Unary("-", operand, _span(meta))

    def true(self, meta):
        return ast.Bool(True, _span(meta))

    def false(self, meta):
        return ast.Bool(False, _span(meta))

    def name(self, meta, token):
        return ast.Name(str(token), _token_span(token))

    def call(self, meta, func, *args):
        return ast.Call(str(func), tuple(a for a in args if a is not None), _span(meta))

    def max_call(self, meta, *args):
        return self.call(meta, "max", *args)

    def min_call(self, meta, *args):
        return self.call(meta, "min", *args)

    def count_call(self, meta, *args):
        return self.call(meta, "count", *args)

    def signed_number(self, meta, number):
        return number

    def negative(self, meta, number):
        return ast.Number(-number.value, "-" + number.text, _span(meta))

    def number(self, meta, token):
        text = str(token)
        if text.endswith("%"):
            value = float(text[:-1] + "e-2")  # correctly rounded: 21.8% is 0.218
        else:
            value = float(text)
        if not math.isfinite(value):
            self.problems.append(Diagnostic("syntax", "number too large", _token_span(token)))
            value = 0.0
        return ast.Number(value, text, _token_span(token))


_NODE_OPTIONS = ast.NODE_OPTIONS

"""Source text → AST. Lark's LALR parser (grammar shipped as package data) calls one builder
method per rule as it reduces it (an inline transformer: no parse tree is built), so the frozen
AST is made while parsing; syntax errors come from lark itself. No meaning is given here: that
is `check`'s job."""

from __future__ import annotations

import functools
import math
import re
import threading
from importlib import resources
from pathlib import Path

import attrs
import lark
from lark import Token

from . import ast
from ..errors import Diagnostic, DtiSyntaxError, Source, Span


def load_grammar() -> str:
    """The grammar text: from the installed package, else from the source checkout."""
    packaged = resources.files("dtiscore").joinpath("grammars").joinpath("dti.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[3] / "grammars" / "dti.lark"
    return checkout.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    # keep_all_tokens: the callbacks also see keywords and braces, which a rule's span covers.
    # cache=True keeps the LALR tables in the temp folder: a new process loads them in
    # milliseconds instead of building them again (~150 ms)
    grammar = load_grammar()
    return lark.Lark(
        grammar, parser="lalr", maybe_placeholders=True, keep_all_tokens=True, transformer=_Rules(grammar), cache=True
    )


def parse(text: str, filename: str = "<string>") -> ast.Framework:
    """Parse a whole `.dti` file. Raises `DtiSyntaxError` with the position of the problem."""
    source = Source(text, filename)
    problems = _PROBLEMS.found = []
    try:
        framework = _parser().parse(text)
    except lark.exceptions.UnexpectedInput as error:
        raise DtiSyntaxError([_syntax_diagnostic(error, text)], source) from None
    if problems:
        raise DtiSyntaxError(problems, source)
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
        return _end_of_file(text, set(error.expected))
    token: Token = error.token  # UnexpectedToken
    expected = set(error.expected)
    if token.type == "$END":
        return _end_of_file(text, expected)
    span = Span.point(token.line, token.column, max(1, len(str(token))))
    in_expression = "AND" in expected or "OR" in expected
    if str(token) in _COMPARISONS and _follows_comparison(text, token.start_pos):
        return Diagnostic("syntax", "comparisons do not chain: write 'a < b and b < c'", span)
    if str(token) == "=" and in_expression:
        return Diagnostic("syntax", "unexpected '='; to compare, write '=='", span)
    if token.type in ("CRITERION", "GROUP") and "RBRACE" in expected:
        brace = _open_brace(text, token.start_pos)
        if brace is not None:
            return _unclosed(brace, f"before '{token}' on line {token.line}")
        return Diagnostic("syntax", f"unexpected '{token}': a '{{' above is not closed", span)
    if token.type == "RBRACE" and "ELSE" in expected:
        return Diagnostic("syntax", "missing 'else' band: steps and cases need an 'else: POINTS' last", span)
    return Diagnostic("syntax", f"unexpected {str(token)!r}; " + _describe_expected(expected), span)


def _end_of_file(text: str, expected: set[str]) -> Diagnostic:
    lines = text.splitlines() or [""]
    span = Span.point(len(lines), len(lines[-1]) + 1)
    if "RBRACE" not in expected:
        return Diagnostic("syntax", "unexpected end of file; " + _describe_expected(expected), span)
    brace = _open_brace(text, len(text))
    if brace is None:
        return Diagnostic("syntax", "unexpected end of file: a '{' is not closed", span)
    return _unclosed(brace, "before the end of the file")


def _unclosed(brace: _Brace, where: str) -> Diagnostic:
    if brace.misplaced_close is None:
        message = f"the '{{' of {brace.owner} is not closed {where}"
    else:
        message = (f"the '{{' of {brace.owner} seems not closed: the '}}' on line {brace.misplaced_close} "
                   "is indented like an outer '{'")
    return Diagnostic("syntax", message, brace.span)


@attrs.frozen
class _Brace:
    """A '{' that is not closed where the parse failed."""

    span: Span
    owner: str  # what it opens, as the author wrote it: "criterion 'c'", "'steps'"
    misplaced_close: int | None = None  # the line of the '}' that closes it, by its indent an outer one's


_OWNERS = {"framework", "group", "criterion", "steps", "cases"}


def _open_brace(text: str, position: int) -> _Brace | None:
    """The '{' not closed before `position`. By matching, the innermost one still open there;
    but when a '}' on a line of its own closed a '{' while indented like an outer one (where
    the author's missing '}' usually is: the parse goes on, and fails only later), that '{'."""
    try:
        tokens = list(_parser().lex(text[:position]))
    except lark.exceptions.LarkError:
        return None
    indent: dict[int, int] = {}  # line → column of its first token
    open_braces: list[tuple[Token, str, int]] = []  # the brace, what it opens, its line's indent
    owner, previous = "'{'", None
    for token in tokens:
        first_on_line = token.line not in indent
        indent.setdefault(token.line, token.column)
        if token.value in _OWNERS and token.type != "NAME":
            owner = f"'{token.value}'"
        elif previous is not None and previous.value in ("framework", "group", "criterion") and token.type == "NAME":
            owner = f"{previous.value} '{token.value}'"
        if token.type == "LBRACE":
            open_braces.append((token, owner, indent[token.line]))
            owner = "'{'"
        elif token.type == "RBRACE" and open_braces:
            brace, what, column = open_braces.pop()
            if first_on_line and token.column != column and any(token.column == c for _, _, c in open_braces):
                return _Brace(_token_span(brace), what, token.line)
        previous = token
    if not open_braces:
        return None
    brace, what, _ = open_braces[-1]
    return _Brace(_token_span(brace), what)


def _character_hint(char: str) -> str:
    if char.isalpha() and char.isupper():
        return " (names are lower case: [a-z_][a-z0-9_]*)"
    if char.isalpha():
        return " (names are ASCII: [a-z_][a-z0-9_]*; put Vietnamese text in a quoted title)"
    if char == "'":
        return " (titles use double quotes)"
    return ""


# ---- rules → AST ------------------------------------------------------------------------


def _token_span(token: Token) -> Span:
    return Span(token.line, token.column, token.end_line, token.end_column)


def _string(token: Token | None) -> str | None:
    if token is None:
        return None
    body = token.value[1:-1]
    return body.replace('\\"', '"').replace("\\\\", "\\")


class _Builder:
    """One method per grammar rule (or alias): its span, then the children lark's tree would
    have (`_Rules` calls these while parsing). Tokens are lark's: `.value` is the text."""

    # ---- structure
    def start(self, span, framework):
        return framework

    def framework(self, span, name, title, *items):
        return ast.Framework(name.value, _string(title), tuple(items), span, _token_span(name))

    def group(self, span, name, title, *rest):
        options = tuple(r for r in rest if isinstance(r, _NODE_OPTIONS))
        items = tuple(r for r in rest if not isinstance(r, _NODE_OPTIONS))
        return ast.Group(name.value, _string(title), options, items, span, _token_span(name))

    def criterion(self, span, name, title, *rest):
        options = tuple(r for r in rest if isinstance(r, _NODE_OPTIONS))
        clauses = tuple(r for r in rest if not isinstance(r, _NODE_OPTIONS))
        return ast.Criterion(name.value, _string(title), options, clauses, span, _token_span(name))

    def bands(self, span, target, *bands):
        otherwise, otherwise_span = bands[-1]
        return ast.Bands(ast.Name(target.value, _token_span(target)), tuple(bands[:-1]), otherwise, otherwise_span, span)

    def label_band(self, span, op, threshold, label):
        return ast.LabelBand(op, threshold, _string(label), span)

    def else_label(self, span, label):
        return (_string(label), _token_span(label))  # travels up held: a tuple has no span

    def rank_exclude(self, span, cond, reason):
        return ast.RankExclude(cond, _string(reason), span)

    # ---- options
    def max_decl(self, span, value):
        return ast.MaxDecl(value, span)

    def cap_decl(self, span):
        return ast.CapDecl(span)

    def on_exclude_decl(self, span, policy):
        return ast.OnExclude(policy.value, span)

    def on_missing_decl(self, span, policy):
        return ast.OnMissing(policy.value, span)

    def tags(self, span, *pairs):
        return ast.Tags(tuple(pairs), span)

    def tag(self, span, key, *values):
        return (key.value, tuple(v.value for v in values))

    # ---- declarations
    def input_decl(self, span, name, input_type, label, *options):
        return ast.InputDecl(name.value, input_type, _string(label), tuple(options), span, _token_span(name))

    def simple_type(self, span, kind):
        return ast.InputType(kind.value)

    def choice_type(self, span, *options):
        return ast.InputType("choice", tuple(o.value for o in options), tuple(_token_span(o) for o in options))

    def at_most(self, span, other):
        return ast.AtMost(ast.Name(other.value, _token_span(other)), span)

    def within(self, span, low, high):
        return ast.Within(low, high, span)

    def better(self, span, direction):
        return ast.Better(direction.value, span)

    def param_decl(self, span, name, expr, label):
        return ast.ParamDecl(name.value, expr, _string(label), span, _token_span(name))

    def let_decl(self, span, name, expr):
        return ast.LetDecl(name.value, expr, span, _token_span(name))

    # ---- clauses
    def score(self, span, expr):
        return ast.Score(expr, span)

    def award(self, span, cond):
        return ast.Award(cond, span)

    def proportional(self, span, expr, *target):
        # `["target" expr]`: one expression, or two placeholders (one stood for the keyword)
        return ast.Proportional(expr, target[-1], span)

    def linear(self, span, expr, start, end):
        return ast.Linear(expr, start, end, span)

    def steps(self, span, expr, *bands):
        return ast.Steps(expr, tuple(bands[:-1]), bands[-1], span)

    def band(self, span, op, threshold, points):
        return ast.Band(op, threshold, points, span)

    def else_band(self, span, points):
        return points

    def deduct(self, span, amount, per):
        return ast.Deduct(amount, per, span)

    def cases(self, span, *whens):
        return ast.Cases(tuple(whens[:-1]), whens[-1], span)

    def when_case(self, span, cond, points):
        return ast.When(cond, points, span)

    def else_case(self, span, points):
        return points

    def exclude(self, span, cond, reason):
        return ast.Exclude(cond, _string(reason), span)

    def evidence(self, span, name):
        return ast.Evidence(ast.Name(name.value, _token_span(name)), span)

    def replaces(self, span, name):
        return ast.Replaces(ast.Name(name.value, _token_span(name)), span)

    def constant(self, span, value):
        if isinstance(value, Token):  # a param's name
            return ast.Name(value.value, _token_span(value))
        return value

    # ---- expressions
    def if_expr(self, span, cond, then, otherwise):
        return ast.If(cond, then, otherwise, span)

    def or_op(self, span, left, right):
        return ast.Binary("or", left, right, span)

    def and_op(self, span, left, right):
        return ast.Binary("and", left, right, span)

    def not_op(self, span, operand):
        return ast.Unary("not", operand, span)

    def compare(self, span, left, op, right):
        return ast.Binary(op, left, right, span)

    def compare_op(self, span, token):
        return token.value

    def band_op(self, span, token):
        return token.value

    def atom(self, span, expr):  # "(" expr ")": the node, remembering the parentheses for fmt
        return attrs.evolve(expr, parens=expr.parens + 1)

    def arith(self, span, left, op, right):
        return ast.Binary(op.value, left, right, span)

    def neg(self, span, operand):
        if isinstance(operand, ast.Number):  # fold "-3" (and "-(3)") into one literal, as written
            text = "(" * operand.parens + operand.text + ")" * operand.parens
            return ast.Number(-operand.value, "-" + text, span)
        return ast.Unary("-", operand, span)

    def true(self, span):
        return ast.Bool(True, span)

    def false(self, span):
        return ast.Bool(False, span)

    def name(self, span, token):
        return ast.Name(token.value, _token_span(token))

    def call(self, span, func, *args):
        return ast.Call(func.value if isinstance(func, Token) else func, tuple(a for a in args if a is not None), span)

    def max_call(self, span, *args):
        return self.call(span, "max", *args)

    def min_call(self, span, *args):
        return self.call(span, "min", *args)

    def count_call(self, span, *args):
        return self.call(span, "count", *args)

    def signed_number(self, span, number):
        return number

    def negative(self, span, number):
        return ast.Number(-number.value, "-" + number.text, span)

    def number(self, span, token):
        text = token.value
        if text.endswith("%"):
            value = float(text[:-1] + "e-2")  # correctly rounded: 21.8% is 0.218
        else:
            value = float(text)
        if not math.isfinite(value):
            _PROBLEMS.found.append(Diagnostic("syntax", "number too large", _token_span(token)))
            value = 0.0
        return ast.Number(value, text, _token_span(token))


_NODE_OPTIONS = ast.NODE_OPTIONS


# ---- what lark calls as it reduces a rule ----------------------------------------------

_PROBLEMS = threading.local()  # `.found`: the problems of the parse running in this thread
# (lark calls one shared set of callbacks; `parse` gives each parse a list of its own)


class _Held:
    """A rule's value whose span is not the rule's own: a node in parentheses, an input type,
    a tag, an operator. The rule above takes the value and counts the rule's span."""

    __slots__ = ("value", "span")

    def __init__(self, value, span: Span):
        self.value, self.span = value, span


class _Rules:
    """Lark's inline transformer: for each rule, a callback that shapes its children as lark's
    tree builder would (anonymous tokens dropped, unless the rule is a `!rule`), works out the
    rule's span from its first token to its last, and calls the builder method of that name.
    Lark inlines `_rule`s and passes `?rule`s with one child through before calling."""

    def __init__(self, grammar: str):
        named = frozenset(re.findall(r"^([A-Z_][A-Z0-9_]*)(?:\.\d+)?\s*:", grammar, re.M))
        kept = frozenset(re.findall(r"^!([a-z_][a-z0-9_]*)\s*:", grammar, re.M))
        builder = _Builder()
        for name in dir(builder):
            if not name.startswith("_"):
                setattr(self, name, _callback(getattr(builder, name), None if name in kept else named))
        # the most frequent rules, one token each, without the general shaping
        self.name = lambda children: ast.Name(children[0].value, _token_span(children[0]))
        self.number = lambda children: builder.number(None, children[0])


def _callback(method, named: frozenset[str] | None):
    """The callback for a rule whose builder method is `method`; `named`: the tokens to pass
    on (the terminals the grammar names), or None to pass every token."""

    def reduce(children: list):
        arguments = []
        first = last = None
        for child in children:
            kind = type(child)
            if kind is Token:
                if named is None or child.type in named:
                    arguments.append(child)
                extent = child
            elif child is None:  # an absent `[x]`
                arguments.append(None)
                continue
            else:
                arguments.append(child.value if kind is _Held else child)
                extent = child.span
            if first is None:
                first = extent
            last = extent
        span = None if first is None else Span(first.line, first.column, last.end_line, last.end_column)
        value = method(span, *arguments)
        own = getattr(value, "span", None)
        if own is not span and own != span:
            return _Held(value, span)
        return value

    return reduce

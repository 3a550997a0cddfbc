"""Run lark's LALR tables without building a parse tree.

Lark's own parse builds a `Tree` for every rule, works out positions for each, and a
Transformer then walks that tree again to make the AST: most of the time of loading a
framework. This loop uses the same tables and the same contextual lexers (so it accepts
exactly the same texts and splits them into the same tokens), shapes each rule's children
the way lark's tree builder would (anonymous tokens dropped, `_rule`s inlined, `?rule`s
with one child passed through, `[x]` left out as None) and hands them straight to a
builder method named after the rule, with the rule's span.

It does not explain mistakes: on any input it cannot parse it raises `Rejected`, and the
caller asks lark for the error, so messages stay lark's, word for word.
"""

from __future__ import annotations

import re
from typing import Any, Callable, NamedTuple

import lark

from ..errors import Span


class Rejected(Exception):
    """The text is not in the language (or not lexable); lark will say why."""


class Token(NamedTuple):
    """One token as the builder sees it: its terminal, its text, where it stands."""

    type: str
    text: str
    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column)


class _Lexer(NamedTuple):
    """The lexer lark uses in one parser state."""

    match: Callable  # compiled alternation of the terminals allowed there
    keywords: dict[str, dict[str, str]]  # terminal → {word: keyword terminal}


class _Rule(NamedTuple):
    """How one grammar rule's children become the builder's arguments."""

    origin: str  # the nonterminal it makes (goto key)
    size: int  # symbols on the stack
    shape: tuple | None  # per argument: index into the children, or None for an absent
    # [x]; no shape at all when the children are the arguments as they are
    inline: frozenset[int]  # children that are `_rule`s: their arguments are spliced in
    pass_through: bool  # a `?rule` without alias: one argument is returned as it is
    unit: bool  # `?a: b` and nothing else: b's value stands for a, unchanged
    handler: str | None  # builder method; None for `_rule`s (the argument list itself)


class Tables(NamedTuple):
    start: int
    end: int
    actions: dict[int, dict[str, tuple[bool, Any]]]  # state → terminal → (shift?, state | _Rule)
    lexers: dict[int, _Lexer]
    skip: Callable  # matches a run of what every state ignores (whitespace, comments)
    units: dict[tuple[int, int, str], int]  # (state below, top state, lookahead) → top state
    # after every `?a: b` reduction that follows there; filled as parses meet them


def tables(parser: lark.Lark) -> Tables:
    """Take lark's parse table and per-state lexers apart once, into plain dicts."""
    frontend = parser.parser
    table = frontend.parser.parser.parse_table
    rules: dict[Any, _Rule] = {}
    actions = {}
    for state, row in table.states.items():
        actions[state] = {
            symbol: (True, arg) if action.name == "Shift" else (False, rules.get(arg) or rules.setdefault(arg, _rule(arg)))
            for symbol, (action, arg) in row.items()
        }
    ignored = set(frontend.lexer_conf.ignore)
    lexers = {}
    made: dict[int, _Lexer] = {}
    for state, basic in frontend.lexer.lexers.items():
        if id(basic) not in made:
            if set(basic.ignore_types) != ignored:
                raise NotImplementedError("states that ignore different terminals")
            made[id(basic)] = _lexer(basic)
        lexers[state] = made[id(basic)]
    (start,) = table.start_states.values()
    (end,) = table.end_states.values()
    return Tables(start, end, actions, lexers, _skip(parser.terminals, ignored), {})


def _skip(terminals, ignored: set[str]) -> Callable:
    """One match for a run of ignored tokens (lark lexes each one as a token of its own).
    Skipping them before lexing is the same as lark's lexing only if no other terminal can
    start where an ignored one does: in the grammar, none starts with a space or a '#'."""
    patterns = [t.pattern.to_regexp() for t in terminals if t.name in ignored]
    skip = re.compile("(?:" + "|".join(patterns) + ")*")
    starts = {text[0] for text in (" ", "\t", "\n", "\r", "\f", "#") if skip.match(text).end()}
    for terminal in terminals:
        if terminal.name not in ignored and any(re.match(terminal.pattern.to_regexp(), c * 2 + "a") for c in starts):
            raise NotImplementedError(f"{terminal.name} may start like an ignored token")
    return skip.match


def _lexer(basic) -> _Lexer:
    scanner = basic.scanner
    if len(scanner._mres) != 1:
        raise NotImplementedError("a lexer split over several regular expressions")
    keywords = {}
    for terminal, callback in basic.callback.items():
        if not isinstance(callback, lark.lexer.UnlessCallback):
            raise NotImplementedError(f"lexer callback {callback!r}")
        words = callback.scanner.terminals
        if any(t.pattern.type != "str" or t.pattern.flags for t in words):
            raise NotImplementedError("a keyword that is not a plain string")
        keywords[terminal] = {t.pattern.value: t.name for t in words}
    return _Lexer(scanner._mres[0].match, keywords)


def _rule(rule) -> _Rule:
    """The shape lark's tree builder gives `rule` (see lark.parse_tree_builder)."""
    keep_all = rule.options.keep_all_tokens
    shape: list[int | None] = []
    inline = set()
    symbols = iter(enumerate(rule.expansion))
    for placeholder in rule.options.empty_indices or [False] * len(rule.expansion):
        if placeholder:
            shape.append(None)
            continue
        index, symbol = next(symbols)
        if symbol.is_term and symbol.filter_out and not keep_all:
            continue
        shape.append(index)
        if not symbol.is_term and symbol.name.startswith("_"):
            inline.add(index)
    name = rule.origin.name
    handler = None if name.startswith("_") else (rule.alias or name)
    pass_through = bool(rule.options.expand1 and not rule.alias)
    unit = pass_through and shape == [0] and not inline
    whole = shape == list(range(len(rule.expansion))) and not inline
    return _Rule(name, len(rule.expansion), None if whole else tuple(shape), frozenset(inline), pass_through,
                 unit, handler)


def parse(text: str, tables: Tables, builder: Any) -> Any:
    """The builder's value for the start rule. Raises `Rejected` where lark would fail."""
    actions, lexers, skip, end, units = tables.actions, tables.lexers, tables.skip, tables.end, tables.units
    state = tables.start  # the top of `states`
    states = [state]
    values: list[Any] = []
    extents: list[Any] = []  # per value: what it covers (a Token, a Span, or None if nothing)
    handlers: dict[str, Callable] = {}
    new_token = tuple.__new__  # Token(...) without its Python-level __new__
    pos, line, line_start, size = 0, 1, 0, len(text)
    while True:
        # what every state ignores: skipped here, counting lines
        blank = skip(text, pos).end()
        if blank != pos:
            newline = text.rfind("\n", pos, blank)
            if newline >= 0:
                line += text.count("\n", pos, blank)
                line_start = newline + 1
            pos = blank
        # the next token, lexed in the current state, as lark's contextual lexer does
        if pos < size:
            match, keywords = lexers[state]
            found = match(text, pos)
            if found is None:
                raise Rejected
            word, kind = found.group(0), found.lastgroup
            if kind in keywords:
                kind = keywords[kind].get(word, kind)
            first_line, column = line, pos - line_start + 1
            pos += len(word)
            if "\n" in word:  # none does in the grammar, but lark would count them
                line += word.count("\n")
                line_start = pos - len(word) + word.rindex("\n") + 1
            token = new_token(Token, (kind, word, first_line, column, line, pos - line_start + 1))
        else:
            token = None
            kind = "$END"
        # reduce as far as the token allows, then shift it
        while True:
            try:
                shift, arg = actions[state][kind]
            except KeyError:
                raise Rejected from None
            if shift:
                state = arg
                states.append(arg)
                values.append(token)
                extents.append(token)
                break
            origin, n, shape, inline, pass_through, unit, handler = arg
            if unit:  # a chain of them only changes the top state: taken in one step
                key = (states[-2], state, kind)
                top = units.get(key)
                if top is None:
                    top = units[key] = _after_units(actions, states[-2], state, kind)
                state = states[-1] = top
                continue
            if n:
                arguments = values[-n:]
                first, last = extents[-n], extents[-1]
                if first is None or last is None:
                    extent = _cover(extents[-n:])
                elif n == 1 and type(first) is Span:
                    extent = first
                else:
                    extent = Span(first.line, first.column, last.end_line, last.end_column)
                del states[-n:], values[-n:], extents[-n:]
            else:
                arguments, extent = [], None
            if shape is not None:
                children, arguments = arguments, []
                for index in shape:
                    if index is None:
                        arguments.append(None)
                    elif index in inline:
                        arguments += children[index]
                    else:
                        arguments.append(children[index])
            if pass_through and len(arguments) == 1:
                value = arguments[0]
            else:
                if handler is None:
                    value = arguments
                else:
                    method = handlers.get(handler)
                    if method is None:
                        method = handlers[handler] = getattr(builder, handler)
                    value = method(extent, *arguments)
            state = actions[states[-1]][origin][1]
            states.append(state)
            values.append(value)
            extents.append(extent)
            if token is None and state == end:
                return value


def _after_units(actions: dict, below: int, top: int, kind: str) -> int:
    """The top state once the `?a: b` reductions that `kind` calls for at `top` are done."""
    while True:
        shift, arg = actions[top].get(kind, (True, None))
        if shift or not arg.unit:
            return top
        top = actions[below][arg.origin][1]


def _cover(extents: list) -> Span | None:
    """From the start of the first thing that takes up text to the end of the last."""
    if len(extents) == 1 and type(extents[0]) is Span:
        return extents[0]
    first = last = None
    for extent in extents:
        if extent is not None:
            first = extent
            break
    for extent in reversed(extents):
        if extent is not None:
            last = extent
            break
    if first is None:
        return None
    return Span(first.line, first.column, last.end_line, last.end_column)

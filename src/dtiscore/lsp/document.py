"""What the language server knows about one open `.dti` text, without any LSP types:
its diagnostics, the declarations and every use of each name, hover text, the symbol tree
and completions. Positions here are dtiscore's (1-based line and column, in characters);
`server` converts them to the client's.
"""

from __future__ import annotations

from typing import Iterator

import attrs

from ..errors import Diagnostic, FrameworkError, Source, Span
from ..language import ast, ir
from ..language.check import check
from ..language.check_decls import RESERVED
from ..language.fmt_expr import expr_source, quote
from ..language.parse import parse

KINDS = {ast.InputDecl: "input", ast.ParamDecl: "param", ast.LetDecl: "let", ast.Group: "group",
         ast.Criterion: "criterion", ast.Framework: "framework"}


@attrs.frozen
class Symbol:
    """A declaration: what it is, where its name and its whole text stand, what it holds."""

    name: str
    kind: str  # input | param | let | group | criterion | framework
    span: Span
    name_span: Span
    node: object  # its AST node
    children: tuple["Symbol", ...] = ()


class Document:
    """One version of a file's text, parsed and checked once."""

    def __init__(self, text: str, filename: str = "<string>"):
        self.text = text
        self.lines = text.split("\n")
        self.source = Source(text, filename)
        self.tree: ast.Framework | None = None
        self.checked: ir.Framework | None = None
        self.diagnostics: tuple[Diagnostic, ...] = ()
        try:
            self.tree = parse(text, filename)
            self.checked, self.diagnostics = check(self.tree, self.source)
        except FrameworkError as error:
            self.diagnostics = error.diagnostics
        self.symbols: tuple[Symbol, ...] = (_symbol(self.tree),) if self.tree is not None else ()
        self.declared = {s.name: s for s in _flatten(self.symbols) if s.kind != "framework"}
        self.uses: dict[str, list[Span]] = {}
        for name in _names(self.tree):
            self.uses.setdefault(name.id, []).append(name.span)

    # ---- where the cursor is
    def name_at(self, line: int, column: int) -> str | None:
        """The declared name written at (line, column), as a use or as its declaration."""
        for name, spans in self.uses.items():
            if any(_inside(span, line, column) for span in spans) and name in self.declared:
                return name
        for name, symbol in self.declared.items():
            if _inside(symbol.name_span, line, column):
                return name
        return None

    def definition(self, line: int, column: int) -> Span | None:
        name = self.name_at(line, column)
        return self.declared[name].name_span if name is not None else None

    def references(self, line: int, column: int, declaration: bool = True) -> list[Span]:
        name = self.name_at(line, column)
        if name is None:
            return []
        spans = [self.declared[name].name_span] if declaration else []
        return spans + sorted(self.uses.get(name, []), key=lambda s: (s.line, s.column))

    def hover(self, line: int, column: int) -> tuple[str, Span] | None:
        """Markdown about the name at (line, column), and the span it covers."""
        name = self.name_at(line, column)
        if name is None:
            return None
        symbol = self.declared[name]
        span = next((s for s in self.uses.get(name, []) if _inside(s, line, column)), symbol.name_span)
        return _HOVER[symbol.kind](self, symbol), span

    def completions(self) -> list[tuple[str, str]]:
        """(label, kind) for every declared name, then every keyword."""
        names = [(name, symbol.kind) for name, symbol in self.declared.items()]
        return names + [(word, "keyword") for word in sorted(RESERVED)]

    def source_of(self, span: Span) -> str:
        """The text a span covers."""
        lines = self.lines[span.line - 1: span.end_line]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][span.column - 1: span.end_column - 1]
        return "\n".join([lines[0][span.column - 1:], *lines[1:-1], lines[-1][: span.end_column - 1]])


# ---- hover texts -------------------------------------------------------------------------


def _input_hover(document: Document, symbol: Symbol) -> str:
    node: ast.InputDecl = symbol.node
    kind = node.type.kind + (f"({', '.join(node.type.options)})" if node.type.options else "")
    text = f"**input** `{node.name}`: {kind}"
    if node.label:
        text += f"\n\n{node.label}"
    constraints = [document.source_of(option.span) for option in node.options]
    if constraints:
        text += "\n\n" + "; ".join(f"`{c}`" for c in constraints)
    return text


def _param_hover(document: Document, symbol: Symbol) -> str:
    node: ast.ParamDecl = symbol.node
    text = f"**param** `{node.name}` = `{expr_source(node.expr)}`"
    value = dict(document.checked.params).get(node.name) if document.checked else None
    if value is not None:
        text += f" (value {value:g})"
    return text + (f"\n\n{node.label}" if node.label else "")


def _let_hover(document: Document, symbol: Symbol) -> str:
    return f"**let** `{symbol.name}` = `{expr_source(symbol.node.expr)}`"


def _node_hover(document: Document, symbol: Symbol) -> str:
    node = symbol.node
    text = f"**{symbol.kind}** `{node.id}` {quote(node.title)}"
    checked = next((n for n in document.checked.nodes() if n.id == node.id), None) if document.checked else None
    if checked is not None:
        text += f", max {checked.max:g}"
    if isinstance(node, ast.Criterion) and node.clauses:
        first, last = node.clauses[0].span, node.clauses[-1].span
        rule = document.source_of(Span(first.line, first.column, last.end_line, last.end_column))
        text += f"\n\n```dti\n{rule}\n```"
    return text


_HOVER = {"input": _input_hover, "param": _param_hover, "let": _let_hover, "group": _node_hover,
          "criterion": _node_hover, "framework": _node_hover}


# ---- the tree ----------------------------------------------------------------------------


def _symbol(node) -> Symbol:
    items = getattr(node, "items", ())
    children = tuple(_symbol(item) for item in items if type(item) in KINDS)
    name = node.id if hasattr(node, "id") else node.name
    return Symbol(name, KINDS[type(node)], node.span, node.name_span, node, children)


def _flatten(symbols) -> Iterator[Symbol]:
    for symbol in symbols:
        yield symbol
        yield from _flatten(symbol.children)


def _names(node) -> Iterator[ast.Name]:
    """Every name written in an expression or a reference (`<= x`, `evidence x`, `replaces x`)."""
    if isinstance(node, ast.Name):
        yield node
    elif isinstance(node, tuple):
        for item in node:
            yield from _names(item)
    elif attrs.has(type(node)):
        for field in attrs.fields(type(node)):
            if field.name not in ("span", "name_span", "option_spans"):
                yield from _names(getattr(node, field.name))


def _inside(span: Span, line: int, column: int) -> bool:
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)

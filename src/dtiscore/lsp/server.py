"""`dtiscore lsp`: the language server, over standard input and output (pygls).

Each open file is parsed and checked on open and on every change (`document.Document`);
the features read that. LSP positions are 0-based, in the client's units (UTF-16 by
default); dtiscore's spans are 1-based, in characters: `_range` and `_position` convert.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..errors import DtiSyntaxError, Span
from ..language.fmt import format_text
from .document import Document, Symbol

SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
SYMBOL_KIND = {"framework": types.SymbolKind.Module, "group": types.SymbolKind.Namespace,
               "criterion": types.SymbolKind.Function, "input": types.SymbolKind.Field,
               "param": types.SymbolKind.Constant, "let": types.SymbolKind.Variable}
COMPLETION_KIND = {"input": types.CompletionItemKind.Field, "param": types.CompletionItemKind.Constant,
                   "let": types.CompletionItemKind.Variable, "group": types.CompletionItemKind.Module,
                   "criterion": types.CompletionItemKind.Function, "keyword": types.CompletionItemKind.Keyword}

server = LanguageServer("dtiscore", __version__)
_documents: dict[str, Document] = {}  # uri → the document of its latest text


def serve() -> None:
    server.start_io()


def _document(ls: LanguageServer, uri: str) -> Document:
    text = ls.workspace.get_text_document(uri).source
    document = _documents.get(uri)
    if document is None or document.text != text:
        document = _documents[uri] = Document(text, to_fs_path(uri) or uri)
    return document


def _lines(ls: LanguageServer, uri: str) -> list[str]:
    return ls.workspace.get_text_document(uri).lines


def _range(ls: LanguageServer, uri: str, span: Span | None) -> types.Range:
    if span is None:
        span = Span(1, 1, 1, 1)
    inner = types.Range(types.Position(span.line - 1, span.column - 1),
                        types.Position(span.end_line - 1, span.end_column - 1))
    codec = ls.workspace.get_text_document(uri).position_codec
    return codec.range_to_client_units(_lines(ls, uri), inner)


def _position(ls: LanguageServer, uri: str, position: types.Position) -> tuple[int, int]:
    """(line, column) 1-based, in characters, of a client position."""
    codec = ls.workspace.get_text_document(uri).position_codec
    inner = codec.position_from_client_units(_lines(ls, uri), position)
    return inner.line + 1, inner.character + 1


# ---- diagnostics -------------------------------------------------------------------------


def _publish(ls: LanguageServer, uri: str) -> None:
    document = _document(ls, uri)
    diagnostics = []
    for d in document.diagnostics:
        message = d.message + (f" (did you mean '{d.suggestion}'?)" if d.suggestion else "")
        diagnostics.append(types.Diagnostic(range=_range(ls, uri, d.span), message=message,
                                            severity=SEVERITY.get(d.severity), code=d.code, source="dtiscore"))
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    _documents.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


# ---- reading -----------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    found = _document(ls, uri).hover(*_position(ls, uri, params.position))
    if found is None:
        return None
    text, span = found
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), _range(ls, uri, span))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: LanguageServer, params: types.DefinitionParams) -> types.Location | None:
    uri = params.text_document.uri
    span = _document(ls, uri).definition(*_position(ls, uri, params.position))
    return types.Location(uri, _range(ls, uri, span)) if span is not None else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: LanguageServer, params: types.ReferenceParams) -> list[types.Location]:
    uri = params.text_document.uri
    spans = _document(ls, uri).references(*_position(ls, uri, params.position), params.context.include_declaration)
    return [types.Location(uri, _range(ls, uri, span)) for span in spans]


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: LanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    uri = params.text_document.uri

    def convert(symbol: Symbol) -> types.DocumentSymbol:
        title = getattr(symbol.node, "title", None) or getattr(symbol.node, "label", None)
        return types.DocumentSymbol(name=symbol.name, kind=SYMBOL_KIND[symbol.kind], detail=title,
                                    range=_range(ls, uri, symbol.span),
                                    selection_range=_range(ls, uri, symbol.name_span),
                                    children=[convert(child) for child in symbol.children])

    return [convert(symbol) for symbol in _document(ls, uri).symbols]


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def completion(ls: LanguageServer, params: types.CompletionParams) -> types.CompletionList:
    items = [types.CompletionItem(label, kind=COMPLETION_KIND[kind], detail=kind)
             for label, kind in _document(ls, params.text_document.uri).completions()]
    return types.CompletionList(is_incomplete=False, items=items)


# ---- writing -----------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: LanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    """The whole text in `dtiscore fmt`'s layout; nothing while it does not parse."""
    document = ls.workspace.get_text_document(params.text_document.uri)
    try:
        formatted = format_text(document.source)
    except DtiSyntaxError:
        return None
    if formatted == document.source:
        return []
    lines = document.lines
    end = types.Position(len(lines), 0)
    return [types.TextEdit(types.Range(types.Position(0, 0), end), formatted)]

"""`dtiscore lsp`: a real client session over standard input and output, with a server
process started as an editor starts it, on the shipped frameworks and on a file with
mistakes. LSP positions are 0-based; the expected ones below are counted by hand."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

import dtiscore
from dtiscore.language.fmt import format_text

ROOT = Path(__file__).resolve().parents[2]
DEPARTMENT = ROOT / "frameworks" / "vn-dti-department.dti"
SHIPPED = sorted((ROOT / "frameworks").glob("*.dti"))

SMALL = '''framework t "T" {
    max 20
    input rate share "Tỷ lệ hồ sơ trực tuyến" on_missing zero
    param goal = 80% "Mục tiêu"
    let half = goal / 2
    criterion online "Trực tuyến" max 20 {
        proportional rate target goal
        exclude when rate < half
    }
}
'''


class Session:
    """A client talking to a `dtiscore lsp` process; diagnostics kept as they arrive."""

    def __init__(self):
        self.client = LanguageClient("test-client", "1")
        self.diagnostics: dict[str, asyncio.Queue] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics.setdefault(params.uri, asyncio.Queue()).put_nowait(list(params.diagnostics))

    async def __aenter__(self) -> "Session":
        src = str(Path(dtiscore.__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
        await self.client.start_io(sys.executable, "-m", "dtiscore", "lsp", env=env)
        result = await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=ROOT.as_uri()))
        self.capabilities = result.capabilities
        self.client.initialized(types.InitializedParams())
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    def open(self, uri: str, text: str) -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="dti", version=1, text=text)))

    def change(self, uri: str, text: str, version: int = 2) -> None:
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))

    async def published(self, uri: str) -> list[types.Diagnostic]:
        queue = self.diagnostics.setdefault(uri, asyncio.Queue())
        return await asyncio.wait_for(queue.get(), 60)

    @staticmethod
    def at(uri: str, line: int, character: int) -> dict:
        return dict(text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, character))


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 180))


def test_a_session_on_the_shipped_frameworks():
    async def session():
        async with Session() as s:
            for path in SHIPPED:  # every shipped framework opens clean
                s.open(path.as_uri(), path.read_text(encoding="utf-8"))
                assert await s.published(path.as_uri()) == []

            uri = DEPARTMENT.as_uri()
            lines = DEPARTMENT.read_text(encoding="utf-8").split("\n")
            use = next(n for n, line in enumerate(lines) if "award when dt_plan " in line)
            column = lines[use].index("dt_plan")
            declared = next(n for n, line in enumerate(lines) if line.strip().startswith("input dt_plan "))

            hover = await s.client.text_document_hover_async(types.HoverParams(**s.at(uri, use, column + 2)))
            assert hover.contents.value == "**input** `dt_plan`: bool\n\nĐơn vị ban hành kế hoạch chuyển đổi số năm"
            assert hover.range == types.Range(types.Position(use, column), types.Position(use, column + 7))

            found = await s.client.text_document_definition_async(types.DefinitionParams(**s.at(uri, use, column)))
            start = lines[declared].index("dt_plan")
            assert found == types.Location(uri, types.Range(types.Position(declared, start),
                                                            types.Position(declared, start + 7)))

            refs = await s.client.text_document_references_async(types.ReferenceParams(
                **s.at(uri, use, column), context=types.ReferenceContext(include_declaration=False)))
            assert [r.range.start.line for r in refs] == [use]

            symbols = await s.client.text_document_document_symbol_async(
                types.DocumentSymbolParams(types.TextDocumentIdentifier(uri)))
            [root] = symbols
            assert root.name == "vn_dti_department" and root.kind == types.SymbolKind.Module
            assert [c.name for c in root.children if c.kind == types.SymbolKind.Namespace] == ["foundation", "activity"]
            foundation = root.children[-2]
            assert foundation.children[0].name == "awareness"
            assert foundation.children[0].children[0].name == "dt_plan"

            edits = await s.client.text_document_formatting_async(types.DocumentFormattingParams(
                types.TextDocumentIdentifier(uri), types.FormattingOptions(tab_size=4, insert_spaces=True)))
            assert list(edits) == []  # the shipped frameworks are formatted

            items = await s.client.text_document_completion_async(types.CompletionParams(**s.at(uri, use, column)))
            labels = {item.label: item.kind for item in items.items}
            assert labels["dt_plan"] == types.CompletionItemKind.Field
            assert labels["online_target"] == types.CompletionItemKind.Constant
            assert labels["aw_annual_plan"] == types.CompletionItemKind.Function
            assert labels["proportional"] == types.CompletionItemKind.Keyword

    run(session())


def test_diagnostics_hover_and_formatting_while_editing():
    uri = "file:///work/small.dti"

    async def session():
        async with Session() as s:
            s.open(uri, SMALL)
            assert await s.published(uri) == []

            # line 4 (0-based) is "    let half = goal / 2"; the param's value and label
            hover = await s.client.text_document_hover_async(types.HoverParams(**s.at(uri, 4, 16)))
            assert hover.contents.value == "**param** `goal` = `80%` (value 0.8)\n\nMục tiêu"
            hover = await s.client.text_document_hover_async(types.HoverParams(**s.at(uri, 5, 15)))
            assert hover.contents.value == ('**criterion** `online` "Trực tuyến", max 20\n\n```dti\n'
                                            'proportional rate target goal\n        exclude when rate < half\n```')
            hover = await s.client.text_document_hover_async(types.HoverParams(**s.at(uri, 2, 11)))
            assert hover.contents.value == "**input** `rate`: share\n\nTỷ lệ hồ sơ trực tuyến\n\n`on_missing zero`"
            found = await s.client.text_document_definition_async(types.DefinitionParams(**s.at(uri, 7, 29)))
            assert found.range == types.Range(types.Position(4, 8), types.Position(4, 12))  # let half

            # a misspelt name: the range is the name's, the message offers the right one
            s.change(uri, SMALL.replace("target goal", "target gaol"))
            [problem] = await s.published(uri)
            assert problem.range == types.Range(types.Position(6, 33), types.Position(6, 37))
            assert problem.message == "unknown name 'gaol' (did you mean 'goal'?)"
            assert problem.severity == types.DiagnosticSeverity.Error and problem.code == "unknown-name"

            # a syntax error, then fixed: the diagnostics go
            s.change(uri, SMALL.replace("max 20 {", "max 20 +", 1), version=3)
            [problem] = await s.published(uri)
            assert problem.range.start == types.Position(5, 41)
            assert problem.message.startswith("unexpected '+'")
            formatting = types.DocumentFormattingParams(types.TextDocumentIdentifier(uri),
                                                        types.FormattingOptions(tab_size=4, insert_spaces=True))
            assert await s.client.text_document_formatting_async(formatting) is None  # nothing to lay out
            messy = SMALL.replace("    max 20\n", "  max   20\n")
            s.change(uri, messy, version=4)
            assert await s.published(uri) == []

            [edit] = await s.client.text_document_formatting_async(formatting)
            assert edit.new_text == format_text(messy) == SMALL
            assert edit.range == types.Range(types.Position(0, 0), types.Position(10, 0))  # after the 10th line end

    run(session())


def test_a_session_announces_its_features():
    async def session():
        async with Session() as s:
            c = s.capabilities
            assert c.hover_provider and c.definition_provider and c.references_provider
            assert c.document_formatting_provider and c.document_symbol_provider and c.completion_provider

    run(session())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_use_of_a_name_leads_to_its_declaration(path):
    """In-process, over every name written in the shipped frameworks."""
    from dtiscore.lsp.document import Document

    document = Document(path.read_text(encoding="utf-8"), str(path))
    assert document.uses
    for name, spans in document.uses.items():
        if name not in document.declared:  # a choice's option: `steering_head == director`
            continue
        for span in spans:
            assert document.definition(span.line, span.column) == document.declared[name].name_span
            assert document.source_of(span) == name


def test_the_editor_grammar_highlights_every_keyword():
    """editors/vscode's TextMate grammar knows every reserved word of the language."""
    import json
    import re

    from dtiscore.language.check_decls import RESERVED

    grammar = json.loads((ROOT / "editors" / "vscode" / "syntaxes" / "dti.tmLanguage.json").read_text(encoding="utf-8"))
    words = set()
    for pattern in [grammar["repository"]["declaration"], *grammar["repository"]["keyword"]["patterns"]]:
        words.update(re.search(r"\((.*?)\)", pattern["match"]).group(1).split("|"))
    assert words == RESERVED
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    assert package["contributes"]["configuration"]["properties"]["dtiscore.command"]["default"] == ["dtiscore", "lsp"]

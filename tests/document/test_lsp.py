"""The language server: in-process over pygls' client (TCP on localhost) and once over stdio."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as T
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from screenplay.lsp.server import create_server
from screenplay.passes.resolve import load_presets
from tests.document.conftest import REPO

FILM = """Title: Test

use voices, music

cast MAN "The man"
    voice: carlo
cue THEME
    music: drone(key="D minor")

# Act one

INT. ROOM - DAY

[[music THEME fade-in 2s]]

MAN
Hello.

# Act two

EXT. STREET - NIGHT

WOMAN
Hi.
"""
VOICE_LINE = 5  # 0-based line of "    voice: carlo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Session:
    """A pygls LanguageClient with the diagnostics it received."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.diagnostics: dict[str, list[T.Diagnostic]] = {}
        self.changed = asyncio.Event()
        self.server: Any = None

        @client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: T.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)
            self.changed.set()

    async def initialize(self, root: Path) -> None:
        await self.client.initialize_async(
            T.InitializeParams(
                capabilities=T.ClientCapabilities(), root_uri=from_fs_path(str(root))
            )
        )
        self.client.initialized(T.InitializedParams())

    async def open(self, path: Path, text: str) -> str:
        uri = from_fs_path(str(path))
        assert uri
        self.changed.clear()
        self.client.text_document_did_open(
            T.DidOpenTextDocumentParams(
                text_document=T.TextDocumentItem(
                    uri=uri, language_id="fountain", version=1, text=text
                )
            )
        )
        await asyncio.wait_for(self.changed.wait(), 30)
        return uri

    async def change(self, uri: str, text: str, version: int) -> None:
        self.changed.clear()
        self.client.text_document_did_change(
            T.DidChangeTextDocumentParams(
                text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        await asyncio.wait_for(self.changed.wait(), 30)

    async def close(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def in_process(root: Path) -> Session:
    server = create_server()
    port = _free_port()

    def serve() -> None:
        try:
            server.start_tcp("127.0.0.1", port)
        except SystemExit:  # the `exit` notification ends the server with sys.exit
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = LanguageClient("test-client", "1")
    for _ in range(100):
        try:
            await client.start_tcp("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    session = Session(client)
    session.server = thread
    await session.initialize(root)
    return session


def check_unknown_voice(diags: list[T.Diagnostic]) -> None:
    unknown = [d for d in diags if d.code == "SP0202"]
    assert len(unknown) == 1, [(d.code, d.message) for d in diags]
    d = unknown[0]
    assert d.severity == T.DiagnosticSeverity.Error
    # `    voice: carlo` — the span covers exactly `carlo`, as `screenplay check` prints it
    assert (d.range.start.line, d.range.start.character) == (VOICE_LINE, 11)
    assert (d.range.end.line, d.range.end.character) == (VOICE_LINE, 16)
    assert "did you mean `carlos`" in d.message


def test_in_process(tmp_path: Path) -> None:
    path = tmp_path / "test.film"
    path.write_text(FILM)

    async def scenario() -> None:
        s = await in_process(tmp_path)
        c = s.client
        uri = await s.open(path, FILM)
        check_unknown_voice(s.diagnostics[uri])
        doc = T.TextDocumentIdentifier(uri=uri)

        # exactly what `screenplay check` reports for this file: codes and spans
        from screenplay.api import load_film

        _, expected = load_film(path)
        assert sorted(
            (d.code, d.span.line - 1, d.span.col - 1, d.span.end_line - 1, d.span.end_col - 1)
            for d in expected
            if d.span.file == str(path)
        ) == sorted(
            (
                d.code,
                d.range.start.line,
                d.range.start.character,
                d.range.end.line,
                d.range.end.character,
            )
            for d in s.diagnostics[uri]
        )

        # completion after `voice: ` offers every preset (and the constructors)
        res: Any = await c.text_document_completion_async(
            T.CompletionParams(
                text_document=doc, position=T.Position(line=VOICE_LINE, character=11)
            )
        )
        labels = {i.label for i in res.items}
        assert set(load_presets("voice")) <= labels
        assert {"piper", "flite", "espeak"} <= labels

        # directive names inside [[, then arguments (cue names, options)
        line = FILM.split("\n").index("[[music THEME fade-in 2s]]")
        res = await c.text_document_completion_async(
            T.CompletionParams(text_document=doc, position=T.Position(line=line, character=4))
        )
        assert {"music", "hold", "generate", "camera"} <= {i.label for i in res.items}
        res = await c.text_document_completion_async(
            T.CompletionParams(text_document=doc, position=T.Position(line=line, character=8))
        )
        assert {"THEME", "fade-in", "volume", "stop"} <= {i.label for i in res.items}

        # character names after a blank line
        cue_line = FILM.split("\n").index("WOMAN")
        res = await c.text_document_completion_async(
            T.CompletionParams(text_document=doc, position=T.Position(line=cue_line, character=0))
        )
        assert {"MAN", "WOMAN"} <= {i.label for i in res.items}

        # hover: a preset's description; a character's cast line
        hv: Any = await c.text_document_hover_async(
            T.HoverParams(text_document=doc, position=T.Position(line=7, character=13))
        )
        assert hv is not None and "drone" in hv.contents.value
        man_line = FILM.split("\n").index("MAN")
        hv = await c.text_document_hover_async(
            T.HoverParams(text_document=doc, position=T.Position(line=man_line, character=1))
        )
        assert hv is not None and "The man" in hv.contents.value

        # go to definition: cue → cast line; cue name in [[music]] → its `cue`
        loc: Any = await c.text_document_definition_async(
            T.DefinitionParams(text_document=doc, position=T.Position(line=man_line, character=1))
        )
        assert loc.uri == uri and loc.range.start.line == 4
        loc = await c.text_document_definition_async(
            T.DefinitionParams(text_document=doc, position=T.Position(line=line, character=10))
        )
        assert loc.uri == uri and loc.range.start.line == 6

        # outline: sections holding scenes, declarations at the top
        syms: Any = await c.text_document_document_symbol_async(
            T.DocumentSymbolParams(text_document=doc)
        )
        names = [(x.name, [ch.name for ch in x.children or []]) for x in syms]
        assert ("Act one", ["INT. ROOM - DAY"]) in names
        assert ("Act two", ["EXT. STREET - NIGHT"]) in names
        assert ("cast MAN", []) in names

        # formatting via fmt: one whole-document edit
        messy = FILM.replace('cast MAN "The man"', 'cast   MAN "The man"   ')
        await s.change(uri, messy, 2)
        edits: Any = await c.text_document_formatting_async(
            T.DocumentFormattingParams(
                text_document=doc, options=T.FormattingOptions(tab_size=4, insert_spaces=True)
            )
        )
        assert len(edits) == 1 and edits[0].new_text == FILM

        # as you type: fixing the voice clears the error
        await s.change(uri, FILM.replace("voice: carlo", "voice: carlos"), 3)
        assert not [d for d in s.diagnostics[uri] if d.code == "SP0202"]
        await s.close()
        s.server.join(10)
        assert not s.server.is_alive()

    asyncio.run(scenario())


def test_over_stdio(tmp_path: Path) -> None:
    path = tmp_path / "test.film"
    path.write_text(FILM)

    async def scenario() -> None:
        client = LanguageClient("test-client", "1")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        await client.start_io(sys.executable, "-m", "screenplay", "lsp", env=env)
        s = Session(client)
        await s.initialize(tmp_path)
        uri = await s.open(path, FILM)
        check_unknown_voice(s.diagnostics[uri])
        res: Any = await client.text_document_completion_async(
            T.CompletionParams(
                text_document=T.TextDocumentIdentifier(uri=uri),
                position=T.Position(line=VOICE_LINE, character=11),
            )
        )
        assert set(load_presets("voice")) <= {i.label for i in res.items}
        await s.close()

    asyncio.run(asyncio.wait_for(scenario(), 120))


@pytest.mark.parametrize("text", ["", "\n\n", "[[", "cast\n    voice:", "INT. A\n\n@"])
def test_odd_documents_do_not_crash(text: str, tmp_path: Path) -> None:
    from screenplay.lsp.analysis import analyze, complete, hover, outline

    a = analyze(text, tmp_path / "x.film")
    for line in range(len(a.lines)):
        for col in range(len(a.lines[line]) + 1):
            complete(a, line, col)
            hover(a, line, col)
    outline(a)

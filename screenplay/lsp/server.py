"""The language server (pygls): LSP requests → :mod:`screenplay.lsp.analysis`.

Diagnostics are published on open, on every change and on save, computed by
the real front end in-process (the same codes and spans as ``screenplay
check``).  Completion, hover, go-to-definition, the document outline and
whole-document formatting (``screenplay fmt``, refused with a message when its
safe mode objects) answer from the latest analysis of each document.

Positions: LSP counts UTF-16 code units; the front end counts code points, so
every position is converted through the line's text.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from screenplay import __version__
from screenplay.diagnostics import Diagnostic, Severity
from screenplay.lsp.analysis import Analysis, analyze, complete, definition, hover, outline
from screenplay.syntax.source import Span

SEVERITY = {
    Severity.ERROR: T.DiagnosticSeverity.Error,
    Severity.WARNING: T.DiagnosticSeverity.Warning,
    Severity.NOTE: T.DiagnosticSeverity.Information,
}
COMPLETION_KIND = {
    "value": T.CompletionItemKind.Value,
    "constructor": T.CompletionItemKind.Constructor,
    "directive": T.CompletionItemKind.Keyword,
    "keyword": T.CompletionItemKind.EnumMember,
    "character": T.CompletionItemKind.Reference,
    "property": T.CompletionItemKind.Property,
    "cue": T.CompletionItemKind.Event,
}
SYMBOL_KIND = {
    "section": T.SymbolKind.Namespace,
    "scene": T.SymbolKind.Module,
    "cast": T.SymbolKind.Class,
    "set": T.SymbolKind.Struct,
    "cue": T.SymbolKind.Event,
}


# --------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------


def _utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def _codepoints(text: str, units: int) -> int:
    n = 0
    for i, ch in enumerate(text):
        if n >= units:
            return i
        n += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def to_range(span: Span, lines: list[str]) -> T.Range:
    def pos(line: int, col: int) -> T.Position:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return T.Position(line=max(line - 1, 0), character=_utf16(text, max(col - 1, 0)))

    return T.Range(start=pos(span.line, span.col), end=pos(span.end_line, span.end_col))


def to_lsp_diagnostic(d: Diagnostic, lines: list[str]) -> T.Diagnostic:
    message = d.message + (f"\n{d.help}" if d.help else "")
    return T.Diagnostic(
        range=to_range(d.span, lines),
        message=message,
        severity=SEVERITY[d.severity],
        code=d.code,
        source="screenplay",
    )


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


class ScreenplayServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("screenplay", __version__)
        self.analyses: dict[str, Analysis] = {}

    def analysis(self, uri: str) -> Analysis:
        doc = self.workspace.get_text_document(uri)
        cached = self.analyses.get(uri)
        if cached is not None and cached.text == doc.source.replace("\r\n", "\n"):
            return cached
        path_str = to_fs_path(uri)
        path = Path(path_str) if path_str else None
        a = analyze(doc.source, path, str(path) if path else uri)
        self.analyses[uri] = a
        return a

    def publish(self, uri: str) -> None:
        a = self.analysis(uri)
        lines = a.lines
        self.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(
                uri=uri, diagnostics=[to_lsp_diagnostic(d, lines) for d in a.diagnostics]
            )
        )


def create_server() -> ScreenplayServer:
    """A server with every feature registered (one per process; tests make their own)."""
    server = ScreenplayServer()

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ScreenplayServer, params: T.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ScreenplayServer, params: T.DidChangeTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ScreenplayServer, params: T.DidSaveTextDocumentParams) -> None:
        # files the film uses (modules, images) may have changed on disk
        ls.analyses.pop(params.text_document.uri, None)
        ls.publish(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ScreenplayServer, params: T.DidCloseTextDocumentParams) -> None:
        ls.analyses.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    def _cursor(a: Analysis, pos: T.Position) -> tuple[int, int]:
        text = a.lines[pos.line] if pos.line < len(a.lines) else ""
        return pos.line, _codepoints(text, pos.character)

    @server.feature(
        T.TEXT_DOCUMENT_COMPLETION,
        T.CompletionOptions(trigger_characters=[":", " ", "[", "("]),
    )
    def completion(ls: ScreenplayServer, params: T.CompletionParams) -> T.CompletionList:
        a = ls.analysis(params.text_document.uri)
        line, col = _cursor(a, params.position)
        items = [
            T.CompletionItem(
                label=c.label,
                kind=COMPLETION_KIND.get(c.kind),
                detail=c.detail or None,
                documentation=T.MarkupContent(kind=T.MarkupKind.Markdown, value=c.doc)
                if c.doc
                else None,
                insert_text=c.insert,
            )
            for c in complete(a, line, col)
        ]
        return T.CompletionList(is_incomplete=False, items=items)

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: ScreenplayServer, params: T.HoverParams) -> T.Hover | None:
        a = ls.analysis(params.text_document.uri)
        line, col = _cursor(a, params.position)
        text = hover(a, line, col)
        if text is None:
            return None
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=text))

    @server.feature(T.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: ScreenplayServer, params: T.DefinitionParams) -> T.Location | None:
        a = ls.analysis(params.text_document.uri)
        line, col = _cursor(a, params.position)
        found = definition(a, line, col)
        if found is None:
            return None
        where, span = found
        if str(where) == a.name:
            return T.Location(uri=params.text_document.uri, range=to_range(span, a.lines))
        path = Path(where)
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except OSError:
            lines = []
        return T.Location(uri=from_fs_path(str(path)) or str(path), range=to_range(span, lines))

    @server.feature(T.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(
        ls: ScreenplayServer, params: T.DocumentSymbolParams
    ) -> list[T.DocumentSymbol]:
        a = ls.analysis(params.text_document.uri)

        def convert(sym: object) -> T.DocumentSymbol:
            return T.DocumentSymbol(
                name=sym.name,  # type: ignore[attr-defined]
                kind=SYMBOL_KIND[sym.kind],  # type: ignore[attr-defined]
                range=to_range(sym.span, a.lines),  # type: ignore[attr-defined]
                selection_range=to_range(sym.selection, a.lines),  # type: ignore[attr-defined]
                children=[convert(c) for c in sym.children],  # type: ignore[attr-defined]
            )

        return [convert(s) for s in outline(a)]

    @server.feature(T.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: ScreenplayServer, params: T.DocumentFormattingParams) -> list[T.TextEdit]:
        from screenplay.document.fmt import UnsafeFormat, format_film

        doc = ls.workspace.get_text_document(params.text_document.uri)
        try:
            result = format_film(doc.source)
        except UnsafeFormat as exc:
            ls.window_show_message(
                T.ShowMessageParams(
                    type=T.MessageType.Warning,
                    message=f"screenplay fmt left the file unchanged (SP1003): {exc}",
                )
            )
            return []
        if not result.changed and doc.source == result.text:
            return []
        lines = doc.source.split("\n")
        end = T.Position(line=len(lines), character=0)
        return [
            T.TextEdit(
                range=T.Range(start=T.Position(line=0, character=0), end=end), new_text=result.text
            )
        ]

    return server


def run_stdio() -> None:
    create_server().start_io()

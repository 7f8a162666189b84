"""Write a parsed script as one self-contained HTML page (``print --format html``).

The page is semantic (one element per screenplay element, classed by kind)
and styled with inline CSS in the industry layout: Courier 12 pt, the same
indents as the PDF in inches, scene numbers in both margins.  Every element
carries ``data-line``/``data-end-line`` (its source lines), which is what
``screenplay studio`` uses to link a click in the script to a beat in the film;
with ``production=True`` the production lines and directives are shown too
(greyed, as the studio needs them to place diagnostics), and ``diagnostics``
are rendered under the element they point into.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from screenplay.diagnostics import Diagnostic
from screenplay.document.layout import CENTER_KEYS, PRODUCTION_KEYS
from screenplay.film import Film
from screenplay.syntax import ast
from screenplay.syntax.emphasis import styled_runs
from screenplay.syntax.source import Span

CSS = """
.screenplay { font-family: "Courier Prime", "Courier New", Courier, monospace; font-size: 12pt;
  line-height: 1; width: 6in; padding: 0.5in 1in 1in 1.5in; background: #fff; color: #000;
  margin: 0 auto; box-sizing: content-box; }
.screenplay p { margin: 0; white-space: pre-wrap; }
.screenplay .el { margin: 1em 0 0 0; white-space: pre-wrap; position: relative; }
.screenplay .scene { text-transform: uppercase; }
.screenplay .scene .num { position: absolute; }
.screenplay .scene .num.l { left: -0.75in; } .screenplay .scene .num.r { right: -0.5in; }
.screenplay .dialogue-block { margin-top: 1em; }
.screenplay .character { margin-left: 2.2in; }
.screenplay .paren { margin-left: 1.6in; width: 2.5in; }
.screenplay .line { margin-left: 1in; width: 3.5in; }
.screenplay .lyric, .screenplay .lyrics { margin-left: 1in; width: 3.5in; font-style: italic; }
.screenplay .transition { text-align: right; text-transform: uppercase; }
.screenplay .centered { text-align: center; }
.screenplay .page-break { border-top: 1px dashed #aaa; margin: 1em 0; }
.screenplay .dual { display: flex; gap: 0.3in; margin-top: 1em; }
.screenplay .dual > div { flex: 1; }
.screenplay .dual .character { margin-left: 0.9in; } .screenplay .dual .paren { margin-left: 0.3in;
  width: auto; } .screenplay .dual .line { margin-left: 0; width: auto; }
.screenplay .production { color: #777; font-size: 10pt; }
.screenplay .title-page { text-align: center; margin: 2in 0 3in; }
.screenplay .diag { font-family: sans-serif; font-size: 9pt; margin: 0.3em 0 0 0;
  padding: 2px 6px; border-left: 3px solid; white-space: pre-wrap; }
.screenplay .diag.error { border-color: #c00; background: #fee; }
.screenplay .diag.warning { border-color: #c80; background: #ffe; }
.screenplay .diag.note { border-color: #08c; background: #eef; }
"""


def inline(text: str) -> str:
    """Fountain emphasis → HTML (escaped)."""
    out = []
    for r in styled_runs(text):
        s = html.escape(r.text).replace("\n", "<br>")
        if r.underline:
            s = f"<u>{s}</u>"
        if r.italic:
            s = f"<em>{s}</em>"
        if r.bold:
            s = f"<strong>{s}</strong>"
        out.append(s)
    return "".join(out)


def _attrs(span: Span, cls: str) -> str:
    return f'class="{cls}" data-line="{span.line}" data-end-line="{span.end_line}"'


class _Writer:
    def __init__(self, diagnostics: Sequence[Diagnostic], production: bool) -> None:
        self.diags = list(diagnostics)
        self.production = production
        self.out: list[str] = []
        self.used: set[int] = set()

    def diags_in(self, span: Span) -> str:
        items = []
        for i, d in enumerate(self.diags):
            if i in self.used or d.span.file != span.file:
                continue
            if span.line <= d.span.line <= span.end_line:
                self.used.add(i)
                items.append(
                    f'<div class="diag {d.severity.value}" data-line="{d.span.line}" '
                    f'data-code="{d.code}">{html.escape(d.severity.value)}[{d.code}]: '
                    f"{html.escape(d.message)}"
                    + (f"\n{html.escape(d.help)}" if d.help else "")
                    + "</div>"
                )
        return "".join(items)

    def el(self, span: Span, cls: str, body: str) -> None:
        self.out.append(f"<div {_attrs(span, 'el ' + cls)}>{body}</div>{self.diags_in(span)}")

    def block(self, b: ast.DialogueBlock) -> str:
        c = b.character
        cue = (c.text or c.name).upper() if c.forced else (c.text or c.name)
        parts = [f"<p {_attrs(c.span, 'character')}>{inline(cue)}</p>"]
        for p in b.parts:
            if isinstance(p, ast.Parenthetical):
                parts.append(f"<p {_attrs(p.span, 'paren')}>{inline(p.text)}</p>")
            elif isinstance(p, ast.DialogueLine):
                parts.append(f"<p {_attrs(p.span, 'line')}>{inline(p.text)}</p>")
            elif isinstance(p, ast.DialogueLyric):
                parts.append(f"<p {_attrs(p.span, 'lyric')}>{inline(p.text)}</p>")
            elif self.production and isinstance(p, ast.Directive | ast.Note):
                parts.append(f"<p {_attrs(p.span, 'production')}>[[{html.escape(p.text)}]]</p>")
        return "".join(parts)

    def body(self, script: ast.Script, source_lines: Sequence[str] | None) -> None:
        for el in script.body:
            if isinstance(el, ast.SceneHeading):
                num = ""
                if el.number:
                    n = html.escape(el.number)
                    num = f'<span class="num l">{n}</span><span class="num r">{n}</span>'
                self.el(el.span, "scene", num + inline(el.text))
            elif isinstance(el, ast.Action):
                self.el(el.span, "action", inline(el.text))
            elif isinstance(el, ast.Transition):
                self.el(el.span, "transition", inline(el.text))
            elif isinstance(el, ast.Centered):
                self.el(el.span, "centered", inline(el.text))
            elif isinstance(el, ast.Lyrics):
                self.el(el.span, "lyrics", inline(el.text))
            elif isinstance(el, ast.PageBreak):
                self.el(el.span, "page-break", "")
            elif isinstance(el, ast.DialogueBlock):
                self.out.append(
                    f"<div {_attrs(el.span, 'dialogue-block')}>{self.block(el)}</div>"
                    + self.diags_in(el.span)
                )
            elif isinstance(el, ast.DualDialogue):
                self.out.append(
                    f"<div {_attrs(el.span, 'dual')}><div>{self.block(el.left)}</div>"
                    f"<div>{self.block(el.right)}</div></div>" + self.diags_in(el.span)
                )
            elif self.production and isinstance(
                el, ast.Use | ast.Declaration | ast.Preset | ast.Directive
            ):
                text = _source_text(el.span, source_lines) if source_lines else ""
                if isinstance(el, ast.Directive) and not text:
                    text = f"[[{el.text}]]"
                self.el(el.span, "production", html.escape(text))
        # diagnostics that fall between elements (or in the title page)
        rest = [d for i, d in enumerate(self.diags) if i not in self.used]
        for d in rest:
            self.out.append(self.diags_in(d.span))


def _source_text(span: Span, lines: Sequence[str]) -> str:
    return "\n".join(lines[span.line - 1 : span.end_line])


def title_html(tp: ast.TitlePage | None) -> str:
    if tp is None:
        return ""
    parts = []
    for key in CENTER_KEYS:
        for f in tp.fields:
            if f.key.lower() == key and f.value.strip():
                text = f.value.upper() if key == "title" else f.value
                parts.append(f"<p {_attrs(f.span, 'tp-' + key)}>{inline(text)}</p><br>")
    others = [
        f
        for f in tp.fields
        if f.key.lower() not in CENTER_KEYS and f.key.lower() not in PRODUCTION_KEYS
    ]
    for f in others:
        parts.append(f"<p {_attrs(f.span, 'tp-other')}>{inline(f.value)}</p>")
    if not parts:
        return ""
    return f"<div {_attrs(tp.span, 'title-page')}>{''.join(parts)}</div>"


def to_html(
    script: ast.Script,
    *,
    diagnostics: Iterable[Diagnostic] = (),
    production: bool = False,
    source_text: str | None = None,
    standalone: bool = True,
    film: Film | None = None,
) -> str:
    """The script as HTML: a whole page (``standalone``) or the ``<div>`` alone.

    With ``film``, the production sheet (cast, sets, cues) follows the script.
    """
    w = _Writer(list(diagnostics), production)
    w.body(script, source_text.split("\n") if source_text is not None else None)
    if film is not None:
        from screenplay.document.sheet import sheet_rows

        sheet = "\n".join(r.text for r in sheet_rows(film))
        w.out.append(f'<div class="page-break"></div><pre class="sheet">{html.escape(sheet)}</pre>')
    div = f'<div class="screenplay">{title_html(script.title_page)}{"".join(w.out)}</div>'
    if not standalone:
        return div
    title = ""
    if script.title_page and script.title_page.get("title"):
        title = html.escape(script.title_page.get("title").value.split("\n")[0])  # type: ignore[union-attr]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{CSS}</style></head>"
        f"<body>{div}</body></html>\n"
    )

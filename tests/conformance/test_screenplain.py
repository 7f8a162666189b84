"""Every shared/conformance/screenplain/*.fountain: our element sequence matches its .html.

The expected HTML is reduced to a sequence of (kind, text): ``div.action`` →
action, ``div.dialog`` → character/parenthetical/dialogue, ``h6`` → scene heading
(``class="page-break"`` → a page break before it), ``h1``–``h5`` → section,
``span.*-synopsis`` → synopsis, ``div.transition``/``div.centered``, and the
members of ``div.dual`` are marked dual.  Emphasis markup is compared as plain
text (screenplain renders it as tags); forced transitions are compared
upper-case (screenplain upper-cases them when printing).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from screenplay.syntax.ast import flatten
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source
from tests.conformance.conftest import conformance_dir

ROOT = conformance_dir("screenplain")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str, bool]] = []
        self.stack: list[tuple[str, str]] = []
        self.buf: list[str] | None = None
        self.kind = ""
        self.dual_depth = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        self.stack.append((tag, cls))
        if tag == "div" and cls == "dual":
            self.dual_depth += 1
        if tag == "span" and cls in ("scnuml", "scnumr"):
            self.skip += 1
            return
        if tag == "br" and self.buf is not None:
            self.buf.append("\n")
            return
        parent = next((c for t, c in reversed(self.stack[:-1]) if t == "div"), "")
        kind = ""
        if tag == "p":
            if cls == "character":
                kind = "character"
            elif cls == "parenthetical":
                kind = "parenthetical"
            elif parent == "action":
                kind = "action"
            elif parent in ("dialog", "left", "right"):
                kind = "dialogue"
        elif tag == "h6":
            if cls == "page-break":
                self.items.append(("page_break", "", False))
            kind = "scene_heading"
        elif re.fullmatch(r"h[1-5]", tag):
            kind = "section"
        elif tag == "span" and cls.endswith("-synopsis"):
            kind = "synopsis"
        elif tag == "div" and cls in ("transition", "centered"):
            kind = cls
        if kind:
            self.kind = kind
            self.buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":
            return
        tag_cls = self.stack.pop() if self.stack else ("", "")
        if tag == "span" and tag_cls[1] in ("scnuml", "scnumr"):
            self.skip -= 1
            return
        if tag == "div" and tag_cls[1] == "dual":
            self.dual_depth -= 1
        if self.buf is not None and tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "div"):
            if tag == "span" and not tag_cls[1].endswith("-synopsis"):
                return
            text = "".join(self.buf)
            self.items.append((self.kind, text, self.dual_depth > 0))
            self.buf = None

    def handle_data(self, data: str) -> None:
        if self.buf is not None and not self.skip:
            self.buf.append(data)


def _norm(kind: str, text: str) -> str:
    text = html.unescape(text).replace("\xa0", " ")
    text = re.sub(r"(\*{1,3}|_)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    if kind == "transition":
        text = text.upper()
    return text


def _expected(path) -> list[tuple[str, str, bool]]:
    r = _Reader()
    r.feed(path.read_text(encoding="utf-8"))
    items: list[tuple[str, str, bool]] = []
    for kind, text, dual in r.items:
        # consecutive <p> of one dialogue are the lines of one dialogue element
        if kind == "dialogue" and items and items[-1][0] == "dialogue":
            items[-1] = ("dialogue", items[-1][1] + "\n" + text, dual)
            continue
        items.append((kind, text, dual))
    return [(k, _norm(k, t), d) for k, t, d in items]


def _ours(path) -> list[tuple[str, str, bool]]:
    script, _ = parse_source(Source.read(path))
    out = []
    for el in flatten(script):
        if el["kind"] in ("title_page", "note", "directive"):
            continue
        out.append((el["kind"], _norm(el["kind"], el["text"]), bool(el["dual"])))
    return out


CASES = sorted(p for p in ROOT.glob("*.fountain") if p.with_suffix(".html").exists())
NO_EXPECT = sorted(p for p in ROOT.glob("*.fountain") if not p.with_suffix(".html").exists())


@pytest.mark.skipif(not CASES, reason="shared/conformance/screenplain not found")
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_screenplain_case(path) -> None:
    assert _ours(path) == _expected(path.with_suffix(".html"))


@pytest.mark.parametrize("path", NO_EXPECT, ids=[p.stem for p in NO_EXPECT])
def test_screenplain_parses(path) -> None:
    script, diags = parse_source(Source.read(path))
    assert not diags.has_errors
    assert script.title_page is not None or script.body

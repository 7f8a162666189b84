"""Pagination and element layout: the rules screenwriters rely on, checked on long scripts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screenplay.document.layout import (
    A4,
    CHARACTER,
    CONTD,
    DIALOGUE,
    LETTER,
    MORE,
    PAREN,
    Page,
    layout,
    sentences,
    wrap,
)
from screenplay.syntax.emphasis import styled_runs
from screenplay.syntax.parser import parse_text
from tests.document.conftest import conformance_dir
from tests.document.longscript import long_script

SHARED = conformance_dir() or Path("/nonexistent")


@pytest.fixture(scope="module")
def long_doc():  # type: ignore[no-untyped-def]
    script, diags = parse_text(long_script())
    assert not diags.has_errors
    return script, layout(script)


def last_content(page: Page):  # type: ignore[no-untyped-def]
    return next(r for r in reversed(page.rows) if r.cells)


def test_letter_page_holds_54_lines_a4_58() -> None:
    assert LETTER.lines == 54
    assert A4.lines == 58


def test_indents_are_final_drafts() -> None:
    assert (CHARACTER.x, DIALOGUE.x, DIALOGUE.x + DIALOGUE.width) == (3.7, 2.5, 6.0)
    assert DIALOGUE.chars == 35 and PAREN.chars == 25


def test_wrap_keeps_styles_and_width() -> None:
    lines = wrap(styled_runs("A *very* long line " * 6), 20)
    assert all(sum(len(r.text) for r in ln) <= 20 for ln in lines)
    assert any(r.italic and r.text == "very" for ln in lines for r in ln)
    assert "".join(r.text for r in lines[0]) == "A very long line A"


def test_sentences_roundtrip() -> None:
    text = 'He stops. "Who is it?" Nobody -- nothing. Then: light'
    parts = sentences(text)
    assert "".join(parts) == text
    assert parts[0] == "He stops. "


def test_no_page_overflows(long_doc) -> None:  # type: ignore[no-untyped-def]
    _, doc = long_doc
    assert len(doc.pages) > 20
    assert all(len(p.rows) <= LETTER.lines for p in doc.pages)
    assert all(p.rows and p.rows[0].cells for p in doc.pages), "a page starts with a blank line"


def test_scene_heading_never_ends_a_page(long_doc) -> None:  # type: ignore[no-untyped-def]
    _, doc = long_doc
    for p in doc.pages:
        assert last_content(p).kind != "scene_heading", p.number


def test_cue_and_parenthetical_never_end_a_page(long_doc) -> None:  # type: ignore[no-untyped-def]
    _, doc = long_doc
    for p in doc.pages:
        kinds = [r.kind for r in p.rows if r.cells]
        assert kinds[-1] not in ("character", "parenthetical"), p.number
        if kinds[-1] == "more":
            assert kinds[-2] == "dialogue", p.number  # never (paren) (MORE)


def test_dialogue_splits_at_sentences_with_more_and_contd(long_doc) -> None:  # type: ignore[no-untyped-def]
    _, doc = long_doc
    splits = 0
    for p, nxt in zip(doc.pages, doc.pages[1:], strict=False):
        last = last_content(p)
        if last.kind != "more":
            continue
        splits += 1
        assert last.text == MORE
        before = [r for r in p.rows if r.cells][-2].text
        assert re.search(r"[.!?…]$", before), before
        head = nxt.rows[0]
        assert head.kind == "character" and head.text.endswith(CONTD)
        # at least two lines of speech stand under the cue before the break
        rows = [r for r in p.rows if r.cells]
        k = len(rows) - 2
        while rows[k].kind in ("dialogue", "parenthetical"):
            k -= 1
        assert rows[k].kind == "character" and len(rows) - 2 - k >= 2
    assert splits >= 5


def test_action_split_leaves_two_lines_each_side(long_doc) -> None:  # type: ignore[no-untyped-def]
    script, doc = long_doc
    seen = 0
    for p, nxt in zip(doc.pages, doc.pages[1:], strict=False):
        last = last_content(p)
        if last.kind == "action" and nxt.rows[0].kind == "action" and last.span == nxt.rows[0].span:
            seen += 1
            tail = [r for r in p.rows if r.span == last.span]
            head = [r for r in nxt.rows if r.span == last.span]
            assert len(tail) >= 2 and len(head) >= 2
            assert re.search(r"[.!?…]$", last.text)
    assert seen >= 1


def test_no_text_is_lost(long_doc) -> None:  # type: ignore[no-untyped-def]
    script, doc = long_doc
    printed = " ".join(
        r.text for p in doc.pages for r in p.rows if r.kind in ("dialogue", "action")
    ).split()
    from screenplay.syntax import ast

    source: list[str] = []
    for el in script.body:
        if isinstance(el, ast.Action):
            source += el.text.split()
        elif isinstance(el, ast.DialogueBlock):
            for part in el.parts:
                if isinstance(part, ast.DialogueLine):
                    source += part.text.split()
    assert printed == source


def test_page_counts_are_pinned(long_doc) -> None:  # type: ignore[no-untyped-def]
    # The numbers docs/document.md compares with afterwriting; a change here is a layout
    # change and must be deliberate (update the docs too).
    script, doc = long_doc
    assert (len(doc.pages), len(layout(script, A4).pages)) == (43, 40)


def test_indented_action_keeps_its_indentation_across_a_split() -> None:
    body = "\n".join(["Line one is here." for _ in range(30)] + ["    Indented line."] * 40)
    script, _ = parse_text("INT. A - DAY\n\n" + body + "\n")
    doc = layout(script)
    texts = [r.cells[0].runs[0].text for p in doc.pages for r in p.rows if r.kind == "action"]
    assert sum(t == "    Indented line." for t in texts) == 40


def test_a4_holds_more_per_page(long_doc) -> None:  # type: ignore[no-untyped-def]
    script, doc = long_doc
    a4 = layout(script, A4)
    assert all(len(p.rows) <= A4.lines for p in a4.pages)
    assert len(a4.pages) < len(doc.pages)


def test_page_break_forces_new_page() -> None:
    script, _ = parse_text("INT. A - DAY\n\nOne.\n\n===\n\nTwo.\n")
    doc = layout(script)
    assert [p.text.strip() for p in doc.pages] == ["INT. A - DAY\n\nOne.", "Two."]


def test_dual_dialogue_side_by_side() -> None:
    script, _ = parse_text("ANNA\nYes.\n\nTOM ^\nNo.\n")
    rows = layout(script).pages[0].rows
    assert [len(r.cells) for r in rows] == [2, 2]
    left, right = rows[1].cells
    assert left.text == "Yes." and right.text == "No." and left.x < 4.25 < right.x


def test_scene_numbers_and_production_not_printed() -> None:
    text = (
        "cast ANNA\n    voice: carlos\n\nINT. HOUSE - DAY #12A#\n\n[[music THEME]]\n\n"
        "= a synopsis\n\n# Act one\n\nANNA\n[[hold 1s]]\nHello.\n"
    )
    script, _ = parse_text(text)
    page = layout(script).pages[0]
    assert page.rows[0].scene_number == "12A"
    assert page.text == "INT. HOUSE - DAY\n\nANNA\nHello."


def test_title_page_drops_production_keys() -> None:
    script, _ = parse_text("Title: Night\nAuthor: Me\nFormat: 640x360, 12 fps\n\nINT. A - DAY\n")
    tp = layout(script).title
    assert tp is not None
    texts = [r.text for _, r in tp.rows]
    assert texts[0] == "NIGHT" and "Me" in texts and not any("640" in t for t in texts)


@pytest.mark.skipif(conformance_dir() is None, reason="shared/conformance not found")
@pytest.mark.parametrize(
    "name", sorted(p.name for p in (SHARED / "fountain-objc").glob("*.fountain"))
)
def test_conformance_scripts_lay_out(name: str) -> None:
    text = (SHARED / "fountain-objc" / name).read_text(encoding="utf-8")
    script, _ = parse_text(text)
    doc = layout(script)
    assert all(len(p.rows) <= LETTER.lines for p in doc.pages)

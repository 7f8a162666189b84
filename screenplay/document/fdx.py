"""Write a parsed script as Final Draft XML (``.fdx``, format version 5).

Each printed element becomes a ``<Paragraph Type="…">`` with styled ``<Text>``
runs (``Style="Bold+Italic+Underline"``); scene numbers go in ``Number``; a
dual-dialogue pair is wrapped in ``<DualDialogue>``; ``===`` sets
``StartsNewPage`` on the next paragraph; the title page becomes
``<TitlePage>``.  Like the PDF, production lines, notes, directives, sections
and synopses are left out: Final Draft lays the script out itself.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from screenplay.document.layout import CENTER_KEYS, LEFT_KEYS, PRODUCTION_KEYS, RIGHT_KEYS
from screenplay.film import Film
from screenplay.syntax import ast
from screenplay.syntax.emphasis import styled_runs


def _para(parent: ET.Element, kind: str, text: str, **attrs: str) -> ET.Element:
    p = ET.SubElement(parent, "Paragraph", {"Type": kind, **attrs})
    runs = styled_runs(text) or ()
    if not runs:
        ET.SubElement(p, "Text").text = ""
    for r in runs:
        flags = (("Bold", r.bold), ("Italic", r.italic), ("Underline", r.underline))
        style = "+".join(s for s, on in flags if on)
        t = ET.SubElement(p, "Text", {"Style": style} if style else {})
        t.text = r.text
    return p


def _dialogue(parent: ET.Element, block: ast.DialogueBlock) -> None:
    c = block.character
    _para(parent, "Character", (c.text or c.name).upper() if c.forced else (c.text or c.name))
    for part in block.parts:
        if isinstance(part, ast.Parenthetical):
            _para(parent, "Parenthetical", part.text)
        elif isinstance(part, ast.DialogueLine):
            _para(parent, "Dialogue", part.text)
        elif isinstance(part, ast.DialogueLyric):
            _para(parent, "Dialogue", f"*{part.text}*")


def to_fdx(script: ast.Script, film: Film | None = None) -> str:
    """The script as FDX; with ``film``, a production sheet follows on a new page."""
    root = ET.Element("FinalDraft", {"DocumentType": "Script", "Template": "No", "Version": "5"})
    content = ET.SubElement(root, "Content")
    new_page = False

    def add(kind: str, text: str, **attrs: str) -> ET.Element:
        nonlocal new_page
        if new_page:
            attrs["StartsNewPage"] = "Yes"
            new_page = False
        return _para(content, kind, text, **attrs)

    for el in script.body:
        if isinstance(el, ast.SceneHeading):
            attrs = {"Number": el.number} if el.number else {}
            add("Scene Heading", el.text.upper(), **attrs)
        elif isinstance(el, ast.Action):
            add("Action", el.text)
        elif isinstance(el, ast.Transition):
            add("Transition", el.text.upper())
        elif isinstance(el, ast.Centered):
            add("Action", el.text, Alignment="Center")
        elif isinstance(el, ast.Lyrics):
            add("Dialogue", f"*{el.text}*")
        elif isinstance(el, ast.PageBreak):
            new_page = True
        elif isinstance(el, ast.DialogueBlock):
            start = len(content)
            _dialogue(content, el)
            if new_page and len(content) > start:
                content[start].set("StartsNewPage", "Yes")
                new_page = False
        elif isinstance(el, ast.DualDialogue):
            holder = ET.SubElement(content, "Paragraph")
            if new_page:
                holder.set("StartsNewPage", "Yes")
                new_page = False
            dual = ET.SubElement(holder, "DualDialogue")
            _dialogue(dual, el.left)
            _dialogue(dual, el.right)
    if film is not None:
        from screenplay.document.sheet import sheet_rows

        first = True
        for row in sheet_rows(film):
            if row.cells:
                p = _para(content, "General", row.text)
                if first:
                    p.set("StartsNewPage", "Yes")
                    first = False
    if script.title_page is not None:
        tp = ET.SubElement(root, "TitlePage")
        tcontent = ET.SubElement(tp, "Content")
        fields = [f for f in script.title_page.fields if f.key.lower() not in PRODUCTION_KEYS]
        for keys, align in ((CENTER_KEYS, "Center"), (LEFT_KEYS, "Left"), (RIGHT_KEYS, "Right")):
            for f in fields:
                if f.key.lower() in keys:
                    for line in f.value.split("\n"):
                        _para(tcontent, "Text", line, Alignment=align)
                    _para(tcontent, "Text", "", Alignment=align)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n' + body + "\n"

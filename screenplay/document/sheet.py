"""The production sheet that ``screenplay print --production`` appends: cast, sets, cues.

A producer reading the printed script wants to know what the film will use for
each name: who is cast with which voice and face, which set each scene heading
gets, which music each cue plays.  The sheet is laid out in the same Courier
grid as the script (action indent), one page after another.
"""

from __future__ import annotations

import re
from typing import Any

from screenplay.backends.protocols import AssetSpec
from screenplay.document.layout import ACTION, BLANK, Indent, Row, _rows
from screenplay.film import Film

INDENT = Indent(ACTION.x + 0.3, ACTION.width - 0.3)


def describe_spec(spec: AssetSpec | None) -> str:
    """``carlos: piper(model="en_US-joe-medium", rate=0.95)`` — what a name resolved to."""
    if spec is None:
        return "(not resolved)"
    if spec.constructor == "file":
        return f'file "{spec.get("path")}"'
    args = ", ".join(f"{k}={_value(v)}" for k, v in sorted(spec.params.items()))
    head = f"{spec.preset} = " if spec.preset else ""
    return f"{head}{spec.constructor}({args})"


def _esc(text: str) -> str:
    """Escape Fountain emphasis markers so values print literally (``background_color``)."""
    return re.sub(r"([*_\\])", r"\\\1", text)


def _value(v: Any) -> str:
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def sheet_rows(film: Film) -> list[Row]:
    rows: list[Row] = []

    def heading(text: str) -> None:
        if rows:
            rows.extend([BLANK, BLANK])
        rows.extend(_rows(f"_{text}_", ACTION, "sheet_heading", None))
        rows.append(BLANK)

    def item(name: str, label: str, lines: list[tuple[str, str]]) -> None:
        head = f"**{_esc(name)}**" + (f" -- {_esc(label)}" if label and label != name else "")
        rows.extend(_rows(head, ACTION, "sheet_item", None))
        for key, value in lines:
            rows.extend(_rows(_esc(f"{key}: {value}"), INDENT, "sheet_line", None))
        rows.append(BLANK)

    heading("PRODUCTION SHEET")
    heading("CAST")
    for name, m in film.cast.items():
        how = "declared" if m.declared else "auto-cast"
        item(
            name,
            m.label,
            [("voice", describe_spec(m.voice)), ("face", describe_spec(m.face)), ("cast", how)],
        )
    if film.sets:
        heading("SETS")
        for name, s in film.sets.items():
            item(name, "", [("image", describe_spec(s.spec))])
    if film.cues:
        heading("MUSIC CUES")
        for name, c in film.cues.items():
            item(
                name,
                "",
                [("music", describe_spec(c.spec)), ("volume", f"{c.volume_db:g} dB")],
            )
    return rows


def sheet_pages(film: Film, lines: int) -> list[list[Row]]:
    rows = sheet_rows(film)
    pages = [rows[i : i + lines] for i in range(0, len(rows), lines)]
    for p in pages:
        while p and not p[0].cells:
            p.pop(0)
    return [p for p in pages if p]

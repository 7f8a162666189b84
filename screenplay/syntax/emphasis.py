"""Fountain emphasis → styled runs: ``*italic*``, ``**bold**``, ``***both***``, ``_underline_``.

Backslash escapes (``\\*``) stay literal.  Markers that are not closed on the
same text are kept as text, as Fountain editors print them.

This is the one emphasis parser: subtitles and cards (render), speech (the
voices strip the marks with :func:`plain_text` and stress
:func:`emphasized_words`), ``screenplay say`` and the printed page all read
markup through it, so ``**bold*`` means the same everywhere.  A leaf module
(imports nothing from the project), like :mod:`screenplay.syntax.source`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class StyledRun:
    """A piece of text in one style (subtitles, cards, the printed page)."""

    text: str
    italic: bool = False
    bold: bool = False
    underline: bool = False


_TOKEN = re.compile(r"\\([*_\\])|(\*\*\*|\*\*|\*|_)")


def styled_runs(text: str) -> tuple[StyledRun, ...]:
    # Tokenise into literal text and markers.
    parts: list[tuple[str, str]] = []  # (kind, value): kind "t" text, "m" marker
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            parts.append(("t", text[pos : m.start()]))
        if m.group(1):
            parts.append(("t", m.group(1)))
        else:
            parts.append(("m", m.group(2)))
        pos = m.end()
    if pos < len(text):
        parts.append(("t", text[pos:]))

    # Pair markers: a marker opens if a matching one follows later.
    opened: dict[str, int] = {}
    pairs: dict[int, int] = {}
    for i, (kind, value) in enumerate(parts):
        if kind != "m":
            continue
        if value in opened:
            pairs[opened.pop(value)] = i
        else:
            opened[value] = i
    closers = {v: k for k, v in pairs.items()}

    # Text of one style is collected in a list and joined once (concatenating run by run
    # is quadratic for a line of thousands of escaped markers).
    runs: list[tuple[tuple[bool, bool, bool], list[str]]] = []
    italic = bold = underline = 0
    for i, (kind, value) in enumerate(parts):
        if kind == "m" and (i in pairs or i in closers):
            delta = 1 if i in pairs else -1
            if value == "_":
                underline += delta
            elif value == "*":
                italic += delta
            elif value == "**":
                bold += delta
            else:
                bold += delta
                italic += delta
            continue
        style = (italic > 0, bold > 0, underline > 0)
        if runs and runs[-1][0] == style:
            runs[-1][1].append(value)
        else:
            runs.append((style, [value]))
    out = (StyledRun("".join(texts), *style) for style, texts in runs)
    return tuple(r for r in out if r.text)


def plain_text(text: str) -> str:
    return "".join(r.text for r in styled_runs(text))


def emphasized_words(text: str) -> tuple[str, ...]:
    """Words inside emphasis (any style), for delivery."""
    words: list[str] = []
    for r in styled_runs(text):
        if r.italic or r.bold or r.underline:
            words.extend(re.findall(r"[\w']+", r.text))
    return tuple(words)

"""Industry-format layout: script elements → wrapped lines → pages (pure data).

The page is a grid of 12-point Courier: 10 characters per inch across, 6 lines
per inch down, so every measure here is in characters and lines.  Indents and
widths are Final Draft's defaults for a screenplay (see docs/document.md); the
pagination rules are the ones screenwriters rely on:

* a scene heading is never the last thing on a page (it moves to the next page
  with at least the first lines of what follows it);
* action splits only at a sentence end and leaves at least two lines on each
  page (no widows or orphans);
* dialogue splits only at a sentence end, with ``(MORE)`` under the first part
  and ``NAME (CONT'D)`` over the rest; a parenthetical stays with the line it
  qualifies; a cue is never left alone at the foot of a page;
* dual dialogue and short elements are never split;
* ``===`` forces a page break.

Production lines, notes, directives, sections and synopses are not printed.
Nothing here touches a PDF library: :mod:`screenplay.document.pdf` draws the
pages, the tests inspect them directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from screenplay.syntax import ast
from screenplay.syntax.emphasis import StyledRun, styled_runs
from screenplay.syntax.source import Span

CPI = 10  # characters per inch (12-pt Courier)
LPI = 6  # lines per inch (12-pt leading)


@dataclass(frozen=True)
class Paper:
    name: str
    width: float  # inches
    height: float
    top: float = 1.0
    bottom: float = 1.0
    left: float = 1.5
    right: float = 1.0

    @property
    def lines(self) -> int:
        """Body lines per page."""
        return int(round((self.height - self.top - self.bottom) * LPI))


LETTER = Paper("letter", 8.5, 11.0)
#: Final Draft keeps the same indents on A4; the taller page holds more lines.
A4 = Paper("a4", 8.27, 11.69)
PAPERS = {"letter": LETTER, "a4": A4}


@dataclass(frozen=True)
class Indent:
    """Where an element sits: left edge and width in inches from the page's left edge."""

    x: float
    width: float

    @property
    def chars(self) -> int:
        return int(self.width * CPI + 1e-6)


# Final Draft's default screenplay elements (inches from the page's left edge).
SCENE = Indent(1.5, 6.0)
ACTION = Indent(1.5, 6.0)
CHARACTER = Indent(3.7, 3.3)
PAREN = Indent(3.1, 2.5)
DIALOGUE = Indent(2.5, 3.5)
TRANSITION = Indent(5.5, 2.0)  # right-aligned at 7.5"
CENTERED = Indent(1.5, 6.0)
# Dual dialogue: two narrower columns side by side.
DUAL = {
    "left": {
        "character": Indent(2.4, 2.0),
        "paren": Indent(1.8, 2.3),
        "dialogue": Indent(1.5, 2.9),
    },
    "right": {
        "character": Indent(5.5, 2.0),
        "paren": Indent(4.9, 2.3),
        "dialogue": Indent(4.6, 2.9),
    },
}

MORE = "(MORE)"
CONTD = "(CONT'D)"


# --------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A piece of text at a position on a line."""

    runs: tuple[StyledRun, ...]
    x: float  # inches from the page's left edge
    width: float
    align: str = "left"  # left | right | center

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Row:
    """One printed line (no cells: a blank line)."""

    cells: tuple[Cell, ...] = ()
    kind: str = "blank"
    span: Span | None = None
    scene_number: str | None = None

    @property
    def text(self) -> str:
        return "  ".join(c.text for c in self.cells)


BLANK = Row()


def _plain(text: str) -> tuple[StyledRun, ...]:
    return (StyledRun(text, False, False, False),)


def wrap(runs: Sequence[StyledRun], width: int) -> list[tuple[StyledRun, ...]]:
    """Word-wrap styled text to ``width`` characters; ``\\n`` is a hard break.

    Leading spaces of a hard line are kept (Fountain keeps action indentation);
    a word longer than the width is cut.
    """
    chars: list[tuple[str, tuple[bool, bool, bool]]] = []
    for r in runs:
        style = (r.italic, r.bold, r.underline)
        for ch in r.text.replace("\t", "    "):
            chars.append((ch, style))
    out: list[tuple[StyledRun, ...]] = []
    hard: list[list[tuple[str, tuple[bool, bool, bool]]]] = [[]]
    for c in chars:
        if c[0] == "\n":
            hard.append([])
        else:
            hard[-1].append(c)
    for line in hard:
        text = "".join(c for c, _ in line)
        for a, b in _break(text, width):
            out.append(_restyle(line[a:b]))
    return out


def _break(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy line breaking: (start, end) ranges of ``text``, trailing spaces dropped."""
    if not text.strip():
        return [(0, 0)]
    ranges: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        if n - start <= width:
            ranges.append((start, len(text.rstrip())))
            break
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start or not text[start:cut].strip():
            cut = start + width  # one long word: cut it
            nxt = cut
        else:
            nxt = cut + 1
        end = cut
        while end > start and text[end - 1] == " ":
            end -= 1
        ranges.append((start, end))
        start = nxt
        while start < n and text[start] == " ":
            start += 1
    return ranges


def _restyle(chars: Sequence[tuple[str, tuple[bool, bool, bool]]]) -> tuple[StyledRun, ...]:
    runs: list[StyledRun] = []
    for ch, style in chars:
        if runs and (runs[-1].italic, runs[-1].bold, runs[-1].underline) == style:
            runs[-1] = StyledRun(runs[-1].text + ch, *style)
        else:
            runs.append(StyledRun(ch, *style))
    return tuple(runs)


def _rows(
    text: str,
    ind: Indent,
    kind: str,
    span: Span | None,
    *,
    align: str = "left",
    italic: bool = False,
    upper: bool = False,
) -> list[Row]:
    runs = styled_runs(text)
    if upper:
        runs = tuple(replace(r, text=r.text.upper()) for r in runs)
    if italic:
        runs = tuple(replace(r, italic=True) for r in runs)
    return [
        Row((Cell(line, ind.x, ind.width, align),) if line else (), kind, span)
        for line in wrap(runs, ind.chars)
    ]


# --------------------------------------------------------------------------
# Blocks: elements as rows, with how they may split across a page
# --------------------------------------------------------------------------

#: A split: (rows for this page, the rest as a new block) — or None.
Splitter = Callable[[int], "tuple[list[Row], Block] | None"]


@dataclass
class Block:
    kind: str
    rows: list[Row]
    space_before: int = 1
    keep_with_next: bool = False
    splitter: Splitter | None = None
    span: Span | None = None

    def split(self, room: int) -> tuple[list[Row], Block] | None:
        """The largest first part that fits in ``room`` rows, and the rest."""
        return self.splitter(room) if self.splitter else None


# A sentence ends after . ! ? … (and any closing quote, bracket or emphasis marker) or a
# dash, at spaces or a line end; a line end keeps the next line's indentation with it.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]*_]*(?:[ \t]+|\n)(?=\S|[ \t])|(?<=--)[ \t]+(?=\S)")


def sentences(text: str) -> list[str]:
    """Split text after each sentence end, keeping the text exactly (``"".join`` gives it back)."""
    out: list[str] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[pos : m.end()])
        pos = m.end()
    out.append(text[pos:])
    return [s for s in out if s]


def _action_block(el: ast.Action, geo: Indent = ACTION) -> Block:
    text = el.text
    span = el.span

    def make(t: str, space: int) -> Block:
        rows = _rows(t, geo, "action", span)
        b = Block("action", rows, space, span=span)

        def splitter(room: int) -> tuple[list[Row], Block] | None:
            parts = sentences(t)
            for k in range(len(parts) - 1, 0, -1):
                first = "".join(parts[:k]).rstrip()
                rest = "".join(parts[k:])
                fr = _rows(first, geo, "action", span)
                if len(fr) > room:
                    continue
                rr = _rows(rest, geo, "action", span)
                if len(fr) >= 2 and len(rr) >= 2:  # no orphan, no widow
                    return fr, make(rest, 0)
            return None

        b.splitter = splitter
        return b

    return make(text, 1)


@dataclass(frozen=True)
class _Speech:
    kind: str  # paren | line | lyric
    text: str
    span: Span


def _speech_items(block: ast.DialogueBlock) -> list[_Speech]:
    items: list[_Speech] = []
    for p in block.parts:
        if isinstance(p, ast.Parenthetical):
            items.append(_Speech("paren", p.text, p.span))
        elif isinstance(p, ast.DialogueLine):
            items.append(_Speech("line", p.text, p.span))
        elif isinstance(p, ast.DialogueLyric):
            items.append(_Speech("lyric", p.text, p.span))
        # notes and directives inside dialogue are not printed
    return items


def _cue_text(c: ast.Character) -> str:
    text = c.text or c.name
    return text.upper() if c.forced else text


def _speech_rows(items: Sequence[_Speech], geo: dict[str, Indent]) -> list[Row]:
    rows: list[Row] = []
    for it in items:
        if it.kind == "paren":
            rows += _rows(it.text, geo["paren"], "parenthetical", it.span)
        elif it.kind == "lyric":
            rows += _rows(it.text, geo["dialogue"], "lyrics", it.span, italic=True)
        else:
            rows += _rows(it.text, geo["dialogue"], "dialogue", it.span)
    return rows


def _dialogue_block(
    block: ast.DialogueBlock,
    geo: dict[str, Indent] | None = None,
) -> Block:
    geo = geo or {"character": CHARACTER, "paren": PAREN, "dialogue": DIALOGUE}
    c = block.character
    cue = _cue_text(c)
    # The continuation keeps the extensions: ``ANNA (V.O.) (CONT'D)``, as Final Draft does.
    contd = cue if CONTD in cue.upper() else f"{cue} {CONTD}"

    def cue_rows(text: str) -> list[Row]:
        return _rows(text, geo["character"], "character", c.span)

    def make(cue_line: str, items: list[_Speech], space: int) -> Block:
        rows = cue_rows(cue_line) + _speech_rows(items, geo)
        ncue = len(cue_rows(cue_line))
        b = Block("dialogue", rows, space, span=block.span)

        def splitter(room: int) -> tuple[list[Row], Block] | None:
            more = _rows(MORE, geo["character"], "more", c.span)
            head = cue_rows(cue_line)
            prefix = [head]  # prefix[i]: rows of the cue and items[:i]
            for it in items:
                prefix.append(prefix[-1] + _speech_rows([it], geo))
            # Candidate cuts, latest first: inside item i at a sentence end, then before it.
            for i in range(len(items) - 1, -1, -1):
                it = items[i]
                cands: list[tuple[list[Row], list[_Speech]]] = []
                if it.kind == "line":
                    parts = sentences(it.text)
                    for k in range(len(parts) - 1, 0, -1):
                        a = _Speech("line", "".join(parts[:k]).rstrip(), it.span)
                        z = _Speech("line", "".join(parts[k:]).lstrip(), it.span)
                        cands.append((prefix[i] + _speech_rows([a], geo), [z, *items[i + 1 :]]))
                if i > 0 and items[i - 1].kind != "paren":
                    # between items, but never right after a parenthetical
                    cands.append((prefix[i], list(items[i:])))
                for first, after in cands:
                    if len(first) - ncue < 2:  # at least two lines of speech under the cue
                        continue
                    if len(first) + len(more) <= room:
                        return first + more, make(contd, after, 0)
            return None

        b.splitter = splitter
        return b

    return make(cue, _speech_items(block), 1)


def _dual_block(el: ast.DualDialogue) -> Block:
    cols = []
    for side, blk in (("left", el.left), ("right", el.right)):
        g = DUAL[side]
        cols.append(
            _rows(_cue_text(blk.character), g["character"], "character", blk.character.span)
            + _speech_rows(_speech_items(blk), g)
        )
    n = max(len(c) for c in cols)
    rows: list[Row] = []
    for i in range(n):
        cells: list[Cell] = []
        span = None
        kind = "dual"
        for col in cols:
            if i < len(col):
                cells.extend(col[i].cells)
                span = span or col[i].span
        rows.append(Row(tuple(cells), kind, span))
    return Block("dual", rows, 1, span=el.span)


def blocks(script: ast.Script) -> list[Block]:
    """The printed elements of a script, in order, as blocks of rows."""
    out: list[Block] = []
    for el in script.body:
        if isinstance(el, ast.SceneHeading):
            rows = _rows(el.text, SCENE, "scene_heading", el.span, upper=True)
            rows = [replace(r, scene_number=el.number) for r in rows[:1]] + rows[1:]
            out.append(Block("scene_heading", rows, 1, keep_with_next=True, span=el.span))
        elif isinstance(el, ast.Action):
            out.append(_action_block(el))
        elif isinstance(el, ast.DialogueBlock):
            out.append(_dialogue_block(el))
        elif isinstance(el, ast.DualDialogue):
            out.append(_dual_block(el))
        elif isinstance(el, ast.Transition):
            rows = _rows(el.text, TRANSITION, "transition", el.span, align="right", upper=True)
            out.append(Block("transition", rows, 1, span=el.span))
        elif isinstance(el, ast.Centered):
            out.append(
                Block("centered", _rows(el.text, CENTERED, "centered", el.span, align="center"))
            )
        elif isinstance(el, ast.Lyrics):
            rows = _rows(el.text, DIALOGUE, "lyrics", el.span, italic=True)
            out.append(Block("lyrics", rows, 1, span=el.span))
        elif isinstance(el, ast.PageBreak):
            out.append(Block("page_break", [], 0, span=el.span))
        # Section, Synopsis, Note, Directive, Use, Declaration, Preset: not printed.
    return out


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


@dataclass
class Page:
    number: int
    rows: list[Row] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.rows)


def paginate(items: Sequence[Block], lines: int) -> list[Page]:
    """Flow blocks onto pages of ``lines`` body lines (see the module docstring)."""
    pages: list[Page] = [Page(1)]
    todo = list(items)
    i = 0

    def new_page() -> None:
        pages.append(Page(len(pages) + 1))

    while i < len(todo):
        b = todo[i]
        page = pages[-1]
        if b.kind == "page_break":
            if page.rows:
                new_page()
            i += 1
            continue
        used = len(page.rows)
        space = b.space_before if used else 0
        room = lines - used - space
        need = len(b.rows)
        fits = need <= room
        if fits and b.keep_with_next and i + 1 < len(todo) and todo[i + 1].kind != "page_break":
            # a scene heading needs what follows (or its first part) on the same page
            nxt = todo[i + 1]
            after = room - need - nxt.space_before
            fits = len(nxt.rows) <= after or (after > 0 and nxt.split(after) is not None)
        if fits:
            page.rows.extend([BLANK] * space + b.rows)
            i += 1
            continue
        if not b.keep_with_next and room > 0:
            cut = b.split(room)
            if cut is not None:
                first, rest = cut
                page.rows.extend([BLANK] * space + first)
                todo[i] = rest
                new_page()
                continue
        if used:
            new_page()
            continue
        # Alone on an empty page and still too long (an enormous unsplittable block, or a
        # heading before one): place what fits and cut the rest hard.
        page.rows.extend(b.rows[:lines])
        if len(b.rows) > lines:
            todo[i] = Block(b.kind, b.rows[lines:], 0, span=b.span)
            new_page()
        else:
            i += 1
    if not pages[-1].rows and len(pages) > 1:
        pages.pop()
    return pages


# --------------------------------------------------------------------------
# Title page
# --------------------------------------------------------------------------

#: Title-page keys that are production settings, not part of the printed page.
PRODUCTION_KEYS = frozenset({"format", "narration", "subtitles", "language", "font"})
CENTER_KEYS = ("title", "credit", "author", "authors", "source")
LEFT_KEYS = ("contact", "contact info", "copyright", "notes")
RIGHT_KEYS = ("draft date", "date", "revision")


@dataclass
class TitleLayout:
    """Lines of the title page: (line index from the top margin, row)."""

    rows: list[tuple[int, Row]]


def title_page(tp: ast.TitlePage | None, paper: Paper) -> TitleLayout | None:
    if tp is None:
        return None
    fields = [f for f in tp.fields if f.key.lower() not in PRODUCTION_KEYS and f.value.strip()]
    if not fields:
        return None
    full = Indent(paper.left, paper.width - paper.left - paper.right)
    centre: list[Row] = []
    for key in CENTER_KEYS:
        for f in fields:
            if f.key.lower() != key:
                continue
            text = f.value.upper() if key == "title" else f.value
            if centre:
                centre.append(BLANK)
            centre += _rows(text, full, f"title:{key}", f.span, align="center")
    left: list[Row] = []
    right: list[Row] = []
    half = Indent(paper.left, (paper.width - paper.left - paper.right) / 2)
    rhalf = Indent(paper.left + half.width, half.width)
    for keys, dest, ind, align in (
        (LEFT_KEYS, left, half, "left"),
        (RIGHT_KEYS, right, rhalf, "right"),
    ):
        for f in fields:
            if f.key.lower() in keys:
                if dest:
                    dest.append(BLANK)
                dest += _rows(f.value, ind, f"title:{f.key.lower()}", f.span, align=align)
    # Anything else (custom keys) goes with the left block, as "Key: value".
    known = set(CENTER_KEYS) | set(LEFT_KEYS) | set(RIGHT_KEYS)
    for f in fields:
        if f.key.lower() not in known:
            if left:
                left.append(BLANK)
            left += _rows(f"{f.key}: {f.value}", half, "title:other", f.span)
    out: list[tuple[int, Row]] = []
    top = 18  # the title sits about a third of the way down, as Final Draft places it
    out += [(top + k, r) for k, r in enumerate(centre)]
    bottom = paper.lines
    out += [(bottom - len(left) + k, r) for k, r in enumerate(left)]
    out += [(bottom - len(right) + k, r) for k, r in enumerate(right)]
    return TitleLayout(out)


# --------------------------------------------------------------------------
# The whole document
# --------------------------------------------------------------------------


@dataclass
class Document:
    paper: Paper
    title: TitleLayout | None
    pages: list[Page]


def layout(script: ast.Script, paper: Paper = LETTER) -> Document:
    """Lay out a parsed script in industry format."""
    return Document(
        paper, title_page(script.title_page, paper), paginate(blocks(script), paper.lines)
    )

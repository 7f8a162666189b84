"""Fountain's line rules: turn a source text into a stream of classified line tokens.

Fountain is not context-free at the character level: whether ``BOB`` is a
character cue depends on the blank line before it and the non-blank line after
it; whether ``CUT TO:`` is a transition depends on blank lines on both sides;
notes ``[[…]]`` and boneyard ``/* … */`` may span lines and vanish from the text.
So the front end works in two stages (a line classifier feeding Lark):

1. :func:`strip_hidden` removes boneyard and notes, keeping a map from every
   remaining character back to its original offset (so spans stay exact), and
   records each note with its span;
2. :func:`classify` walks the remaining lines with the blank-line context and
   emits :class:`LineToken` s (one per element line, plus paragraph breaks),
   which :mod:`screenplay.syntax.parser` feeds to the Lark grammar in
   ``grammar/fountain.lark``.

Production lines (``use``, ``cast``, ``set``, ``cue`` and preset declarations)
are recognised only at the start of a paragraph, unindented, with a lowercase
keyword and the exact shape of a declaration, so ordinary Fountain prose never
turns into production by accident.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from screenplay.diagnostics.codes import UNTERMINATED_BONEYARD
from screenplay.syntax.source import Source, Span

# --------------------------------------------------------------------------
# Stage 1: hidden text (boneyard and notes)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteRef:
    """A ``[[note]]`` found in the source: its inner text and spans."""

    text: str
    span: Span  # the whole [[…]]
    inner_span: Span  # just the inside
    standalone: bool  # the note was alone on its line(s)


@dataclass
class Line:
    """One line of the source after hidden text was removed."""

    text: str
    lineno: int  # 1-based line of the original source where this line starts
    origins: list[int]  # original offset of each character, plus one past the end
    notes: list[NoteRef] = field(default_factory=list)  # inline notes removed from this line
    note_only: bool = False  # the line held only notes (kept as a NOTE token, else transparent)

    def span(self, source: Source, start: int = 0, end: int | None = None) -> Span:
        end = len(self.text) if end is None else end
        a = self.origins[start] if start < len(self.origins) else self.origins[-1]
        if end > start:
            b = self.origins[end - 1] + 1
        else:
            b = a
        return source.span(a, b)


@dataclass(frozen=True)
class Problem:
    """A syntax problem found while classifying (turned into a diagnostic by the parser)."""

    code: str
    span: Span
    message: str
    help: str = ""


def strip_hidden(source: Source) -> tuple[list[Line], list[Problem]]:
    """Remove boneyard and notes; return the visible lines and any problems."""
    text = source.text
    n = len(text)
    out_chars: list[str] = []
    out_orig: list[int] = []
    problems: list[Problem] = []
    # notes found, with the output position where they were removed
    removed_notes: list[tuple[int, NoteRef]] = []
    # output positions where only hidden text was (to detect lines that vanish)
    hidden_at: list[int] = []  # ascending
    breaking: set[int] = set()

    # Each search below resumes where the last one stopped, so the scan is linear even
    # for thousands of unclosed `[[` or `/*` (a fresh find per opener would be quadratic).
    special = re.compile(r"/\*|\[\[|\\[*_\[\]/]")
    closers = {"*/": _Finder(text, "*/"), "]]": _Finder(text, "]]")}
    blank_any = _BlankLines(text, max_inner=None)  # a boneyard hides a blank line
    blank_note = _BlankLines(text, max_inner=1)  # a note may not span a truly blank line
    i = 0
    while i < n:
        m = special.search(text, i)
        nxt = m.start() if m else n
        if nxt > i:  # copy plain text in bulk
            out_chars.extend(text[i:nxt])
            out_orig.extend(range(i, nxt))
            i = nxt
            continue
        if text.startswith("/*", i):
            close = closers["*/"].find(i + 2)
            if close < 0:
                problems.append(
                    Problem(
                        UNTERMINATED_BONEYARD.code,
                        source.span(i, i + 2),
                        "unterminated boneyard: `/*` is never closed",
                        "close the boneyard with `*/`, "
                        "or write the slash-star as `\\/*` if it is text",
                    )
                )
                out_chars.append(text[i])
                out_orig.append(i)
                i += 1
                continue
            # A boneyard-only line vanishes (jouvence), unless the boneyard hid a
            # blank line: then it still separates paragraphs (screenplain).
            hidden_at.append(len(out_chars))
            if blank_any.within(i, close):
                breaking.add(len(out_chars))
            i = close + 2
            continue
        if text.startswith("[[", i):
            close = closers["]]"].find(i + 2)
            # A note may span lines, but not a truly blank one (two spaces are fine).
            if close >= 0 and not blank_note.within(i + 2, close):
                inner = text[i + 2 : close]
                ref = NoteRef(
                    text=inner,
                    span=source.span(i, close + 2),
                    inner_span=source.span(i + 2, close),
                    standalone=False,
                )
                removed_notes.append((len(out_chars), ref))
                hidden_at.append(len(out_chars))
                i = close + 2
                continue
        if text.startswith("\\", i) and i + 1 < n and text[i + 1] in "*_[]/":
            # Escapes are kept verbatim; emphasis parsing honours them later.
            out_chars.append(text[i])
            out_orig.append(i)
            i += 1
        out_chars.append(text[i])
        out_orig.append(i)
        i += 1

    # Split the visible text into lines, tracking which lines held only hidden text.
    lines: list[Line] = []
    visible = "".join(out_chars)
    breaks = sorted(breaking)
    pos = 0
    note_idx = 0
    while True:
        nl = visible.find("\n", pos)
        end = len(visible) if nl < 0 else nl
        line_text = visible[pos:end]
        origins = out_orig[pos:end] + [out_orig[end] if end < len(out_orig) else n]
        lineno = source.position(out_orig[pos] if pos < len(out_orig) else n)[0]
        notes: list[NoteRef] = []
        while note_idx < len(removed_notes) and removed_notes[note_idx][0] <= end:
            notes.append(removed_notes[note_idx][1])
            note_idx += 1
        k = bisect.bisect_left(hidden_at, pos)
        had_hidden = k < len(hidden_at) and hidden_at[k] <= end
        if notes and line_text.strip() == "":
            notes = [NoteRef(r.text, r.span, r.inner_span, standalone=True) for r in notes]
            lines.append(Line(line_text, notes[0].span.line, origins, notes, note_only=True))
        elif had_hidden and line_text.strip() == "" and not notes:
            kb = bisect.bisect_left(breaks, pos)
            if kb < len(breaks) and breaks[kb] <= end:
                lines.append(Line("", lineno, origins))
        else:
            lines.append(Line(line_text, lineno, origins, notes))
        if nl < 0:
            break
        pos = nl + 1
    return lines, problems


class _Finder:
    """``text.find(needle, start)`` for ascending-ish starts, amortised linear overall."""

    def __init__(self, text: str, needle: str) -> None:
        self.text = text
        self.needle = needle
        self.searched_from = len(text) + 1  # the last search's start …
        self.found = -1  # … and its result (-1: none at or after it)

    def find(self, start: int) -> int:
        if self.searched_from <= start and (self.found < 0 or self.found >= start):
            return self.found
        self.searched_from = start
        self.found = self.text.find(self.needle, start)
        return self.found


class _BlankLines:
    """Where the text has a blank line (newline, blanks, newline): answers "any in [a, b)?"."""

    # Linear: each space or tab is scanned once, from the newline before it.
    _BLANK = re.compile(r"\n[ \t]*(?=\n)")

    def __init__(self, text: str, max_inner: int | None) -> None:
        # (position of the first newline, position of the second) for each blank line,
        # with at most ``max_inner`` spaces/tabs between them (None: any number).
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in self._BLANK.finditer(text):
            if max_inner is None or m.end() - m.start() - 1 <= max_inner:
                self.starts.append(m.start())
                self.ends.append(m.end())

    def within(self, a: int, b: int) -> bool:
        """Whether a whole blank line (both newlines) lies inside ``text[a:b]``."""
        k = bisect.bisect_left(self.starts, a)
        return k < len(self.starts) and self.ends[k] < b


# --------------------------------------------------------------------------
# Stage 2: classification
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineToken:
    """A classified line: ``type`` is a terminal of grammar/fountain.lark."""

    type: str
    text: str  # the element text of this line (markers stripped)
    span: Span
    line: Line | None = None
    data: dict[str, object] = field(default_factory=dict)


# Every pattern here is linear in the length of the line: a regex is used only where no
# two quantifiers can match the same characters (so it cannot backtrack), and the
# shapes with optional parts and free spacing (cues, declarations, scene numbers) are
# read with str methods below.  tests/frontend/test_linear.py holds them to that.
SCENE_RE = re.compile(r"^(?:INT|EXT|EST|INT\.?/EXT|I/E|E/I)[.\s]", re.IGNORECASE)
PAGE_BREAK_RE = re.compile(r"^\s*={3,}\s*$")
TITLE_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z0-9 _\-]{0,30}):[ \t]*(.*)$")
TRANSITION_RE = re.compile(r"^[^a-z]*TO:$")
SPECIAL_TRANSITIONS = re.compile(
    r"^(?:FADE IN:|FADE OUT\.|FADE TO BLACK\.|CUT TO BLACK\.|FADE OUT|FADE TO BLACK)$"
)

#: Keys that may open a title page (any key may follow the first one).
TITLE_KEYS = frozenset(
    """title credit author authors source draft date draft contact copyright notes revision
    format narration subtitles language font""".split()
) | {"draft date", "contact info"}

PRESET_KEYWORDS = ("voice", "face", "room", "music")
DECL_KEYWORDS = ("cast", "set", "cue")
#: Every lowercase word that opens a production line (for "did you mean" on a typo).
PRODUCTION_KEYWORDS = ("use", *DECL_KEYWORDS, *PRESET_KEYWORDS)
PROPERTY_RE = re.compile(
    r"^(?P<indent>[ \t]+)(?P<key>[A-Za-z_][A-Za-z0-9_\-]*)\s*:\s*(?P<value>.*)$"
)
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_MODULE_RE = re.compile(r"[A-Za-z_][\w\-]*")
_SCENE_NUMBER_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-")


@dataclass(frozen=True)
class Cue:
    """A character cue read by :func:`parse_cue`: ``NAME (EXT) (EXT) ^``."""

    name: str
    extensions: tuple[str, ...]
    dual: bool


def parse_cue(s: str) -> Cue | None:
    """``MAN (V.O.) ^`` → Cue("MAN", ("V.O.",), True); None if the line is not cue-shaped.

    A name (no parentheses or ``^``), then parenthesised extensions (not nested), then an
    optional ``^``.  Read with str methods: a regex with a lazy name and free spacing
    around optional parts backtracks quadratically on long runs of spaces.
    """
    t = s.strip()
    dual = t.endswith("^")
    if dual:
        t = t[:-1].rstrip()
    cut = len(t)
    for ch in "()^":
        k = t.find(ch)
        if 0 <= k < cut:
            cut = k
    name, rest = t[:cut], t[cut:]
    exts: list[str] = []
    while rest:
        if rest[0] != "(":
            return None
        close = rest.find(")")
        if close < 0 or "(" in rest[1:close]:
            return None
        exts.append(rest[1:close].strip())
        rest = rest[close + 1 :].lstrip()
    return Cue(name.strip(), tuple(exts), dual)


def split_scene_number(s: str) -> tuple[str, str | None]:
    """``INT. HOUSE #12A#`` → ("INT. HOUSE", "12A"); the number is None when absent."""
    t = s.rstrip()
    if len(t) >= 3 and t.endswith("#"):
        j = t.rfind("#", 0, len(t) - 1)
        number = t[j + 1 : -1]
        if j >= 0 and number and all(c in _SCENE_NUMBER_CHARS for c in number):
            return t[:j], number
    return s, None


def parse_use(raw: str) -> tuple[str, int] | None:
    """``use voices, faces  # c`` → ("voices, faces", offset of the list), or None."""
    if not raw.startswith("use") or len(raw) < 5 or not raw[3].isspace():
        return None
    body = raw[3:]
    hash_at = body.find("#", 1 + (len(body) - len(body.lstrip())))
    if hash_at >= 0:
        body = body[:hash_at]
    start = 3 + (len(body) - len(body.lstrip()))
    body = body.strip()
    if not body:
        return None
    if not all(_MODULE_RE.fullmatch(part.strip()) for part in body.split(",")):
        return None
    return body, start


@dataclass(frozen=True)
class DeclHead:
    """The head line of a declaration, with character offsets into the line."""

    keyword: str
    name: str
    name_start: int
    name_end: int
    label: str
    value: str = ""  # presets only: the text after the colon
    value_start: int = 0


def _skip_space(raw: str, i: int) -> int:
    while i < len(raw) and raw[i].isspace():
        i += 1
    return i


def _label_at(raw: str, i: int) -> tuple[str, int] | None:
    """A ``"label"`` starting at ``i`` → (label, index after it)."""
    close = raw.find('"', i + 1)
    if close < 0:
        return None
    return raw[i + 1 : close], close + 1


def _keyword(raw: str, keywords: tuple[str, ...]) -> str | None:
    for kw in keywords:
        if raw.startswith(kw) and len(raw) > len(kw) and raw[len(kw)].isspace():
            return kw
    return None


def parse_decl(raw: str) -> DeclHead | None:
    """``cast MAN "The man"  # c`` → DeclHead; None if the line is not that shape."""
    kw = _keyword(raw, DECL_KEYWORDS)
    if kw is None:
        return None
    i = _skip_space(raw, len(kw))
    stop = len(raw)
    for ch in '"#':
        k = raw.find(ch, i)
        if 0 <= k < stop:
            stop = k
    name = raw[i:stop].rstrip()
    if not name:
        return None
    label = ""
    j = stop
    if j < len(raw) and raw[j] == '"':
        got = _label_at(raw, j)
        if got is None:
            return None
        label, j = got
        j = _skip_space(raw, j)
        if j < len(raw) and raw[j] != "#":
            return None
    return DeclHead(kw, name, i, i + len(name), label)


def parse_preset(raw: str) -> DeclHead | None:
    """``voice carlos "Carlos": piper(…)`` → DeclHead with the value; None if not that shape."""
    kw = _keyword(raw, PRESET_KEYWORDS)
    if kw is None:
        return None
    i = _skip_space(raw, len(kw))
    m = _NAME_RE.match(raw, i)
    if not m:
        return None
    j = _skip_space(raw, m.end())
    label = ""
    if j < len(raw) and raw[j] == '"':
        got = _label_at(raw, j)
        if got is None:
            return None
        label, j = got
        j = _skip_space(raw, j)
    if j >= len(raw) or raw[j] != ":":
        return None
    v = _skip_space(raw, j + 1)
    return DeclHead(kw, m.group(), m.start(), m.end(), label, raw[v:], v)


def is_upper_name(name: str) -> bool:
    return any(c.isalpha() for c in name) and name == name.upper()


def _is_blank(line: Line) -> bool:
    return line.text.strip() == ""


def classify(source: Source, lines: list[Line]) -> list[LineToken]:
    """Classify visible lines into tokens (see module docstring)."""
    toks: list[LineToken] = []
    n = len(lines)
    i = 0

    def span_of(line: Line, start: int = 0, end: int | None = None) -> Span:
        return line.span(source, start, end)

    def emit_notes(line: Line) -> None:
        for ref in line.notes:
            toks.append(LineToken("NOTE", ref.text, ref.span, line, {"standalone": ref.standalone}))

    def next_content(j: int) -> Line | None:
        while j < n and lines[j].note_only:
            j += 1
        return lines[j] if j < n else None

    # ---- title page -------------------------------------------------------
    j = 0
    while j < n and _is_blank(lines[j]) and not lines[j].note_only:
        j += 1
    first = TITLE_KEY_RE.match(lines[j].text) if j < n else None
    if first and first.group(1).strip().lower() in TITLE_KEYS:
        k = j
        fields: list[LineToken] = []
        while k < n and not _is_blank(lines[k]):
            ln = lines[k]
            m = TITLE_KEY_RE.match(ln.text)
            if m and not ln.text[:1].isspace():
                key = m.group(1).strip()
                fields.append(
                    LineToken(
                        "TITLE_KEY",
                        key,
                        span_of(ln, 0, len(m.group(1))),
                        ln,
                        {
                            "value": m.group(2).strip(),
                            "value_span": span_of(ln, m.start(2), len(ln.text)),
                        },
                    )
                )
            elif fields and (ln.text[:1].isspace()):
                fields.append(LineToken("TITLE_VALUE", ln.text.strip(), span_of(ln), ln))
            else:
                break
            k += 1
        if fields and (k >= n or _is_blank(lines[k])):
            toks.extend(fields)
            i = k
        # else: not a title page after all; everything is body

    # ---- body ---------------------------------------------------------------
    prev_blank = True
    mode: str | None = None  # "dialogue", "action", "decl", "lyrics"
    while i < n:
        ln = lines[i]
        if ln.note_only:
            emit_notes(ln)
            i += 1
            continue
        raw = ln.text
        s = raw.strip()
        if s == "":
            nxt = next_content(i + 1)
            if mode == "dialogue" and len(raw) >= 2 and nxt is not None and not _is_blank(nxt):
                # Fountain: a line of two spaces keeps the dialogue going.
                toks.append(LineToken("DIALOGUE_LINE", "", span_of(ln), ln))
                i += 1
                continue
            if not toks or toks[-1].type != "BREAK":
                toks.append(LineToken("BREAK", "", span_of(ln), ln))
            mode = None
            prev_blank = True
            i += 1
            continue

        nxt = next_content(i + 1)
        next_blank = nxt is None or _is_blank(nxt)
        lead = len(raw) - len(raw.lstrip())

        if mode == "dialogue":
            if s.startswith("(") and s.endswith(")"):
                toks.append(LineToken("PARENTHETICAL", s, span_of(ln, lead, len(raw.rstrip())), ln))
            elif s.startswith("~"):
                toks.append(
                    LineToken("LYRIC_LINE_IN_DIALOGUE", s[1:].strip(), span_of(ln, lead), ln)
                )
            else:
                toks.append(LineToken("DIALOGUE_LINE", s, span_of(ln, lead, len(raw.rstrip())), ln))
            emit_notes(ln)
            i += 1
            continue

        if mode == "decl":
            m = PROPERTY_RE.match(raw)
            if m or raw[:1].isspace():
                toks.append(
                    LineToken(
                        "PROPERTY",
                        s,
                        span_of(ln, lead, len(raw.rstrip())),
                        ln,
                        {
                            "key": m.group("key") if m else None,
                            "key_span": span_of(ln, m.start("key"), m.end("key")) if m else None,
                            "value": m.group("value").strip() if m else None,
                            "value_span": span_of(ln, m.start("value"), len(raw.rstrip()))
                            if m
                            else None,
                        },
                    )
                )
                emit_notes(ln)
                i += 1
                continue
            # An unindented line right after a declaration may start the next one.
            mode = None
            prev_blank = True

        tok = _classify_line(source, ln, prev_blank, next_blank, mode, lines, i)
        toks.append(tok)
        emit_notes(ln)
        if tok.type == "CHARACTER":
            mode = "dialogue"
        elif tok.type in ("DECL", "USE", "PRESET"):
            mode = "decl"
        elif tok.type == "ACTION_LINE":
            mode = "action"
        elif tok.type == "LYRIC_LINE":
            mode = "lyrics"
        else:
            mode = None
        prev_blank = False
        i += 1
    return _fix_lyric_paragraphs(toks)


def _classify_line(
    source: Source,
    ln: Line,
    prev_blank: bool,
    next_blank: bool,
    mode: str | None,
    lines: list[Line],
    i: int,
) -> LineToken:
    raw = ln.text
    s = raw.strip()
    lead = len(raw) - len(raw.lstrip())
    end = len(raw.rstrip())

    def tok(t: str, text: str, start: int = lead, stop: int = end, **data: object) -> LineToken:
        return LineToken(t, text, ln.span(source, start, stop), ln, dict(data))

    # Page breaks, sections and synopses stand on their own anywhere.
    if PAGE_BREAK_RE.match(raw):
        return tok("PAGE_BREAK", "")
    if s.startswith("#") and not in_paragraph_action(mode):
        depth = len(s) - len(s.lstrip("#"))
        return tok("SECTION", s[depth:].strip(), depth=depth)
    if s.startswith("=") and not s.startswith("==") and not in_paragraph_action(mode):
        return tok("SYNOPSIS", s[1:].strip())

    # Forced elements.
    if s.startswith("!"):
        return tok("ACTION_LINE", raw.replace("!", "", 1), 0, len(raw), forced=True)
    if s.startswith(">") and s.endswith("<") and len(s) >= 2:
        return tok("CENTERED", s[1:-1].strip())
    if mode == "action":
        return tok("ACTION_LINE", raw, 0, len(raw))
    if s.startswith("~"):
        return tok("LYRIC_LINE", s[1:].strip())
    if s.startswith(">"):
        return tok("TRANSITION", s[1:].strip(), forced=True)
    if s.startswith("@") and not next_blank:
        return _character(ln, source, s[1:], lead, end, forced=True)
    if s.startswith(".") and len(s) > 1 and s[1] not in ". ":
        return _scene_heading(ln, source, s[1:], lead + 1, end, forced=True)

    if prev_blank:
        # Production lines: unindented, lowercase keyword, exact shape.
        if lead == 0:
            use = parse_use(raw)
            if use:
                return tok("USE", use[0])
            pre = parse_preset(raw)
            if pre:
                return tok(
                    "PRESET",
                    s,
                    keyword=pre.keyword,
                    name=pre.name,
                    name_span=ln.span(source, pre.name_start, pre.name_end),
                    label=pre.label,
                    value=pre.value.strip(),
                    value_span=ln.span(source, pre.value_start, end),
                )
            decl = parse_decl(raw)
            if decl and is_upper_name(decl.name) and (next_blank or _next_is_property(lines, i)):
                return tok(
                    "DECL",
                    s,
                    keyword=decl.keyword,
                    name=decl.name,
                    name_span=ln.span(source, decl.name_start, decl.name_end),
                    label=decl.label,
                )
        if SCENE_RE.match(s):
            return _scene_heading(ln, source, s, lead, end, forced=False)
        if next_blank and (
            (TRANSITION_RE.match(s) and raw.rstrip("\n") == raw.rstrip() and s == s.upper())
            or SPECIAL_TRANSITIONS.match(s)
        ):
            if raw.endswith(" ") and not SPECIAL_TRANSITIONS.match(s):
                return tok("ACTION_LINE", raw, 0, len(raw))
            return tok("TRANSITION", s)
        if not next_blank and not s.endswith("TO:"):
            cue = parse_cue(s)
            if cue and cue.name and is_upper_name(cue.name):
                return _character(ln, source, s, lead, end, forced=False)
    return tok("ACTION_LINE", raw, 0, len(raw))


def in_paragraph_action(mode: str | None) -> bool:
    return mode == "action"


def _next_is_property(lines: list[Line], i: int) -> bool:
    return i + 1 < len(lines) and bool(PROPERTY_RE.match(lines[i + 1].text))


def _character(ln: Line, source: Source, s: str, lead: int, end: int, forced: bool) -> LineToken:
    cue = parse_cue(s)
    exts: tuple[str, ...]
    if cue is None:
        name, exts, dual = s.strip(), (), False
    else:
        name, exts, dual = cue.name, cue.extensions, cue.dual
    return LineToken(
        "CHARACTER",
        s.strip().rstrip("^").strip(),
        ln.span(source, lead, end),
        ln,
        {"name": name, "extensions": exts, "dual": dual, "forced": forced},
    )


def _scene_heading(
    ln: Line, source: Source, s: str, start: int, end: int, forced: bool
) -> LineToken:
    s, number = split_scene_number(s)
    return LineToken(
        "SCENE_HEADING",
        s.strip(),
        ln.span(source, start - (1 if forced else 0), end),
        ln,
        {"number": number, "forced": forced},
    )


def _fix_lyric_paragraphs(toks: list[LineToken]) -> list[LineToken]:
    """A paragraph starting with ``~`` that has non-lyric lines is action (as jouvence has it)."""
    out: list[LineToken] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.type == "LYRIC_LINE" and (not out or out[-1].type in ("BREAK",)):
            j = i
            while j < len(toks) and toks[j].type in ("LYRIC_LINE", "ACTION_LINE", "NOTE"):
                j += 1
            para = toks[i:j]
            if any(p.type == "ACTION_LINE" for p in para):
                for p in para:
                    if p.type == "NOTE":
                        out.append(p)
                    else:
                        raw = p.line.text if p.line is not None else p.text
                        out.append(LineToken("ACTION_LINE", raw, p.span, p.line, {}))
                i = j
                continue
        out.append(t)
        i += 1
    return out

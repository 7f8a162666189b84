"""The canonical formatter for ``.film`` files (``screenplay fmt``).

What it normalises, and nothing else:

* **blank lines** — runs of blank lines become one; no blank lines at the top;
  one newline at the end; whitespace-only lines become empty (except the
  two-space line that keeps a dialogue going, which Fountain needs);
* **trailing whitespace** is removed (except where Fountain reads it: an
  upper-case action line ending ``TO:`` keeps one trailing space so it does
  not turn into a transition);
* **indentation** — every line but action (where Fountain keeps it) starts at
  the margin; declaration properties are indented four spaces;
* **production lines** — ``cast NAME "label"``, ``key: value``, presets and
  ``use a, b`` get single spaces; values are re-printed from the AST
  (``portrait(seed=7, hair="grey")``: one space after each comma, none inside
  the parentheses) with every number, string and name kept exactly as written;
  trailing ``# comments`` are kept;
* **directives** standing on their own line are re-printed the same way:
  ``[[music THEME fade-in 2s volume=-6dB]]``;
* **title page** — keys in the usual order (Title, Credit, Author, Source,
  Draft date, Contact, Copyright, Notes, Revision, then the production keys
  Format, Narration, Subtitles, Language, Font, then any others as written);
  multi-line values are indented four spaces.

Boneyard (``/* … */``) and multi-line notes are left byte for byte.

Safety (Black's "safe mode"): :func:`format_film` parses the result again and
compares it with the original — elements, text, production values, the order
of everything but title-page keys, and the syntax diagnostics — ignoring only
source positions, trailing whitespace of action lines and the spelling of a
directive's whitespace.  If anything differs it raises :class:`UnsafeFormat`
and the file is left alone.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from screenplay.syntax import ast
from screenplay.syntax.classify import TRANSITION_RE
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source, Span, decode

#: Title-page keys in print order, then the production keys.
TITLE_ORDER = (
    "title",
    "credit",
    "author",
    "authors",
    "source",
    "draft date",
    "date",
    "contact",
    "contact info",
    "copyright",
    "notes",
    "revision",
    "format",
    "narration",
    "subtitles",
    "language",
    "font",
)
INDENT = "    "


class UnsafeFormat(Exception):
    """Formatting would change what the film is; the reason says where."""


@dataclass(frozen=True)
class Formatted:
    text: str
    changed: bool


# --------------------------------------------------------------------------
# Printing production values from the AST
# --------------------------------------------------------------------------


class _Text:
    """Slices of the original text by span (leaves keep their spelling)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col - 1

    def slice(self, span: Span) -> str:
        return self.text[
            self.offset(span.line, span.col) : self.offset(span.end_line, span.end_col)
        ]


def value_text(v: ast.Value, src: _Text) -> str:
    if isinstance(v, ast.Call):
        return f"{v.name}({', '.join(arg_text(a, src) for a in v.args)})"
    if isinstance(v, ast.ListValue):
        return f"[{', '.join(value_text(i, src) for i in v.items)}]"
    return src.slice(v.span).strip()


def arg_text(a: ast.Arg, src: _Text) -> str:
    return f"{a.key}={value_text(a.value, src)}" if a.key else value_text(a.value, src)


def directive_text(d: ast.Directive, src: _Text) -> str:
    return " ".join([d.name, *(arg_text(a, src) for a in d.args)])


def split_comment(text: str) -> tuple[str, str]:
    """``value  # comment`` → (value, "# comment"); a ``#`` inside quotes is not a comment."""
    in_q: str | None = None
    for i, ch in enumerate(text):
        if in_q:
            if ch == in_q and text[i - 1] != "\\":
                in_q = None
        elif ch in "\"'":
            in_q = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip(), text[i:].strip()
    return text.rstrip(), ""


def _with_comment(text: str, comment: str) -> str:
    return f"{text}  {comment}" if comment else text


# --------------------------------------------------------------------------
# The formatter
# --------------------------------------------------------------------------


def _boneyard_lines(text: str) -> set[int]:
    """1-based lines touched by a boneyard ``/* … */`` (kept verbatim)."""
    lines: set[int] = set()
    pos = 0
    while True:
        m = re.compile(r"(?<!\\)/\*").search(text, pos)
        if not m:
            break
        close = text.find("*/", m.end())
        end = len(text) if close < 0 else close + 2
        a = text.count("\n", 0, m.start()) + 1
        b = text.count("\n", 0, end) + 1
        lines.update(range(a, b + 1))
        pos = end
    return lines


def format_text(text: str, name: str = "<string>") -> str:
    """The canonical text (no safety check: see :func:`format_film`)."""
    text = decode(text.encode("utf-8")) if "\r" in text or text.startswith("\ufeff") else text
    source = Source(name, text)
    script, _ = parse_source(source)
    src = _Text(text)
    lines = text.split("\n")
    out: dict[int, str | None] = {}  # 1-based line → new text (None: drop the line)
    keep = _boneyard_lines(text)

    def set_line(n: int, value: str | None) -> None:
        if n not in keep:
            out[n] = value

    def multi_line(span: Span) -> bool:
        return span.end_line > span.line

    # -- title page ----------------------------------------------------------
    title_end = 0
    if script.title_page is not None:
        tp = script.title_page
        title_end = tp.span.end_line
        if not any(n in keep for n in range(tp.span.line, title_end + 1)):
            order = {k: i for i, k in enumerate(TITLE_ORDER)}
            fields = sorted(
                enumerate(tp.fields),
                key=lambda p: (order.get(p[1].key.lower(), len(order)), p[0]),
            )
            title_lines: list[str] = []
            for _, f in fields:
                vals = f.value.split("\n") if f.value else []
                if len(vals) <= 1:
                    title_lines.append(f"{f.key}: {vals[0] if vals else ''}".rstrip())
                else:
                    title_lines.append(f"{f.key}:")
                    title_lines.extend(INDENT + v.strip() for v in vals)
            for n in range(tp.span.line, title_end + 1):
                set_line(n, None)
            out[tp.span.line] = "\n".join(title_lines)

    # -- body ------------------------------------------------------------------
    def directive_line(el: ast.Directive) -> None:
        raw = lines[el.span.line - 1].strip()
        if not multi_line(el.span) and raw == f"[[{el.text}]]" and el.name_span is not None:
            set_line(el.span.line, f"[[{directive_text(el, src)}]]")

    def strip_lines(span: Span) -> None:
        for n in range(span.line, span.end_line + 1):
            set_line(n, lines[n - 1].strip())

    def block(b: ast.DialogueBlock) -> None:
        strip_lines(b.span)
        for n in range(b.span.line, b.span.end_line + 1):
            if not lines[n - 1].strip() and len(lines[n - 1]) >= 2:
                set_line(n, "  ")  # the two-space line that keeps dialogue going
        for p in b.parts:
            if isinstance(p, ast.Directive):
                directive_line(p)
            elif isinstance(p, ast.Note) and multi_line(p.span):
                for n in range(p.span.line, p.span.end_line + 1):
                    keep.add(n)

    for el in script.body:
        if isinstance(el, ast.Action):
            for n in range(el.span.line, el.span.end_line + 1):
                raw = lines[n - 1]
                s = raw.rstrip()
                if s != raw and TRANSITION_RE.match(s.strip()) and s.strip() == s.strip().upper():
                    s += " "  # Fountain reads the trailing space: action, not a transition
                set_line(n, s)
        elif isinstance(el, ast.DialogueBlock):
            block(el)
        elif isinstance(el, ast.DualDialogue):
            block(el.left)
            block(el.right)
        elif isinstance(el, ast.Declaration):
            head = lines[el.span.line - 1]
            _, comment = split_comment(head)
            label = f' "{el.label}"' if el.label else ""
            set_line(el.span.line, _with_comment(f"{el.keyword} {el.name}{label}", comment))
            for p in el.properties:
                raw = lines[p.span.line - 1]
                if p.value is None or multi_line(p.span) or multi_line(p.value.span):
                    set_line(p.span.line, INDENT + raw.strip())
                    continue
                after = raw.split(":", 1)[1] if ":" in raw else ""
                _, comment = split_comment(after)
                set_line(
                    p.span.line,
                    _with_comment(f"{INDENT}{p.key}: {value_text(p.value, src)}", comment),
                )
        elif isinstance(el, ast.Preset):
            raw = lines[el.span.line - 1]
            if el.value is None or multi_line(el.value.span):
                set_line(el.span.line, raw.strip())
                continue
            after = raw.split(":", 1)[1] if ":" in raw else ""
            _, comment = split_comment(after)
            label = f' "{el.label}"' if el.label else ""
            set_line(
                el.span.line,
                _with_comment(
                    f"{el.keyword} {el.name}{label}: {value_text(el.value, src)}", comment
                ),
            )
        elif isinstance(el, ast.Use):
            _, comment = split_comment(lines[el.span.line - 1])
            mods = ", ".join(m.name for m in el.modules)
            set_line(el.span.line, _with_comment(f"use {mods}", comment))
        elif isinstance(el, ast.Directive):
            directive_line(el)
        elif isinstance(el, ast.Note):
            if multi_line(el.span):
                keep.update(range(el.span.line, el.span.end_line + 1))
            else:
                set_line(el.span.line, lines[el.span.line - 1].strip())
        elif isinstance(el, ast.PageBreak):
            set_line(el.span.line, "===")
        else:  # headings, transitions, centered, lyrics, sections, synopses
            strip_lines(el.span)

    # -- assemble: blank-line rules ---------------------------------------------
    result: list[str] = []
    blank_run = 0
    for n, raw in enumerate(lines, start=1):
        if n in keep:
            result.append(raw)
            blank_run = 0
            continue
        new = out.get(n, raw)
        if new is None:
            continue
        if n not in out and not new.strip():
            new = ""
        elif n not in out:
            new = new.rstrip()
        if new == "":
            blank_run += 1
            if blank_run > 1 or not result:
                continue
        else:
            blank_run = 0
        result.append(new)
    while result and result[-1] == "":
        result.pop()
    return "\n".join(result) + "\n" if result else ""


# --------------------------------------------------------------------------
# Safety: the elements before and after must be equal
# --------------------------------------------------------------------------


def _canon(obj: Any) -> Any:
    if isinstance(obj, Span):
        return None
    if isinstance(obj, ast.Action):
        text = "\n".join(line.rstrip() for line in obj.text.split("\n"))
        return ("Action", text, obj.forced)
    if isinstance(obj, ast.Directive):
        return ("Directive", obj.name, _canon(obj.args))
    if isinstance(obj, ast.Script):
        fields: tuple[tuple[str, str, str], ...] = ()
        if obj.title_page is not None:
            fields = tuple(sorted((f.key.lower(), f.key, f.value) for f in obj.title_page.fields))
        return ("Script", fields, _canon(obj.body))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return (type(obj).__name__,) + tuple(
            _canon(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.name != "extra" and not isinstance(getattr(obj, f.name), Span)
        )
    if isinstance(obj, tuple | list):
        return tuple(_canon(x) for x in obj)
    return obj


def elements(text: str, name: str = "<string>") -> tuple[Any, Counter[str]]:
    """What the film *is*, without positions: the canonical AST and the syntax diagnostics."""
    script, diags = parse_source(Source(name, decode(text.encode("utf-8"))))
    return _canon(script), Counter(d.code for d in diags)


def first_difference(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b) or not isinstance(a, tuple):
        return f"{path or 'script'}: {a!r:.80} became {b!r:.80}"
    if len(a) != len(b):
        return f"{path or 'script'}: {len(a)} parts became {len(b)}"
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            label = x[0] if isinstance(x, tuple) and x and isinstance(x[0], str) else str(i)
            return first_difference(x, y, f"{path}/{label}")
    return path


def format_film(text: str, name: str = "<string>") -> Formatted:
    """Format and verify; raise :class:`UnsafeFormat` if the film would change."""
    new = format_text(text, name)
    original = decode(text.encode("utf-8"))
    if new == original:
        return Formatted(new, False)
    before, bdiags = elements(original, name)
    after, adiags = elements(new, name)
    if before != after:
        raise UnsafeFormat(first_difference(before, after))
    if bdiags != adiags:
        raise UnsafeFormat(f"the syntax diagnostics would change: {dict(bdiags)} → {dict(adiags)}")
    if format_text(new, name) != new:
        raise UnsafeFormat("formatting is not stable (a second pass changes the text again)")
    return Formatted(new, True)

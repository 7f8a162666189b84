"""Axes and variants: what a film with alternatives may choose, and a stable id per choice.

An *axis* is one set of alternatives the writer left open:

* a value written ``A | B`` in a declaration (``MAN.voice``), a preset
  (``gravel``), or a directive (``generate#1.seed`` — the first ``generate``
  directive that has alternatives);
* a *slot*: sections or scenes marked ``[[variant SLOT=VALUE]]`` on (or right
  after) their heading (``ending`` with values ``happy`` and ``sad``).

A *variant* is one value per axis.  Its id is a short hash of the choices that
differ from each axis's first value, so it does not change when the film is
edited elsewhere, nor when a new axis is added (the film a viewer saw before is
the new axis's default).  :func:`analyze` reads a parsed script (the parser
keeps :class:`~screenplay.syntax.ast.Alternatives` in values) and returns the
axes and, for :mod:`screenplay.variants.select`, where each alternative is
written.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from screenplay.diagnostics import Diagnostics
from screenplay.syntax import ast
from screenplay.syntax.source import Source, Span
from screenplay.variants import errors

#: More variants than this are not enumerated (SP1106); ``--variant`` still works.
MAX_VARIANTS = 4096
ID_LENGTH = 8

_NOTE_RE = re.compile(
    r"^variant\s+([A-Za-z_][\w\-.]*)\s*(?:=\s*|\s+)([A-Za-z0-9_][\w\-.]*)\s*$", re.ASCII
)


@dataclass(frozen=True)
class Occurrence:
    """One ``A | B | C`` in the source: the whole and each option, as source offsets."""

    start: int
    end: int
    options: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Region:
    """Lines (1-based, inclusive) that belong to one value of a slot."""

    value: str
    first_line: int
    last_line: int


@dataclass
class Axis:
    name: str
    kind: Literal["value", "slot"]
    values: list[str]
    span: Span
    occurrences: list[Occurrence] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)

    @property
    def default(self) -> str:
        return self.values[0]

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "values": list(self.values)}


@dataclass(frozen=True)
class Variant:
    id: str
    choice: dict[str, str]

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "choice": dict(self.choice)}


@dataclass
class Analysis:
    """The axes of one film, in source order."""

    axes: list[Axis]

    def axis(self, name: str) -> Axis | None:
        return next((a for a in self.axes if a.name == name), None)

    @property
    def count(self) -> int:
        n = 1
        for a in self.axes:
            n *= len(a.values)
        return n

    def default_choice(self) -> dict[str, str]:
        return {a.name: a.default for a in self.axes}

    def complete(self, partial: Mapping[str, str]) -> dict[str, str]:
        """Every axis's value: the ones given, the first value for the rest."""
        return {a.name: partial.get(a.name, a.default) for a in self.axes}

    def variant(self, choice: Mapping[str, str]) -> Variant:
        full = self.complete(choice)
        return Variant(variant_id(full, self.default_choice()), full)

    def variants(self) -> Iterator[Variant]:
        """Every variant, the default first (then in axis order, like an odometer)."""
        names = [a.name for a in self.axes]
        for values in itertools.product(*(a.values for a in self.axes)):
            yield self.variant(dict(zip(names, values, strict=True)))


def variant_id(choice: Mapping[str, str], defaults: Mapping[str, str]) -> str:
    """A short stable id: a hash of the choices that differ from the defaults."""
    differs = sorted((k, v) for k, v in choice.items() if defaults.get(k) != v)
    payload = json.dumps(differs, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:ID_LENGTH]


# --------------------------------------------------------------------------
# Reading the axes from a parsed script
# --------------------------------------------------------------------------


def _offset(source: Source, line: int, col: int) -> int:
    starts = source._starts
    if line - 1 >= len(starts):
        return len(source.text)
    return starts[line - 1] + col - 1


def _label(source: Source, value: ast.Value) -> str:
    """How an alternative is named in ids, tables and feedback: its text, quotes dropped."""
    if isinstance(value, ast.Str | ast.Name):
        return str(value.value)
    s = value.span
    raw = source.text[_offset(source, s.line, s.col) : _offset(source, s.end_line, s.end_col)]
    return " ".join(raw.split())


class _Walker:
    def __init__(self, source: Source, diags: Diagnostics) -> None:
        self.source = source
        self.diags = diags
        self.axes: dict[str, Axis] = {}
        self.directive_counts: dict[str, int] = {}

    def value(self, name: str, value: ast.Value | None, inside: bool = False) -> None:
        """Find alternatives in ``value``; ``name`` is the axis name they would get."""
        if value is None:
            return
        if isinstance(value, ast.Alternatives):
            if inside:
                self.diags.error(
                    errors.NESTED_ALTERNATIVES,
                    value.span,
                    "alternatives inside alternatives",
                    "write them as one flat list: `carlos(rate=1) | carlos(rate=2) | joe`",
                    "nested",
                )
                return
            for opt in value.options:
                self.value(name, opt, inside=True)
            self.add_value_axis(name, value)
            return
        if isinstance(value, ast.Call):
            for i, arg in enumerate(value.args):
                self.value(f"{name}.{arg.key or i}", arg.value, inside)
        elif isinstance(value, ast.ListValue):
            for i, item in enumerate(value.items):
                self.value(f"{name}.{i}", item, inside)

    def add_value_axis(self, name: str, alt: ast.Alternatives) -> None:
        labels = [_label(self.source, o) for o in alt.options]
        seen: set[str] = set()
        values: list[str] = []
        for opt, label in zip(alt.options, labels, strict=True):
            if label in seen:
                self.diags.error(
                    errors.DUPLICATE_ALTERNATIVE,
                    opt.span,
                    f"`{label}` is already an alternative of `{name}`",
                    "remove the repetition: two variants would be the same film",
                    "repeated",
                )
                continue
            seen.add(label)
            values.append(label)
        if len(values) < 2:
            return  # reported above; the value stays as written
        src = self.source
        # Repetitions were dropped; keep the first occurrence of each label only.
        firsts: list[tuple[int, int]] = []
        kept: set[str] = set()
        for o in alt.options:
            lab = _label(src, o)
            if lab not in kept:
                kept.add(lab)
                firsts.append(
                    (
                        _offset(src, o.span.line, o.span.col),
                        _offset(src, o.span.end_line, o.span.end_col),
                    )
                )
        occ = Occurrence(
            _offset(src, alt.span.line, alt.span.col),
            _offset(src, alt.span.end_line, alt.span.end_col),
            tuple(firsts),
        )
        if name in self.axes:
            # The same name twice (a declaration repeated): keep both apart.
            k = 2
            while f"{name}~{k}" in self.axes:
                k += 1
            name = f"{name}~{k}"
        self.axes[name] = Axis(name, "value", values, alt.span, [occ])

    def directive(self, d: ast.Directive) -> None:
        if not any(_has_alternatives(a.value) for a in d.args):
            return
        k = self.directive_counts.get(d.name, 0) + 1
        self.directive_counts[d.name] = k
        positional = 0
        for arg in d.args:
            if arg.key is None:
                positional += 1
                key = f"{positional}"
            else:
                key = arg.key
            self.value(f"{d.name}#{k}.{key}", arg.value)


def _has_alternatives(value: ast.Value) -> bool:
    if isinstance(value, ast.Alternatives):
        return True
    if isinstance(value, ast.Call):
        return any(_has_alternatives(a.value) for a in value.args)
    if isinstance(value, ast.ListValue):
        return any(_has_alternatives(v) for v in value.items)
    return False


def _elements(body: tuple[ast.Element, ...]) -> Iterator[ast.Node]:
    for el in body:
        yield el
        if isinstance(el, ast.DialogueBlock):
            yield from el.parts
        elif isinstance(el, ast.DualDialogue):
            yield from el.left.parts
            yield from el.right.parts


def variant_note(note: object) -> bool:
    return isinstance(note, ast.Note) and note.text.split(None, 1)[:1] == ["variant"]


def analyze(script: ast.Script, source: Source, diags: Diagnostics) -> Analysis:
    """The axes of ``script`` (parsed from ``source``); problems go to ``diags``."""
    w = _Walker(source, diags)
    for node in _elements(script.body):
        if isinstance(node, ast.Declaration):
            for prop in node.properties:
                w.value(f"{node.name}.{prop.key}", prop.value)
        elif isinstance(node, ast.Preset):
            w.value(node.name, node.value)
        elif isinstance(node, ast.Directive):
            w.directive(node)
    slots = _slots(script, source, diags)
    axes = list(w.axes.values()) + slots
    axes.sort(key=lambda a: (a.span.line, a.span.col))
    return Analysis(axes)


def _slots(script: ast.Script, source: Source, diags: Diagnostics) -> list[Axis]:
    """Sections and scenes marked ``[[variant SLOT=VALUE]]``, as slot axes with line regions."""
    body = script.body
    last_line = len(source._starts)
    # open regions: (slot, value, kind, depth, first line, heading span)
    open_: list[tuple[str, str, str, int, int, Span]] = []
    found: dict[str, Axis] = {}

    def close(index: int, end_line: int) -> None:
        slot, value, _, _, first, span = open_.pop(index)
        axis = found.get(slot)
        if axis is None:
            axis = found[slot] = Axis(slot, "slot", [], span)
        if value not in axis.values:
            axis.values.append(value)
        axis.regions.append(Region(value, first, end_line))

    for i, el in enumerate(body):
        if isinstance(el, ast.Section | ast.SceneHeading):
            depth = el.depth if isinstance(el, ast.Section) else 99
            for j in range(len(open_) - 1, -1, -1):
                kind, d = open_[j][2], open_[j][3]
                ends = (isinstance(el, ast.Section) and (kind == "scene" or d >= depth)) or (
                    isinstance(el, ast.SceneHeading) and kind == "scene"
                )
                if ends:
                    close(j, el.span.line - 1)
            # The marking note: on the heading's line, or the element right after it.
            for nxt in body[i + 1 : i + 3]:
                if not variant_note(nxt):
                    break
                assert isinstance(nxt, ast.Note)
                m = _NOTE_RE.match(" ".join(nxt.text.split()))
                if m is None:
                    diags.error(
                        errors.BAD_VARIANT_NOTE,
                        nxt.span,
                        "this variant note cannot be read",
                        "write `[[variant SLOT=VALUE]]`, e.g. `[[variant ending=happy]]`",
                        "expected `variant SLOT=VALUE`",
                    )
                    continue
                kind = "section" if isinstance(el, ast.Section) else "scene"
                open_.append((m.group(1), m.group(2), kind, depth, el.span.line, el.span))
        elif variant_note(el):
            prev = body[i - 1] if i else None
            prev2 = body[i - 2] if i > 1 else None
            attached = isinstance(prev, ast.Section | ast.SceneHeading) or (
                variant_note(prev) and isinstance(prev2, ast.Section | ast.SceneHeading)
            )
            if not attached:
                diags.error(
                    errors.MISPLACED_VARIANT_NOTE,
                    el.span,
                    "a variant note must follow a section or scene heading",
                    "put it on the heading's line: `# Ending [[variant ending=happy]]`",
                    "marks nothing here",
                )
    while open_:
        close(len(open_) - 1, last_line)
    axes: list[Axis] = []
    for axis in found.values():
        axis.regions.sort(key=lambda r: r.first_line)
        if len(axis.values) < 2:
            diags.error(
                errors.AXIS_ONE_VALUE,
                axis.span,
                f"the variant slot `{axis.name}` has one value, `{axis.values[0]}`",
                f"mark another section or scene `[[variant {axis.name}=OTHER]]`, "
                "or remove the note",
                "the only alternative",
            )
            continue
        axes.append(axis)
    return axes

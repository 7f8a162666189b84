"""The AST of a ``.film`` document: frozen dataclasses, every node with a span.

Fountain elements keep the writer's text (emphasis markup included; see
:mod:`screenplay.syntax.emphasis` for styled runs).  Dialogue is grouped into
:class:`DialogueBlock` s (a cue and its parentheticals/lines); a dual pair is a
:class:`DualDialogue`.  Production lines become :class:`Use`,
:class:`Declaration` and :class:`Preset`; notes that are directives become
:class:`Directive`.  :func:`flatten` gives the element-level view used by
``screenplay dump`` and the conformance tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from screenplay.syntax.heading import SceneInfo, scene_info
from screenplay.syntax.source import Span

# --------------------------------------------------------------------------
# Production values
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    span: Span


@dataclass(frozen=True)
class Str(Value):
    value: str


@dataclass(frozen=True)
class Num(Value):
    value: float
    unit: str = ""  # "" | "s" (durations, normalised to seconds) | "dB"

    @property
    def is_int(self) -> bool:
        return self.unit == "" and float(self.value).is_integer()


@dataclass(frozen=True)
class Bool(Value):
    value: bool


@dataclass(frozen=True)
class Name(Value):
    value: str


@dataclass(frozen=True)
class Arg:
    key: str | None
    value: Value
    span: Span
    key_span: Span | None = None


@dataclass(frozen=True)
class Call(Value):
    name: str
    args: tuple[Arg, ...]
    name_span: Span | None = None


@dataclass(frozen=True)
class ListValue(Value):
    items: tuple[Value, ...]


@dataclass(frozen=True)
class Alternatives(Value):
    """``carlos | joe``: one value per variant of the film (see :mod:`screenplay.variants`).

    The variants pass lowers these away before resolve; nothing after it sees one.
    """

    options: tuple[Value, ...]


def plain(value: Value) -> Any:
    """The plain Python value of a production value (calls become dicts)."""
    if isinstance(value, Str | Num | Bool | Name):
        v = value.value
        if isinstance(value, Num) and value.is_int:
            return int(v)
        return v
    if isinstance(value, ListValue):
        return [plain(v) for v in value.items]
    if isinstance(value, Call):
        return {"call": value.name, "args": [(a.key, plain(a.value)) for a in value.args]}
    raise TypeError(value)


def describe(value: Value) -> str:
    """A short description of a value's type, for diagnostics."""
    return {
        Str: "a string",
        Num: "a number",
        Bool: "a boolean",
        Name: "a name",
        Call: "a call",
        ListValue: "a list",
        Alternatives: "alternatives",
    }.get(type(value), "a value")


# --------------------------------------------------------------------------
# Elements
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    span: Span


@dataclass(frozen=True)
class TitleField(Node):
    key: str
    value: str
    value_span: Span | None = None


@dataclass(frozen=True)
class TitlePage(Node):
    fields: tuple[TitleField, ...]

    def get(self, key: str) -> TitleField | None:
        key = key.lower()
        for f in self.fields:
            if f.key.lower() == key:
                return f
        return None


@dataclass(frozen=True)
class SceneHeading(Node):
    text: str
    number: str | None = None
    forced: bool = False
    #: What the heading says (inside or out, place, time of day), read once from ``text``.
    scene: SceneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scene", scene_info(self.text))


@dataclass(frozen=True)
class Action(Node):
    text: str
    forced: bool = False


@dataclass(frozen=True)
class Transition(Node):
    text: str
    forced: bool = False


@dataclass(frozen=True)
class Centered(Node):
    text: str


@dataclass(frozen=True)
class Lyrics(Node):
    text: str


@dataclass(frozen=True)
class PageBreak(Node):
    pass


@dataclass(frozen=True)
class Section(Node):
    text: str
    depth: int = 1


@dataclass(frozen=True)
class Synopsis(Node):
    text: str


@dataclass(frozen=True)
class Note(Node):
    """A ``[[note]]`` that is not a directive (it has no effect on the film)."""

    text: str
    standalone: bool = True


@dataclass(frozen=True)
class Directive(Node):
    """A note that tells the compiler something: ``[[music THEME fade-in 2s]]``."""

    name: str
    args: tuple[Arg, ...]
    text: str
    name_span: Span | None = None
    #: The arguments could not be read (already reported); the check pass skips it.
    broken: bool = False

    def positional(self) -> list[Arg]:
        return [a for a in self.args if a.key is None]

    def keyword(self, key: str) -> Arg | None:
        for a in self.args:
            if a.key == key:
                return a
        return None


@dataclass(frozen=True)
class Character(Node):
    name: str  # "MOM", without extensions
    extensions: tuple[str, ...] = ()  # ("V.O.",) ("O. S.",) ("CONT'D",)
    dual: bool = False
    forced: bool = False
    text: str = ""  # the cue as written, without @ and ^
    name_span: Span | None = None


@dataclass(frozen=True)
class Parenthetical(Node):
    text: str  # with the parentheses


@dataclass(frozen=True)
class DialogueLine(Node):
    """Dialogue text (one or more lines joined with \\n); ``...`` alone is a fill hole."""

    text: str

    @property
    def is_hole(self) -> bool:
        return self.text.strip() in ("...", "…")


@dataclass(frozen=True)
class DialogueLyric(Node):
    text: str


Speech = Parenthetical | DialogueLine | DialogueLyric | Note | Directive


@dataclass(frozen=True)
class DialogueBlock(Node):
    character: Character
    parts: tuple[Speech, ...]

    @property
    def dual(self) -> bool:
        return self.character.dual


@dataclass(frozen=True)
class DualDialogue(Node):
    left: DialogueBlock
    right: DialogueBlock


# --------------------------------------------------------------------------
# Production
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleRef(Node):
    name: str


@dataclass(frozen=True)
class Use(Node):
    modules: tuple[ModuleRef, ...]


@dataclass(frozen=True)
class Property(Node):
    key: str
    value: Value | None  # None when the value did not parse (a diagnostic was given)
    key_span: Span | None = None


@dataclass(frozen=True)
class Declaration(Node):
    """``cast NAME "label"`` / ``set NAME`` / ``cue NAME`` with indented properties."""

    keyword: str
    name: str
    label: str
    properties: tuple[Property, ...]
    name_span: Span | None = None

    def prop(self, key: str) -> Property | None:
        for p in self.properties:
            if p.key == key:
                return p
        return None


@dataclass(frozen=True)
class Preset(Node):
    """``voice carlos "description": piper(...)`` – a named, reusable value."""

    keyword: str
    name: str
    label: str
    value: Value | None
    name_span: Span | None = None


Element = (
    SceneHeading
    | Action
    | Transition
    | Centered
    | Lyrics
    | PageBreak
    | Section
    | Synopsis
    | Note
    | Directive
    | DialogueBlock
    | DualDialogue
    | Use
    | Declaration
    | Preset
)


@dataclass(frozen=True)
class Script:
    """A parsed document."""

    file: str
    title_page: TitlePage | None
    body: tuple[Element, ...]
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def walk(self) -> Iterator[Node]:
        """Every node in source order, dialogue parts included."""
        if self.title_page:
            yield self.title_page
        for el in self.body:
            yield from walk(el)


def walk(el: Node) -> Iterator[Node]:
    yield el
    if isinstance(el, DualDialogue):
        yield from walk(el.left)
        yield from walk(el.right)
    elif isinstance(el, DialogueBlock):
        yield el.character
        yield from el.parts
    elif isinstance(el, Declaration):
        yield from el.properties


# --------------------------------------------------------------------------
# The element-level view (dump, conformance)
# --------------------------------------------------------------------------

KIND_OF: dict[type, str] = {
    SceneHeading: "scene_heading",
    Action: "action",
    Transition: "transition",
    Centered: "centered",
    Lyrics: "lyrics",
    PageBreak: "page_break",
    Section: "section",
    Synopsis: "synopsis",
    Note: "note",
    Directive: "directive",
    Character: "character",
    Parenthetical: "parenthetical",
    DialogueLine: "dialogue",
    DialogueLyric: "lyrics",
    Use: "use",
    Declaration: "declaration",
    Preset: "preset",
}


def flatten(script: Script) -> list[dict[str, Any]]:
    """Elements as flat dicts: ``kind``, ``text``, ``line``, ``dual`` (+ extras)."""
    out: list[dict[str, Any]] = []
    if script.title_page:
        out.append(
            {
                "kind": "title_page",
                "text": "\n".join(f"{f.key}: {f.value}" for f in script.title_page.fields),
                "line": script.title_page.span.line,
                "dual": False,
                "fields": {f.key: f.value for f in script.title_page.fields},
            }
        )

    def block(b: DialogueBlock, dual: bool, side: str | None) -> None:
        c = b.character
        extra: dict[str, Any] = {"name": c.name, "extensions": list(c.extensions)}
        if side:
            extra["side"] = side
        out.append(_el("character", c.text or c.name, c.span, dual, **extra))
        for p in b.parts:
            kind = KIND_OF[type(p)]
            text = getattr(p, "text", "")
            ex: dict[str, Any] = {}
            if isinstance(p, Directive):
                ex = {"directive": p.name}
            if isinstance(p, DialogueLine) and p.is_hole:
                ex = {"hole": True}
            out.append(_el(kind, text, p.span, dual, **ex))

    for el in script.body:
        if isinstance(el, DualDialogue):
            block(el.left, True, "left")
            block(el.right, True, "right")
        elif isinstance(el, DialogueBlock):
            block(el, False, None)
        elif isinstance(el, Declaration):
            out.append(
                _el(
                    "declaration",
                    el.name,
                    el.span,
                    False,
                    keyword=el.keyword,
                    label=el.label,
                    properties={
                        p.key: (plain(p.value) if p.value else None) for p in el.properties
                    },
                )
            )
        elif isinstance(el, Preset):
            out.append(
                _el(
                    "preset",
                    el.name,
                    el.span,
                    False,
                    keyword=el.keyword,
                    value=plain(el.value) if el.value else None,
                )
            )
        elif isinstance(el, Use):
            out.append(_el("use", ", ".join(m.name for m in el.modules), el.span, False))
        elif isinstance(el, Directive):
            out.append(_el("directive", el.text, el.span, False, directive=el.name))
        elif isinstance(el, SceneHeading):
            out.append(_el("scene_heading", el.text, el.span, False, number=el.number))
        elif isinstance(el, Section):
            out.append(_el("section", el.text, el.span, False, depth=el.depth))
        else:
            out.append(_el(KIND_OF[type(el)], getattr(el, "text", ""), el.span, False))
    return out


def _el(kind: str, text: str, span: Span, dual: bool, **extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "kind": kind,
        "text": text,
        "line": span.line,
        "col": span.col,
        "dual": dual,
    }
    d.update(extra)
    return d

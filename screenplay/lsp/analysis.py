"""What the language server knows about one open document (pure; no LSP types).

:func:`analyze` runs the real front end in-process (parse, resolve, check:
:func:`screenplay.api.compile_source`) on the editor's text, so diagnostics
have exactly the codes and spans ``screenplay check`` prints.  The other
functions answer the editor's questions from that result: completion, hover,
go-to-definition and the outline.  Positions here are 0-based lines and
code-point columns; :mod:`screenplay.lsp.server` converts to LSP's UTF-16.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from screenplay.backends.protocols import AssetSpec
from screenplay.diagnostics import Diagnostic, Diagnostics
from screenplay.film import Film
from screenplay.syntax import ast
from screenplay.syntax.source import Source, Span

#: property key → asset kind, and preset keyword → asset kind (as the resolve pass reads them)
VALUE_KINDS = {"voice": "voice", "face": "face", "image": "set", "music": "music"}
PRESET_KINDS = {"voice": "voice", "face": "face", "room": "set", "music": "music"}
STDLIB_MODULE = {"voice": "voices", "face": "faces", "set": "rooms", "music": "music"}


@dataclass
class Analysis:
    name: str  # the file name spans carry
    path: Path | None
    text: str
    source: Source
    script: ast.Script
    film: Film
    diagnostics: list[Diagnostic]  # those in this file only

    @property
    def lines(self) -> list[str]:
        return self.source.lines


def analyze(text: str, path: Path | None = None, name: str | None = None) -> Analysis:
    """Parse, resolve and check ``text`` as the file at ``path`` (unsaved edits included)."""
    from screenplay.api import compile_source

    name = name or (str(path) if path else "<untitled>")
    diags = Diagnostics()
    source = Source.from_bytes(name, text.encode("utf-8"), path)
    film = compile_source(source, path.resolve() if path else None, diags)
    own = [d for d in diags.sorted() if d.span.file == name]
    return Analysis(name, path, source.text, source, film.script, film, own)


# --------------------------------------------------------------------------
# Where the cursor is
# --------------------------------------------------------------------------


def node_at(a: Analysis, line: int, col: int) -> ast.Node | None:
    """The innermost node whose span holds (1-based line, 1-based col)."""
    best: ast.Node | None = None
    for node in a.script.walk():
        s = node.span
        if (s.line, s.col) <= (line, col) <= (s.end_line, s.end_col):
            if best is None or (s.line, s.col) >= (best.span.line, best.span.col):
                best = node
    return best


def word_at(line_text: str, col: int) -> tuple[str, int, int]:
    """The name under 0-based ``col``: (word, start, end) (names may contain ``-``)."""
    for m in re.finditer(r"[A-Za-z_][\w\-]*", line_text):
        if m.start() <= col <= m.end():
            return m.group(), m.start(), m.end()
    return "", col, col


def _value_kind(before: str) -> str | None:
    """The asset kind of a value being written: ``    voice: car|`` → ``voice``."""
    m = re.match(r"^\s+([A-Za-z_]\w*)\s*:", before)
    if m:
        return VALUE_KINDS.get(m.group(1))
    m = re.match(r"^(voice|face|room|music)\s+[A-Za-z_][\w\-]*\s*(\"[^\"]*\")?\s*:", before)
    if m:
        return PRESET_KINDS[m.group(1)]
    return None


def _open_directive(before: str) -> str | None:
    """The text inside an unclosed ``[[`` before the cursor, or None."""
    i = before.rfind("[[")
    if i < 0 or "]]" in before[i:]:
        return None
    return before[i + 2 :]


# --------------------------------------------------------------------------
# Presets, constructors, declarations
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PresetInfo:
    name: str
    kind: str
    spec: AssetSpec | None
    label: str
    origin: str  # "this film", "stdlib voices (use voices)"
    location: tuple[Path | str, Span | None] | None = None


@cache
def _stdlib_preset_nodes(module: str) -> dict[str, tuple[Path, ast.Preset]]:
    """Preset declarations of a stdlib module, with their spans (for go-to-definition)."""
    from screenplay.resources import stdlib_dir
    from screenplay.syntax.parser import parse_source

    path = stdlib_dir() / f"{module}.film"
    if not path.is_file():
        return {}
    script, _ = parse_source(Source.read(path))
    return {el.name: (path, el) for el in script.body if isinstance(el, ast.Preset)}


def presets(a: Analysis, kind: str) -> dict[str, PresetInfo]:
    """Every preset of ``kind`` the writer can name: the film's own and the stdlib's."""
    from screenplay.passes.resolve import load_presets

    out: dict[str, PresetInfo] = {}
    module = STDLIB_MODULE[kind]
    nodes = _stdlib_preset_nodes(module)
    used = {m.name for el in a.script.body if isinstance(el, ast.Use) for m in el.modules}
    for name, spec in load_presets(kind).items():
        path, node = nodes.get(name, (None, None))
        origin = f"stdlib {module}" + ("" if module in used else f" (add `use {module}`)")
        out[name] = PresetInfo(
            name,
            kind,
            spec,
            node.label if node else spec.label,
            origin,
            (path, node.name_span) if path and node else None,
        )
    resolved = a.film.presets.get(kind, {})  # type: ignore[call-overload]
    for el in a.script.body:
        if isinstance(el, ast.Preset) and PRESET_KINDS.get(el.keyword) == kind:
            out[el.name] = PresetInfo(
                el.name, kind, resolved.get(el.name), el.label, "this film", (a.name, el.name_span)
            )
    for name, spec in resolved.items():
        out.setdefault(name, PresetInfo(name, kind, spec, spec.label, "imported module"))
    return out


def constructors(kind: str) -> dict[str, object]:
    from screenplay.backends.registry import constructors as ctors

    return dict(ctors(kind))  # type: ignore[arg-type]


def declaration_at(a: Analysis, line: int) -> ast.Declaration | None:
    """The declaration a (1-based) line belongs to or directly follows."""
    for el in a.script.body:
        if isinstance(el, ast.Declaration) and el.span.line <= line <= el.span.end_line + 1:
            return el
    return None


def character_names(a: Analysis) -> list[str]:
    names = list(a.film.cast)
    for node in a.script.walk():
        if isinstance(node, ast.Character) and node.name and node.name not in names:
            names.append(node.name)
    for el in a.script.body:
        if isinstance(el, ast.Declaration) and el.keyword == "cast" and el.name not in names:
            names.append(el.name)
    return names


# --------------------------------------------------------------------------
# Completion
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # value | constructor | directive | keyword | character | property | cue
    detail: str = ""
    doc: str = ""
    insert: str | None = None


def complete(a: Analysis, line: int, col: int) -> list[Completion]:
    """Completions at 0-based (line, col)."""
    from screenplay.directives import SPECS
    from screenplay.passes.resolve import DECL_PROPS

    lines = a.lines
    text = lines[line] if line < len(lines) else ""
    before = text[:col]

    inner = _open_directive(before)
    if inner is not None:
        words = inner.split()
        if not words or (len(words) == 1 and not inner.endswith(" ")):
            return [Completion(n, "directive", spec.doc, spec.doc) for n, spec in SPECS.items()]
        spec = SPECS.get(words[0])
        if spec is None:
            return []
        out: list[Completion] = []
        if words[0] == "music":
            out += [
                Completion(n, "cue", "music cue", _spec_text(c.spec))
                for n, c in a.film.cues.items()
            ]
        for pname, ptype in spec.positional:
            if ptype.startswith("choice:"):
                out += [Completion(c, "keyword", pname) for c in ptype[7:].split(",")]
            elif ptype == "bool":
                out += [Completion(c, "keyword", pname) for c in ("on", "off")]
        out += [Completion(f, "keyword", "flag") for f in spec.flags]
        out += [
            Completion(o, "property", ptype, insert=f"{o}=") for o, ptype in spec.options.items()
        ]
        return out

    kind = _value_kind(before)
    if kind is not None:
        items = [
            Completion(p.name, "value", p.label or p.origin, _preset_doc(p))
            for p in presets(a, kind).values()
        ]
        for name, ctor in constructors(kind).items():
            items.append(
                Completion(name, "constructor", f"{kind} constructor", _ctor_doc(ctor), f"{name}(")
            )
        return items

    m = re.match(r"^(\s+)([A-Za-z_]*)$", before)
    if m:
        decl = declaration_at(a, line + 1)
        if decl is not None:
            props = DECL_PROPS.get(decl.keyword, {})
            return [
                Completion(k, "property", f"{decl.keyword} property", insert=f"{k}: ")
                for k in props
            ]

    prev_blank = line == 0 or not lines[line - 1].strip()
    if prev_blank and re.fullmatch(r"@?[A-Z0-9 .'\-]*", before):
        items = []
        for name in character_names(a):
            member = a.film.cast.get(name)
            detail = (member.label if member and member.label else "character") if member else ""
            items.append(Completion(name, "character", detail or "character"))
        return items
    return []


def _spec_text(spec: AssetSpec | None) -> str:
    from screenplay.document.sheet import describe_spec

    return f"`{describe_spec(spec)}`" if spec is not None else ""


def _preset_doc(p: PresetInfo) -> str:
    parts = [f"**{p.name}** — {p.label}" if p.label else f"**{p.name}**"]
    if p.spec is not None:
        parts.append(_spec_text(p.spec))
    parts.append(f"from {p.origin}")
    return "\n\n".join(parts)


def _ctor_doc(ctor: object) -> str:
    name = getattr(ctor, "name", "")
    doc = getattr(ctor, "doc", "")
    params = ", ".join(
        f"{p.name}" + (f"={p.default!r}" if getattr(p, "default", None) is not None else "")
        for p in getattr(ctor, "params", ())
    )
    return f"`{name}({params})`\n\n{doc}".strip()


# --------------------------------------------------------------------------
# Hover and definition
# --------------------------------------------------------------------------


def hover(a: Analysis, line: int, col: int) -> str | None:
    """Markdown for the thing at 0-based (line, col), or None."""
    from screenplay.directives import SPECS

    text = a.lines[line] if line < len(a.lines) else ""
    word, start, _ = word_at(text, col)
    before = text[:start]
    inner = _open_directive(before)
    if inner is not None and word:
        if not inner.strip():
            spec = SPECS.get(word)
            return f"**[[{word}]]** directive\n\n`{spec.doc}`" if spec else None
        if inner.split()[0] == "music" and word in a.film.cues:
            cue = a.film.cues[word]
            return f"**{word}** — music cue\n\n{_spec_text(cue.spec)}"
        return None
    kind = _value_kind(before)
    if kind is not None and word:
        info = presets(a, kind).get(word)
        if info is not None:
            return _preset_doc(info)
        ctor = constructors(kind).get(word)
        return _ctor_doc(ctor) if ctor is not None else None
    node = node_at(a, line + 1, col + 1)
    if isinstance(node, ast.Character) or (
        isinstance(node, ast.Declaration) and node.keyword == "cast" and line + 1 == node.span.line
    ):
        name = node.name
        member = a.film.cast.get(name)
        if member is None:
            return None
        how = "declared" if member.declared else "auto-cast (no `cast` line)"
        return (
            f"**{name}**" + (f" — {member.label}" if member.label else "") + f"\n\n{how}\n\n"
            f"voice: {_spec_text(member.voice)}\n\nface: {_spec_text(member.face)}"
        )
    return None


def definition(a: Analysis, line: int, col: int) -> tuple[Path | str, Span] | None:
    """Where the thing at 0-based (line, col) is defined: (file, span), or None."""
    text = a.lines[line] if line < len(a.lines) else ""
    word, start, _ = word_at(text, col)
    before = text[:start]
    inner = _open_directive(before)
    if inner is not None:
        if inner.strip() and inner.split()[0] == "music" and word in a.film.cues:
            return a.name, a.film.cues[word].span
        return None
    kind = _value_kind(before)
    if kind is not None and word:
        info = presets(a, kind).get(word)
        if info is not None and info.location and info.location[1] is not None:
            return info.location[0], info.location[1]
        return None
    node = node_at(a, line + 1, col + 1)
    if isinstance(node, ast.Character):
        for el in a.script.body:
            if isinstance(el, ast.Declaration) and el.keyword == "cast" and el.name == node.name:
                return a.name, el.name_span or el.span
    return None


# --------------------------------------------------------------------------
# Outline
# --------------------------------------------------------------------------


@dataclass
class Symbol:
    name: str
    kind: str  # section | scene | cast | set | cue
    span: Span  # the whole range
    selection: Span  # the heading line
    children: list[Symbol] = field(default_factory=list)


def outline(a: Analysis) -> list[Symbol]:
    """Sections (nested by depth) holding scenes; declarations at the top level."""
    roots: list[Symbol] = []
    stack: list[tuple[int, Symbol]] = []  # (depth, section)
    scene: Symbol | None = None
    last_line = max(1, a.source.line_count)

    def close(sym: Symbol, before_line: int) -> None:
        end = max(sym.selection.line, before_line - 1)
        sym.span = Span(sym.span.file, sym.span.line, 1, end, len(a.source.line_text(end)) + 1)

    for el in a.script.body:
        if isinstance(el, ast.Section):
            if scene is not None:
                close(scene, el.span.line)
                scene = None
            while stack and stack[-1][0] >= el.depth:
                close(stack.pop()[1], el.span.line)
            sym = Symbol(el.text or "#", "section", el.span, el.span)
            (stack[-1][1].children if stack else roots).append(sym)
            stack.append((el.depth, sym))
        elif isinstance(el, ast.SceneHeading):
            if scene is not None:
                close(scene, el.span.line)
            name = el.text + (f"  #{el.number}#" if el.number else "")
            scene = Symbol(name, "scene", el.span, el.span)
            (stack[-1][1].children if stack else roots).append(scene)
        elif isinstance(el, ast.Declaration):
            roots.append(Symbol(f"{el.keyword} {el.name}", el.keyword, el.span, el.span))
    if scene is not None:
        close(scene, last_line + 1)
    for _, sym in stack:
        close(sym, last_line + 1)
    return roots

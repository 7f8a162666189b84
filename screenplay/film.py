"""The resolved program: what the resolve pass makes of a parsed script.

A :class:`Film` is the script plus everything its names mean: the cast (each
character bound to a face spec and a voice spec), the sets (each scene
location bound to an image spec), the music cues, the presets in scope and
the film-level settings from the title page.  Later passes (check, fill,
bind, timing) read it; only fill replaces ``script`` (with holes filled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from screenplay.backends.protocols import AssetKind, AssetSpec
from screenplay.syntax import ast
from screenplay.syntax.heading import SceneInfo
from screenplay.syntax.source import Source, Span


@dataclass
class CastMember:
    name: str  # the cue name, upper-case ("MAN")
    label: str  # "The man" (for credits)
    face: AssetSpec | None
    voice: AssetSpec | None
    declared: bool
    span: Span | None  # the declaration, or the first cue for auto-cast members
    speaks: bool = False
    face_span: Span | None = None  # the `face:` line, where a broken picture is reported
    voice_span: Span | None = None  # the `voice:` line, where a voice's missing model is reported


@dataclass
class SetDecl:
    name: str  # "EMPTY ROOM"
    spec: AssetSpec | None
    scene: SceneInfo
    declared: bool
    span: Span | None


@dataclass
class CueDecl:
    name: str
    spec: AssetSpec | None
    span: Span
    volume_db: float = 0.0
    duck: bool = True


@dataclass
class Settings:
    width: int = 1280
    height: int = 720
    fps: Fraction = Fraction(24)
    narration: bool | None = None  # None: on when a NARRATOR is cast
    subtitles: str = "sidecar"  # "sidecar" | "burn"
    reading_wpm: float = 180.0  # reading speed for unvoiced action holds


@dataclass
class Film:
    path: Path | None
    source: Source
    script: ast.Script
    settings: Settings = field(default_factory=Settings)
    title: dict[str, str] = field(default_factory=dict)
    cast: dict[str, CastMember] = field(default_factory=dict)
    sets: dict[str, SetDecl] = field(default_factory=dict)
    cues: dict[str, CueDecl] = field(default_factory=dict)
    presets: dict[AssetKind, dict[str, AssetSpec]] = field(default_factory=dict)
    #: every source involved (the film and the modules it uses), for diagnostics
    sources: dict[str, Source] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def narrated(self) -> bool:
        if self.settings.narration is not None:
            return self.settings.narration
        return "NARRATOR" in self.cast and self.cast["NARRATOR"].declared

    def set_for(self, heading: ast.SceneHeading) -> SetDecl | None:
        return self.sets.get(heading.scene.location)


# --------------------------------------------------------------------------
# As JSON
# --------------------------------------------------------------------------


def _elements(film: Film, fills: dict[tuple[int, int], int]) -> list[dict[str, Any]]:
    """``flatten`` element by element, marking what the lock filled in.

    ``fills`` maps the (line, col) of each filled ``...`` line to its hole's
    line; a spliced ``[[generate]]`` element comes from a source of its own
    (``FILE:LINE (generated)``), which names the hole's line.
    """
    script = film.script
    out: list[dict[str, Any]] = []
    if script.title_page:
        out += ast.flatten(ast.Script(script.file, script.title_page, ()))
    for el in script.body:
        items = ast.flatten(ast.Script(script.file, None, (el,)))
        src = el.span.file
        if src != film.source.name and src.endswith(" (generated)"):
            hole_line = int(src[: -len(" (generated)")].rsplit(":", 1)[1])
            for d in items:
                # Its own line numbers count within the generated text.
                d.update(generated=True, hole_line=hole_line, line=hole_line)
        else:
            for d in items:
                key = (d["line"], d["col"])
                if d["kind"] == "dialogue" and key in fills:
                    d.update(generated=True, hole_line=fills[key])
        out += items
    return out


def film_json(film: Film, fills: dict[tuple[int, int], int] | None = None) -> dict[str, Any]:
    """The film as the compiler sees it, as JSON data (``screenplay dump``, golden tests).

    ``fills`` maps the (line, col) of each ``...`` line the lock filled to its hole's line.
    """
    from screenplay.timeline import to_json

    def spec(s: Any) -> Any:
        return to_json(s) if s is not None else None

    return {
        "file": film.source.name,
        "title": film.title,
        "settings": to_json(film.settings),
        "elements": _elements(film, fills or {}),
        "cast": {
            n: {
                "label": m.label,
                "declared": m.declared,
                "speaks": m.speaks,
                "face": spec(m.face),
                "voice": spec(m.voice),
            }
            for n, m in film.cast.items()
        },
        "sets": {
            n: {"declared": s.declared, "scene": to_json(s.scene), "image": spec(s.spec)}
            for n, s in film.sets.items()
        },
        "cues": {
            n: {"music": spec(c.spec), "volume_db": c.volume_db, "duck": c.duck}
            for n, c in film.cues.items()
        },
    }

"""The resolve pass: bind every name in a script to what it means.

* ``use NAME`` imports ``NAME.film`` from the film's folder, else from
  screenplay's ``stdlib/`` (presets: ``voice``, ``face``, ``room``, ``music``);
  modules may ``use`` others.  Unknown module → SP0201 with "did you mean".
* Presets and declarations (``cast``, ``set``, ``cue``) become
  :class:`~screenplay.backends.protocols.AssetSpec` s via
  :mod:`screenplay.passes.specs`.
* Every speaking character gets a cast member: declared ones as declared;
  undeclared ones are auto-cast deterministically (a procedural portrait seeded
  by the name, a distinct voice chosen by :mod:`screenplay.voices.casting`),
  with a note (SP0203) — or an error (SP0207) when the film declares a cast
  and the name is a near miss of a declared one (a typo).
* Every scene location gets a set: declared, or procedural from the heading.
* Title page settings (``Format:``, ``Narration:``, ``Subtitles:``) are read.
"""

from __future__ import annotations

import os
import re
from fractions import Fraction
from functools import cache
from pathlib import Path

from screenplay.backends import registry
from screenplay.backends.protocols import (
    AssetKind,
    AssetSpec,
    SceneInfo,
    UserPathError,
    resolve_user_path,
)
from screenplay.diagnostics import Diagnostics
from screenplay.diagnostics.codes import (
    CHARACTER_AUTO_CAST,
    CHARACTER_NOT_IN_THE_CAST,
    CIRCULAR_OR_TOO_DEEP_IMPORT,
    DUPLICATE_DECLARATION,
    FILE_CANNOT_BE_READ,
    INVALID_SETTINGS,
    MALFORMED_TITLE_PAGE_FIELD,
    MISSING_PROPERTY,
    UNKNOWN_MODULE,
    UNKNOWN_PROPERTY,
    WRONG_ARGUMENT_TYPE,
)
from screenplay.diagnostics.core import Label, did_you_mean, suggestion
from screenplay.film import CastMember, CueDecl, Film, SetDecl, Settings
from screenplay.passes.specs import SpecBuilder, derived_seed, make_spec, schema_defaults
from screenplay.pictures.schema import set_constructor_for
from screenplay.resources import stdlib_dir
from screenplay.syntax import ast
from screenplay.syntax.files import UnusableFile, is_regular_file
from screenplay.syntax.heading import scene_info
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source, Span

PRESET_KIND: dict[str, AssetKind] = {
    "voice": "voice",
    "face": "face",
    "room": "set",
    "music": "music",
}
DECL_PROPS = {
    "cast": {"face": "face", "voice": "voice", "credit": None},
    "set": {"image": "set", "camera": None},
    "cue": {"music": "music", "volume": None, "duck": None},
}
MAX_IMPORT_DEPTH = 8


# --------------------------------------------------------------------------
# Modules
# --------------------------------------------------------------------------


def stdlib_modules() -> list[str]:
    return sorted(p.stem for p in stdlib_dir().glob("*.film"))


@cache
def _parse_module(path: str, mtime_ns: int) -> tuple[ast.Script, Source, tuple[object, ...]]:
    src = Source.read(Path(path), name=_display_name(Path(path)))
    script, diags = parse_source(src)
    return script, src, tuple(diags.items)


def _display_name(path: Path) -> str:
    try:
        return f"<stdlib>/{path.relative_to(stdlib_dir())}"
    except ValueError:
        return str(path)


def find_module(name: str, base_dir: Path) -> Path | None:
    """``NAME.film`` in the film's folder, else in the stdlib; None if neither is a usable file."""
    for candidate in (base_dir / f"{name}.film", stdlib_dir() / f"{name}.film"):
        if is_regular_file(candidate):
            return candidate
    return None


class _Resolver:
    def __init__(self, film: Film, diags: Diagnostics) -> None:
        self.film = film
        self.diags = diags
        self.presets: dict[AssetKind, dict[str, AssetSpec]] = {k: {} for k in PRESET_KIND.values()}
        self.loaded: set[Path] = set()

    # -- imports ---------------------------------------------------------------
    def use(self, node: ast.Use, base_dir: Path, depth: int = 0) -> None:
        for mod in node.modules:
            path = find_module(mod.name, base_dir)
            if path is None:
                own = self.film.path.stem if self.film.path else ""
                local = sorted(p.stem for p in base_dir.glob("*.film") if p.stem != own)
                self.diags.report(
                    UNKNOWN_MODULE,
                    mod.span,
                    f"unknown module `{mod.name}`",
                    suggestion(mod.name, stdlib_modules() + local, "modules"),
                    "no such module in the film's folder or the stdlib",
                )
                continue
            if path.parent != stdlib_dir():
                # A module of the film's own is a user path like any other (symlinks included).
                try:
                    path = resolve_user_path(base_dir, path.name)
                except UserPathError as e:
                    self.diags.error(e.code, mod.span, e.message, e.help, "cannot use this module")
                    continue
            path = path.resolve()
            if path in self.loaded:
                continue
            if depth >= MAX_IMPORT_DEPTH:
                self.diags.report(
                    CIRCULAR_OR_TOO_DEEP_IMPORT,
                    mod.span,
                    f"imports nest too deeply at `{mod.name}`",
                    "modules must not use each other in a cycle",
                )
                continue
            self.loaded.add(path)
            try:
                mtime = os.stat(path).st_mtime_ns
                script, src, mod_diags = _parse_module(str(path), mtime)
            except OSError as exc:  # vanished, or not a readable regular file after all
                reason = exc.reason if isinstance(exc, UnusableFile) else exc.strerror
                self.diags.report(
                    FILE_CANNOT_BE_READ,
                    mod.span,
                    f"cannot read module `{mod.name}` ({path.name}): {reason}",
                    "a module is a .film text file",
                    "unreadable module",
                )
                continue
            self.film.sources[src.name] = src
            self.diags.extend(mod_diags)  # type: ignore[arg-type]
            for el in script.body:
                if isinstance(el, ast.Use):
                    self.use(el, path.parent, depth + 1)
                elif isinstance(el, ast.Preset):
                    self.preset(el, path.parent)

    def preset(self, node: ast.Preset, base_dir: Path) -> None:
        kind = PRESET_KIND[node.keyword]
        if node.value is None:
            return
        builder = SpecBuilder(base_dir, self.presets, self.diags)
        spec = builder.spec(kind, node.value, f"preset:{node.name}", node.label)
        if spec is None:
            return
        spec = make_spec(
            kind, spec.constructor, spec.params, label=node.label or spec.label, preset=node.name
        )
        # A later definition (the film's own) overrides an imported one.
        self.presets[kind][node.name] = spec


def resolve(script: ast.Script, source: Source, path: Path | None, diags: Diagnostics) -> Film:
    film = Film(path, source, script)
    film.sources[source.name] = source
    r = _Resolver(film, diags)
    base_dir = film.base_dir

    _read_title_page(film, diags)

    # 1. imports and presets, in source order
    for el in script.body:
        if isinstance(el, ast.Use):
            r.use(el, base_dir)
        elif isinstance(el, ast.Preset):
            r.preset(el, base_dir)
    film.presets = r.presets
    builder = SpecBuilder(base_dir, r.presets, diags)

    # 2. declarations
    seen: dict[tuple[str, str], ast.Declaration] = {}
    for el in script.body:
        if not isinstance(el, ast.Declaration):
            continue
        key = (el.keyword, el.name.upper())
        if key in seen:
            first = seen[key]
            diags.report(
                DUPLICATE_DECLARATION,
                el.name_span or el.span,
                f"`{el.keyword} {el.name}` is declared twice",
                "the first declaration is used; remove or rename this one",
                "declared again",
                (Label(first.name_span or first.span, "first declared here"),),
            )
            continue
        seen[key] = el
        allowed = DECL_PROPS[el.keyword]
        for p in el.properties:
            if p.key not in allowed:
                diags.report(
                    UNKNOWN_PROPERTY,
                    p.key_span or p.span,
                    f"`{el.keyword}` has no property `{p.key}`",
                    suggestion(p.key, list(allowed), "properties"),
                    "unknown property",
                )
        if el.keyword == "cast":
            _declare_cast(film, el, builder)
        elif el.keyword == "set":
            _declare_set(film, el, builder)
        else:
            _declare_cue(film, el, builder, diags)

    # 3. speakers and scenes
    _cast_speakers(film, diags)
    _cast_sets(film)
    return film


# --------------------------------------------------------------------------
# The stdlib's presets outside a film
# --------------------------------------------------------------------------

#: Which stdlib module holds the presets of each kind.
MODULE_OF_KIND = {"voice": "voices", "face": "faces", "set": "rooms", "music": "music"}


@cache
def _stdlib_presets(kind: str) -> tuple[tuple[str, AssetSpec], ...]:
    module = MODULE_OF_KIND[kind]
    if find_module(module, stdlib_dir()) is None:
        return ()
    film = Film(None, Source("<stdlib>", ""), ast.Script("<stdlib>", None, ()))
    r = _Resolver(film, Diagnostics())
    span = Span("<stdlib>", 1, 1, 1, 1)
    r.use(ast.Use(span, (ast.ModuleRef(span, module),)), stdlib_dir())
    return tuple(r.presets.get(kind, {}).items())  # type: ignore[call-overload]


def load_presets(kind: str) -> dict[str, AssetSpec]:
    """The stdlib's presets of ``kind`` (``voice``, ``face``, ``set``, ``music``), parsed by
    the real front end: ``{"carlos": AssetSpec(...), …}``.

    Used where no film is in scope (``screenplay say PRESET``, ``screenplay
    voices``) and for auto-casting a plain Fountain file that imports nothing.
    """
    return dict(_stdlib_presets(kind))


# --------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------


def _prop_spec(
    builder: SpecBuilder, el: ast.Declaration, key: str, kind: AssetKind
) -> AssetSpec | None:
    p = el.prop(key)
    if p is None or p.value is None:
        return None
    return builder.spec(kind, p.value, f"{el.keyword}:{el.name.upper()}", el.label)


def _declare_cast(film: Film, el: ast.Declaration, builder: SpecBuilder) -> None:
    name = el.name.upper()
    credit = el.prop("credit")
    label = el.label or (credit.value.value if credit and isinstance(credit.value, ast.Str) else "")
    film.cast[name] = CastMember(
        name=name,
        label=label or name.title(),
        face=_prop_spec(builder, el, "face", "face"),
        voice=_prop_spec(builder, el, "voice", "voice"),
        declared=True,
        span=el.name_span or el.span,
        face_span=face_prop.span if (face_prop := el.prop("face")) is not None else None,
        voice_span=voice_prop.span if (voice_prop := el.prop("voice")) is not None else None,
    )


def _declare_set(film: Film, el: ast.Declaration, builder: SpecBuilder) -> None:
    name = el.name.upper()
    info = scene_info(name)
    film.sets[info.location] = SetDecl(
        info.location, _prop_spec(builder, el, "image", "set"), info, True, el.name_span or el.span
    )


def _declare_cue(film: Film, el: ast.Declaration, builder: SpecBuilder, diags: Diagnostics) -> None:
    spec = _prop_spec(builder, el, "music", "music")
    volume = 0.0
    duck = True
    vp = el.prop("volume")
    if vp and vp.value is not None:
        if isinstance(vp.value, ast.Num) and vp.value.unit in ("", "dB"):
            volume = float(vp.value.value)
        else:
            diags.report(
                WRONG_ARGUMENT_TYPE,
                vp.value.span,
                "`volume` expects a level such as `-6dB`",
                label="expected a level",
            )
    dp = el.prop("duck")
    if dp and dp.value is not None:
        if isinstance(dp.value, ast.Bool):
            duck = dp.value.value
        else:
            diags.report(
                WRONG_ARGUMENT_TYPE,
                dp.value.span,
                "`duck` expects true or false",
                label="expected a boolean",
            )
    if el.prop("music") is None:
        diags.report(
            MISSING_PROPERTY,
            el.name_span or el.span,
            f"cue `{el.name}` has no `music:`",
            'add a line such as `    music: drone(key="D minor")`',
            "no music",
        )
    film.cues[el.name.upper()] = CueDecl(
        el.name.upper(), spec, el.name_span or el.span, volume, duck
    )


# --------------------------------------------------------------------------
# Auto-casting
# --------------------------------------------------------------------------


def speaking_characters(script: ast.Script) -> list[ast.Character]:
    """Cue nodes in order of first appearance, one per name."""
    out: dict[str, ast.Character] = {}
    for node in script.walk():
        if isinstance(node, ast.Character):
            out.setdefault(node.name.upper(), node)
    return list(out.values())


def _cast_speakers(film: Film, diags: Diagnostics) -> None:
    declared = {n for n, m in film.cast.items() if m.declared}
    undeclared: list[ast.Character] = []
    for cue in speaking_characters(film.script):
        name = cue.name.upper()
        if name in film.cast:
            film.cast[name].speaks = True
            continue
        near = did_you_mean(name, declared, cutoff=0.75) if declared else None
        if near:
            diags.report(
                CHARACTER_NOT_IN_THE_CAST,
                cue.name_span or cue.span,
                f"`{cue.name}` is not in the cast",
                f"did you mean `{near}`?\n"
                f"if `{cue.name}` is another character, declare it: `cast {name}`",
                "not declared",
                (Label(near_span, f"`{near}` is declared here"),)
                if (near_span := film.cast[near].span) is not None
                else (),
            )
        undeclared.append(cue)

    # Voices: distinct presets for everyone without one (casting is the voices package's rule).
    voices = film.presets.get("voice") or load_presets("voice")
    needs_voice = [c.name.upper() for c in undeclared] + [
        m.name for m in film.cast.values() if m.declared and m.voice is None
    ]
    chosen: dict[str, str] = {}
    if voices and needs_voice:
        from screenplay.voices.casting import default_voices

        taken = {m.voice.preset for m in film.cast.values() if m.voice and m.voice.preset}
        chosen = default_voices(needs_voice, dict(voices), set(taken))

    for cue in undeclared:
        name = cue.name.upper()
        voice = voices.get(chosen.get(name, ""))
        film.cast[name] = CastMember(
            name, name.title(), auto_face(name), voice, False, cue.span, True
        )
        diags.report(
            CHARACTER_AUTO_CAST,
            cue.name_span or cue.span,
            f"`{cue.name}` is auto-cast"
            + (f" with voice `{voice.preset}`" if voice and voice.preset else ""),
            f"declare `cast {name}` with `face:` and `voice:` to choose",
            "auto-cast",
        )
    for m in film.cast.values():
        if m.face is None:
            m.face = auto_face(m.name)
        if m.voice is None and m.name in chosen:
            m.voice = voices.get(chosen[m.name])


def auto_face(name: str) -> AssetSpec:
    """A procedural portrait seeded by the character's name (presentation guessed from it)."""
    params: dict[str, object] = {}
    ctor = registry.lookup("face", "portrait")
    if ctor is not None:
        params = schema_defaults(ctor)
    params["seed"] = derived_seed("face", name)
    try:
        from screenplay.voices.casting import sex_of_name

        sex = sex_of_name(name)
    except ImportError:
        sex = None
    if sex and ctor is not None and ctor.param("presentation") is not None:
        params["presentation"] = "feminine" if sex == "f" else "masculine"
        hair = ctor.param("hair")
        styles = _HAIR_FOR[sex]
        if hair is not None and all(h in hair.choices for h in styles):
            # A name that says who they are gets a hair style that agrees with it.
            params["hair"] = styles[derived_seed("hair", name) % len(styles)]
    age = age_of_name(name)
    if age is not None and ctor is not None and ctor.param("age") is not None:
        params["age"] = age
    return make_spec("face", "portrait", params, label=f"procedural portrait of {name.title()}")


_HAIR_FOR = {
    "m": ("short", "buzz", "side-part", "curly", "short", "bald"),
    "f": ("long", "bob", "bun", "ponytail", "curly", "long"),
}

_AGE_WORDS = {
    70: {"OLD", "ELDERLY", "AGED", "GRANDMA", "GRANDPA", "GRANDMOTHER", "GRANDFATHER", "GRANNY"},
    9: {"GIRL", "BOY", "KID", "CHILD", "LITTLE", "BABY", "SON", "DAUGHTER"},
    19: {"YOUNG", "TEEN", "TEENAGER", "STUDENT", "YOUTH"},
}


def age_of_name(name: str) -> int | None:
    """An age a character's name says (OLD MAN → 70, LITTLE GIRL → 9), else None."""
    words = set(re.findall(r"[A-Z]+", name.upper()))
    for age, keys in _AGE_WORDS.items():
        if words & keys:
            return age
    return None


def _cast_sets(film: Film) -> None:
    for node in film.script.walk():
        if not isinstance(node, ast.SceneHeading):
            continue
        info = node.scene
        existing = film.sets.get(info.location)
        if existing is not None:
            if existing.scene.interior is None and info.interior is not None:
                existing.scene = info
            continue
        film.sets[info.location] = SetDecl(info.location, auto_set(info), info, False, node.span)
    # A declared set without ``image:`` is pictured only now, once its headings
    # have said whether it is inside (``set BEACH`` + ``EXT. BEACH - NIGHT``).
    for decl in film.sets.values():
        if decl.spec is None:
            decl.spec = auto_set(decl.scene)


def auto_set(info: SceneInfo) -> AssetSpec:
    """The picture of a set nobody drew: the only place that picks room vs exterior."""
    ctor_name = set_constructor_for(info)
    ctor = registry.lookup("set", ctor_name)
    params: dict[str, object] = {}
    if ctor is not None:
        params = schema_defaults(ctor)
    params["seed"] = derived_seed("set", info.location)
    return make_spec("set", ctor_name, params, label=f"procedural {info.location.lower()}")


# --------------------------------------------------------------------------
# Title page settings
# --------------------------------------------------------------------------

_FPS_RE = re.compile(r"(\d{1,6})(?:\.(\d{1,6}))?(?:/(\d{1,6}))?")


def parse_format(value: str) -> tuple[tuple[int, int] | None, str | None] | None:
    """``1280x720, 24 fps`` → ((1280, 720), "24"); either part may be absent; None if unreadable.

    Written with str methods (no backtracking regex): the field is user text of any length.
    """
    tokens = value.lower().replace("×", "x").replace(",", " ").split()
    fps: str | None = None
    if tokens and tokens[-1].endswith("fps"):
        last = tokens.pop()[: -len("fps")]
        if not last:
            if not tokens:
                return None
            last = tokens.pop()
        fps = last
    size: tuple[int, int] | None = None
    if tokens:
        parts = "".join(tokens).split("x")
        if len(parts) != 2 or not all(
            p.isascii() and p.isdigit() and 2 <= len(p) <= 5 for p in parts
        ):
            return None
        size = (int(parts[0]), int(parts[1]))
    if size is None and fps is None:
        return None
    return size, fps


def parse_fps(raw: str) -> Fraction | None:
    """``24``, ``29.97``, ``30000/1001`` → a positive Fraction; None if not a frame rate."""
    m = _FPS_RE.fullmatch(raw) if len(raw) <= 20 else None
    if not m or (m.group(2) and m.group(3)):
        return None
    if m.group(3) is not None:
        den = int(m.group(3))
        return Fraction(int(m.group(1)), den) if den else None
    return Fraction(raw).limit_denominator(1001)


def _read_title_page(film: Film, diags: Diagnostics) -> None:
    tp = film.script.title_page
    if tp is None:
        return
    film.title = {f.key.lower(): f.value for f in tp.fields}
    s = film.settings
    fmt = tp.get("format")
    if fmt is not None:
        parsed = parse_format(fmt.value)
        span = fmt.value_span or fmt.span
        if parsed is None:
            diags.report(
                MALFORMED_TITLE_PAGE_FIELD,
                span,
                f"cannot read `Format: {_clip(fmt.value)}`",
                "write it as `Format: 1280x720, 24 fps`",
                "not a format",
            )
        else:
            size, raw = parsed
            if size is not None:
                w, h = size
                if not (16 <= w <= 7680 and 16 <= h <= 4320) or w % 2 or h % 2:
                    diags.report(
                        INVALID_SETTINGS,
                        span,
                        f"frame size {w}x{h} is not supported",
                        "use even sizes between 16x16 and 7680x4320",
                        "unsupported size",
                    )
                else:
                    s.width, s.height = w, h
            if raw is not None:
                fps = parse_fps(raw)
                if fps is None or not (1 <= fps <= 120):
                    diags.report(
                        INVALID_SETTINGS,
                        span,
                        f"{_clip(raw)} fps is not supported",
                        "use 1–120 fps, e.g. `24 fps`, `29.97 fps` or `30000/1001 fps`",
                        "unsupported frame rate",
                    )
                else:
                    s.fps = fps
    for key, attr in (("narration", "narration"), ("subtitles", "subtitles")):
        f = tp.get(key)
        if f is None:
            continue
        v = f.value.strip().lower()
        if attr == "narration":
            if v in ("on", "yes", "true"):
                s.narration = True
            elif v in ("off", "no", "false"):
                s.narration = False
            else:
                diags.report(
                    MALFORMED_TITLE_PAGE_FIELD,
                    f.value_span or f.span,
                    f"`Narration: {f.value}` is not on or off",
                    "write `Narration: on` or `Narration: off`",
                    "expected on/off",
                )
        else:
            if v in ("burn", "burned", "burnt", "on"):
                s.subtitles = "burn"
            elif v in ("sidecar", "off", "file", "files"):
                s.subtitles = "sidecar"
            else:
                diags.report(
                    MALFORMED_TITLE_PAGE_FIELD,
                    f.value_span or f.span,
                    f"`Subtitles: {f.value}` is not understood",
                    "write `Subtitles: burned` or `Subtitles: sidecar`",
                    "expected burned/sidecar",
                )


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


__all__ = ["resolve", "find_module", "stdlib_modules", "auto_face", "auto_set", "Settings"]

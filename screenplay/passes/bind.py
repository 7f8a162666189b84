"""The bind pass: every line gets a voice (speech is synthesized here), every shot its assets.

Input: a filled :class:`~screenplay.film.Film`.  Output: a list of
:class:`Beat` s in script order — what happens on screen and on the soundtrack,
with the synthesized speech of each line (its cache key, length and viseme
timings), because the length of the audio decides the timing.

* Dialogue: the speaker's voice with the delivery of the parenthetical before
  the line and the placement of the cue's extension (V.O./O.S.); emphasis marks
  stress words.  ``(pause)``/``(beat)`` on their own become a short pause.
* Action: spoken by the narrator when the film is narrated (a NARRATOR is cast,
  or ``Narration: on``; ``[[narration off]]`` stops it), else a silent hold.
* Lyrics: sung/chanted by the speaker (or the narrator) over the current cue.
* Faces and sets are loaded once here so a missing or broken picture is a
  diagnostic before any frame is rendered.

Synthesis runs on a thread pool (the engines are subprocesses or ONNX, both
release the GIL) and every line is cached by the voices package.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from functools import singledispatch
from pathlib import Path
from typing import Any

from screenplay.backends import registry
from screenplay.backends.protocols import (
    AssetSpec,
    BackendError,
    Constructor,
    MusicBackend,
    SceneInfo,
)
from screenplay.beats import Beat, Bound, Line, SpeechRef
from screenplay.cache import Cache
from screenplay.diagnostics import Diagnostics
from screenplay.diagnostics.codes import UNKNOWN_CONSTRUCTOR, UNKNOWN_NAME
from screenplay.directives import interpret
from screenplay.film import CastMember, Film, SetDecl
from screenplay.syntax import ast
from screenplay.syntax.emphasis import emphasized_words, plain_text, styled_runs
from screenplay.syntax.source import Span

# --------------------------------------------------------------------------
# The pass
# --------------------------------------------------------------------------

PAUSE_ONLY = re.compile(r"^\(\s*(pause|beat|a beat|long pause|silence|beat\.)\s*\)$", re.IGNORECASE)


def _voice_ext(c: ast.Character) -> str | None:
    """The extension that takes the speaker off screen (V.O., O.S.), if any."""
    from screenplay.voices.delivery import placement_for

    return next((e for e in c.extensions if placement_for(e) != "on"), None)


def narrator_of(film: Film) -> CastMember | None:
    """Who reads the action: the cast NARRATOR, else a voice cast by the voices' rule."""
    if "NARRATOR" in film.cast and film.cast["NARRATOR"].voice is not None:
        return film.cast["NARRATOR"]
    from screenplay.passes.resolve import load_presets
    from screenplay.voices.casting import narrator_voice

    voices = film.presets.get("voice") or load_presets("voice")
    taken = {m.voice.preset for m in film.cast.values() if m.voice and m.voice.preset}
    name = narrator_voice(dict(voices), taken)
    if name is None:
        return None
    return CastMember("NARRATOR", "Narrator", None, voices[name], False, None)


#: Directives that become beats of their own (staging and timing read them).
BEAT_DIRECTIVES = frozenset(
    ("music", "hold", "camera", "transition", "subtitles", "shot", "enter", "exit", "place")
)


def collect(film: Film, diags: Diagnostics) -> Bound:
    """Walk the script into beats (no synthesis yet): each element lowered by its own rule."""
    narrated = film.narrated
    narrator = narrator_of(film) if narrated or _has_free_lyrics(film) else None
    st = _Lowering(film, diags, narrator, narrated)
    tp = film.script.title_page
    if tp is not None:
        st.beats.append(Beat("title", tp.span, text=_title_card(film)))
    for el in film.script.body:
        lower(el, st)
    return Bound(film, st.beats, narrator)


def _title_card(film: Film) -> str:
    """The title card's text: the title's lines, then the credit and the authors."""
    title = film.title.get("title", "")
    card = [plain_text(x) for x in title.split("\n") if x.strip()]
    for key in ("credit", "author", "authors"):
        if film.title.get(key):
            card.append(plain_text(film.title[key].replace("\n", " ")))
    return "\n".join(card)


@dataclass
class _Lowering:
    """What lowering the body carries from one element to the next."""

    film: Film
    diags: Diagnostics
    narrator: CastMember | None
    #: the narrator reads action (``[[narration off]]`` turns it off from there on)
    narrated: bool
    beats: list[Beat] = field(default_factory=list)
    #: the set of the scene being lowered (None before any heading)
    current_set: SetDecl | None = None
    #: cues playing, most recent last
    playing: list[str] = field(default_factory=list)

    def chant_key(self) -> str | None:
        """The musical key lyrics are chanted in: the most recent playing cue's."""
        from screenplay.music.lyrics import cue_key

        for cue in reversed(self.playing):
            decl = self.film.cues.get(cue)
            if decl is not None:
                return cue_key(decl.spec)
        return None

    def narration(self, text: str, span: Span, *, lyric: bool = False) -> Line | None:
        """The narrator reading (or chanting) ``text``; None when nobody narrates."""
        if self.narrator is None or self.narrator.voice is None:
            return None
        from screenplay.voices.delivery import delivery_for

        if lyric:
            delivery = delivery_for(None, "V.O.")
            return Line(
                "NARRATOR",
                self.narrator.voice,
                text,
                styled_runs(text),
                delivery,
                span,
                None,
                True,
                chant_key=self.chant_key(),
            )
        delivery = delivery_for(None, "V.O.", emphasized_words(text))
        return Line("NARRATOR", self.narrator.voice, text, styled_runs(text), delivery, span)


@singledispatch
def lower(el: ast.Node, st: _Lowering) -> None:
    """Lower one body element into beats; elements that make none (notes, page breaks,
    synopses, production lines) fall here."""


@lower.register
def _scene_heading(el: ast.SceneHeading, st: _Lowering) -> None:
    info = el.scene
    current_set = st.film.sets.get(info.location)
    if current_set is not None:
        # The heading, not the declaration, says when and (if it can) whether inside.
        decl = current_set.scene
        scene = SceneInfo(
            info.interior if info.interior is not None else decl.interior,
            info.location,
            info.time or decl.time,
        )
        current_set = dc_replace(current_set, scene=scene)
    st.current_set = current_set
    st.beats.append(Beat("scene", el.span, text=el.text, set=current_set))


@lower.register
def _action(el: ast.Action, st: _Lowering) -> None:
    text = el.text.strip()
    if not text:
        return
    b = Beat("action", el.span, text=text, set=st.current_set)
    if st.narrated:
        ln = st.narration(" ".join(text.split()), el.span)
        if ln is not None:
            b.lines.append(ln)
    st.beats.append(b)


@lower.register
def _dialogue_block(el: ast.DialogueBlock, st: _Lowering) -> None:
    for ln in _block_lines(el, st):
        st.beats.append(Beat("line", ln.span, [ln], set=st.current_set))
    # directives inside dialogue take effect after the block
    for part in el.parts:
        if isinstance(part, ast.Directive):
            _directive(part, st)


@lower.register
def _dual_dialogue(el: ast.DualDialogue, st: _Lowering) -> None:
    left, right = _block_lines(el.left, st), _block_lines(el.right, st)
    for i in range(max(len(left), len(right))):
        pair = [x[i] for x in (left, right) if i < len(x)]
        kind = "dual" if len(pair) == 2 else "line"
        st.beats.append(Beat(kind, pair[0].span, pair, set=st.current_set))


@lower.register
def _lyrics(el: ast.Lyrics, st: _Lowering) -> None:
    ln = st.narration(el.text, el.span, lyric=True)
    if ln is not None:
        st.beats.append(Beat("line", el.span, [ln], set=st.current_set))


@lower.register
def _transition(el: ast.Transition, st: _Lowering) -> None:
    kind = transition_kind(el.text)
    st.beats.append(Beat("transition", el.span, text=el.text, args={"kind": kind}))


@lower.register
def _centered(el: ast.Centered, st: _Lowering) -> None:
    st.beats.append(Beat("card", el.span, text=plain_text(el.text)))


@lower.register
def _section(el: ast.Section, st: _Lowering) -> None:
    st.beats.append(Beat("chapter", el.span, text=el.text))


@lower.register
def _directive(d: ast.Directive, st: _Lowering) -> None:
    args, problems = interpret(d)
    if problems:
        return  # check already reported them
    if d.name == "narration":
        st.narrated = bool(args.get("state"))
    elif d.name in BEAT_DIRECTIVES:
        st.beats.append(Beat(d.name, d.span, args=args))
        if d.name == "music":
            cue = str(args.get("cue", "")).upper()
            if cue in st.playing:
                st.playing.remove(cue)
            if not args.get("stop"):
                st.playing.append(cue)
    # generate holes are replaced by the fill pass before binding


def _block_lines(b: ast.DialogueBlock, st: _Lowering) -> list[Line]:
    """A speech's lines: each with the parenthetical before it and the pauses it asked for."""
    member = st.film.cast.get(b.character.name.upper())
    out: list[Line] = []
    if member is None:
        return out
    paren: str | None = None
    pending_pause = 0.0
    for part in b.parts:
        if isinstance(part, ast.Parenthetical):
            if PAUSE_ONLY.match(part.text.strip()):
                pending_pause += 1.2 if "long" in part.text.lower() else 0.6
            else:
                paren = part.text
        elif isinstance(part, ast.DialogueLine | ast.DialogueLyric):
            if not part.text.strip() or (isinstance(part, ast.DialogueLine) and part.is_hole):
                continue
            lyric = isinstance(part, ast.DialogueLyric)
            ln = _spoken_line(member, part.text, paren, b.character, part.span, st.diags, lyric)
            if ln is not None:
                if ln.lyric:
                    ln.chant_key = st.chant_key()
                if pending_pause:
                    ln.delivery = dc_replace(
                        ln.delivery, pause_before=ln.delivery.pause_before + pending_pause
                    )
                    pending_pause = 0.0
                out.append(ln)
            paren = None
    return out


def _spoken_line(
    member: CastMember,
    text: str,
    paren: str | None,
    c: ast.Character,
    span: Span,
    diags: Diagnostics,
    lyric: bool,
) -> Line | None:
    """One line of ``member``'s: the parenthetical's delivery, on screen unless V.O./O.S."""
    if member.voice is None:
        diags.report(
            UNKNOWN_NAME,
            c.span,
            f"`{member.name}` has no voice",
            "give them one: `voice: NAME` in their cast declaration "
            "(`screenplay voices` lists them)",
        )
        return None
    ext = _voice_ext(c)
    from screenplay.voices.delivery import delivery_for

    delivery = delivery_for(paren, ext, emphasized_words(text))
    on_screen = ext is None and member.face is not None
    face = member.face if on_screen else None
    return Line(member.name, member.voice, text, styled_runs(text), delivery, span, face, lyric)


def _has_free_lyrics(film: Film) -> bool:
    return any(isinstance(el, ast.Lyrics) for el in film.script.body)


def transition_kind(text: str) -> str:
    t = " ".join(text.upper().replace(":", "").replace(".", "").split())
    if t.startswith("FADE IN"):
        return "fade-in"
    if "FADE" in t and ("OUT" in t or "BLACK" in t):
        return "fade-out" if "OUT" in t and "TO" not in t else "fade-black"
    if "DISSOLVE" in t or "CROSS" in t:
        return "dissolve"
    if "MORPH" in t:
        return "morph"
    if "SMASH" in t or "MATCH" in t or "JUMP" in t:
        return "smash"
    if "FADE" in t:
        return "fade-black"
    return "cut"


# --------------------------------------------------------------------------
# Synthesis
# --------------------------------------------------------------------------


def synthesize(
    bound: Bound,
    cache: Cache,
    diags: Diagnostics,
    *,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
    executor: Any = None,
) -> None:
    """Speak every line (cached); fills ``Line.speech``; errors become diagnostics.

    ``executor`` (a remote :class:`~screenplay.executor.Executor`, e.g. Ray)
    speaks the lines in its tasks instead of this process's threads.
    """
    lines = [ln for b in bound.beats for ln in b.lines]
    if not lines:
        return

    # one look-up per voice constructor, not one per line (nor one to check and one to
    # speak); the engine is made where the line is spoken (a remote task makes its own)
    ctors: dict[str, Constructor | None] = {}
    todo: list[Line] = []
    for ln in lines:
        name = ln.voice.constructor
        if name not in ctors:
            ctors[name] = registry.lookup("voice", name)
        if ctors[name] is None:
            diags.report(
                UNKNOWN_CONSTRUCTOR,
                ln.span,
                f"no voice engine `{ln.voice.constructor}` is installed",
                "`screenplay voices` lists the engines on this machine",
            )
            continue
        todo.append(ln)
    done = 0

    def speak(ln: Line) -> tuple[Line, Any]:
        try:
            ctor = ctors[ln.voice.constructor]
            assert ctor is not None  # reported above, not spoken
            engine = registry.backend_for(ctor)
            return ln, _spoken(engine, ln.voice, _speakable(ln.text), ln.delivery, cache)
        except BackendError as exc:
            return ln, exc

    def remote() -> Iterator[tuple[Line, Any]]:
        items = [(ln.voice, _speakable(ln.text), ln.delivery, str(cache.root)) for ln in todo]
        results: dict[int, Any] = {}
        for i, result in executor.run(_speak_task, items, workers=max(1, jobs)):
            results[i] = result
        for i, ln in enumerate(todo):
            r = results[i]
            yield ln, (BackendError(*r[1:]) if r[0] == "error" else r)

    # a voice whose model is missing is the `voice:` line's fault, reported there once
    from screenplay.voices.errors import VOICE_DECLARATION_CODES

    voice_spans = {
        id(m.voice): m.voice_span for m in bound.film.cast.values() if m.voice and m.voice_span
    }
    reported: set[tuple[int, str]] = set()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        spoken = (
            remote()
            if executor is not None and not executor.local_processes
            else pool.map(speak, todo)
        )
        for ln, result in spoken:
            done += 1
            if progress:
                progress(done, len(todo))
            if isinstance(result, BackendError):
                decl = voice_spans.get(id(ln.voice))
                if result.code in VOICE_DECLARATION_CODES and decl is not None:
                    if (id(ln.voice), result.code) not in reported:
                        reported.add((id(ln.voice), result.code))
                        diags.error(result.code, decl, result.message, result.help, "this voice")
                    continue
                diags.error(
                    result.code, ln.span, result.message, result.help, "cannot speak this line"
                )
                continue
            key, speech = result
            if ln.lyric and ln.chant_key:
                key, speech = _chanted(key, speech, ln.chant_key, cache)
            ln.speech = SpeechRef(
                key, len(speech.audio), tuple(speech.visemes), tuple(speech.words)
            )


def _spoken(
    engine: Any, voice: AssetSpec, text: str, delivery: Any, cache: Cache
) -> tuple[str, Any]:
    """One line spoken by its voice's engine: ``(key, speech)``, the key the engine's own.

    A backend without a cache of its own (no key) has the line kept here, by its audio.
    """
    from screenplay.cache import digest
    from screenplay.voices.backend import store_speech

    speech = engine.speak(voice, text, delivery, cache)
    if not speech.key:
        speech = dc_replace(speech, key=digest("voice-line-audio", speech.audio))
        store_speech(cache, speech.key, speech)
    return speech.key, speech


def _speak_task(item: tuple[Any, str, Any, str]) -> tuple[Any, ...]:
    """One line spoken in a remote task (Ray): ``(key, speech)``, or ``("error", code,
    message, help)`` — a BackendError's code and help do not survive pickling."""
    voice, text, delivery, root = item
    try:
        engine = registry.backend_of("voice", voice.constructor)
        return _spoken(engine, voice, text, delivery, Cache(Path(root)))
    except BackendError as exc:
        return ("error", exc.code, exc.message, exc.help)


CHANT_VERSION = 1


def _chanted(key: str, speech: Any, music_key: str, cache: Cache) -> tuple[str, Any]:
    """Lyrics over a cue: the line chanted on a note of the cue's key (cached)."""
    from screenplay.backends.protocols import Speech
    from screenplay.cache import digest
    from screenplay.voices.backend import load_speech, store_speech

    new_key = digest("chant", CHANT_VERSION, key, music_key)
    found = load_speech(cache, new_key)
    if found is not None:
        return new_key, found
    from screenplay.music.lyrics import chant

    out = Speech(chant(speech.audio, music_key), list(speech.words), list(speech.visemes))
    store_speech(cache, new_key, out)
    return new_key, out


def _speakable(text: str) -> str:
    """What the voice says: the plain text, without emphasis markers or line breaks."""
    return " ".join(plain_text(text).split())


def load_pictures(bound: Bound, cache: Cache, diags: Diagnostics) -> None:
    """Load each used face and set once, so broken pictures are diagnostics now."""
    import warnings

    from screenplay.backends.protocols import BackendWarning, caught_backend_warnings

    seen: set[int] = set()
    specs: list[tuple[str, AssetSpec, Span, Any]] = []
    # a broken face picture is the `face:` line's fault, not the first line that shows it
    face_spans = {
        id(m.face): m.face_span for m in bound.film.cast.values() if m.face and m.face_span
    }
    for b in bound.beats:
        for ln in b.lines:
            if ln.face is not None:
                specs.append(("face", ln.face, face_spans.get(id(ln.face), ln.span), None))
        if b.set is not None and b.set.spec is not None:
            # a declared set's broken picture is its declaration's fault, not the heading's
            at = b.set.span if b.set.declared and b.set.span is not None else b.span
            specs.append(("set", b.set.spec, at, b.set.scene))
    for kind, spec, span, scene in specs:
        ident = hash((kind, repr(spec.cache_key())))
        if ident in seen:
            continue
        seen.add(ident)
        backend = registry.backend_of(kind, spec.constructor)  # type: ignore[arg-type]
        if backend is None:
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BackendWarning)
            try:
                if kind == "face":
                    backend.face(spec, cache)
                else:
                    backend.set(spec, scene, cache)
            except BackendError as exc:
                where = "this face" if kind == "face" else f"the {kind} of this shot"
                diags.error(exc.code, span, exc.message, exc.help, where)
        for w in caught_backend_warnings(caught):
            diags.warning(w.code, span, w.message, w.help, f"this {kind}")


def probe_music(bound: Bound, diags: Diagnostics) -> None:
    """Check every cue the film starts (files decode, fluidsynth is there) before rendering."""
    started = {str(b.args.get("cue", "")).upper() for b in bound.beats if b.kind == "music"}
    for name in sorted(started):
        cue = bound.film.cues.get(name)
        if cue is None or cue.spec is None:
            continue
        backend: MusicBackend | None = registry.backend_of("music", cue.spec.constructor)
        if backend is None:
            continue
        try:
            backend.probe(cue.spec)
        except BackendError as exc:
            diags.error(exc.code, cue.span, exc.message, exc.help, f"cue {name}")

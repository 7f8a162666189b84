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
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Any

from screenplay.backends import registry
from screenplay.backends.protocols import (
    AssetSpec,
    BackendError,
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


def collect(film: Film, diags: Diagnostics) -> Bound:
    """Walk the script into beats (no synthesis yet)."""
    beats: list[Beat] = []
    narrated = film.narrated
    narrator = narrator_of(film) if narrated or _has_free_lyrics(film) else None
    tp = film.script.title_page
    if tp is not None:
        title = film.title.get("title", "")
        card = [plain_text(x) for x in title.split("\n") if x.strip()]
        for key in ("credit", "author", "authors"):
            if film.title.get(key):
                card.append(plain_text(film.title[key].replace("\n", " ")))
        beats.append(Beat("title", tp.span, text="\n".join(card)))

    current_set: SetDecl | None = None
    playing: list[str] = []  # cues playing, most recent last

    def chant_key() -> str | None:
        from screenplay.music.lyrics import cue_key

        for cue in reversed(playing):
            decl = film.cues.get(cue)
            if decl is not None:
                return cue_key(decl.spec)
        return None

    def line_for(
        member: CastMember,
        text: str,
        paren: str | None,
        c: ast.Character | None,
        span: Span,
        lyric: bool = False,
    ) -> Line | None:
        if member.voice is None:
            diags.report(
                UNKNOWN_NAME,
                c.span if c else span,
                f"`{member.name}` has no voice",
                "give them one: `voice: NAME` in their cast declaration "
                "(`screenplay voices` lists them)",
            )
            return None
        ext = _voice_ext(c) if c else None
        from screenplay.voices.delivery import delivery_for

        delivery = delivery_for(paren, ext, emphasized_words(text))
        on_screen = c is not None and ext is None and member.face is not None
        return Line(
            member.name,
            member.voice,
            text,
            styled_runs(text),
            delivery,
            span,
            member.face if on_screen else None,
            lyric,
        )

    def block_lines(b: ast.DialogueBlock) -> list[Line]:
        member = film.cast.get(b.character.name.upper())
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
                ln = line_for(
                    member,
                    part.text,
                    paren,
                    b.character,
                    part.span,
                    lyric=isinstance(part, ast.DialogueLyric),
                )
                if ln is not None and ln.lyric:
                    ln.chant_key = chant_key()
                if ln is not None:
                    if pending_pause:
                        from dataclasses import replace

                        ln.delivery = replace(
                            ln.delivery, pause_before=ln.delivery.pause_before + pending_pause
                        )
                        pending_pause = 0.0
                    out.append(ln)
                paren = None
            elif isinstance(part, ast.Directive):
                pass  # directives inside dialogue are handled after the block
        return out

    def directive(d: ast.Directive) -> None:
        nonlocal narrated
        args, problems = interpret(d)
        if problems:
            return  # check already reported them
        if d.name == "narration":
            narrated = bool(args.get("state"))
        elif d.name in (
            "music",
            "hold",
            "camera",
            "transition",
            "subtitles",
            "shot",
            "enter",
            "exit",
            "place",
        ):
            beats.append(Beat(d.name, d.span, args=args))
            if d.name == "music":
                cue = str(args.get("cue", "")).upper()
                if cue in playing:
                    playing.remove(cue)
                if not args.get("stop"):
                    playing.append(cue)
        # generate holes are replaced by the fill pass before binding

    for el in film.script.body:
        if isinstance(el, ast.SceneHeading):
            info = el.scene
            current_set = film.sets.get(info.location)
            if current_set is not None:
                # The heading, not the declaration, says when and (if it can) whether inside.
                decl = current_set.scene
                scene = SceneInfo(
                    info.interior if info.interior is not None else decl.interior,
                    info.location,
                    info.time or decl.time,
                )
                current_set = dc_replace(current_set, scene=scene)
            beats.append(Beat("scene", el.span, text=el.text, set=current_set))
        elif isinstance(el, ast.Action):
            text = el.text.strip()
            if not text:
                continue
            b = Beat("action", el.span, text=text, set=current_set)
            if narrated and narrator is not None and narrator.voice is not None:
                from screenplay.voices.delivery import delivery_for

                spoken = " ".join(text.split())
                b.lines.append(
                    Line(
                        "NARRATOR",
                        narrator.voice,
                        spoken,
                        styled_runs(spoken),
                        delivery_for(None, "V.O.", emphasized_words(spoken)),
                        el.span,
                    )
                )
            beats.append(b)
        elif isinstance(el, ast.DialogueBlock):
            lines = block_lines(el)
            for ln in lines:
                beats.append(Beat("line", ln.span, [ln], set=current_set))
            for part in el.parts:
                if isinstance(part, ast.Directive):
                    directive(part)
        elif isinstance(el, ast.DualDialogue):
            left, right = block_lines(el.left), block_lines(el.right)
            n = max(len(left), len(right))
            for i in range(n):
                pair = [x[i] for x in (left, right) if i < len(x)]
                kind = "dual" if len(pair) == 2 else "line"
                beats.append(Beat(kind, pair[0].span, pair, set=current_set))
        elif isinstance(el, ast.Lyrics):
            if narrator is not None and narrator.voice is not None:
                from screenplay.voices.delivery import delivery_for

                ln = Line(
                    "NARRATOR",
                    narrator.voice,
                    el.text,
                    styled_runs(el.text),
                    delivery_for(None, "V.O."),
                    el.span,
                    None,
                    True,
                    chant_key=chant_key(),
                )
                beats.append(Beat("line", el.span, [ln], set=current_set))
        elif isinstance(el, ast.Transition):
            beats.append(
                Beat("transition", el.span, text=el.text, args={"kind": transition_kind(el.text)})
            )
        elif isinstance(el, ast.Centered):
            beats.append(Beat("card", el.span, text=plain_text(el.text)))
        elif isinstance(el, ast.Section):
            beats.append(Beat("chapter", el.span, text=el.text))
        elif isinstance(el, ast.Directive):
            directive(el)
    return Bound(film, beats, narrator)


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
    from screenplay.cache import digest
    from screenplay.voices.engine import store_speech

    todo: list[Line] = []
    for ln in lines:
        ctor = registry.lookup("voice", ln.voice.constructor)
        if ctor is None:
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
        ctor = registry.lookup("voice", ln.voice.constructor)
        assert ctor is not None
        backend = registry.backend_for(ctor)
        try:
            text = _speakable(ln.text)
            speech = backend.speak(ln.voice, text, ln.delivery, cache)
            if not speech.key:  # a backend without a cache of its own: keep the line here
                speech = dc_replace(speech, key=digest("voice-line-audio", speech.audio))
                store_speech(cache, speech.key, speech)
            return ln, (speech.key, speech)
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


def _speak_task(item: tuple[Any, str, Any, str]) -> tuple[Any, ...]:
    """One line spoken in a remote task (Ray): ``(key, speech)``, or ``("error", code,
    message, help)`` — a BackendError's code and help do not survive pickling."""
    from screenplay.voices.engine import speech_key

    voice, text, delivery, root = item
    ctor = registry.lookup("voice", voice.constructor)
    assert ctor is not None
    try:
        speech = registry.backend_for(ctor).speak(voice, text, delivery, Cache(Path(root)))
    except BackendError as exc:
        return ("error", exc.code, exc.message, exc.help)
    return speech_key(voice, text, delivery), speech


CHANT_VERSION = 1


def _chanted(key: str, speech: Any, music_key: str, cache: Cache) -> tuple[str, Any]:
    """Lyrics over a cue: the line chanted on a note of the cue's key (cached)."""
    from screenplay.backends.protocols import Speech
    from screenplay.cache import digest
    from screenplay.voices.engine import load_speech, store_speech

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
        ctor = registry.lookup(kind, spec.constructor)  # type: ignore[arg-type]
        if ctor is None:
            continue
        backend = registry.backend_for(ctor)
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
        ctor = registry.lookup("music", cue.spec.constructor)
        if ctor is None:
            continue
        backend: MusicBackend = registry.backend_for(ctor)
        try:
            backend.probe(cue.spec)
        except BackendError as exc:
            diags.error(exc.code, cue.span, exc.message, exc.help, f"cue {name}")

"""The timing pass: beats → the Timeline IR, in whole frames.

Durations come from the real length of each synthesized line (plus a short
breath before and after), a reading-speed hold for unvoiced action,
``[[hold …]]``, and transitions.  The rules, in seconds:

=====================  ======================================================
title card             4.0 (fades in from black)
scene heading          2.0 establishing shot of the set (slow push-in)
spoken line            0.15 + speech + 0.35
silent action          words ÷ reading speed (180 wpm), clamped to 1.5…8
centered text          3.0 card
dissolve / fade        1.0;  morph 1.5 (its own shot, retimed by optical flow)
end credits            2.0 + 0.8 per cast member, then fade out 1.0
=====================  ======================================================

Music cues start and stop at the frame where their directive stands; a cue
still playing at the end stops with the film (fading out with it).
"""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from typing import Any

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, SceneInfo, Timed
from screenplay.diagnostics import Diagnostics
from screenplay.film import Film, scene_info
from screenplay.passes.bind import Beat, Bound, Line
from screenplay.passes.resolve import auto_set
from screenplay.syntax.source import Span
from screenplay.timeline import (
    AudioClip,
    Camera,
    CardPicture,
    Chapter,
    MorphPicture,
    MusicClip,
    Picture,
    SetPicture,
    Shot,
    SpeakerPicture,
    SplitPicture,
    StyledRun,
    Subtitle,
    Timeline,
    Transition,
)

TITLE_S = 4.0
SCENE_S = 2.0
PAD_BEFORE_S = 0.15
PAD_AFTER_S = 0.35
CARD_S = 3.0
DISSOLVE_S = 1.0
FADE_S = 1.0
MORPH_S = 1.5
MORPH_KEYFRAMES = 8  # morph frames rendered for real; the rest are optical-flow in-betweens
MIN_ACTION_S, MAX_ACTION_S = 1.5, 8.0
CREDITS_BASE_S, CREDITS_PER_LINE_S = 2.0, 0.8

PUSH_IN = Camera(1.0, 1.06)
CAMERA_MOVES: dict[str, Camera] = {
    "still": Camera(),
    "push-in": Camera(1.0, 1.12),
    "pull-out": Camera(1.12, 1.0),
    "pan-left": Camera(1.12, 1.12, (0.05, 0.0), (-0.05, 0.0)),
    "pan-right": Camera(1.12, 1.12, (-0.05, 0.0), (0.05, 0.0)),
    "pan-up": Camera(1.12, 1.12, (0.0, 0.05), (0.0, -0.05)),
    "pan-down": Camera(1.12, 1.12, (0.0, -0.05), (0.0, 0.05)),
}


def _camera(move: str, amount: float | None) -> Camera:
    cam = CAMERA_MOVES.get(move, PUSH_IN)
    if amount is None or move == "still":
        return cam
    z = 1.0 + float(amount)
    return Camera(
        1.0 if move == "push-in" else z,
        z if move != "pull-out" else 1.0,
        cam.pan_start,
        cam.pan_end,
    )


class _Planner:
    def __init__(self, film: Film, bound: Bound, diags: Diagnostics) -> None:
        self.film = film
        self.bound = bound
        self.diags = diags
        s = film.settings
        self.fps = s.fps
        self.shots: list[Shot] = []
        self.audio: list[AudioClip] = []
        self.music: list[MusicClip] = []
        self.subs: list[Subtitle] = []
        self.chapters: list[Chapter] = []
        self.frame = 0
        self.pending: tuple[str, float | None] | None = None
        self.pending_chapter: tuple[str, Span] | None = None
        self.camera: Camera = PUSH_IN
        self.playing: dict[str, tuple[int, dict[str, Any], Span]] = {}
        self.ids: dict[str, int] = {}
        self.last_face: AssetSpec | None = None
        self.scene_no = 0
        self.index = 0
        #: ``[[subtitles off]]`` … ``[[subtitles on]]``: lines spoken meanwhile get no subtitle.
        self.subtitles_on = True

    # -- helpers ---------------------------------------------------------------
    def frames(self, seconds: float) -> int:
        exact = Fraction(seconds).limit_denominator(10**6) * self.fps
        whole = int(exact)
        return max(1, whole if whole == exact else whole + 1)

    def sample(self, frame: int) -> int:
        return int(Fraction(frame) / self.fps * PROJECT_RATE)

    def shot_id(self, kind: str, span: Span) -> str:
        base = f"s{self.scene_no:02d}-{kind}-l{span.line:04d}"
        n = self.ids.get(base, 0)
        self.ids[base] = n + 1
        return base if n == 0 else f"{base}-{n}"

    def set_picture(self, beat: Beat) -> tuple[AssetSpec, SceneInfo]:
        if beat.set is not None and beat.set.spec is not None:
            return beat.set.spec, beat.set.scene
        info = SceneInfo(True, "SOMEWHERE", "")
        return auto_set(info), info

    def add(
        self,
        kind: str,
        picture: Picture,
        seconds_or_frames: float | int,
        span: Span,
        *,
        frames: bool = False,
        retime_from: int | None = None,
    ) -> Shot:
        n = int(seconds_or_frames) if frames else self.frames(float(seconds_or_frames))
        transition = Transition()
        prev = self.shots[-1] if self.shots else None
        if self.pending is not None:
            tkind, dur = self.pending
            self.pending = None
            tframes = self.frames(
                dur if dur is not None else (FADE_S if "fade" in tkind else DISSOLVE_S)
            )
            tframes = min(tframes, n)
            if tkind in ("dissolve", "morph") and prev is not None:
                transition = Transition(
                    "morph" if tkind == "morph" else "dissolve", tframes, prev.picture
                )
            elif tkind == "fade-in" or (
                tkind in ("fade-black", "fade", "fade-out") and prev is None
            ):
                transition = Transition("fade_in", tframes)
            elif tkind in ("fade-black", "fade", "fade-out") and prev is not None:
                # Through black: the outgoing shot fades out, this one fades in.
                half = max(1, tframes // 2)
                self.shots[-1] = replace(prev, fade_out=min(half, prev.frames))
                transition = Transition("fade_in", half)
            elif tkind == "smash":
                transition = Transition("smash", 0)
        elif prev is None:
            transition = Transition("fade_in", min(self.frames(FADE_S), n))
        shot = Shot(
            self.shot_id(kind, span),
            self.frame,
            n,
            picture,
            span,
            transition,
            retime_from=retime_from,
        )
        self.shots.append(shot)
        if self.pending_chapter is not None:
            title, cspan = self.pending_chapter
            self.chapters.append(Chapter(shot.start, title, cspan))
            self.pending_chapter = None
        self.frame += n
        return shot

    # -- beats -------------------------------------------------------------------
    def plan(self) -> Timeline:
        for i, beat in enumerate(self.bound.beats):
            self.index = i
            getattr(self, "beat_" + beat.kind)(beat)
        self.credits()
        if self.chapters and self.chapters[0].start > 0:
            # A chapter list starts at 0 s (players and the MP4 chapter track both
            # assume it): what precedes the first section is a chapter of its own,
            # named after the film, so the MP4 and the timeline list the same marks.
            first = self.shots[0]
            name = _plain(self.film.title.get("title", "").split("\n")[0]) or "Opening"
            self.chapters.insert(0, Chapter(0, name, first.span))
        end_sample = self.sample(self.frame)
        for cue, (_start, args, span) in list(self.playing.items()):
            self._stop_cue(cue, end_sample, {"fade-out": args.get("fade-out-end", FADE_S)}, span)
        s = self.film.settings
        title = self.film.title.get("title", "").split("\n")[0]
        return Timeline(
            fps=self.fps,
            width=s.width,
            height=s.height,
            frames=self.frame,
            shots=tuple(self.shots),
            audio=tuple(self.audio),
            music=tuple(self.music),
            subtitles=tuple(sorted(self.subs, key=lambda x: (x.start, x.span))),
            chapters=tuple(self.chapters),
            title=_plain(title),
            metadata={"source": self.film.source.name},
        )

    def beat_title(self, beat: Beat) -> None:
        lines = tuple(x for x in beat.text.split("\n") if x.strip())
        self.add("title", CardPicture("title", lines), TITLE_S, beat.span)

    def beat_subtitles(self, beat: Beat) -> None:
        self.subtitles_on = bool(beat.args.get("state"))

    def beat_chapter(self, beat: Beat) -> None:
        self.pending_chapter = (beat.text, beat.span)

    def beat_scene(self, beat: Beat) -> None:
        self.scene_no += 1
        self.camera = PUSH_IN
        spec, info = self.set_picture(beat)
        self.add("scene", SetPicture(spec, info, self.camera), SCENE_S, beat.span)

    def beat_action(self, beat: Beat) -> None:
        spec, info = self.set_picture(beat)
        if beat.lines and beat.lines[0].speech is not None:
            self.spoken([beat.lines[0]], "action", SetPicture(spec, info, self.camera), beat.span)
            return
        words = len(re.findall(r"\w+", beat.text))
        seconds = min(
            max(words / (self.film.settings.reading_wpm / 60.0), MIN_ACTION_S), MAX_ACTION_S
        )
        self.add("action", SetPicture(spec, info, self.camera), seconds, beat.span)

    def beat_line(self, beat: Beat) -> None:
        ln = beat.lines[0]
        if ln.speech is None:
            return
        spec, info = self.set_picture(beat)
        if ln.face is not None:
            picture: Picture = SpeakerPicture(spec, info, ln.face, (), _seed(ln.speaker, ln.text))
            self.last_face = ln.face
        else:
            prev = self.shots[-1].picture if self.shots else None
            # V.O./O.S. keep the picture: the set (a face would be seen talking).
            picture = prev if isinstance(prev, SetPicture) else SetPicture(spec, info, Camera())
        self.spoken([ln], "line", picture, beat.span)

    def beat_dual(self, beat: Beat) -> None:
        left, right = beat.lines
        if left.speech is None or right.speech is None:
            for ln in beat.lines:
                self.beat_line(Beat("line", ln.span, [ln], set=beat.set))
            return
        spec, info = self.set_picture(beat)
        la = left.face or right.face
        rb = right.face or left.face
        if la is None or rb is None:
            self.spoken([left, right], "dual", SetPicture(spec, info, Camera()), beat.span)
            return
        picture = SplitPicture(spec, info, la, rb, (), (), _seed(left.text, right.text))
        self.spoken([left, right], "dual", picture, beat.span)

    def morph_now(self, dur: float | None, span: Span) -> bool:
        """``MORPH TO:``: the last face on screen turns into the next face the script shows.

        The morph is a shot of its own, placed where the transition stands, on
        the current set; what follows dissolves from its last frame.  Its
        frames beyond MORPH_KEYFRAMES are optical-flow in-betweens.
        """
        nxt = None
        for later in self.bound.beats[self.index + 1 :]:
            nxt = next((ln.face for ln in later.lines if ln.face is not None), None)
            if nxt is not None:
                break
        prev = self.shots[-1].picture if self.shots else None
        if self.last_face is None or nxt is None or nxt == self.last_face or prev is None:
            return False
        set_spec = getattr(prev, "set", None)
        scene = getattr(prev, "scene", None)
        if set_spec is None or scene is None:
            return False
        n = self.frames(dur if dur is not None else MORPH_S)
        self.add(
            "morph",
            MorphPicture(set_spec, scene, self.last_face, nxt),
            n,
            span,
            frames=True,
            retime_from=MORPH_KEYFRAMES if n > MORPH_KEYFRAMES else None,
        )
        self.last_face = nxt
        return True

    def spoken(self, lines: list[Line], kind: str, picture: Picture, span: Span) -> None:
        longest = max(ln.speech.samples for ln in lines if ln.speech) / PROJECT_RATE
        seconds = PAD_BEFORE_S + longest + PAD_AFTER_S
        start_frame = self.frame
        pad_samples = int(PAD_BEFORE_S * PROJECT_RATE)
        visemes: list[tuple[Timed, ...]] = []
        for i, ln in enumerate(lines):
            sp = ln.speech
            assert sp is not None
            bus = "narration" if ln.speaker == "NARRATOR" and ln.face is None else "dialogue"
            pan = 0.0 if len(lines) == 1 else (-0.45 if i == 0 else 0.45)
            if ln.delivery.placement == "os":
                pan = pan or 0.3
            self.audio.append(
                AudioClip(
                    bus,
                    self.sample(start_frame) + pad_samples,
                    sp.samples,
                    sp.key,
                    ln.span,
                    0.0,
                    pan,
                    ln.speaker,
                )
            )
            visemes.append(
                tuple(
                    Timed(v.start + PAD_BEFORE_S, v.end + PAD_BEFORE_S, v.label) for v in sp.visemes
                )
            )
            s0 = start_frame + self.frames_floor(PAD_BEFORE_S)
            s1 = start_frame + self.frames(PAD_BEFORE_S + sp.samples / PROJECT_RATE)
            runs = ln.runs
            if ln.lyric:
                runs = tuple(StyledRun(r.text, True, r.bold, r.underline) for r in runs)
            if self.subtitles_on:
                self.subs.append(Subtitle(s0, max(s1, s0 + 1), runs, ln.span, ln.speaker))
        if isinstance(picture, SpeakerPicture):
            picture = replace(picture, visemes=visemes[0])
        elif isinstance(picture, SplitPicture):
            picture = replace(picture, left_visemes=visemes[0], right_visemes=visemes[-1])
        self.add(kind, picture, seconds, span)

    def frames_floor(self, seconds: float) -> int:
        return int(Fraction(seconds).limit_denominator(10**6) * self.fps)

    def beat_card(self, beat: Beat) -> None:
        self.add("card", CardPicture("centered", tuple(beat.text.split("\n"))), CARD_S, beat.span)

    def beat_transition(self, beat: Beat) -> None:
        kind = str(beat.args.get("kind", "cut"))
        dur = beat.args.get("duration")
        if kind == "fade-out":
            # FADE OUT. ends the current shot in black; what follows fades in.
            if self.shots:
                n = min(self.frames(dur if dur is not None else FADE_S), self.shots[-1].frames)
                self.shots[-1] = replace(self.shots[-1], fade_out=n)
            self.pending = ("fade-in", dur)
            return
        if kind == "cut":
            self.pending = None
            return
        if kind == "morph":
            if self.morph_now(dur, beat.span):
                self.pending = ("dissolve", 0.5)
            else:
                self.pending = ("dissolve", dur)
            return
        self.pending = (kind, dur)

    def beat_hold(self, beat: Beat) -> None:
        seconds = float(beat.args.get("duration", 1.0))
        if seconds <= 0:
            return
        prev = self.shots[-1].picture if self.shots else CardPicture("black")
        if isinstance(prev, SpeakerPicture):
            prev = replace(prev, visemes=())
        elif isinstance(prev, SplitPicture):
            prev = replace(prev, left_visemes=(), right_visemes=())
        self.add("hold", prev, seconds, beat.span)

    def beat_camera(self, beat: Beat) -> None:
        self.camera = _camera(str(beat.args.get("move", "still")), beat.args.get("amount"))

    def beat_music(self, beat: Beat) -> None:
        cue = str(beat.args.get("cue", "")).upper()
        now = self.sample(self.frame)
        if beat.args.get("stop"):
            if cue in self.playing:
                self._stop_cue(cue, now, beat.args, beat.span)
            return
        if cue in self.playing:  # restarting a cue: stop the old one here
            self._stop_cue(cue, now, {"fade-out": 0.5}, beat.span)
        if cue not in self.film.cues:
            return
        self.playing[cue] = (now, dict(beat.args), beat.span)

    def _stop_cue(self, cue: str, end_sample: int, args: dict[str, Any], span: Span) -> None:
        start, start_args, start_span = self.playing.pop(cue)
        decl = self.film.cues.get(cue)
        if decl is None or decl.spec is None:
            return
        samples = end_sample - start
        if samples <= 0:
            return
        fade_in = float(start_args.get("fade-in", 0.0))
        fade_out = float(args.get("fade-out", 0.0))
        dur = samples / PROJECT_RATE
        if fade_in + fade_out > dur:
            self.diags.warning(
                "SP0606",
                start_span,
                f"the fades of cue `{cue}` ({fade_in + fade_out:g}s) are longer "
                f"than the {dur:.1f}s it plays",
                "shorten the fades, or let the cue play longer",
                "fades shortened",
            )
            scale = dur / (fade_in + fade_out)
            fade_in, fade_out = fade_in * scale, fade_out * scale
        gain = decl.volume_db + float(start_args.get("volume", 0.0))
        self.music.append(
            MusicClip(
                cue, decl.spec, start, samples, start_span, fade_in, fade_out, gain, decl.duck
            )
        )

    # -- end credits ---------------------------------------------------------------
    def credits(self) -> None:
        """End credits as a film has them: the title, the cast, the music.

        Each cast line is ``ROLE\tCREDIT`` (the card sets them in two columns):
        the role is the character's label; the credit is the declaration's
        ``credit:`` if there is one, else who plays and voices them, described
        by their presets' descriptions (engine details in parentheses left
        out), a user file's name, or a plain phrase — never an engine's name.
        """
        lines: list[str] = []
        title = self.film.title.get("title", "")
        if title:
            lines.append(_plain(title.split("\n")[0]))
            lines.append("")
        cast: list[str] = []
        for m in self.film.cast.values():
            if not m.speaks and m.name != "NARRATOR":
                continue
            given = self.credit_property(m.name)
            # (resolve uses `credit:` as the label when there is none: not a role)
            named = m.label and m.label.upper() != m.name and m.label != given
            who = m.label if named else m.name.title()
            cast.append(f"{who}\t{self._cast_credit(m)}")
        if (
            self.bound.narrator is not None
            and "NARRATOR" not in self.film.cast
            and any(ln.speaker == "NARRATOR" for b in self.bound.beats for ln in b.lines)
        ):
            cast.append(f"Narrator\tvoice: {_credit(self.bound.narrator.voice)}")
        if cast:
            lines += ["Cast", *cast, ""]
        cues = [c for c in self.film.cues.values() if c.spec is not None]
        if cues:
            lines.append("Music")
            lines += [f"{c.name.title()}\t{_credit(c.spec)}" for c in cues]
            lines.append("")
        lines.append("Made with screenplay")
        n_people = sum(1 for x in lines if x)
        span = (
            self.film.script.body[-1].span
            if self.film.script.body
            else Span(self.film.source.name, 1, 1, 1, 1)
        )
        shot = self.add(
            "credits",
            CardPicture("credits", tuple(lines)),
            CREDITS_BASE_S + CREDITS_PER_LINE_S * n_people,
            span,
        )
        self.shots[-1] = replace(shot, fade_out=min(self.frames(FADE_S), shot.frames))

    def _cast_credit(self, m: Any) -> str:
        given = self.credit_property(m.name)
        if given:
            return given
        voice = _credit(m.voice) if m.voice else ""
        if m.name == "NARRATOR" or m.face is None:
            return f"voice: {voice}" if voice else "—"
        face = _credit(m.face)
        return f"{face} · voice: {voice}" if voice else face

    def credit_property(self, name: str) -> str:
        """The ``credit: "…"`` of NAME's cast declaration, if any."""
        from screenplay.syntax import ast

        for el in self.film.script.body:
            if isinstance(el, ast.Declaration) and el.keyword == "cast":
                if el.name.upper() == name:
                    p = el.prop("credit")
                    if p is not None and isinstance(p.value, ast.Str):
                        return _plain(p.value.value.strip())
        return ""


#: What an asset is called in the credits when it has no description of its own.
_PLAIN = {
    "voice": "synthesized voice",
    "face": "drawn portrait",
    "set": "painted set",
    "music": "original score",
}


def _credit(spec: AssetSpec | None) -> str:
    """A viewer's description of an asset: no engine names, no seeds."""
    if spec is None:
        return "—"
    if spec.constructor == "file":
        p = spec.params.get("path")
        return str(getattr(p, "name", p))
    if spec.preset:
        # "Carlos — the man, plain American male (flite rms)" → "Carlos";
        # "Woman in a white dress, 30 (The Empty Room)" → "Woman in a white dress, 30".
        text = re.sub(r"\s*\([^()]*\)\s*$", "", spec.label or "").strip()
        text = text.split(" — ")[0].strip()
        return text or spec.preset.replace("_", " ").title()
    return _PLAIN.get(spec.kind, spec.kind)


def _plain(text: str) -> str:
    from screenplay.syntax.emphasis import plain_text

    return plain_text(text)


def _seed(*texts: str) -> int:
    # Blink pattern per line, from what is said (not where): inserting a line
    # above must not change this shot's pixels, or incremental builds suffer.
    from screenplay.passes.specs import derived_seed

    return derived_seed("blink", *texts)


def plan(film: Film, bound: Bound, diags: Diagnostics) -> Timeline:
    return _Planner(film, bound, diags).plan()


__all__ = ["plan", "scene_info"]

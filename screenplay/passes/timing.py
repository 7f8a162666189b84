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

Pictures come from the staging pass (:mod:`screenplay.passes.staging`): each
visual beat is a :class:`~screenplay.timeline.StagePicture` with the framing
the shot planner chose, the characters present standing on their marks, and
the speaker's visemes on their figure.  Consecutive beats with the same
framing on the same people are merged into one continuous shot (visemes
offset, the camera move spanning the whole shot), so nothing jumps inside a
shot.  A long line in a conversation cuts to the listener's reaction close-up
for its second half.
"""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from typing import Any

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, SceneInfo, Timed
from screenplay.beats import Beat, Bound, Line
from screenplay.diagnostics import Diagnostics
from screenplay.film import Film
from screenplay.music.errors import FADE_TOO_LONG
from screenplay.passes.resolve import auto_set
from screenplay.passes.staging import Staged, Staging, stage
from screenplay.staging.blocking import Mark
from screenplay.staging.planner import ESTABLISH, LONG_LINE_S, camera_for, visible
from screenplay.syntax.emphasis import StyledRun
from screenplay.syntax.source import Span
from screenplay.timeline import (
    AudioClip,
    Bus,
    Camera,
    CardPicture,
    Chapter,
    Figure,
    MorphPicture,
    MusicClip,
    OnScreen,
    Picture,
    SetPicture,
    Shot,
    SpeakerPicture,
    SplitPicture,
    StagePicture,
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


#: Longest continuous shot made by merging beats (a cut lets the eye rest).
MAX_MERGED_S = 30.0


class _Planner:
    def __init__(
        self, film: Film, bound: Bound, diags: Diagnostics, staging: Staging | None = None
    ) -> None:
        self.film = film
        self.bound = bound
        self.diags = diags
        self.staging = staging if staging is not None else stage(film, bound, diags)
        self.pending_move: Camera | None = None
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
        self.playing: dict[str, tuple[int, dict[str, Any], Span]] = {}
        self.ids: dict[str, int] = {}
        self.last_face: AssetSpec | None = None
        self.last_face_name = ""
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
        framing: str = "",
        on_screen: tuple[OnScreen, ...] = (),
        merge: bool = True,
    ) -> Shot:
        n = int(seconds_or_frames) if frames else self.frames(float(seconds_or_frames))
        transition = Transition()
        prev = self.shots[-1] if self.shots else None
        framing = framing or _framing_of(picture)
        if merge and self.pending is None and prev is not None and self._merge(prev, picture, n):
            return self.shots[-1]
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
            framing=framing,
            on_screen=on_screen,
        )
        self.shots.append(shot)
        if self.pending_chapter is not None:
            title, cspan = self.pending_chapter
            self.chapters.append(Chapter(shot.start, title, cspan))
            self.pending_chapter = None
        self.frame += n
        return shot

    def _merge(self, prev: Shot, picture: Picture, n: int) -> bool:
        """Extend ``prev`` by ``n`` frames when ``picture`` continues it (same framing, people)."""
        a = prev.picture
        if not isinstance(a, StagePicture) or not isinstance(picture, StagePicture):
            return False
        if prev.fade_out or prev.retime_from is not None:
            return False
        if (prev.frames + n) / self.fps > MAX_MERGED_S:
            return False
        same = (
            a.set == picture.set
            and a.scene == picture.scene
            and a.framing == picture.framing
            and a.focus == picture.focus
            and _blocking(a) == _blocking(picture)
            and not any(f.move for f in a.figures + picture.figures)
        )
        if not same:
            return False
        offset = prev.frames / float(self.fps)
        later = {f.name + f.role: f.visemes for f in picture.figures}
        figures = tuple(
            replace(
                f,
                visemes=f.visemes
                + tuple(
                    Timed(v.start + offset, v.end + offset, v.label)
                    for v in later.get(f.name + f.role, ())
                ),
            )
            for f in a.figures
        )
        ca, cb = a.camera, picture.camera
        b_moves = cb.zoom_start != cb.zoom_end or cb.pan_start != cb.pan_end
        # One move spans the merged shot: from where the first began to where the last ends.
        camera = Camera(
            ca.zoom_start,
            cb.zoom_end if b_moves else ca.zoom_end,
            ca.pan_start,
            cb.pan_end if b_moves else ca.pan_end,
        )
        merged = replace(a, figures=figures, camera=camera)
        self.shots[-1] = replace(prev, frames=prev.frames + n, picture=merged)
        if self.pending_chapter is not None:
            title, cspan = self.pending_chapter
            self.chapters.append(Chapter(self.frame, title, cspan))
            self.pending_chapter = None
        self.frame += n
        return True

    # -- staging -----------------------------------------------------------------
    def staged_picture(
        self,
        beat: Beat,
        staged: Staged | None,
        visemes: dict[str, tuple[Timed, ...]] | None = None,
        *,
        reaction: str = "",
    ) -> tuple[Picture, str, tuple[OnScreen, ...]]:
        """The picture of a visual beat: its framing with the characters present on their marks."""
        spec, info = self.set_picture(beat)
        if staged is None:
            return SetPicture(spec, info, Camera()), "wide", ()
        visemes = visemes or {}
        shot = staged.shot
        framing, subject, shoulder = shot.framing, shot.subject, shot.shoulder
        if reaction:
            framing, subject, shoulder = "close", reaction, ""
        pres = staged.presence
        marks = {n: staged.marks[n] for n in pres.present if n in staged.marks}
        text = " ".join(ln.text for ln in beat.lines) or beat.text
        if framing == "split":
            return self._split(beat, spec, info, visemes, marks)
        camera = camera_for(framing, marks, subject, shoulder, text)
        if self.pending_move is not None:
            camera = _with_move(camera, self.pending_move)
            self.pending_move = None
        if not marks:
            return StagePicture(spec, info, framing, (), camera), framing, ()
        seed_text = text[:80]
        figures: list[Figure] = []
        for name, m in sorted(marks.items(), key=lambda kv: (kv[1].x, kv[0])):
            member = self.film.cast.get(name)
            if member is None or member.face is None:
                continue
            move = "enter" if name in pres.entering else "exit" if name in pres.leaving else ""
            edge = -0.15 if m.x < 0.5 else 1.15
            role = "shoulder" if (framing == "ots" and name == shoulder) else "stand"
            figures.append(
                Figure(
                    name,
                    member.face,
                    m.x,
                    m.y,
                    visemes.get(name, ()),
                    _seed(name, seed_text),
                    move if role == "stand" else "",  # type: ignore[arg-type]
                    edge,
                    role,  # type: ignore[arg-type]
                    "sit" if m.seated else "stand",
                )
            )
        shown = visible(camera, {n: marks[n] for n in marks if n != shoulder or framing != "ots"})
        if framing == "ots" and shoulder in marks:
            shown = sorted(shown + [shoulder], key=lambda n: marks[n].x)
        on_screen = tuple(OnScreen(n, marks[n].side) for n in shown)
        picture = StagePicture(spec, info, framing, tuple(figures), camera, subject)
        return picture, framing, on_screen

    def _split(
        self,
        beat: Beat,
        spec: AssetSpec,
        info: SceneInfo,
        visemes: dict[str, tuple[Timed, ...]],
        marks: dict[str, Mark] | None = None,
    ) -> tuple[Picture, str, tuple[OnScreen, ...]]:
        left, right = (beat.lines + beat.lines)[:2]
        # Each half shows the character on their own side of the scene (180-degree
        # rule), whoever speaks first.
        if marks and left.speaker in marks and right.speaker in marks:
            if marks[left.speaker].x > marks[right.speaker].x:
                left, right = right, left
        if left.face is None or right.face is None:
            return SetPicture(spec, info, Camera()), "wide", ()
        picture = SplitPicture(
            spec,
            info,
            left.face,
            right.face,
            visemes.get(left.speaker, ()),
            visemes.get(right.speaker, ()),
            _seed(left.text, right.text),
        )
        return (
            picture,
            "split",
            (OnScreen(left.speaker, "left"), OnScreen(right.speaker, "right")),
        )

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
        spec, info = self.set_picture(beat)
        marks = self.staging.scenes.get(self.index, {})
        # The establishing wide shows who is there from the first frame.
        first = next(
            (
                st
                for j, st in sorted(self.staging.beats.items())
                if j > self.index and st.scene == self.index
            ),
            None,
        )
        present = (
            [n for n in first.presence.present if n not in first.presence.entering] if first else []
        )
        seated = set(first.presence.seated) if first else set()
        figures = tuple(
            Figure(
                n,
                self.film.cast[n].face,  # type: ignore[arg-type]
                m.x,
                m.y,
                (),
                _seed(n, beat.text),
                pose="sit" if n in seated else "stand",
            )
            for n, m in sorted(marks.items(), key=lambda kv: (kv[1].x, kv[0]))
            if n in present and self.film.cast.get(n) and self.film.cast[n].face is not None
        )
        camera = ESTABLISH
        if self.pending_move is not None:
            camera, self.pending_move = _with_move(Camera(), self.pending_move), None
        if figures:
            picture: Picture = StagePicture(spec, info, "wide", figures, camera)
            on_screen = tuple(OnScreen(f.name, marks[f.name].side) for f in figures)
        else:
            picture, on_screen = StagePicture(spec, info, "wide", (), camera), ()
        self.add(
            "scene", picture, SCENE_S, beat.span, framing="wide", on_screen=on_screen, merge=False
        )

    def beat_action(self, beat: Beat) -> None:
        staged = self.staging.beats.get(self.index)
        if beat.lines and beat.lines[0].speech is not None:
            self.spoken([beat.lines[0]], "action", beat, staged)
            return
        words = len(re.findall(r"\w+", beat.text))
        seconds = min(
            max(words / (self.film.settings.reading_wpm / 60.0), MIN_ACTION_S), MAX_ACTION_S
        )
        picture, framing, on_screen = self.staged_picture(beat, staged)
        self.add("action", picture, seconds, beat.span, framing=framing, on_screen=on_screen)

    def beat_line(self, beat: Beat) -> None:
        ln = beat.lines[0]
        if ln.speech is None:
            return
        if ln.face is not None:
            self.last_face, self.last_face_name = ln.face, ln.speaker
        self.spoken([ln], "line", beat, self.staging.beats.get(self.index))

    def beat_dual(self, beat: Beat) -> None:
        left, right = beat.lines
        if left.speech is None or right.speech is None:
            for ln in beat.lines:
                self.beat_line(Beat("line", ln.span, [ln], set=beat.set))
            return
        self.spoken([left, right], "dual", beat, self.staging.beats.get(self.index))

    def beat_shot(self, beat: Beat) -> None:
        """Staging directives were read by the staging pass."""

    beat_enter = beat_exit = beat_place = beat_shot

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
            framing="close",
        )
        self.last_face = nxt
        return True

    def spoken(self, lines: list[Line], kind: str, beat: Beat, staged: Staged | None) -> None:
        span = beat.span
        longest = max(ln.speech.samples for ln in lines if ln.speech) / PROJECT_RATE
        seconds = PAD_BEFORE_S + longest + PAD_AFTER_S
        start_frame = self.frame
        pad_samples = int(PAD_BEFORE_S * PROJECT_RATE)
        visemes: list[tuple[Timed, ...]] = []
        for i, ln in enumerate(lines):
            sp = ln.speech
            assert sp is not None
            bus: Bus = "narration" if ln.speaker == "NARRATOR" and ln.face is None else "dialogue"
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
        by_name: dict[str, tuple[Timed, ...]] = {}
        for ln, vis in zip(lines, visemes, strict=True):
            if ln.face is not None:
                by_name[ln.speaker] = vis
        picture, framing, on_screen = self.staged_picture(beat, staged, by_name)
        reaction = staged.shot.reaction if staged is not None else ""
        total = self.frames(seconds)
        if reaction and longest > LONG_LINE_S and framing not in ("close", "wide", "split"):
            # A long line: the speaker for the first half, then the listener's reaction.
            k = total // 2
            cut = k / float(self.fps)
            first = {n: tuple(v for v in vs if v.start < cut) for n, vs in by_name.items()}
            picture, framing, on_screen = self.staged_picture(beat, staged, first)
            self.add(kind, picture, k, span, frames=True, framing=framing, on_screen=on_screen)
            picture, framing, on_screen = self.staged_picture(beat, staged, reaction=reaction)
            self.add(
                "reaction",
                picture,
                total - k,
                span,
                frames=True,
                framing=framing,
                on_screen=on_screen,
            )
            return
        self.add(kind, picture, total, span, frames=True, framing=framing, on_screen=on_screen)

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
        last = self.shots[-1] if self.shots else None
        prev = last.picture if last is not None else CardPicture("black")
        if isinstance(prev, StagePicture):
            prev = replace(
                prev,
                camera=_rest(prev.camera),
                figures=tuple(
                    replace(f, visemes=(), move="") for f in prev.figures if f.move != "exit"
                ),
            )
        if isinstance(prev, SpeakerPicture):
            prev = replace(prev, visemes=())
        elif isinstance(prev, SplitPicture):
            prev = replace(prev, left_visemes=(), right_visemes=())
        self.add(
            "hold",
            prev,
            seconds,
            beat.span,
            framing=last.framing if last is not None else "card",
            on_screen=last.on_screen if last is not None else (),
        )

    def beat_camera(self, beat: Beat) -> None:
        # Applies to the next shot, on top of its framing.
        self.pending_move = _camera(str(beat.args.get("move", "still")), beat.args.get("amount"))

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
                FADE_TOO_LONG,
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


def _framing_of(picture: Picture) -> str:
    if isinstance(picture, CardPicture):
        return "card"
    if isinstance(picture, StagePicture):
        return picture.framing
    if isinstance(picture, SplitPicture):
        return "split"
    if isinstance(picture, SpeakerPicture | MorphPicture):
        return "close"
    return "wide"


def _blocking(p: StagePicture) -> tuple[tuple[str, float, float, str, str], ...]:
    return tuple((f.name, f.x, f.y, f.role, f.pose) for f in p.figures)


def _with_move(framing: Camera, move: Camera) -> Camera:
    """A ``[[camera …]]`` move on top of a framing's window (relative zoom, pan in frames)."""
    z = framing.zoom_start
    return Camera(
        z * move.zoom_start,
        z * move.zoom_end,
        (
            framing.pan_start[0] + move.pan_start[0] / z,
            framing.pan_start[1] + move.pan_start[1] / z,
        ),
        (framing.pan_end[0] + move.pan_end[0] / z, framing.pan_end[1] + move.pan_end[1] / z),
    )


def _rest(camera: Camera) -> Camera:
    """A camera held where its move ended."""
    return Camera(camera.zoom_end, camera.zoom_end, camera.pan_end, camera.pan_end)


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


def plan(film: Film, bound: Bound, diags: Diagnostics, staging: Staging | None = None) -> Timeline:
    return _Planner(film, bound, diags, staging).plan()


__all__ = ["plan"]

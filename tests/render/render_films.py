"""Hand-built timelines and soundtracks for the renderer's tests and benchmark.

``small_film`` covers every picture kind and transition at 128×72 in a few
seconds; ``edit`` changes one word of one line the way the timing pass would
(new visemes, a longer shot, new subtitle text), shifting every later shot.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from render_doubles import spec

from screenplay.backends.protocols import SceneInfo, Timed
from screenplay.syntax.source import Span
from screenplay.timeline import (
    Camera,
    CardPicture,
    Chapter,
    MorphPicture,
    SetPicture,
    Shot,
    SpeakerPicture,
    SplitPicture,
    StyledRun,
    Subtitle,
    Timeline,
    Transition,
)

ROOM = spec("set", (70, 90, 140), "room")
STREET = spec("set", (120, 100, 60), "street")
ANNA = spec("face", (220, 180, 150), "anna")
BEN = spec("face", (150, 120, 90), "ben")
SCENE = SceneInfo(True, "EMPTY ROOM", "NIGHT")
STREET_SCENE = SceneInfo(False, "STREET", "DAY")


def span(line: int) -> Span:
    return Span("film.film", line, 1, line, 20)


def visemes_for(words: list[str], fps: Fraction) -> tuple[Timed, ...]:
    """A plausible viseme track: each word ~0.3 s cycling through open shapes."""
    out = []
    t = 0.1
    shapes = ["mbp", "a", "e", "o", "fv", "a"]
    for n, word in enumerate(words):
        for k in range(max(1, len(word) // 2)):
            out.append(Timed(t, t + 0.09, shapes[(n + k) % len(shapes)]))
            t += 0.1
        t += 0.08
    return tuple(out)


def small_film(
    line: str = "I never said that",
    *,
    width: int = 128,
    height: int = 72,
    fps: Fraction = Fraction(24),
    subtitles: bool = True,
) -> Timeline:
    words = line.split()
    # Like real speech, the line's length follows its letters: a longer word
    # lengthens the shot and shifts every later one.
    speak_frames = int((0.4 + 0.07 * len(line)) * fps) + 1
    cam = Camera(zoom_start=1.0, zoom_end=1.25, pan_start=(0.0, 0.0), pan_end=(0.08, -0.03))
    pics = [
        (
            CardPicture("title", ("The *Empty* Room", "written by", "A. Writer")),
            24,
            Transition("fade_in", 6),
            0,
        ),
        (SetPicture(ROOM, SCENE, cam), 24, Transition("cut"), 0),
        (
            SpeakerPicture(ROOM, SCENE, ANNA, visemes_for(words, fps), blink_seed=3),
            speak_frames,
            Transition("dissolve", 6),
            0,
        ),
        (
            SpeakerPicture(ROOM, SCENE, BEN, visemes_for(["Yes", "you", "did"], fps), blink_seed=4),
            30,
            Transition("cut"),
            0,
        ),
        (
            SplitPicture(
                STREET, STREET_SCENE, ANNA, BEN, visemes_for(["No"], fps), visemes_for(["Yes"], fps)
            ),
            20,
            Transition("fade_black", 8),
            0,
        ),
        (MorphPicture(STREET, STREET_SCENE, ANNA, BEN), 20, Transition("cut"), 0),
        (
            SpeakerPicture(STREET, STREET_SCENE, BEN, visemes_for(["Gone"], fps), blink_seed=9),
            18,
            Transition("morph", 6),
            0,
        ),
        (CardPicture("centered", ("THE END",)), 16, Transition("cut"), 0),
        (
            CardPicture(
                "credits",
                ("CAST", "ANNA\tflat face · voice: espeak", "BEN\tflat face · voice: flite"),
            ),
            24,
            Transition("dissolve", 4),
            8,
        ),
    ]
    shots = []
    start = 0
    prev = None
    for n, (pic, frames, tr, fade_out) in enumerate(pics):
        if tr.kind in ("dissolve", "fade_black", "morph"):
            tr = Transition(tr.kind, tr.frames, prev)
        shots.append(Shot(f"s{n:02d}", start, frames, pic, span(10 + n), tr, fade_out))
        start += frames
        prev = pic
    subs: list[Subtitle] = []
    if subtitles:
        s2, s3, s4 = shots[2], shots[3], shots[4]
        subs = [
            Subtitle(s2.start + 2, s2.end - 1, tuple(_styled(line)), span(12), "ANNA"),
            Subtitle(
                s3.start + 1,
                s3.end - 1,
                (StyledRun("Yes you "), StyledRun("did", bold=True)),
                span(13),
                "BEN",
            ),
            Subtitle(
                s4.start + 1, s4.end - 2, (StyledRun("No.", underline=True),), span(14), "ANNA"
            ),
            Subtitle(s4.start + 3, s4.end - 1, (StyledRun("Yes.", italic=True),), span(14), "BEN"),
        ]
    chapters = (Chapter(0, "Opening", span(1)), Chapter(shots[4].start, "Street", span(14)))
    return Timeline(
        fps=fps,
        width=width,
        height=height,
        frames=start,
        shots=tuple(shots),
        subtitles=tuple(subs),
        chapters=chapters,
        title="The Empty Room",
    )


def _styled(line: str) -> list[StyledRun]:
    words = line.split()
    # Emphasize the third word, as *word* would in the script.
    return [
        StyledRun(w + (" " if i < len(words) - 1 else ""), italic=(i == 2))
        for i, w in enumerate(words)
    ]


def soundtrack(timeline: Timeline, seed: int = 0) -> np.ndarray:
    """A stereo test signal exactly as long as the film: tones per shot plus a little noise."""
    n = timeline.samples
    t = np.arange(n) / timeline.sample_rate
    rng = np.random.default_rng(seed)
    left = 0.2 * np.sin(2 * np.pi * 220 * t)
    right = 0.2 * np.sin(2 * np.pi * 330 * t)
    out = np.stack([left, right], axis=1) + 0.01 * rng.standard_normal((n, 2))
    return out.astype(np.float32)


def feature_film(
    seconds: float = 60.0,
    *,
    width: int = 1280,
    height: int = 720,
    fps: Fraction = Fraction(24),
) -> Timeline:
    """A realistic mix for the benchmark: title, establishing shots (some with a
    slow camera move), dialogue close-ups with lip-sync, dual dialogue, dissolves,
    one morph, end credits — about ``seconds`` long."""
    rng = np.random.default_rng(7)
    total = int(seconds * fps)
    faces = [ANNA, BEN]
    plan: list[tuple[object, int, Transition, int]] = [
        (
            CardPicture("title", ("The *Empty* Room", "written by", "A. Writer")),
            int(4 * fps),
            Transition("fade_in", 12),
            0,
        )
    ]
    used = plan[0][1]
    scene = 0
    credits_frames = int(5 * fps)
    while used < total - credits_frames:
        set_spec, info = (ROOM, SCENE) if scene % 2 == 0 else (STREET, STREET_SCENE)
        moving = scene % 2 == 1
        cam = Camera(1.0, 1.15, (0.0, 0.0), (0.05, 0.0)) if moving else Camera()
        plan.append(
            (
                SetPicture(set_spec, info, cam),
                int(3 * fps),
                Transition("dissolve", 12) if scene else Transition("cut"),
                0,
            )
        )
        for k in range(4):
            words = ["word"] * int(rng.integers(5, 12))
            frames = int((0.3 + 0.4 * len(words)) * fps)
            plan.append(
                (
                    SpeakerPicture(
                        set_spec,
                        info,
                        faces[k % 2],
                        visemes_for(words, fps),
                        blink_seed=scene * 10 + k,
                    ),
                    frames,
                    Transition("cut"),
                    0,
                )
            )
        if scene % 2 == 1:
            plan.append(
                (
                    SplitPicture(
                        set_spec,
                        info,
                        ANNA,
                        BEN,
                        visemes_for(["a"] * 5, fps),
                        visemes_for(["b"] * 6, fps),
                    ),
                    int(2.5 * fps),
                    Transition("cut"),
                    0,
                )
            )
        if scene == 1:
            plan.append(
                (MorphPicture(set_spec, info, ANNA, BEN), int(2 * fps), Transition("cut"), 0)
            )
        used = sum(p[1] for p in plan)
        scene += 1
    plan.append(
        (
            CardPicture(
                "credits",
                ("CAST", "ANNA\tflat face · voice: espeak", "BEN\tflat face · voice: flite"),
            ),
            credits_frames,
            Transition("dissolve", 12),
            24,
        )
    )
    shots = []
    start = 0
    prev = None
    for n, (pic, frames, tr, fade_out) in enumerate(plan):
        if tr.kind in ("dissolve", "fade_black", "morph"):
            tr = Transition(tr.kind, tr.frames, prev)
        shots.append(Shot(f"s{n:03d}", start, frames, pic, span(10 + n), tr, fade_out))  # type: ignore[arg-type]
        start += frames
        prev = pic
    subs = tuple(
        Subtitle(
            s.start + 2,
            s.end - 2,
            (StyledRun("Some words spoken here, "), StyledRun("really", italic=True)),
            s.span,
            "X",
        )
        for s in shots
        if isinstance(s.picture, SpeakerPicture)
    )
    return Timeline(
        fps=fps,
        width=width,
        height=height,
        frames=start,
        shots=tuple(shots),
        subtitles=subs,
        title="Benchmark",
    )

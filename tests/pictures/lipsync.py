"""Lip-sync measured on rendered frames (shared by the test and the docs' numbers).

A speaking shot is rendered by the real compositor and pictures backend: a
line is synthesized by a voice engine, its visemes drive a ``SpeakerPicture``
close-up, and every frame of the shot is rendered.  MediaPipe face mesh then
*reads* each rendered frame — knowing nothing of visemes — and measures the
inner-lip gap (landmarks 13 ↔ 14) relative to the eye span (33 ↔ 263).  The
soundtrack's loudness per frame is the RMS level (dBFS, floored at −60 dB)
of the line's samples inside that frame.  The score is the Pearson
correlation of the two series: 1.0 would be a mouth that opens exactly as
loud as the voice is.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from screenplay.backends.protocols import AssetSpec, Delivery, SceneInfo

LINE = (
    "I waited all morning by the window. Nobody came, and then, at noon, "
    "a small boat appeared on the water."
)
FPS = 24
WIDTH, HEIGHT = 1280, 720


@dataclass
class LipSync:
    correlation: float
    gaps: np.ndarray  # per frame, NaN where no face was found
    loudness: np.ndarray  # dBFS per frame
    frames: list[np.ndarray]  # a few rendered frames, for looking at
    detected: float  # fraction of frames where MediaPipe found the face


def speak(text: str = LINE):  # type: ignore[no-untyped-def]
    """A line spoken by a stock voice (espeak-ng: deterministic, fast, always installed)."""
    from screenplay.backends import registry
    from screenplay.cache import Cache

    ctor = registry.lookup("voice", "espeak")
    assert ctor is not None
    params = {p.name: p.default for p in ctor.params}
    spec = AssetSpec("voice", "espeak", params)
    return registry.backend_for(ctor).speak(spec, text, Delivery(), Cache(enabled=False))


def measure(face: AssetSpec, cache, speech=None, keep: int = 0) -> LipSync:  # type: ignore[no-untyped-def]
    from screenplay.backends.protocols import PROJECT_RATE
    from screenplay.pictures.photo import find_faces
    from screenplay.render.assets import PicturesAssetProvider
    from screenplay.render.compositor import Compositor
    from screenplay.syntax.source import Span
    from screenplay.timeline import Shot, SpeakerPicture, Timeline

    speech = speech if speech is not None else speak()
    frames = int(np.ceil(speech.duration * FPS)) + 2
    scene = SceneInfo(True, "ROOM", "DAY")
    room = AssetSpec("set", "room", {"seed": 3})
    pic = SpeakerPicture(room, scene, face, tuple(speech.visemes), blink_seed=11)
    shot = Shot("s", 0, frames, pic, Span("lipsync.film", 1, 1, 1, 2))
    timeline = Timeline(fps=Fraction(FPS), width=WIDTH, height=HEIGHT, frames=frames, shots=(shot,))
    comp = Compositor(timeline, PicturesAssetProvider(cache))
    audio = np.asarray(speech.audio, np.float32)
    per = PROJECT_RATE / FPS
    gaps = np.full(frames, np.nan)
    loud = np.full(frames, -60.0)
    kept: list[np.ndarray] = []
    for i in range(frames):
        img = np.asarray(comp.frame(shot, i))
        seg = audio[int(i * per) : int((i + 1) * per)]
        if seg.size:
            rms = float(np.sqrt(np.mean(seg.astype(np.float64) ** 2)))
            loud[i] = max(-60.0, 20 * np.log10(max(rms, 1e-9)))
        faces = find_faces(img)
        if len(faces) == 1:
            lm = faces[0]
            gaps[i] = np.linalg.norm(lm[14] - lm[13]) / np.linalg.norm(lm[263] - lm[33])
        if i < keep:
            kept.append(img)
    ok = ~np.isnan(gaps)
    corr = float(np.corrcoef(gaps[ok], loud[ok])[0, 1]) if ok.sum() > 3 else float("nan")
    return LipSync(corr, gaps, loud, kept, float(ok.mean()))

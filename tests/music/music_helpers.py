"""Signals, timelines and files the music tests share (imported by name; not fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np

from screenplay.backends.protocols import PROJECT_RATE as R
from screenplay.syntax.source import Span
from screenplay.timeline import AudioClip, CardPicture, MusicClip, Shot, Timeline

SPAN = Span("test.film", 1, 1, 1, 2)


def speech_like(seconds: float, f0: float = 160.0, seed: int = 0, level: float = 0.1) -> np.ndarray:
    """A voice stand-in: harmonic 'vowels' of ~250 ms with short gaps between 'words'.

    It has what matters to the mixer: speech-band energy, syllable rhythm and
    pauses shorter than the ducker's hold.
    """
    rng = np.random.default_rng(seed)
    n = int(seconds * R)
    t = np.arange(n) / R
    pitch = f0 * (1 + 0.08 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / R
    voice = sum(np.sin(k * phase) / k for k in range(1, 16))
    gate = np.zeros(n)
    pos = 0
    while pos < n:
        word = int(rng.uniform(0.18, 0.35) * R)
        ramp = np.hanning(min(word, n - pos))
        gate[pos : pos + len(ramp)] = ramp
        pos += word + int(rng.uniform(0.05, 0.12) * R)
    noise = rng.standard_normal(n) * 0.05  # breath/fricatives
    return (level * (voice + noise) * gate).astype(np.float32)


def timeline(
    seconds: float,
    lines: list[tuple[str, float, np.ndarray]],
    cues: list[MusicClip],
    *,
    pans: dict[int, float] | None = None,
) -> Timeline:
    """A 24 fps Timeline: speech ``lines`` (bus, start s, audio) and music ``cues``."""
    fps = Fraction(24)
    frames = int(seconds * 24)
    shots = (Shot("s01", 0, frames, CardPicture("black"), SPAN),)
    clips = tuple(
        AudioClip(bus, int(start * R), len(audio), f"line{i}", SPAN, pan=(pans or {}).get(i, 0.0))  # type: ignore[arg-type]
        for i, (bus, start, audio) in enumerate(lines)
    )
    return Timeline(fps, 128, 72, frames, shots, clips, tuple(cues))


def speech_lookup(lines: list[tuple[str, float, np.ndarray]]) -> Callable[[str], np.ndarray]:
    table = {f"line{i}": audio for i, (_, _, audio) in enumerate(lines)}
    return table.__getitem__


def write_audio(path: Path, audio: np.ndarray, rate: int = 44100, codec: str | None = None) -> Path:
    """Write stereo/mono float audio with PyAV (container chosen by the suffix)."""
    import av

    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    layout = "mono" if x.shape[1] == 1 else "stereo"
    codec = codec or {".wav": "pcm_s16le", ".flac": "flac", ".mp3": "libmp3lame"}[path.suffix]
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        fmt = (
            stream.codec_context.codec.audio_formats[0].name
            if stream.codec_context.codec.audio_formats
            else "fltp"
        )
        frame_size = stream.codec_context.frame_size or 1024
        resampler_in = av.AudioResampler(format=fmt, layout=layout, rate=rate)
        for lo in range(0, len(x), frame_size):
            chunk = np.ascontiguousarray(x[lo : lo + frame_size].T)
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate = rate
            frame.pts = lo
            for out in resampler_in.resample(frame):
                for packet in stream.encode(out):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def tone(seconds: float, freq: float, rate: int = 44100, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    x = level * np.sin(2 * np.pi * freq * t)
    ramp = int(0.01 * rate)
    x[:ramp] *= np.linspace(0, 1, ramp)
    x[-ramp:] *= np.linspace(1, 0, ramp)
    return np.stack([x, x], axis=1).astype(np.float32)


def peak_frequency(audio: np.ndarray, rate: int = R) -> float:
    """Frequency of the largest spectral peak (Hann window, parabolic interpolation)."""
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    k = int(np.argmax(spec[1:-1])) + 1
    a, b, c = np.log(spec[k - 1 : k + 2] + 1e-12)
    shift = 0.5 * (a - c) / (a - 2 * b + c)
    return (k + shift) * rate / len(x)


def music_clip(
    spec_constructor: str, params: dict, start: float, seconds: float, **kw: float
) -> MusicClip:
    from screenplay.backends.protocols import AssetSpec

    return MusicClip(
        "CUE",
        AssetSpec("music", spec_constructor, params),
        int(start * R),
        int(seconds * R),
        SPAN,
        **kw,  # type: ignore[arg-type]
    )

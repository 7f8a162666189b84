"""The music backend: render a cue (algorithmic score or user file) to stereo audio.

``backend().render(spec, duration, cache)`` returns float32 ``(n, 2)`` at
48 kHz with exactly ``round(duration * 48000)`` samples:

* algorithmic styles: :mod:`~screenplay.music.compose` writes a score that
  covers the whole span (no loop, hence no seam), :mod:`~screenplay.music.synth`
  renders it with fluidsynth and a GM SoundFont;
* ``file``: :mod:`~screenplay.music.userfile` decodes, offsets, time-stretches
  and loops the user's audio.

Every cue is loudness-matched to the *music bed reference*
(:data:`MUSIC_BED_LUFS`, −23 LUFS integrated) plus its ``volume=`` in dB, so
styles and user files sit at the same level under dialogue before the mixer
does anything.  Results are cached (namespace ``music``, 16-bit FLAC) under a
digest of the spec, the length, the SoundFont's bytes, the fluidsynth (or
SoX) version and :data:`RENDERER_VERSION`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, BackendError
from screenplay.cache import Cache, digest
from screenplay.music import compose, errors, schema, synth, userfile
from screenplay.music.keys import parse_key
from screenplay.music.loudness import integrated_lufs

if TYPE_CHECKING:
    from screenplay.timeline import MusicClip

#: Bump whenever rendering changes in a way the other key parts do not capture.
RENDERER_VERSION = 1
#: Loudness every cue is rendered at before ``volume=`` (EBU R128 programme level).
MUSIC_BED_LUFS = -23.0
#: Rendered cues never peak above this (sample peak) before the mixer.
CUE_PEAK_CEILING = 0.98

NAMESPACE = "music"


class MusicEngine:
    """Implements :class:`~screenplay.backends.protocols.MusicBackend`."""

    def render(self, spec: AssetSpec, duration: float, cache: Cache) -> np.ndarray:
        if (
            not (isinstance(duration, int | float) and math.isfinite(duration))
            or round(duration * PROJECT_RATE) <= 0
        ):
            raise BackendError(
                errors.ZERO_LENGTH,
                f"music cue {spec.label or spec.constructor!r} would last {duration!r} seconds",
                "a cue must play for some time; move its stop directive later",
            )
        problems = schema.validate(spec)
        if problems:
            code, message, help_text = problems[0]
            raise BackendError(code, message, help_text)
        params = schema.spec_params(spec)
        samples = round(duration * PROJECT_RATE)
        if spec.constructor == "file":
            path = Path(params["path"]) if params.get("path") is not None else None
            if path is None or not path.is_file():
                raise BackendError(
                    errors.FILE_MISSING,
                    f"music file not found: {path}",
                    "paths are relative to the film's folder; check the spelling",
                )
            tempo = float(params["tempo"])
            key = digest(
                "music-file", RENDERER_VERSION, path, _plain(params), samples,
                userfile.decoder_version(),
                userfile.sox_version() if abs(tempo - 1.0) > 1e-9 else "",
            )  # fmt: skip
            file_path = path

            def produce() -> np.ndarray:
                return self._render_file(params, file_path, samples)

        else:
            soundfont = synth.find_soundfont()
            key = digest(
                "music-score", RENDERER_VERSION, compose.COMPOSER_VERSION, spec.constructor,
                _plain(params), samples, soundfont, synth.fluidsynth_version(),
            )  # fmt: skip
            style, font = spec.constructor, soundfont

            def produce() -> np.ndarray:
                return self._render_score(style, params, samples, font)

        return cached_cue(cache, key, samples, float(params.get("volume") or 0.0), produce)

    def probe(self, spec: AssetSpec) -> None:
        """Cheap early check of a cue (for the bind pass): raise the BackendError a render would.

        Validates the parameters, finds fluidsynth and a SoundFont for
        algorithmic styles, and for files checks that the file exists,
        decodes (first audio frame), is longer than ``offset`` and that SoX
        is there when ``tempo`` is not 1 — without rendering anything.
        """
        problems = schema.validate(spec)
        if problems:
            code, message, help_text = problems[0]
            raise BackendError(code, message, help_text)
        params = schema.spec_params(spec)
        if spec.constructor != "file":
            synth.find_fluidsynth()
            synth.find_soundfont()
            return
        path = Path(params["path"]) if params.get("path") is not None else None
        if path is None:
            raise BackendError(
                errors.FILE_MISSING, "music file not given", 'write music: "file.mp3"'
            )
        length = userfile.probe(path)
        offset = float(params.get("offset") or 0.0)
        if length is not None and offset >= length:
            raise BackendError(
                errors.OFFSET_PAST_END,
                f"offset={offset:g}s is past the end of {path.name} ({length:.2f}s)",
                "use a smaller offset",
            )
        if abs(float(params.get("tempo") or 1.0) - 1.0) > 1e-9:
            userfile.find_sox(float(params["tempo"]))

    # -- algorithmic scores ---------------------------------------------------
    def _render_score(
        self, style: str, params: dict[str, Any], samples: int, soundfont: Path
    ) -> np.ndarray:
        natural_key, natural_mood, natural_bpm, _ = schema.STYLES[style]
        key = parse_key(str(params.get("key") or natural_key))
        mood = str(params.get("mood") or natural_mood)
        bpm = float(params.get("bpm") or natural_bpm) * float(params.get("tempo") or 1.0)
        programs = schema.parse_instruments(str(params.get("instruments") or ""))
        seconds = samples / PROJECT_RATE
        score = compose.compose(
            style, key, mood, bpm, seconds, int(params.get("seed") or 0), programs
        )
        return synth.render_midi(score, seconds, soundfont)

    # -- user files -------------------------------------------------------------
    def _render_file(self, params: dict[str, Any], path: Path, samples: int) -> np.ndarray:
        offset = float(params.get("offset") or 0.0)
        tempo = float(params.get("tempo") or 1.0)
        # Enough source for the cue (plus a second for the stretcher's window);
        # when the file is shorter it is decoded whole and looped.
        audio = userfile.decode(path, limit=offset + samples / PROJECT_RATE * tempo + 1.0)
        if offset < 0:
            raise BackendError(errors.BAD_VALUE, f"offset={offset:g}s must not be negative", "")
        start = round(offset * PROJECT_RATE)
        if start >= len(audio):
            raise BackendError(
                errors.OFFSET_PAST_END,
                f"offset={offset:g}s is past the end of {path.name} "
                f"({len(audio) / PROJECT_RATE:.2f}s)",
                "use a smaller offset",
            )
        audio = audio[start:]
        loop = bool(params.get("loop", True))
        audio = userfile.time_stretch(audio, tempo)
        return userfile.fit(audio, samples, loop=loop)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """Params as hashable plain data (paths are hashed by content separately)."""
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in params.items()}


def _level(audio: np.ndarray, volume_db: float) -> np.ndarray:
    """Loudness-match to the music bed reference, add ``volume_db``, cap the sample peak."""
    lufs = integrated_lufs(audio)
    out = audio.astype(np.float32, copy=True)
    if math.isfinite(lufs):
        out *= np.float32(10 ** ((MUSIC_BED_LUFS + volume_db - lufs) / 20))
    peak = float(np.abs(out).max()) if out.size else 0.0
    if peak > CUE_PEAK_CEILING:
        out *= np.float32(CUE_PEAK_CEILING / peak)
    return out


def _quantize(audio: np.ndarray) -> np.ndarray:
    """16-bit PCM with TPDF dither: cues sit at −23 LUFS, far above 16-bit noise."""
    rng = np.random.default_rng(0)  # fixed: the same cue always quantizes the same way
    # Triangular dither of ±1 LSB from the difference of two random bytes (cheap to draw).
    noise = np.frombuffer(rng.bytes(2 * audio.size), dtype=np.uint8).reshape(2, *audio.shape)
    dither = (noise[0].astype(np.float32) - noise[1]) * np.float32(1 / 255)
    dither *= audio != 0  # digital silence stays silent
    scaled = audio * np.float32(32767.0) + dither
    np.round(scaled, out=scaled)
    np.clip(scaled, -32768, 32767, out=scaled)
    pcm: np.ndarray = scaled.astype(np.int16)
    return pcm


def _flac_encode(pcm: np.ndarray) -> bytes:
    """Stereo int16 ``(n, 2)`` → FLAC bytes (lossless, about half the size of raw PCM)."""
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="flac") as container:
        stream = container.add_stream("flac", rate=PROJECT_RATE, layout="stereo")
        stream.format = "s16"
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = PROJECT_RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()


def _flac_decode(data: bytes) -> np.ndarray:
    import av

    chunks = []
    with av.open(io.BytesIO(data), "r") as container:
        stream = container.streams.audio[0]
        for frame in container.decode(stream):
            arr = frame.to_ndarray()
            chunks.append(arr.T if frame.format.is_planar else arr.reshape(-1, 2))
    pcm = np.concatenate(chunks) if chunks else np.zeros((0, 2), np.int16)
    return pcm.astype(np.float32) / np.float32(32767.0)


_ENGINE = MusicEngine()


def backend() -> MusicEngine:
    return _ENGINE


def cached_cue(
    cache: Cache, key: str, samples: int, volume: float, produce: Callable[[], np.ndarray]
) -> np.ndarray:
    """A cue of ``samples`` from the cache (FLAC under ``key``), else ``produce()``d,
    levelled by ``volume``, quantised, stored and returned.

    FLAC is lossless: a fresh render returns exactly what a later cache hit does.  A
    damaged or short cache entry is produced again, never fatal.
    """
    data = cache.get_bytes(NAMESPACE, key, ".flac")
    if data is not None:
        try:
            audio = _flac_decode(data)
            if len(audio) == samples:
                return audio
        except Exception:  # a damaged cache entry is recomputed, never fatal
            pass
    pcm = _quantize(_level(produce(), volume))
    cache.put_bytes(NAMESPACE, key, _flac_encode(pcm), ".flac")
    return pcm.astype(np.float32) / np.float32(32767.0)


def cue_renderer(cache: Cache) -> Callable[[MusicClip], np.ndarray]:
    """The ``cue_audio`` callable :func:`~screenplay.music.mixer.mix` takes, cached in ``cache``."""

    def render(clip: MusicClip) -> np.ndarray:
        return _ENGINE.render(clip.spec, clip.samples / PROJECT_RATE, cache)

    return render

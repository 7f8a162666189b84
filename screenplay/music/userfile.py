"""The user's own music: decode any file FFmpeg reads, time-stretch, offset, loop.

* Decoding: PyAV (the FFmpeg build in its wheel) → stereo float32 at 48 kHz,
  whatever the source format, channel count or rate.
* ``tempo=``: SoX's ``tempo -m`` effect (WSOLA tuned for music) changes the
  speed without changing the pitch.  SoX is a small Debian package, decades
  old and well kept; WSOLA keeps transients crisper than a plain phase
  vocoder and needs no extra Python dependency.  Audio goes through pipes as
  raw float32, so no intermediate files and no format surprises.
* ``loop=true``: when the cue outlasts the file, the file repeats; each
  repeat is joined with an equal-power crossfade placed where the end of the
  file best matches its beginning (cross-correlation search), so there is
  neither a click nor a dip at the seam.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends.protocols import PROJECT_RATE, BackendError
from screenplay.music import errors

#: Equal-power crossfade at each loop seam (seconds; shortened for short files).
LOOP_CROSSFADE = 1.5
#: How far (seconds) the seam may move to find the best-matching join.
LOOP_SEARCH = 0.25


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise BackendError(
            errors.FILE_MISSING,
            f"music file not found: {path}",
            "paths are relative to the film's folder; check the spelling",
        )


def _audio_stream(container: Any, path: Path) -> Any:
    """The first audio stream of an opened file; BackendError if it has none."""
    if not container.streams.audio:
        raise BackendError(
            errors.FILE_UNREADABLE,
            f"{path.name} has no audio stream",
            "give a file with sound in it (WAV, FLAC, MP3, Ogg, M4A…)",
        )
    return container.streams.audio[0]


def decode(path: Path, limit: float | None = None) -> np.ndarray:
    """Stereo float32 ``(n, 2)`` at PROJECT_RATE; BackendError if missing or undecodable.

    ``limit`` (seconds) stops decoding once that much audio is in hand, so a
    short cue from an hour-long file does not decode the hour.
    """
    import av

    _require_file(path)
    chunks: list[np.ndarray] = []
    wanted = math.inf if limit is None else limit * PROJECT_RATE
    have = 0
    try:
        with av.open(str(path)) as container:
            stream = _audio_stream(container, path)
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=PROJECT_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
                    have += out.samples
                if have >= wanted:
                    break
            else:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray())
    except BackendError:
        raise
    except (av.error.FFmpegError, ValueError, OSError, EOFError) as exc:
        raise BackendError(
            errors.FILE_UNREADABLE,
            f"cannot decode {path.name}: {exc}",
            "the file is corrupt or not audio; re-export it as WAV, FLAC or MP3",
        ) from exc
    if not chunks:
        raise BackendError(
            errors.FILE_UNREADABLE, f"{path.name} decodes to no audio at all", "the file is empty"
        )
    planar = np.concatenate(chunks, axis=1)  # (2, n) for planar float
    audio = np.ascontiguousarray(planar.T, dtype=np.float32)
    if not np.all(np.isfinite(audio)):
        audio = np.nan_to_num(audio, nan=0.0, posinf=0.0, neginf=0.0)
    return audio


def probe(path: Path) -> float | None:
    """Seconds of audio in ``path`` (None if the container does not say); BackendError if unusable.

    Opens the file and decodes its first audio frame, which catches missing,
    empty, corrupt and audio-less files without decoding the whole thing.
    """
    import av

    _require_file(path)
    try:
        with av.open(str(path)) as container:
            stream = _audio_stream(container, path)
            next(iter(container.decode(stream)))
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / 1_000_000  # AV_TIME_BASE
            return None
    except BackendError:
        raise
    except StopIteration:
        raise BackendError(
            errors.FILE_UNREADABLE, f"{path.name} decodes to no audio at all", "the file is empty"
        ) from None
    except (av.error.FFmpegError, ValueError, OSError, EOFError) as exc:
        raise BackendError(
            errors.FILE_UNREADABLE,
            f"cannot decode {path.name}: {exc}",
            "the file is corrupt or not audio; re-export it as WAV, FLAC or MP3",
        ) from exc


def find_sox(tempo: float) -> str:
    exe = shutil.which("sox")
    if exe is None:
        raise BackendError(
            errors.STRETCH_MISSING,
            f"tempo={tempo:g} needs the sox program to time-stretch the file",
            "apt-get install sox (or remove tempo=)",
        )
    return exe


def decoder_version() -> str:
    """PyAV and FFmpeg versions: decoders (MP3 especially) may change between them."""
    import av

    return f"av {av.__version__} ffmpeg {av.library_versions.get('libavcodec')}"


def sox_version() -> str:
    exe = shutil.which("sox")
    if exe is None:
        return "none"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def time_stretch(audio: np.ndarray, tempo: float) -> np.ndarray:
    """Play ``audio`` ``tempo`` times as fast (0.5 → twice as long) at the same pitch."""
    if abs(tempo - 1.0) < 1e-9:
        return audio
    exe = find_sox(tempo)
    raw = ["-t", "raw", "-e", "floating-point", "-b", "32", "-r", str(PROJECT_RATE), "-c", "2"]
    # -m: music mode (longer WSOLA segments, better for sustained harmony).
    cmd = [exe, "-V1", *raw, "-", *raw, "-", "tempo", "-m", f"{tempo:.6f}"]
    proc = subprocess.run(
        cmd,
        input=np.ascontiguousarray(audio, dtype="<f4").tobytes(),
        capture_output=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise BackendError(
            errors.STRETCH_FAILED,
            f"sox tempo {tempo:g} failed (exit {proc.returncode})",
            proc.stderr.decode("utf-8", "replace").strip()[-400:],
        )
    out = np.frombuffer(proc.stdout, dtype="<f4")
    return out[: len(out) // 2 * 2].reshape(-1, 2).astype(np.float32)


def _best_seam(tail: np.ndarray, head: np.ndarray, search: int) -> int:
    """Shift (0…search) into ``tail`` where it best matches ``head`` (normalized correlation)."""
    from scipy.signal import correlate

    a = tail.mean(axis=1)
    b = head.mean(axis=1)
    if len(a) < len(b) + 1 or not np.any(b):
        return 0
    corr = correlate(a, b, mode="valid")
    energy = np.convolve(a * a, np.ones(len(b)), mode="valid")
    score = corr / np.sqrt(np.maximum(energy * float(b @ b), 1e-20))
    return int(np.argmax(score[: search + 1]))


def fit(audio: np.ndarray, samples: int, *, loop: bool) -> np.ndarray:
    """Cut, loop (with a matched crossfade) or pad ``audio`` to exactly ``samples``."""
    if len(audio) >= samples:
        return np.ascontiguousarray(audio[:samples])
    out = np.zeros((samples, 2), dtype=np.float32)
    if not loop or len(audio) < PROJECT_RATE // 10:
        out[: len(audio)] = audio
        return out
    xf = min(int(LOOP_CROSSFADE * PROJECT_RATE), len(audio) // 4)
    search = min(int(LOOP_SEARCH * PROJECT_RATE), len(audio) // 4)
    # Equal-power curves: sin²+cos² = 1 keeps uncorrelated material at constant power.
    t = (np.arange(xf, dtype=np.float32) + 0.5) / xf
    fade_in = np.sin(0.5 * np.pi * t)[:, None]
    fade_out = np.cos(0.5 * np.pi * t)[:, None]
    # The seam: the last xf samples (moved back by up to `search` to where the
    # waveform best matches the file's start) crossfade into the first xf.
    window = audio[len(audio) - xf - search :]
    shift = _best_seam(window, audio[:xf], search)
    seam_start = len(audio) - xf - search + shift  # where the crossfade begins in the file
    pos = 0
    first = True
    while pos < samples:
        chunk = audio if first else audio[xf:]
        start = 0 if first else xf  # later repeats begin after the crossfade region
        n = min(seam_start - start, samples - pos)
        out[pos : pos + n] = chunk[:n]
        pos += n
        if pos >= samples:
            break
        # Crossfade: this repeat's tail (from seam_start) into the next repeat's head.
        m = min(xf, samples - pos)
        out[pos : pos + m] = (
            audio[seam_start : seam_start + m] * fade_out[:m] + audio[:m] * fade_in[:m]
        )
        pos += m
        first = False
    return out

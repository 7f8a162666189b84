"""What every speech engine shares: the :class:`Engine` interface, its :class:`Raw` result,
and the subprocess, program-lookup and WAV-reading helpers the CLI engines use.

An engine turns (parameters, text, rate) into a :class:`Raw`: audio at the
engine's own sample rate plus whatever timings it knows.  The shared work —
chunking, pitch, delivery, resampling, loudness, caching — is in
:mod:`screenplay.voices.backend`.  A missing engine is a :class:`BackendError`
naming the install step.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends.protocols import BackendError, Timed
from screenplay.voices import errors

#: Seconds one engine call may take before it counts as hung.
TIMEOUT = 120.0


@dataclass
class Raw:
    """One engine call's output, before any shared processing."""

    audio: np.ndarray  # float32 mono at ``sr``
    sr: int
    phones: list[Timed] = field(default_factory=list)
    alphabet: str = ""  # "ipa" or "arpabet"
    #: Word spans when the engine knows them (labels are the engine's own spelling).
    word_spans: list[tuple[float, float]] | None = None
    #: IPA words (espeak) for envelope-based estimation when there are no phone times.
    ipa_words: list[str] = field(default_factory=list)
    whisper_done: bool = False
    emphasis_done: bool = False


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read an engine's WAV as float32 mono.

    The stdlib ``wave`` reader is used first because flite's 8 kHz ``kal``
    voice writes a header with a wrong byte rate that scipy rejects.
    """
    import wave

    try:
        with wave.open(str(path), "rb") as w:
            sr, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
            data = w.readframes(w.getnframes())
        if width == 2:
            audio = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
            if channels > 1:
                audio = audio.reshape(-1, channels).mean(axis=1)
            return audio.astype(np.float32), int(sr)
    except (wave.Error, EOFError):
        pass
    from scipy.io import wavfile

    try:
        sr, arr = wavfile.read(str(path))
    except ValueError as exc:
        raise BackendError(
            errors.ENGINE_FAILED, f"the engine wrote an unreadable WAV: {exc}"
        ) from exc
    if arr.ndim > 1:
        arr = arr.mean(axis=1)
    if arr.dtype == np.int32:
        return (arr.astype(np.float32) / 2147483648.0), int(sr)
    if arr.dtype == np.uint8:
        return ((arr.astype(np.float32) - 128.0) / 128.0), int(sr)
    return arr.astype(np.float32), int(sr)


def run(engine: str, cmd: list[str], *, cwd: Path | None = None, check: bool = True) -> str:
    """Run an engine's program; its stdout (and stderr when not ``check``), or SP-coded errors."""
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise BackendError(
            errors.ENGINE_FAILED, f"{engine} took longer than {TIMEOUT:.0f} s"
        ) from exc
    except OSError as exc:
        raise BackendError(errors.ENGINE_FAILED, f"{engine} could not be started: {exc}") from exc
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BackendError(
            errors.ENGINE_FAILED,
            f"{engine} failed (exit {proc.returncode}): {msg[-1] if msg else 'no message'}",
        )
    return proc.stdout.decode("utf-8", "replace") + (
        "" if check else proc.stderr.decode("utf-8", "replace")
    )


def which(program: str, engine: str, hint: str) -> str:
    """The program's path, or a BackendError naming the install step (``hint``)."""
    path = shutil.which(program)
    if path is None:
        raise BackendError(
            errors.ENGINE_MISSING, f"the {engine} voice engine is not installed", hint
        )
    return path


def unknown_voice(engine: str, name: str, known: list[str]) -> BackendError:
    """The error for a voice name the engine does not have, with the closest known name."""
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return BackendError(
        errors.UNKNOWN_ENGINE_VOICE,
        f"{engine} has no voice {name!r}",
        f"{hint}{engine} voices here: {', '.join(known[:30])}{' …' if len(known) > 30 else ''}",
    )


class Engine:
    """Base: a name, a version string for cache keys, availability and ``synthesize``."""

    name = ""
    install = ""

    def available(self) -> bool:
        try:
            self.version()
        except BackendError:
            return False
        return True

    def version(self) -> str:
        raise NotImplementedError

    def validate(self, params: dict[str, Any]) -> None:
        """Raise BackendError for parameters the engine cannot use (before any synthesis)."""

    def language(self, params: dict[str, Any]) -> str:
        return "en"

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        raise NotImplementedError

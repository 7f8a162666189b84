"""Render a MIDI score to audio with the ``fluidsynth`` program and a GM SoundFont.

We call the CLI (``fluidsynth -ni -F out.wav -r 48000 …``) rather than the
pyfluidsynth binding: the Debian package is all it needs, and the fast-render
mode writes a file as quickly as the CPU allows.  Output is 32-bit float WAV
so nothing clips inside the synthesizer; levels are set afterwards by
loudness, not by peak.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from screenplay.backends.protocols import PROJECT_RATE, BackendError
from screenplay.music import errors

if TYPE_CHECKING:
    import numpy as np
    import pretty_midi

INSTALL_HELP = (
    "apt-get install fluidsynth timgm6mb-soundfont (or fluid-soundfont-gm for a richer sound)"
)

#: Searched in order: the larger FluidR3 (fluid-soundfont-gm) sounds better, the
#: 6 MB TimGM6mb (timgm6mb-soundfont) is the small default.
SOUNDFONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/TimGM6mb.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
    "/usr/share/soundfonts/default.sf2",
)

#: Synth gain: high enough to stay far above the float noise floor, low enough
#: that dense chords rarely exceed full scale (they may; we render float).
FLUIDSYNTH_GAIN = 0.5


def find_soundfont() -> Path:
    """The SoundFont to use: ``$SCREENPLAY_SOUNDFONT`` or the first installed candidate."""
    env = os.environ.get("SCREENPLAY_SOUNDFONT")
    if env:
        p = Path(env)
        if p.is_file():
            return p
        raise BackendError(
            errors.SYNTH_MISSING,
            f"SCREENPLAY_SOUNDFONT points to {env}, which is not a file",
            "unset it or point it at an .sf2 SoundFont; or " + INSTALL_HELP,
        )
    for cand in SOUNDFONT_CANDIDATES:
        p = Path(cand)
        if p.is_file():
            return p.resolve()
    raise BackendError(errors.SYNTH_MISSING, "no General MIDI SoundFont is installed", INSTALL_HELP)


def find_fluidsynth() -> str:
    exe = shutil.which("fluidsynth")
    if exe is None:
        raise BackendError(
            errors.SYNTH_MISSING, "the fluidsynth program is not installed", INSTALL_HELP
        )
    return exe


@cache
def fluidsynth_version() -> str:
    """``fluidsynth --version`` first line (part of every cue's cache key)."""
    out = subprocess.run(
        [find_fluidsynth(), "--version"], capture_output=True, text=True, timeout=30
    )
    return (out.stdout.strip().splitlines() or ["unknown"])[0]


def render_midi(score: pretty_midi.PrettyMIDI, seconds: float, soundfont: Path) -> np.ndarray:
    """Stereo float32 ``(n, 2)`` at PROJECT_RATE, exactly ``round(seconds * rate)`` samples.

    The score is rendered whole (reverb tails included), then cut or padded
    with silence to the requested length.
    """
    import numpy as np
    from scipy.io import wavfile

    exe = find_fluidsynth()
    with tempfile.TemporaryDirectory(prefix="screenplay-music-") as tmp:
        mid = Path(tmp) / "score.mid"
        wav = Path(tmp) / "score.wav"
        score.write(str(mid))
        cmd = [
            exe, "-ni", "-q",
            "-F", str(wav), "-T", "wav", "-O", "float",
            "-r", str(PROJECT_RATE),
            "-g", str(FLUIDSYNTH_GAIN),
            "-o", "synth.reverb.active=1", "-o", "synth.chorus.active=1",
            str(soundfont), str(mid),
        ]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or not wav.is_file() or wav.stat().st_size < 100:
            raise BackendError(
                errors.SYNTH_FAILED,
                f"fluidsynth failed (exit {proc.returncode}) with SoundFont {soundfont}",
                (proc.stderr or proc.stdout).strip()[-500:] or "try reinstalling the SoundFont",
            )
        with warnings.catch_warnings():
            # fluidsynth writes a LIST chunk scipy does not parse; harmless.
            warnings.simplefilter("ignore")
            rate, data = wavfile.read(str(wav))
    if rate != PROJECT_RATE:  # fluidsynth honours -r; guard anyway
        raise BackendError(
            errors.SYNTH_FAILED, f"fluidsynth wrote {rate} Hz instead of {PROJECT_RATE}", ""
        )
    audio = np.asarray(data, dtype=np.float32)
    if audio.ndim == 1:
        audio = np.stack([audio, audio], axis=1)
    n = round(seconds * PROJECT_RATE)
    if len(audio) >= n:
        return np.ascontiguousarray(audio[:n, :2])
    out = np.zeros((n, 2), dtype=np.float32)
    out[: len(audio)] = audio[:, :2]
    return out

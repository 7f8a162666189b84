"""Signal processing for voices: resampling, pitch, loudness and delivery colour.

Everything works on mono float32 numpy arrays.  The heavier effects are
honest, simple and measurable rather than clever:

* pitch shift: ``sox pitch`` (WSOLA; keeps duration, so timings stay valid);
* whisper: the spectral envelope of the line re-excited with noise (STFT
  magnitude smoothed across frequency, random phase) — voicing disappears,
  the words remain;
* shout: a presence boost and soft saturation (the pitch/rate/level part of a
  shout comes from the :class:`Delivery` numbers);
* laugh: tremolo and vibrato at a laughing rate (~5.5 Hz);
* off-screen placement: muffled (low-passed), quieter and in a small room; voice-over
  is close and dry (a little low-end warmth, nothing else).
"""

from __future__ import annotations

import shutil
import subprocess
from math import gcd

import numpy as np

from screenplay.backends.protocols import PROJECT_RATE, BackendError, Timed
from screenplay.voices import errors

#: Loudness every line is normalized to before its delivery gain (EBU R128 dialogue-ish).
TARGET_LUFS = -20.0
#: Highest sample value allowed after all gains.
PEAK_CEILING = 0.97


def resample(audio: np.ndarray, sr: int, target: int = PROJECT_RATE) -> np.ndarray:
    """Polyphase resampling to ``target`` Hz (scipy's anti-aliased resample_poly)."""
    if sr == target or len(audio) == 0:
        return audio.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    g = gcd(int(sr), int(target))
    return np.asarray(
        resample_poly(audio.astype(np.float64), target // g, sr // g), dtype=np.float32
    )


def pitch_shift(audio: np.ndarray, sr: int, semitones: float, timeout: float = 120.0) -> np.ndarray:
    """Shift pitch by ``semitones`` keeping the duration (sox's ``pitch`` effect)."""
    if abs(semitones) < 0.01 or len(audio) == 0:
        return audio
    sox = shutil.which("sox")
    if sox is None:
        raise BackendError(
            errors.ENGINE_MISSING,
            "shifting a voice's pitch needs sox, which is not installed",
            "apt-get install sox",
        )
    fmt = ["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(sr)]
    cmd = [sox, "-q", "-V1", *fmt, "-", *fmt, "-", "pitch", f"{semitones * 100:.1f}"]
    try:
        proc = subprocess.run(
            cmd,
            input=audio.astype("<f4").tobytes(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BackendError(errors.ENGINE_FAILED, "sox timed out shifting pitch") from exc
    if proc.returncode != 0:
        raise BackendError(
            errors.ENGINE_FAILED, f"sox failed: {proc.stderr.decode(errors='replace').strip()}"
        )
    out = np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)
    # sox may differ by a few samples; keep the original length so timings hold.
    if len(out) >= len(audio):
        return out[: len(audio)]
    return np.pad(out, (0, len(audio) - len(out)))


def loudness_normalize(audio: np.ndarray, sr: int, target_lufs: float = TARGET_LUFS) -> np.ndarray:
    """Scale the line to ``target_lufs`` integrated loudness (ITU-R BS.1770 via pyloudnorm)."""
    if len(audio) == 0 or float(np.max(np.abs(audio))) < 1e-6:
        return audio
    import pyloudnorm

    meter = pyloudnorm.Meter(sr)
    # BS.1770 needs at least one 400 ms block; silence padding is gated out.
    block = int(0.4 * sr) + 1
    probe = audio if len(audio) >= block else np.pad(audio, (0, block - len(audio)))
    if len(probe) > 90 * sr:
        # A monologue: measure 30 evenly spaced 3 s excerpts (one voice, one level)
        # instead of K-weighting ten minutes of audio.
        step = len(probe) // 30
        take = 3 * sr
        probe = np.concatenate([probe[i : i + take] for i in range(0, len(probe) - take, step)])
    loudness = meter.integrated_loudness(probe.astype(np.float64))
    if not np.isfinite(loudness):
        return audio
    return np.asarray((audio * 10 ** ((target_lufs - loudness) / 20)), dtype=np.float32)


def gain(audio: np.ndarray, db: float) -> np.ndarray:
    return audio if db == 0 else (audio * 10 ** (db / 20)).astype(np.float32)


def peak_guard(audio: np.ndarray, ceiling: float = PEAK_CEILING) -> np.ndarray:
    """Scale down (never up) so no sample exceeds ``ceiling``."""
    peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
    return (audio * (ceiling / peak)).astype(np.float32) if peak > ceiling else audio


def trim_silence(
    audio: np.ndarray, sr: int, keep: float = 0.06, floor_db: float = -45.0
) -> tuple[np.ndarray, float]:
    """Cut leading and trailing silence to ``keep`` s; returns (audio, seconds cut at the start)."""
    if len(audio) == 0:
        return audio, 0.0
    env = np.abs(audio)
    peak = float(env.max())
    if peak <= 1e-6:
        return audio[:0], 0.0
    loud = np.flatnonzero(env > peak * 10 ** (floor_db / 20))
    pad = int(keep * sr)
    start = max(0, int(loud[0]) - pad)
    end = min(len(audio), int(loud[-1]) + 1 + pad)
    return audio[start:end], start / sr


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed & 0xFFFFFFFF)


def whisper(audio: np.ndarray, sr: int, seed: int = 0) -> np.ndarray:
    """Replace voicing with breath: keep the spectral envelope, randomize the excitation."""
    if len(audio) < 64:
        return audio
    from scipy.ndimage import uniform_filter1d
    from scipy.signal import butter, istft, sosfilt, stft

    nper = 1024
    _, _, z = stft(audio, fs=sr, nperseg=nper, noverlap=nper * 3 // 4)
    mag = np.abs(z)
    # Smooth across ~350 Hz so harmonics (the pitch) vanish but formants stay.
    bins = max(3, int(round(350 / (sr / nper))))
    env = uniform_filter1d(mag, size=bins, axis=0, mode="nearest")
    phase = _rng(seed).uniform(-np.pi, np.pi, size=z.shape)
    _, y = istft(env * np.exp(1j * phase), fs=sr, nperseg=nper, noverlap=nper * 3 // 4)
    y = y[: len(audio)]
    if len(y) < len(audio):
        y = np.pad(y, (0, len(audio) - len(y)))
    # Breath has little low end and, without the glottal pulse's tilt, a flatter
    # spectrum: high-pass, then a first-order pre-emphasis (+6 dB/octave).
    y = sosfilt(butter(2, 400, "highpass", fs=sr, output="sos"), y)
    y = np.append(y[:1], y[1:] - 0.9 * y[:-1])
    return np.asarray(y, dtype=np.float32)


def shout(audio: np.ndarray, sr: int) -> np.ndarray:
    """Strained, bright voice: +6 dB presence above ~1.8 kHz, then soft saturation."""
    if len(audio) == 0:
        return audio
    from scipy.signal import butter, sosfilt

    bright = audio + 1.0 * sosfilt(butter(2, 1800, "highpass", fs=sr, output="sos"), audio)
    peak = float(np.max(np.abs(bright))) or 1.0
    drive = 3.0
    return np.asarray((np.tanh(drive * bright / peak) / np.tanh(drive) * peak), dtype=np.float32)


def laugh(audio: np.ndarray, sr: int, rate_hz: float = 5.5) -> np.ndarray:
    """Speech through laughter: amplitude pulses and a pitch wobble at ~5.5 Hz."""
    n = len(audio)
    if n == 0:
        return audio
    t = np.arange(n) / sr
    # Vibrato: read the signal at a time that wobbles by ±0.35 semitone.
    depth = 2 ** (0.35 / 12) - 1
    read = t + depth * (1 - np.cos(2 * np.pi * rate_hz * t)) / (2 * np.pi * rate_hz)
    wobbled = np.interp(np.clip(read, 0, t[-1]), t, audio)
    # Deep pulses (−14 dB troughs): the breath of "ha-ha-ha" chopping the words.
    tremolo = 0.2 + 0.8 * (0.5 + 0.5 * np.sin(2 * np.pi * rate_hz * t))
    return np.asarray((wobbled * tremolo), dtype=np.float32)


def emphasize(audio: np.ndarray, sr: int, spans: list[Timed], db: float = 4.0) -> np.ndarray:
    """Raise stressed words by ``db`` with 20 ms ramps (for engines without SSML emphasis)."""
    if not spans or len(audio) == 0:
        return audio
    env = np.ones(len(audio), dtype=np.float64)
    g = 10 ** (db / 20)
    ramp = max(1, int(0.02 * sr))
    for span in spans:
        a, b = int(span.start * sr), int(span.end * sr)
        a, b = max(0, a), min(len(audio), b)
        if b <= a:
            continue
        seg = np.full(b - a, g)
        r = min(ramp, (b - a) // 2)
        if r > 0:
            seg[:r] = np.linspace(1, g, r)
            seg[-r:] = np.linspace(g, 1, r)
        env[a:b] = np.maximum(env[a:b], seg)
    return (audio * env).astype(np.float32)


def _room_ir(sr: int, rt60: float, seed: int) -> np.ndarray:
    n = int(rt60 * sr)
    t = np.arange(n) / sr
    ir = _rng(seed).standard_normal(n) * np.exp(-6.9 * t / rt60)
    ir[0] = 0.0
    return np.asarray(ir / np.sqrt(np.sum(ir**2)), dtype=np.float64)


def place(audio: np.ndarray, sr: int, placement: str, seed: int = 0) -> np.ndarray:
    """Voice-over: close and warm.  Off screen: through a wall — muffled, roomy, −6 dB."""
    if len(audio) == 0 or placement == "on":
        return audio
    from scipy.signal import butter, fftconvolve, sosfilt

    if placement == "vo":
        low = sosfilt(butter(2, 250, "lowpass", fs=sr, output="sos"), audio)
        return np.asarray((audio + 0.4 * low), dtype=np.float32)
    if placement == "os":
        # A wall passes the low end and swallows consonants: low-pass at 1.5 kHz.
        band = sosfilt(butter(4, 1500, "lowpass", fs=sr, output="sos"), audio)
        wet = fftconvolve(band, _room_ir(sr, 0.35, seed))[: len(band)]
        mixed = 0.75 * band + 0.35 * wet
        rms_in = float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) or 1.0
        rms_out = float(np.sqrt(np.mean(mixed**2))) or 1.0
        # Same loudness as the dry line, then 6 dB down: the wall takes it.
        return np.asarray((mixed * (rms_in / rms_out) * 10 ** (-6 / 20)), dtype=np.float32)
    return audio


# ---------------------------------------------------------------------------
# Measurements (used by tests, the docs table and `screenplay voices --measure`)
# ---------------------------------------------------------------------------


def median_pitch(audio: np.ndarray, sr: int, fmin: float = 60.0, fmax: float = 420.0) -> float:
    """Median f0 in Hz over voiced 40 ms frames (normalized autocorrelation), 0 if unvoiced."""
    n = int(0.04 * sr)
    hop = n // 2
    if len(audio) < n:
        return 0.0
    x = audio.astype(np.float64)
    frame_rms = np.array([np.sqrt(np.mean(x[i : i + n] ** 2)) for i in range(0, len(x) - n, hop)])
    if len(frame_rms) == 0 or frame_rms.max() <= 0:
        return 0.0
    lo, hi = int(sr / fmax), int(sr / fmin)
    f0s = []
    for k, i in enumerate(range(0, len(x) - n, hop)):
        if frame_rms[k] < frame_rms.max() * 0.1:
            continue
        fr = x[i : i + n] - x[i : i + n].mean()
        spec = np.fft.rfft(fr, 2 * n)
        ac = np.fft.irfft(np.abs(spec) ** 2)[:n]
        if ac[0] <= 0:
            continue
        ac = ac / ac[0]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.45:  # clearly periodic: a voiced frame
            f0s.append(sr / lag)
    return float(np.median(f0s)) if f0s else 0.0


def spectral_centroid(audio: np.ndarray, sr: int) -> float:
    """Energy-weighted mean frequency (Hz) of the whole line."""
    if len(audio) == 0:
        return 0.0
    spec = np.abs(np.fft.rfft(audio.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1 / sr)
    total = spec.sum()
    return float((freqs * spec).sum() / total) if total > 0 else 0.0

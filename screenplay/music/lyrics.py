"""Lyrics (``~`` lines): chant a spoken line on one note of the current cue's key.

Fountain lyrics are "sung or chanted over the current cue".  Our voices are
speech synthesizers, so this module does the honest simple thing a choir
director would call *recto tono*: it keeps the words, their timing and their
consonants, and flattens the intonation onto a single reciting note — the
chord tone of the cue's key (tonic, third or fifth) nearest to the speaker's
own median pitch, so nobody is pushed out of their range.

How: the pitch contour is tracked by normalized autocorrelation (10 ms hop);
voiced stretches are re-synthesized by TD-PSOLA — two-period Hann grains cut
at pitch marks and overlap-added at the target period — and unvoiced sounds
(s, f, t, breath) pass through untouched.  ``strength`` between 0 and 1
keeps part of the original contour (0.7 leaves a little speech melody in).

It is not singing: there is no melody and no vowel lengthening.  A real
singing synthesizer would be a separate voice engine.
"""

from __future__ import annotations

import math

import numpy as np

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec
from screenplay.music.keys import Key, parse_key

#: Pitch range searched for voices (Hz).
F0_MIN = 60.0
F0_MAX = 500.0
#: Analysis hop and window (s).
HOP = 0.010
WINDOW = 0.040
#: Normalized autocorrelation above which a frame counts as voiced.
VOICING = 0.5
_ANALYSIS_RATE = 16_000


def estimate_f0(audio: np.ndarray, rate: int = PROJECT_RATE) -> tuple[np.ndarray, np.ndarray]:
    """(f0 in Hz per 10 ms frame, voiced mask).  Unvoiced frames have f0 = 0."""
    from scipy.signal import resample_poly

    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    g = math.gcd(rate, _ANALYSIS_RATE)
    y = resample_poly(x, _ANALYSIS_RATE // g, rate // g) if rate != _ANALYSIS_RATE else x
    sr = _ANALYSIS_RATE
    hop = int(HOP * sr)
    win = int(WINDOW * sr)
    frames = max(1, math.ceil(len(x) / rate / HOP))
    yp = np.pad(y, (win // 2, win + frames * hop))
    idx = np.arange(frames)[:, None] * hop + np.arange(win)[None, :]
    seg = yp[idx]
    seg = seg - seg.mean(axis=1, keepdims=True)
    energy = (seg**2).sum(axis=1)
    # Autocorrelation via FFT, normalized by the overlap length (unbiased) and r(0).
    nfft = 1 << (2 * win - 1).bit_length()
    spec = np.fft.rfft(seg * np.hanning(win), nfft, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, nfft, axis=1)[:, :win]
    ac = ac / np.maximum(ac[:, :1], 1e-12)
    lo, hi = int(sr / F0_MAX), int(sr / F0_MIN)
    band = ac[:, lo:hi]
    best = band.max(axis=1)
    # Prefer the shortest lag close to the best peak: avoids octave-down errors.
    ok = band >= (0.9 * best)[:, None]
    first = np.argmax(ok, axis=1)
    lag = np.empty(frames)
    for i, j in enumerate(first):
        # parabolic refinement around the chosen local peak
        k = j + lo
        while k + 1 < hi and ac[i, k + 1] > ac[i, k]:
            k += 1
        if 1 <= k < win - 1:
            a, b, c = ac[i, k - 1], ac[i, k], ac[i, k + 1]
            denom = a - 2 * b + c
            lag[i] = k + (0.5 * (a - c) / denom if denom != 0 else 0.0)
        else:
            lag[i] = k
    loud = energy > max(float(energy.max()) * 1e-3, 1e-9)
    voiced = (best > VOICING) & loud
    f0 = np.where(voiced, sr / lag, 0.0)
    return f0, voiced


def reciting_note(key: Key | str, f0: float) -> float:
    """Frequency (Hz) of the key's chord tone (1, 3, 5) nearest to ``f0`` in pitch."""
    k = parse_key(key) if isinstance(key, str) else key
    target_midi = 69 + 12 * math.log2(max(f0, 1.0) / 440.0)
    candidates = [k.pitch(d, octave) for octave in range(0, 8) for d in (0, 2, 4)]
    best = min(candidates, key=lambda p: abs(p - target_midi))
    return 440.0 * 2 ** ((best - 69) / 12)


def cue_key(spec: AssetSpec | None) -> str | None:
    """The key a lyric should be chanted in under the cue ``spec`` (None: no pitched cue).

    Algorithmic cues give their ``key=`` (or their style's default key); a
    user's audio file has no known key, so lyrics over it stay spoken.
    """
    from screenplay.music.schema import STYLES

    if spec is None or spec.constructor not in STYLES:
        return None
    return str(spec.get("key") or STYLES[spec.constructor][0])


def chant(
    audio: np.ndarray, key: str, *, strength: float = 1.0, rate: int = PROJECT_RATE
) -> np.ndarray:
    """The line chanted on one note of ``key`` (same length, mono float32)."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if len(x) == 0:
        return x.copy()
    f0, voiced = estimate_f0(x, rate)
    if voiced.sum() < 3:
        return x.copy()  # nothing pitched to flatten
    target = reciting_note(key, float(np.median(f0[voiced])))
    hop = HOP * rate

    def f0_at(t: float) -> float:
        i = min(len(f0) - 1, max(0, int(round(t / hop))))
        return float(f0[i]) if voiced[i] else 0.0

    # Analysis pitch marks: one per period through voiced stretches, each
    # snapped to the waveform's largest peak nearby so grains line up.
    from scipy.signal import butter, sosfiltfilt

    smooth = sosfiltfilt(butter(4, 900, fs=rate, output="sos"), x.astype(np.float64))
    marks: list[tuple[int, float]] = []  # (sample, period in samples)
    t = 0.0
    unvoiced_step = int(0.005 * rate)
    while t < len(x):
        f = f0_at(t)
        if f <= 0:
            marks.append((int(t), 0.0))
            t += unvoiced_step
            continue
        period = rate / f
        lo = int(max(0, t - 0.25 * period))
        hi = int(min(len(x), t + 0.25 * period + 1))
        peak = lo + int(np.argmax(smooth[lo:hi])) if hi > lo else int(t)
        if marks and peak <= marks[-1][0]:
            peak = int(marks[-1][0] + max(1, period * 0.5))
        marks.append((peak, period))
        t = peak + period
    positions = np.array([m[0] for m in marks])

    out = np.zeros(len(x), dtype=np.float64)
    t = 0.0
    while t < len(x):
        i = int(np.argmin(np.abs(positions - t)))
        src, period = marks[i]
        if period <= 0:
            # Unvoiced: 10 ms Hann grains every 5 ms (they sum to one) — a pass-through.
            _overlap_add(out, x, src, unvoiced_step, int(round(t)), 1.0)
            t += unvoiced_step
            continue
        f_new = math.exp((1 - strength) * math.log(rate / period) + strength * math.log(target))
        new_period = rate / f_new
        # Two-period Hann grains spaced one *new* period apart sum to
        # period/new_period: scale so the vowel keeps its loudness.
        _overlap_add(out, x, src, int(period), int(round(t)), new_period / period)
        t += new_period
    return out.astype(np.float32)


def _overlap_add(
    out: np.ndarray, x: np.ndarray, src: int, half: int, dst: int, gain: float
) -> None:
    """Add the Hann grain ``x[src-half : src+half]`` centred at ``dst`` into ``out``."""
    if half <= 0:
        return
    window = np.hanning(2 * half + 2)[1:-1]
    lo = max(-half, -src, -dst)
    hi = min(half, len(x) - src, len(out) - dst)
    if hi <= lo:
        return
    out[dst + lo : dst + hi] += gain * x[src + lo : src + hi] * window[half + lo : half + hi]

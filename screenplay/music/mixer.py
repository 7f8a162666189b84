"""The soundtrack mixer: speech, effects and music on buses → a normalized stereo mix.

Signal flow (all float32 at 48 kHz, pure numpy/scipy)::

    dialogue ─┐ (pan, gain)                        ┌─ key (speech activity) ─┐
    narration ┴─ speech buses ── × speech ref. ────┤                         │
    fx ──────────────────────── (pan, gain) ───────┤                 ducking envelope
    music cues ── gain, fades, de-click ── × duck ◀─┘─────────────────────────┘
                                       └──── master sum ── loudness normalize ── true-peak limiter

* **Speech reference.**  The dialogue + narration buses together are brought
  to :data:`SPEECH_REFERENCE_LUFS` (−20 LUFS integrated) with one gain, so
  the balance against the music bed (cues arrive at −23 LUFS from the engine)
  does not depend on which voice engine spoke; relative levels between lines
  (a whisper, a shout) are kept.
* **Ducking.**  Music under speech drops by :data:`DUCK_DEPTH_DB` (−15 dB).
  The key is the speech itself: each line's 5 ms RMS envelope, gated 30 dB
  below that line's loudest window (so a whisper ducks like a shout).
  Activity is held :data:`DUCK_HOLD` (300 ms) to bridge the gaps between
  words, and seen :data:`DUCK_LOOKAHEAD` (100 ms) early — we mix offline, so
  look-ahead is free — so with an :data:`DUCK_ATTACK` of 80 ms the music is
  already fully down before the first syllable.  The gain then slews back
  over :data:`DUCK_RELEASE` (400 ms).  Slewing is linear in dB, which is how
  a sidechain compressor's attack/release sounds.
* **Fades.**  Each cue's fade-in/out are raised-cosine (S-shaped) amplitude
  curves; every cue also gets 5 ms de-click ramps at both ends.
* **Master.**  Integrated loudness (BS.1770-4 via ``pyloudnorm``) is set to
  ``target_lufs`` (default −16 LUFS, the usual target for online video), then
  a look-ahead true-peak limiter (4× oversampled peak detection) holds the
  true peak at ``true_peak_db`` (default −1 dBTP).  Normalize → limit is
  repeated until the loudness is within 0.1 LU of the target (limiting
  lowers loudness slightly), so nothing clips and the film measures on
  target.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from screenplay.backends.protocols import PROJECT_RATE
from screenplay.music.loudness import integrated_lufs, limit_true_peak, true_peak_db
from screenplay.timeline import AudioClip, MusicClip, Timeline

SPEECH_REFERENCE_LUFS = -20.0
DUCK_DEPTH_DB = -15.0
DUCK_ATTACK = 0.080
DUCK_RELEASE = 0.400
DUCK_HOLD = 0.300
DUCK_LOOKAHEAD = 0.100
#: A speech window counts as active within this many dB of the line's loudest window…
SPEECH_GATE_DB = 30.0
#: …and above this absolute floor (dBFS), so silence padding never ducks.
SPEECH_FLOOR_DB = -70.0
#: Envelope resolution for ducking (5 ms).
DUCK_HOP = PROJECT_RATE // 200
DECLICK = 0.005
SPEECH_BUSES = ("dialogue", "narration")
BUSES = ("dialogue", "narration", "fx", "music")
#: Normalize → limit passes before giving up on the last 0.1 LU.
MAX_PASSES = 4


@dataclass
class MixResult:
    """The film's soundtrack and how it measures."""

    audio: np.ndarray  # float32 (timeline.samples, 2)
    lufs: float  # integrated loudness of ``audio``
    true_peak_db: float  # 4× oversampled true peak of ``audio``
    master_gain_db: float = 0.0  # loudness-normalization gain applied to the bus sum
    limiter_db: float = 0.0  # deepest true-peak limiter gain reduction
    #: Music gain from ducking, in dB, one value per DUCK_HOP samples.
    duck_db: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    #: Per-bus stereo stems after every gain (they sum to ``audio``), if requested.
    stems: dict[str, np.ndarray] | None = None


def mix(
    timeline: Timeline,
    speech: Callable[[str], np.ndarray],
    cue_audio: Callable[[MusicClip], np.ndarray],
    *,
    target_lufs: float = -16.0,
    true_peak_db: float = -1.0,
    stems: bool = False,
) -> MixResult:
    """Mix every clip of ``timeline`` into stereo at ``timeline.samples`` samples.

    ``speech(audio_key)`` returns mono float32 at 48 kHz for an AudioClip;
    ``cue_audio(clip)`` returns the stereo render of a MusicClip
    (``clip.samples`` long).  With ``stems=True`` the result carries each
    bus after all gains, ducking and limiting.
    """
    n = timeline.samples
    buses = {name: np.zeros((n, 2), dtype=np.float32) for name in BUSES}
    ducked_music = np.zeros((n, 2), dtype=np.float32)
    hops = max(1, math.ceil(n / DUCK_HOP))
    active = np.zeros(hops, dtype=bool)
    # Mono sum of all speech for measuring it: with constant-power panning
    # L² + R² equals the mono power, so its loudness is the stereo loudness
    # at half the cost.
    speech_mono = np.zeros(n, dtype=np.float32)

    for clip in timeline.audio:
        mono = _speech_clip(speech(clip.audio_key), clip)
        if mono is None:
            continue
        lo, hi, src = _span(clip.start_sample, clip.samples, n)
        if hi <= lo:
            continue
        piece = mono[src : src + hi - lo]
        left, right = _pan_gains(clip.pan)
        bus = buses.get(clip.bus, buses["fx"])
        bus[lo:hi, 0] += piece * left
        bus[lo:hi, 1] += piece * right
        if clip.bus in SPEECH_BUSES:
            _mark_speech(active, piece, lo)
            speech_mono[lo:hi] += piece

    # One gain for all speech: voice engines differ in level, the film should not.
    speech_lufs = integrated_lufs(speech_mono) if np.any(active) else -math.inf
    del speech_mono
    if math.isfinite(speech_lufs):
        g = np.float32(10 ** ((SPEECH_REFERENCE_LUFS - speech_lufs) / 20))
        buses["dialogue"] *= g
        buses["narration"] *= g

    for mclip in timeline.music:
        lo, hi, src = _span(mclip.start_sample, mclip.samples, n)
        if hi <= lo:
            continue
        audio = np.asarray(cue_audio(mclip), dtype=np.float32)
        audio = _fit_stereo(audio, mclip.samples)
        audio = audio * _cue_envelope(mclip)[:, None]
        target = ducked_music if mclip.duck else buses["music"]
        target[lo:hi] += audio[src : src + hi - lo]

    duck_db = duck_envelope(active)
    if np.any(ducked_music):
        buses["music"] += ducked_music * _hop_to_samples(duck_db, n)[:, None]
    del ducked_music

    master = buses["dialogue"] + buses["narration"] + buses["fx"] + buses["music"]
    master, gain_total, master_db, limiter_db, lufs = _master(master, target_lufs, true_peak_db)
    peak = true_peak_db_of(master)
    out_stems = None
    if stems:
        out_stems = {}
        for name in BUSES:
            out_stems[name] = (buses[name] * gain_total[:, None]).astype(np.float32)
    return MixResult(
        audio=master,
        lufs=lufs,
        true_peak_db=peak,
        master_gain_db=master_db,
        limiter_db=limiter_db,
        duck_db=duck_db,
        stems=out_stems,
    )


#: ``mix`` has a parameter named ``true_peak_db``; this keeps the meter reachable.
true_peak_db_of = true_peak_db


# --------------------------------------------------------------------------
# Clips
# --------------------------------------------------------------------------


def _span(start: int, samples: int, n: int) -> tuple[int, int, int]:
    """Clip placement clamped to the film: (first, end, offset into the clip)."""
    lo = max(0, start)
    hi = min(n, start + samples)
    return lo, hi, lo - start


def _speech_clip(audio: np.ndarray, clip: AudioClip) -> np.ndarray | None:
    """Mono float32 exactly ``clip.samples`` long with the clip's gain applied."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 2:  # an engine that returns stereo: fold to mono, pan decides placement
        x = x.mean(axis=1)
    if clip.samples <= 0:
        return None
    out = np.zeros(clip.samples, dtype=np.float32)
    m = min(len(x), clip.samples)
    out[:m] = x[:m]
    if clip.gain_db:
        out *= np.float32(10 ** (clip.gain_db / 20))
    return out


def _pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan law (−3 dB per side at centre), pan −1 … 1."""
    theta = (min(1.0, max(-1.0, pan)) + 1.0) * math.pi / 4
    return math.cos(theta), math.sin(theta)


def _fit_stereo(audio: np.ndarray, samples: int) -> np.ndarray:
    if audio.ndim == 1:
        audio = np.stack([audio, audio], axis=1)
    out = np.zeros((samples, 2), dtype=np.float32)
    m = min(len(audio), samples)
    out[:m] = audio[:m, :2]
    return out


def _cue_envelope(clip: MusicClip) -> np.ndarray:
    """Gain × fade-in × fade-out × de-click for one cue (per sample)."""
    n = clip.samples
    env = np.full(n, 10 ** (clip.gain_db / 20), dtype=np.float32)
    fin = max(0, round(max(clip.fade_in, DECLICK) * PROJECT_RATE))
    fout = max(0, round(max(clip.fade_out, DECLICK) * PROJECT_RATE))
    if fin + fout > n:
        # Fades longer than the cue are a user error reported at check time
        # (schema.check_fades); here they are scaled to fit rather than crash.
        scale = n / (fin + fout)
        fin, fout = int(fin * scale), int(fout * scale)
    if fin > 0:
        t = (np.arange(fin, dtype=np.float32) + 0.5) / fin
        env[:fin] *= 0.5 - 0.5 * np.cos(np.pi * t)  # raised cosine: smooth at both ends
    if fout > 0:
        t = (np.arange(fout, dtype=np.float32) + 0.5) / fout
        env[n - fout :] *= 0.5 + 0.5 * np.cos(np.pi * t)
    return env


# --------------------------------------------------------------------------
# Ducking
# --------------------------------------------------------------------------


def _mark_speech(active: np.ndarray, piece: np.ndarray, start: int) -> None:
    """Set ``active`` hops where this line is audibly speaking."""
    if not len(piece):
        return
    # Hop-aligned windows (the first may be partial) so marks land in film hops.
    first_hop = start // DUCK_HOP
    pad_front = start - first_hop * DUCK_HOP
    x = np.concatenate([np.zeros(pad_front, np.float32), piece])
    k = math.ceil(len(x) / DUCK_HOP)
    x = np.pad(x, (0, k * DUCK_HOP - len(x)))
    rms = np.sqrt(np.mean(x.reshape(k, DUCK_HOP) ** 2, axis=1))
    loudest = float(rms.max())
    if loudest <= 0:
        return
    gate = max(loudest * 10 ** (-SPEECH_GATE_DB / 20), 10 ** (SPEECH_FLOOR_DB / 20))
    on = rms > gate
    end = min(len(active), first_hop + k)
    active[first_hop:end] |= on[: end - first_hop]


def duck_envelope(active: np.ndarray) -> np.ndarray:
    """Music gain in dB per hop from speech activity (hold, look-ahead, attack, release)."""
    from scipy.ndimage import maximum_filter1d

    if not np.any(active):
        return np.zeros(len(active), dtype=np.float32)
    hold = round(DUCK_HOLD * PROJECT_RATE / DUCK_HOP)
    ahead = round(DUCK_LOOKAHEAD * PROJECT_RATE / DUCK_HOP)
    # Hop i is "ducked" if speech is active anywhere in [i - hold, i + ahead].
    size = hold + ahead + 1
    wide = maximum_filter1d(
        active.astype(np.uint8), size=size, origin=_origin(size, ahead), mode="constant"
    )
    target = np.where(wide > 0, DUCK_DEPTH_DB, 0.0)
    down = abs(DUCK_DEPTH_DB) / (DUCK_ATTACK * PROJECT_RATE / DUCK_HOP)  # dB per hop
    up = abs(DUCK_DEPTH_DB) / (DUCK_RELEASE * PROJECT_RATE / DUCK_HOP)
    out = np.empty(len(target), dtype=np.float32)
    g = 0.0
    # Slew limiter (linear in dB); sequential by nature, 200 steps per second.
    for i, t in enumerate(target.tolist()):
        g = max(t, g - down) if t < g else min(t, g + up)
        out[i] = g
    return out


def _origin(size: int, after: int) -> int:
    """scipy ``origin`` making a window of ``size`` reach ``after`` samples ahead.

    scipy's window for output ``i`` is ``input[i - size // 2 - origin :][:size]``.
    """
    return size - 1 - after - size // 2


def _hop_to_samples(db: np.ndarray, n: int) -> np.ndarray:
    """Per-sample linear gain from per-hop dB (interpolated between hop centres)."""
    centres = (np.arange(len(db)) + 0.5) * DUCK_HOP
    linear = 10 ** (db.astype(np.float64) / 20)  # convert the few hop values, not every sample
    return np.interp(np.arange(n, dtype=np.float64), centres, linear).astype(np.float32)


# --------------------------------------------------------------------------
# Master
# --------------------------------------------------------------------------


def _master(
    audio: np.ndarray, target_lufs: float, ceiling_db: float
) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """Normalize to ``target_lufs`` and limit to ``ceiling_db`` dBTP.

    Returns (audio, per-sample total gain, normalization gain dB, deepest
    limiter reduction dB, final integrated loudness).
    """
    n = len(audio)
    total = np.ones(n, dtype=np.float32)
    lufs = integrated_lufs(audio)
    if not math.isfinite(lufs):
        return audio, total, 0.0, 0.0, lufs
    out = audio
    gain_db_sum = 0.0
    limiter_db = 0.0
    for _ in range(MAX_PASSES):
        step = target_lufs - lufs
        g = np.float32(10 ** (step / 20))
        out = out * g
        total *= g
        gain_db_sum += step
        out, curve = limit_true_peak(out, ceiling_db)
        if curve is not None:
            total *= curve
            limiter_db = max(limiter_db, -20 * math.log10(max(float(curve.min()), 1e-12)))
        lufs = integrated_lufs(out)
        if abs(target_lufs - lufs) < 0.1:
            break
    return out.astype(np.float32), total, gain_db_sum, limiter_db, lufs

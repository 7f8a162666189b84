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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

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


# --------------------------------------------------------------------------
# Streaming: the same mix, block by block, in memory independent of length
# --------------------------------------------------------------------------

#: Samples per block of the streamed mix (10 s): a multiple of the 100 ms
#: loudness sub-block, of the ducking hop and of the encoder's 1 s frames.
BLOCK = 100 * (PROJECT_RATE // 10)
#: A premix up to this size (about 11 minutes of stereo float32) is kept between
#: the master's passes instead of being mixed again from the clips each pass.
PREMIX_MEMO_BYTES = 256 * 1024 * 1024


def enumerate_blocks(blocks: list[np.ndarray], size: int) -> Iterator[tuple[int, np.ndarray]]:
    for i, x in enumerate(blocks):
        yield i * size, x


@dataclass
class _Gain:
    """A master gain step of the normalize → limit loop (a float32 scalar)."""

    value: np.float32


#: Limiter gain kept in memory per pass; beyond it, pieces go to an anonymous
#: temporary file (a loud speech-only feature is limited somewhere every
#: few seconds, and its gain pieces would otherwise cover the whole film).
CURVE_MEMORY_BYTES = 32 * 1024 * 1024


class _Curve:
    """A limiter pass: sparse per-sample gain pieces; 1 everywhere else.

    Pieces arrive in film order and never overlap.  They are kept in memory
    up to :data:`CURVE_MEMORY_BYTES`, then spilled to an unnamed temporary
    file (deleted by the OS whatever happens to the build) and read back a
    block's worth at a time.
    """

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._data: list[np.ndarray | int] = []  # the gains, or their offset in the file
        self._bytes = 0
        self._file: Any = None

    def add(self, lo: int, curve: np.ndarray) -> None:
        curve = np.ascontiguousarray(curve, dtype=np.float32)
        self.starts.append(lo)
        self.ends.append(lo + len(curve))
        if self._bytes + curve.nbytes <= CURVE_MEMORY_BYTES:
            self._data.append(curve)
            self._bytes += curve.nbytes
            return
        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile(prefix="screenplay-limiter-")
        self._file.seek(0, 2)
        self._data.append(self._file.tell())
        self._file.write(curve.tobytes())

    def overlapping(self, a: int, e: int) -> Iterator[tuple[int, np.ndarray]]:
        """``(first sample, gains)`` of the pieces' parts inside ``[a, e)``."""
        import bisect

        k = bisect.bisect_right(self.ends, a)
        while k < len(self.starts) and self.starts[k] < e:
            lo = self.starts[k]
            s0, s1 = max(a, lo), min(e, self.ends[k])
            data = self._data[k]
            if isinstance(data, np.ndarray):
                yield s0, data[s0 - lo : s1 - lo]
            else:
                self._file.seek(data + 4 * (s0 - lo))
                yield s0, np.fromfile(self._file, dtype=np.float32, count=s1 - s0)
            k += 1


class StreamedMix:
    """The soundtrack of :func:`mix`, produced in blocks and never held whole.

    :func:`mix` keeps five whole-film stereo float32 buses (1 GB each for a
    45-minute film).  This computes the same samples from the clips a block
    at a time: the analysis passes keep only what the master needs — the
    speech activity per 5 ms hop, 100 ms loudness sub-block powers, and the
    limiter's gain around the peaks it touched — and :meth:`blocks` replays
    the mix with every master step applied, for the encoder.  The steps are
    the same float32 operations in the same order as :func:`mix`, so the
    result is the same samples (tested).
    """

    def __init__(
        self,
        timeline: Timeline,
        speech: Callable[[str], np.ndarray],
        cue_audio: Callable[[MusicClip], np.ndarray],
        *,
        target_lufs: float = -16.0,
        true_peak_db: float = -1.0,
        block: int = BLOCK,
    ) -> None:
        self.timeline = timeline
        self.n = timeline.samples
        self.block = block
        self.target_lufs = target_lufs
        self._speech = speech
        self._cue_audio = cue_audio
        nblocks = max(1, math.ceil(self.n / block))
        # Which clips touch which block, in timeline order (the order they are summed in).
        self._speech_at: list[list[int]] = [[] for _ in range(nblocks)]
        for i, clip in enumerate(timeline.audio):
            lo, hi, _ = _span(clip.start_sample, clip.samples, self.n)
            for b in range(lo // block, (hi - 1) // block + 1 if hi > lo else lo // block):
                self._speech_at[b].append(i)
        self._music_at: list[list[int]] = [[] for _ in range(nblocks)]
        for i, mclip in enumerate(timeline.music):
            lo, hi, _ = _span(mclip.start_sample, mclip.samples, self.n)
            for b in range(lo // block, (hi - 1) // block + 1 if hi > lo else lo // block):
                self._music_at[b].append(i)
        self.ceiling_db = true_peak_db
        self._ops: list[_Gain | _Curve] | None = None
        self._premix_memo: list[np.ndarray] | None = None
        self._premix_file: Any = None

    def prepare(self) -> StreamedMix:
        """Run the analysis passes and the master (once; :meth:`blocks` calls it)."""
        if self._ops is None:
            self._analyse_speech()
            self.duck_db = duck_envelope(self._active)
            self._centres = (np.arange(len(self.duck_db)) + 0.5) * DUCK_HOP
            self._duck_linear = 10 ** (self.duck_db.astype(np.float64) / 20)
            self.master(self.ceiling_db)
        return self

    # -- the clips, block by block ----------------------------------------

    def _speech_pieces(self) -> Callable[[int], list[tuple[int, AudioClip, np.ndarray | None]]]:
        """A per-pass accessor: the speech clips of block ``b`` as (film start, clip, mono)."""
        live: dict[int, np.ndarray | None] = {}

        def at(b: int) -> list[tuple[int, AudioClip, np.ndarray | None]]:
            for i in [i for i in live if i not in self._speech_at[b]]:
                del live[i]  # ended before this block: release it
            out = []
            for i in self._speech_at[b]:
                clip = self.timeline.audio[i]
                if i not in live:
                    mono = _speech_clip(self._speech(clip.audio_key), clip)
                    if mono is not None:
                        lo, hi, src = _span(clip.start_sample, clip.samples, self.n)
                        mono = mono[src : src + hi - lo]
                    live[i] = mono
                lo = max(0, clip.start_sample)
                out.append((lo, clip, live[i]))
            return out

        return at

    def _music_pieces(self) -> Callable[[int], list[tuple[int, MusicClip, np.ndarray]]]:
        live: dict[int, np.ndarray] = {}

        def at(b: int) -> list[tuple[int, MusicClip, np.ndarray]]:
            for i in [i for i in live if i not in self._music_at[b]]:
                del live[i]
            out = []
            for i in self._music_at[b]:
                mclip = self.timeline.music[i]
                if i not in live:
                    audio = np.asarray(self._cue_audio(mclip), dtype=np.float32)
                    audio = _fit_stereo(audio, mclip.samples)
                    audio = audio * _cue_envelope(mclip)[:, None]
                    lo, hi, src = _span(mclip.start_sample, mclip.samples, self.n)
                    live[i] = audio[src : src + hi - lo]
                out.append((max(0, mclip.start_sample), mclip, live[i]))
            return out

        return at

    def _ranges(self) -> range:
        return range(max(1, math.ceil(self.n / self.block)))

    def _analyse_speech(self) -> None:
        """Speech activity (for ducking) and the speech loudness (for the speech gain)."""
        from screenplay.music.loudness import LoudnessMeter

        hops = max(1, math.ceil(self.n / DUCK_HOP))
        self._active = np.zeros(hops, dtype=bool)
        meter = LoudnessMeter(1)
        pieces = self._speech_pieces()
        marked: set[int] = set()
        for b in self._ranges():
            a, e = b * self.block, min(self.n, (b + 1) * self.block)
            mono_sum = np.zeros(e - a, dtype=np.float32)
            for i, (lo, clip, piece) in zip(self._speech_at[b], pieces(b), strict=True):
                if piece is None or clip.bus not in SPEECH_BUSES:
                    continue
                if i not in marked:
                    marked.add(i)
                    _mark_speech(self._active, piece, lo)
                s0, s1 = max(a, lo), min(e, lo + len(piece))
                if s1 > s0:
                    mono_sum[s0 - a : s1 - a] += piece[s0 - lo : s1 - lo]
            meter.add(mono_sum)
        lufs = meter.lufs() if np.any(self._active) else -math.inf
        self.speech_lufs = lufs
        self._speech_gain = (
            np.float32(10 ** ((SPEECH_REFERENCE_LUFS - lufs) / 20)) if math.isfinite(lufs) else None
        )

    def premix(self) -> Iterator[tuple[int, np.ndarray]]:
        """The bus sum before the master steps, as ``(first sample, (k, 2) float32)`` blocks.

        The master needs several passes over it, and each is cheap next to mixing
        the clips.  A film whose premix fits in :data:`PREMIX_MEMO_BYTES` keeps it in
        memory after the first pass (the edit loop's short films); a longer one is
        spilled to an unnamed temporary file as it is first mixed (the OS deletes it
        whatever happens to the build) and read back a block at a time by every
        later pass, so memory stays independent of the film's length and a feature
        is mixed from its clips once, not once per pass.
        """
        if self._premix_memo is not None:
            yield from enumerate_blocks(self._premix_memo, self.block)
            return
        if self._premix_file is not None:
            f = self._premix_file
            f.seek(0)
            for b in self._ranges():
                a, e = b * self.block, min(self.n, (b + 1) * self.block)
                x = np.empty((e - a, 2), dtype=np.float32)
                if f.readinto(memoryview(x.data).cast("B")) != x.nbytes:
                    raise OSError("the premix spill file is shorter than the film")
                yield a, x
            return
        keep = self.n * 8 <= PREMIX_MEMO_BYTES
        memo: list[np.ndarray] = []
        spill: Any = None
        if not keep:
            import tempfile

            spill = tempfile.TemporaryFile(prefix="screenplay-premix-")
        try:
            for a, x in self._premix_blocks():
                if keep:
                    x.flags.writeable = False  # shared by every later pass
                    memo.append(x)
                else:
                    spill.write(np.ascontiguousarray(x, dtype=np.float32).tobytes())
                yield a, x
        except BaseException:
            if spill is not None:
                spill.close()
            raise
        if keep:
            self._premix_memo = memo
        else:
            spill.flush()
            self._premix_file = spill

    def _premix_blocks(self) -> Iterator[tuple[int, np.ndarray]]:
        speech_at, music_at = self._speech_pieces(), self._music_pieces()
        for b in self._ranges():
            a, e = b * self.block, min(self.n, (b + 1) * self.block)
            k = e - a
            buses = {name: np.zeros((k, 2), dtype=np.float32) for name in BUSES}
            ducked = np.zeros((k, 2), dtype=np.float32)
            for lo, clip, piece in speech_at(b):
                if piece is None:
                    continue
                s0, s1 = max(a, lo), min(e, lo + len(piece))
                if s1 <= s0:
                    continue
                part = piece[s0 - lo : s1 - lo]
                left, right = _pan_gains(clip.pan)
                bus = buses.get(clip.bus, buses["fx"])
                bus[s0 - a : s1 - a, 0] += part * left
                bus[s0 - a : s1 - a, 1] += part * right
            if self._speech_gain is not None:
                buses["dialogue"] *= self._speech_gain
                buses["narration"] *= self._speech_gain
            for lo, mclip, audio in music_at(b):
                s0, s1 = max(a, lo), min(e, lo + len(audio))
                if s1 <= s0:
                    continue
                target = ducked if mclip.duck else buses["music"]
                target[s0 - a : s1 - a] += audio[s0 - lo : s1 - lo]
            if self._music_at[b]:
                gain = np.interp(
                    np.arange(a, e, dtype=np.float64), self._centres, self._duck_linear
                ).astype(np.float32)
                buses["music"] += ducked * gain[:, None]
            yield a, buses["dialogue"] + buses["narration"] + buses["fx"] + buses["music"]

    # -- the master --------------------------------------------------------

    def _apply(self, a: int, x: np.ndarray, ops: list[_Gain | _Curve]) -> np.ndarray:
        """The master steps ``ops`` applied to block ``x`` starting at sample ``a``."""
        e = a + len(x)
        for op in ops:
            if isinstance(op, _Gain):
                x = x * op.value
                continue
            for s0, gains in op.overlapping(a, e):
                x = x.copy() if not x.flags.writeable else x
                x[s0 - a : s0 - a + len(gains)] *= gains[:, None]
        return x

    def _stream(self, ops: list[_Gain | _Curve]) -> Iterator[tuple[int, np.ndarray]]:
        for a, x in self.premix():
            yield a, self._apply(a, x, ops)

    def _lufs(self, ops: list[_Gain | _Curve]) -> float:
        from screenplay.music.loudness import LoudnessMeter

        meter = LoudnessMeter(2)
        for _, x in self._stream(ops):
            meter.add(x)
        return meter.lufs()

    def _limit(self, ops: list[_Gain | _Curve], ceiling_db: float) -> tuple[float, float | None]:
        """:func:`~screenplay.music.loudness.limit_true_peak`, streamed; appends to ``ops``.

        Returns the deepest gain reduction of this pass in dB, and the integrated
        loudness of the limited result when the pass that found it under the
        ceiling could measure it on the way (the very blocks :meth:`_lufs` would
        read, so the same number — one pass over the film fewer), else None.
        """
        from screenplay.music.loudness import (
            LoudnessMeter,
            PeakGroups,
            need_gain,
            oversampled_abs_blocks,
        )

        ceiling = 10 ** (ceiling_db / 20)
        lookahead, release = 0.005, 0.050
        added: list[_Gain | _Curve] = []
        for attempt in range(4):
            aim = ceiling * (1.0 if attempt == 0 else 0.995)
            peak = 0.0
            curve = _Curve()
            # Groups of peaks are filtered as soon as they close (or a cell of a long
            # one has been seen whole), so only a few seconds of peaks are ever held.
            groups = PeakGroups(self.n, lookahead, release, curve.add)
            meter = LoudnessMeter(2)
            for a, x, peaks in oversampled_abs_blocks(self._stream(ops + added), ceiling):
                meter.add(x)
                if not peaks.size:
                    continue
                peak = max(peak, float(peaks.max()))
                need = need_gain(peaks, aim)
                idx = np.flatnonzero(need < 1.0)
                groups.add(idx + a, need[idx], a + len(x))
            groups.finish()
            if peak <= ceiling:
                ops.extend(added)
                return self._reduction_db(added), meter.lufs()
            if attempt == 3:  # last resort, as limit_true_peak
                added.append(_Gain(np.float32(ceiling / peak)))
                break
            added.append(curve)
        ops.extend(added)
        return self._reduction_db(added), None

    def _reduction_db(self, steps: list[_Gain | _Curve]) -> float:
        """Deepest total gain reduction of one limiter pass, in dB."""
        if not steps:
            return 0.0
        deepest = 1.0
        for b in self._ranges():
            a, e = b * self.block, min(self.n, (b + 1) * self.block)
            g = self._apply(a, np.ones((e - a, 1), dtype=np.float32), steps)
            deepest = min(deepest, float(g.min()))
        return -20 * math.log10(max(deepest, 1e-12))

    def set_ceiling(self, true_peak_db: float) -> None:
        """Master for a true-peak ceiling of ``true_peak_db`` dBTP: before :meth:`prepare`
        only remembered (the encoder sets its codec headroom so, at no cost); after it,
        the master is computed again if the ceiling changed."""
        if true_peak_db == self.ceiling_db:
            return
        if self._ops is None:
            self.ceiling_db = true_peak_db
        else:
            self.master(true_peak_db)

    def master(self, true_peak_db: float) -> None:
        """(Re)compute the master steps for a true-peak ceiling of ``true_peak_db`` dBTP.

        The encoder calls this again with a lower ceiling when the decoded AAC
        peaks above the promised one (the codec adds overshoot).
        """
        self.ceiling_db = true_peak_db
        ops: list[_Gain | _Curve] = []
        lufs = self._lufs(ops)
        gain_db_sum = 0.0
        limiter_db = 0.0
        if math.isfinite(lufs):
            for _ in range(MAX_PASSES):
                step = self.target_lufs - lufs
                ops.append(_Gain(np.float32(10 ** (step / 20))))
                gain_db_sum += step
                reduction, measured = self._limit(ops, true_peak_db)
                limiter_db = max(limiter_db, reduction)
                lufs = measured if measured is not None else self._lufs(ops)
                if abs(self.target_lufs - lufs) < 0.1:
                    break
        self._ops = ops
        self.lufs = lufs
        self.master_gain_db = gain_db_sum
        self.limiter_db = limiter_db
        self._true_peak_db: float | None = None

    @property
    def true_peak_db(self) -> float:
        """4× oversampled true peak of the mix (one more pass; the encoder measures the
        decoded AAC instead, which is what the promise is about)."""
        from screenplay.music.loudness import oversampled_abs_blocks

        if self._true_peak_db is None:
            peak = 0.0
            for _, _, peaks in oversampled_abs_blocks(self.blocks()):
                if peaks.size:
                    peak = max(peak, float(peaks.max()))
            self._true_peak_db = 20 * math.log10(peak) if peak > 0 else -math.inf
        return self._true_peak_db

    def blocks(self) -> Iterator[tuple[int, np.ndarray]]:
        """The finished soundtrack as ``(first sample, (k, 2) float32)`` blocks, in order."""
        self.prepare()
        assert self._ops is not None
        return self._stream(self._ops)

    def audio(self) -> np.ndarray:
        """The whole soundtrack in memory (tests and short films only)."""
        out = np.zeros((self.n, 2), dtype=np.float32)
        for a, x in self.blocks():
            out[a : a + len(x)] = x
        return out

    def key_parts(self) -> list[object]:
        """Everything that decides the samples, without mixing them.

        Speech enters by its cache key (a digest of text, voice and engine);
        music by its cue spec and the music engine's versions.
        """
        from screenplay.music import compose, engine

        tl = self.timeline
        return [
            "mix",
            STREAM_VERSION,
            engine.RENDERER_VERSION,
            compose.COMPOSER_VERSION,
            tl.samples,
            tl.sample_rate,
            list(tl.audio),
            list(tl.music),
            self.target_lufs,
            self.ceiling_db,
        ]


#: Bump when the mix's arithmetic changes (part of the soundtrack's cache key).
STREAM_VERSION = 1


def mix_streamed(
    timeline: Timeline,
    speech: Callable[[str], np.ndarray],
    cue_audio: Callable[[MusicClip], np.ndarray],
    *,
    target_lufs: float = -16.0,
    true_peak_db: float = -1.0,
    block: int = BLOCK,
) -> StreamedMix:
    """:func:`mix` without holding the film: see :class:`StreamedMix`."""
    return StreamedMix(
        timeline,
        speech,
        cue_audio,
        target_lufs=target_lufs,
        true_peak_db=true_peak_db,
        block=block,
    ).prepare()

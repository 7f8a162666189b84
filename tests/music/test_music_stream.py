"""The streamed mix (issue #19): the same samples as the in-memory mix, in bounded memory;
and the promise on the decoded film: AAC's overshoot never takes it above −1 dBTP (#11.9)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from music_helpers import music_clip, speech_like, speech_lookup, timeline

from screenplay.backends.protocols import PROJECT_RATE as R
from screenplay.cache import Cache
from screenplay.music import loudness, mixer
from screenplay.music.engine import backend


def _shouted(seconds: float, seed: int) -> np.ndarray:
    """A line with a shout in it: consonant bursts close to full scale."""
    x = speech_like(seconds, 180.0, seed=seed, level=0.3)
    rng = np.random.default_rng(seed)
    for at in (0.4, 1.1, 1.9):
        i = int(at * R)
        x[i : i + 2400] += (rng.standard_normal(2400) * 0.45).astype(np.float32)
    return np.clip(x, -1.0, 1.0)


LINES = [
    ("dialogue", 1.0, _shouted(2.5, 1)),
    ("narration", 5.0, speech_like(3.0, 110.0, seed=2)),
    ("dialogue", 9.5, speech_like(2.0, 210.0, seed=3)),
    ("fx", 12.0, speech_like(1.0, 300.0, seed=4, level=0.05)),
]


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    cache = Cache(tmp_path_factory.mktemp("stream-cache"))
    cues = [
        music_clip("strings", {"seed": 4}, 0.0, 14.0, fade_in=1.0, fade_out=2.0),
        music_clip("strings", {"seed": 5}, 6.0, 8.0, duck=False),
    ]
    tl = timeline(14.0, LINES, cues, pans={1: -0.4})
    return tl, lambda c: backend().render(c.spec, c.samples / R, cache)


@pytest.fixture(scope="module")
def reference(film: tuple[object, object]) -> mixer.MixResult:
    tl, cue_audio = film
    return mixer.mix(tl, speech_lookup(LINES), cue_audio)  # type: ignore[arg-type]


@pytest.mark.parametrize("block", [mixer.BLOCK, 4800 * 7 + 240])
def test_streamed_mix_is_the_in_memory_mix_sample_for_sample(
    film: tuple[object, object], reference: mixer.MixResult, block: int
) -> None:
    tl, cue_audio = film
    ref = reference
    assert ref.limiter_db > 0.5, "the shout must engage the limiter for this test to mean much"
    streamed = mixer.mix_streamed(tl, speech_lookup(LINES), cue_audio, block=block)  # type: ignore[arg-type]
    got = streamed.audio()
    assert got.dtype == np.float32 and got.shape == ref.audio.shape
    assert np.array_equal(got, ref.audio), float(np.abs(got - ref.audio).max())
    assert streamed.lufs == ref.lufs
    assert streamed.true_peak_db == ref.true_peak_db
    assert streamed.limiter_db == pytest.approx(ref.limiter_db, abs=1e-6)
    assert np.array_equal(streamed.duck_db, ref.duck_db)
    # Blocks come in order and tile the film.
    starts = [a for a, _ in streamed.blocks()]
    assert starts == list(range(0, tl.samples, block))  # type: ignore[attr-defined]


def test_long_film_mix_holds_no_whole_film_buffer(
    film: tuple[object, object], reference: mixer.MixResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the premix memo's budget (a feature), the premix is spilled to a temporary
    file: only per-hop arrays and one block at a time are held — and the samples are
    the same."""
    tl, cue_audio = film
    monkeypatch.setattr(mixer, "PREMIX_MEMO_BYTES", 0)
    # …and the limiter's gain pieces go to a temporary file as a loud feature's do.
    monkeypatch.setattr(mixer, "CURVE_MEMORY_BYTES", 0)
    mixes = []
    real = mixer.StreamedMix._premix_blocks

    def counted(self: mixer.StreamedMix) -> object:
        mixes.append(1)
        return real(self)

    monkeypatch.setattr(mixer.StreamedMix, "_premix_blocks", counted)
    streamed = mixer.mix_streamed(tl, speech_lookup(LINES), cue_audio, block=96000)  # type: ignore[arg-type]
    assert streamed._premix_memo is None
    # The clips are mixed once; every later pass reads the premix spilled to disk.
    assert streamed._premix_file is not None and len(mixes) == 1
    curves = [op for op in streamed._ops or [] if isinstance(op, mixer._Curve)]
    assert curves and all(c._file is not None for c in curves)
    biggest = max(x.nbytes for x in vars(streamed).values() if isinstance(x, np.ndarray))
    assert biggest < tl.samples  # type: ignore[attr-defined]  # per-hop arrays only, not samples
    assert all(len(x) <= 96000 for _, x in streamed.blocks())
    assert np.array_equal(streamed.audio(), reference.audio)


def test_loudness_meter_combines_blocks_exactly() -> None:
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((R * 9 + 1234, 2)) * 0.05).astype(np.float32)
    x[R * 3 : R * 4] *= 6
    for size in (R * 10, 4800, 12345):
        meter = loudness.LoudnessMeter(2)
        for a in range(0, len(x), size):
            meter.add(x[a : a + size])
        # Each 100 ms sub-block is summed on its own: any split gives the very same sums.
        assert meter.lufs() == loudness.integrated_lufs(x)
    silent = loudness.LoudnessMeter(1)
    silent.add(np.zeros(R, np.float32))
    assert silent.lufs() == -math.inf


def test_blockwise_true_peak_equals_whole_signal() -> None:
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((R * 3, 2)) * 0.2).astype(np.float32)
    x[R + 4799] = 0.97  # a peak right at a block edge
    blocks = ((a, x[a : a + 4800]) for a in range(0, len(x), 4800))
    got = np.concatenate([p for _, _, p in loudness.oversampled_abs_blocks(blocks, 0.5)])
    assert np.array_equal(got, loudness._oversampled_abs(x, 0.5))


@pytest.mark.parametrize("quality", ["preview"])
def test_decoded_aac_stays_under_minus_1_dbtp(
    film: tuple[object, object], quality: str, tmp_path: Path
) -> None:
    """AAC overshoots the limiter's ceiling on a shout; the encoder measures the decoded
    result and masters again until the film a viewer plays peaks at or below −1 dBTP."""
    from screenplay.render.encode import _decoded_true_peak_db, _encode_audio

    tl, cue_audio = film
    streamed = mixer.StreamedMix(tl, speech_lookup(LINES), cue_audio)  # type: ignore[arg-type]
    cache = Cache(tmp_path / "cache")
    path, reused = _encode_audio(streamed, R, quality, cache)  # type: ignore[arg-type]
    assert not reused
    assert _decoded_true_peak_db(path) <= -1.0
    # Loudness stays on target: the overshoot is limited away, not turned down.
    meter = loudness.LoudnessMeter(2)
    from screenplay.render.encode import decoded_blocks

    for _, x in decoded_blocks(path):
        meter.add(x)
    assert abs(meter.lufs() - (-16.0)) < 0.5
    # The same soundtrack again is a cache hit: nothing is mixed.
    again = mixer.StreamedMix(tl, speech_lookup(LINES), cue_audio)  # type: ignore[arg-type]
    assert _encode_audio(again, R, quality, cache) == (path, True)
    assert again._ops is None


@pytest.mark.slow
@pytest.mark.parametrize("name", ["night_shift.fountain", "the_empty_room.film"])
def test_examples_streamed_mix_equals_in_memory(name: str, tmp_path: Path) -> None:
    from screenplay.api import load_film
    from screenplay.build import apply_quality, mix_soundtrack, prepare
    from screenplay.diagnostics import Diagnostics

    examples = Path(__file__).resolve().parents[2] / "examples"
    src = tmp_path / name
    shutil.copy(examples / name, src)
    if (examples / (name + ".lock")).exists():
        shutil.copy(examples / (name + ".lock"), tmp_path / (name + ".lock"))
    film_, items = load_film(src)
    assert film_ is not None
    apply_quality(film_, "preview")
    cache = Cache(tmp_path / "cache")
    _, tl = prepare(film_, Diagnostics(list(items)), cache, locked=True)
    assert tl is not None
    ref = mix_soundtrack(tl, cache)
    streamed = mix_soundtrack(tl, cache, streamed=True)
    assert np.array_equal(streamed.audio(), ref.audio)


def test_streamed_encode_equals_encoding_the_whole_array(
    film: tuple[object, object], tmp_path: Path
) -> None:
    """Mixing while encoding leaves no seam at block joins: the AAC packets are the very
    bytes an encode of the same soundtrack held in memory gives."""
    import av

    from screenplay.render.encode import _encode_audio

    tl, cue_audio = film
    cache = Cache(tmp_path / "cache")
    streamed = mixer.StreamedMix(tl, speech_lookup(LINES), cue_audio)  # type: ignore[arg-type]
    a, _ = _encode_audio(streamed, R, "default", cache)  # type: ignore[arg-type]
    # The samples the streamed encode ended with (mastered again if AAC overshot).
    b, _ = _encode_audio(streamed.audio(), R, "default", cache)
    assert a != b  # two cache entries (one keyed by the clips, one by the samples)

    def packets(p: Path) -> list[bytes]:
        with av.open(str(p)) as c:
            return [bytes(pk) for pk in c.demux(audio=0) if pk.size]

    assert packets(a) == packets(b)


def _dense_peaks(seconds: float, every: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A speech-only feature's peaks: one every ``every`` seconds (one endless group)."""
    rng = np.random.default_rng(seed)
    pos = np.arange(int(0.3 * R), int(seconds * R), int(every * R), dtype=np.int64)
    pos = np.sort(pos + rng.integers(0, 400, pos.size))
    need = rng.uniform(0.5, 0.99, pos.size).astype(np.float32)
    return pos, need


def test_endless_peak_group_is_filtered_in_cells_with_bounded_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A group of peaks that never closes (a peak every 0.1 s for a minute) is filtered
    cell by cell as it streams past: the same gains as filtering it whole — to float
    rounding — and the same bytes whether it is fed at once or block by block."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    monkeypatch.setattr(loudness, "LIMITER_CELL", 48000)
    n = 60 * R
    pos, need = _dense_peaks(60.0, 0.1, 1)
    whole = loudness.gain_curves(pos, need, n, 0.005, 0.050)
    assert len(whole) > 50  # one group, many cells
    flat = np.ones(n, np.float32)
    for lo, g in whole:
        flat[lo : lo + len(g)] = g
    # The old way: the whole group as one array.
    la, rel = int(0.005 * R), int(0.050 * R)
    seg = np.ones(n, np.float32)
    seg[pos] = need
    s = minimum_filter1d(seg, 2 * la + 1, mode="nearest")
    s = uniform_filter1d(s, 2 * la + 1, mode="nearest")
    s = minimum_filter1d(s, 2 * rel + 1, mode="nearest")
    s = uniform_filter1d(s, 2 * rel + 1, mode="nearest")
    old = np.minimum(s, seg)
    assert float(np.abs(flat - old).max()) < 1e-5
    assert np.all(flat <= np.maximum(seg, 0) + 1e-6) and np.all(flat[pos] <= need + 1e-6)
    # Streamed in blocks: the very same pieces, emitted long before the end.
    pieces: list[tuple[int, np.ndarray]] = []
    held = 0
    groups = loudness.PeakGroups(n, 0.005, 0.050, lambda lo, g: pieces.append((lo, g)))
    for a in range(0, n, 4800 * 3):
        m = (pos >= a) & (pos < a + 4800 * 3)
        groups.add(pos[m], need[m], min(n, a + 4800 * 3))
        held = max(held, sum(len(p) for p in groups._pos))
        if a == n // 2:
            assert pieces, "cells of an open group are emitted as soon as they are seen"
    groups.finish()
    assert held < 3 * 48000 / (0.1 * R)  # a cell and two reaches of peaks, not the minute
    assert [lo for lo, _ in pieces] == [lo for lo, _ in whole]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(pieces, whole, strict=True))


def _spiky(seconds: float, seed: int) -> np.ndarray:
    """Speech with a sharp click every 0.15 s: the limiter is busy the whole line."""
    x = speech_like(seconds, 150.0, seed=seed, level=0.1)
    for i in range(int(0.05 * R), len(x) - 48, int(0.15 * R)):
        x[i : i + 48] += np.float32(0.8) * np.hanning(48).astype(np.float32)
    return np.clip(x, -1.0, 1.0)


def test_endless_group_streamed_mix_equals_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """With cells much shorter than the film, the streamed limiter still gives the
    in-memory mix's samples exactly."""
    monkeypatch.setattr(loudness, "LIMITER_CELL", 24000)
    lines = [("dialogue", 0.2 + 2.6 * i, _spiky(2.5, 10 + i)) for i in range(6)]
    tl = timeline(16.0, lines, [])
    ref = mixer.mix(tl, speech_lookup(lines), lambda c: None)  # type: ignore[arg-type]
    assert ref.limiter_db > 0.5
    got = mixer.mix_streamed(tl, speech_lookup(lines), lambda c: None, block=4800 * 9)  # type: ignore[arg-type]
    assert np.array_equal(got.audio(), ref.audio)

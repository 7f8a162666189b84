"""User audio files: any format, tempo without pitch change, offset, seamless loops, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from music_helpers import peak_frequency, tone, write_audio

from screenplay.backends.protocols import PROJECT_RATE as R
from screenplay.backends.protocols import AssetSpec, BackendError
from screenplay.cache import Cache
from screenplay.music import errors, userfile
from screenplay.music.engine import MUSIC_BED_LUFS, backend
from screenplay.music.loudness import integrated_lufs


def _file_spec(path: Path, **params: object) -> AssetSpec:
    return AssetSpec("music", "file", {"path": path, **params})


def _sounding_seconds(audio: np.ndarray, threshold_db: float = -40.0) -> float:
    """How long the audio is audible: last 10 ms window within ``threshold_db`` of the loudest."""
    x = audio.mean(axis=1)
    w = R // 100
    k = len(x) // w
    rms = np.sqrt(np.mean(x[: k * w].reshape(k, w) ** 2, axis=1))
    on = np.flatnonzero(rms > rms.max() * 10 ** (threshold_db / 20))
    return (on[-1] + 1 - on[0]) * w / R


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".mp3"])
def test_formats_decode_to_48k_stereo(suffix: str, tmp_path: Path, cache: Cache) -> None:
    path = write_audio(tmp_path / f"theme{suffix}", tone(1.0, 440.0, rate=44100))
    audio = backend().render(_file_spec(path, loop=False), 1.5, cache)
    assert audio.shape == (int(1.5 * R), 2)
    assert peak_frequency(audio[: R // 2]) == pytest.approx(440.0, abs=1.0)
    assert abs(integrated_lufs(audio) - MUSIC_BED_LUFS) < 0.6


def test_tempo_half_doubles_length_at_same_pitch(tmp_path: Path, cache: Cache) -> None:
    """tempo=0.5 (as The Empty Room's maker slowed a track): twice as long, same spectral peak."""
    path = write_audio(tmp_path / "theme.flac", tone(2.0, 440.0))
    normal = backend().render(_file_spec(path, loop=False), 6.0, cache)
    slow = backend().render(_file_spec(path, loop=False, tempo=0.5), 6.0, cache)
    assert _sounding_seconds(normal) == pytest.approx(2.0, abs=0.05)
    assert _sounding_seconds(slow) == pytest.approx(4.0, abs=0.1)
    assert peak_frequency(normal[: 2 * R]) == pytest.approx(440.0, abs=1.0)
    assert peak_frequency(slow[R // 2 : 3 * R]) == pytest.approx(440.0, abs=2.0)


def test_offset_skips_into_the_file(tmp_path: Path, cache: Cache) -> None:
    path = write_audio(tmp_path / "two.wav", np.concatenate([tone(1.0, 440.0), tone(1.0, 660.0)]))
    audio = backend().render(_file_spec(path, offset=1.0, loop=False), 0.8, cache)
    assert peak_frequency(audio) == pytest.approx(660.0, abs=2.0)
    with pytest.raises(BackendError) as exc:
        backend().render(_file_spec(path, offset=5.0), 1.0, cache)
    assert exc.value.code == errors.OFFSET_PAST_END


def test_loop_has_no_gap_or_click(tmp_path: Path, cache: Cache) -> None:
    """A 1.5 s phrase looped to 6 s: steady level through the seams, no step in the waveform."""
    rng = np.random.default_rng(0)
    t = np.arange(int(1.5 * 44100)) / 44100
    # A chord with a slow swell: the end does not match the start, so a plain splice would click.
    x = (
        0.2
        * (np.sin(2 * np.pi * 220 * t) + 0.5 * np.sin(2 * np.pi * 331 * t + 1.0))
        * (0.6 + 0.4 * t / 1.5)
    )
    x += 0.001 * rng.standard_normal(len(t))
    path = write_audio(tmp_path / "phrase.wav", np.stack([x, x], axis=1))
    audio = backend().render(_file_spec(path, loop=True), 6.0, cache)
    mono = audio.mean(axis=1)
    w = R // 20
    rms = np.sqrt(np.mean(mono[: len(mono) // w * w].reshape(-1, w) ** 2, axis=1))
    assert rms.min() > 0.5 * np.median(rms), "a dip at a loop seam"
    # Largest sample-to-sample step stays within what the waveform itself has.
    steps = np.abs(np.diff(mono))
    assert steps.max() < 1.5 * np.percentile(steps, 99.9)


def test_loop_false_pads_with_silence(tmp_path: Path, cache: Cache) -> None:
    path = write_audio(tmp_path / "short.wav", tone(1.0, 440.0))
    audio = backend().render(_file_spec(path, loop=False), 3.0, cache)
    assert np.abs(audio[int(1.1 * R) :]).max() == 0.0


def test_missing_file(tmp_path: Path, cache: Cache) -> None:
    with pytest.raises(BackendError) as exc:
        backend().render(_file_spec(tmp_path / "nope.mp3"), 2.0, cache)
    assert exc.value.code == errors.FILE_MISSING and "nope.mp3" in exc.value.message


@pytest.mark.parametrize(
    "content", [b"", b"this is not audio at all" * 100, b"ID3\x03\x00\x00\x00" + bytes(500)]
)
def test_corrupt_file(content: bytes, tmp_path: Path, cache: Cache) -> None:
    path = tmp_path / "broken.mp3"
    path.write_bytes(content)
    with pytest.raises(BackendError) as exc:
        backend().render(_file_spec(path), 2.0, cache)
    assert exc.value.code == errors.FILE_UNREADABLE
    assert exc.value.help


def test_truncated_file_plays_what_it_has_or_fails_cleanly(tmp_path: Path, cache: Cache) -> None:
    good = write_audio(tmp_path / "full.flac", tone(2.0, 440.0))
    cut = tmp_path / "cut.flac"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    try:
        audio = backend().render(_file_spec(cut, loop=False), 2.0, cache)
    except BackendError as exc:
        assert exc.code == errors.FILE_UNREADABLE
    else:
        assert audio.shape == (2 * R, 2)


def test_missing_sox_for_tempo(
    tmp_path: Path, cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_audio(tmp_path / "theme.wav", tone(1.0, 440.0))
    monkeypatch.setattr(userfile.shutil, "which", lambda name: None)
    with pytest.raises(BackendError) as exc:
        backend().render(_file_spec(path, tempo=0.8), 2.0, cache)
    assert exc.value.code == errors.STRETCH_MISSING and "apt-get install sox" in exc.value.help


def test_cache_tracks_file_content(tmp_path: Path, cache: Cache) -> None:
    path = tmp_path / "theme.wav"
    write_audio(path, tone(1.0, 440.0))
    a = backend().render(_file_spec(path), 1.0, cache)
    write_audio(path, tone(1.0, 550.0))  # same name, new content → new render
    b = backend().render(_file_spec(path), 1.0, cache)
    assert peak_frequency(a) == pytest.approx(440.0, abs=1)
    assert peak_frequency(b) == pytest.approx(550.0, abs=1)


def test_probe_finds_problems_without_rendering(tmp_path: Path) -> None:
    """The bind pass can check a cue at its declaration before any render."""
    engine = backend()
    good = write_audio(tmp_path / "good.mp3", tone(2.0, 440.0))
    engine.probe(_file_spec(good, offset=1.0))
    engine.probe(AssetSpec("music", "drone", {"key": "D minor"}))
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"nonsense" * 50)
    cases = [
        (_file_spec(tmp_path / "missing.wav"), errors.FILE_MISSING),
        (_file_spec(bad), errors.FILE_UNREADABLE),
        (_file_spec(good, offset=3.0), errors.OFFSET_PAST_END),
        (AssetSpec("music", "drone", {"key": "H minor"}), errors.UNKNOWN_KEY),
        (AssetSpec("music", "bossa", {}), errors.UNKNOWN_STYLE),
    ]
    for spec, code in cases:
        with pytest.raises(BackendError) as exc:
            engine.probe(spec)
        assert exc.value.code == code, spec


def test_mono_low_rate_file_and_long_file_decoded_in_part(tmp_path: Path, cache: Cache) -> None:
    mono = write_audio(tmp_path / "mono.wav", tone(1.0, 330.0, rate=22050)[:, 0], rate=22050)
    audio = backend().render(_file_spec(mono, loop=False), 1.0, cache)
    assert audio.shape == (R, 2) and np.allclose(audio[:, 0], audio[:, 1], atol=1e-4)
    assert peak_frequency(audio) == pytest.approx(330.0, abs=1.0)
    long = write_audio(tmp_path / "long.flac", tone(30.0, 440.0, level=0.1))
    part = userfile.decode(long, limit=2.0)
    assert 2 * R <= len(part) < 3 * R
    assert len(userfile.decode(long)) == 30 * R

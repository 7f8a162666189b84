"""Algorithmic cues: every style renders real music, exactly as long as asked, cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from music_helpers import peak_frequency  # noqa: F401  (shared helpers live in conftest)

from screenplay.backends.protocols import PROJECT_RATE as R
from screenplay.backends.protocols import AssetSpec, BackendError
from screenplay.cache import Cache
from screenplay.music import compose, errors, schema, synth
from screenplay.music.engine import MUSIC_BED_LUFS, backend
from screenplay.music.keys import parse_key
from screenplay.music.loudness import integrated_lufs

STYLES = [name for name in schema.STYLES]


def _short_term_db(audio: np.ndarray, window: float = 0.4) -> np.ndarray:
    x = audio.mean(axis=1)
    w = int(window * R)
    k = len(x) // w
    return 10 * np.log10(np.mean(x[: k * w].reshape(k, w) ** 2, axis=1) + 1e-20)


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    """20 s of every style, rendered once for the tests below."""
    cache = Cache(tmp_path_factory.mktemp("music-cache"))
    return {s: backend().render(AssetSpec("music", s, {"seed": 3}), 20.0, cache) for s in STYLES}


@pytest.mark.parametrize("style", STYLES)
def test_style_renders_music(style: str, renders: dict[str, np.ndarray]) -> None:
    """20 s of each style: exact length, on level, no clipping, no dropouts, tonal content."""
    audio = renders[style]
    assert audio.shape == (20 * R, 2) and audio.dtype == np.float32
    assert np.abs(audio).max() < 1.0
    assert abs(integrated_lufs(audio) - MUSIC_BED_LUFS) < 0.5
    # Extends without seams: no 400 ms window drops far below the rest
    # (a gap in the score or a cut-off note would).
    st = _short_term_db(audio)
    assert st.min() > np.median(st) - 20, f"{style}: dropout at {np.argmin(st) * 0.4:.1f}s"
    # Musical, not noise: the spectrum has clear peaks in the music range.
    spec = np.abs(np.fft.rfft(audio.mean(axis=1)[: 8 * R]))
    freqs = np.fft.rfftfreq(8 * R, 1 / R)
    band = (freqs > 40) & (freqs < 5000)
    assert spec[band].max() > 30 * np.median(spec[band])
    assert 40 < freqs[np.argmax(spec * band)] < 3000


def test_styles_sound_different(renders: dict[str, np.ndarray]) -> None:
    """Each style's spectral centroid and rhythm differ: not one sound with six names."""
    seen = {}
    for style in STYLES:
        a = renders[style].mean(axis=1)
        spec = np.abs(np.fft.rfft(a))
        freqs = np.fft.rfftfreq(len(a), 1 / R)
        centroid = float((spec * freqs).sum() / spec.sum())
        st = _short_term_db(a[:, None].repeat(2, axis=1), 0.05)
        seen[style] = (round(centroid), round(float(np.std(np.diff(st))), 1))
    assert len({v for v in seen.values()}) == len(STYLES), seen


def test_deterministic_and_cached(cache: Cache, tmp_path: Path) -> None:
    spec = AssetSpec("music", "music_box", {"seed": 5})
    first = backend().render(spec, 6.0, cache)
    assert cache.misses["music"] == 1
    second = backend().render(spec, 6.0, cache)
    assert cache.hits["music"] == 1
    assert np.array_equal(first, second)
    fresh = backend().render(spec, 6.0, Cache(tmp_path / "other"))
    assert np.array_equal(first, fresh), "a new cache must reproduce the same audio"
    other_seed = backend().render(AssetSpec("music", "music_box", {"seed": 6}), 6.0, cache)
    assert not np.allclose(first, other_seed)


def test_exact_length_for_odd_durations(cache: Cache) -> None:
    audio = backend().render(AssetSpec("music", "ambient", {}), 1.2345, cache)
    assert audio.shape == (round(1.2345 * R), 2)


def test_tempo_halves_note_rate_at_same_key() -> None:
    """tempo=0.5 writes the same kind of score at half speed: chords last twice as long."""
    key = parse_key("D minor")
    fast = compose.compose("piano", key, "melancholy", 66.0, 30.0, seed=1)
    slow = compose.compose("piano", key, "melancholy", 33.0, 60.0, seed=1)
    fast_notes = sorted(n.start for i in fast.instruments for n in i.notes)
    slow_notes = sorted(n.start for i in slow.instruments for n in i.notes)
    assert len(slow_notes) == pytest.approx(len(fast_notes), rel=0.25)
    pcs = {n.pitch % 12 for i in slow.instruments for n in i.notes}
    assert pcs <= key.pitch_classes()


def test_every_style_stays_in_key() -> None:
    for style in STYLES:
        for mood in schema.MOODS:
            key = parse_key("E minor" if style != "music_box" else "F major")
            score = compose.compose(style, key, mood, 80.0, 30.0, seed=2)
            pitched = [n.pitch % 12 for i in score.instruments if not i.is_drum for n in i.notes]
            assert pitched, style
            assert set(pitched) <= key.pitch_classes(), (style, mood)


def test_instruments_override_programs() -> None:
    score = compose.compose(
        "drone", parse_key("D minor"), "dark", 40.0, 20.0, seed=0, programs=[52, 46]
    )
    programs = {i.program for i in score.instruments}
    assert 52 in programs and 46 in programs and 89 not in programs


def test_zero_length_cue_is_a_clear_error(cache: Cache) -> None:
    with pytest.raises(BackendError) as exc:
        backend().render(AssetSpec("music", "drone", {}), 0.0, cache)
    assert exc.value.code == errors.ZERO_LENGTH


def test_unknown_style_and_key_errors(cache: Cache) -> None:
    with pytest.raises(BackendError) as exc:
        backend().render(AssetSpec("music", "polka", {}), 2.0, cache)
    assert exc.value.code == errors.UNKNOWN_STYLE and "styles are" in exc.value.help
    with pytest.raises(BackendError) as exc:
        backend().render(AssetSpec("music", "drone", {"key": "H minor"}), 2.0, cache)
    assert exc.value.code == errors.UNKNOWN_KEY


def test_missing_synth_names_the_packages(cache: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synth, "SOUNDFONT_CANDIDATES", ("/nonexistent/x.sf2",))
    monkeypatch.delenv("SCREENPLAY_SOUNDFONT", raising=False)
    with pytest.raises(BackendError) as exc:
        backend().render(AssetSpec("music", "drone", {}), 2.0, cache)
    assert exc.value.code == errors.SYNTH_MISSING
    assert "apt-get install fluidsynth timgm6mb-soundfont" in exc.value.help
    monkeypatch.undo()
    monkeypatch.setattr(synth.shutil, "which", lambda name: None)
    with pytest.raises(BackendError) as exc:
        backend().render(AssetSpec("music", "drone", {"seed": 99}), 2.0, cache)
    assert exc.value.code == errors.SYNTH_MISSING and "apt-get install fluidsynth" in exc.value.help


def test_soundfont_env_override(
    cache: Cache, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SCREENPLAY_SOUNDFONT", str(tmp_path / "missing.sf2"))
    with pytest.raises(BackendError) as exc:
        synth.find_soundfont()
    assert exc.value.code == errors.SYNTH_MISSING

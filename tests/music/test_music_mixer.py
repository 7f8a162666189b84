"""The mixer, measured the way a listener (and a loudness meter) would hear it."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
from music_helpers import SPAN, music_clip, speech_like, speech_lookup, timeline

from screenplay.backends.protocols import PROJECT_RATE as R
from screenplay.cache import Cache
from screenplay.music import mixer, schema
from screenplay.music.engine import backend
from screenplay.music.loudness import true_peak_db
from screenplay.timeline import MusicClip

LINES = [  # (bus, start s, audio): two dialogue lines and a narration, with 3–4 s between
    ("dialogue", 3.0, speech_like(2.5, 150.0, seed=1)),
    ("narration", 9.0, speech_like(3.0, 110.0, seed=2)),
    ("dialogue", 16.0, speech_like(2.0, 210.0, seed=3)),
]


def _loudness(x: np.ndarray) -> float:
    return float(pyloudnorm.Meter(R).integrated_loudness(x.astype(np.float64)))


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, mixer.MixResult]:
    cache = Cache(tmp_path_factory.mktemp("mix-cache"))
    cue = music_clip("strings", {"seed": 4}, 0.0, 22.0, fade_in=1.0, fade_out=2.0)
    tl = timeline(22.0, LINES, [cue], pans={1: -0.4})
    result = mixer.mix(
        tl,
        speech_lookup(LINES),
        lambda c: backend().render(c.spec, c.samples / R, cache),
        stems=True,
    )
    return tl, result


def test_music_ducks_at_least_10_db_under_speech(film: tuple[object, mixer.MixResult]) -> None:
    _, result = film
    assert result.stems is not None
    music = result.stems["music"]

    def level(a: float, b: float) -> float:
        return _loudness(music[int(a * R) : int(b * R)])

    between = [level(6.5, 8.0), level(13.0, 15.0)]
    during = [level(3.5, 5.0), level(9.5, 11.5), level(16.3, 17.8)]
    for d in during:
        for b in between:
            assert b - d >= 10.0, (during, between)


def test_duck_is_down_before_the_first_syllable(film: tuple[object, mixer.MixResult]) -> None:
    _, result = film
    hop = mixer.DUCK_HOP
    for _, start, audio in LINES:
        first_sound = start + np.flatnonzero(np.abs(audio) > 1e-3)[0] / R
        at_onset = result.duck_db[int(first_sound * R) // hop]
        assert at_onset <= mixer.DUCK_DEPTH_DB + 0.5
        long_before = result.duck_db[int((first_sound - 1.0) * R) // hop]
        assert long_before > -1.0


def test_no_clipping_and_true_peak_under_ceiling(film: tuple[object, mixer.MixResult]) -> None:
    _, result = film
    assert np.abs(result.audio).max() < 1.0
    assert true_peak_db(result.audio) <= -1.0 + 0.05
    assert result.true_peak_db <= -1.0 + 0.05


def test_integrated_loudness_on_target(film: tuple[object, mixer.MixResult]) -> None:
    tl, result = film
    assert result.audio.shape == (tl.samples, 2) and result.audio.dtype == np.float32
    assert abs(_loudness(result.audio) - (-16.0)) <= 1.0
    assert abs(result.lufs - (-16.0)) <= 0.2


def test_stems_sum_to_the_mix_and_pan_places_voices(film: tuple[object, mixer.MixResult]) -> None:
    _, result = film
    assert result.stems is not None
    total = sum(result.stems.values())
    assert np.abs(total - result.audio).max() < 1e-4
    narr = result.stems["narration"][9 * R : 12 * R]
    left, right = np.sqrt((narr**2).mean(axis=0))
    assert left > right * 1.5  # pan = -0.4 leans left
    dia = result.stems["dialogue"][3 * R : 5 * R]
    assert np.sqrt((dia**2).mean(axis=0))[0] == pytest.approx(
        np.sqrt((dia**2).mean(axis=0))[1], rel=0.01
    )


def test_fades_shape_the_cue(film: tuple[object, mixer.MixResult]) -> None:
    _, result = film
    assert result.stems is not None
    music = result.stems["music"].mean(axis=1)
    assert np.abs(music[:480]).max() < 0.01 * np.abs(music[R : 2 * R]).max()  # starts from silence
    assert (
        np.abs(music[-48:]).max() < 0.02 * np.abs(music[-4 * R : -3 * R]).max()
    )  # fades to silence


def test_loud_inputs_still_do_not_clip() -> None:
    """A shouting voice over a hot cue (+20 dB) still ends at −16 LUFS and under −1 dBTP."""
    lines = [("dialogue", 1.0, np.clip(speech_like(2.0, 200.0, seed=5, level=2.0), -3, 3))]
    tone = (
        np.stack([np.sin(2 * np.pi * 110 * np.arange(5 * R) / R)] * 2, axis=1).astype(np.float32)
        * 3
    )
    cue = MusicClip("LOUD", music_clip("drone", {}, 0, 5).spec, 0, 5 * R, SPAN, gain_db=20.0)
    tl = timeline(5.0, lines, [cue])
    result = mixer.mix(tl, speech_lookup(lines), lambda c: tone)
    assert np.abs(result.audio).max() < 1.0
    assert true_peak_db(result.audio) <= -0.95
    assert abs(_loudness(result.audio) + 16.0) <= 1.0


def test_unducked_cue_and_music_only_film() -> None:
    tone = (
        np.stack([np.sin(2 * np.pi * 220 * np.arange(6 * R) / R)] * 2, axis=1).astype(np.float32)
        * 0.1
    )
    cue = MusicClip("BED", music_clip("drone", {}, 0, 6).spec, 0, 6 * R, SPAN, duck=False)
    lines = [("dialogue", 2.0, speech_like(2.0, seed=7))]
    tl = timeline(6.0, lines, [cue])
    result = mixer.mix(tl, speech_lookup(lines), lambda c: tone, stems=True)
    assert result.stems is not None
    m = result.stems["music"][:, 0]
    assert np.sqrt((m[int(2.5 * R) : int(3.5 * R)] ** 2).mean()) == pytest.approx(
        np.sqrt((m[int(4.6 * R) : int(5.5 * R)] ** 2).mean()), rel=0.05
    )
    only_music = mixer.mix(
        timeline(6.0, [], [cue]), lambda k: np.zeros(0, np.float32), lambda c: tone
    )
    assert abs(only_music.lufs + 16.0) < 0.2


def test_silent_and_empty_films() -> None:
    result = mixer.mix(
        timeline(2.0, [], []), lambda k: np.zeros(0, np.float32), lambda c: np.zeros((0, 2))
    )
    assert result.audio.shape == (2 * R, 2) and not np.any(result.audio)
    assert result.lufs == float("-inf")


def test_fade_longer_than_cue_is_reported_and_mixes_safely() -> None:
    assert schema.check_fades(2.0, 3.0, 0.0)
    tone = np.ones((2 * R, 2), np.float32) * 0.1
    cue = MusicClip(
        "C", music_clip("drone", {}, 0, 2).spec, 0, 2 * R, SPAN, fade_in=3.0, fade_out=1.0
    )
    result = mixer.mix(timeline(2.0, [], [cue]), lambda k: np.zeros(0, np.float32), lambda c: tone)
    assert np.all(np.isfinite(result.audio)) and np.abs(result.audio).max() < 1.0


def test_clips_past_the_end_are_cut() -> None:
    lines = [("dialogue", 1.5, speech_like(2.0, seed=8))]  # runs 1.5 s past a 2 s film
    cue = music_clip("drone", {}, 1.0, 5.0)
    result = mixer.mix(
        timeline(2.0, lines, [cue]),
        speech_lookup(lines),
        lambda c: np.full((c.samples, 2), 0.05, np.float32),
    )
    assert result.audio.shape == (2 * R, 2)


def test_real_cache_roundtrip_with_engine(cache: Cache) -> None:
    """The engine's cues plug straight into the mixer (same contract the renderer uses)."""
    from screenplay.music.engine import cue_renderer

    cue = music_clip("piano", {"seed": 1}, 0.0, 4.0)
    tl = timeline(4.0, [], [cue])
    result = mixer.mix(tl, lambda k: np.zeros(0), cue_renderer(cache))
    assert abs(result.lufs + 16) < 0.2

"""Lyrics: a spoken line chanted on one note of the cue's key."""

from __future__ import annotations

import numpy as np
import pytest
from music_helpers import speech_like

from screenplay.backends.protocols import PROJECT_RATE as R
from screenplay.music.lyrics import chant, estimate_f0, reciting_note


def _glide(seconds: float, f_start: float, f_end: float) -> np.ndarray:
    t = np.arange(int(seconds * R)) / R
    f = f_start * (f_end / f_start) ** (t / seconds)
    phase = 2 * np.pi * np.cumsum(f) / R
    return (0.2 * sum(np.sin(k * phase) / k for k in range(1, 12))).astype(np.float32)


def test_f0_tracker_follows_a_glide() -> None:
    f0, voiced = estimate_f0(_glide(2.0, 120.0, 240.0))
    assert voiced[5:-5].all()
    assert f0[10] == pytest.approx(120 * 2 ** (0.1 / 2.0), rel=0.03)
    assert f0[-10] == pytest.approx(240 * 2 ** (-0.1 / 2.0), rel=0.03)


def test_reciting_note_is_a_chord_tone_near_the_voice() -> None:
    assert reciting_note("D minor", 163.0) == pytest.approx(174.61, abs=0.05)  # F3
    assert reciting_note("C major", 151.0) == pytest.approx(164.81, abs=0.05)  # E3
    assert reciting_note("A minor", 440.0) == pytest.approx(440.0)


def test_chant_flattens_pitch_onto_the_key() -> None:
    x = _glide(3.0, 140.0, 190.0)
    y = chant(x, "D minor")
    assert y.shape == x.shape and y.dtype == np.float32
    f0, voiced = estimate_f0(y)
    core = f0[voiced][10:-10]
    assert np.median(core) == pytest.approx(174.61, rel=0.01)
    assert np.std(core) / np.median(core) < 0.01  # the input glides over 30 %
    rms_in, rms_out = np.sqrt(np.mean(x**2)), np.sqrt(np.mean(y**2))
    assert 20 * np.log10(rms_out / rms_in) == pytest.approx(0.0, abs=1.5)


def test_chant_keeps_timing_and_silence() -> None:
    x = speech_like(2.0, 150.0, seed=4)
    y = chant(x, "C major")
    from scipy.ndimage import binary_erosion

    # Pauses stay pauses (away from the word edges, where grains may overlap by a period).
    quiet = binary_erosion(np.abs(x) < 1e-6, np.ones(int(0.015 * R), bool))
    assert quiet.sum() > 0.05 * R
    assert np.abs(y[quiet]).max() < 0.01 * np.abs(x).max()
    f0, voiced = estimate_f0(y)
    assert np.std(f0[voiced]) < 3.0


def test_partial_strength_and_unpitched_input() -> None:
    x = _glide(2.0, 140.0, 190.0)
    half = chant(x, "D minor", strength=0.5)
    f0, voiced = estimate_f0(half)
    assert np.std(f0[voiced][10:-10]) > 3.0  # some contour kept
    noise = (np.random.default_rng(0).standard_normal(R) * 0.1).astype(np.float32)
    assert np.array_equal(chant(noise, "D minor"), noise)  # nothing pitched: unchanged
    assert chant(np.zeros(0, np.float32), "D minor").shape == (0,)


def test_cue_key_for_lyrics() -> None:
    from screenplay.backends.protocols import AssetSpec
    from screenplay.music.lyrics import cue_key

    assert cue_key(AssetSpec("music", "drone", {"key": "E minor"})) == "E minor"
    assert cue_key(AssetSpec("music", "piano", {})) == "A minor"  # the style's default
    assert cue_key(AssetSpec("music", "file", {"path": "x.mp3"})) is None
    assert cue_key(None) is None

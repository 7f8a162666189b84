"""diffusion(...) faces and sets from a tiny random-weight Stable Diffusion pipeline."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import AssetSpec, BackendError, BackendWarning, SceneInfo
from screenplay.cache import Cache
from screenplay.pictures import diffusion

SCENE = SceneInfo(True, "EMPTY ROOM", "DUSK")


def _spec(kind: str, model: Path | str, **kw: object) -> AssetSpec:
    params = {"model": str(model), "seed": 3, "steps": 2, **kw}  # 2 steps: plenty for a test
    return AssetSpec(kind, "diffusion", params, label="MAN")


def test_set_is_generated_cached_and_cover_fitted(tiny_sd: Path, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    s = diffusion.backend().set(_spec("set", tiny_sd, prompt="an empty room"), SCENE, cache)
    # native 64 px on the long edge, 16:9-ish for a set
    assert s.image.shape == (32, 64, 3) and s.image.dtype == np.uint8
    assert s.image.std() > 1.0  # a picture, not a flat fill
    frame = s.frame(320, 180)
    assert frame.shape == (180, 320, 3)
    again = diffusion.backend().set(_spec("set", tiny_sd, prompt="an empty room"), SCENE, cache)
    assert np.array_equal(again.image, s.image) and cache.hits["sets"] >= 1
    other = diffusion.backend().set(
        _spec("set", tiny_sd, prompt="an empty room", seed=4), SCENE, cache
    )
    assert not np.array_equal(other.image, s.image)  # the seed is the identity


def test_face_without_landmarks_is_an_oval_still(tiny_sd: Path, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    for _ in range(2):  # generated, then from the cache: it warns both times
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            face = diffusion.backend().face(_spec("face", tiny_sd), cache)
        codes = [str(w.message)[:6] for w in caught if issubclass(w.category, BackendWarning)]
        assert codes == ["SP0533"]
    assert face.landmarks is None and face.image.shape == (64, 48, 4)
    rgba = face.frame(120, 160, viseme="a", eyes=0.0)
    assert rgba.shape == (160, 120, 4)
    assert rgba[0, 0, 3] == 0 and rgba[80, 60, 3] == 255  # oval cut-out, opaque middle


def test_plan_per_device(tiny_sd: Path) -> None:
    pipe = diffusion.load_pipeline(tiny_sd, "cpu")
    p = diffusion.plan(
        {"steps": 0, "guidance": -1.0, "size": 0, "device": "cpu"}, pipe, "face", "x", tiny_sd
    )
    assert (p.device, p.steps, p.guidance, p.width, p.height) == ("cpu", 12, 7.0, 48, 64)
    turbo = diffusion.plan(
        {"size": 128, "device": "cpu"}, pipe, "set", "stabilityai/sd-turbo", tiny_sd
    )
    assert (turbo.steps, turbo.guidance, turbo.width, turbo.height) == (2, 0.0, 128, 64)


def test_missing_weights_say_where_to_put_them(no_models_env: Path) -> None:
    with pytest.raises(BackendError) as e:
        diffusion.backend().set(
            _spec("set", "someone/sd-nothing"), SCENE, Cache(no_models_env / "c")
        )
    assert e.value.code == "SP0530"
    assert "someone--sd-nothing" in e.value.help and "models--someone--sd-nothing" in e.value.help


def test_folder_that_is_not_a_pipeline(tmp_path: Path) -> None:
    (tmp_path / "lora").mkdir()
    (tmp_path / "lora" / "weights.safetensors").write_bytes(b"x")
    with pytest.raises(BackendError) as e:
        diffusion.backend().set(_spec("set", tmp_path / "lora"), SCENE, Cache(tmp_path / "c"))
    assert e.value.code == "SP0531"


def test_cuda_only_model_on_a_cpu_machine(tiny_sd: Path, tmp_path: Path) -> None:
    import shutil

    with pytest.raises(BackendError) as e:
        diffusion.backend().set(_spec("set", tiny_sd, device="cuda"), SCENE, Cache(tmp_path / "c"))
    assert e.value.code == "SP0532"
    quant = tmp_path / "quant-sd"
    shutil.copytree(tiny_sd, quant)
    cfg = json.loads((quant / "unet" / "config.json").read_text())
    cfg["quantization_config"] = {"quant_method": "bitsandbytes", "load_in_4bit": True}
    (quant / "unet" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(BackendError) as e:
        diffusion.backend().set(_spec("set", quant), SCENE, Cache(tmp_path / "c"))
    assert e.value.code == "SP0532"


def test_reference_photo_without_ip_adapter_weights(tiny_sd: Path, no_models_env: Path) -> None:
    from PIL import Image

    ref = no_models_env / "me.png"
    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(ref)
    spec = _spec("face", tiny_sd, reference=ref, ip_adapter="h94/IP-Adapter")
    with pytest.raises(BackendError) as e:
        diffusion.backend().face(spec, Cache(no_models_env / "c"))
    assert e.value.code == "SP0535" and "models/ip-adapter" in e.value.help


def test_model_files_are_hashed_once(tiny_sd: Path, tmp_path: Path) -> None:
    from screenplay.backends import weights

    cache = Cache(tmp_path / "c")
    first = weights.model_identity(tiny_sd, cache)
    misses = cache.misses["models"]
    assert misses == len(weights.model_files(tiny_sd)) > 5
    assert weights.model_identity(tiny_sd, cache) == first
    assert cache.misses["models"] == misses  # every file's hash came from the memo

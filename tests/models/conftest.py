"""Tiny random-weight models, built once per test session from configs (nothing downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("diffusers", reason="the models extra is not installed")
    from tests.models.tiny import make_sd_pipeline

    return make_sd_pipeline(tmp_path_factory.mktemp("models") / "tiny-sd")


@pytest.fixture(scope="session")
def tiny_musicgen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.models.tiny import make_musicgen

    return make_musicgen(tmp_path_factory.mktemp("models") / "tiny-musicgen")


@pytest.fixture
def no_models_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Empty model search paths and Hugging Face cache, so 'not found' is deterministic."""
    monkeypatch.setenv("SCREENPLAY_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("TTS_HOME", str(tmp_path / "tts"))
    return tmp_path


@pytest.fixture(scope="session")
def tiny_vits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.models.tiny import make_vits

    return make_vits(tmp_path_factory.mktemp("models") / "tiny-vits")

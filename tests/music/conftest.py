"""The music tests' isolated cache fixture (shared signals and timelines: music_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screenplay.cache import Cache
from screenplay.syntax.source import Span

SPAN = Span("test.film", 1, 1, 1, 2)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cache:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    return Cache(tmp_path / "cache")

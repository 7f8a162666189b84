"""Fixtures for the pictures tests: an isolated cache and golden-image comparison.

Goldens are small PNGs in ``tests/pictures/golden/``.  Rewrite them after a
deliberate style change with ``SCREENPLAY_UPDATE_GOLDENS=1 python -m pytest
tests/pictures`` and look at the new images before committing them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from screenplay.cache import Cache

    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    return Cache(tmp_path / "cache")


@pytest.fixture
def golden() -> Callable[[str, np.ndarray], None]:
    """Compare an image with its golden, with a tolerance for library-version hairlines."""
    from PIL import Image

    def check(name: str, image: np.ndarray) -> None:
        path = GOLDEN_DIR / f"{name}.png"
        if os.environ.get("SCREENPLAY_UPDATE_GOLDENS") or not path.exists():
            if not os.environ.get("SCREENPLAY_UPDATE_GOLDENS"):
                pytest.fail(f"missing golden {path}; run with SCREENPLAY_UPDATE_GOLDENS=1")
            GOLDEN_DIR.mkdir(exist_ok=True)
            Image.fromarray(image).save(path)
            return
        expected = np.asarray(Image.open(path))
        assert expected.shape == image.shape, (
            f"{name}: shape {image.shape} != golden {expected.shape}"
        )
        diff = np.abs(expected.astype(np.int16) - image.astype(np.int16))
        assert diff.mean() < 1.0, f"{name}: mean difference {diff.mean():.2f} from golden"
        assert np.percentile(diff, 99.5) < 40, f"{name}: too many pixels differ from golden"

    return check

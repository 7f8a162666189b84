"""Lip-sync measured, not asserted: MediaPipe reads the rendered frames of a speaking shot.

See :mod:`lipsync` for the protocol.  The thresholds are the issue's: a
photo face correlates at least 0.7 with the voice's loudness, and a
procedural portrait better than the 0.46 it had before co-articulation.
The numbers are reported in docs/pictures.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lipsync import measure, speak

from screenplay.backends.protocols import AssetSpec
from screenplay.cache import Cache


@pytest.fixture(scope="module")
def speech():  # type: ignore[no-untyped-def]
    return speak()


@pytest.fixture(scope="module")
def astronaut_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image
    from skimage import data

    path = tmp_path_factory.mktemp("lipsync") / "astronaut.png"
    Image.fromarray(data.astronaut()).save(path)
    return path


def test_photo_face_lip_sync(speech, astronaut_png: Path) -> None:  # type: ignore[no-untyped-def]
    result = measure(
        AssetSpec("face", "file", {"path": astronaut_png}), Cache(enabled=False), speech
    )
    assert result.detected > 0.95
    assert result.correlation >= 0.7, f"photo lip-sync correlation {result.correlation:.3f}"


def test_procedural_face_lip_sync(speech) -> None:  # type: ignore[no-untyped-def]
    result = measure(AssetSpec("face", "portrait", {"seed": 7}), Cache(enabled=False), speech)
    assert result.detected > 0.95
    assert result.correlation >= 0.55, f"portrait lip-sync correlation {result.correlation:.3f}"

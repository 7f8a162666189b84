"""Lip-sync measured, not asserted: MediaPipe reads the rendered frames of a speaking shot.

See :mod:`lipsync` for the protocol.  The thresholds are the issue's: a
photo face correlates at least 0.7 with the voice's loudness, and a
procedural portrait better than the 0.46 it had before co-articulation.
The numbers are reported in docs/pictures.md.

Each measurement runs in a fresh interpreter: the native engines it uses
(libespeak-ng for the line, TFLite for the face mesh) keep process-wide
state, and after a few hundred other tests in the same process the same
measurement moved by 0.03.  A fresh process gives the number a user's first
build gets, every time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

_MEASURE = """
import json, sys
sys.path.insert(0, {here!r})
from lipsync import measure
from screenplay.backends.protocols import AssetSpec
from screenplay.cache import Cache
spec = AssetSpec("face", {ctor!r}, {params})
r = measure(spec, Cache(enabled=False))
print(json.dumps({{"correlation": r.correlation, "detected": r.detected}}))
"""


def _measure(ctor: str, params: str) -> dict[str, float]:
    code = _MEASURE.format(here=str(HERE), ctor=ctor, params=params)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def astronaut_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image
    from skimage import data

    path = tmp_path_factory.mktemp("lipsync") / "astronaut.png"
    Image.fromarray(data.astronaut()).save(path)
    return path


@pytest.mark.slow  # ~20 s: a face tracked through a whole rendered line
def test_photo_face_lip_sync(astronaut_png: Path) -> None:
    result = _measure("file", f"{{'path': __import__('pathlib').Path({str(astronaut_png)!r})}}")
    assert result["detected"] > 0.95
    assert result["correlation"] >= 0.7, f"photo lip-sync correlation {result['correlation']:.3f}"


@pytest.mark.slow  # ~20 s
def test_procedural_face_lip_sync() -> None:
    result = _measure("portrait", "{'seed': 7}")
    assert result["detected"] > 0.95
    assert result["correlation"] >= 0.55, (
        f"portrait lip-sync correlation {result['correlation']:.3f}"
    )

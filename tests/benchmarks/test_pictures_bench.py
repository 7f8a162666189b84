"""Pictures benchmarks (1280×720): talking faces, sets, camera moves, morphs.

Run with ``python -m pytest tests/benchmarks/test_pictures_bench.py --benchmark-enable``;
the numbers are recorded in docs/pictures.md.  With benchmarks disabled (the
default) each body runs once, as a smoke test, and the talking-face frame
rate is still checked against the 24 fps floor.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import VISEMES, AssetSpec, SceneInfo
from screenplay.cache import Cache
from screenplay.pictures.engine import backend

W, H = 1280, 720
NO_CACHE = Cache(enabled=False)


@pytest.fixture(scope="module")
def talking_face():  # type: ignore[no-untyped-def]
    face = backend().face(AssetSpec("face", "portrait", {"seed": 7}), NO_CACHE)
    face.frame(W, H)  # build the layers once, as the compositor's first frame does
    return face


@pytest.fixture(scope="module")
def photo_face(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from PIL import Image
    from skimage import data

    p = tmp_path_factory.mktemp("bench") / "astronaut.png"
    Image.fromarray(data.astronaut()).save(p)
    face = backend().face(AssetSpec("face", "file", {"path": p}), NO_CACHE)
    face.frame(W, H, "o", 0.5)  # warm the patches the benchmark uses
    return face


def _cycle(face, n: int = 24) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        face.frame(W, H, VISEMES[i % len(VISEMES)], (1.0, 1.0, 0.5, 0.0)[i % 4])


def test_bench_talking_portrait_frame(benchmark, talking_face) -> None:  # type: ignore[no-untyped-def]
    benchmark(talking_face.frame, W, H, "a", 0.5)
    t = time.perf_counter()
    _cycle(talking_face)
    per_frame = (time.perf_counter() - t) / 24
    assert per_frame < 1 / 24, f"talking face at {1 / per_frame:.0f} fps"


def test_bench_portrait_layers_first_build(benchmark) -> None:  # type: ignore[no-untyped-def]
    def build() -> None:
        backend().face(AssetSpec("face", "portrait", {"seed": 9}), NO_CACHE).frame(W, H)

    benchmark.pedantic(build, rounds=3, iterations=1)


def test_bench_portrait_full_repaint(benchmark, talking_face) -> None:  # type: ignore[no-untyped-def]
    benchmark.pedantic(talking_face.render_exact, args=(W, H, "o", 1.0), rounds=3, iterations=1)


def test_bench_talking_photo_frame(benchmark, photo_face) -> None:  # type: ignore[no-untyped-def]
    benchmark(photo_face.frame, W, H, "o", 0.5)


@pytest.mark.parametrize(
    "ctor,scene",
    [
        ("room", SceneInfo(True, "KITCHEN", "NIGHT")),
        ("exterior", SceneInfo(False, "FOREST", "DAY")),
    ],
)
def test_bench_set_render(benchmark, ctor, scene) -> None:  # type: ignore[no-untyped-def]
    def render() -> np.ndarray:
        return backend().set(AssetSpec("set", ctor, {"seed": 3}), scene, NO_CACHE).frame(W, H)

    benchmark.pedantic(render, rounds=3, iterations=1)


def test_bench_set_cached_frame(benchmark) -> None:  # type: ignore[no-untyped-def]
    s = backend().set(
        AssetSpec("set", "room", {"seed": 3}), SceneInfo(True, "ROOM", "DAY"), NO_CACHE
    )
    s.frame(W, H)
    benchmark(s.frame, W, H)


def test_bench_ken_burns(benchmark) -> None:  # type: ignore[no-untyped-def]
    from screenplay.pictures.camera import apply_camera
    from screenplay.timeline import Camera

    img = (
        backend()
        .set(AssetSpec("set", "room", {"seed": 3}), SceneInfo(True, "ROOM", "DAY"), NO_CACHE)
        .frame(W, H)
    )
    benchmark(
        apply_camera, img, Camera(zoom_start=1.0, zoom_end=1.1, pan_end=(0.05, 0.0)), 0.4, W, H
    )


def test_bench_portrait_morph_frame(benchmark) -> None:  # type: ignore[no-untyped-def]
    from screenplay.pictures.morph import morph_frames

    a = backend().face(AssetSpec("face", "portrait", {"seed": 1, "hair": "short"}), NO_CACHE)
    b = backend().face(AssetSpec("face", "portrait", {"seed": 2, "hair": "long"}), NO_CACHE)
    at = morph_frames(a, b, W, H)
    benchmark.pedantic(at, args=(0.5,), rounds=3, iterations=1)


def test_bench_photo_portrait_morph_frame(benchmark, photo_face) -> None:  # type: ignore[no-untyped-def]
    from screenplay.pictures.morph import morph_frames

    a = backend().face(AssetSpec("face", "portrait", {"seed": 1}), NO_CACHE)
    at = morph_frames(a, photo_face, W, H)  # landmark correspondence, once per morph
    benchmark.pedantic(at, args=(0.5,), rounds=3, iterations=1)


def test_bench_landmarks(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from skimage import data

    from screenplay.pictures.photo import find_landmarks

    img = data.astronaut()
    find_landmarks(img)  # model load outside the measurement
    benchmark.pedantic(find_landmarks, args=(img,), rounds=3, iterations=1)


def _speaking_shot(face: AssetSpec, cache: Cache, seconds: float = 4.0) -> None:
    """Render every frame of a close-up speaking for ``seconds`` (visemes every 90 ms)."""
    from fractions import Fraction

    from screenplay.backends.protocols import Timed
    from screenplay.render.assets import PicturesAssetProvider
    from screenplay.render.compositor import Compositor
    from screenplay.syntax.source import Span
    from screenplay.timeline import Shot, SpeakerPicture, Timeline

    shapes = ("a", "e", "mbp", "o", "rest", "fv", "e", "a")
    vis = tuple(
        Timed(i * 0.09, (i + 1) * 0.09, shapes[(i * 5) % len(shapes)])
        for i in range(int(seconds / 0.09))
    )
    frames = int(seconds * 24)
    pic = SpeakerPicture(
        AssetSpec("set", "room", {"seed": 3}), SceneInfo(True, "ROOM", "DAY"), face, vis, 5
    )
    shot = Shot("s", 0, frames, pic, Span("bench.film", 1, 1, 1, 2))
    timeline = Timeline(fps=Fraction(24), width=W, height=H, frames=frames, shots=(shot,))
    comp = Compositor(timeline, PicturesAssetProvider(cache))
    for i in range(frames):
        comp.frame(shot, i)


@pytest.mark.parametrize("kind", ["portrait", "photo"])
def test_bench_speaking_shot(benchmark, kind: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A 4 s talking close-up, face preparation cached on disk (a rebuild after an edit).

    The photo face must cost at most ~20 % more than the procedural one
    (compare the two means; docs/pictures.md records them).
    """
    from PIL import Image
    from skimage import data

    if kind == "photo":
        path = tmp_path / "astronaut.png"
        Image.fromarray(data.astronaut()).save(path)
        face = AssetSpec("face", "file", {"path": path})
    else:
        face = AssetSpec("face", "portrait", {"seed": 7})
    cache = Cache(tmp_path / "cache")
    _speaking_shot(face, cache, 0.5)  # prepares the face and fills the disk cache
    benchmark.pedantic(_speaking_shot, args=(face, cache), rounds=3, iterations=1)

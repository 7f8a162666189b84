"""The renderer on the real pictures backend (procedural portraits and rooms)."""

from __future__ import annotations

import pickle
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from render_films import span, visemes_for

from screenplay.backends.protocols import AssetSpec, SceneInfo
from screenplay.cache import Cache
from screenplay.render.assets import AssetProvider, PicturesAssetProvider
from screenplay.render.compositor import Compositor
from screenplay.render.encode import render_film
from screenplay.timeline import (
    Camera,
    MorphPicture,
    SetPicture,
    Shot,
    SpeakerPicture,
    Timeline,
    Transition,
)

try:
    import screenplay.pictures.engine  # noqa: F401

    PICTURES_ERROR = ""
except Exception as e:  # pragma: no cover - depends on the pictures package's state
    PICTURES_ERROR = f"screenplay.pictures.engine does not import yet: {e!r}"

pytestmark = pytest.mark.skipif(bool(PICTURES_ERROR), reason=PICTURES_ERROR)

ROOM = AssetSpec("set", "room", {"seed": 3})
SCENE = SceneInfo(True, "EMPTY ROOM", "NIGHT")
ANNA = AssetSpec("face", "portrait", {"seed": 7})
BEN = AssetSpec("face", "portrait", {"seed": 11})


def film() -> Timeline:
    fps = Fraction(24)
    room = SetPicture(ROOM, SCENE, Camera(1.0, 1.1))
    anna = SpeakerPicture(ROOM, SCENE, ANNA, visemes_for(["hello", "there"], fps), blink_seed=1)
    shots = (
        Shot("a", 0, 12, room, span(1)),
        Shot("b", 12, 24, anna, span(2), Transition("dissolve", 6, room)),
        Shot("c", 36, 12, MorphPicture(ROOM, SCENE, ANNA, BEN), span(3)),
    )
    return Timeline(fps=fps, width=128, height=72, frames=48, shots=shots)


def test_provider_implements_the_protocol_and_pickles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    provider = PicturesAssetProvider(Cache(tmp_path / "cache"))
    assert isinstance(provider, AssetProvider)
    face = provider.face(ANNA)
    assert provider.face(ANNA) is face  # memoized per spec
    clone = pickle.loads(pickle.dumps(provider))
    assert clone.cache.root == provider.cache.root and clone._faces == {}
    img = face.frame(64, 80, "a", 1.0)
    assert img.shape == (80, 64, 4) and img.dtype == np.uint8
    morph = provider.morph(ANNA, BEN, 64, 80)
    assert morph(0.5).shape == (80, 64, 4)


def test_real_pictures_film_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    from screenplay.render import encode

    monkeypatch.setattr(encode, "POOL_MIN_PIXELS", 0)  # the provider must travel to workers
    cache = Cache(tmp_path / "cache")
    tl = film()
    provider = PicturesAssetProvider(cache)
    comp = Compositor(tl, provider)
    x, y, fw, fh = comp.closeup_box()
    set_frame = comp.frame(tl.shots[0], 11).astype(int)
    face_frame = comp.frame(tl.shots[1], 20).astype(int)
    region = (slice(y, y + fh), slice(x, x + fw))
    assert np.abs(face_frame[region] - set_frame[region]).mean() > 10  # a face is there
    out = tmp_path / "real.mp4"
    audio = np.zeros((tl.samples, 2), np.float32)
    report = render_film(tl, provider, audio, out, cache, jobs=2)
    assert report.segments_rendered == 3
    with av.open(str(out)) as c:
        assert c.streams.video[0].frames == tl.frames

"""Morphs: method choice, end points, and in-between frames that are really in between."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import AssetSpec
from screenplay.cache import Cache
from screenplay.pictures.engine import backend
from screenplay.pictures.morph import morph_frames, morph_method

W, H = 160, 90


def portrait(seed: int, **kw):  # type: ignore[no-untyped-def]
    return backend().face(AssetSpec("face", "portrait", {"seed": seed, **kw}), Cache(enabled=False))


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from PIL import Image
    from skimage import data

    d = tmp_path_factory.mktemp("morph")
    img = data.astronaut()
    a, b = d / "a.png", d / "b.png"
    Image.fromarray(img).save(a)
    # a second "person": the same photo with a narrower, longer face (different geometry,
    # same texture, so a correct landmark alignment makes them nearly coincide)
    import cv2

    Image.fromarray(cv2.resize(img, (400, 600), interpolation=cv2.INTER_AREA)).save(b)
    cache = Cache(enabled=False)
    return (
        backend().face(AssetSpec("face", "file", {"path": a}), cache),
        backend().face(AssetSpec("face", "file", {"path": b}), cache),
    )


def dist(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


def test_portraits_morph_by_parameters() -> None:
    a, b = portrait(1, hair="short", age=30), portrait(2, hair="long", age=70)
    assert morph_method(a, b, W, H) == "parameters"
    at = morph_frames(a, b, W, H)
    assert np.array_equal(at(0.0), a.frame(W, H)) and np.array_equal(at(1.0), b.frame(W, H))
    mid = at(0.5)
    assert mid.shape == (H, W, 4)
    ab = dist(a.frame(W, H), b.frame(W, H))
    assert dist(mid, a.frame(W, H)) < ab and dist(mid, b.frame(W, H)) < ab
    # frames progress smoothly toward b
    ds = [dist(at(t), b.frame(W, H)) for t in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert all(x > y for x, y in zip(ds, ds[1:], strict=False))


def test_same_discrete_features_need_one_repaint() -> None:
    from screenplay.pictures.portrait import lerp_look

    a, b = (
        portrait(3, hair="bob", clothing="shirt"),
        portrait(3, hair="bob", clothing="shirt", age=80),
    )
    mid = lerp_look(a.look, b.look, 0.5)
    assert mid.age == pytest.approx((a.look.age + b.look.age) / 2)
    assert morph_frames(a, b, W, H)(0.5).shape == (H, W, 4)


def test_two_photos_morph_by_landmarks(photos) -> None:  # type: ignore[no-untyped-def]
    a, b = photos
    assert morph_method(a, b, W, H) == "landmarks"
    at = morph_frames(a, b, W, H)
    fa, fb, mid = at(0.0), at(1.0), at(0.5)
    assert np.array_equal(fa, a.frame(W, H)) and np.array_equal(fb, b.frame(W, H))
    ab = dist(fa, fb)
    assert dist(mid, fa) < ab and dist(mid, fb) < ab
    # the landmark warp brings both faces onto one shape: once warped they line up far
    # better than the raw frames do (which is why the morph does not double-expose)
    from screenplay.pictures.morph import _warp_to, correspondence

    pair = correspondence(a, b, W, H)
    assert pair is not None
    pa, pb = pair
    shape = (pa + pb) / 2
    wa, wb = _warp_to(fa, pa, shape, W, H), _warp_to(fb, pb, shape, W, H)
    x0, y0 = np.floor(shape[:468].min(axis=0)).astype(int)
    x1, y1 = np.ceil(shape[:468].max(axis=0)).astype(int)
    face = (slice(y0, y1), slice(x0, x1))
    assert dist(wa[face], wb[face]) < 0.5 * dist(fa[face], fb[face])


def test_photo_and_portrait_morph_by_landmarks(photos) -> None:  # type: ignore[no-untyped-def]
    a = portrait(4, background="soft")
    b = photos[0]
    assert morph_method(a, b, W, H) == "landmarks"
    at = morph_frames(a, b, W, H)
    assert np.array_equal(at(0.0), a.frame(W, H))
    assert np.array_equal(at(1.0), b.frame(W, H))
    mid = at(0.5)
    assert mid.shape == (H, W, 4) and mid.dtype == np.uint8
    ab = dist(a.frame(W, H), b.frame(W, H))
    assert dist(mid, a.frame(W, H)) < ab and dist(mid, b.frame(W, H)) < ab


def _composite(rgba: np.ndarray) -> np.ndarray:
    a = rgba[:, :, 3:4].astype(np.float32) / 255
    return np.ascontiguousarray((rgba[:, :, :3] * a + 128 * (1 - a)).astype(np.uint8))


@pytest.mark.parametrize("pair", ["photo-portrait", "photo-photo"])
def test_the_middle_frame_of_a_morph_is_a_face_between_the_two(photos, pair: str) -> None:  # type: ignore[no-untyped-def]
    """MediaPipe finds exactly one face mid-morph, its features between the endpoints' own."""
    from screenplay.pictures.photo import find_faces

    fw, fh = 518, 648  # film size: a 720p close-up
    a = photos[0]
    b = portrait(7) if pair == "photo-portrait" else photos[1]
    at = morph_frames(a, b, fw, fh)
    found = {t: find_faces(_composite(at(t))) for t in (0.0, 0.5, 1.0)}
    assert [len(found[t]) for t in (0.0, 0.5, 1.0)] == [1, 1, 1]
    la, lm, lb = found[0.0][0], found[0.5][0], found[1.0][0]
    span = np.linalg.norm(la[263] - la[33])
    for i in (33, 133, 362, 263, 1, 61, 291, 13, 14, 152):  # eyes, nose, mouth, chin
        lo, hi = np.minimum(la[i], lb[i]), np.maximum(la[i], lb[i])
        tol = 0.06 * span
        assert (lm[i] >= lo - tol).all() and (lm[i] <= hi + tol).all(), (i, la[i], lm[i], lb[i])


def test_flow_morph_moves_a_shape_rather_than_fading_it() -> None:
    """A textured patch sliding right: mid-morph it sits half-way, whole (no double exposure)."""
    import cv2

    from screenplay.pictures.morph import _flow_morph

    rng = np.random.default_rng(0)
    tex = cv2.GaussianBlur(rng.uniform(0, 255, (40, 40)).astype(np.float32), (0, 0), 2)
    tex = np.clip((tex - tex.mean()) * 3 + 170, 60, 255).astype(np.uint8)[:, :, None]
    a = np.full((90, 160, 3), 30, np.uint8)
    b = a.copy()
    a[25:65, 30:70] = tex
    b[25:65, 50:90] = tex
    expected = np.full((90, 160, 3), 30, np.uint8)
    expected[25:65, 40:80] = tex
    mid = _flow_morph(a, b)(0.5)[:, :, :3]
    dissolve = ((a.astype(np.float32) + b) / 2).astype(np.uint8)
    assert dist(mid, expected) < 1.0
    assert dist(dissolve, expected) > 5.0


def test_photo_without_face_morphs_by_flow(tmp_path: Path) -> None:
    from PIL import Image

    p = tmp_path / "plain.png"
    Image.fromarray(np.full((60, 80, 3), 128, np.uint8)).save(p)
    with pytest.warns(Warning):
        still = backend().face(AssetSpec("face", "file", {"path": p}), Cache(enabled=False))
    assert morph_method(still, portrait(1), W, H) == "flow"

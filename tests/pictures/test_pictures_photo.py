"""Photo faces and picture files: landmarks, mesh-warped mouth and blinks, bad input."""

from __future__ import annotations

import struct
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import AssetSpec, BackendError, BackendWarning, SceneInfo
from screenplay.pictures.engine import FileSet, PhotoFace, backend

W, H = 320, 180


@pytest.fixture(scope="module")
def astronaut_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image
    from skimage import data

    path = tmp_path_factory.mktemp("photos") / "astronaut.png"
    Image.fromarray(data.astronaut()).save(path)
    return path


@pytest.fixture(scope="module")
def astronaut(astronaut_png: Path) -> PhotoFace:
    from screenplay.cache import Cache

    face = backend().face(AssetSpec("face", "file", {"path": astronaut_png}), Cache(enabled=False))
    assert isinstance(face, PhotoFace)
    return face


def photo(path: Path, cache):  # type: ignore[no-untyped-def]
    return backend().face(AssetSpec("face", "file", {"path": path}), cache)


def test_landmarks_found_on_the_face(astronaut: PhotoFace) -> None:
    lm = astronaut.landmarks
    assert lm is not None and lm.shape == (478, 2)
    # the astronaut's face is roughly x 150–270, y 50–200 in the 512×512 photo
    cx, cy = lm.mean(axis=0)
    assert 150 < cx < 270 and 60 < cy < 200
    assert lm[13, 1] > lm[159, 1]  # the mouth is below the eyes
    assert astronaut.credit == "photo: astronaut.png"


def test_mouth_open_changes_the_mouth_and_nothing_else(astronaut: PhotoFace) -> None:
    rest = astronaut.frame(W, H).astype(np.int16)
    opened = astronaut.frame(W, H, viseme="a").astype(np.int16)
    lm = astronaut.frame_landmarks(W, H)
    assert lm is not None
    diff = np.abs(opened - rest).max(axis=2)
    mx, my = (lm[13] + lm[14]) / 2
    mw = np.linalg.norm(lm[291] - lm[61])
    near = np.zeros_like(diff, dtype=bool)
    ys, xs = np.mgrid[0:H, 0:W]
    near[(np.abs(xs - mx) < mw * 1.2) & (ys > my - mw * 0.6) & (ys < my + mw * 1.6)] = True
    assert diff[near].mean() > 8, "the mouth did not open"
    assert diff[~near].max() == 0, "pixels far from the mouth changed"
    # the opened mouth is darker at its centre
    assert opened[int(my + mw * 0.12), int(mx)].sum() < rest[int(my + mw * 0.12), int(mx)].sum()


def test_blink_closes_the_eyes_only(astronaut: PhotoFace) -> None:
    rest = astronaut.frame(W, H).astype(np.int16)
    closed = astronaut.frame(W, H, eyes=0.0).astype(np.int16)
    lm = astronaut.frame_landmarks(W, H)
    assert lm is not None
    diff = np.abs(closed - rest).max(axis=2)
    eye_y = lm[[159, 386], 1].mean()
    ys = np.nonzero(diff)[0]
    assert len(ys) > 20
    assert np.abs(ys - eye_y).max() < np.linalg.norm(lm[263] - lm[33]) * 0.5
    # inside the open eye, white sclera against a dark iris is high contrast; lid skin is not
    import cv2

    from screenplay.pictures.photo import EYE_RING

    inside = np.zeros((H, W), np.uint8)
    for ring in EYE_RING:
        cv2.fillPoly(inside, [np.round(lm[ring]).astype(np.int32)], 1)
    contrast = {}
    for eyes in (1.0, 0.5, 0.0):
        grey = cv2.cvtColor(astronaut.frame(W, H, eyes=eyes)[:, :, :3], cv2.COLOR_RGB2GRAY)
        contrast[eyes] = grey[inside > 0].std()
    assert contrast[0.0] < contrast[0.5] < contrast[1.0]
    assert contrast[0.0] < 0.8 * contrast[1.0]


def test_photo_frames_are_opaque_rgba_and_fast_after_the_first(astronaut: PhotoFace) -> None:
    import time

    img = astronaut.frame(W, H, "o", 0.5)
    assert img.shape == (H, W, 4) and (img[:, :, 3] == 255).all()
    t = time.perf_counter()
    for i in range(20):
        astronaut.frame(W, H, ("a", "o", "rest")[i % 3], 0.5)
    assert (time.perf_counter() - t) / 20 < 0.01


def test_landmarks_cached_by_content(astronaut_png: Path, cache) -> None:  # type: ignore[no-untyped-def]
    photo(astronaut_png, cache)
    photo(astronaut_png, cache)
    assert cache.hits["faces"] == 1


def test_missing_file(tmp_path: Path, cache) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BackendError) as err:
        photo(tmp_path / "nobody.png", cache)
    assert err.value.code == "SP0500"


@pytest.mark.parametrize(
    "content", [b"", b"\x89PNG\r\n\x1a\n garbage", b"not an image at all" * 10]
)
def test_corrupt_or_empty_file(content: bytes, tmp_path: Path, cache) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.png"
    bad.write_bytes(content)
    with pytest.raises(BackendError) as err:
        photo(bad, cache)
    assert err.value.code == "SP0501"


def test_truncated_jpeg(astronaut_png: Path, tmp_path: Path, cache) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    full = tmp_path / "full.jpg"
    Image.open(astronaut_png).save(full, quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(full.read_bytes()[:600])
    with pytest.raises(BackendError) as err:
        photo(cut, cache)
    assert err.value.code == "SP0501"


def _png_header_only(path: Path, w: int, h: int) -> None:
    """A PNG claiming w×h pixels with no pixel data: cheap to make, fatal to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


def test_huge_image_refused_before_decoding(tmp_path: Path, cache) -> None:  # type: ignore[no-untyped-def]
    import tracemalloc

    huge = tmp_path / "huge.png"
    _png_header_only(huge, 20_000, 20_000)
    tracemalloc.start()
    with pytest.raises(BackendError) as err:
        photo(huge, cache)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert err.value.code == "SP0502" and "pixels" in err.value.message
    assert peak < 50_000_000  # nothing near 1.2 GB was allocated
    with pytest.raises(BackendError):
        backend().set(AssetSpec("set", "file", {"path": huge}), SceneInfo(True, "ROOM", ""), cache)


def test_image_above_our_limit_below_pillows(tmp_path: Path, cache) -> None:  # type: ignore[no-untyped-def]
    huge = tmp_path / "big.png"
    _png_header_only(huge, 9000, 6000)  # 54 MP: Pillow would open it, we refuse
    with pytest.raises(BackendError) as err:
        photo(huge, cache)
    assert err.value.code == "SP0502" and "9000×6000" in err.value.message


def test_large_image_is_downscaled(tmp_path: Path, cache) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from screenplay.pictures.errors import WORKING_EDGE
    from screenplay.pictures.photo import load_image

    big = tmp_path / "wide.png"
    Image.new("RGB", (WORKING_EDGE * 2, 300), (90, 120, 150)).save(big)
    img = load_image(big)
    assert max(img.shape[:2]) == WORKING_EDGE and img.shape[2] == 3


def test_no_face_warns_and_falls_back_to_a_still(tmp_path: Path, cache) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    rng = np.random.default_rng(0)
    still = tmp_path / "landscape.png"
    grad = np.linspace(0, 255, 200, dtype=np.float32)[None, :, None] * np.ones(
        (120, 1, 3), np.float32
    )
    Image.fromarray((grad * 0.7 + rng.uniform(0, 40, grad.shape)).astype(np.uint8)).save(still)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        face = photo(still, cache)
    assert any(
        issubclass(w.category, BackendWarning) and "SP0504" in str(w.message) for w in caught
    )
    assert isinstance(face, PhotoFace) and face.landmarks is None
    rest = face.frame(160, 90)
    assert np.array_equal(rest, face.frame(160, 90, "a", 0.0))  # a still: no mouth, no blink
    assert rest.shape == (90, 160, 4)
    # the cached "no face" result warns again on the next build
    with pytest.warns(BackendWarning):
        photo(still, cache)


def test_file_set_cover_fits(astronaut_png: Path, cache) -> None:  # type: ignore[no-untyped-def]
    s = backend().set(
        AssetSpec("set", "file", {"path": astronaut_png}), SceneInfo(True, "ROOM", ""), cache
    )
    assert isinstance(s, FileSet) and s.credit == "picture: astronaut.png"
    img = s.frame(160, 90)
    assert img.shape == (90, 160, 3)
    assert img.std() > 20


def test_rgba_painting_keeps_its_alpha(tmp_path: Path, cache) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    arr = np.zeros((100, 100, 4), np.uint8)
    arr[20:80, 30:70] = (200, 150, 120, 255)
    p = tmp_path / "cutout.png"
    Image.fromarray(arr).save(p)
    with pytest.warns(BackendWarning):
        face = photo(p, cache)
    img = face.frame(100, 100)
    assert img[0, 0, 3] == 0 and img[50, 50, 3] == 255

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


FW, FH = 518, 648  # a 720p close-up: the size the film shows faces at


def test_cut_out_is_the_person_with_a_soft_edge(astronaut: PhotoFace) -> None:
    img = astronaut.frame(FW, FH)
    lm = astronaut.frame_landmarks(FW, FH)
    assert img.shape == (FH, FW, 4) and lm is not None
    alpha = img[:, :, 3]
    # the face, the hair above it and the shoulders are kept; the sky beside the head is not
    assert alpha[int(lm[1, 1]), int(lm[1, 0])] == 255
    assert alpha[int(lm[10, 1] - 0.15 * (lm[152, 1] - lm[10, 1])), int(lm[10, 0])] > 200  # hair
    assert alpha[5, 5] == 0 and alpha[int(lm[10, 1]), 10] == 0
    # soft: a band of partial alpha along the silhouette, not a hard 0/255 step
    assert ((alpha > 10) & (alpha < 245)).sum() > 200
    # framed like a procedural portrait: eyes at the same height
    from screenplay.pictures import portrait

    scale, (_, oy) = portrait.layout(FW, FH)
    eye_y = lm[[33, 263], 1].mean()
    assert abs(eye_y - (oy + (portrait.HEAD_Y + 0.005) * scale)) < 3


def test_open_mouth_drops_the_jaw_and_shows_a_dark_interior(astronaut: PhotoFace) -> None:
    rest = astronaut.frame(FW, FH).astype(np.int16)
    opened = astronaut.frame(FW, FH, viseme="a").astype(np.int16)
    lm = astronaut.frame_landmarks(FW, FH)
    assert lm is not None
    diff = np.abs(opened - rest).max(axis=2)
    ys, xs = np.nonzero(diff)
    mw = np.linalg.norm(lm[291] - lm[61])
    # only the lower face changes: nothing above the nose, nothing far to the sides
    assert ys.min() >= lm[2, 1] - 2 and np.abs(xs - lm[13, 0]).max() < 3 * mw
    # the chin moved down (jaw drop): the chin's row got darker/lighter below the old chin
    assert diff[int(lm[152, 1]) : int(lm[152, 1] + 0.2 * mw)].mean() > 2
    # inside the opened lips: dark cavity
    mouth = opened[int(lm[14, 1] + 0.08 * mw) : int(lm[14, 1] + 0.2 * mw), int(lm[13, 0])]
    assert mouth[:, :3].mean() < rest[int(lm[14, 1]), int(lm[13, 0]), :3].mean() - 40


def test_six_mouth_shapes_read_as_different_openings_to_mediapipe(astronaut: PhotoFace) -> None:
    """MediaPipe measures the lip gap on the rendered faces: open vowels open, m/b/p does not."""
    from screenplay.pictures.photo import find_faces

    def gap(viseme: str) -> float:
        img = astronaut.frame(FW, FH, viseme).astype(np.float32)
        a = img[:, :, 3:4] / 255
        rgb = (img[:, :, :3] * a + 128 * (1 - a)).astype(np.uint8)
        faces = find_faces(rgb)
        assert len(faces) == 1, viseme
        lm = faces[0]
        return float(np.linalg.norm(lm[14] - lm[13]) / np.linalg.norm(lm[263] - lm[33]))

    g = {v: gap(v) for v in ("rest", "mbp", "a", "e", "o", "fv")}
    assert g["a"] > g["o"] > g["rest"] + 0.05 and g["e"] > g["rest"] + 0.04
    assert g["mbp"] <= g["rest"] + 0.01 and g["fv"] < g["e"]


def test_blink_lowers_the_lid_over_the_eye(astronaut: PhotoFace) -> None:
    import cv2

    from screenplay.pictures.photo import EYE_RING

    lm = astronaut.frame_landmarks(FW, FH)
    assert lm is not None
    rest = astronaut.frame(FW, FH).astype(np.int16)
    closed = astronaut.frame(FW, FH, eyes=0.0).astype(np.int16)
    diff = np.abs(closed - rest).max(axis=2)
    ys = np.nonzero(diff)[0]
    eye_span = np.linalg.norm(lm[263] - lm[33])
    assert len(ys) > 50 and np.abs(ys - lm[[159, 386], 1].mean()).max() < eye_span * 0.4
    # inside the open eye: white sclera and dark iris; closed, it is lid skin close to the cheek
    inside = np.zeros((FH, FW), np.uint8)
    for ring in EYE_RING:
        cv2.fillPoly(inside, [np.round(lm[ring]).astype(np.int32)], 1)

    # the lid comes down over the iris: the dark iris turns into lighter lid skin
    def luma(img: np.ndarray, i: int) -> float:
        x, y = np.round(lm[i]).astype(int)
        return float(img[y - 1 : y + 2, x - 1 : x + 2, :3].mean())

    for iris in (468, 473):
        assert luma(closed, iris) > luma(rest, iris) + 25

    # no smear: the closed lid is smooth skin (less texture than the open eye)
    def texture(img: np.ndarray) -> float:
        grey = cv2.cvtColor(img.astype(np.uint8)[:, :, :3], cv2.COLOR_RGB2GRAY)
        return float(np.abs(cv2.Laplacian(grey.astype(np.float32), cv2.CV_32F))[inside > 0].mean())

    assert texture(closed) < 0.9 * texture(rest)


def test_photo_frames_are_fast_after_the_first(astronaut: PhotoFace) -> None:
    import time

    for v in ("a", "o", "rest"):
        astronaut.frame(W, H, v, 0.5)
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


def test_photo_contact_sheet_builds(astronaut_png: Path, tmp_path: Path) -> None:
    """The docs' contact sheet (photo in a set, six mouths, blinks, morph keyframes) renders."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from photo_sheet import build

    sheet = build(tmp_path / "sheet.png", astronaut_png)
    assert (tmp_path / "sheet.png").is_file() and sheet.shape[0] > 800
    # the six mouth tiles of row 2 are not all the same picture
    row = sheet[368 : 368 + 260]
    tiles = [row[:, i * 204 : i * 204 + 200].astype(np.int16) for i in range(6)]
    assert np.abs(tiles[2] - tiles[0]).mean() > 1.0  # "a" differs from rest

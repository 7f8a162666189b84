"""Bad face photos: each is a diagnostic at the `face:` line, or is handled correctly.

Covered: no face (warning, shown as a still), two faces (SP0510), a face
under 64 pixels (SP0511), a picture with its own alpha channel (its alpha is
the cut-out), a 16-bit PNG and a CMYK JPEG (converted, then animated).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import AssetSpec, BackendError
from screenplay.cache import Cache
from screenplay.pictures.engine import PhotoFace, backend

FILM = """Title: Bad photos

cast ANNA
    face: "{name}"
    voice: espeak

INT. ROOM - DAY

ANNA
Hello.
"""
FACE_LINE = 4


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    from skimage import data

    return np.asarray(data.astronaut())


def face_of(path: Path) -> PhotoFace:
    face = backend().face(AssetSpec("face", "file", {"path": path}), Cache(enabled=False))
    assert isinstance(face, PhotoFace)
    return face


def diagnostics_for(tmp_path: Path, image: Path):  # type: ignore[no-untyped-def]
    """Front end + picture loading of a film whose only face is ``image``."""
    from screenplay.api import load_film
    from screenplay.diagnostics.core import Diagnostics
    from screenplay.passes.bind import collect, load_pictures

    film_path = tmp_path / "bad.film"
    film_path.write_text(FILM.format(name=image.name))
    film, front = load_film(film_path)
    assert film is not None, front
    diags = Diagnostics()
    load_pictures(collect(film, diags), Cache(enabled=False), diags)
    return diags.items


def test_two_faces_is_an_error_at_the_face_line(astronaut: np.ndarray, tmp_path: Path) -> None:
    from PIL import Image

    two = tmp_path / "two.png"
    Image.fromarray(np.hstack([astronaut, astronaut[:, ::-1]])).save(two)
    with pytest.raises(BackendError) as err:
        face_of(two)
    assert err.value.code == "SP0510" and "2 faces" in err.value.message
    found = diagnostics_for(tmp_path, two)
    assert [(d.code, d.span.line) for d in found] == [("SP0510", FACE_LINE)]


def test_a_tiny_face_is_an_error_at_the_face_line(astronaut: np.ndarray, tmp_path: Path) -> None:
    import cv2
    from PIL import Image

    # the whole photo at 160 px: the face is about 30 px wide
    small = tmp_path / "small.png"
    canvas = np.full((400, 400, 3), 200, np.uint8)
    canvas[120:280, 120:280] = cv2.resize(astronaut, (160, 160), interpolation=cv2.INTER_AREA)
    Image.fromarray(canvas).save(small)
    found = diagnostics_for(tmp_path, small)
    assert [(d.code, d.span.line) for d in found] == [("SP0511", FACE_LINE)]
    assert "pixels wide" in found[0].message


def test_no_face_is_a_warning_at_the_face_line(tmp_path: Path) -> None:
    from PIL import Image

    plain = tmp_path / "plain.png"
    Image.fromarray(np.full((200, 300, 3), (90, 140, 200), np.uint8)).save(plain)
    found = diagnostics_for(tmp_path, plain)
    assert [(d.code, d.severity.name.lower(), d.span.line) for d in found] == [
        ("SP0504", "warning", FACE_LINE)
    ]


def test_a_picture_with_alpha_keeps_its_own_cut_out(astronaut: np.ndarray, tmp_path: Path) -> None:
    from PIL import Image

    rgba = np.dstack([astronaut, np.full(astronaut.shape[:2], 255, np.uint8)])
    rgba[:, :60, 3] = 0  # the writer cut away a strip on the left
    path = tmp_path / "cut.png"
    Image.fromarray(rgba).save(path)
    face = face_of(path)
    assert face.landmarks is not None
    # the prepared cut-out is the file's alpha, exactly, not a segmentation
    assert (face.image[:, :60, 3] == 0).all() and (face.image[:, 60:, 3] == 255).all()


def test_sixteen_bit_png_is_converted_not_clipped(astronaut: np.ndarray, tmp_path: Path) -> None:
    from PIL import Image

    from screenplay.pictures.photo import load_image

    grey = (astronaut.astype(np.float32) @ [0.299, 0.587, 0.114]).astype(np.uint16) * 257
    path = tmp_path / "deep.png"
    Image.fromarray(grey).save(path)
    assert Image.open(path).mode.startswith("I")
    img = load_image(path)
    assert img.dtype == np.uint8 and img.shape == (512, 512, 3)
    assert abs(float(img[..., 0].mean()) - float(grey.mean()) / 257) < 2  # not all white
    assert face_of(path).landmarks is not None  # and it still finds the face


def test_cmyk_jpeg_is_converted(astronaut: np.ndarray, tmp_path: Path) -> None:
    from PIL import Image

    from screenplay.pictures.photo import load_image

    path = tmp_path / "print.jpg"
    Image.fromarray(astronaut).convert("CMYK").save(path, quality=95)
    assert Image.open(path).mode == "CMYK"
    img = load_image(path)
    assert img.shape == (512, 512, 3)
    assert np.abs(img.astype(np.float32) - astronaut).mean() < 12  # same colours, not inverted
    assert face_of(path).landmarks is not None

"""The photo-face contact sheet of docs/pictures.md, rendered by the real compositor.

``python tests/pictures/photo_sheet.py docs/images/pictures-photo-face.png``
rewrites it; the test suite builds it into a temporary folder.  Rows:

1. the photo (``skimage.data.astronaut()``) cut out and placed in a set, next to
   a procedural portrait in the same set, at 1280×720;
2. close-ups of its six mouth shapes, then a half and a full blink;
3. the morph photo → portrait at t = 0, ¼, ½, ¾, 1.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from screenplay.backends.protocols import AssetSpec, SceneInfo, Timed
from screenplay.cache import Cache

W, H = 1280, 720


def _film(pictures: list[object], assets):  # type: ignore[no-untyped-def]
    from screenplay.render.compositor import Compositor
    from screenplay.syntax.source import Span
    from screenplay.timeline import Shot, Timeline

    shots = []
    start = 0
    for pic in pictures:
        shots.append(Shot(f"s{start}", start, 5, pic, Span("sheet.film", 1, 1, 1, 2)))
        start += 5
    tl = Timeline(fps=Fraction(24), width=W, height=H, frames=start, shots=tuple(shots))
    return Compositor(tl, assets), shots


def build(out: Path, photo: Path, cache: Cache | None = None) -> np.ndarray:
    import cv2
    from PIL import Image

    from screenplay.pictures.engine import backend
    from screenplay.render.assets import PicturesAssetProvider
    from screenplay.timeline import MorphPicture, SpeakerPicture

    cache = cache or Cache(enabled=False)
    assets = PicturesAssetProvider(cache)
    room = AssetSpec("set", "room", {"seed": 3, "window": "left"})
    scene = SceneInfo(True, "LIVING ROOM", "DAY")
    face = AssetSpec("face", "file", {"path": photo})
    drawn = AssetSpec("face", "portrait", {"seed": 7})

    def speaking(spec: AssetSpec, viseme: str) -> SpeakerPicture:
        vis = (Timed(0.0, 10.0, viseme),) if viseme != "rest" else ()
        return SpeakerPicture(room, scene, spec, vis, blink_seed=1)

    pics: list[object] = [speaking(face, "rest"), speaking(drawn, "rest")]
    pics += [speaking(face, v) for v in ("rest", "mbp", "a", "e", "o", "fv")]
    pics += [MorphPicture(room, scene, face, drawn)]
    comp, shots = _film(pics, assets)
    wide = [cv2.resize(np.asarray(comp.frame(shots[i], 2)), (640, 360)) for i in (0, 1)]
    # the close-up crop: the face region of the frame at film size, halved
    lm = backend().face(face, cache).frame_landmarks(*comp.closeup_box()[2:])
    x, y, _, _ = comp.closeup_box()
    assert lm is not None
    cx, cy = int(x + lm[[33, 263, 152], 0].mean()), int(y + lm[[33, 263, 152], 1].mean())

    def crop(img: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(img[cy - 130 : cy + 130, cx - 100 : cx + 100])

    mouths = [crop(np.asarray(comp.frame(shots[i], 2))) for i in range(2, 8)]
    rest_face = backend().face(face, cache)
    fw, fh = comp.closeup_box()[2:]
    base = np.asarray(comp.frame(shots[2], 2)).copy()
    blinks = []
    for eyes in (0.5, 0.0):
        f = rest_face.frame(fw, fh, "rest", eyes)
        frame = base.copy()
        a = f[:, :, 3:4].astype(np.float32) / 255
        region = frame[y : y + fh, x : x + fw].astype(np.float32)
        frame[y : y + fh, x : x + fw] = (f[:, :, :3] * a + region * (1 - a)).astype(np.uint8)
        blinks.append(crop(frame))
    morph = [crop(np.asarray(comp.frame(shots[8], i))) for i in range(5)]
    pad = np.full((360, 10, 3), 20, np.uint8)
    row1 = np.hstack([wide[0], pad, wide[1]])
    row2 = np.hstack([t for m in mouths + blinks for t in (m, np.full((260, 4, 3), 20, np.uint8))])
    row3 = np.hstack([t for m in morph for t in (m, np.full((260, 4, 3), 20, np.uint8))])
    width = max(r.shape[1] for r in (row1, row2, row3))

    def fit(r: np.ndarray) -> np.ndarray:
        out = np.full((r.shape[0], width, 3), 20, np.uint8)
        out[:, : r.shape[1]] = r
        return out

    sheet = np.vstack([fit(row1), np.full((8, width, 3), 20, np.uint8), fit(row2)])
    sheet = np.vstack([sheet, np.full((8, width, 3), 20, np.uint8), fit(row3)])
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(sheet).save(out)
    return sheet


if __name__ == "__main__":
    import tempfile

    from PIL import Image
    from skimage import data

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "astronaut.png"
        Image.fromarray(data.astronaut()).save(p)
        build(Path(sys.argv[1]), p)

"""The contact sheet of ``screenplay cast``: every face (with its mouth shapes) and every set.

One row per character: the face at rest, then each viseme (M/B/P, A, E/I,
O/U, F/V) and the eyes half-closed and closed, so the writer sees at a glance
that the face can talk and blink.  Then the sets in a grid, each labelled
with its name and credit.  Labels use Pillow's built-in scalable font, so no
font file is needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from screenplay.backends.protocols import AssetSpec, Face, SetImage

FACE_STATES: tuple[tuple[str, str, float], ...] = (
    ("rest", "rest", 1.0),
    ("M B P", "mbp", 1.0),
    ("A", "a", 1.0),
    ("E I", "e", 1.0),
    ("O U", "o", 1.0),
    ("F V", "fv", 1.0),
    ("eyes half", "rest", 0.5),
    ("blink", "rest", 0.0),
)
#: Face tiles are rendered this much larger and cropped to the head, so mouth shapes read.
FACE_ZOOM = 1.5
BG = (28, 28, 31)
CARD = np.array([58, 60, 66], np.float32)
INK = (232, 230, 226)
DIM = (150, 150, 156)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:  # DejaVu ships with most Linux systems; Pillow's own font is the fallback
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _over(rgba: np.ndarray, card: np.ndarray) -> np.ndarray:
    a = rgba[:, :, 3:4].astype(np.float32) / 255.0
    out: np.ndarray = (rgba[:, :, :3].astype(np.float32) * a + card * (1 - a) + 0.5).astype(
        np.uint8
    )
    return out


def contact_sheet(
    faces: Sequence[tuple[str, Face]],
    sets: Sequence[tuple[str, SetImage]],
    width: int = 1600,
    title: str = "",
) -> np.ndarray:
    """An RGB uint8 image showing ``faces`` (one row each, with visemes and blinks) and ``sets``."""
    pad = max(8, width // 100)
    label_w = width // 7
    n = len(FACE_STATES)
    tile = (width - label_w - pad * (n + 1)) // n
    head_h = pad * 4 if title else pad
    face_row_h = tile + pad * 3
    cols = 3
    set_w = (width - pad * (cols + 1)) // cols
    set_h = set_w * 9 // 16
    set_rows = (len(sets) + cols - 1) // cols
    faces_h = (pad * 3 + face_row_h * len(faces)) if faces else 0
    sets_h = (pad * 3 + set_rows * (set_h + pad * 4)) if sets else 0
    height = head_h + faces_h + sets_h + pad
    sheet = Image.new("RGB", (width, height), BG)
    draw = ImageDraw.Draw(sheet)
    big, small = _font(max(12, pad * 2)), _font(max(10, int(pad * 1.3)))
    y = pad
    if title:
        draw.text((pad, y), title, fill=INK, font=big)
        y = head_h
    if faces:
        draw.text((pad, y), "CAST", fill=DIM, font=small)
        for i, (label, _, _) in enumerate(FACE_STATES):
            x = label_w + pad + i * (tile + pad)
            draw.text((x + tile // 2, y), label, fill=DIM, font=small, anchor="ma")
        y += pad * 3
        card = np.broadcast_to(CARD, (tile, tile, 3))
        for name, face in faces:
            draw.text((pad, y + tile // 2 - pad), name, fill=INK, font=big)
            # the credit on up to two lines under the name ("procedural portrait" / "(seed 7)")
            words, lines = face.credit.split(" "), [""]
            for w in words:
                trial = (lines[-1] + " " + w).strip()
                if draw.textlength(trial, font=small) <= label_w - pad or not lines[-1]:
                    lines[-1] = trial
                elif len(lines) < 2:
                    lines.append(w)
                else:
                    lines[-1] = trial
            for j, text in enumerate(lines):
                draw.text(
                    (pad, y + tile // 2 + pad + j * int(pad * 1.6)),
                    _short(text, label_w - pad, small, draw),
                    fill=DIM,
                    font=small,
                )
            for i, (_, viseme, eyes) in enumerate(FACE_STATES):
                x = label_w + pad + i * (tile + pad)
                zoomed = round(tile * FACE_ZOOM)
                img = face.frame(zoomed, zoomed, viseme=viseme, eyes=eyes)
                # centre the head (drawn at 44 % of the height) in the tile
                y0 = int(np.clip(round(0.44 * zoomed - tile / 2), 0, zoomed - tile))
                x0 = (zoomed - tile) // 2
                img = img[y0 : y0 + tile, x0 : x0 + tile]
                rgb = _over(img, card) if img.shape[2] == 4 else img
                sheet.paste(Image.fromarray(np.ascontiguousarray(rgb)), (x, y))
            y += face_row_h
    if sets:
        draw.text((pad, y), "SETS", fill=DIM, font=small)
        y += pad * 3
        for k, (name, st) in enumerate(sets):
            r, c = divmod(k, cols)
            x = pad + c * (set_w + pad)
            yy = y + r * (set_h + pad * 4)
            sheet.paste(
                Image.fromarray(np.ascontiguousarray(st.frame(set_w, set_h)[:, :, :3])), (x, yy)
            )
            caption = f"{name}: {st.credit}"
            draw.text(
                (x, yy + set_h + pad // 2),
                _short(caption, set_w, small, draw),
                fill=INK,
                font=small,
            )
    return np.asarray(sheet)


def _short(
    text: str,
    max_w: int,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    draw: ImageDraw.ImageDraw,
) -> str:
    """``text`` cut with an ellipsis to fit ``max_w`` pixels."""
    if draw.textlength(text, font=font) <= max_w:
        return text
    while text and draw.textlength(text + "…", font=font) > max_w:
        text = text[:-1]
    return text + "…"


def preset_sheet(
    face_presets: Mapping[str, AssetSpec], set_presets: Mapping[str, AssetSpec], width: int = 1600
) -> np.ndarray:
    """The contact sheet of face and set presets (the stdlib's is the one in docs/images).

    The presets are given (``passes.resolve.load_presets``): an engine never
    calls into the front end.
    """
    from screenplay.backends.protocols import SceneInfo
    from screenplay.cache import Cache
    from screenplay.pictures.engine import backend

    cache = Cache(enabled=False)
    eng = backend()
    faces = [(name, eng.face(spec, cache)) for name, spec in face_presets.items()]
    sets = []
    for name, spec in set_presets.items():
        scene = SceneInfo(spec.constructor != "exterior", name.replace("_", " ").upper(), "DAY")
        sets.append((name, eng.set(spec, scene, cache)))
    return contact_sheet(
        faces, sets, width=width, title="screenplay stdlib: faces.film and rooms.film"
    )
